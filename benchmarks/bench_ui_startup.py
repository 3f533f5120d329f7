"""Desktop app startup: from launching the process to the first painted live frame with detections.

    .venv/bin/python benchmarks/bench_ui_startup.py [--runs 5] [--model demo] [--platform offscreen|xcb]

Each run starts a fresh Python process that does what `leuko live` does (imports, QApplication,
the main window with every tab, the pipeline opened in the background on the bundled sample fields
with the demo model) and reports the wall-clock moment the live view has painted its first frame
with detections (the view rendered, not just scheduled). The parent times from just before
spawning the process, so interpreter start and imports count. Target: median <= 3 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 3.0


def probe(model: str) -> None:
    """The child: start the app as `leuko live` does, print the time of the first painted frame, quit."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from edge_app.pipeline.headless import SAMPLES_DIR
    from edge_app.scan.setup import DEFAULT_PROFILE
    from edge_app.taxonomy import Taxonomy
    from edge_app.ui.live_setup import LiveChoice, open_live
    from edge_app.ui.main_window import MainWindow
    from edge_app.ui.workbench import add_workbench_tabs

    app = QApplication(sys.argv)
    workspace = Path(os.environ["LEUKO_WORKSPACE"])
    window = MainWindow(None, Taxonomy.leukemia_attri(), opener=open_live, workspace=workspace)
    add_workbench_tabs(window, workspace, Taxonomy.leukemia_attri())
    window.live.open(LiveChoice(source=str(SAMPLES_DIR), profile=DEFAULT_PROFILE, model=model))
    window.show()

    def painted() -> None:
        if window.view.detections is None or not len(window.view.detections):
            return
        window.view.grab()  # renders the view now: the frame is painted
        print(f"FIRST_FRAME {time.time():.6f} cells={len(window.view.detections)}", flush=True)
        window.result_shown.disconnect(painted)
        QTimer.singleShot(0, window.close)

    window.result_shown.connect(painted)
    QTimer.singleShot(60_000, app.quit)
    app.exec()


def one_run(model: str, platform: str, workspace: Path) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": platform, "LEUKO_WORKSPACE": str(workspace)}
    start = time.time()
    done = subprocess.run([sys.executable, __file__, "--probe", "--model", model], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    line = next((x for x in done.stdout.splitlines() if x.startswith("FIRST_FRAME")), None)
    if line is None:
        raise SystemExit(f"no frame painted (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    return float(line.split()[1]) - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--model", default="demo")
    parser.add_argument("--platform", default="offscreen", help="Qt platform: offscreen, or xcb under Xvfb/X11")
    parser.add_argument("--workspace", type=Path, default=REPO / "runs" / "bench" / "ui-startup")
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        probe(args.model)
        return
    args.workspace.mkdir(parents=True, exist_ok=True)
    times = []
    for i in range(args.runs):
        seconds = one_run(args.model, args.platform, args.workspace)
        times.append(seconds)
        print(f"run {i + 1}: {seconds:.2f} s from process start to the first painted frame with detections")
    median = statistics.median(times)
    verdict = "met" if median <= TARGET_S else "NOT met"
    print(f"startup to first painted frame: median {median:.2f} s, min {min(times):.2f} s, max {max(times):.2f} s "
          f"over {len(times)} runs ({args.platform}, model {args.model}); target <= {TARGET_S:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
