"""Overlays draw on a copy, in class colours, at any screen size, with or without attributes."""

from __future__ import annotations

import numpy as np
import pytest

from edge_app.detections import Detections
from edge_app.overlay.annotators import Overlay
from edge_app.overlay.style import OverlayScale, class_color
from edge_app.taxonomy import Taxonomy


@pytest.mark.parametrize(("height", "width"), [(480, 800), (1080, 1920)])
def test_overlay_draws_boxes_in_class_colours_on_a_copy(height: int, width: int) -> None:
    frame = np.full((height, width, 3), 255, np.uint8)
    box = np.array([[width * 0.3, height * 0.3, width * 0.5, height * 0.6]], np.float32)
    dets = Detections(box, [3], [0.9], np.full((1, 7, 2), 0.5, np.float32))
    out = Overlay(Taxonomy.leukemia_attri()).draw(frame, dets)
    assert frame.min() == 255  # input untouched
    x1, y1, _x2, y2 = box[0].astype(int)
    assert out[(y1 + y2) // 2, x1].tolist() == list(class_color(3))
    assert not np.array_equal(out[y2 + 4 : y2 + 20, x1 : x1 + 40], frame[y2 + 4 : y2 + 20, x1 : x1 + 40])  # badges


def test_overlay_copes_with_no_detections_and_no_attributes() -> None:
    frame = np.zeros((240, 320, 3), np.uint8)
    tax = Taxonomy(("WBC", "RBC", "Platelets"))
    assert Overlay(tax).draw(frame, Detections.empty()).shape == frame.shape
    dets = Detections([[10, 10, 50, 50]], [0], [0.5], np.zeros((1, 0, 0)))
    assert Overlay(tax).draw(frame, dets).any()


def test_text_scale_grows_with_the_frame_but_never_below_legible() -> None:
    small, big = OverlayScale.for_height(240), OverlayScale.for_height(2160)
    assert small.font_scale == pytest.approx(0.75 * 0.45) and big.font_scale > small.font_scale
