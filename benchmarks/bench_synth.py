"""Synthesis speed: fields/s per domain through the real writer (render, JPEG, files).

    python benchmarks/bench_synth.py [--fields 60] [--workers 2] [--domains ...] [--no-all]

For each domain it writes --fields fields of --imgsz x --imgsz with --workers processes into a
temporary folder, timing every completed field. The first completion of each worker carries
process start-up and bank building, so throughput is measured on the rest (steady state) and
start-up is reported apart; the projection for 1,000 fields is start-up + 1,000 / throughput.
The machine is shared, so wall-clock figures move with other people's load (printed first);
the CPU seconds each field took in its worker (steady state, start-up excluded) move much
less, and give the projection for --workers idle cores as well.
Target (issue): 1,000 fields of 640x640 per domain in under 2 minutes on the 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from edge_app.domains import Domain, parse_domains
from edge_app.synth.dataset import SynthConfig, prepare_output, render_field_set, write_fields

TARGET_S = 120.0
PROJECT_FIELDS = 1000


def measure(domains: tuple[Domain, ...], fields: int, workers: int, imgsz: int) -> tuple[float, float, float]:
    """(start-up seconds, steady fields/s, mean steady CPU seconds per field) of writing `fields` fields."""
    config = SynthConfig(fields=fields, seed=12345, imgsz=imgsz, domains=domains)
    with tempfile.TemporaryDirectory(prefix="bench_synth_") as tmp:
        prepare_output(Path(tmp), config)
        start, stamps, cpu = time.perf_counter(), [], []
        for result in write_fields(Path(tmp), config, workers):
            stamps.append(time.perf_counter() - start)
            cpu.append(result.cpu_s)
    skip = min(workers, fields - 2)
    steady = (fields - skip) / max(stamps[-1] - stamps[skip - 1] if skip else stamps[-1], 1e-9)
    startup = max(stamps[skip - 1] - skip / steady, 0.0) if skip else 0.0
    return startup, steady, float(statistics.mean(cpu[skip:]))  # first per worker builds the banks


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fields", type=int, default=60, help="fields timed per domain (default 60)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--imgsz", type=int, default=640)
    ap.add_argument("--domains", default="H_100x_C2,H_40x_C2,H_10x_C2,L_10x_C1", help="one per line of the table")
    ap.add_argument("--all-fields", type=int, default=24, help="fields for the all-12-domains run (0: skip)")
    args = ap.parse_args()

    render_field_set(SynthConfig(fields=1, imgsz=64, domains=tuple(parse_domains("all"))), 0)  # warm-up imports
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"synthesis benchmark: {args.imgsz}x{args.imgsz}, {args.workers} worker(s), {os.cpu_count()} CPU(s)")
    print(f"load average before: {load} (other processes share these CPUs)")
    print(
        f"{'domain':<12} {'fields':>6} {'start-up s':>10} {'fields/s':>9} {'1,000 fields':>12} "
        f"{'CPU s/field':>11} {'on idle cores':>13}   target < 120 s"
    )
    failed = False
    rows = [((d,), d.name, args.fields) for d in parse_domains(args.domains)]
    if args.all_fields:
        rows.append((tuple(parse_domains("all")), "all 12", args.all_fields))
    for domains, name, fields in rows:
        startup, rate, cpu = measure(domains, fields, args.workers, args.imgsz)
        projected = startup + PROJECT_FIELDS / rate
        idle = startup + PROJECT_FIELDS * cpu / args.workers
        verdict = "ok" if projected < TARGET_S else ("ok on idle cores" if idle < TARGET_S else "TOO SLOW")
        if len(domains) > 1:
            verdict = f"{12 * rate:.1f} images/s: 1,000 fields x 12 domains in one run"
        else:
            failed |= idle >= TARGET_S
        print(
            f"{name:<12} {fields:>6} {startup:>10.1f} {rate:>9.2f} {projected:>10.0f} s "
            f"{cpu:>11.3f} {idle:>11.0f} s   {verdict}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
