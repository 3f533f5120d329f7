"""`leuko demo` (also plain `leuko`, and `make demo`): the app on its embedded default.

With a display: the desktop app on the bundled replay fields and the bundled demo model. Without
one (SSH, CI): says so and runs the headless equivalent — the bundled sample fields scanned into a
workspace with the demo model, then the slide report — printing where the report is.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from edge_app.commands.common import add_workspace_option
from edge_app.commands.live import has_display
from edge_app.commands.scan import follow_scan  # the same progress bar as `leuko scan`
from edge_app.pipeline.headless import SAMPLES_DIR, HeadlessOptions
from edge_app.reporting.report_data import build_slide_report
from edge_app.reporting.report_files import write_report
from edge_app.scan.setup import DEFAULT_PROFILE, prepare_scan
from edge_app.scan.workspace_scan import scan_into_workspace
from edge_app.store.store import ResultsStore
from edge_app.store.workspace import resolve_workspace

DEMO_SLIDE = "demo-samples"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("demo", help="the app on the bundled sample fields and demo model "
                                                "(headless scan + report when there is no display)")
    parser.add_argument("--headless", action="store_true", help="scan + report even when a display exists")
    parser.add_argument("--out", type=Path, default=Path("leuko-demo-report"),
                        help="folder for the headless report (default ./leuko-demo-report)")
    parser.add_argument("--model", help="model bundle folder (default: the bundled demo model)")
    add_workspace_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not args.headless:
        if has_display():
            from edge_app.ui.app import run_window  # PySide6 only when a window opens

            demo = HeadlessOptions(profile=DEFAULT_PROFILE, source=str(SAMPLES_DIR), model=args.model or "demo")
            return run_window(demo,
                              workspace=Path(args.workspace) if args.workspace else None)
        print("no display found (DISPLAY / WAYLAND_DISPLAY unset), so no window: running the headless demo instead "
              "(scan + report of the bundled sample fields)")
    return headless_demo(resolve_workspace(args.workspace), args.out, args.model)


def headless_demo(workspace: Path, out: Path, model: str | None = None) -> int:
    setup = prepare_scan(model=model)
    for warning in setup.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"model {setup.bundle.card.name} ({setup.file.backend}/{setup.file.precision}), profile {setup.profile.id}; "
          f"fields {SAMPLES_DIR}; workspace {workspace}")
    progress = follow_scan(scan_into_workspace(workspace, setup, SAMPLES_DIR, DEMO_SLIDE, workers=1))
    print(progress.summary())
    with ResultsStore(workspace) as store:
        report = build_slide_report(store, DEMO_SLIDE)
        paths = write_report(report, out)
    dominant = report.dominant
    print(f"slide {DEMO_SLIDE}: {len(report.fields)} fields, {report.cells} white cells"
          + (f", most frequent {dominant.label} {dominant.describe()}" if dominant else ""))
    html = next(p for p in paths if p.suffix == ".html")
    print(f"report: {html.resolve()}")
    return 0
