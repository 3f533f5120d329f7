"""`MainWindow`: live view + status bar, fed by a running `LivePipeline` (polled on the UI
thread; capture and inference stay on the pipeline's own threads)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow

from edge_app.overlay.annotators import Overlay
from edge_app.pipeline.live import LivePipeline
from edge_app.pipeline.result import LiveResult
from edge_app.taxonomy import Taxonomy
from edge_app.ui.cell_details import cell_at, cell_details_text
from edge_app.ui.live_view import LiveView

POLL_MS = 30


class MainWindow(QMainWindow):
    result_shown = Signal(object)  # the LiveResult just painted

    def __init__(self, pipeline: LivePipeline, taxonomy: Taxonomy) -> None:
        super().__init__()
        self.setWindowTitle("Leuko")
        self.pipeline = pipeline
        self.view = LiveView(Overlay(taxonomy))
        self.setCentralWidget(self.view)
        self.taxonomy = taxonomy
        self.details = QLabel("click a cell")
        dock = QDockWidget("Cell", self)
        dock.setWidget(self.details)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.view.clicked.connect(self.show_cell)
        self.status = QLabel("starting…")
        self.statusBar().addWidget(self.status)
        self._last: LiveResult | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.poll)
        self.timer.start(POLL_MS)
        self.resize(800, 480)

    def poll(self) -> None:
        result = self.pipeline.latest_result()
        if result is None or result is self._last:
            return
        self._last = result
        self.view.show_frame(result.frame.image, result.detections)
        self.status.setText(status_text(result))
        self.result_shown.emit(result)

    def show_cell(self, x: float, y: float) -> None:
        dets = self.view.detections
        i = cell_at(dets, x, y) if dets is not None else None
        if dets is None or i is None:
            self.details.setText("no cell there")
            return
        self.details.setText(cell_details_text(self.taxonomy, dets, i))

    def closeEvent(self, event: object) -> None:
        self.timer.stop()
        self.pipeline.stop()
        super().closeEvent(event)  # type: ignore[arg-type]


def status_text(result: LiveResult) -> str:
    s = result.stats
    text = (f"{s.fps:.1f} FPS  |  infer {result.detect_ms:.0f} ms  |  dropped {s.dropped}"
            f"  |  cells {len(result.detections)}")
    if result.quality is not None and result.quality.problems:
        text += "  |  " + ", ".join(result.quality.problems)
    return text
