"""Live pipeline throughput beside ultralytics and beside the backend's own ceiling, plus memory.

    YOLO_OFFLINE=1 .venv/bin/python benchmarks/bench_live.py [--timed-frames 60] [--rounds 3]
        [--frames 300] [--camera-fps 30] [--variants all|onnxruntime/int8,...] [--out runs/bench/live]

For each backend x precision (ONNX Runtime / OpenVINO x FP32 / INT8) of ONE model file, on the
same 1280x960 frames (the bundled samples, decoded once, in memory), side by side in one run:

* ultralytics: `YOLO(<the same file>).predict(frame, imgsz=640)` in a loop over the frames, with
  the runtime's default thread count (ultralytics sets none);
* pipeline with N = 1 and N = 2 inference workers (`--workers`): `LivePipeline` (capture thread +
  N workers, each with its own backend on `threads_per_worker(N)` threads: the runtime's default
  for 1, cores // N otherwise, as `leuko live` does) on a camera replaying the same frames at
  `--camera-fps`, results/s over `--timed-frames` results;
* raw for N workers, the ceiling: N backends built exactly as the pipeline's, each calling
  `infer()` on one pre-made 640x640 tensor in a loop on its own thread, all at once; total
  inferences/s. (N = 1: the backend alone, as before.)

All after warm-up (STYLE 10), in `--rounds` interleaved rounds keeping each method's best round
(the CPU is shared: a busy spell must not land on one method only). Targets printed per N:
pipeline >= 1.5 x ultralytics and >= 0.9 x raw (N). Then `leuko live --headless` runs `--frames`
frames in a subprocess, its RSS sampled each second: peak <= 400 MB, and the growth slope.
Models: see bench_live_models.py (an untrained YOLO11n, exported once with leuko-export).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

os.environ.setdefault("YOLO_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_live_models import IMGSZ, VARIANTS, build_bundle, ultralytics_path

from edge_app.frame import Frame
from edge_app.pipeline import LivePipeline
from edge_app.pipeline.headless import SAMPLES_DIR
from edge_app.pipeline.workers import make_detectors, threads_per_worker
from edge_app.runtime.bundle import ModelBundle
from edge_app.runtime.detector import Detector
from edge_app.runtime.letterbox import letterbox, to_input_tensor
from edge_app.sources.base import FrameSource
from edge_app.sources.pacing import Pacer

REPO = Path(__file__).resolve().parents[1]
WARM_UP = 3
RSS_LIMIT_MB = 400


class MemoryCamera(FrameSource):
    """A camera replaying decoded frames at `fps` (no decode cost: what a camera's DMA hands over)."""

    is_live = False  # never lost: no reconnect wrapper needed

    def __init__(self, images: list[np.ndarray], fps: float) -> None:
        super().__init__("memory-camera")
        self.images, self._pacer = images, Pacer(fps)
        self._resolution = (images[0].shape[1], images[0].shape[0])

    def open(self) -> None:
        self._pacer.reset()

    def read(self) -> Frame | None:
        if not self._pacer.ready():
            return None
        self._pacer.delivered()
        return self._frame(self.images[self._index % len(self.images)])

    def close(self) -> None:
        pass


@dataclass
class Rates:
    """One pipeline setting (N workers): its ceiling and its pipeline, every round."""

    raw: list[float] = field(default_factory=list)
    pipeline: list[float] = field(default_factory=list)
    infer_ms: float = 0.0
    dropped: int = 0
    stale: int = 0


@dataclass
class Row:
    variant: str
    runs_as: str
    ultralytics: list[float]
    by_workers: dict[int, Rates]


def load_frames() -> list[np.ndarray]:
    images = [cv2.imread(str(p)) for p in sorted(SAMPLES_DIR.glob("field_*.jpg"))]
    if not images or images[0].shape[:2] != (960, 1280):
        raise SystemExit(f"need the 1280x960 sample fields in {SAMPLES_DIR} (python -m edge_app.synth.samples)")
    return images


def rate(step: Callable[[int], None], count: int) -> float:
    """Calls per second of `step(i)` over `count` calls, after WARM_UP untimed ones."""
    for i in range(WARM_UP):
        step(i)
    start = time.perf_counter()
    for i in range(count):
        step(i)
    return count / (time.perf_counter() - start)


def parallel_rate(steps: list[Callable[[], object]], count: int) -> float:
    """Total calls per second of every `step` looping on its own thread, all at once (after WARM_UP
    untimed calls each), timed until the first thread has made `count` calls: all run the whole time."""
    for step in steps:
        for _ in range(WARM_UP):
            step()
    calls = [0] * len(steps)
    first_done = threading.Event()

    def loop(n: int) -> None:
        while calls[n] < count and not first_done.is_set():
            steps[n]()
            calls[n] += 1
        first_done.set()

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(len(steps))]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    first_done.wait()
    elapsed, total = time.perf_counter() - start, sum(calls)
    for thread in threads:
        thread.join()
    return total / elapsed


