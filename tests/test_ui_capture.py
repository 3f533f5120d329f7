"""Capture from the live tab into the workspace store: a slide session, a field with its stage
reading (a row in SQLite, its image on disk), refused readings, shortcuts, finish with the report."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt

from edge_app.pipeline.headless import SAMPLES_DIR
from edge_app.store.store import DB_NAME
from edge_app.ui.live_setup import LiveChoice, open_live
from edge_app.ui.main_window import MainWindow
from tests.bundle_factory import write_bundle
from tests.test_sources_support import no_thread_left  # noqa: F401  (fails tests that leave threads running)
from tests.test_ui_live import first_result, open_window, replay  # noqa: F401


@pytest.fixture
def make_window(open_window):  # noqa: F811  (the shared fixture, under this file's name)
    return open_window


def rows(workspace: Path, sql: str) -> list[sqlite3.Row]:
    db = sqlite3.connect(workspace / DB_NAME)
    db.row_factory = sqlite3.Row
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def start_session(qtbot, window: MainWindow, code: str = "S-12", sample: str = "P-7") -> None:
    panel = window.live.stage_panel
    panel.slide.setText(code)
    panel.sample.setText(sample)
    with qtbot.waitSignal(window.live.session.session_changed, timeout=10000):
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)


def capture(qtbot, window: MainWindow, stage_text: str):  # -> FieldRecord
    window.live.stage_panel.stage.setText(stage_text)
    with qtbot.waitSignal(window.live.session.field_stored, timeout=10000) as blocker:
        qtbot.mouseClick(window.live.stage_panel.capture_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def test_capture_stores_the_field_with_stage_focus_profile_and_detections(qtbot, make_window, tmp_path) -> None:
    workspace = tmp_path / "ws"
    window = make_window(replay(), workspace=workspace)
    first_result(qtbot, window)
    start_session(qtbot, window)
    record = capture(qtbot, window, "12.34; 5,6")
    (field,) = rows(workspace, "SELECT * FROM fields")
    assert field["id"] == record.id and field["profile_id"] == "xsz107bn-zzcat-100x" and field["objective"] == 100
    assert field["focus"] is not None and field["brightness"] is not None
    assert (workspace / field["image_path"]).is_file()
    (stage,) = rows(workspace, "SELECT * FROM stage_positions")
    assert (stage["x_mm"], stage["y_mm"], stage["source"]) == (pytest.approx(12.3), pytest.approx(5.6), "typed")
    (slide,) = rows(workspace, "SELECT * FROM slides")
    assert (slide["code"], slide["sample_code"]) == ("S-12", "P-7")
    assert len(rows(workspace, "SELECT * FROM detections")) == 2  # what is shown at the 0.25 threshold
    counts = window.live.counts
    assert counts.tally.fields == 1 and {r.label: r.in_session for r in counts.rows} == {"Neutrophil": 1,
                                                                                       "Myeloblast": 1}
    assert "S-12: 1 field captured" in window.live.stage_panel.session_label.text()


@pytest.mark.parametrize(("typed", "said"), [
    ("twelve, five", "cannot read a stage position"),
    ("80, 5", "stage X = 80 mm is outside the XSZ-107BN"),
    ("10, -1", "stage Y = -1 mm is outside"),
])
def test_an_invalid_stage_reading_is_refused_with_a_message(qtbot, make_window, tmp_path, typed, said) -> None:
    workspace = tmp_path / "ws"
    window = make_window(replay(), workspace=workspace)
    first_result(qtbot, window)
    start_session(qtbot, window)
    window.live.stage_panel.stage.setText(typed)
    assert window.live.capture() is False
    message = window.live.stage_panel.message.text()
    assert said in message and "vernier" in message  # what is wrong and what to do
    assert rows(workspace, "SELECT COUNT(*) AS n FROM fields")[0]["n"] == 0


def test_capture_needs_a_session(qtbot, make_window, tmp_path) -> None:
    window = make_window(replay(), workspace=tmp_path / "ws")
    first_result(qtbot, window)
    assert window.live.capture() is False
    assert "start a slide session first" in window.live.stage_panel.message.text()
    assert not (tmp_path / "ws" / DB_NAME).exists()


def test_keys_c_and_n_capture_and_clear_the_stage_entry(qtbot, make_window, tmp_path) -> None:
    workspace = tmp_path / "ws"
    window = make_window(replay(), workspace=workspace)
    window.show()
    qtbot.waitExposed(window)
    first_result(qtbot, window)
    start_session(qtbot, window)
    panel = window.live.stage_panel
    panel.stage.setText("20, 10")
    window.view.setFocus()
    with qtbot.waitSignal(window.live.session.field_stored, timeout=10000):
        qtbot.keyClick(window.view, Qt.Key.Key_C)
    qtbot.keyClick(window.view, Qt.Key.Key_N)
    assert panel.stage.text() == "" and "field 2" in panel.message.text()
    first_result(qtbot, window)  # another frame of the replay
    window.view.setFocus()
    with qtbot.waitSignal(window.live.session.field_stored, timeout=10000):
        qtbot.keyClick(window.view, Qt.Key.Key_Space)
    assert len(rows(workspace, "SELECT * FROM fields")) == 2
    assert len(rows(workspace, "SELECT * FROM stage_positions")) == 1  # the second had no reading


def test_finishing_the_session_writes_the_report(qtbot, make_window, tmp_path) -> None:
    workspace = tmp_path / "ws"
    window = make_window(replay(), workspace=workspace)
    first_result(qtbot, window)
    start_session(qtbot, window, "S/3")
    capture(qtbot, window, "1, 2")
    with qtbot.waitSignal(window.live.session.report_written, timeout=20000) as blocker:
        window.live.finish_session(write_report=True)
    paths = blocker.args[0]
    assert {p.suffix for p in paths} >= {".html", ".json", ".csv"} and all(p.is_file() for p in paths)
    assert all(p.parent == workspace / "reports" for p in paths)
    assert rows(workspace, "SELECT finished_at FROM slides")[0]["finished_at"] is not None
    assert window.live.session.slide_code is None and window.live.stage_panel.start_button.isEnabled()


def test_a_real_bundle_opened_by_the_pickers_is_recorded_with_the_field(qtbot, make_window, tmp_path) -> None:
    card = write_bundle(tmp_path / "bundle", openvino=False)
    workspace = tmp_path / "ws"
    window = make_window(None, opener=open_live, workspace=workspace)
    choice = LiveChoice(str(SAMPLES_DIR), "xsz107bn-zzcat-100x", str(tmp_path / "bundle"), "onnxruntime", "fp32")
    with qtbot.waitSignal(window.live.context_changed, timeout=30000):
        window.live.open(choice)
    assert "made for H_100x_C2" in window.banner.text()  # the profile/model domain warning
    first_result(qtbot, window)
    start_session(qtbot, window)
    capture(qtbot, window, "")
    (field,) = rows(workspace, "SELECT * FROM fields")
    assert field["model_id"] == card.bundle_id
    assert rows(workspace, "SELECT id FROM models")[0]["id"] == card.bundle_id
