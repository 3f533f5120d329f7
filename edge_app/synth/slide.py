"""The virtual slide: an endless blood film in micrometres, laid out tile by tile on demand.

Each 128 µm tile draws its red cells, platelets, WBCs and artifacts from a seed derived from
(slide seed, tile x, tile y), so any window — a 100x field, the 10x field around it, or a
virtual-microscope pan across the slide — sees exactly the same cells, and no window needs
the whole slide. Rules that involve neighbours (WBCs do not overlap, red cells make room
around a WBC) are resolved on the tiles gathered around the window with a margin wider than
any such interaction, so their outcome never depends on where the window is.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from edge_app.synth.artifacts import ArtifactShape, sample_artifact
from edge_app.synth.attribute_table import WBC_CLASSES
from edge_app.synth.slide_profile import SlideProfile
from edge_app.synth.sprites import PLATELET_BANK_SIZE, RBC_BANK_SIZE, RBC_MAX_RADIUS_UM
from edge_app.synth.wbc_morphology import WBC_BOUND_FACTOR, WbcMorphology, WbcRecipe, sample_radius, sample_values
from edge_app.taxonomy import Taxonomy

TILE_UM = 128.0
# Every rule between neighbours must be decided on the same set of objects in every window:
# a drawn object reaches <= 13 µm beyond its centre, clashes with objects within 2 x 10.8 + 0.5
# µm, and pushes red cells <= 14 µm away, so 13 + 22.1 µm around a window is enough.
INTERACTION_MARGIN_UM = 36.0
_TILE_OFFSET = 1 << 30
_TAXONOMY = Taxonomy.leukemia_attri()
NOT_ANNOTATED = _TAXONOMY.not_annotated


@dataclass(frozen=True)
class PointCells:
    """Red cells or platelets as parallel arrays (µm positions, sprite index, gain, room slack)."""

    x: np.ndarray
    y: np.ndarray
    sprite: np.ndarray
    gain: np.ndarray
    slack: np.ndarray

    @classmethod
    def concat(cls, parts: list[PointCells]) -> PointCells:
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("x", "y", "sprite", "gain", "slack")))

    def subset(self, keep: np.ndarray) -> PointCells:
        return PointCells(self.x[keep], self.y[keep], self.sprite[keep], self.gain[keep], self.slack[keep])

    def __len__(self) -> int:
        return len(self.x)


@dataclass(frozen=True)
class SlideObject:
    """A labelled object on the slide: a WBC or an artifact, with its label codes.

    `codes` are what the label file says (the not-annotated code where the virtual annotator
    skipped an attribute); a WBC's true values are in its recipe. `radius_um` is the body
    radius (red cells make room around it, other objects keep clear of it); `bound_radius_um`
    encloses every part of the drawn object.
    """

    uid: int
    x_um: float
    y_um: float
    class_id: int
    codes: tuple[int, ...]
    recipe: WbcRecipe | ArtifactShape
    priority: float
    radius_um: float
    bound_radius_um: float

    @cached_property
    def shape(self) -> WbcMorphology | ArtifactShape:
        """Drawing parameters (built on first use, then kept)."""
        return self.recipe.build() if isinstance(self.recipe, WbcRecipe) else self.recipe

    @property
    def is_wbc(self) -> bool:
        return isinstance(self.recipe, WbcRecipe)

    @property
    def pushes_red_cells(self) -> bool:
        """WBCs and smudged cells lie in the film; stain precipitate lies on top of it."""
        return self.is_wbc or getattr(self.recipe, "kind", "") == "smudge"


@dataclass(frozen=True)
class SlideContents:
    red_cells: PointCells
    platelets: PointCells
    objects: tuple[SlideObject, ...]


@dataclass(frozen=True)
class _Tile:
    red_cells: PointCells
    platelets: PointCells
    objects: tuple[SlideObject, ...]


class VirtualSlide:
    """One blood film. `seed` fixes everything on it; `unannotated_rate` is the share of
    attribute values the virtual annotator leaves as "not annotated"; `wbc_enrichment` multiplies
    the profile's WBC density (1 = as in blood; more gives training data more cells per field)."""

    def __init__(
        self, seed: int, unannotated_rate: float = 0.03, cache_tiles: int = 256, wbc_enrichment: float = 1.0
    ) -> None:
        self.seed = int(seed)
        self.unannotated_rate = float(unannotated_rate)
        self.wbc_enrichment = float(wbc_enrichment)
        self.profile = SlideProfile.sample(np.random.default_rng([self.seed, 0]))
        self._tiles: OrderedDict[tuple[int, int], _Tile] = OrderedDict()
        self._cache_tiles = cache_tiles

    # --- tiles -----------------------------------------------------------------------------
    def _tile(self, tx: int, ty: int) -> _Tile:
        key = (tx, ty)
        tile = self._tiles.get(key)
        if tile is None:
            tile = self._make_tile(tx, ty)
            self._tiles[key] = tile
            if len(self._tiles) > self._cache_tiles:
                self._tiles.popitem(last=False)
        else:
            self._tiles.move_to_end(key)
        return tile

    def _make_tile(self, tx: int, ty: int) -> _Tile:
        rng = np.random.default_rng([self.seed, 1, tx + _TILE_OFFSET, ty + _TILE_OFFSET])
        x0, y0 = tx * TILE_UM, ty * TILE_UM
        red = self._red_cells(rng, x0, y0)
        platelets = self._scatter(rng, x0, y0, self.profile.platelet_area_um2, PLATELET_BANK_SIZE)
        uid0 = ((tx + (1 << 20)) * (1 << 21) + (ty + (1 << 20))) * 4096
        objects = self._objects(rng, x0, y0, uid0)
        return _Tile(red, platelets, objects)

    def _red_cells(self, rng: np.random.Generator, x0: float, y0: float) -> PointCells:
        """A jittered hexagonal packing, thinned where the film is thin, doubled where it is thick."""
        a = self.profile.rbc_spacing_um
        dy = a * math.sqrt(3) / 2
        rows = np.arange(math.ceil(y0 / dy), math.ceil((y0 + TILE_UM) / dy))
        cols = np.arange(math.floor(x0 / a) - 1, math.ceil((x0 + TILE_UM) / a) + 1)
        jj, ii = np.meshgrid(rows, cols, indexing="ij")
        lx = ((ii + 0.5 * (jj % 2)) * a).ravel()
        ly = (jj * dy).ravel()
        inside = (lx >= x0) & (lx < x0 + TILE_UM)
        lx, ly = lx[inside], ly[inside]
        n = len(lx)
        thick = self.profile.thickness(lx, ly)
        x = lx + rng.uniform(-0.16, 0.16, n) * a
        y = ly + rng.uniform(-0.16, 0.16, n) * a
        keep = rng.random(n) < np.minimum(thick, 1.0)
        extra = rng.random(n) < np.clip(thick - 1.0, 0.0, 0.7)
        phi, dist = rng.uniform(0, 2 * math.pi, n), rng.uniform(0.35, 0.65, n) * a
        xs = np.concatenate([x[keep], (x + dist * np.cos(phi))[extra]])
        ys = np.concatenate([y[keep], (y + dist * np.sin(phi))[extra]])
        return self._points(rng, xs, ys, RBC_BANK_SIZE, (1.6, 4.0))

    def _scatter(self, rng: np.random.Generator, x0: float, y0: float, area: float, bank: int) -> PointCells:
        n = int(rng.poisson(TILE_UM * TILE_UM / area))
        return self._points(rng, x0 + rng.uniform(0, TILE_UM, n), y0 + rng.uniform(0, TILE_UM, n), bank, (0.3, 0.8))

    @staticmethod
    def _points(
        rng: np.random.Generator, x: np.ndarray, y: np.ndarray, bank: int, slack: tuple[float, float]
    ) -> PointCells:
        n = len(x)
        return PointCells(
            x, y, rng.integers(0, bank, n), rng.uniform(0.85, 1.12, n).astype(np.float32), rng.uniform(*slack, n)
        )

    def _objects(self, rng: np.random.Generator, x0: float, y0: float, uid0: int) -> tuple[SlideObject, ...]:
        area = TILE_UM * TILE_UM
        out: list[SlideObject] = []
        cumulative = np.cumsum(self.profile.class_weights)
        for k in range(int(rng.poisson(area * self.wbc_enrichment / self.profile.wbc_area_um2))):
            name = WBC_CLASSES[min(int(np.searchsorted(cumulative, rng.random(), side="right")), len(WBC_CLASSES) - 1)]
            values = sample_values(name, rng)
            codes = self._annotate(values, rng)
            radius = sample_radius(name, values, rng)
            recipe = WbcRecipe(name, values, radius, int(rng.integers(1 << 62)))
            pos = x0 + rng.uniform(0, TILE_UM), y0 + rng.uniform(0, TILE_UM)
            out.append(
                SlideObject(uid0 + k, *pos, _TAXONOMY.class_id(name), codes, recipe, float(rng.random()),
                            radius, radius * WBC_BOUND_FACTOR)
            )  # fmt: skip
        for k in range(int(rng.poisson(area / self.profile.artifact_area_um2))):
            shape = sample_artifact(rng)
            pos = x0 + rng.uniform(0, TILE_UM), y0 + rng.uniform(0, TILE_UM)
            codes = (NOT_ANNOTATED,) * _TAXONOMY.num_attributes
            out.append(
                SlideObject(uid0 + 2048 + k, *pos, 0, codes, shape, float(rng.random()),
                            shape.radius_um, shape.max_radius_um)
            )  # fmt: skip
        return tuple(out)

    def _annotate(self, values: tuple[int, ...], rng: np.random.Generator) -> tuple[int, ...]:
        skip = rng.random(len(values)) < self.unannotated_rate
        return tuple(NOT_ANNOTATED if s else v for v, s in zip(values, skip, strict=True))

    # --- windows ---------------------------------------------------------------------------
    def contents(self, bounds: tuple[float, float, float, float]) -> SlideContents:
        """Everything that can show in the slide rectangle `bounds` = (x0, y0, x1, y1) µm."""
        x0, y0, x1, y1 = bounds
        m = INTERACTION_MARGIN_UM
        tiles = [
            self._tile(tx, ty)
            for ty in range(math.floor((y0 - m) / TILE_UM), math.floor((y1 + m) / TILE_UM) + 1)
            for tx in range(math.floor((x0 - m) / TILE_UM), math.floor((x1 + m) / TILE_UM) + 1)
        ]
        objects = _drop_overlapping([o for t in tiles for o in t.objects])
        red = _make_room(PointCells.concat([t.red_cells for t in tiles]), objects, bounds, RBC_MAX_RADIUS_UM)
        platelets = _make_room(PointCells.concat([t.platelets for t in tiles]), objects, bounds, 2.0)
        visible = tuple(
            o
            for o in objects
            if x0 - o.bound_radius_um <= o.x_um <= x1 + o.bound_radius_um
            and y0 - o.bound_radius_um <= o.y_um <= y1 + o.bound_radius_um
        )
        return SlideContents(red, platelets, visible)

    def nearest_wbc(self, x_um: float, y_um: float, search_um: float = 150.0) -> SlideObject | None:
        """The WBC closest to a slide point (within `search_um`), e.g. to centre a field on."""
        found = self.contents((x_um - search_um, y_um - search_um, x_um + search_um, y_um + search_um))
        wbcs = [o for o in found.objects if o.is_wbc]
        if not wbcs:
            return None
        return min(wbcs, key=lambda o: ((o.x_um - x_um) ** 2 + (o.y_um - y_um) ** 2, o.uid))


