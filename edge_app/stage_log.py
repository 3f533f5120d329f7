"""Stage-scale log: a stage X/Y reading, validated against the microscope's vernier ranges.

In the paper two extra cameras (C3, C4) photograph the stage verniers so a field can be found
again on another microscope. Leuko takes the reading typed by the technician (or from the
virtual stage), checks it against the microscope config, rounds it to the vernier's resolution,
and stores it with the field — with the stage-camera snapshot when there is one.
"""

from __future__ import annotations

import re

from edge_app.config.schema import MicroscopeConfig
from edge_app.errors import ValidationError
from edge_app.frame import StagePosition

_READING = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*[,;/ xX]\s*(-?\d+(?:[.,]\d+)?)\s*$")


def parse_stage_text(text: str) -> tuple[float, float]:
    """'12.3, 45.6' / '12,3; 45,6' / '12.3 x 45.6' -> (12.3, 45.6): what technicians type."""
    match = _READING.match(text)
    if not match:
        raise ValidationError(f"cannot read a stage position from {text!r}",
                              hint="type the X and Y vernier readings in mm, e.g. 12.3, 45.6")
    return float(match[1].replace(",", ".")), float(match[2].replace(",", "."))


def stage_position(x_mm: float, y_mm: float, microscope: MicroscopeConfig, source: str = "typed") -> StagePosition:
    """A validated reading, rounded to the vernier resolution of this microscope's stage."""
    stage = microscope.stage
    for axis, value, (lo, hi) in (("X", x_mm, stage.x_range_mm), ("Y", y_mm, stage.y_range_mm)):
        if not lo <= value <= hi:
            raise ValidationError(
                f"stage {axis} = {value:g} mm is outside the {microscope.name} range {lo:g}–{hi:g} mm",
                hint="re-read the vernier scale",
            )
    step = stage.vernier_resolution_mm
    return StagePosition(round(round(x_mm / step) * step, 6), round(round(y_mm / step) * step, 6), source)
