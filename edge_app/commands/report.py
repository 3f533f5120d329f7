"""`leuko report SLIDE`: differential with 95% CIs, attributes, thumbnails, focus, stage log, model."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from edge_app.commands.common import add_workspace_option, open_store
from edge_app.reporting.report_data import build_slide_report
from edge_app.reporting.report_files import parse_formats, write_report


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("report", help="a slide report: HTML (self-contained), CSV, JSON")
    parser.add_argument("slide", help="slide id in the workspace")
    parser.add_argument("--format", default="html,csv,json", help="comma-separated: html,csv,json")
    parser.add_argument("--out", type=Path, default=Path("."), help="output folder (default: here)")
    add_workspace_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    formats = parse_formats(args.format)
    with open_store(args) as store:
        report = build_slide_report(store, args.slide)
        paths = write_report(report, args.out, formats)
    dominant = report.dominant
    print(f"slide {report.slide.code}: {len(report.fields)} fields, {report.cells} white cells"
          + (f", most frequent {dominant.label} {dominant.describe()}" if dominant else ""))
    for path in paths:
        print(f"wrote {path}")
    return 0
