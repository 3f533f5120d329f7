"""Parity: every precision x backend of a bundle on one labelled set, through the app's own runtime.

Each model file is opened with `ModelBundle` (checksums, embedded card, output shape), run by
edge_app's `Detector` (letterbox, infer, decode, NMS), and scored with `edge_app.evaluation`.
OpenVINO runs twice: with the CPU plugin's default precision (bf16 on AMX CPUs) and with
INFERENCE_PRECISION_HINT=f32. Latency is the median of timed runs after warm-up, measured in
interleaved rounds over all variants (the best round kept), so a busy spell on a shared CPU
does not land on one variant only.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from edge_app.detections import Detections
from edge_app.evaluation.attribute_agreement import score_attributes
from edge_app.evaluation.detection_map import evaluate_map
from edge_app.model_card import BundleFile
from edge_app.runtime.backends.base import InferenceBackend
from edge_app.runtime.bundle import ModelBundle
from edge_app.runtime.decode import DecodeSettings
from edge_app.runtime.detector import Detector
from export.labelled_set import LabelledSet

OV_HINTS: tuple[str | None, ...] = (None, "f32")
MAP_TOLERANCE = 0.01  # 1 point of mAP50-95
ATTR_TOLERANCE = 0.01  # 1 point of attribute accuracy
ORT_INT8_LATENCY_RATIO = 0.6
LATENCY_ROUNDS = 5


@dataclass(frozen=True)
class ParitySettings:
    conf: float = 0.001  # as for mAP: the whole precision/recall curve
    iou: float = 0.7
    threads: int | None = None
    warmup: int = 5
    latency_runs: int = 30


@dataclass
class VariantResult:
    label: str
    backend: str
    precision: str
    hint: str  # "default" | "f32" | "-" (ONNX Runtime)
    runs_as: str  # what the runtime really computes in (OpenVINO's resolved inference precision)
    map50_95: float
    map50: float
    attr_accuracy: float | None
    infer_ms: float  # median network time on one input (best of interleaved rounds)
    pipeline_ms: float  # median letterbox + infer + decode + NMS per image of the set
    detections: int
    reference: str = ""
    d_map50_95: float = 0.0
    d_map50: float = 0.0
    d_attr: float | None = None
    latency_ratio: float = 1.0


def run_parity(bundle_dir: Path, data: LabelledSet, settings: ParitySettings = ParitySettings()) -> dict[str, Any]:
    bundle = ModelBundle.open(bundle_dir)
    loaded = [(f, hint, _load(bundle, f, hint, settings)) for f, hint in variants(bundle)]
    results = [evaluate_variant(bundle, f, hint, backend, data, settings) for f, hint, backend in loaded]
    for result, ms in zip(results, interleaved_latency([b for *_, b in loaded], settings), strict=True):
        result.infer_ms = ms
    add_deltas(results)
    return {
        "bundle": str(bundle_dir), "bundle_id": bundle.card.bundle_id, "split": data.split,
        "images": len(data), "domain": data.domain, "settings": asdict(settings),
        "results": [asdict(r) for r in results], "targets": check_targets(results),
        "fastest_within_targets": fastest_within_targets(results),
    }


def variants(bundle: ModelBundle) -> list[tuple[BundleFile, str | None]]:
    models = [f for f in bundle.card.files if f.path.endswith((".onnx", ".xml"))]
    return [(f, hint) for f in models for hint in (OV_HINTS if f.backend == "openvino" else (None,))]


def _load(bundle: ModelBundle, file: BundleFile, hint: str | None, settings: ParitySettings) -> InferenceBackend:
    options = {"precision_hint": hint} if file.backend == "openvino" else {}
    backend = bundle.load_backend(file, settings.threads, **options)
    backend.warm_up(settings.warmup)
    return backend


def evaluate_variant(bundle: ModelBundle, file: BundleFile, hint: str | None, backend: InferenceBackend,
                     data: LabelledSet, settings: ParitySettings) -> VariantResult:
    detector = Detector(bundle.card, backend, DecodeSettings(settings.conf, settings.iou, 300))
    label = f"{file.backend} {file.precision}" + (f" ({hint or 'default'})" if file.backend == "openvino" else "")
    gts, preds, pipeline = [], [], []
    for image, gt in tqdm(data.samples(), total=len(data), desc=label, leave=False):
        preds.append(detector(image))
        gts.append(gt)
        pipeline.append(detector.timing.total_ms)
    boxes = evaluate_map(gts, preds)
    return VariantResult(
        label, file.backend, file.precision, (hint or "default") if file.backend == "openvino" else "-",
        _runs_as(backend, file), boxes.map50_95, boxes.map50, _attr_accuracy(bundle, gts, preds),
        float("nan"), statistics.median(pipeline), sum(len(p) for p in preds),
    )


def _attr_accuracy(bundle: ModelBundle, gts: list[Detections], preds: list[Detections]) -> float | None:
    taxonomy = bundle.card.taxonomy
    if not taxonomy.attributes:
        return None
    report = score_attributes(taxonomy, gts, preds)
    if not report.matched_cells or not any(s.scored for s in report.scores):
        return None  # e.g. BCCD: no attribute annotated, nothing to score
    return report.mean_accuracy


def interleaved_latency(backends: list[InferenceBackend], settings: ParitySettings) -> list[float]:
    """Median inference ms per backend, measured round-robin and the best round kept.

    Other processes share the CPU: measuring variants one after the other lets a busy spell land
    on one of them; interleaving rounds and keeping each one's best round compares like with like.
    """
    runs = max(3, settings.latency_runs // LATENCY_ROUNDS)
    best = [float("inf")] * len(backends)
    for _ in range(LATENCY_ROUNDS):
        for i, backend in enumerate(backends):
            best[i] = min(best[i], _median_infer_ms(backend, runs))
    return best


def _median_infer_ms(backend: InferenceBackend, runs: int) -> float:
    tensor = np.random.default_rng(0).random(backend.input_shape, dtype=np.float32)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        backend.infer(tensor)
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def _runs_as(backend: Any, file: BundleFile) -> str:
    compiled = getattr(backend, "compiled", None)
    if compiled is None:
        return file.precision
    resolved = compiled.get_property("INFERENCE_PRECISION_HINT")
    name = resolved.get_type_name() if hasattr(resolved, "get_type_name") else str(resolved)
    return f"{file.precision} weights, {name} compute"


def add_deltas(results: list[VariantResult]) -> None:
    """Each result against the FP32 file of its backend run the same way (same OpenVINO hint)."""
    for r in results:
        ref = _reference(results, r)
        if ref is None:
            continue
        r.reference = ref.label
        r.d_map50_95, r.d_map50 = r.map50_95 - ref.map50_95, r.map50 - ref.map50
        if r.attr_accuracy is not None and ref.attr_accuracy is not None:
            r.d_attr = r.attr_accuracy - ref.attr_accuracy
        r.latency_ratio = r.infer_ms / ref.infer_ms if ref.infer_ms else float("nan")


def _reference(results: list[VariantResult], r: VariantResult) -> VariantResult | None:
    same = [x for x in results if x.precision == "fp32" and x.backend == r.backend and x.hint == r.hint]
    fp32 = same or [x for x in results if x.precision == "fp32"]
    return fp32[0] if fp32 else None


def check_targets(results: list[VariantResult]) -> dict[str, bool]:
    """The export issue's targets, per INT8 variant: mAP, attributes, and ORT's latency ratio."""
    out: dict[str, bool] = {}
    for r in (x for x in results if x.precision == "int8" and x.reference):
        out[f"{r.label}: |dmAP50-95| <= 1 pt"] = abs(r.d_map50_95) <= MAP_TOLERANCE
        if r.d_attr is not None:
            out[f"{r.label}: attr accuracy loss <= 1 pt"] = r.d_attr >= -ATTR_TOLERANCE
        if r.backend == "onnxruntime":
            out[f"{r.label}: latency <= {ORT_INT8_LATENCY_RATIO} x fp32"] = r.latency_ratio <= ORT_INT8_LATENCY_RATIO
    return out


def fastest_within_targets(results: list[VariantResult]) -> dict[str, str]:
    """Per backend, the fastest variant whose accuracy stays within the targets (what a profile picks)."""
    best: dict[str, VariantResult] = {}
    for r in results:
        ok = abs(r.d_map50_95) <= MAP_TOLERANCE and (r.d_attr is None or r.d_attr >= -ATTR_TOLERANCE)
        if ok and (r.backend not in best or r.infer_ms < best[r.backend].infer_ms):
            best[r.backend] = r
    return {b: f"{r.precision} (hint {r.hint}), {r.infer_ms:.2f} ms" for b, r in best.items()}


def format_table(report: dict[str, Any]) -> str:
    head = (f"{'variant':<28} {'runs as':<28} {'mAP50-95':>8} {'mAP50':>7} {'attr':>6} {'infer ms':>9} "
            f"{'pipe ms':>8} {'dmAP50-95':>9} {'dmAP50':>7} {'dattr':>7} {'x fp32':>7}")
    lines = [f"parity of {report['bundle_id']} on {report['images']} {report['split']} images", head,
             "-" * len(head)]
    for r in report["results"]:
        lines.append(
            f"{r['label']:<28} {r['runs_as']:<28} {100 * r['map50_95']:8.2f} {100 * r['map50']:7.2f} "
            f"{_pct(r['attr_accuracy']):>6} {r['infer_ms']:9.2f} {r['pipeline_ms']:8.2f} "
            f"{100 * r['d_map50_95']:+9.2f} {100 * r['d_map50']:+7.2f} {_signed_pct(r['d_attr']):>7} "
            f"{r['latency_ratio']:7.2f}"
        )
    lines += [f"  {'PASS' if ok else 'FAIL'}  {name}" for name, ok in report["targets"].items()]
    lines += [f"  fastest within targets, {b}: {v}" for b, v in report["fastest_within_targets"].items()]
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.2f}"


def _signed_pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:+.2f}"
