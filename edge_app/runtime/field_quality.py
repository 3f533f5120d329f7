"""Is this field good enough to trust? A focus measure and an exposure check, per frame.

Focus is the variance of the Laplacian of Gaussian (sigma 1.5 px) of the grey image at a fixed
640 px width, divided by the profile's reference sharpness, so ~1 means "as sharp as a good field
on this microscope". The Gaussian is what makes it a focus measure: a plain Laplacian on a 100x
field mostly measures sensor noise, which does not change with focus (measured on the virtual
microscope: plain Laplacian variance 49.5 in focus, 49.0 at 8 µm defocus; LoG 1.6 vs 1.1).
The default reference (2.0) is the LoG variance of a sharp virtual L_100x_C2 field; calibrate
`focus.reference_sharpness` in a profile with a sharp field of the real camera.
Exposure is mean luma plus the fraction of clipped (near-black or near-white) pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

ANALYSIS_WIDTH = 640  # measure on a fixed width so the number does not depend on camera resolution
FOCUS_SIGMA = 1.5  # px at ANALYSIS_WIDTH: below the finest chromatin detail, above sensor noise


@dataclass(frozen=True)
class QualityThresholds:
    reference_sharpness: float = 2.0
    min_focus: float = 0.5
    min_brightness: float = 60.0
    max_brightness: float = 245.0
    max_clipped: float = 0.05


@dataclass(frozen=True)
class FieldQualityReport:
    focus: float
    brightness: float
    clipped: float
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def sharpness(grey: np.ndarray) -> float:
    """Variance of the Laplacian of Gaussian: high for sharp edges, insensitive to pixel noise."""
    smoothed = cv2.GaussianBlur(grey, (0, 0), FOCUS_SIGMA)
    return float(cv2.Laplacian(smoothed, cv2.CV_32F).var())


def measure_field_quality(image: np.ndarray, thresholds: QualityThresholds = QualityThresholds()) -> FieldQualityReport:
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if grey.shape[1] > ANALYSIS_WIDTH:
        height = round(grey.shape[0] * ANALYSIS_WIDTH / grey.shape[1])
        grey = cv2.resize(grey, (ANALYSIS_WIDTH, height), interpolation=cv2.INTER_AREA)
    focus = sharpness(grey) / thresholds.reference_sharpness
    brightness = float(grey.mean())
    clipped = float(np.count_nonzero((grey <= 2) | (grey >= 253))) / grey.size
    problems = []
    if focus < thresholds.min_focus:
        problems.append("out of focus")
    if brightness < thresholds.min_brightness:
        problems.append("too dark")
    elif brightness > thresholds.max_brightness:
        problems.append("too bright")
    if clipped > thresholds.max_clipped:
        problems.append(f"{clipped:.0%} of pixels clipped")
    return FieldQualityReport(focus, brightness, clipped, tuple(problems))
