"""`LiveResult`: what the live pipeline hands to its observer — one frame and what was found in it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from edge_app.detections import Detections
from edge_app.frame import Frame
from edge_app.pipeline.stats import LiveStats
from edge_app.runtime.field_quality import FieldQualityReport


@dataclass(frozen=True, eq=False)
class LiveResult:
    """The frame (with its stage position if known), its detections, its focus/exposure check,
    the pipeline's numbers at that moment, and how long this frame's detection took."""

    frame: Frame
    detections: Detections
    quality: FieldQualityReport | None
    stats: LiveStats
    detect_ms: float
    latency_ms: float  # capture -> result, this frame

    def to_record(self) -> dict[str, Any]:
        """Everything but the pixels, JSON-ready (the recorder writes one per line)."""
        quality = None
        if self.quality is not None:
            q = self.quality
            quality = {"focus": round(q.focus, 4), "brightness": round(q.brightness, 2),
                       "clipped": round(q.clipped, 5), "problems": list(q.problems)}
        return {"frame": self.frame.metadata(), "detections": self.detections.to_dict(), "quality": quality,
                "detect_ms": round(self.detect_ms, 2), "latency_ms": round(self.latency_ms, 2)}
