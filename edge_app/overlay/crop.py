"""`crop_box`: a detected cell with some context around it, for thumbnails, the review gallery and the
live cell panel (one implementation)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

CONTEXT = 0.25  # extra border on each side, as a fraction of the box size


def crop_box(image: np.ndarray, xyxy: Sequence[float] | np.ndarray, margin: float = CONTEXT) -> np.ndarray:
    """The box widened by `margin` of its size on each side, clipped to the image; never empty (a copy)."""
    h, w = image.shape[:2]
    x1, y1, x2, y2 = (float(v) for v in xyxy)
    mx, my = (x2 - x1) * margin, (y2 - y1) * margin
    left, top = int(max(0, min(w - 1, x1 - mx))), int(max(0, min(h - 1, y1 - my)))
    right, bottom = int(min(w, max(left + 1, np.ceil(x2 + mx)))), int(min(h, max(top + 1, np.ceil(y2 + my))))
    return image[top:bottom, left:right].copy()
