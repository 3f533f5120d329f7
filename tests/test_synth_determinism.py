"""Determinism and consistency: same seed -> same bytes; every domain shows the same cells;
a window's content does not depend on how the slide was visited."""

from __future__ import annotations

import numpy as np
import pytest

from edge_app.domains import Domain, parse_domains
from edge_app.synth.dataset import SynthConfig, field_centre, render_field_set, slide_for
from edge_app.synth.field import scene_for
from edge_app.synth.geometry import FieldWindow
from edge_app.synth.slide import VirtualSlide

SOME = tuple(parse_domains("H_100x_C2,L_100x_C1,L_10x_C2"))


def _config(seed: int, domains: tuple[Domain, ...] = SOME, imgsz: int = 320) -> SynthConfig:
    return SynthConfig(fields=4, seed=seed, imgsz=imgsz, domains=domains)


def test_same_seed_same_bytes_different_seed_different_labels() -> None:
    first = [render_field_set(_config(1), i) for i in (0, 3)]
    again = [render_field_set(_config(1), i) for i in (0, 3)]
    assert first == again  # images and label text, byte for byte
    other = [render_field_set(_config(2), i) for i in (0, 3)]
    assert [{d: t for d, (_, t) in f.items()} for f in first] != [{d: t for d, (_, t) in f.items()} for f in other]


def test_a_domain_renders_the_same_alone_or_with_others() -> None:
    alone = render_field_set(_config(3, (Domain.parse("L_100x_C1"),)), 1)
    together = render_field_set(_config(3), 1)
    assert alone["L_100x_C1"] == together["L_100x_C1"]


def test_labels_are_shared_by_the_domains_of_one_magnification() -> None:
    domains = tuple(d for d in parse_domains("all") if d.magnification == 100)
    out = render_field_set(_config(4, domains), 2)
    assert len({text for _, text in out.values()}) == 1
    assert len({image for image, _ in out.values()}) == 4  # but four different photographs


def test_every_magnification_shows_the_same_cells() -> None:
    """Cells fully inside the 100x field are in the 40x and 10x fields, at the same slide point."""
    config = _config(5, imgsz=640)
    for index in range(3):
        slide = slide_for(config, index)
        centre = field_centre(config, slide, index, 640)
        scenes = {m: scene_for(slide, FieldWindow.at_magnification(centre, m, 640)) for m in (100, 40, 10)}
        positions = {m: _centres_um(s) for m, s in scenes.items()}
        inner = {uid for uid, _ in positions[100].items() if _fully_inside(scenes[100], uid)}
        assert inner, "a 100x field is centred on a WBC"
        for m in (40, 10):
            assert inner <= set(positions[m])
            for uid in inner:  # box centres agree within a pixel of the coarser field
                assert np.allclose(positions[m][uid], positions[100][uid], atol=1.5 * scenes[m].window.um_per_px)


def _centres_um(scene) -> dict[int, tuple[float, float]]:
    x0, y0 = scene.window.origin_um
    p = scene.window.um_per_px
    return {
        o.slide_object.uid: (x0 + (o.box[0] + o.box[2]) / 2 * p, y0 + (o.box[1] + o.box[3]) / 2 * p)
        for o in scene.objects
    }


def _fully_inside(scene, uid: int) -> bool:
    return next(o.visible_fraction == 1.0 for o in scene.objects if o.slide_object.uid == uid)


def test_window_content_does_not_depend_on_the_visit_order() -> None:
    small = (500.0, 300.0, 560.0, 360.0)
    fresh = VirtualSlide(9).contents(small)
    visited = VirtualSlide(9)
    visited.contents((-400.0, -400.0, 900.0, 900.0))  # fill the tile cache from a big window first
    again = visited.contents(small)
    assert [o.uid for o in fresh.objects] == [o.uid for o in again.objects]
    assert np.array_equal(fresh.red_cells.x, again.red_cells.x)
    assert np.array_equal(fresh.red_cells.sprite, again.red_cells.sprite)


def test_overlapping_windows_agree_on_their_common_part() -> None:
    slide = VirtualSlide(21)
    a = slide.contents((0.0, 0.0, 100.0, 100.0))
    b = slide.contents((50.0, 50.0, 150.0, 150.0))
    def core(c):
        keep = (c.red_cells.x > 60) & (c.red_cells.x < 90) & (c.red_cells.y > 60) & (c.red_cells.y < 90)
        return sorted(zip(c.red_cells.x[keep], c.red_cells.y[keep], strict=True))
    assert core(a) == core(b) and core(a)
    ids_a = {o.uid for o in a.objects if 60 < o.x_um < 90 and 60 < o.y_um < 90}
    ids_b = {o.uid for o in b.objects if 60 < o.x_um < 90 and 60 < o.y_um < 90}
    assert ids_a == ids_b


@pytest.mark.parametrize("defocus", [0.0, 2.0])
def test_defocus_blurs_but_keeps_ground_truth(defocus: float) -> None:
    from edge_app.synth.field import render_field

    slide = VirtualSlide(3)
    wbc = slide.nearest_wbc(0, 0)
    assert wbc is not None
    window = FieldWindow.at_magnification((wbc.x_um, wbc.y_um), 100, 256)
    sharp = render_field(slide, window, Domain.parse("H_100x_C2"), np.random.default_rng(0))
    blurred = render_field(slide, window, Domain.parse("H_100x_C2"), np.random.default_rng(0), defocus_um=defocus)
    assert sharp.labels == blurred.labels
    focus = [_sharpness(f.image) for f in (sharp, blurred)]
    assert (focus[1] < 0.5 * focus[0]) if defocus else focus[1] == pytest.approx(focus[0])


def _sharpness(image: np.ndarray) -> float:
    """Edge energy at a scale above the sensor noise."""
    import cv2

    grey = cv2.GaussianBlur(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float32), (0, 0), 1.5)
    return float(cv2.Laplacian(grey, cv2.CV_32F).var())
