"""Red cells and platelets: banks of pre-drawn sprites, splatted by the thousand in one call.

A 10x field holds ~5,000 red cells, so they are never drawn one by one: each process draws a
bank of 64 red-cell shapes per pixel pitch (biconcave profile with a varying central pallor,
slight ovalness, refractile specks) and a field adds them all into its density map with one
`np.bincount`. Sprite k has the same shape parameters at every pitch, so a red cell looks the
same at 10x, 40x and 100x. Values are optical-density amounts of one stain (unitless, ~1 at the
thick rim); platelets likewise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

from edge_app.synth.textures import texture_patch

RBC_BANK_SIZE = 64
PLATELET_BANK_SIZE = 32
RBC_DIAMETER_UM = (7.0, 8.4)
PLATELET_DIAMETER_UM = (1.6, 3.2)
RBC_MAX_RADIUS_UM = RBC_DIAMETER_UM[1] / 2 * 1.12
_BANK_SEED = 7031


@dataclass(frozen=True)
class SpriteBank:
    """(B, S, S) float32 sprites, centred on pixel (S//2, S//2)."""

    sprites: np.ndarray

    @property
    def size(self) -> int:
        return int(self.sprites.shape[1])


def _rbc_profile(rho: np.ndarray, pallor: float, width: float) -> np.ndarray:
    """Red-cell stain amount against normalised radius: a flat-topped disc with a steep edge,
    a central pallor of the given depth and width (the biconcave centre is thinner), and a
    faint dark line at the rim where the cell edge refracts."""
    disc = np.sqrt(np.clip(1 - rho**8, 0, None))
    dip = 1 - pallor * np.exp(-((rho / width) ** 4))
    edge = 0.12 * np.exp(-(((rho - 0.94) / 0.05) ** 2))
    return np.where(rho < 1, disc * dip + edge, 0.0)


def _rbc_sprite(params: np.ndarray, size: int, pitch: float) -> np.ndarray:
    diam, asp, angle, pallor, w2, w3, p2, p3, speck, sx, sy, width = params
    ss = 4 if size < 24 else 2
    coords = (np.arange(size * ss) + 0.5) / ss - size / 2
    x, y = coords[None, :] * pitch, coords[:, None] * pitch
    u = x * math.cos(angle) + y * math.sin(angle)
    v = -x * math.sin(angle) + y * math.cos(angle)
    theta = np.arctan2(v, u)
    radius = diam / 2 * (1 + w2 * np.cos(2 * theta + p2) + w3 * np.cos(3 * theta + p3))
    rho = np.hypot(u / math.sqrt(asp), v * math.sqrt(asp)) / radius
    density = _rbc_profile(rho, pallor, width)
    if speck > 0:  # refractile speck: bright core with a dark ring (seen on many BCCD cells)
        d = np.hypot(x - sx * diam / 2, y - sy * diam / 2)
        density = density - speck * np.exp(-((d / 0.22) ** 2)) + 0.4 * speck * np.exp(-(((d - 0.42) / 0.14) ** 2))
    small = cv2.resize(density.astype(np.float32), (size, size), interpolation=cv2.INTER_AREA)
    return small


def _rbc_params() -> np.ndarray:
    rng = np.random.default_rng(_BANK_SEED)
    n = RBC_BANK_SIZE
    specks = np.where(rng.random(n) < 0.3, rng.uniform(0.3, 0.8, n), 0.0)
    return np.stack(
        [
            rng.uniform(*RBC_DIAMETER_UM, n),
            np.where(rng.random(n) < 0.15, rng.uniform(1.25, 1.5, n), rng.uniform(1.0, 1.12, n) ** 2),
            rng.uniform(0, math.pi, n),
            rng.uniform(0.45, 0.9, n),  # depth of the central pallor
            rng.normal(0, 0.035, n),  # oval / pear-shaped outline
            rng.normal(0, 0.025, n),
            rng.uniform(0, 2 * math.pi, n),
            rng.uniform(0, 2 * math.pi, n),
            specks,
            rng.uniform(-0.45, 0.45, n),
            rng.uniform(-0.45, 0.45, n),
            rng.uniform(0.38, 0.58, n),  # width of the pallor (share of the radius)
        ],
        axis=1,
    )


@cache
def rbc_bank(pitch: float) -> SpriteBank:
    """The red-cell bank at a pixel pitch (µm/px); built once per pitch per process."""
    size = 2 * math.ceil(RBC_MAX_RADIUS_UM / pitch) + 1
    return SpriteBank(np.stack([_rbc_sprite(p, size, pitch) for p in _rbc_params()]))


def _platelet_sprite(rng: np.random.Generator, size: int, pitch: float) -> np.ndarray:
    ss = 4 if size < 24 else 1
    coords = (np.arange(size * ss) + 0.5) / ss - size / 2
    x, y = coords[None, :] * pitch, coords[:, None] * pitch
    diam, asp, angle = rng.uniform(*PLATELET_DIAMETER_UM), rng.uniform(1.0, 1.5), rng.uniform(0, math.pi)
    u = x * math.cos(angle) + y * math.sin(angle)
    v = -x * math.sin(angle) + y * math.cos(angle)
    theta = np.arctan2(v, u)
    wob = 1 + 0.12 * np.cos(3 * theta + rng.uniform(0, 6.3)) + 0.08 * np.cos(5 * theta + rng.uniform(0, 6.3))
    rho = np.hypot(u / math.sqrt(asp), v * math.sqrt(asp)) / (diam / 2 * wob)
    n = size * ss
    granules = texture_patch("dots_medium", (rng.random(), rng.random()), n, n, pitch / ss)
    density = np.where(rho < 1, 0.45 + 0.6 * granules * np.clip(1.4 - rho, 0, 1), 0.0)
    return cv2.resize(density.astype(np.float32), (size, size), interpolation=cv2.INTER_AREA)


@cache
def platelet_bank(pitch: float) -> SpriteBank:
    """Platelets: pale hyalomere with a granular purple centre, 1.6–3.2 µm, irregular outline."""
    size = 2 * math.ceil(PLATELET_DIAMETER_UM[1] * 0.85 / pitch) + 1
    rng = np.random.default_rng(_BANK_SEED + 1)
    return SpriteBank(np.stack([_platelet_sprite(rng, size, pitch) for _ in range(PLATELET_BANK_SIZE)]))


def splat(
    shape: tuple[int, int],
    bank: SpriteBank,
    index: np.ndarray,
    x_px: np.ndarray,
    y_px: np.ndarray,
    gain: np.ndarray,
) -> np.ndarray:
    """Sum sprites `bank[index]` (times `gain`) centred at continuous pixel positions.

    One bincount over all sprite pixels of a padded canvas: no Python loop, no per-sprite
    clipping. Positions snap to the nearest pixel (half a pixel at most: 0.4 µm at 10x).
    """
    height, width = shape
    size, half = bank.size, bank.size // 2
    cols, rows = np.floor(x_px).astype(np.int64) - half, np.floor(y_px).astype(np.int64) - half
    inside = (cols > -size) & (cols < width) & (rows > -size) & (rows < height)
    if not inside.any():
        return np.zeros(shape, np.float32)
    cols, rows = cols[inside] + size, rows[inside] + size
    wide = width + 2 * size
    offsets = (np.arange(size)[:, None] * wide + np.arange(size)[None, :]).ravel()
    flat = (rows * wide + cols)[:, None] + offsets[None, :]
    weights = bank.sprites[index[inside]].reshape(len(cols), -1) * gain[inside, None]
    canvas = np.bincount(flat.ravel(), weights=weights.ravel(), minlength=(height + 2 * size) * wide)
    canvas = canvas.reshape(height + 2 * size, wide)[size : size + height, size : size + width]
    return canvas.astype(np.float32)
