"""The camera: sensor noise, white balance, tone, sharpening, 8-bit output and the file encoding.

C2 (the microscope's own camera) is a plain machine-vision pipeline: fair white balance, low
noise, no sharpening, high-quality JPEG. C1 (a phone held to the eyepiece) runs a consumer
pipeline tuned for landscapes: its auto white balance is fooled by the lamp, it denoises into
blotchy colour noise, boosts contrast and saturation, over-sharpens (halos around cells), and
saves JPEG at the phone's default quality with 4:2:0 chroma subsampling.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from edge_app.synth.optics import gaussian_blur
from edge_app.synth.textures import sensor_noise

# Output level of the empty background (BGR): the BCCD fields' background sits at ~(206, 209, 206),
# a faintly green grey from the tungsten lamp through the daylight filter.
TARGET_WHITE = (0.808, 0.82, 0.806)
PHONE_NOISE_BLUR_PX = 1.0  # one value: the blotchy-noise bank is built once per process


@dataclass(frozen=True)
class CameraParams:
    phone: bool
    wb_error_bgr: tuple[float, float, float]  # residual gains after auto white balance
    shot_noise: float  # noise std at full scale ~ sqrt(signal)
    read_noise: float
    noise_blur_px: float  # in-camera denoising leaves low-frequency (blotchy) noise
    contrast: float  # S-curve strength (1 = linear)
    saturation: float
    sharpen: float  # unsharp-mask amount
    sharpen_sigma_px: float
    jpeg_quality: int


def sample_camera(rng: np.random.Generator, phone: bool) -> CameraParams:
    if phone:
        tint = rng.normal(0, 0.035, 3)
        return CameraParams(
            True, tuple(float(v) for v in 1 + tint), rng.uniform(0.007, 0.013), rng.uniform(0.0025, 0.005),  # type: ignore[arg-type]
            PHONE_NOISE_BLUR_PX, rng.uniform(1.05, 1.2), rng.uniform(1.05, 1.25),
            rng.uniform(0.8, 1.6), rng.uniform(1.0, 1.8), int(rng.integers(72, 89)),
        )  # fmt: skip
    tint = rng.normal(0, 0.015, 3)
    return CameraParams(
        False, tuple(float(v) for v in 1 + tint), rng.uniform(0.006, 0.01), rng.uniform(0.002, 0.004),  # type: ignore[arg-type]
        0.0, 1.0, rng.uniform(1.0, 1.08), rng.uniform(0.0, 0.25), 1.0, 95,
    )  # fmt: skip


def _white_balance(light: np.ndarray, params: CameraParams) -> np.ndarray:
    """Auto white balance on the background: scale the brightest tenth to TARGET_WHITE, then err."""
    sample = cv2.resize(light, (64, 64), interpolation=cv2.INTER_AREA).reshape(-1, 3)
    bright = sample[sample.sum(axis=1) >= np.quantile(sample.sum(axis=1), 0.9)]
    gains = np.asarray(TARGET_WHITE) / np.maximum(bright.mean(axis=0), 1e-3) * np.asarray(params.wb_error_bgr)
    return cv2.multiply(light, (*(float(g) for g in gains), 0.0))


def _noise(image: np.ndarray, params: CameraParams, rng: np.random.Generator) -> np.ndarray:
    """Shot + read noise; a phone's denoiser leaves it blotchy (low-pass, stronger per pixel)."""
    unit = sensor_noise(rng, *image.shape[:2], blur_px=params.noise_blur_px)
    sigma = image * params.shot_noise**2
    sigma += params.read_noise**2
    image += cv2.sqrt(sigma) * unit
    return image


# BT.601 luma weights in BGR order (what the camera's saturation control keeps).
_LUMA_BGR = np.asarray([0.114, 0.587, 0.299], np.float32)


def _tone(image: np.ndarray, params: CameraParams) -> np.ndarray:
    """Saturation about the luma and contrast about the film's mid-tone, as one colour matrix."""
    if params.saturation == 1.0 and params.contrast == 1.0:
        return image
    c, sat = params.contrast, params.saturation
    matrix = np.zeros((3, 4), np.float32)
    matrix[:, :3] = c * sat * np.eye(3, dtype=np.float32) + c * (1 - sat) * _LUMA_BGR[None, :]
    matrix[:, 3] = 0.55 * (1 - c)
    return cv2.transform(image, matrix)


def _sharpen(image: np.ndarray, params: CameraParams) -> np.ndarray:
    if params.sharpen <= 0.01:
        return image
    soft = gaussian_blur(image, params.sharpen_sigma_px)
    return cv2.addWeighted(image, 1 + params.sharpen, soft, -params.sharpen, 0.0)


def apply_camera(light: np.ndarray, params: CameraParams, rng: np.random.Generator) -> np.ndarray:
    """Linear light (H, W, 3) -> the camera's 8-bit BGR image (before file encoding). Works in place."""
    image = _noise(_white_balance(light, params), params, rng)
    image = _sharpen(_tone(image, params), params)
    return cv2.convertScaleAbs(np.maximum(image, 0.0, out=image), alpha=255.0)


def encode_image(image: np.ndarray, params: CameraParams) -> bytes:
    """The bytes the camera writes: JPEG at its quality; 4:2:0 on phones, 4:4:4 on C2."""
    sampling = cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420 if params.phone else cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444
    flags = [cv2.IMWRITE_JPEG_QUALITY, params.jpeg_quality, cv2.IMWRITE_JPEG_SAMPLING_FACTOR, sampling]
    ok, buf = cv2.imencode(".jpg", image, flags)
    if not ok:  # pragma: no cover - OpenCV only fails on empty images
        raise RuntimeError("JPEG encoding failed")
    return buf.tobytes()
