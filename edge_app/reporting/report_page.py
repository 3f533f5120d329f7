"""Building blocks of Leuko's self-contained HTML pages (slide report, QA comparison).

Every string goes through `esc` unless it is a `Raw` fragment built here; pictures are embedded
as base64 JPEG data URIs and the CSS is inline, so a page opens offline and fetches nothing.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from html import escape

import cv2
import numpy as np

from edge_app.errors import LeukoError

CSS = """
body{font-family:sans-serif;margin:24px;max-width:1100px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}
th{background:#f2f2f2;text-align:left}td.n{text-align:right}
.note{background:#fff6d6;border:1px solid #e0c060;padding:8px 12px}
.thumbs img{margin:2px;border:1px solid #ccc}figure{display:inline-block;margin:4px}
figcaption{font-size:12px}pre{background:#f6f6f6;padding:8px;overflow-x:auto;font-size:12px}
"""


class Raw(str):
    """Markup built by these helpers (already escaped); any other str is escaped."""


def esc(value: object) -> Raw:
    return value if isinstance(value, Raw) else Raw(escape(str(value), quote=True))


def page(title: str, body: Iterable[str]) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f"<style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def heading(level: int, text: str) -> Raw:
    return Raw(f"<h{level}>{esc(text)}</h{level}>")


def paragraph(text: str, css_class: str = "") -> Raw:
    attr = f' class="{css_class}"' if css_class else ""
    return Raw(f"<p{attr}>{esc(text)}</p>")


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Raw:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    return Raw(f"<table><tr>{head}</tr>{body}</table>")


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f'<td class="n">{value:.3f}</td>'
    if isinstance(value, int):
        return f'<td class="n">{value}</td>'
    return f"<td>{esc('' if value is None else value)}</td>"


def jpeg_img(image: np.ndarray, alt: str, max_side: int = 0, quality: int = 85) -> Raw:
    """An <img> with the picture embedded as a base64 JPEG (downscaled to `max_side` if set)."""
    if max_side and max(image.shape[:2]) > max_side:
        f = max_side / max(image.shape[:2])
        image = cv2.resize(image, (max(1, round(image.shape[1] * f)), max(1, round(image.shape[0] * f))),
                           interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise LeukoError(f"cannot encode a {image.shape} picture as JPEG for the report")
    b64 = base64.b64encode(data.tobytes()).decode("ascii")
    return Raw(f'<img src="data:image/jpeg;base64,{b64}" alt="{esc(alt)}" '
               f'width="{image.shape[1]}" height="{image.shape[0]}">')


def figure(content: str, caption: str) -> Raw:
    return Raw(f"<figure>{content}<figcaption>{esc(caption)}</figcaption></figure>")
