"""Stage readings: parsed as technicians type them, validated per microscope, rounded to the vernier."""

from __future__ import annotations

import pytest

from edge_app.config.loader import load_config_set
from edge_app.errors import ValidationError
from edge_app.stage_log import parse_stage_text, stage_position


@pytest.mark.parametrize(("text", "expected"), [("12.3, 45.6", (12.3, 45.6)), ("12,3; 4,5", (12.3, 4.5)),
                                                ("7 x 8", (7.0, 8.0)), ("0.5/20", (0.5, 20.0))])
def test_typed_readings_parse(text: str, expected: tuple[float, float]) -> None:
    assert parse_stage_text(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "12.3", "a, b", "1, 2, 3"])
def test_unreadable_readings_say_what_to_type(text: str) -> None:
    with pytest.raises(ValidationError, match="cannot read a stage position"):
        parse_stage_text(text)


def test_reading_is_range_checked_and_rounded_to_the_vernier() -> None:
    xsz = load_config_set().microscopes["xsz-107bn"]
    pos = stage_position(12.34, 5.06, xsz)
    assert (pos.x_mm, pos.y_mm, pos.source) == (12.3, 5.1, "typed")
    with pytest.raises(ValidationError, match=r"stage X = 80 mm is outside the XSZ-107BN .* range 0–75 mm"):
        stage_position(80, 5, xsz)
    with pytest.raises(ValidationError, match="stage Y"):
        stage_position(10, -1, xsz)
