"""The live tab on the replay source: threshold, attribute choice, cell crop, pipeline rebuild off
the UI thread, error banner, "reconnecting" from a faulty camera, settings, 800x480 layout."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QPoint, Qt

from edge_app.detections import Detections
from edge_app.errors import ModelError
from edge_app.pipeline.headless import SAMPLES_DIR
from edge_app.pipeline.live import LivePipeline
from edge_app.pipeline.result import LiveResult
from edge_app.sources.base import FrameSource
from edge_app.sources.events import EventSink
from edge_app.sources.factory import build_source
from edge_app.sources.faulty_source import FaultySource
from edge_app.sources.reconnect import BackOff, ReconnectingSource
from edge_app.taxonomy import Taxonomy
from edge_app.ui.live_setup import LiveChoice, LiveContext
from edge_app.ui.main_window import MainWindow
from edge_app.ui.settings import LiveSettings
from tests.test_sources_support import no_thread_left  # noqa: F401  (fails tests that leave threads running)

TAXONOMY = Taxonomy.leukemia_attri()


def two_cells(image: np.ndarray) -> Detections:
    """A sure neutrophil (0.9) and a doubtful myeloblast (0.3), attribute value 1 at 0.8."""
    a = len(TAXONOMY.attributes)
    prob = np.zeros((2, a, 2), np.float32)
    prob[:, :, 0], prob[:, :, 1] = 0.2, 0.8
    boxes = np.array([[10, 10, 60, 60], [100, 100, 150, 140]], np.float32)
    return Detections(boxes, np.array([3, 1]), np.array([0.9, 0.3], np.float32), prob)


def replay(source: FrameSource | None = None, detect: Callable[[np.ndarray], Detections] = two_cells,
           on_event: EventSink | None = None) -> LivePipeline:
    source = source or build_source(str(SAMPLES_DIR), fps=30.0, loop=True)
    return LivePipeline(source, detect, warm_up_runs=0, on_event=on_event).start()


class FakeOpener:
    """Opens replay pipelines with `two_cells`; remembers each choice and the thread it ran on."""

    def __init__(self, make_source: Callable[[LiveChoice], FrameSource] | None = None) -> None:
        self.choices: list[LiveChoice] = []
        self.threads: list[int] = []
        self.make_source = make_source

    def __call__(self, choice: LiveChoice, on_event: EventSink) -> LiveContext:
        self.choices.append(choice)
        self.threads.append(threading.get_ident())
        source = self.make_source(choice) if self.make_source else None
        return LiveContext.around(replay(source, on_event=on_event), TAXONOMY, choice.profile)


@pytest.fixture
def settings(tmp_path: Path) -> LiveSettings:
    return LiveSettings.ini_file(tmp_path / "leuko.ini")


@pytest.fixture
def open_window(qtbot, tmp_path: Path) -> Iterator[Callable[..., MainWindow]]:
    """`open_window(pipeline, **kwargs)`: a MainWindow closed (pipelines stopped) after the test."""
    windows: list[MainWindow] = []

    def make(pipeline: LivePipeline | None = None, **kwargs: object) -> MainWindow:
        kwargs.setdefault("workspace", tmp_path / "ws")
        window = MainWindow(pipeline, TAXONOMY, **kwargs)  # type: ignore[arg-type]
        qtbot.addWidget(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
        window.live.shutdown()


def first_result(qtbot, window: MainWindow) -> LiveResult:
    with qtbot.waitSignal(window.result_shown, timeout=10000) as blocker:
        pass
    return blocker.args[0]


def click_frame_point(qtbot, window: MainWindow, x: float, y: float, width: int) -> None:
    rect = window.view.image_rect()
    scale = rect.width() / width
    qtbot.mouseClick(window.view, Qt.MouseButton.LeftButton, pos=QPoint(int(rect.x() + x * scale),
                                                                         int(rect.y() + y * scale)))


def test_threshold_slider_changes_what_is_painted_and_counted(qtbot, open_window) -> None:
    window = open_window(replay())
    first_result(qtbot, window)
    live = window.live
    assert len(window.view.detections) == 2  # default threshold 0.25
    assert {r.label: r.in_frame for r in live.counts.rows} == {"Neutrophil": 1, "Myeloblast": 1}
    live.controls.slider.setValue(50)
    assert live.threshold == 0.5
    assert len(window.view.detections) == 1 and int(window.view.detections.class_id[0]) == 3
    assert {r.label: r.in_frame for r in live.counts.rows} == {"Neutrophil": 1}
    assert "cells 1" in window.status.text()
    first_result(qtbot, window)  # later frames are filtered too
    assert len(window.view.detections) == 1


def test_click_shows_class_attributes_and_a_zoomed_crop(qtbot, open_window) -> None:
    window = open_window(replay())
    result = first_result(qtbot, window)
    click_frame_point(qtbot, window, 35, 35, result.frame.image.shape[1])
    text = window.details.text()
    assert "Neutrophil" in text and "0.90" in text
    for attribute in TAXONOMY.attributes:
        assert attribute.name.replace("_", " ") in text
    assert "(0.80)" in text
    crop = window.live.cell.crop.pixmap()
    assert crop is not None and not crop.isNull() and crop.width() > 50
    click_frame_point(qtbot, window, 300, 5, result.frame.image.shape[1])
    assert window.details.text() == "no cell there"


def test_attribute_checkboxes_choose_the_overlay_badges(qtbot, open_window, settings) -> None:
    window = open_window(replay(), settings=settings)
    first_result(qtbot, window)
    actions = window.live.controls.attribute_actions
    assert list(actions) == [a.name for a in TAXONOMY.attributes]
    for name, action in actions.items():
        action.setChecked(name == "nucleolus")
    overlay = window.view.overlay
    assert list(overlay.shown_attributes or []) == ["nucleolus"]
    badge = overlay.annotators[2]
    assert list(badge.shown) == ["nucleolus"]  # type: ignore[attr-defined]
    assert settings.shown_attributes() == ["nucleolus"]


def test_changing_the_source_rebuilds_the_pipeline_off_the_ui_thread(qtbot, open_window) -> None:
    first = replay()
    opener = FakeOpener()
    window = open_window(first, opener=opener)
    first_result(qtbot, window)
    controls = window.live.controls
    assert controls.profile.currentText() == "xsz107bn-zzcat-100x"  # the running pipeline's profile
    controls.show_setup(True)
    controls.source.setEditText(str(SAMPLES_DIR))
    controls.backend.setCurrentText("onnxruntime")
    with qtbot.waitSignal(window.live.context_changed, timeout=10000) as blocker:
        controls.apply()
    assert opener.choices == [LiveChoice(str(SAMPLES_DIR), "xsz107bn-zzcat-100x", "", "onnxruntime", "auto")]
    assert opener.threads[0] != threading.get_ident()
    assert first.done and not first.grabber.running  # the old pipeline was stopped
    assert blocker.args[0].pipeline is window.live.context.pipeline
    first_result(qtbot, window)
    controls.apply()  # nothing changed: no rebuild
    assert len(opener.choices) == 1
    window.live.open(LiveChoice(profile="xsz107bn-zzcat-40x"))
    window.live.open(LiveChoice(profile="xsz107bn-zzcat-10x"))  # while the first is opening: opened next
    qtbot.waitUntil(lambda: window.live.context is not None
                    and window.live.context.profile.id == "xsz107bn-zzcat-10x", timeout=10000)
    assert [c.profile for c in opener.choices[1:]] == ["xsz107bn-zzcat-40x", "xsz107bn-zzcat-10x"]


def test_a_failed_open_shows_what_and_what_to_do_in_the_banner(qtbot, open_window) -> None:
    def broken(choice: LiveChoice, on_event: EventSink) -> LiveContext:
        raise ModelError("no such model bundle", where=choice.model, hint="pass a folder written by leuko-export")

    window = open_window(None, opener=broken)
    window.live.open(LiveChoice(model="/nowhere"))
    qtbot.waitUntil(lambda: window.banner.kind == "error", timeout=5000)
    text = window.banner.text()
    assert "/nowhere: no such model bundle" in text and "What to do: pass a folder written by leuko-export" in text
    assert not window.banner.isHidden()
    window.banner.dismiss()
    assert window.banner.isHidden()


def test_a_lost_camera_shows_reconnecting_and_clears_when_back(qtbot, open_window) -> None:
    faulty: list[FaultySource] = []

    def unplugging(choice: LiveChoice) -> FrameSource:
        faulty.append(FaultySource(build_source(str(SAMPLES_DIR), fps=30.0, loop=True), unplug_after=3,
                                   failed_opens=None))
        return ReconnectingSource(faulty[-1], backoff=BackOff(0.02, 1.5, 0.1))

    window = open_window(None, opener=FakeOpener(unplugging))
    window.live.open(LiveChoice())
    qtbot.waitUntil(lambda: "reconnecting" in window.banner.text(), timeout=10000)
    assert window.banner.kind == "notice" and not window.banner.isHidden()
    assert "reconnecting" in window.status.text()
    faulty[0].replug()
    qtbot.waitUntil(lambda: window.banner.isHidden(), timeout=10000)
    assert "reconnecting" not in window.status.text()


def test_settings_round_trip(qtbot, open_window, settings: LiveSettings) -> None:
    window = open_window(None, opener=FakeOpener(), settings=settings)
    choice = LiveChoice(str(SAMPLES_DIR), "xsz107bn-zzcat-40x", "/models/m1", "openvino", "int8")
    with qtbot.waitSignal(window.live.context_changed, timeout=10000):
        window.live.open(choice)
    window.live.controls.slider.setValue(60)
    window.live.controls.attribute_actions["cell_size"].setChecked(False)
    window.resize(760, 520)  # the offscreen screen is 800x600: restoreGeometry clamps to it
    window.close()
    assert settings.choice() == choice and settings.threshold() == pytest.approx(0.6)

    again = open_window(None, opener=FakeOpener(), settings=LiveSettings.ini_file(Path(settings.q.fileName())))
    controls = again.live.controls
    assert controls.choice() == choice and controls.threshold == pytest.approx(0.6)
    assert controls.shown_attributes() == [a.name for a in TAXONOMY.attributes if a.name != "cell_size"]
    assert (again.width(), again.height()) == (760, 520)


def test_layout_fits_800x480_and_scales_up(qtbot, open_window) -> None:
    window = open_window(replay())
    window.show()
    first_result(qtbot, window)
    hint = window.minimumSizeHint()
    assert hint.width() <= 800 and hint.height() <= 480, hint
    window.live.controls.show_setup(True)
    hint = window.minimumSizeHint()
    assert hint.width() <= 800 and hint.height() <= 480, hint
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.view.width() > 800, timeout=2000)



def test_the_end_of_a_recording_and_a_failing_model_are_reported(qtbot, open_window) -> None:
    once = replay(build_source(str(SAMPLES_DIR), fps=None, loop=False))
    window = open_window(once)
    qtbot.waitUntil(lambda: window.status.text().startswith("live view finished"), timeout=10000)
    assert window.banner.isHidden()

    def broken(image: np.ndarray) -> Detections:
        raise ValueError("bad output shape")

    failing = open_window(replay(detect=broken))
    qtbot.waitUntil(lambda: failing.banner.kind == "error", timeout=10000)
    assert "bad output shape" in failing.banner.text() and "press Open" in failing.banner.text()


def test_run_window_remembers_and_opens_the_choice_in_the_background(qtbot, tmp_path, settings) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from edge_app.pipeline.headless import HeadlessOptions
    from edge_app.ui.app import run_window
    from tests.bundle_factory import write_bundle

    write_bundle(tmp_path / "bundle", openvino=False)
    settings.save_choice(LiveChoice(model=str(tmp_path / "bundle"), backend="onnxruntime"))
    seen: list[str] = []

    def close_after_first_frame() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.view.detections is not None:
                seen.append(widget.status.text())
                seen.append(",".join(widget.tabs.tabText(i) for i in range(widget.tabs.count())))
                widget.close()
                return
        QTimer.singleShot(50, close_after_first_frame)

    QTimer.singleShot(50, close_after_first_frame)
    QTimer.singleShot(30000, QApplication.quit)  # never hang the suite
    assert run_window(HeadlessOptions(source=str(SAMPLES_DIR)), settings=settings, workspace=tmp_path / "ws") == 0
    assert seen and "FPS" in seen[0] and seen[1] == "Live,Scan,Review,QA,Reports"
    assert settings.choice() == LiveChoice(str(SAMPLES_DIR), model=str(tmp_path / "bundle"), backend="onnxruntime")
