"""`Frame`: one image from a source, with when, where from, and where on the slide."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from edge_app.errors import ValidationError


@dataclass(frozen=True)
class StagePosition:
    """A stage vernier reading in millimetres, as typed by the technician or read from a stage camera."""

    x_mm: float
    y_mm: float
    source: str = "typed"  # "typed" | "stage-camera" | "virtual"

    def to_dict(self) -> dict[str, Any]:
        return {"x_mm": self.x_mm, "y_mm": self.y_mm, "source": self.source}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StagePosition:
        return cls(float(data["x_mm"]), float(data["y_mm"]), str(data.get("source", "typed")))


@dataclass(frozen=True, eq=False)
class Frame:
    """A BGR uint8 image (H,W,3), its capture time, index within its source, and source id."""

    image: np.ndarray
    index: int = 0
    source_id: str = ""
    timestamp: float = field(default_factory=time.time)
    stage: StagePosition | None = None

    def __post_init__(self) -> None:
        img = self.image
        if not isinstance(img, np.ndarray) or img.dtype != np.uint8 or img.ndim != 3 or img.shape[2] != 3:
            shape = getattr(img, "shape", None)
            dtype = getattr(img, "dtype", type(img).__name__)
            raise ValidationError(f"a Frame needs a BGR uint8 (H,W,3) image, got {dtype} {shape}")

    @property
    def height(self) -> int:
        return int(self.image.shape[0])

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    def metadata(self) -> dict[str, Any]:
        """Everything but the pixels, JSON-ready."""
        return {
            "index": self.index,
            "source_id": self.source_id,
            "timestamp": self.timestamp,
            "width": self.width,
            "height": self.height,
            "stage": self.stage.to_dict() if self.stage else None,
        }
