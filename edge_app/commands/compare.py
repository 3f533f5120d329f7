"""`leuko compare A B`: QA of B against A (mAP, counts, attributes, worst images); HTML + JSON."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from edge_app.commands.common import add_workspace_option
from edge_app.qa.compare import GATE_METRICS
from edge_app.qa.compare_run import DEFAULT_WORST, compare_specs, write_comparison

SPEC_HELP = "slide:ID (or a slide id) in the workspace, a results .json, or a labelled dataset folder / data.yaml"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("compare", help="compare two result sets (slides, results files, datasets)")
    parser.add_argument("a", metavar="A", help=f"the reference: {SPEC_HELP}")
    parser.add_argument("b", metavar="B", help="the candidate, same forms as A")
    parser.add_argument("--truth", help="a labelled dataset: score A and B against it (drop = mAP(A) - mAP(B))")
    parser.add_argument("--split", help="dataset split (default: test, else val, else train)")
    parser.add_argument("--worst", type=int, default=DEFAULT_WORST,
                        help=f"how many worst images to show (default {DEFAULT_WORST})")
    parser.add_argument("--out", type=Path, default=Path("compare"), help="output folder (default ./compare)")
    parser.add_argument("--max-map-drop", type=float, metavar="X",
                        help="exit 1 when B's mAP is below A's by more than X (see --gate-metric)")
    parser.add_argument("--gate-metric", choices=GATE_METRICS, default="mAP50")
    add_workspace_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    comparison = compare_specs(args.a, args.b, args.truth, workspace=args.workspace, split=args.split,
                               worst=args.worst)
    html, data = write_comparison(comparison, args.out)
    drop = comparison.map_drop(args.gate_metric)
    d = comparison.detection
    print(f"{comparison.pairing.candidate.label} vs {comparison.pairing.reference.label}: "
          f"{len(comparison.pairing.pairs)} images, agreement with A: mAP50 {d.map50:.3f}, mAP50-95 {d.map50_95:.3f}, "
          f"attribute accuracy {comparison.attributes.mean_accuracy:.3f}")
    if comparison.truth_maps:
        a, b = (comparison.metric(comparison.truth_maps[k], args.gate_metric) for k in ("A", "B"))
        print(f"against {args.truth}: {args.gate_metric} A {a:.3f}, B {b:.3f}, drop {drop:.3f}")
    else:
        print(f"{args.gate_metric} drop (1 - agreement) {drop:.3f}")
    print(f"wrote {html} and {data}")
    if args.max_map_drop is not None and drop > args.max_map_drop:
        print(f"FAIL: {args.gate_metric} drop {drop:.3f} > --max-map-drop {args.max_map_drop}")
        return 1
    return 0
