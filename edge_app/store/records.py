"""Plain records the store hands out (no SQL, no Qt: the GUI and the CLI read the same)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from edge_app.frame import StagePosition


@dataclass(frozen=True)
class Slide:
    id: int
    code: str
    sample_code: str
    profile_id: str
    started_at: str
    finished_at: str | None


@dataclass(frozen=True)
class FieldQuality:
    """Focus (normalised, ~1 when sharp), mean brightness 0..255, clipped-pixel fraction."""

    focus: float | None = None
    brightness: float | None = None
    clipped: float | None = None


@dataclass(frozen=True)
class FieldProvenance:
    """What produced a field's results: profile, objective, model bundle and source."""

    profile_id: str = ""
    objective: int | None = None
    model_id: str | None = None
    source_id: str = ""
    frame_index: int = 0


@dataclass(frozen=True)
class FieldRecord:
    id: int
    slide_id: int
    image_sha256: str
    image_path: Path
    width: int
    height: int
    captured_at: float
    app_version: str
    provenance: FieldProvenance
    quality: FieldQuality
    stage: StagePosition | None
    num_detections: int
