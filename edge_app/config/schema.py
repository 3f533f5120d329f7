"""The firmware-config schema: typed, range-checked pydantic models, one per config kind.

Every shipped file under `firmware_configs/` and every user file goes through `load_config`,
so a mistake always reads `file:line: field: what is wrong`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from edge_app.domains import Domain
from edge_app.errors import LeukoError

Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", description="lower-case id, used in file names")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CameraConfig(_Strict):
    """A camera: how to open it and what it delivers."""

    kind: Literal["camera"]
    id: Identifier
    name: str
    driver: Literal["uvc", "picamera2", "mjpeg", "rtsp"]
    camera_class: Literal["C1", "C2"] = Field(description="C1 phone on the eyepiece, C2 microscope camera")
    resolution: tuple[Annotated[int, Field(ge=160, le=8192)], Annotated[int, Field(ge=120, le=8192)]]
    fps: Annotated[float, Field(gt=0, le=120)] = 15
    fourcc: Annotated[str, Field(pattern=r"^[A-Z0-9 ]{4}$")] | None = None
    exposure: Literal["auto"] | Annotated[float, Field(gt=0, le=1000, description="milliseconds")] = "auto"
    white_balance: Literal["auto"] | Annotated[int, Field(ge=2000, le=10000, description="kelvin")] = "auto"
    device: str | int | None = Field(None, description="OpenCV index, /dev/video path or stream URL")
    notes: str = ""


class Objective(_Strict):
    magnification: Literal[10, 40, 100]
    numerical_aperture: Annotated[float, Field(gt=0, le=1.5)]
    oil_immersion: bool = False
    um_per_px: Annotated[float, Field(gt=0, le=10, description="µm per pixel with the reference camera")]


class StageScale(_Strict):
    x_range_mm: tuple[float, float]
    y_range_mm: tuple[float, float]
    vernier_resolution_mm: Annotated[float, Field(gt=0, le=1)] = 0.1

    @field_validator("x_range_mm", "y_range_mm")
    @classmethod
    def _range_increases(cls, value: tuple[float, float]) -> tuple[float, float]:
        if not value[0] < value[1]:
            raise ValueError(f"must be [low, high] with low < high, got [{value[0]}, {value[1]}]")
        return value

    def contains(self, x_mm: float, y_mm: float) -> bool:
        return self.x_range_mm[0] <= x_mm <= self.x_range_mm[1] and self.y_range_mm[0] <= y_mm <= self.y_range_mm[1]


class MicroscopeConfig(_Strict):
    kind: Literal["microscope"]
    id: Identifier
    name: str
    cost: Literal["high", "low"]
    stage: StageScale
    objectives: Annotated[list[Objective], Field(min_length=1)]
    notes: str = ""

    @field_validator("objectives")
    @classmethod
    def _unique_objectives(cls, value: list[Objective]) -> list[Objective]:
        mags = [o.magnification for o in value]
        if len(set(mags)) != len(mags):
            raise ValueError(f"objectives repeat a magnification: {mags}")
        return value

    def objective(self, magnification: int) -> Objective:
        for o in self.objectives:
            if o.magnification == magnification:
                return o
        raise KeyError(magnification)


class FocusThresholds(_Strict):
    """Focus thresholds, normalised per profile (sharp fields score ~1; see runtime/field_quality.py)."""

    reference_sharpness: Annotated[float, Field(gt=0)] = 2.0
    min_ok: Annotated[float, Field(gt=0, le=1)] = 0.5


class Tiling(_Strict):
    enabled: bool = False
    tile: Annotated[int, Field(ge=160, le=4096)] = 640
    overlap: Annotated[float, Field(ge=0, lt=0.5)] = 0.2


class ProfileConfig(_Strict):
    """Camera + microscope + objective -> imaging domain -> model bundle."""

    kind: Literal["profile"]
    id: Identifier
    name: str
    camera: Identifier
    microscope: Identifier
    objective: Literal[10, 40, 100]
    domain: str
    model: str = Field("demo", description="bundled bundle name or a bundle folder path")
    focus: FocusThresholds = FocusThresholds()
    tiling: Tiling = Tiling()

    @field_validator("domain")
    @classmethod
    def _domain_is_named_as_in_the_paper(cls, value: str, info: ValidationInfo) -> str:
        try:
            domain = Domain.parse(value)
        except LeukoError as exc:
            raise ValueError(f"{exc.message}; {exc.hint}") from None
        objective = info.data.get("objective")
        if objective is not None and domain.magnification != objective:
            raise ValueError(f"{value} is at {domain.magnification}x but the objective is {objective}x")
        return value


CONFIG_KINDS: dict[str, type[_Strict]] = {
    "camera": CameraConfig,
    "microscope": MicroscopeConfig,
    "profile": ProfileConfig,
}
