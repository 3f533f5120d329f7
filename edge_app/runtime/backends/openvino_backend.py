"""OpenVINO backend (CPU plugin), with the precision hint a profile asks for.

On CPUs with AMX/bf16 OpenVINO runs "FP32" models in bf16 by default; `precision_hint="f32"`
forces real FP32 (what a Pi or an older laptop does).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from edge_app.errors import ModelError
from edge_app.runtime.backends.base import InferenceBackend


class OpenVinoBackend(InferenceBackend):
    name = "openvino"

    def __init__(self, model_path: Path, threads: int | None = None, precision_hint: str | None = None) -> None:
        super().__init__(model_path, threads)
        import openvino as ov

        core = ov.Core()
        config: dict[str, object] = {"PERFORMANCE_HINT": "LATENCY"}
        if threads:
            config["INFERENCE_NUM_THREADS"] = threads
            # Pinning places each compiled model's threads from the first core on: several one-thread
            # workers (one backend each) would all share core 0 and run at a fraction of the speed.
            config["ENABLE_CPU_PINNING"] = False
        if precision_hint:
            config["INFERENCE_PRECISION_HINT"] = precision_hint
        try:
            self.model = core.read_model(str(model_path))
            self.compiled = core.compile_model(self.model, "CPU", config)
        except Exception as exc:  # OpenVINO raises RuntimeError with long C++ messages
            first_line = str(exc).splitlines()[0][:200]
            raise ModelError(f"OpenVINO cannot load the model: {first_line}", where=str(model_path),
                             hint="the IR is truncated, its .xml and .bin do not match, or it is foreign") from None
        self.request = self.compiled.create_infer_request()

    @property
    def input_shape(self) -> tuple[int, int, int, int]:
        shape = self.compiled.input(0).get_partial_shape()
        if shape.is_dynamic:
            raise ModelError(f"model input has dynamic shape {shape}", where=str(self.model_path))
        return tuple(int(d.get_length()) for d in shape)  # type: ignore[return-value]

    def infer(self, tensor: np.ndarray) -> np.ndarray:
        self.request.infer({0: tensor})
        return self.request.get_output_tensor(0).data.copy()

    def metadata(self) -> dict[str, str]:
        info = self.model.get_rt_info()
        if "leuko" not in info:
            return {}
        section = info["leuko"]
        return {str(k): str(section[k].astype(str)) for k in section}
