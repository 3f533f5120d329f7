"""The virtual microscope obeys its stage and its focus knob, deterministically, at live speed."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from edge_app.errors import ConfigError, ValidationError
from edge_app.frame import StagePosition
from edge_app.runtime.field_quality import measure_field_quality
from edge_app.sources.factory import build_source
from edge_app.sources.grabber import LatestFrameGrabber
from edge_app.sources.reconnect import ReconnectingSource
from edge_app.sources.virtual_microscope import VirtualMicroscope
from tests.test_sources_support import no_thread_left  # noqa: F401

SIZE = (320, 240)  # small fields keep the tests fast; the geometry is the same at any size
START = (30.0, 12.0)


def _scope(target: str = "L_100x_C2", **kwargs: object) -> VirtualMicroscope:
    options: dict[str, object] = {"seed": 3, "stage_xy_mm": START, "fps": None, "resolution": SIZE}
    options.update(kwargs)
    return VirtualMicroscope(target, **options)  # type: ignore[arg-type]


def _read(scope: VirtualMicroscope) -> np.ndarray:
    frame = scope.read()
    assert frame is not None
    return frame.image.astype(np.int16)


def test_moving_one_field_width_shows_other_cells_and_coming_back_the_same_pixels() -> None:
    with _scope() as scope:
        here = _read(scope)
        width_mm = scope.field_of_view_mm[0]
        scope.move_to(START[0] + width_mm, START[1])
        there = _read(scope)
        scope.move_to(*START)
        back = _read(scope)
    assert np.abs(here - back).mean() < 3.0  # only fresh sensor noise differs
    assert np.abs(here - back).max() < 64
    assert not np.array_equal(here, back)  # ...and it does differ: noise is per frame
    assert np.abs(here - there).mean() > 4 * np.abs(here - back).mean()


def test_a_half_field_move_shifts_the_image_by_half_its_width() -> None:
    """The field follows the stage geometrically: what was right of centre is now left of it."""
    with _scope("H_100x_C2") as scope:  # H: little vignetting, so pixels compare across the field
        first = cv2.cvtColor(scope.read().image, cv2.COLOR_BGR2GRAY)  # type: ignore[union-attr]
        scope.move_by(scope.field_of_view_mm[0] / 2, 0.0)
        second = cv2.cvtColor(scope.read().image, cv2.COLOR_BGR2GRAY)  # type: ignore[union-attr]
    patch = second[40:-40, 20:140]  # left half of the new field
    scores = cv2.matchTemplate(first, patch, cv2.TM_CCOEFF_NORMED)
    _, best, _, where = cv2.minMaxLoc(scores)
    assert best > 0.8 and where == (20 + SIZE[0] // 2, 40)


def test_defocus_lowers_the_measured_focus() -> None:
    # At the live size: measure_field_quality downsizes to 640 px, which halves the sensor noise;
    # at 640 px itself noise dominates its variance-of-Laplacian (see docs/live.md).
    with _scope("H_100x_C2", resolution=(1280, 960)) as scope:
        sharp = measure_field_quality(scope.read().image).focus  # type: ignore[union-attr]
        scope.set_focus(2.0)
        blurred = measure_field_quality(scope.read().image).focus  # type: ignore[union-attr]
        scope.set_focus(-2.0)
        other_side = measure_field_quality(scope.read().image).focus  # type: ignore[union-attr]
    assert blurred < 0.8 * sharp and other_side < 0.8 * sharp


def test_frames_carry_the_virtual_stage_position() -> None:
    with _scope() as scope:
        first = scope.read()
        scope.move_to(31.5, 12.25)
        second = scope.read()
    assert first is not None and second is not None
    assert first.stage == StagePosition(30.0, 12.0, "virtual")
    assert second.stage == StagePosition(31.5, 12.25, "virtual")
    assert (first.index, second.index) == (0, 1)
    assert first.metadata()["stage"] == {"x_mm": 30.0, "y_mm": 12.0, "source": "virtual"}


def test_same_seed_same_pixels_other_seed_other_slide() -> None:
    with _scope() as a, _scope() as b, _scope(seed=4) as c:
        assert np.array_equal(_read(a), _read(b))
        assert not np.array_equal(_read(a), _read(c))


def test_the_field_is_rendered_only_when_the_view_changes() -> None:
    with _scope() as scope:
        for _ in range(5):
            _read(scope)
        assert scope.renders == 1  # rendered on open
        scope.set_focus(0.5)
        _read(scope)
        _read(scope)
        assert scope.renders == 2


def test_a_profile_sets_domain_pitch_resolution_and_stage_travel() -> None:
    scope = VirtualMicroscope("xsz107bn-zzcat-100x", seed=0, stage_xy_mm=(10.0, 10.0), fps=None)
    assert scope.optics.domain.name == "L_100x_C2"
    assert (scope.optics.width, scope.optics.height) == (1280, 960)  # the camera's binned live mode
    assert scope.optics.um_per_px == pytest.approx(0.044 * 2592 / 1280)
    with pytest.raises(ValidationError, match="outside"):
        scope.move_to(80.0, 10.0)  # beyond the XSZ-107BN's 75 mm travel


def test_unknown_target_names_domains_and_profiles() -> None:
    with pytest.raises(ConfigError, match="neither a domain nor a profile"):
        VirtualMicroscope("L_200x_C9")


def test_ground_truth_of_the_shown_field_is_available() -> None:
    scope = VirtualMicroscope("L_100x_C2", seed=0, fps=None, resolution=(640, 480))  # starts on a cell
    with scope:
        scope.read()
        assert len(scope.labels()) >= 1


def test_factory_builds_it_from_a_spec_and_the_grabber_runs_it() -> None:
    source = build_source("virtual:H_100x_C2@2", fps=200)
    assert isinstance(source, ReconnectingSource) and isinstance(source.inner, VirtualMicroscope)
    assert source.inner.seed == 2 and source.source_id == "virtual:H_100x_C2"
    with LatestFrameGrabber(source) as grabber:
        frame = grabber.latest(timeout_s=5.0)
    assert frame is not None and frame.stage is not None and frame.stage.source == "virtual"
    with pytest.raises(ValidationError, match="seed"):
        build_source("virtual:L_100x_C2@x")
