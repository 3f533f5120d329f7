"""Nucleus outlines as signed distance fields built from ellipses, capsules and cut-outs.

Every nucleus family (oval, notched/cleft, kidney, band, lobed, bilobed, folded) is a union of
ellipses and capsules minus some discs, so one evaluator renders them all at any pixel pitch
with sub-pixel edges. Geometry is in µm relative to the cell centre; the sampler fixes every
random choice so the same cell looks the same at 10x, 40x and 100x.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

Ellipse = tuple[float, float, float, float, float]  # cx, cy, a, b, angle (rad)
Capsule = tuple[float, float, float, float, float]  # x0, y0, x1, y1, radius
Disc = tuple[float, float, float]  # cx, cy, r


@dataclass(frozen=True)
class NucleusShape:
    kind: str
    ellipses: tuple[Ellipse, ...]
    capsules: tuple[Capsule, ...] = ()
    cutouts: tuple[Disc, ...] = ()

    def shifted(self, dx: float, dy: float) -> NucleusShape:
        return NucleusShape(
            self.kind,
            tuple((x + dx, y + dy, a, b, t) for x, y, a, b, t in self.ellipses),
            tuple((x0 + dx, y0 + dy, x1 + dx, y1 + dy, r) for x0, y0, x1, y1, r in self.capsules),
            tuple((x + dx, y + dy, r) for x, y, r in self.cutouts),
        )

    def extent_um(self) -> float:
        """Largest distance of the outline from the cell centre (for placement and patch size)."""
        ext = [math.hypot(x, y) + max(a, b) for x, y, a, b, _ in self.ellipses]
        ext += [max(math.hypot(x0, y0), math.hypot(x1, y1)) + r for x0, y0, x1, y1, r in self.capsules]
        return max(ext)


def _params(items: tuple[tuple[float, ...], ...]) -> list[np.ndarray]:
    """Primitive parameters as (k, 1, 1) arrays: all primitives of a kind in one numpy pass."""
    table = np.asarray(items, np.float32)
    return [table[:, i, None, None] for i in range(table.shape[1])]


def _sdf_ellipses(x: np.ndarray, y: np.ndarray, ellipses: tuple[Ellipse, ...]) -> np.ndarray:
    cx, cy, a, b, t = _params(ellipses)
    c, s = np.cos(t), np.sin(t)
    dx, dy = x - cx, y - cy
    u, v = dx * c + dy * s, dy * c - dx * s
    k0 = np.sqrt((u / a) ** 2 + (v / b) ** 2)
    k1 = np.sqrt((u / (a * a)) ** 2 + (v / (b * b)) ** 2)
    return (k0 * (k0 - 1.0) / np.maximum(k1, 1e-6)).min(axis=0)


def sdf_capsules(x: np.ndarray, y: np.ndarray, capsules: tuple[Capsule, ...]) -> np.ndarray:
    """Signed distance to the union of capsules (segments with a radius)."""
    x0, y0, x1, y1, r = _params(capsules)
    dx, dy = x1 - x0, y1 - y0
    length2 = np.maximum(dx * dx + dy * dy, 1e-9)
    h = np.minimum(np.maximum(((x - x0) * dx + (y - y0) * dy) / length2, 0.0), 1.0)
    return (np.hypot(x - x0 - h * dx, y - y0 - h * dy) - r).min(axis=0)


def nucleus_sdf(shape: NucleusShape, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Signed distance (µm, negative inside) of the nucleus outline at points (x, y)."""
    sdf = _sdf_ellipses(x, y, shape.ellipses)
    if shape.capsules:
        sdf = np.minimum(sdf, sdf_capsules(x, y, shape.capsules))
    if shape.cutouts:
        cx, cy, r = _params(shape.cutouts)
        sdf = np.maximum(sdf, (r - np.hypot(x - cx, y - cy)).max(axis=0))
    return sdf


# --- samplers: one per family; rn is the radius a round nucleus of the same area would have ---


def _oval(rng: np.random.Generator, rn: float) -> NucleusShape:
    asp = rng.uniform(1.0, 1.22)
    return NucleusShape("oval", ((0.0, 0.0, rn * math.sqrt(asp), rn / math.sqrt(asp), rng.uniform(0, math.pi)),))


