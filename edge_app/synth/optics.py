"""The microscope between slide and sensor: blur (diffraction, residual and deliberate defocus,
chromatic aberration), illumination (lamp colour, uneven field, vignetting) and veiling glare.

High-cost (H) and low-cost (L) microscopes differ in parameter ranges, not in code: the cheap
objective blurs more (lower effective NA, residual aberrations, a focus that drifts), splits
colours at the field edge, loses contrast to flare, and lights the field unevenly with a
tinted lamp. Each field draws its own values from the ranges with the (field, domain) seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

# Objective numerical aperture and immersion index by magnification (standard achromats).
OBJECTIVES: dict[int, tuple[float, float]] = {10: (0.25, 1.0), 40: (0.65, 1.0), 100: (1.25, 1.515)}
WAVELENGTH_UM = 0.55


@dataclass(frozen=True)
class OpticsParams:
    psf_sigma_um: float  # in-focus blur (diffraction + aberrations)
    defocus_um: float  # focus error at the object
    lateral_ca: float  # relative magnification difference of red vs blue
    blue_blur: float  # extra blur factor of the blue channel (axial chromatic aberration)
    lamp_bgr: tuple[float, float, float]  # lamp colour x exposure (white balanced ~0.83)
    vignetting: float  # fractional fall-off in the corners
    gradient: tuple[float, float]  # uneven illumination, fractional across the field
    glare: float  # share of veiling glare (contrast loss)


def objective(magnification: float) -> tuple[float, float]:
    """(NA, immersion index) of the nearest standard objective."""
    key = min(OBJECTIVES, key=lambda m: abs(math.log(m / magnification)))
    return OBJECTIVES[key]


def depth_of_field_um(magnification: float) -> float:
    na, n = objective(magnification)
    return WAVELENGTH_UM * n / (na * na)


def defocus_blur_sigma_um(defocus_um: float, magnification: float) -> float:
    """Gaussian sigma of the geometric blur disc for a focus error (radius = dz * tan(asin(NA/n)))."""
    na, n = objective(magnification)
    return abs(defocus_um) * na / math.sqrt(max(n * n - na * na, 1e-6)) / 2


def sample_optics(rng: np.random.Generator, low_cost: bool, magnification: float) -> OpticsParams:
    """Per-field optics of a high- or low-cost microscope."""
    na, _ = objective(magnification)
    diffraction = 0.21 * WAVELENGTH_UM / na
    dof = depth_of_field_um(magnification)
    if low_cost:
        lamp = (rng.uniform(0.72, 0.84), rng.uniform(0.8, 0.86), rng.uniform(0.82, 0.9))
        return OpticsParams(
            diffraction * rng.uniform(2.4, 3.4), dof * rng.uniform(0.3, 1.2), rng.uniform(0.002, 0.005),
            rng.uniform(1.2, 1.6), lamp, rng.uniform(0.22, 0.4),
            (rng.uniform(-0.12, 0.12), rng.uniform(-0.12, 0.12)), rng.uniform(0.08, 0.18),
        )  # fmt: skip
    lamp = tuple(float(v) for v in rng.uniform(0.81, 0.85, 3))
    return OpticsParams(
        diffraction * rng.uniform(1.8, 2.6), dof * rng.uniform(0.0, 0.5), rng.uniform(0.0, 0.0008),
        1.0, lamp, rng.uniform(0.04, 0.1),  # type: ignore[arg-type]
        (rng.uniform(-0.03, 0.03), rng.uniform(-0.03, 0.03)), rng.uniform(0.0, 0.03),
    )  # fmt: skip


def gaussian_blur(image: np.ndarray, sigma_px: float) -> np.ndarray:
    """Gaussian blur; wide ones run at half resolution (4x fewer pixels, 2x shorter kernel),
    where the lost detail is far below what the blur itself removes."""
    if sigma_px < 3.0:
        return cv2.GaussianBlur(image, (0, 0), sigma_px)
    h, w = image.shape[:2]
    small = cv2.resize(image, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), math.sqrt(sigma_px * sigma_px - 1.0) / 2)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _blur(image: np.ndarray, sigma_px: float, blue_factor: float) -> np.ndarray:
    out = gaussian_blur(image, sigma_px) if sigma_px > 0.25 else image.copy()
    if blue_factor > 1.0 and sigma_px > 0.25:
        extra = sigma_px * math.sqrt(blue_factor * blue_factor - 1)
        out[..., 0] = gaussian_blur(np.ascontiguousarray(out[..., 0]), extra)
    return out


def _lateral_ca(image: np.ndarray, amount: float) -> np.ndarray:
    """Red channel magnified, blue shrunk about the optical axis: colour fringes at the edges."""
    if amount < 1e-4:
        return image
    h, w = image.shape[:2]
    for channel, scale in ((2, 1 + amount), (0, 1 - amount)):
        m = cv2.getRotationMatrix2D((w / 2, h / 2), 0.0, scale)
        image[..., channel] = cv2.warpAffine(image[..., channel], m, (w, h), borderMode=cv2.BORDER_REFLECT)
    return image


def illumination(params: OpticsParams, height: int, width: int, gain: float = 1.0) -> np.ndarray:
    """(H, W, 3) light reaching the sensor with no slide absorption: lamp x field shading x gain."""
    ys, xs = np.linspace(-1, 1, 33, dtype=np.float32)[:, None], np.linspace(-1, 1, 33, dtype=np.float32)[None, :]
    aspect = width / height
    r2 = (xs * xs * aspect + ys * ys / aspect) / (aspect + 1 / aspect)
    shade = (1 - params.vignetting * r2) * (1 + params.gradient[0] * xs + params.gradient[1] * ys)
    small = shade[..., None] * (np.asarray(params.lamp_bgr, np.float32) * gain)
    return cv2.resize(small.astype(np.float32), (width, height), interpolation=cv2.INTER_LINEAR)


def apply_optics(
    od: np.ndarray, params: OpticsParams, pitch_um: float, magnification: float, extra_defocus_um: float = 0.0
) -> np.ndarray:
    """Optical density of the slide -> linear light on the sensor, (H, W, 3) float32 in ~[0, 1]."""
    transmitted = cv2.exp(np.negative(od))  # OpenCV exp: 2-3x faster than numpy here
    defocus = defocus_blur_sigma_um(params.defocus_um + extra_defocus_um, magnification)
    sigma_px = math.hypot(params.psf_sigma_um, defocus) / pitch_um
    transmitted = _lateral_ca(_blur(transmitted, sigma_px, params.blue_blur), params.lateral_ca)
    light = illumination(params, *od.shape[:2], gain=1 - params.glare)
    small = cv2.resize(transmitted, (32, 32), interpolation=cv2.INTER_AREA) * cv2.resize(light, (32, 32))
    flare = params.glare / (1 - params.glare) * small.reshape(-1, 3).mean(axis=0)  # glare: share of the mean light
    light *= transmitted
    return cv2.add(light, (*(float(v) for v in flare), 0.0))  # per-channel scalar: no slow numpy broadcast
