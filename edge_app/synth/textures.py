"""Precomputed texture banks: chromatin, cytoplasm mottle, granule dot fields, sensor noise.

Drawing fresh noise for every cell and every field would dominate the render time, so each
process builds a few 512x512 banks once (fixed seed: identical in every worker) and cells take
crops of them at offsets stored in the cell's record. The banks are drawn at the 100x pixel
pitch; a crop covering the same micrometres is resized to any other pitch, so chromatin clumps
keep their size in µm (and average out below a pixel at 10x, as real texture does).
"""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np

from edge_app.synth.geometry import um_per_px

BANK_SIZE = 512
BANK_UM_PER_PX = um_per_px(100)
_BANK_SEED = 20240611

# Smooth noise: Gaussian sigma in µm (x, y); normalised to zero mean, unit std.
NOISE_TEXTURES: dict[str, tuple[float, float]] = {
    "fine": (0.2, 0.2),  # open, finely dispersed chromatin
    "coarse": (0.65, 0.65),  # clumped chromatin
    "cyto": (1.4, 1.4),  # cytoplasm mottle, stain unevenness
    "streak": (4.0, 0.35),  # smeared material of smudge cells
}
# Dot fields: (radius range in µm, area fraction covered); values in [0, 1].
DOT_TEXTURES: dict[str, tuple[tuple[float, float], float]] = {
    "dots_fine": ((0.1, 0.16), 0.5),  # neutrophilic granules: barely resolved lilac dust
    "dots_sparse": ((0.2, 0.3), 0.03),  # a few azurophilic granules
    "dots_medium": ((0.18, 0.3), 0.45),  # APL: packed azurophilic granules
    "dots_large": ((0.24, 0.32), 0.95),  # eosinophil: cytoplasm packed with uniform round granules
    "dots_coarse": ((0.22, 0.45), 0.32),  # basophil: coarse, uneven dark granules
}


def _noise(rng: np.random.Generator, sigma_um: tuple[float, float]) -> np.ndarray:
    white = rng.standard_normal((BANK_SIZE, BANK_SIZE)).astype(np.float32)
    sx, sy = (s / BANK_UM_PER_PX for s in sigma_um)
    smooth = cv2.GaussianBlur(white, (0, 0), sigmaX=sx, sigmaY=sy, borderType=cv2.BORDER_REFLECT)
    return ((smooth - smooth.mean()) / (smooth.std() + 1e-6)).astype(np.float32)


def _dots(rng: np.random.Generator, radius_um: tuple[float, float], coverage: float) -> np.ndarray:
    canvas = np.zeros((BANK_SIZE, BANK_SIZE), np.uint8)
    mean_area = np.pi * (np.mean(radius_um) / BANK_UM_PER_PX) ** 2
    count = int(coverage * BANK_SIZE * BANK_SIZE / mean_area)
    xy = rng.uniform(0, BANK_SIZE, (count, 2))
    radii = rng.uniform(*radius_um, count) / BANK_UM_PER_PX
    for (x, y), r in zip(xy * 16, radii * 16, strict=True):  # 4 fractional bits: sub-pixel dots
        cv2.circle(canvas, (int(x), int(y)), int(r), 255, -1, cv2.LINE_AA, shift=4)
    dots = canvas.astype(np.float32) / 255.0
    return cv2.GaussianBlur(dots, (0, 0), 0.6)


@cache
def texture_bank(name: str) -> np.ndarray:
    """The 512x512 float32 bank of a texture (built on first use in this process)."""
    index = sorted(NOISE_TEXTURES | DOT_TEXTURES).index(name)
    rng = np.random.default_rng([_BANK_SEED, index])
    if name in NOISE_TEXTURES:
        return _noise(rng, NOISE_TEXTURES[name])
    return _dots(rng, *DOT_TEXTURES[name])


def _feature_um(name: str) -> float:
    if name in NOISE_TEXTURES:
        return max(NOISE_TEXTURES[name])
    return float(np.mean(DOT_TEXTURES[name][0]))


@cache
def _bank_mean(name: str) -> float:
    return float(texture_bank(name).mean())


def texture_patch(name: str, offset: tuple[float, float], height: int, width: int, pitch_um: float) -> np.ndarray:
    """A (height, width) crop of a bank covering height*pitch µm, at a relative offset in [0,1)².

    Where a pixel spans more than 1.5 feature sizes the texture has mostly averaged out (what
    is left is below the camera noise): its mean is returned without resampling; that is most
    textures of a 10x field's cells.
    """
    if pitch_um > 1.5 * _feature_um(name):
        return np.full((height, width), _bank_mean(name), np.float32)
    bank = texture_bank(name)
    ch = min(BANK_SIZE, max(1, round(height * pitch_um / BANK_UM_PER_PX)))
    cw = min(BANK_SIZE, max(1, round(width * pitch_um / BANK_UM_PER_PX)))
    y0 = int(offset[1] * (BANK_SIZE - ch))
    x0 = int(offset[0] * (BANK_SIZE - cw))
    crop = bank[y0 : y0 + ch, x0 : x0 + cw]
    if (ch, cw) == (height, width):
        return crop
    interp = cv2.INTER_AREA if ch > height else cv2.INTER_LINEAR
    return cv2.resize(crop, (width, height), interpolation=interp)


@cache
def sensor_noise_bank(blur_px: float = 0.0) -> np.ndarray:
    """A 1024x1024x3 bank of unit Gaussian noise, optionally low-passed (a phone's denoiser
    leaves blotches) and renormalised; fields take crops at random offsets."""
    rng = np.random.default_rng([_BANK_SEED, 99])
    noise = rng.standard_normal((1024, 1024, 3), dtype=np.float32)
    if blur_px > 0:
        noise = cv2.GaussianBlur(noise, (0, 0), blur_px)
        noise /= noise.std()
    return noise


def sensor_noise(rng: np.random.Generator, height: int, width: int, blur_px: float = 0.0) -> np.ndarray:
    """Unit Gaussian noise (height, width, 3): a crop of the bank, or fresh noise if larger."""
    bank = sensor_noise_bank(blur_px)
    if height > bank.shape[0] or width > bank.shape[1]:
        noise = rng.standard_normal((height, width, 3), dtype=np.float32)
        if blur_px > 0:
            noise = cv2.GaussianBlur(noise, (0, 0), blur_px)
            noise /= noise.std()
        return noise
    y0 = int(rng.integers(0, bank.shape[0] - height + 1))
    x0 = int(rng.integers(0, bank.shape[1] - width + 1))
    return bank[y0 : y0 + height, x0 : x0 + width]
