"""FP32 ONNX -> INT8 ONNX: ONNX Runtime static quantization, QDQ, per-channel 7-bit weights.

Activations are calibrated (min/max) on target-domain images fed through edge_app's own
preprocessing; the nodes of the chosen float scope (`head_scope`) are left out.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from edge_app.model_card import ModelCard
from export.calibration import CalibrationSet
from export.onnx_export import INPUT_NAME, embed_card

CALIB_CHUNK = 8  # images whose intermediate outputs are held at once: bounds memory at 640 px


@dataclass(frozen=True)
class OrtQuantSettings:
    """Integer types: U8 activations / S8 weights is ONNX Runtime's fast path on AVX2 and VNNI CPUs.

    Weights are 7-bit by default (`reduce_range`): without VNNI, MLAS multiplies U8 x S8 with
    vpmaddubsw, whose int16 pair sums saturate (2 x 255 x 127 > 32767); 7-bit ones (|w| <= 64) cannot. Measured
    in benchmarks/bench_ort_int8.py: the same speed, half the output error (docs/export.md).
    """

    activation: str = "uint8"  # "uint8" | "int8"
    per_channel: bool = True
    reduce_range: bool = True
    weight: str = "int8"  # "int8" | "uint8"
    quant_format: str = "qdq"  # "qdq" | "qoperator"
    op_types: tuple[str, ...] = ()  # op types to quantize; () = every type ONNX Runtime can quantize


class _Reader:
    """ONNX Runtime's calibration-reader protocol over a `CalibrationSet`, read in strides.

    ORT calibrates stride by stride (`CalibStridedMinMax`) and merges the ranges, so only one
    stride of intermediate outputs is ever in memory (a whole set at 640 px would need tens of GB).
    """

    def __init__(self, calib: CalibrationSet, desc: str) -> None:
        self.calib = calib
        self._progress = tqdm(total=len(calib), desc=desc, leave=False)
        self._tensors: Iterator[np.ndarray] = iter(())

    def __len__(self) -> int:
        return len(self.calib)

    def set_range(self, start_index: int, end_index: int) -> None:
        chunk = CalibrationSet(self.calib.images[start_index:end_index], self.calib.card, self.calib.source)
        self._tensors = chunk.tensors()

    def get_next(self) -> dict[str, np.ndarray] | None:
        tensor = next(self._tensors, None)
        if tensor is None:
            return None
        self._progress.update()
        return {INPUT_NAME: tensor}


def calibration_stride(count: int, most: int = CALIB_CHUNK) -> int:
    """The largest stride <= `most` that divides `count` (ORT requires an exact division)."""
    return next(s for s in range(min(most, count), 0, -1) if count % s == 0)


def quantize_onnx(
    fp32_path: Path,
    out_path: Path,
    calib: CalibrationSet,
    exclude: Sequence[str] = (),
    settings: OrtQuantSettings = OrtQuantSettings(),
    card: ModelCard | None = None,
    ranges_cache: Path | None = None,
) -> Path:
    """Write the INT8 QDQ model to `out_path` (card embedded when given) and return it.

    `ranges_cache`: a JSON file of calibrated ranges, written on the first call and reused by
    later calls on the same model and images (ranges do not depend on the excluded nodes).
    """
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static

    types = {"uint8": QuantType.QUInt8, "int8": QuantType.QInt8}
    formats = {"qdq": QuantFormat.QDQ, "qoperator": QuantFormat.QOperator}
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        prepared = _prepare(fp32_path, Path(tmp) / "prepared.onnx")
        quantize_static(
            str(prepared), str(out_path), _Reader(calib, f"calibrating {out_path.name}"),
            quant_format=formats[settings.quant_format], activation_type=types[settings.activation],
            weight_type=types[settings.weight], op_types_to_quantize=list(settings.op_types) or None,
            per_channel=settings.per_channel, reduce_range=settings.reduce_range,
            calibrate_method=CalibrationMethod.MinMax, nodes_to_exclude=list(exclude),
            calibration_cache_path=ranges_cache,
            extra_options={"CalibStridedMinMax": calibration_stride(len(calib)), "ActivationSymmetric": False,
                           "WeightSymmetric": True},
        )
    if card is not None:
        _embed(out_path, card)
    return out_path


def _prepare(src: Path, dst: Path) -> Path:
    """Shape inference (what ORT's quantizer wants); no graph optimisation, so node names stay put."""
    from onnxruntime.quantization.shape_inference import quant_pre_process

    quant_pre_process(str(src), str(dst), skip_optimization=True, skip_onnx_shape=False, skip_symbolic_shape=False)
    return dst


def _embed(path: Path, card: ModelCard) -> None:
    import onnx

    proto = onnx.load(str(path))
    embed_card(proto, card)
    onnx.save(proto, str(path))


def count_ops(path: Path, op_types: Sequence[str]) -> dict[str, int]:
    """How many nodes of each type a model has (to show INT8 really is in the graph)."""
    import onnx

    nodes: list[Any] = list(onnx.load(str(path), load_external_data=False).graph.node)
    return {t: sum(n.op_type == t for n in nodes) for t in op_types}
