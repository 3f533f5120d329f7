"""A rendered object: its optical density and mask on a small pixel patch placed in the field."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Patch:
    """`od` (h, w, 3) and `mask` (h, w) of one object; pixel (0, 0) is field pixel (col0, row0).

    The mask is what the object's box is computed from: the pixels the object covers, before
    any optics blur.
    """

    od: np.ndarray
    mask: np.ndarray
    col0: int
    row0: int


@dataclass(frozen=True)
class PatchGrid:
    """Pixel-centre coordinates (µm, relative to the object centre) of a square patch."""

    x: np.ndarray  # (1, n)
    y: np.ndarray  # (n, 1)
    col0: int
    row0: int

    @property
    def size(self) -> int:
        return int(self.x.shape[1])


def patch_grid(cx_px: float, cy_px: float, radius_um: float, pitch: float, pad_px: int = 2) -> PatchGrid:
    """A patch around continuous pixel position (cx_px, cy_px) that holds a `radius_um` object."""
    half = math.ceil(radius_um / pitch) + pad_px
    col0, row0 = math.floor(cx_px) - half, math.floor(cy_px) - half
    idx = np.arange(2 * half + 1, dtype=np.float32)
    x = ((col0 + idx + 0.5 - cx_px) * pitch)[None, :].astype(np.float32)
    y = ((row0 + idx + 0.5 - cy_px) * pitch)[:, None].astype(np.float32)
    return PatchGrid(x, y, col0, row0)


def stain_od(maps: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Sum of amount-map x stain-vector pairs -> (h, w, 3) float32 optical density.

    Built channel by channel and merged: numpy broadcasting over a last axis of 3 runs its
    inner loop 3 elements at a time, ten times slower than these whole-plane operations.
    """
    planes = []
    for c in range(3):
        plane = maps[0][0] * float(maps[0][1][c])
        for amount, vec in maps[1:]:
            plane += amount * float(vec[c])
        planes.append(plane.astype(np.float32, copy=False))
    return cv2.merge(planes)
