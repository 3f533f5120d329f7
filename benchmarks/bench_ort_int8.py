"""ONNX Runtime INT8 configurations side by side: which one is fast on this CPU, and how far from FP32.

    .venv/bin/python benchmarks/bench_ort_int8.py [--bundle runs/bench/live/bundle] \\
        [--calib runs/bench/live/calib] [--samples edge_app/assets/samples] [--threads 2] [--runs 60]

Every configuration is quantized with `export.quantize_onnx` from the bundle's FP32 `model.onnx`
(same calibration ranges, same float scope as the bundle's card), then all sessions are timed
in one process with the same threads, after warm-up, in interleaved rounds (`export.parity`:
median per round, best round kept). Deviation vs FP32 on the real sample fields: top-100
anchors' mean box error (px) and best-score error (`scope_search.output_error`), and the max
over all anchors. Untrained weights make the deviation a proxy only; accuracy needs trained
weights (`leuko-export parity`). Without --bundle present, the untrained YOLO11n bundle of
bench_live_models is built (about a minute).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("YOLO_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from edge_app.model_card import ModelCard
from edge_app.runtime.backends.base import InferenceBackend
from edge_app.runtime.bundle import ModelBundle
from export.calibration import CalibrationSet, CalibrationWarning, find_images
from export.head_scope import FloatScope
from export.parity import ParitySettings, interleaved_latency
from export.quantize_onnx import OrtQuantSettings, quantize_onnx
from export.scope_search import output_error, run_model

ROOT = Path(__file__).resolve().parents[1]
SPIN_OFF = {"session.intra_op.allow_spinning": "0"}


def all_but_silu() -> tuple[str, ...]:
    """Every op type ORT quantizes except SiLU's Sigmoid and Mul (SiLU stays float between INT8 convs)."""
    from onnxruntime.quantization.registry import QDQRegistry, QLinearOpsRegistry

    return tuple(sorted((set(QDQRegistry) | set(QLinearOpsRegistry)) - {"Sigmoid", "Mul"}))


def configurations() -> list[tuple[str, OrtQuantSettings]]:
    """The first quantizes every op type, so the ranges it caches cover every later configuration."""
    base, conv = OrtQuantSettings(reduce_range=False), ("Conv",)
    return [
        ("qdq u8s8 pc all (before)", base),
        ("qdq u8u8 pc all", replace(base, weight="uint8")),
        ("qdq s8s8 pc all", replace(base, activation="int8")),
        ("qdq u8s8 pc all reduce_range (now)", replace(base, reduce_range=True)),
        ("qdq u8s8 pc no-silu", replace(base, op_types=all_but_silu())),
        ("qdq u8s8 pc conv", replace(base, op_types=conv)),
        ("qdq u8u8 pc conv", replace(base, weight="uint8", op_types=conv)),
        ("qdq u8s8 pc conv reduce_range", replace(base, reduce_range=True, op_types=conv)),
        ("qdq u8s8 per-tensor conv", replace(base, per_channel=False, op_types=conv)),
        ("qop u8s8 pc all", replace(base, quant_format="qoperator")),
        ("qop u8s8 pc conv", replace(base, quant_format="qoperator", op_types=conv)),
        ("qop u8u8 pc conv", replace(base, quant_format="qoperator", weight="uint8", op_types=conv)),
    ]


@dataclass
class Variant:
    label: str
    path: Path
    config: dict[str, str] = field(default_factory=dict)  # ORT session config entries
    optimization: str = "all"  # "all" | "none" (a model already optimized and saved)


class OrtSession(InferenceBackend):
    """ONNX Runtime CPU session with explicit session options (the app's backend takes threads only)."""

    name = "onnxruntime"

    def __init__(self, variant: Variant, threads: int) -> None:
        super().__init__(variant.path, threads)
        self.session, self.load_ms = open_session(variant.path, threads, variant.config, variant.optimization)
        self._input = self.session.get_inputs()[0]

    @property
    def input_shape(self) -> tuple[int, int, int, int]:
        return tuple(self._input.shape)  # type: ignore[return-value]

    def infer(self, tensor: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self._input.name: tensor})[0]


