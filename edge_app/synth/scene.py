"""A field before the microscope's optics: optical density of everything in the window, and the
ground truth (class, attribute codes, tight box) of every labelled object.

Boxes come from each object's own rendered mask, not from its nominal radius, so they are tight
on what was drawn. An object cut by the image border gets its box clipped to the image and is
labelled only if at least `MIN_VISIBLE_FRACTION` of its mask lies inside; a sliver of a cell
at the edge is drawn but not labelled (as annotators skip cells they cannot identify).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from edge_app.formats.yolo_attr import LabelRow
from edge_app.synth.artifacts import render_artifact
from edge_app.synth.geometry import FieldWindow
from edge_app.synth.patch import Patch
from edge_app.synth.slide import SlideContents, SlideObject
from edge_app.synth.sprites import platelet_bank, rbc_bank, splat
from edge_app.synth.stains import StainSet
from edge_app.synth.wbc_morphology import WbcMorphology
from edge_app.synth.wbc_render import render_wbc

MIN_VISIBLE_FRACTION = 0.5


@dataclass(frozen=True)
class SceneObject:
    """A rendered labelled object: slide record, patch, box in field pixels, visible share."""

    slide_object: SlideObject
    patch: Patch
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive), clipped to the image
    visible_fraction: float

    @property
    def labelled(self) -> bool:
        return self.visible_fraction >= MIN_VISIBLE_FRACTION

    def label_row(self, width: int, height: int) -> LabelRow:
        x0, y0, x1, y1 = self.box
        o = self.slide_object
        return LabelRow(
            o.class_id, (x0 + x1) / 2 / width, (y0 + y1) / 2 / height, (x1 - x0) / width, (y1 - y0) / height, o.codes
        )


@dataclass(frozen=True)
class Scene:
    window: FieldWindow
    od: np.ndarray  # (H, W, 3) float32
    objects: tuple[SceneObject, ...]  # every object that shows, labelled or not

    def label_rows(self) -> list[LabelRow]:
        w, h = self.window.width, self.window.height
        return [o.label_row(w, h) for o in self.objects if o.labelled]


def _add_patch(od: np.ndarray, patch: Patch) -> None:
    h, w = od.shape[:2]
    ph, pw = patch.mask.shape
    r0, c0 = max(patch.row0, 0), max(patch.col0, 0)
    r1, c1 = min(patch.row0 + ph, h), min(patch.col0 + pw, w)
    if r1 > r0 and c1 > c0:
        od[r0:r1, c0:c1] += patch.od[r0 - patch.row0 : r1 - patch.row0, c0 - patch.col0 : c1 - patch.col0]


def _box(patch: Patch, width: int, height: int) -> tuple[tuple[int, int, int, int], float] | None:
    rows, cols = np.nonzero(patch.mask)
    if len(rows) == 0:
        return None
    rows, cols = rows + patch.row0, cols + patch.col0
    inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
    if not inside.any():
        return None
    rows, cols = rows[inside], cols[inside]
    box = (int(cols.min()), int(rows.min()), int(cols.max()) + 1, int(rows.max()) + 1)
    return box, float(inside.mean())


def _background(contents: SlideContents, stains: StainSet, window: FieldWindow) -> np.ndarray:
    """Plasma film + red cells + platelets, each a single-stain density map."""
    shape = (window.height, window.width)
    pitch = window.um_per_px
    key = round(pitch, 9)
    rc, pl = contents.red_cells, contents.platelets
    rx, ry = window.to_px(rc.x, rc.y)
    red = splat(shape, rbc_bank(key), rc.sprite, rx, ry, rc.gain)
    px, py = window.to_px(pl.x, pl.y)
    plt = splat(shape, platelet_bank(key), pl.sprite, px, py, pl.gain)
    channels = [
        cv2.addWeighted(red, float(stains.rbc[c]), plt, float(stains.platelet[c]), float(stains.plasma[c]))
        for c in range(3)
    ]  # per-channel weighted sums: several times faster than numpy broadcasting to (H, W, 3)
    return cv2.merge(channels)


def render_scene(contents: SlideContents, stains: StainSet, window: FieldWindow) -> Scene:
    """Optical density of the window and its labelled objects (in slide order)."""
    od = _background(contents, stains, window)
    objects: list[SceneObject] = []
    for o in contents.objects:
        cx, cy = window.to_px(o.x_um, o.y_um)
        if isinstance(o.shape, WbcMorphology):
            patch = render_wbc(o.shape, stains, cx, cy, window.um_per_px)
        else:
            patch = render_artifact(o.shape, stains, cx, cy, window.um_per_px)
        found = _box(patch, window.width, window.height)
        if found is None:
            continue
        _add_patch(od, patch)
        objects.append(SceneObject(o, patch, found[0], found[1]))
    return Scene(window, od, tuple(objects))