def raw_rate(detectors: list[Detector], frame: np.ndarray, count: int) -> float:
    """The ceiling for len(detectors) workers: their backends' `infer()` in parallel on one tensor."""
    card = detectors[0].card
    padded, _ = letterbox(frame, card.input_size, card.letterbox_value)
    tensor = to_input_tensor(padded, card.color_order == "RGB", card.pixel_scale)
    return parallel_rate([lambda d=d: d.backend.infer(tensor) for d in detectors], count)


def ultralytics_rate(model: object, frames: list[np.ndarray], count: int) -> float:
    return rate(lambda i: model.predict(frames[i % len(frames)], imgsz=IMGSZ, verbose=False), count)  # type: ignore[attr-defined]


def pipeline_rate(detectors: list[Detector], frames: list[np.ndarray], count: int, camera_fps: float,
                  rates: Rates) -> None:
    """Results/s of the live pipeline (one worker per detector) over `count` results, into `rates`."""
    pipeline = LivePipeline(MemoryCamera(frames, camera_fps), detectors, warm_up_runs=WARM_UP,
                            measure_quality=False, max_results=count)
    with pipeline:
        pipeline.wait()
    stats = pipeline.stats
    rates.pipeline.append(stats.mean_fps)
    rates.infer_ms, rates.dropped, rates.stale = stats.infer_ms, stats.dropped, stats.stale


