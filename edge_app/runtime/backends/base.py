"""`InferenceBackend`: what the detector needs from a runtime, and nothing more."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

import numpy as np


class InferenceBackend(ABC):
    """Runs one model file on (1,3,H,W) float32 input and returns the raw (1,C,N) output."""

    name: str = ""

    def __init__(self, model_path: Path, threads: int | None = None) -> None:
        self.model_path = model_path
        self.threads = threads

    @property
    @abstractmethod
    def input_shape(self) -> tuple[int, int, int, int]:
        """(1, 3, H, W) the model file declares."""

    @abstractmethod
    def infer(self, tensor: np.ndarray) -> np.ndarray:
        """One synchronous inference."""

    def metadata(self) -> dict[str, str]:
        """Key/value metadata embedded in the model file (e.g. the model card)."""
        return {}

    def warm_up(self, runs: int = 2) -> None:
        """Run on a dummy input so that compilation never lands in the first live frames."""
        dummy = np.zeros(self.input_shape, np.float32)
        for _ in range(runs):
            self.infer(dummy)
