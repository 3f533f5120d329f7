"""FP32 ONNX -> OpenVINO IR: FP32, FP16 (compressed weights) and INT8 (NNCF post-training quantization).

INT8 is calibrated on the same target-domain images as ONNX Runtime's and leaves the same
float scope out (NNCF `ignored_scope`); the card sits in `rt_info["leuko"]["leuko_card"]`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from edge_app.model_card import ModelCard
from edge_app.runtime.bundle import CARD_METADATA_KEY, card_metadata
from export.calibration import CalibrationSet

RT_INFO_SECTION = "leuko"


class _CalibrationIterable:
    """Re-iterable for NNCF (it passes over the data more than once), one image in memory at a time."""

    def __init__(self, calib: CalibrationSet) -> None:
        self.calib = calib

    def __iter__(self) -> Iterator[np.ndarray]:
        return self.calib.tensors()

    def __len__(self) -> int:
        return len(self.calib)


def write_ir(onnx_path: Path, xml_path: Path, card: ModelCard, precision: str,
             calib: CalibrationSet | None = None, float_nodes: Sequence[str] = ()) -> list[Path]:
    """Write `xml_path` (+ .bin) at `precision` ("fp32" | "fp16" | "int8"); return both paths."""
    import openvino as ov

    model = ov.convert_model(str(onnx_path))
    if precision == "int8":
        if calib is None:
            raise ValueError("INT8 IR needs a calibration set")
        model = quantize_ir(model, calib, ov_names(model, onnx_path, float_nodes))
    model.set_rt_info(card_metadata(card), [RT_INFO_SECTION, CARD_METADATA_KEY])
    xml_path.parent.mkdir(parents=True, exist_ok=True)
    ov.save_model(model, str(xml_path), compress_to_fp16=precision == "fp16")
    return [xml_path, xml_path.with_suffix(".bin")]


def quantize_ir(model: Any, calib: CalibrationSet, float_nodes: Sequence[str]) -> Any:
    import nncf

    nncf.set_log_level(logging.WARNING)  # its INFO lists every node it skips

    scope = nncf.IgnoredScope(names=list(float_nodes), validate=True) if float_nodes else None
    return nncf.quantize(
        model, nncf.Dataset(_CalibrationIterable(calib)), preset=nncf.QuantizationPreset.MIXED,
        subset_size=len(calib), ignored_scope=scope,
    )


def ov_names(model: Any, onnx_path: Path, onnx_nodes: Sequence[str]) -> list[str]:
    """The IR names of ONNX nodes: the same name, or the output tensor's for the graph-output node."""
    import onnx

    present = {op.get_friendly_name() for op in model.get_ordered_ops()}
    wanted = set(onnx_nodes)
    names: list[str] = []
    for node in onnx.load(str(onnx_path), load_external_data=False).graph.node:
        if node.name in wanted:
            alias = node.name if node.name in present else node.output[0]
            if alias in present:
                names.append(alias)
    return names


def count_ir_ops(xml_path: Path, op_type: str) -> int:
    import openvino as ov

    model = ov.Core().read_model(str(xml_path))
    return sum(op.get_type_name() == op_type for op in model.get_ordered_ops())
