"""Where a field lies on the virtual slide: micrometres on the slide, pixels in the image.

The slide is described in micrometres so that one set of cells can be photographed at any
magnification. The pixel pitch follows the objective: 8.5 µm/px divided by the magnification
puts a 7.2 µm red cell at ~85 px and a 12 µm neutrophil at ~140 px under the 100x objective,
which is what the real BCCD fields show (RBCs ~70–90 px, WBCs ~100–170 px on 640x480); the
40x and 10x fields then show the same cells 2.5x and 10x smaller with more slide around them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from edge_app.errors import ValidationError

UM_PER_PX_AT_1X = 8.5
Coord = TypeVar("Coord", float, np.ndarray)


def um_per_px(magnification: float) -> float:
    """Pixel pitch on the slide (µm per image pixel) for an objective magnification."""
    if magnification <= 0:
        raise ValidationError(f"magnification must be positive, got {magnification}")
    return UM_PER_PX_AT_1X / magnification


@dataclass(frozen=True)
class FieldWindow:
    """A rectangular field of view: centre on the slide (µm), pixel pitch and image size.

    Pixel (col, row) covers slide x in [x0 + col*pitch, x0 + (col+1)*pitch), likewise y.
    """

    center_x_um: float
    center_y_um: float
    um_per_px: float
    width: int
    height: int

    def __post_init__(self) -> None:
        if self.width < 8 or self.height < 8:
            raise ValidationError(f"field size {self.width}x{self.height} is too small (at least 8x8 px)")
        if not (self.um_per_px > 0 and math.isfinite(self.um_per_px)):
            raise ValidationError(f"pixel pitch must be positive, got {self.um_per_px}")

    @classmethod
    def at_magnification(
        cls, center_um: tuple[float, float], magnification: float, width: int, height: int | None = None
    ) -> FieldWindow:
        return cls(center_um[0], center_um[1], um_per_px(magnification), width, height or width)

    @property
    def origin_um(self) -> tuple[float, float]:
        """Slide position of the image's top-left corner."""
        return (
            self.center_x_um - self.width * self.um_per_px / 2,
            self.center_y_um - self.height * self.um_per_px / 2,
        )

    def bounds_um(self, margin_um: float = 0.0) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) on the slide, grown by `margin_um` on every side."""
        x0, y0 = self.origin_um
        return (
            x0 - margin_um,
            y0 - margin_um,
            x0 + self.width * self.um_per_px + margin_um,
            y0 + self.height * self.um_per_px + margin_um,
        )

    def to_px(self, x_um: Coord, y_um: Coord) -> tuple[Coord, Coord]:
        """Continuous pixel coordinates (pixel centres at integer + 0.5) of slide points."""
        x0, y0 = self.origin_um
        return (x_um - x0) / self.um_per_px, (y_um - y0) / self.um_per_px