def _drop_overlapping(objects: list[SlideObject]) -> list[SlideObject]:
    """Drop every object that overlaps one of higher priority (a purely local rule)."""
    if len(objects) < 2:
        return sorted(objects, key=lambda o: o.uid)
    xy = np.asarray([(o.x_um, o.y_um) for o in objects])
    r = np.asarray([o.radius_um * 1.08 for o in objects])  # wobbly rims may just touch
    pr = np.asarray([o.priority for o in objects])
    dist = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    clash = (dist < r[:, None] + r[None, :] + 0.5) & (pr[None, :] > pr[:, None])
    keep = ~clash.any(axis=1)
    return sorted((o for o, k in zip(objects, keep, strict=True) if k), key=lambda o: o.uid)


def _make_room(
    cells: PointCells, objects: list[SlideObject], bounds: tuple[float, float, float, float], reach: float
) -> PointCells:
    """Keep the cells near `bounds` that do not sit on a WBC or smudge (each with its own slack)."""
    x0, y0, x1, y1 = bounds
    near = (cells.x > x0 - reach) & (cells.x < x1 + reach) & (cells.y > y0 - reach) & (cells.y < y1 + reach)
    cells = cells.subset(near)
    pushers = [o for o in objects if o.pushes_red_cells]
    if not pushers or not len(cells):
        return cells
    order = np.argsort(cells.x, kind="stable")
    xs, ys, slack = cells.x[order], cells.y[order], cells.slack[order]
    reach_max = float(slack.max())
    keep = np.ones(len(xs), bool)
    for o in pushers:  # only the cells in the object's x-range, found by bisection
        lo, hi = np.searchsorted(xs, (o.x_um - o.radius_um - reach_max, o.x_um + o.radius_um + reach_max))
        room = o.radius_um + slack[lo:hi]
        keep[lo:hi] &= (xs[lo:hi] - o.x_um) ** 2 + (ys[lo:hi] - o.y_um) ** 2 >= room * room
    return cells.subset(np.sort(order[keep]))
