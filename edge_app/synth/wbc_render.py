"""Drawing one WBC from its morphology record: outline, nucleus, chromatin, nucleoli,
cytoplasm, granules, Auer rods, vacuoles -> a `Patch` of optical density and the cell mask.

Edges are anti-aliased over one pixel (or 0.12 µm when zoomed in further), so the mask (alpha
>= 0.5) is the cell outline and any stain outside the mask lies within one pixel of it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from edge_app.synth.cell_traits import GRANULE_STYLES
from edge_app.synth.nucleus_shapes import nucleus_sdf, sdf_capsules
from edge_app.synth.patch import Patch, PatchGrid, patch_grid, stain_od
from edge_app.synth.stains import StainSet
from edge_app.synth.textures import texture_patch
from edge_app.synth.wbc_morphology import WbcMorphology

MIN_EDGE_UM = 0.12


def _alpha(sdf: np.ndarray, edge: float) -> np.ndarray:
    return np.minimum(np.maximum(0.5 - sdf / edge, 0.0), 1.0)  # np.clip costs more on small patches


def _cell_outline(m: WbcMorphology, g: PatchGrid) -> tuple[np.ndarray, np.ndarray]:
    """Signed distance (µm) of the wobbly elliptic outline, and normalised radius rho (1 at the rim)."""
    c, s = math.cos(m.angle), math.sin(m.angle)
    u, v = g.x * c + g.y * s, -g.x * s + g.y * c
    theta = np.arctan2(v, u)
    wob = 1.0 + sum(a * np.cos((k + 2) * theta + p) for k, (a, p) in enumerate(m.wobble))
    sq = math.sqrt(m.aspect)
    rho = np.hypot(u / sq, v * sq) / (m.radius_um * wob)
    return (rho - 1.0) * m.radius_um, rho


def _chromatin(m: WbcMorphology, g: PatchGrid, sdf_n: np.ndarray, pitch: float) -> np.ndarray:
    """Chromatin amount: clumped and marginated when coarse, fine and even when open."""
    n = g.size
    fine = texture_patch("fine", m.texture_offsets[0], n, n, pitch)
    coarse = texture_patch("coarse", m.texture_offsets[1], n, n, pitch)
    if m.coarse:
        rim = np.clip(1.0 + sdf_n / 0.7, 0.0, 1.0)
        return m.chromatin * (0.7 + 0.34 * np.tanh(1.6 * coarse) + 0.1 * fine + 0.25 * rim)
    return m.chromatin * (0.92 + 0.12 * fine + 0.05 * coarse)


def _nucleoli(m: WbcMorphology, g: PatchGrid, edge: float) -> tuple[np.ndarray, np.ndarray]:
    """Nucleolus interiors (pale, bluish) and their condensed-chromatin rims."""
    d = sdf_capsules(g.x, g.y, tuple((x, y, x, y, r) for x, y, r in m.nucleoli))
    return _alpha(d, edge), np.maximum(1.0 - np.abs(d) / 0.22, 0.0)


def _discs(circles: tuple[tuple[float, float, float], ...], g: PatchGrid, edge: float) -> np.ndarray:
    return _alpha(sdf_capsules(g.x, g.y, tuple((x, y, x, y, r) for x, y, r in circles)), edge)


def _auer(m: WbcMorphology, g: PatchGrid, edge: float) -> np.ndarray:
    """Auer rods: thin azurophilic needles (0.3 µm thick, 2–4 µm long)."""
    rods = []
    for x, y, length, angle in m.auer_rods:
        dx, dy = math.cos(angle) * length / 2, math.sin(angle) * length / 2
        rods.append((x - dx, y - dy, x + dx, y + dy, 0.16))
    return _alpha(sdf_capsules(g.x, g.y, tuple(rods)), edge)


def _cytoplasm_amount(m: WbcMorphology, g: PatchGrid, rho: np.ndarray, pitch: float) -> np.ndarray:
    mottle = texture_patch("cyto", m.texture_offsets[2], g.size, g.size, pitch)
    baso = m.baso * (1.0 + 0.12 * mottle)
    if m.skirt:  # reactive lymphocytes: basophilia deepens towards the rim
        baso = baso * (0.55 + 0.75 * np.clip(rho, 0, 1) ** 3)
    return baso


def _optional(parts: tuple[object, ...], make: Callable[[], np.ndarray]) -> np.ndarray | float:
    return make() if parts else 0.0


def render_wbc(m: WbcMorphology, stains: StainSet, cx_px: float, cy_px: float, pitch: float) -> Patch:
    """Render `m` centred at continuous pixel position (cx_px, cy_px) with pixel pitch `pitch` µm."""
    g = patch_grid(cx_px, cy_px, m.max_radius_um, pitch)
    edge = max(pitch, MIN_EDGE_UM)
    sdf_cell, rho = _cell_outline(m, g)
    cell = _alpha(sdf_cell, edge)
    sdf_n = nucleus_sdf(m.nucleus, g.x, g.y)
    nuc = _alpha(sdf_n, edge) * cell
    cyto = cell * (1.0 - nuc)
    nucleoli, rim = _nucleoli(m, g, edge) if m.nucleoli else (0.0, 0.0)
    holes = _optional(m.vacuoles, lambda: _discs(m.vacuoles, g, edge))
    chromatin = _chromatin(m, g, sdf_n, pitch) * (1.0 - 0.9 * nucleoli) + 0.3 * m.chromatin * rim
    chromatin = chromatin * (1.0 - 0.6 * holes)  # a vacuole over the nucleus shows as a paler hole
    vac = 1.0 - 0.9 * holes
    body = cell * vac
    maps = [
        (nuc * chromatin, stains.nucleus),
        (body * _cytoplasm_amount(m, g, rho, pitch), stains.baso),
    ]
    if m.pink > 0:
        maps.append((body * m.pink, stains.rbc))
    if m.grey > 0:
        maps.append((body * m.grey, stains.nucleus))
    if m.nucleoli:
        maps.append((nuc * nucleoli, stains.nucleolus))
    if m.auer_rods:
        maps.append((cyto * _auer(m, g, edge) * 1.1, stains.azurophil))
    if m.granules:
        style = GRANULE_STYLES[m.granules]
        dots = texture_patch(style.texture, m.texture_offsets[3], g.size, g.size, pitch)
        cover = cyto * vac + style.over_nucleus * nuc
        maps.append((dots * cover * m.granule_density, stains.vector(style.stain)))
    return Patch(stain_od(maps), cell >= 0.5, g.col0, g.row0)
