"""Tiled inference for large low-magnification frames: a wrapper around any `image -> Detections`.

Overlapping tiles are detected independently, shifted back to frame pixels, and merged with
the same class-aware NMS as everything else (supervision's InferenceSlicer, STYLE item 3).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from edge_app.detections import Detections
from edge_app.runtime.nms import nms

DetectFn = Callable[[np.ndarray], Detections]


@dataclass
class TiledDetector:
    detect_tile: DetectFn
    tile: int = 640
    overlap: float = 0.2
    iou_threshold: float = 0.5

    def __call__(self, image: np.ndarray) -> Detections:
        parts = [self.detect_tile(image[y0:y1, x0:x1]).scaled(1, 1, x0, y0) for x0, y0, x1, y1 in self.windows(image)]
        found = [p for p in parts if len(p)]
        return nms(Detections.concat(found), self.iou_threshold) if found else parts[0]

    def windows(self, image: np.ndarray) -> Iterator[tuple[int, int, int, int]]:
        h, w = image.shape[:2]
        for y0 in _starts(h, self.tile, self.overlap):
            for x0 in _starts(w, self.tile, self.overlap):
                yield x0, y0, min(x0 + self.tile, w), min(y0 + self.tile, h)


def _starts(length: int, tile: int, overlap: float) -> list[int]:
    """Tile origins covering [0, length) with at least `overlap` shared, the last flush with the end."""
    if length <= tile:
        return [0]
    step = max(1, int(tile * (1 - overlap)))
    starts = list(range(0, length - tile, step))
    starts.append(length - tile)
    return starts
