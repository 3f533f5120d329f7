"""Is this field good enough to trust? A focus measure and an exposure check, per frame.

Focus is the variance of the Laplacian of the downsized grey image, divided by the profile's
reference sharpness, so ~1 means "as sharp as a good field on this microscope". Exposure is
mean luma plus the fraction of clipped (near-black or near-white) pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

ANALYSIS_WIDTH = 640  # measure on a fixed width so the number does not depend on camera resolution


@dataclass(frozen=True)
class QualityThresholds:
    reference_sharpness: float = 100.0
    min_focus: float = 0.35
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


def measure_field_quality(image: np.ndarray, thresholds: QualityThresholds = QualityThresholds()) -> FieldQualityReport:
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if grey.shape[1] > ANALYSIS_WIDTH:
        height = round(grey.shape[0] * ANALYSIS_WIDTH / grey.shape[1])
        grey = cv2.resize(grey, (ANALYSIS_WIDTH, height), interpolation=cv2.INTER_AREA)
    focus = float(cv2.Laplacian(grey, cv2.CV_32F).var()) / thresholds.reference_sharpness
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
