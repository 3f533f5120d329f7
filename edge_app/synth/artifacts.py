"""Artifacts, the LeukemiaAttri "None" class: smudge cells and stain-precipitate clumps.

Both are what a detector confuses with WBCs: a smudge cell is a WBC crushed while spreading
(a pale purple smear with streaks, no cytoplasm); stain precipitate is dye crystallised on the
film (clusters of dark blue-purple dots lying on top of anything). Their tiny details are drawn
at <= 0.17 µm/px and averaged down, so they keep their amount of stain at 10x; the mask (box
source) is every pixel the artifact stains by more than `MASK_OD`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from edge_app.synth.nucleus_shapes import sdf_capsules
from edge_app.synth.patch import Patch, PatchGrid, patch_grid, stain_od
from edge_app.synth.stains import StainSet
from edge_app.synth.textures import texture_patch

ARTIFACT_KINDS: dict[str, float] = {"smudge": 0.6, "precipitate": 0.4}
MASK_OD = 0.04
FINE_PITCH_UM = 0.17


@dataclass(frozen=True)
class ArtifactShape:
    """One artifact: kind, bounding radius, and its kind's parameters (µm, from its centre)."""

    kind: str
    radius_um: float
    aspect: float
    angle: float
    density: float
    dots: tuple[tuple[float, float, float], ...] = ()
    texture_offsets: tuple[tuple[float, float], ...] = ((0.0, 0.0), (0.0, 0.0))

    @property
    def max_radius_um(self) -> float:
        return self.radius_um * 1.15 + 0.3


def sample_artifact(rng: np.random.Generator) -> ArtifactShape:
    kinds = list(ARTIFACT_KINDS)
    kind = kinds[int(rng.choice(len(kinds), p=np.asarray(list(ARTIFACT_KINDS.values()))))]
    offsets = ((float(rng.random()), float(rng.random())), (float(rng.random()), float(rng.random())))
    if kind == "smudge":
        return ArtifactShape(
            kind, rng.uniform(3.5, 7.5), rng.uniform(1.0, 1.7), rng.uniform(0, math.pi), rng.uniform(0.5, 0.85),
            texture_offsets=offsets,
        )  # fmt: skip
    radius = rng.uniform(1.2, 4.0)
    n = int(rng.integers(8, 40))
    rr, phi = radius * np.sqrt(rng.random(n)) * 0.9, rng.uniform(0, 2 * math.pi, n)
    dots = tuple(zip(rr * np.cos(phi), rr * np.sin(phi), rng.uniform(0.15, 0.5, n), strict=True))
    return ArtifactShape(kind, radius, 1.0, 0.0, rng.uniform(1.0, 1.5), dots, offsets)


def _smudge(a: ArtifactShape, g: PatchGrid, pitch: float, stains: StainSet) -> np.ndarray:
    """A crushed cell: ragged pale-purple smear of chromatin strands, drawn out along `angle`."""
    c, s = math.cos(a.angle), math.sin(a.angle)
    u, v = g.x * c + g.y * s, -g.x * s + g.y * c
    sq = math.sqrt(a.aspect)
    rho = np.hypot(u / sq, v * sq) / (a.radius_um / sq)
    ragged = texture_patch("cyto", a.texture_offsets[0], g.size, g.size, pitch)
    body = np.clip(1.2 - rho + 0.22 * ragged, 0.0, 1.0) ** 0.7
    streak = texture_patch("streak", a.texture_offsets[1], g.size, g.size, pitch)
    turn = cv2.getRotationMatrix2D((g.size / 2, g.size / 2), -math.degrees(a.angle), 1.0)
    streak = cv2.warpAffine(streak, turn, (g.size, g.size), borderMode=cv2.BORDER_REFLECT)
    strands = 0.55 + 0.45 * np.tanh(1.5 * streak)
    return stain_od([(body * strands * a.density, stains.nucleus), (body * 0.06, stains.baso)])


def _precipitate(a: ArtifactShape, g: PatchGrid, pitch: float, stains: StainSet) -> np.ndarray:
    d = sdf_capsules(g.x, g.y, tuple((x, y, x, y, r) for x, y, r in a.dots))
    amount = np.clip(0.5 - d / pitch, 0.0, 1.0)
    return stain_od([(amount * a.density, stains.baso_granule)])


def render_artifact(a: ArtifactShape, stains: StainSet, cx_px: float, cy_px: float, pitch: float) -> Patch:
    """Render at a fine pitch (an integer fraction of `pitch`) and average down to `pitch`."""
    factor = max(1, math.ceil(pitch / FINE_PITCH_UM))
    coarse = patch_grid(cx_px, cy_px, a.max_radius_um, pitch)
    fine_pitch = pitch / factor
    offset = (coarse.col0 - cx_px) * factor, (coarse.row0 - cy_px) * factor
    n = coarse.size * factor
    idx = np.arange(n, dtype=np.float32) + 0.5
    fine = PatchGrid(((idx + offset[0]) * fine_pitch)[None, :], ((idx + offset[1]) * fine_pitch)[:, None], 0, 0)
    draw = _smudge if a.kind == "smudge" else _precipitate
    od = draw(a, fine, fine_pitch, stains)
    if factor > 1:
        od = cv2.resize(od, (coarse.size, coarse.size), interpolation=cv2.INTER_AREA)
    return Patch(od, od.max(axis=2) > MASK_OD, coarse.col0, coarse.row0)
