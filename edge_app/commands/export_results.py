"""`leuko export-results SLIDE`: the slide's results as JSON (+ model cards) and CSV, for another device."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from edge_app.commands.common import add_workspace_option, open_store
from edge_app.qa.results_file import export_slide, write_results
from edge_app.reporting.report_files import safe_name


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("export-results", help="a slide's detections as JSON (with model card) and CSV")
    parser.add_argument("slide", help="slide id in the workspace")
    parser.add_argument("--out", type=Path, help="JSON file to write (default ./results_SLIDE.json; CSV beside it)")
    parser.add_argument("--no-csv", action="store_true", help="write only the JSON")
    add_workspace_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        data = export_slide(store, args.slide)
    json_path = args.out or Path(f"results_{safe_name(args.slide)}.json")
    csv_path = None if args.no_csv else json_path.with_suffix(".csv")
    for path in write_results(data, json_path, csv_path):
        print(f"wrote {path}")
    print(f"{len(data['fields'])} fields, {sum(len(f['detections']['class_id']) for f in data['fields'])} cells")
    return 0
