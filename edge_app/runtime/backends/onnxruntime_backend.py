"""ONNX Runtime backend (CPU execution provider)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from edge_app.errors import ModelError
from edge_app.runtime.backends.base import InferenceBackend


class OnnxRuntimeBackend(InferenceBackend):
    name = "onnxruntime"

    def __init__(self, model_path: Path, threads: int | None = None) -> None:
        super().__init__(model_path, threads)
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.log_severity_level = 3
        if threads:
            options.intra_op_num_threads = threads
        try:
            self.session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # ORT raises its own untyped errors for bad files
            first_line = str(exc).splitlines()[0][:200]
            raise ModelError(f"ONNX Runtime cannot load the model: {first_line}", where=str(model_path),
                             hint="the file is truncated or not an ONNX model: re-export the bundle") from None
        self._input = self.session.get_inputs()[0]

    @property
    def input_shape(self) -> tuple[int, int, int, int]:
        shape = self._input.shape
        if not all(isinstance(d, int) for d in shape):
            raise ModelError(f"model input has dynamic shape {shape}", where=str(self.model_path),
                             hint="export with a static input size")
        return tuple(shape)  # type: ignore[return-value]

    def infer(self, tensor: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self._input.name: tensor})[0]

    def metadata(self) -> dict[str, str]:
        return dict(self.session.get_modelmeta().custom_metadata_map)