def measure_variant(bundle: ModelBundle, backend: str, precision: str, frames: list[np.ndarray],
                    args: argparse.Namespace) -> Row:
    from ultralytics import YOLO

    file = bundle.choose_file(backend, precision)
    detectors = {n: make_detectors(lambda threads: Detector(bundle.card, bundle.load_backend(file, threads)), n)
                 for n in args.workers}
    model = YOLO(str(ultralytics_path(bundle.path, file.path)), task="detect")
    row = Row(f"{backend}/{precision}", runs_as(detectors[args.workers[0]][0]), [], {n: Rates() for n in args.workers})
    per_round = max(1, args.timed_frames // args.rounds)
    for _ in range(args.rounds):  # interleaved: ultralytics, raw 1, pipeline 1, raw 2, pipeline 2, ultralytics, ...
        row.ultralytics.append(ultralytics_rate(model, frames, per_round))
        for n, rates in row.by_workers.items():
            rates.raw.append(raw_rate(detectors[n], frames[0], per_round))
            pipeline_rate(detectors[n], frames, per_round, args.camera_fps, rates)
    return row


def runs_as(detector: Detector) -> str:
    compiled = getattr(detector.backend, "compiled", None)
    if compiled is None:
        return "ORT CPU EP"
    hint = compiled.get_property("INFERENCE_PRECISION_HINT")
    return "OV CPU " + getattr(hint, "get_type_name", lambda: str(hint))()


def print_table(rows: list[Row]) -> None:
    print(f"\n{'variant':<18} {'runs as':<11} {'workers':>7} {'thr':>3} {'raw ips':>8} {'ultra FPS':>9} "
          f"{'pipe FPS':>9} {'pipe/ultra':>10} {'pipe/raw':>9} {'detect ms':>9} {'dropped':>7} {'stale':>5}")
    for r in rows:
        ultra = max(r.ultralytics)
        for n, rates in r.by_workers.items():
            raw, pipe = max(rates.raw), max(rates.pipeline)
            vs_ultra, vs_raw = pipe / ultra, pipe / raw
            threads = threads_per_worker(n) or "def"
            print(f"{r.variant:<18} {r.runs_as:<11} {n:7d} {threads!s:>3} {raw:8.2f} {ultra:9.2f} {pipe:9.2f} "
                  f"{vs_ultra:9.2f}{'*' if vs_ultra < 1.5 else ' '} {vs_raw:8.2f}{'*' if vs_raw < 0.9 else ' '} "
                  f"{rates.infer_ms:9.1f} {rates.dropped:7d} {rates.stale:5d}")
    print("best of rounds; * = below target (pipeline >= 1.5 x ultralytics, >= 0.9 x raw); thr = threads per "
          "worker (def: the runtime's default);\nraw for N workers = N backends, each on its own thread, "
          "infer() on one tensor, all at once (total/s); ultralytics: one predict loop, runtime default threads")
    for r in rows:
        parts = [f"ultralytics {fmt(r.ultralytics)}"]
        parts += [f"raw{n} {fmt(rates.raw)} | pipe{n} {fmt(rates.pipeline)}" for n, rates in r.by_workers.items()]
        print(f"  {r.variant}: " + " | ".join(parts))


def fmt(values: list[float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


def rss_run(bundle: Path, frames: int, camera_fps: float) -> None:
    """`leuko live --headless` in a subprocess; RSS from its status lines (one per second)."""
    command = [str(REPO / ".venv" / "bin" / "leuko"), "live", "--headless", "--model", str(bundle),
               "--backend", "openvino", "--precision", "int8", "--fps", str(camera_fps),
               "--max-frames", str(frames), "--report-every", "1"]
    print(f"\n$ {' '.join(command[1:])}")
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO)
    points = [parse_status(line) for line in done.stdout.splitlines()]
    points = [p for p in points if p is not None]
    print("\n".join(line for line in done.stdout.splitlines() if line.startswith(("summary", "  "))))
    if done.returncode != 0 or len(points) < 4:
        print(f"RSS run failed or too short (rc {done.returncode}, {len(points)} samples): {done.stderr[-500:]}")
        return
    report_rss(points)


def parse_status(line: str) -> tuple[int, float] | None:
    """(results, RSS MB) from a status line `... results N  RSS X MB`."""
    if "RSS" not in line or "results" not in line:
        return None
    words = line.split()
    return int(words[words.index("results") + 1]), float(words[words.index("RSS") + 1])


def report_rss(points: list[tuple[int, float]]) -> None:
    steady = points[len(points) // 4:]  # skip start-up (imports, first allocations)
    results = np.array([p[0] for p in steady], float)
    rss = np.array([p[1] for p in steady], float)
    slope = np.polyfit(results, rss, 1)[0] * 1000 if np.ptp(results) > 0 else 0.0
    peak = max(p[1] for p in points)
    print(f"RSS: peak {peak:.0f} MB (limit {RSS_LIMIT_MB}: {'ok' if peak <= RSS_LIMIT_MB else 'OVER'}), "
          f"steady {statistics.median(rss):.0f} MB, slope {slope:+.3f} MB per 1000 frames "
          f"over frames {int(results[0])}-{int(results[-1])} ({len(steady)} samples)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "runs" / "bench" / "live")
    parser.add_argument("--timed-frames", type=int, default=60, help="frames per method and variant (all rounds)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--camera-fps", type=float, default=30.0, help="rate of the replayed camera")
    parser.add_argument("--frames", type=int, default=300, help="frames of the leuko live RSS run (10000: slope)")
    parser.add_argument("--variants", default="all", help="all or e.g. openvino/int8,onnxruntime/fp32")
    parser.add_argument("--workers", default="1,2", type=lambda text: [int(n) for n in text.split(",")],
                        help="inference worker counts to run side by side")
    args = parser.parse_args()
    bundle_path = build_bundle(args.out)
    bundle, frames = ModelBundle.open(bundle_path), load_frames()
    wanted = [v for v in VARIANTS if args.variants == "all" or "/".join(v) in args.variants.split(",")]
    print(f"{len(frames)} frames 1280x960 -> {IMGSZ}x{IMGSZ}, {os.cpu_count()} CPUs, workers {args.workers}, "
          f"camera {args.camera_fps:g} FPS, {args.timed_frames} frames x method x variant")
    rows = [measure_variant(bundle, backend, precision, frames, args) for backend, precision in wanted]
    print_table(rows)
    if args.frames > 0:
        rss_run(bundle_path, args.frames, args.camera_fps)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
