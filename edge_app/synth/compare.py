"""Real BCCD fields next to synthetic ones: the picture for judging realism by eye.

Row 1: real BCCD fields (640x480, Wright-stained, 100x). Row 2: synthetic H_100x_C2 fields
rendered at the same size. Rows 3-4: the first synthetic field through the other domains
(phone camera, low-cost microscope, 40x, 10x), each as its camera's file would decode.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from edge_app.domains import ALL_DOMAINS, Domain
from edge_app.errors import DataFormatError
from edge_app.synth.dataset import _STREAM_DOMAIN, SynthConfig, field_centre, slide_for
from edge_app.synth.field import image_for, scene_for
from edge_app.synth.geometry import FieldWindow

REAL_SIZE = (640, 480)
OTHER_DOMAINS: tuple[str, ...] = (
    "H_100x_C1", "L_100x_C2", "L_100x_C1", "H_40x_C2", "L_40x_C1", "H_10x_C2", "L_10x_C2", "L_10x_C1",
)  # fmt: skip
_CAPTION_H = 28


def real_fields(bccd_dir: Path, count: int, seed: int) -> list[tuple[str, np.ndarray]]:
    """`count` BCCD fields, spread over the set (which ones depends on `seed`)."""
    paths = sorted((bccd_dir / "JPEGImages").glob("*.jpg"))
    if not paths:
        raise DataFormatError(
            "no BCCD images found", where=str(bccd_dir / "JPEGImages"), hint="pass --bccd pointing at the BCCD folder"
        )
    start = int(np.random.default_rng(seed).integers(len(paths)))
    picks = [paths[(start + k * len(paths) // count) % len(paths)] for k in range(count)]
    out = []
    for p in picks:
        image = cv2.imread(str(p), cv2.IMREAD_COLOR)
        if image is None:
            raise DataFormatError("cannot read image", where=str(p))
        out.append((f"BCCD {p.stem}", cv2.resize(image, REAL_SIZE, interpolation=cv2.INTER_AREA)))
    return out


def synthetic_field(config: SynthConfig, index: int, domain: Domain) -> np.ndarray:
    """Field `index` of the dataset `config` describes, at BCCD's 640x480, decoded from its file."""
    slide = slide_for(config, index)
    centre = field_centre(config, slide, index, REAL_SIZE[0])
    scene = scene_for(slide, FieldWindow.at_magnification(centre, domain.magnification, *REAL_SIZE))
    rng = np.random.default_rng([config.seed, _STREAM_DOMAIN, index, ALL_DOMAINS.index(domain)])
    data = np.frombuffer(image_for(scene, domain, rng).encode(), np.uint8)
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def _tile(caption: str, image: np.ndarray, width: int) -> np.ndarray:
    height = round(image.shape[0] * width / image.shape[1])
    body = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
    head = np.full((_CAPTION_H, width, 3), 255, np.uint8)
    cv2.putText(head, caption, (6, 20), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (40, 40, 40), 1, cv2.LINE_AA)
    return np.vstack([head, body])


def comparison_image(bccd_dir: Path, seed: int = 0, count: int = 4, tile_width: int = 480) -> np.ndarray:
    """The montage (BGR uint8): real row, synthetic H_100x_C2 row, then other domains."""
    config = SynthConfig(fields=count, seed=seed, fields_per_slide=1)
    rows = [[_tile(c, im, tile_width) for c, im in real_fields(bccd_dir, count, seed)]]
    h100 = Domain.parse("H_100x_C2")
    rows.append([_tile(f"synthetic {h100} #{i}", synthetic_field(config, i, h100), tile_width) for i in range(count)])
    others = [Domain.parse(n) for n in OTHER_DOMAINS]
    for start in range(0, len(others), count):
        chunk = others[start : start + count]
        row = [_tile(f"synthetic {d.name} #0", synthetic_field(config, 0, d), tile_width) for d in chunk]
        row += [np.full_like(row[0], 255)] * (count - len(row))
        rows.append(row)
    gap = 6
    lines = [np.hstack([np.pad(t, ((0, 0), (0, gap), (0, 0)), constant_values=255) for t in r]) for r in rows]
    return np.vstack([np.pad(line, ((0, gap), (0, 0), (0, 0)), constant_values=255) for line in lines])


def write_comparison(bccd_dir: Path, out: Path, seed: int = 0, count: int = 4) -> Path:
    image = comparison_image(bccd_dir, seed, count)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(out), image):
        raise DataFormatError("cannot write the comparison image", where=str(out), hint="check the folder exists")
    return out
