"""`Detector`: frame in, `Detections` in frame pixels out — letterbox, infer, decode, NMS, map back."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from edge_app.detections import Detections
from edge_app.model_card import ModelCard
from edge_app.runtime.backends.base import InferenceBackend
from edge_app.runtime.decode import DecodeSettings, decode
from edge_app.runtime.letterbox import letterbox, to_input_tensor


@dataclass
class Timing:
    """Last call's stage durations in milliseconds (measured, for the status bar and benchmarks)."""

    preprocess_ms: float = 0.0
    infer_ms: float = 0.0
    postprocess_ms: float = 0.0

    @property
    def total_ms(self) -> float:
        return self.preprocess_ms + self.infer_ms + self.postprocess_ms


@dataclass
class Detector:
    card: ModelCard
    backend: InferenceBackend
    settings: DecodeSettings = field(default_factory=DecodeSettings)
    timing: Timing = field(default_factory=Timing)

    def __call__(self, image: np.ndarray) -> Detections:
        return self.detect(image)

    def detect(self, image: np.ndarray) -> Detections:
        t0 = time.perf_counter()
        padded, transform = letterbox(image, self.card.input_size, self.card.letterbox_value)
        tensor = to_input_tensor(padded, self.card.color_order == "RGB", self.card.pixel_scale)
        t1 = time.perf_counter()
        raw = self.backend.infer(tensor)
        t2 = time.perf_counter()
        dets = transform.to_frame(decode(raw, self.card.taxonomy, self.settings))
        t3 = time.perf_counter()
        self.timing = Timing((t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3)
        return dets
