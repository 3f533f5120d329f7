"""Cell thumbnails: each representative cell cropped from its stored field, with some context."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from edge_app.errors import DataFormatError
from edge_app.formats.image_io import read_image
from edge_app.overlay.crop import crop_box
from edge_app.reporting.report_data import CellRef, SlideReport


def thumbnail_crops(report: SlideReport) -> dict[str, list[tuple[CellRef, np.ndarray]]]:
    """Per type, (cell, crop) pairs; each field is decoded once and a missing image is left out."""
    by_field: dict[int, list[tuple[str, CellRef]]] = defaultdict(list)
    for label, cells in report.representatives.items():
        for cell in cells:
            by_field[cell.field_id].append((label, cell))
    crops: dict[CellRef, np.ndarray] = {}
    for field in report.fields:
        if field.id in by_field:
            try:
                image = read_image(field.image_path)
            except DataFormatError:
                continue
            crops.update({cell: crop_box(image, cell.xyxy) for _label, cell in by_field[field.id]})
    return {label: [(c, crops[c]) for c in cells if c in crops] for label, cells in report.representatives.items()}
