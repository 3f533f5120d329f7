"""`leuko scan FOLDER|VIDEO --slide ID`: every field through the model into the workspace."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from edge_app.commands.common import add_workspace_option
from edge_app.scan.progress import ScanProgress
from edge_app.scan.setup import DEFAULT_PROFILE, prepare_scan
from edge_app.scan.workspace_scan import DEFAULT_WORKERS, scan_into_workspace
from edge_app.store.workspace import resolve_workspace

BAR_FORMAT = "{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}{postfix}]"  # our fields/s and ETA, not tqdm's


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("scan", help="scan a folder of field images or a video into a slide (resumable)")
    parser.add_argument("target", type=Path, metavar="FOLDER|VIDEO", help="field images folder, an image or a video")
    parser.add_argument("--slide", required=True, help="slide id (as written on the slide label)")
    parser.add_argument("--sample", default="", help="patient / sample code of the slide")
    parser.add_argument("--profile", help=f"microscope profile (default {DEFAULT_PROFILE})")
    parser.add_argument("--model", help="model bundle folder (default: the profile's model, the bundled demo)")
    parser.add_argument("--backend", default="auto", choices=("auto", "onnxruntime", "openvino"))
    parser.add_argument("--precision", default="auto", choices=("auto", "int8", "fp16", "fp32"))
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS,
                        help=f"inference threads, each with its own backend (default {DEFAULT_WORKERS}; "
                             "see docs/scan_report_compare.md for the measurement)")
    add_workspace_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    setup = prepare_scan(args.profile, args.model, args.backend, args.precision)
    for warning in setup.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"model {setup.bundle.card.bundle_id} ({setup.file.backend}/{setup.file.precision}), "
          f"profile {setup.profile.id} ({setup.profile.domain}), {args.workers} worker(s)")
    progress = follow_scan(scan_into_workspace(resolve_workspace(args.workspace), setup, args.target, args.slide,
                                               sample_code=args.sample, workers=args.workers))
    for line in progress.unsupported + progress.failed:
        print(f"skipped {line}", file=sys.stderr)
    print(progress.summary())
    return 0


def follow_scan(events: Any) -> ScanProgress:
    progress: ScanProgress | None = None
    with tqdm(unit="field", dynamic_ncols=True, bar_format=BAR_FORMAT) as bar:
        for progress in events:
            bar.total = progress.total
            bar.n = progress.done
            bar.set_postfix_str(progress.rate_text(), refresh=False)
            bar.refresh()
    assert progress is not None
    return progress
