"""The main window on the replay source: frames arrive, detections are painted, status shows."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QPoint, Qt

from edge_app.detections import Detections
from edge_app.pipeline.headless import SAMPLES_DIR
from edge_app.pipeline.live import LivePipeline
from edge_app.sources.factory import build_source
from edge_app.taxonomy import Taxonomy
from edge_app.ui.main_window import MainWindow
from tests.test_sources_support import no_thread_left  # noqa: F401  (fails tests that leave threads running)


def one_cell(image: np.ndarray) -> Detections:
    tax = Taxonomy.leukemia_attri()
    a = len(tax.attributes)
    prob = np.full((1, a, 2), 0.5, dtype=np.float32)
    return Detections(np.array([[10, 10, 60, 60]], np.float32), np.array([3]), np.array([0.9], np.float32), prob)


def test_window_paints_replay_detections(qtbot) -> None:
    source = build_source(str(SAMPLES_DIR), fps=30.0, loop=True)
    pipeline = LivePipeline(source, one_cell, warm_up_runs=0).start()
    window = MainWindow(pipeline, Taxonomy.leukemia_attri())
    qtbot.addWidget(window)
    try:
        with qtbot.waitSignal(window.result_shown, timeout=10000) as blocker:
            pass
        result = blocker.args[0]
        assert len(result.detections) == 1
        assert window.view.detections is not None and len(window.view.detections) == 1
        assert "FPS" in window.status.text()
        rect = window.view.image_rect()
        assert not rect.isEmpty()
        scale = rect.width() / result.frame.image.shape[1]
        point = QPoint(int(rect.x() + 35 * scale), int(rect.y() + 35 * scale))
        qtbot.mouseClick(window.view, Qt.MouseButton.LeftButton, pos=point)
        text = window.details.text()
        assert "Neutrophil" in text and "0.90" in text and "nuclear chromatin" in text
    finally:
        window.close()
        pipeline.stop()


def test_live_is_the_first_tab_and_other_tabs_are_added_beside_it(qtbot, tmp_path) -> None:
    from PySide6.QtWidgets import QLabel

    from edge_app.errors import StoreError

    window = MainWindow(None, Taxonomy.leukemia_attri(), workspace=tmp_path)
    qtbot.addWidget(window)
    try:
        window.add_tab(QLabel("scan"), "Scan")
        window.add_tab(QLabel("reports"), "Reports")
        assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["Live", "Scan", "Reports"]
        assert window.tabs.widget(0) is window.live and window.view is window.live.view
        window.show_error(StoreError("disk full", where="/ws/leuko.sqlite", hint="free some space"))
        assert "/ws/leuko.sqlite: disk full" in window.banner.text() and "free some space" in window.banner.text()
    finally:
        window.close()


def test_the_command_line_wins_over_the_remembered_choice() -> None:
    from edge_app.pipeline.headless import HeadlessOptions
    from edge_app.ui.app import choice_from
    from edge_app.ui.live_setup import LiveChoice

    remembered = LiveChoice("0", "cx23-phone-100x", "/models/a", "openvino", "int8")
    assert choice_from(HeadlessOptions(), remembered) == remembered
    given = HeadlessOptions(source="http://10.0.0.2/video", profile="xsz107bn-zzcat-40x", backend="onnxruntime")
    assert choice_from(given, remembered) == LiveChoice("http://10.0.0.2/video", "xsz107bn-zzcat-40x", "/models/a",
                                                        "onnxruntime", "int8")
