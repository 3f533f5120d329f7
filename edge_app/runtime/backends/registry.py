"""Pick a backend by name (`auto` prefers OpenVINO where installed, else ONNX Runtime)."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

from edge_app.errors import ModelError
from edge_app.runtime.backends.base import InferenceBackend

BACKEND_NAMES = ("onnxruntime", "openvino")


def available_backends() -> list[str]:
    return [name for name in BACKEND_NAMES if importlib.util.find_spec(name) is not None]


def create_backend(name: str, model_path: Path, threads: int | None = None, **options: object) -> InferenceBackend:
    factories: dict[str, Callable[..., InferenceBackend]] = {
        "onnxruntime": _onnxruntime,
        "openvino": _openvino,
    }
    if name not in factories:
        raise ModelError(f"unknown backend {name!r}", hint=f"choose one of {', '.join(BACKEND_NAMES)} or auto")
    if name not in available_backends():
        extra = "app" if name == "onnxruntime" else name
        raise ModelError(f"backend {name} is not installed", hint=f"pip install 'leuko[{extra}]'")
    return factories[name](model_path, threads, **options)


def _onnxruntime(model_path: Path, threads: int | None) -> InferenceBackend:
    from edge_app.runtime.backends.onnxruntime_backend import OnnxRuntimeBackend

    return OnnxRuntimeBackend(model_path, threads)


def _openvino(model_path: Path, threads: int | None, precision_hint: str | None = None) -> InferenceBackend:
    from edge_app.runtime.backends.openvino_backend import OpenVinoBackend

    return OpenVinoBackend(model_path, threads, precision_hint)
