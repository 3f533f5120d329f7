"""`leuko export-labels SLIDE... --out DIR`: reviewed cells as a LeukemiaAttri-format dataset for
`leuko-train train` (the loop from the clinic back to a better model)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from edge_app.commands.common import add_workspace_option, open_store
from edge_app.review.export_labels import export_labels, slides_taxonomy


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export-labels", help="reviewed cells of slides as a LeukemiaAttri-format training dataset",
        description="Write the fully reviewed fields of the slides (every cell confirmed, corrected or rejected "
                    "in the Review tab) as images + label files + data.yaml that `leuko-train train --data` takes.")
    parser.add_argument("slides", nargs="+", metavar="SLIDE", help="slide id(s) in the workspace")
    parser.add_argument("--out", type=Path, required=True, help="new (or empty) folder for the dataset")
    parser.add_argument("--val-fraction", type=float, default=0.2, help="share of fields held out for validation")
    add_workspace_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        taxonomy = slides_taxonomy(store, args.slides)
        result = export_labels(store, args.slides, args.out, taxonomy, args.val_fraction)
    for line in result.summary_lines():
        print(line)
    if result.check is not None:
        for problem in result.check.errors:
            print(f"  {problem}")
        return 1 if result.check.errors else 0
    return 0
