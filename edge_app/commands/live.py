"""`leuko live --headless`: the live pipeline without a window (SSH, kiosk), status lines + summary.

Without `--headless` it opens the desktop app (`edge_app/ui/app.py`).
Everything else is `edge_app.pipeline.headless.run_headless`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from edge_app.commands.common import add_workspace_option
from edge_app.errors import ConfigError
from edge_app.pipeline.headless import HeadlessOptions, run_headless


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("live", help="live detection on a camera, stream, recording or the virtual microscope")
    p.add_argument("--headless", action="store_true", help="no window: print FPS/latency and a summary")
    p.add_argument("--profile", help="firmware profile id (default: the demo model's profile)")
    p.add_argument("--source", help="camera index, /dev/videoN, picamera2, http(s)/rtsp URL, folder, video, "
                                    "camera id or virtual[:DOMAIN|PROFILE] (default: the bundled sample fields)")
    p.add_argument("--model", help="model bundle folder or bundled name (default: the profile's model)")
    p.add_argument("--backend", default="auto", choices=("auto", "onnxruntime", "openvino"))
    p.add_argument("--precision", default="auto", choices=("auto", "fp32", "fp16", "int8"))
    p.add_argument("--threads", type=int, help="inference threads per worker (default: cores // workers; "
                                               "the runtime's choice with one worker)")
    p.add_argument("--infer-workers", type=int, metavar="N", help="inference workers, each with its own backend "
                                                                  "(default: 2 with >= 2 cores, else 1)")
    p.add_argument("--max-frames", type=int, metavar="N", help="stop after N detected frames")
    p.add_argument("--fps", type=float, help="frame rate of a replay or the virtual microscope, or asked of a "
                                             "camera (default: its own; 15 for recordings; 0: as fast as read)")
    p.add_argument("--loop", action="store_true", help="replay a folder or video in a loop")
    p.add_argument("--record", type=Path, metavar="DIR", help="write frames/*.jpg + results.jsonl (detections, "
                                                              "stage, focus, timing) to DIR")
    p.add_argument("--record-overlay", action="store_true", help="with --record: also annotated/*.jpg")
    p.add_argument("--report-every", type=float, default=5.0, metavar="S", help="status line period (s)")
    add_workspace_option(p)  # where the window's captured fields go
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.max_frames is not None and args.max_frames < 1:
        raise ConfigError(f"--max-frames must be at least 1, got {args.max_frames}")
    if args.infer_workers is not None and args.infer_workers < 1:
        raise ConfigError(f"--infer-workers must be at least 1, got {args.infer_workers}")
    options = HeadlessOptions(
        profile=args.profile, source=args.source, model=args.model, backend=args.backend,
        precision=args.precision, max_frames=args.max_frames, record=args.record,
        record_overlay=args.record_overlay, fps=args.fps, loop=args.loop, threads=args.threads,
        infer_workers=args.infer_workers, report_every_s=args.report_every,
    )
    if not args.headless:
        if not has_display():
            raise ConfigError("no display to open the live window on",
                              hint="run `leuko live --headless` (status lines in the terminal), or start a desktop")
        from edge_app.ui.app import run_window  # PySide6 only when a window is asked for

        return run_window(options, workspace=Path(args.workspace) if args.workspace else None)
    summary = run_headless(options)
    if summary.error is not None:
        raise summary.error
    return 0


def has_display() -> bool:
    """A window can open: not Linux, or an X11/Wayland display is set (offscreen Qt is for tests)."""
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
