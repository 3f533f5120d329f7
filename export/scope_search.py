"""Decide by measurement which part of the head stays float in INT8.

Each candidate scope (`head_scope.candidate_scopes`) is quantized with ONNX Runtime on a few
calibration images and compared with FP32 on other images of the same set, per output group,
on the candidates that matter (the top-k anchors by FP32 class score): box error in pixels,
class-score error, attribute-probability error. The least-float scope within tolerance wins.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edge_app.model_card import ModelCard
from export.calibration import CalibrationSet
from export.head_scope import FloatScope, candidate_scopes
from export.quantize_onnx import OrtQuantSettings, quantize_onnx

TOP_K = 100
REFERENCE_SIDE = 640  # input side the box tolerance is stated for


@dataclass(frozen=True)
class Tolerance:
    box_px: float = 1.5  # mean |Δ cx,cy,w,h| in input pixels of a 640 px input
    score: float = 0.02  # mean |Δ best class score|
    attr: float = 0.02  # mean |Δ attribute value probability|

    def box_at(self, side: int) -> float:
        """The box tolerance for an input whose longer side is `side`: cells shrink with the input,
        so 1.27 px at 128 px is as wrong as 6.3 px at 640."""
        return self.box_px * side / REFERENCE_SIDE


@dataclass(frozen=True)
class ScopeError:
    scope: FloatScope
    box_px: float
    score: float
    attr: float
    input_side: int = REFERENCE_SIDE  # the input's longer side

    def within(self, tol: Tolerance) -> bool:
        return self.box_px <= tol.box_at(self.input_side) and self.score <= tol.score and self.attr <= tol.attr

    def line(self) -> str:
        return (f"{self.scope.name:<12} float nodes {len(self.scope.nodes):>3}  box {self.box_px:7.3f} px  "
                f"score {self.score:.4f}  attr {self.attr:.4f}")


def measure_scopes(fp32_path: Path, calib: CalibrationSet, card: ModelCard, settings: OrtQuantSettings,
                   calib_images: int = 32, eval_images: int = 8) -> list[ScopeError]:
    """Quantize once per candidate scope on a subset and measure its error against FP32."""
    import onnx

    graph = onnx.load(str(fp32_path), load_external_data=False).graph
    quick = calib.subset(calib_images)
    held_out = _held_out(calib, quick, eval_images)
    reference = run_model(fp32_path, held_out)
    errors = []
    with tempfile.TemporaryDirectory() as tmp:
        for scope in candidate_scopes(graph):
            path = quantize_onnx(fp32_path, Path(tmp) / f"{scope.name}.onnx", quick, scope.nodes, settings,
                                 ranges_cache=Path(tmp) / "ranges.json")
            errors.append(output_error(scope, reference, run_model(path, held_out), card))
    return errors


def choose_scope(errors: list[ScopeError], tol: Tolerance = Tolerance()) -> ScopeError:
    """The first (least float) scope within tolerance, else the one of smallest relative error."""
    for error in errors:
        if error.within(tol):
            return error
    return min(errors, key=lambda e: e.box_px / tol.box_at(e.input_side) + e.score / tol.score + e.attr / tol.attr)


def output_error(scope: FloatScope, reference: list[np.ndarray], quantized: list[np.ndarray],
                 card: ModelCard) -> ScopeError:
    nc = card.taxonomy.num_classes
    box, score, attr = [], [], []
    for ref, out in zip(reference, quantized, strict=True):
        top = np.argsort(-ref[0, 4 : 4 + nc].max(0))[:TOP_K]
        r, q = ref[0][:, top], out[0][:, top]
        box.append(np.abs(r[:4] - q[:4]).mean())
        score.append(np.abs(r[4 : 4 + nc].max(0) - q[4 : 4 + nc].max(0)).mean())
        attr.append(np.abs(r[4 + nc :] - q[4 + nc :]).mean() if r.shape[0] > 4 + nc else 0.0)
    return ScopeError(scope, float(np.mean(box)), float(np.mean(score)), float(np.mean(attr)), max(card.input_size))


def _held_out(calib: CalibrationSet, used: CalibrationSet, count: int) -> CalibrationSet:
    rest = tuple(p for p in calib.images if p not in set(used.images)) or calib.images
    return CalibrationSet(rest, calib.card, calib.source).subset(count)


def run_model(path: Path, images: CalibrationSet) -> list[np.ndarray]:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return [session.run(None, {name: t})[0] for t in images.tensors()]