def open_session(path: Path, threads: int, config: dict[str, str], optimization: str = "all",
                 save_to: Path | None = None) -> tuple[Any, float]:
    """A session and the ms its creation (graph optimisation included) took."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = threads
    levels = {"all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL, "none": ort.GraphOptimizationLevel.ORT_DISABLE_ALL}
    options.graph_optimization_level = levels[optimization]
    if save_to is not None:
        options.optimized_model_filepath = str(save_to)
    for key, value in config.items():
        options.add_session_config_entry(key, value)
    start = time.perf_counter()
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return session, (time.perf_counter() - start) * 1e3


def deviation(card: ModelCard, reference: list[np.ndarray], outputs: list[np.ndarray]) -> tuple[float, ...]:
    """(mean box px, max box px, mean score, max score, mean attr) against FP32; means on the top-100 anchors."""
    nc = card.taxonomy.num_classes
    mean = output_error(FloatScope("-", (), ""), reference, outputs, card)
    box_max = max(float(np.abs(r[0, :4] - o[0, :4]).max()) for r, o in zip(reference, outputs, strict=True))
    score_max = max(float(np.abs(r[0, 4 : 4 + nc] - o[0, 4 : 4 + nc]).max())
                    for r, o in zip(reference, outputs, strict=True))
    return mean.box_px, box_max, mean.score, score_max, mean.attr


def build_variants(args: argparse.Namespace, card: ModelCard, fp32: Path, out: Path) -> list[Variant]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalibrationWarning)
        calib = CalibrationSet.from_folder(args.calib, card, args.calib_images)
    float_nodes = tuple(card.calibration.get("float_nodes", ()))
    cache = out / "ranges.json"
    cache.unlink(missing_ok=True)
    models = [("fp32", fp32)]
    for label, settings in configurations():
        path = out / (label.split(" (")[0].replace(" ", "_") + ".onnx")
        print(f"quantizing {label} ...", flush=True)
        models.append((label, quantize_onnx(fp32, path, calib, float_nodes, settings, ranges_cache=cache)))
    variants = [Variant(label, path) for label, path in models]
    variants += [Variant(f"{label}, spinning off", path, SPIN_OFF) for label, path in models]
    saved = out / "before.ort-optimized.onnx"
    open_session(models[1][1], args.threads, {}, save_to=saved)
    variants.append(Variant("before, optimized model saved", saved, optimization="none"))
    return variants


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bundle", type=Path, default=ROOT / "runs/bench/live/bundle")
    p.add_argument("--calib", type=Path, default=ROOT / "runs/bench/live/calib")
    p.add_argument("--calib-images", type=int, default=16)
    p.add_argument("--samples", type=Path, default=ROOT / "edge_app/assets/samples")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--runs", type=int, default=60, help="timed runs per variant (over 5 interleaved rounds)")
    p.add_argument("--out", type=Path, default=ROOT / "runs/bench/ort-int8")
    args = p.parse_args(argv)

    if not (args.bundle / "card.json").is_file():
        from benchmarks.bench_live_models import build_bundle

        args.bundle = build_bundle(args.bundle.parent)
    card = ModelBundle.open(args.bundle).card
    args.out.mkdir(parents=True, exist_ok=True)
    fp32 = args.bundle / "model.onnx"
    variants = build_variants(args, card, fp32, args.out)

    samples = CalibrationSet(tuple(find_images(args.samples)), card, str(args.samples))
    reference = run_model(fp32, samples)
    sessions = [OrtSession(v, args.threads) for v in variants]
    for s in sessions:
        s.warm_up(3)
    print(f"timing {len(sessions)} variants, {args.runs} runs each, {args.threads} threads ...", flush=True)
    medians = interleaved_latency(list(sessions), ParitySettings(latency_runs=args.runs))
    base = {str(v.config): ms for v, ms in zip(variants, medians, strict=True) if v.path == fp32}

    print(f"\nONNX Runtime, {args.threads} threads, input {card.input_size}, float scope "
          f"'{card.calibration.get('float_scope', '-')}', {len(samples)} sample fields for deviation")
    print(f"{'config':<44} {'load ms':>8} {'median ms':>9} {'x fp32':>7} {'box px mean/max':>16} "
          f"{'score mean/max':>16} {'attr':>6}")
    for v, s, ms in zip(variants, sessions, medians, strict=True):
        outputs = [s.infer(t) for t in samples.tensors()]
        box, box_max, score, score_max, attr = deviation(card, reference, outputs)
        print(f"{v.label:<44} {s.load_ms:8.0f} {ms:9.1f} {ms / base[str(v.config)]:7.2f} "
              f"{box:7.3f}/{box_max:8.3f} {score:7.4f}/{score_max:8.4f} {attr:6.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
