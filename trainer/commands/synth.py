"""`leuko-train synth` and `leuko-train synth-compare`: synthetic multi-domain smear fields.

    leuko-train synth --out OUT --domains all --fields 50 --seed 1 [--imgsz 640] [--workers N]
    leuko-train synth-compare --bccd ../shared/data/bccd --out runs/synth_vs_bccd.png [--seed S]

The work is done by `edge_app.synth`; this module only parses, checks and reports.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

from tqdm import tqdm

from edge_app.domains import parse_domains
from edge_app.errors import ValidationError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "synth",
        help="render synthetic blood-film fields for the 12 imaging domains",
        description="Render N synthetic peripheral-blood-film fields, each photographed in every requested "
        "domain ({H|L}_{10x|40x|100x}_{C1|C2}); writes OUT/<domain>/{images,labels}/{train,val,test} and "
        "OUT/<domain>/data.yaml. The same seed gives the same dataset for any --workers.",
    )
    p.add_argument("--out", required=True, type=Path, help="output folder (one sub-folder per domain)")
    p.add_argument("--domains", default="all", help="'all' or a comma-separated list, e.g. H_100x_C2,L_100x_C2")
    p.add_argument("--fields", type=int, default=50, help="fields per domain (default 50)")
    p.add_argument("--seed", type=int, default=0, help="random seed (non-negative, default 0)")
    p.add_argument("--imgsz", type=int, default=640, help="square image size in pixels (default 640)")
    p.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 8), help="processes (default: CPUs)")
    p.add_argument(
        "--unannotated-rate", type=float, default=0.03, help="share of attribute values left 'not annotated' (2)"
    )
    p.add_argument(
        "--wbc-enrichment", type=float, default=1.0,
        help="multiply each slide's WBC density (default 1 = as in blood; 3 gives training sets ~3x the cells "
        "per field at the same image count)",
    )  # fmt: skip
    p.add_argument("--overwrite", action="store_true", help="replace existing domain folders under --out")
    p.set_defaults(run=run_synth)

    c = subparsers.add_parser(
        "synth-compare",
        help="real BCCD fields next to synthetic ones, as one PNG (a realism check by eye)",
    )
    c.add_argument("--bccd", required=True, type=Path, help="BCCD folder (holding JPEGImages/)")
    c.add_argument("--out", type=Path, default=Path("runs/synth_vs_bccd.png"), help="PNG to write")
    c.add_argument("--seed", type=int, default=0, help="which synthetic fields (and which BCCD images)")
    c.add_argument("--count", type=int, default=4, help="images per row (default 4)")
    c.set_defaults(run=run_compare)


def run_synth(args: argparse.Namespace) -> int:
    from edge_app.synth.dataset import SynthConfig, synthesize

    config = SynthConfig(
        fields=args.fields,
        seed=args.seed,
        imgsz=args.imgsz,
        domains=tuple(parse_domains(args.domains)),
        unannotated_rate=args.unannotated_rate,
        wbc_enrichment=args.wbc_enrichment,
    )
    workers = max(1, min(args.workers, args.fields)) if args.workers >= 1 else args.workers
    start = time.perf_counter()
    labels = 0
    results = synthesize(args.out, config, workers=workers, overwrite=args.overwrite)
    for result in tqdm(results, total=config.fields, desc="synth", unit="field"):
        labels += sum(result.labels.values())
    seconds = time.perf_counter() - start
    names = ", ".join(d.name for d in config.domains)
    print(f"wrote {config.fields} fields x {len(config.domains)} domains ({names}) to {args.out}")
    print(f"{labels} labelled objects, {seconds:.1f} s ({config.fields / seconds:.2f} fields/s, {workers} workers)")
    return 0


def run_compare(args: argparse.Namespace) -> int:
    from edge_app.synth.compare import write_comparison

    if args.count < 1 or args.count > 8:
        raise ValidationError(f"--count must be between 1 and 8, got {args.count}")
    if args.seed < 0:
        raise ValidationError(f"--seed must be a non-negative integer, got {args.seed}")
    path = write_comparison(args.bccd, args.out, seed=args.seed, count=args.count)
    print(f"wrote {path}")
    return 0
