"""Screenshots of every main screen of the desktop app, at the Pi touchscreen's and a laptop's size.

    xvfb-run -a -s "-screen 0 1280x800x24" python -m edge_app.ui.screenshots [--out runs/screenshots]
        [--model demo] [--sizes 1280x800,800x480]

(`make screenshots` runs exactly that; Debian needs `xvfb` and Qt's xcb libraries, see docs/desktop_app.md.)
It drives the real app the way a technician would: the bundled sample fields replayed live through the
demo model, a cell clicked, a field captured with its stage position, the same fields batch-scanned,
the review gallery, FP32 against INT8 in the QA tab (both scans made first), and the reports list.
Each screen is written as `<screen>_<W>x<H>.png`; the workspace used sits beside them.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from edge_app.errors import LeukoError
from edge_app.pipeline.headless import SAMPLES_DIR
from edge_app.scan.setup import DEFAULT_PROFILE, prepare_scan
from edge_app.scan.workspace_scan import scan_into_workspace
from edge_app.taxonomy import Taxonomy
from edge_app.ui.live_setup import LiveChoice, open_live
from edge_app.ui.main_window import MainWindow
from edge_app.ui.qa_tab import QaTab
from edge_app.ui.reports_tab import ReportsTab
from edge_app.ui.review_tab import ReviewTab
from edge_app.ui.scan_tab import ScanTab
from edge_app.ui.workbench import add_workbench_tabs

REFERENCE, DEVICE = "samples-fp32", "samples-int8"


def wait_until(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise LeukoError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        QApplication.processEvents()
        time.sleep(0.02)


def settle(seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.02)


def tab(window: MainWindow, kind: type[QWidget]) -> QWidget:
    for i in range(window.tabs.count()):
        widget = window.tabs.widget(i)
        if isinstance(widget, kind):
            window.tabs.setCurrentIndex(i)
            return widget
    raise LeukoError(f"the window has no {kind.__name__}")


def scan_reference_and_device(workspace: Path, model: str, device_precision: str) -> None:
    """The bundled fields through FP32 (reference) and INT8 (device), for the QA tab to compare."""
    for slide, precision in ((REFERENCE, "fp32"), (DEVICE, device_precision)):
        setup = prepare_scan(DEFAULT_PROFILE, model, "onnxruntime", precision)
        for _ in scan_into_workspace(workspace, setup, SAMPLES_DIR, slide, workers=1):
            pass


def shoot(window: MainWindow, out: Path, screen: str, size: tuple[int, int], settle_s: float = 0.3) -> Path:
    settle(settle_s)
    path = out / f"{screen}_{size[0]}x{size[1]}.png"
    if not window.grab().save(str(path)):
        raise LeukoError(f"could not write {path}")
    print(f"wrote {path}")
    return path


def screens_at(size: tuple[int, int], workspace: Path, model: str, out: Path) -> None:
    taxonomy = Taxonomy.leukemia_attri()
    window = MainWindow(None, taxonomy, opener=open_live, workspace=workspace)
    add_workbench_tabs(window, workspace, taxonomy)
    window.resize(*size)
    window.show()
    try:
        window.live.open(LiveChoice(source=str(SAMPLES_DIR), profile=DEFAULT_PROFILE, model=model))
        show_a_frame_with_cells(window, click=True)
        shoot(window, out, "live", size, settle_s=0)
        capture_a_field(window)
        window.live.side.setCurrentWidget(window.live.counts)
        show_a_frame_with_cells(window, click=False)
        shoot(window, out, "live_captured", size, settle_s=0)

        window.live.timer.start()
        scan = tab(window, ScanTab)
        assert isinstance(scan, ScanTab)
        scan.target.setText(str(SAMPLES_DIR))
        scan.slide.setText(f"scan-{size[0]}x{size[1]}")
        scan.model.setText(model)
        scan.start()
        wait_until(lambda: not scan.tasks.busy and scan.last_progress is not None, 300, "the batch scan")
        shoot(window, out, "scan", size)

        review = tab(window, ReviewTab)
        assert isinstance(review, ReviewTab)
        review.slide.setCurrentText(REFERENCE)
        review.load()
        wait_until(lambda: review.gallery.count() > 0, 60, "the review gallery")
        shoot(window, out, "review", size)

        qa = tab(window, QaTab)
        assert isinstance(qa, QaTab)
        qa.a.set_spec(f"slide:{REFERENCE}")
        qa.b.set_spec(f"slide:{DEVICE}")
        qa.compare()
        wait_until(lambda: qa.result is not None and not qa.tasks.busy, 120, "the comparison")
        shoot(window, out, "qa", size)
        qa.pages.setCurrentIndex(qa.pages.count() - 1)
        shoot(window, out, "qa_worst", size)

        reports = tab(window, ReportsTab)
        assert isinstance(reports, ReportsTab)
        reports.refresh()
        wait_until(lambda: bool(reports.slides) and not reports.tasks.busy, 30, "the slide list")
        reports.select(REFERENCE)
        shoot(window, out, "reports", size)
    finally:
        window.close()


def show_a_frame_with_cells(window: MainWindow, click: bool) -> None:
    """Wait until the painted frame has cells (a replay moves on); click its most confident one."""
    def painted_with_cells() -> bool:
        dets = window.view.detections
        return dets is not None and len(dets) > 0
    wait_until(painted_with_cells, 120, "a live frame with detected cells")
    dets = window.view.detections
    assert dets is not None
    if click:
        x1, y1, x2, y2 = (float(v) for v in dets.xyxy[int(dets.score.argmax())])
        window.view.clicked.emit((x1 + x2) / 2, (y1 + y2) / 2)  # what a click on the cell sends
    window.live.timer.stop()  # hold this frame on screen for the picture
    window.view.repaint()


def capture_a_field(window: MainWindow) -> None:
    """Start a slide, type a stage position, capture: the Live tab's capture path, as a user does it."""
    live = window.live
    panel = live.stage_panel
    panel.slide.setText("S-demo")
    panel.sample.setText("P-0001")
    panel.start_button.click()
    wait_until(lambda: live.session.slide_code is not None, 30, "the slide session")
    panel.stage.setText("32.4, 12.8")
    window.live.timer.start()
    panel.capture_button.click()
    try:
        wait_until(lambda: live.session.tally.fields >= 1, 30, "the captured field")
    except LeukoError as exc:
        raise LeukoError(f"{exc}; the stage panel says: {panel.message.text()!r}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m edge_app.ui.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("runs/screenshots"))
    parser.add_argument("--model", default="demo", help="model bundle folder or bundled name (default: demo)")
    parser.add_argument("--sizes", default="1280x800,800x480")
    parser.add_argument("--device-precision", default="int8", help="what the QA tab compares with FP32")
    args = parser.parse_args(argv)
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    app = QApplication.instance() or QApplication(sys.argv)
    print(f"Qt platform: {app.platformName()}")  # type: ignore[attr-defined]
    workspace = args.out / "workspace"
    shutil.rmtree(workspace, ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        scan_reference_and_device(workspace, args.model, args.device_precision)
        for size in sizes:
            screens_at((size[0], size[1]), workspace, args.model, args.out)
    except LeukoError as exc:
        print(f"screenshots: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
