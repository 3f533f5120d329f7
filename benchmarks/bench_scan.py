"""Scan throughput (fields/s) for ONNX Runtime INT8 and OpenVINO INT8 with 1 and 2 workers.

    python benchmarks/bench_scan.py [--model BUNDLE] [--fields 40] [--rounds 2] [--imgsz 640]

Renders `--fields` synthetic L_100x_C2 fields (the default profile's domain) as JPEG files,
then scans them into a fresh workspace per run through `SlideScanner` — the same code as
`leuko scan`: read + hash, inference, focus measure, image fsync, SQLite commit. Backends are
created and warmed up before the clock starts. Configurations run interleaved in rounds (the
CPU is shared) and the median per configuration is printed. `--model` defaults to the bundled
demo model; the bundle must hold `model.int8.onnx` and/or `openvino-int8/`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from edge_app.domains import Domain
from edge_app.errors import LeukoError
from edge_app.scan.scanner import SlideScanner
from edge_app.scan.setup import ScanSetup, prepare_scan
from edge_app.store.store import ResultsStore
from edge_app.synth import SynthConfig, render_field_set

CONFIGS = (("onnxruntime", 1), ("onnxruntime", 2), ("openvino", 1), ("openvino", 2))
DOMAIN = "L_100x_C2"


def write_fields(folder: Path, count: int, imgsz: int) -> None:
    config = SynthConfig(fields=count, domains=(Domain.parse(DOMAIN),), imgsz=imgsz, seed=7)
    folder.mkdir(parents=True)
    for i in range(count):
        data, _labels = render_field_set(config, i)[DOMAIN]
        (folder / f"field_{i:04d}.jpg").write_bytes(data)


def scan_once(setup: ScanSetup, fields: Path, workspace: Path, workers: int) -> tuple[float, int]:
    with ResultsStore(workspace) as store:
        progress = list(SlideScanner(store, setup, "BENCH", workers=workers).run(fields))[-1]
    if progress.failed or progress.stored == 0:
        raise SystemExit(f"scan failed: {progress.failed[:3]}")
    return progress.inferred_per_s, progress.stored


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="bundle folder (default: the bundled demo model)")
    parser.add_argument("--fields", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--imgsz", type=int, default=640, help="synthetic field size in pixels")
    args = parser.parse_args()
    try:
        setups = {b: prepare_scan(None, args.model, b, "int8") for b in ("onnxruntime", "openvino")}
    except LeukoError as exc:
        print(f"bench_scan: {exc}", file=sys.stderr)
        return 2
    card = setups["onnxruntime"].bundle.card
    print(f"model {card.bundle_id} input {card.input_size}, {args.fields} fields {args.imgsz}px {DOMAIN}, "
          f"{os.cpu_count()} CPU cores, {args.rounds} rounds (median)")
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp:
        write_fields(Path(tmp) / "fields", args.fields, args.imgsz)
        rates: dict[tuple[str, int], list[float]] = {c: [] for c in CONFIGS}
        for r in range(args.rounds):
            for backend, workers in CONFIGS:
                workspace = Path(tmp) / f"ws-{backend}-{workers}-{r}"
                rate, _ = scan_once(setups[backend], Path(tmp) / "fields", workspace, workers)
                rates[(backend, workers)].append(rate)
        for (backend, workers), values in rates.items():
            file = setups[backend].file
            print(f"{backend:<12} {file.precision} ({file.path:<24}) workers={workers}: "
                  f"{statistics.median(values):6.2f} fields/s  (rounds: {', '.join(f'{v:.2f}' for v in values)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