def _cut(
    rng: np.random.Generator, rn: float, kind: str, depth: tuple[float, float], size: tuple[float, float]
) -> NucleusShape:
    """An oval with a disc bitten out: a shallow cleft anywhere (notched) or a deep bay on the long side (kidney)."""
    base = _oval(rng, rn).ellipses[0]
    _, _, a, b, t = base
    rel = rng.uniform(0, 2 * math.pi) if kind == "notched" else math.pi / 2
    rim = a * b / math.hypot(b * math.cos(rel), a * math.sin(rel))  # ellipse radius towards the cut
    phi, r = t + rel, rng.uniform(*size) * rn
    dist = rim + r - rng.uniform(*depth) * rn
    cut = (dist * math.cos(phi), dist * math.sin(phi), r)
    return NucleusShape(kind, (base,), (), (cut,))


def _band(rng: np.random.Generator, rn: float) -> NucleusShape:
    radius, width = rng.uniform(0.95, 1.15) * rn, rng.uniform(0.36, 0.46) * rn
    start, span = rng.uniform(0, 2 * math.pi), math.radians(rng.uniform(190, 250))
    angles = start + np.linspace(0, span, 7)
    pts = [(radius * math.cos(a), radius * math.sin(a)) for a in angles]
    widths = width * rng.uniform(0.85, 1.1, len(pts) - 1)
    caps = tuple((*p, *q, w) for p, q, w in zip(pts[:-1], pts[1:], widths, strict=True))
    return NucleusShape("band", ((pts[0][0], pts[0][1], width, width, 0.0),), caps)


def _lobed(rng: np.random.Generator, rn: float, lobes: int) -> NucleusShape:
    """Segmented nucleus: elongated lobes along a bent chain, joined by thin chromatin strands."""
    lobe_a = rng.uniform(0.5, 0.62) * rn * (3 / max(lobes, 2)) ** 0.3
    step, heading = lobe_a * rng.uniform(1.5, 1.9), rng.uniform(0, 2 * math.pi)
    centres = [(0.0, 0.0)]
    for _ in range(lobes - 1):
        heading += rng.uniform(0.6, 1.3) * (1 if rng.random() < 0.8 else -1)
        x, y = centres[-1]
        centres.append((x + step * math.cos(heading), y + step * math.sin(heading)))
    mx, my = np.mean(centres, axis=0)
    centres = [(x - mx, y - my) for x, y in centres]
    ells = tuple(
        (x, y, lobe_a * rng.uniform(1.0, 1.25), lobe_a * rng.uniform(0.65, 0.85), rng.uniform(0, math.pi))
        for x, y in centres
    )
    strand = rng.uniform(0.07, 0.14) * rn
    caps = tuple((*p, *q, strand) for p, q in itertools.pairwise(centres))
    return NucleusShape("lobed", ells, caps)


def _bilobed(rng: np.random.Generator, rn: float) -> NucleusShape:
    half, lobe_r, t = rng.uniform(0.45, 0.75) * rn, rng.uniform(0.58, 0.72) * rn, rng.uniform(0, math.pi)
    c, s = math.cos(t) * half, math.sin(t) * half
    ells = ((c, s, lobe_r, lobe_r * 0.85, t + 1.3), (-c, -s, lobe_r, lobe_r * 0.85, t - 1.3))
    bridge = (c, s, -c, -s, rng.uniform(0.12, 0.35) * rn)
    return NucleusShape("bilobed", ells, (bridge,))


def _folded(rng: np.random.Generator, rn: float) -> NucleusShape:
    t, off = rng.uniform(0, math.pi), rng.uniform(0.25, 0.4) * rn
    c, s = math.cos(t) * off, math.sin(t) * off
    a, b = rn * rng.uniform(0.8, 0.95), rn * rng.uniform(0.62, 0.78)
    ells = ((c, s, a, b, t + rng.uniform(0.3, 0.7)), (-c, -s, a, b, t - rng.uniform(0.3, 0.7)))
    return NucleusShape("folded", ells)


def sample_nucleus(kind: str, rng: np.random.Generator, rn: float, lobes: tuple[int, int] = (3, 4)) -> NucleusShape:
    """A nucleus of the given family, centred on (0, 0), of equivalent radius `rn` µm."""
    if kind == "oval":
        return _oval(rng, rn)
    if kind == "notched":
        return _cut(rng, rn, kind, (0.12, 0.28), (0.25, 0.4))
    if kind == "kidney":
        return _cut(rng, rn, kind, (0.3, 0.55), (0.45, 0.7))
    if kind == "band":
        return _band(rng, rn)
    if kind == "lobed":
        return _lobed(rng, rn, int(rng.integers(lobes[0], lobes[1] + 1)))
    if kind == "bilobed":
        return _bilobed(rng, rn)
    if kind == "folded":
        return _folded(rng, rn)
    raise ValueError(f"unknown nucleus kind {kind!r}")
