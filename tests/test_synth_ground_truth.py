"""The generator's ground truth: boxes are tight on the rendered cells, the border rule holds,
label codes follow the class, and sizes match the chosen pixel pitch."""

from __future__ import annotations

import numpy as np
import pytest

from edge_app.synth.dataset import SynthConfig, field_centre, slide_for
from edge_app.synth.field import scene_for
from edge_app.synth.geometry import FieldWindow, um_per_px
from edge_app.synth.scene import MIN_VISIBLE_FRACTION, Scene
from edge_app.synth.slide import VirtualSlide

CONFIG = SynthConfig(fields=6, seed=11)


def _scenes(magnification: int, size: int = 640) -> list[Scene]:
    out = []
    for index in range(0, CONFIG.fields, 2):
        slide = slide_for(CONFIG, index)
        centre = field_centre(CONFIG, slide, index, size)
        out.append(scene_for(slide, FieldWindow.at_magnification(centre, magnification, size)))
    return out


def _object_pixels(obj, width: int, height: int, od_min: float | None = None):
    """Field coordinates (rows, cols) of the object's mask (or of its stain above od_min), inside the image."""
    p = obj.patch
    sel = p.mask if od_min is None else p.od.max(axis=2) > od_min
    rows, cols = np.nonzero(sel)
    rows, cols = rows + p.row0, cols + p.col0
    inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
    return rows[inside], cols[inside]


@pytest.mark.parametrize("magnification", [100, 40, 10])
def test_every_box_encloses_its_rendered_cell(magnification: int) -> None:
    checked = 0
    for scene in _scenes(magnification):
        w, h = scene.window.width, scene.window.height
        for obj in scene.objects:
            x0, y0, x1, y1 = obj.box
            assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
            rows, cols = _object_pixels(obj, w, h)
            # tight: the mask touches all four sides of its box, and lies within it
            assert (cols.min(), rows.min(), cols.max() + 1, rows.max() + 1) == (x0, y0, x1, y1)
            # no stain of the object outside the box, beyond the one anti-aliased pixel
            rows, cols = _object_pixels(obj, w, h, od_min=0.02 if obj.slide_object.is_wbc else 0.04)
            assert cols.min() >= x0 - 1 and cols.max() <= x1 and rows.min() >= y0 - 1 and rows.max() <= y1
            checked += 1
    assert checked >= 3


def test_border_rule_labels_mostly_visible_objects_only() -> None:
    scenes = _scenes(10)
    cut = [o for s in scenes for o in s.objects if o.visible_fraction < 1.0]
    assert cut, "a 10x field always has cells cut by its border"
    for scene in scenes:
        labelled = {(o.slide_object.uid) for o in scene.objects if o.visible_fraction >= MIN_VISIBLE_FRACTION}
        rows = scene.label_rows()
        assert len(rows) == len(labelled)
        for row in rows:
            assert row.cx - row.w / 2 >= 0 and row.cx + row.w / 2 <= 1 + 1e-9
            assert row.cy - row.h / 2 >= 0 and row.cy + row.h / 2 <= 1 + 1e-9


def test_label_codes_follow_the_class() -> None:
    for scene in _scenes(40):
        for obj in scene.objects:
            o = obj.slide_object
            if o.is_wbc:
                assert o.class_id != 0
                assert all(c in (v, 2) for c, v in zip(o.codes, o.shape.values, strict=True))
            else:
                assert o.class_id == 0 and o.codes == (2,) * 7


def test_sizes_at_100x_look_like_bccd() -> None:
    """BCCD at 640x480: WBCs ~100-170 px wide, red cells ~70-90 px (plus their loose boxes)."""
    assert um_per_px(100) == pytest.approx(0.085)
    whole = [o for s in _scenes(100) for o in s.objects if o.slide_object.is_wbc and o.visible_fraction == 1.0]
    widths = [o.box[2] - o.box[0] for o in whole]
    assert widths and 85 <= float(np.median(widths)) <= 200
    slide = VirtualSlide(5)
    red = slide.contents((0, 0, 200, 200)).red_cells
    assert len(red) > 300  # a crowded film


def test_window_geometry() -> None:
    window = FieldWindow.at_magnification((100.0, 50.0), 40, 640, 480)
    half_w, half_h = 320 * 0.2125, 240 * 0.2125
    assert window.bounds_um() == pytest.approx((100 - half_w, 50 - half_h, 100 + half_w, 50 + half_h))
    assert window.to_px(100.0, 50.0) == pytest.approx((320.0, 240.0))
