"""`run_window`: `leuko live` with a window — the same setup as the headless run, shown in Qt."""

from __future__ import annotations

import sys

from edge_app.pipeline.headless import HeadlessOptions, open_live_source
from edge_app.pipeline.live import LivePipeline
from edge_app.scan.setup import prepare_scan


def run_window(options: HeadlessOptions) -> int:
    from PySide6.QtWidgets import QApplication

    from edge_app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    setup = prepare_scan(options.profile, options.model, options.backend, options.precision)
    source = open_live_source(options, setup)
    detector = setup.make_detector(options.threads)
    pipeline = LivePipeline(source, detector, thresholds=setup.thresholds, warm_up_runs=1).start()
    window = MainWindow(pipeline, setup.bundle.card.taxonomy)
    window.show()
    try:
        return int(app.exec())
    finally:
        pipeline.stop()
