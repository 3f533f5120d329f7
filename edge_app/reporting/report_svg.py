"""Plots drawn as inline SVG: no plotting library, no fonts or files fetched, text escaped.

Text uses the page's font (generic `sans-serif`), so the report renders the same offline.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from edge_app.reporting.statistics import Proportion

BAR_COLOR = "#4a78b5"
WHISKER_COLOR = "#222"


def differential_chart(rows: Sequence[Proportion], width: int = 640) -> str:
    """Horizontal bars (percent of counted cells) with 95% Wilson whiskers, one row per type."""
    shown = [r for r in rows if r.count] or list(rows[:1])
    label_w, row_h, pad = 170, 22, 40
    plot_w = width - label_w - pad
    height = row_h * len(shown) + 30
    parts = [_svg_open(width, height, "WBC differential with 95% confidence intervals")]
    for i, row in enumerate(shown):
        y = 6 + i * row_h
        lo, hi = row.interval
        parts.append(_text(label_w - 6, y + 13, row.label, anchor="end"))
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{row.fraction * plot_w:.1f}" height="{row_h - 8}" '
                     f'fill="{BAR_COLOR}"/>')
        x_lo, x_hi, ym = label_w + lo * plot_w, label_w + hi * plot_w, y + row_h / 2 - 1
        parts.append(f'<path d="M{x_lo:.1f} {ym:.1f}H{x_hi:.1f}M{x_lo:.1f} {ym - 5:.1f}V{ym + 5:.1f}'
                     f'M{x_hi:.1f} {ym - 5:.1f}V{ym + 5:.1f}" stroke="{WHISKER_COLOR}" fill="none"/>')
        parts.append(_text(x_hi + 4, y + 13, f"{row.fraction:.1%}"))
    parts.append(_axis(label_w, plot_w, height - 22))
    return "".join(parts) + "</svg>"


def histogram(values: Sequence[float], threshold: float | None, title: str, width: int = 640,
              bins: int = 20) -> str:
    """Counts of `values` in equal bins, with a dashed line at `threshold`."""
    height, left, bottom = 160, 40, 24
    top = max([*values, threshold or 0.0, 1e-9])
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int(v / top * bins))] += 1
    peak, plot_w, plot_h = max(counts) or 1, width - left - 10, height - bottom - 10
    parts = [_svg_open(width, height, title)]
    for i, n in enumerate(counts):
        h = n / peak * plot_h
        parts.append(f'<rect x="{left + i * plot_w / bins:.1f}" y="{10 + plot_h - h:.1f}" '
                     f'width="{plot_w / bins - 1:.1f}" height="{h:.1f}" fill="{BAR_COLOR}"/>')
    if threshold is not None:
        x = left + threshold / top * plot_w
        parts.append(f'<line x1="{x:.1f}" y1="10" x2="{x:.1f}" y2="{10 + plot_h}" stroke="#c33" '
                     'stroke-dasharray="4 3"/>')
        parts.append(_text(x + 3, 22, f"threshold {threshold:g}", color="#c33"))
    parts.append(_text(left, height - 6, "0"))
    parts.append(_text(left + plot_w, height - 6, f"{top:.2f}", anchor="end"))
    parts.append(_text(4, 20, str(peak)))
    return "".join(parts) + "</svg>"


def _svg_open(width: int, height: int, title: str) -> str:
    return (f'<svg width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif" font-size="12">'
            f"<title>{escape(title)}</title>")


def _text(x: float, y: float, text: str, anchor: str = "start", color: str = "#222") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{color}">{escape(text)}</text>'


def _axis(x0: int, plot_w: int, y: int) -> str:
    ticks = "".join(_text(x0 + f * plot_w, y + 16, f"{f:.0%}", anchor="middle") for f in (0, 0.25, 0.5, 0.75, 1))
    return f'<line x1="{x0}" y1="{y}" x2="{x0 + plot_w}" y2="{y}" stroke="#888"/>' + ticks
