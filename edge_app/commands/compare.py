"""`leuko compare A B`: QA of B against A (mAP, counts, attributes, worst images); HTML + JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from edge_app.commands.common import add_workspace_option
from edge_app.errors import StoreError
from edge_app.qa.compare import GATE_METRICS, compare_sets
from edge_app.qa.compare_html import render_compare_html
from edge_app.qa.resolve import resolve_result_set
from edge_app.store.store import ResultsStore
from edge_app.store.workspace import resolve_workspace

SPEC_HELP = "slide:ID (or a slide id) in the workspace, a results .json, or a labelled dataset folder / data.yaml"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("compare", help="compare two result sets (slides, results files, datasets)")
    parser.add_argument("a", metavar="A", help=f"the reference: {SPEC_HELP}")
    parser.add_argument("b", metavar="B", help="the candidate, same forms as A")
    parser.add_argument("--truth", help="a labelled dataset: score A and B against it (drop = mAP(A) - mAP(B))")
    parser.add_argument("--split", help="dataset split (default: test, else val, else train)")
    parser.add_argument("--worst", type=int, default=8, help="how many worst images to show (default 8)")
    parser.add_argument("--out", type=Path, default=Path("compare"), help="output folder (default ./compare)")
    parser.add_argument("--max-map-drop", type=float, metavar="X",
                        help="exit 1 when B's mAP is below A's by more than X (see --gate-metric)")
    parser.add_argument("--gate-metric", choices=GATE_METRICS, default="mAP50")
    add_workspace_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    store = _store_if_needed(args)
    try:
        a, b = (resolve_result_set(s, store, args.split) for s in (args.a, args.b))
        truth = resolve_result_set(args.truth, store, args.split) if args.truth else None
        comparison = compare_sets(a, b, truth, args.worst)
    finally:
        if store is not None:
            store.close()
    _write(args.out, comparison.to_dict(), render_compare_html(comparison))
    drop = comparison.map_drop(args.gate_metric)
    d = comparison.detection
    print(f"{comparison.pairing.candidate.label} vs {comparison.pairing.reference.label}: "
          f"{len(comparison.pairing.pairs)} images, mAP50 {d.map50:.3f}, mAP50-95 {d.map50_95:.3f}, "
          f"attribute accuracy {comparison.attributes.mean_accuracy:.3f}, {args.gate_metric} drop {drop:.3f}")
    print(f"wrote {args.out / 'compare.html'} and {args.out / 'compare.json'}")
    if args.max_map_drop is not None and drop > args.max_map_drop:
        print(f"FAIL: {args.gate_metric} drop {drop:.3f} > --max-map-drop {args.max_map_drop}")
        return 1
    return 0


def _store_if_needed(args: argparse.Namespace) -> ResultsStore | None:
    """Open the workspace only when an argument may name a slide (datasets and files need none)."""
    specs = [s for s in (args.a, args.b, args.truth) if s]
    if all(Path(s).exists() for s in specs):
        return None
    return ResultsStore(resolve_workspace(args.workspace))


def _write(out: Path, data: dict[str, Any], html: str) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / "compare.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
        (out / "compare.html").write_text(html, encoding="utf-8")
    except OSError as exc:
        raise StoreError(f"cannot write the comparison: {exc.strerror}", where=str(out),
                         hint="choose another --out folder") from None
