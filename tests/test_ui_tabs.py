"""Scan, QA and Reports tabs end to end: real bundle (ONNX Runtime), real SQLite workspace, offscreen Qt."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea

from edge_app.pipeline.headless import SAMPLES_DIR
from edge_app.qa.compare_html import PAIR_WIDTH
from edge_app.qa.results_file import export_slide, write_results
from edge_app.scan.workspace_scan import scan_into_workspace
from edge_app.store.store import ResultsStore
from edge_app.ui.qa_tab import QaTab
from edge_app.ui.reports_tab import ReportsTab
from edge_app.ui.scan_tab import ScanTab
from edge_app.ui.tab_task import TaskSlot
from edge_app.ui.worker import TaskWorker
from tests.test_scan_support import make_bundle, setup_for, sha256, write_dataset
from tests.test_sources_support import no_thread_left  # noqa: F401  (fails tests that leave threads running)

SAMPLES = sorted(SAMPLES_DIR.glob("*.jpg"))
WAIT_MS = 20_000


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_bundle(tmp_path_factory.mktemp("bundle"))


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory, bundle: Path) -> Path:
    """A workspace whose slide S-1 holds the bundled sample fields."""
    workspace = tmp_path_factory.mktemp("ws")
    list(scan_into_workspace(workspace, setup_for(bundle), SAMPLES_DIR, "S-1", workers=1))
    return workspace


def fields_folder(tmp_path: Path) -> Path:
    """The sample fields, a truncated JPEG and a notes file."""
    folder = tmp_path / "fields"
    folder.mkdir()
    for path in SAMPLES:
        shutil.copy(path, folder / path.name)
    (folder / "cut.jpg").write_bytes(SAMPLES[0].read_bytes()[:400])
    (folder / "notes.txt").write_text("stage 12.3, 4.5")
    return folder


def run_to_end(qtbot: Any, slot: TaskSlot, action: Any) -> None:
    """Click/call `action`, wait until its task has ended and its result was shown, and join the thread."""
    with qtbot.waitSignal(slot.busy_changed, timeout=WAIT_MS, check_params_cb=lambda busy: not busy):
        action()
    assert slot.worker is not None and slot.worker.wait(WAIT_MS)


def scan_tab(qtbot: Any, workspace: Path, bundle: Path, folder: Path, opened: list[Path]) -> ScanTab:
    tab = ScanTab(workspace, opener=opened.append)
    qtbot.addWidget(tab)
    tab.target.setText(str(folder))
    tab.slide.setText("S-1")
    tab.model.setText(str(bundle))
    tab.backend.setCurrentText("onnxruntime")
    tab.workers.setValue(1)
    return tab


def stored_hashes(workspace: Path) -> list[str]:
    with ResultsStore(workspace) as store:
        return [f.image_sha256 for f in store.fields(store.slide("S-1"))]


def test_scan_tab_scans_lists_skips_and_opens_the_report(qtbot: Any, tmp_path: Path, bundle: Path) -> None:
    opened: list[Path] = []
    tab = scan_tab(qtbot, tmp_path / "ws", bundle, fields_folder(tmp_path), opened)
    tab.resize(800, 480)
    with qtbot.waitSignal(tab.scan_finished, timeout=WAIT_MS) as finished:
        run_to_end(qtbot, tab.tasks, tab.start_button.click)
    assert finished.args == ["S-1"]
    progress = tab.last_progress
    assert progress is not None and progress.finished and progress.stored == len(SAMPLES)
    assert sorted(stored_hashes(tmp_path / "ws")) == sorted(sha256(p) for p in SAMPLES)
    skipped = [tab.skipped.item(i).text() for i in range(tab.skipped.count())]
    assert skipped[0] == "notes.txt: unsupported file type" and skipped[1].startswith("cut.jpg:")
    assert "scan done" in tab.summary.text() and "fields/s" in tab.rate.text()
    assert tab.progress_bar.value() == tab.progress_bar.maximum() == len(SAMPLES) + 1
    run_to_end(qtbot, tab.tasks, tab.report_button.click)
    assert opened and opened[0].suffix == ".html" and opened[0].is_file() and tab.banner.kind != "error"


def test_cancelled_scan_resumes_with_every_field_once(qtbot: Any, tmp_path: Path, bundle: Path) -> None:
    tab = scan_tab(qtbot, tmp_path / "ws", bundle, fields_folder(tmp_path), [])

    def cancel_after_two(worker: TaskWorker) -> None:  # direct connection: the scan thread itself cancels after 2
        worker.progressed.connect(lambda p: tab.cancel_event.set() if getattr(p, "done", 0) >= 2 else None,
                                  Qt.ConnectionType.DirectConnection)

    tab.tasks.worker_created.connect(cancel_after_two)
    run_to_end(qtbot, tab.tasks, tab.start_button.click)
    tab.tasks.worker_created.disconnect(cancel_after_two)
    first = tab.last_progress
    assert first is not None and first.cancelled and first.done < len(SAMPLES) + 1
    assert "scan cancelled" in tab.summary.text()
    run_to_end(qtbot, tab.tasks, tab.start_button.click)
    again = tab.last_progress
    assert again is not None and not again.cancelled and again.already == first.stored
    hashes = stored_hashes(tmp_path / "ws")
    assert len(hashes) == len(set(hashes)) == len(SAMPLES)


def test_scan_tab_shows_errors_as_messages(qtbot: Any, tmp_path: Path, bundle: Path) -> None:
    tab = scan_tab(qtbot, tmp_path / "ws", bundle, tmp_path / "no-such-folder", [])
    run_to_end(qtbot, tab.tasks, tab.start_button.click)
    assert tab.banner.kind == "error" and "no such file or folder" in tab.banner.text()
    assert "Traceback" not in tab.banner.text()


def test_qa_tab_compares_a_slide_with_its_exported_results(qtbot: Any, tmp_path: Path, scanned: Path) -> None:
    with ResultsStore(scanned) as store:
        write_results(export_slide(store, "S-1"), tmp_path / "s1.json", None)
    tab = QaTab(scanned)
    qtbot.addWidget(tab)
    assert [tab.a.box.itemText(i) for i in range(tab.a.box.count())] == ["slide:S-1"]
    tab.a.set_spec("slide:S-1")
    tab.b.set_spec(str(tmp_path / "s1.json"))
    run_to_end(qtbot, tab.tasks, tab.compare_button.click)
    metrics = {tab.metrics.item(r, 0).text(): tab.metrics.item(r, 1).text() for r in range(tab.metrics.rowCount())}
    assert metrics["mAP50"] == "1.000" and metrics["mAP50-95"] == "1.000"
    assert tab.attributes.rowCount() > 0 and tab.counts.rowCount() > 0 and tab.worst_list.count() == 0
    tab.out.setText(str(tmp_path / "qa"))
    run_to_end(qtbot, tab.tasks, tab.save_button.click)
    assert (tmp_path / "qa" / "compare.html").is_file() and (tmp_path / "qa" / "compare.json").is_file()


def test_qa_tab_shows_the_worst_images_against_labels(qtbot: Any, tmp_path: Path, scanned: Path) -> None:
    labels = [["5 0.8 0.8 0.1 0.1 0 1 2 0 1 0 0"]] * len(SAMPLES)  # a cell the model never finds
    dataset = write_dataset(tmp_path / "data", SAMPLES, labels)
    tab = QaTab(scanned)
    qtbot.addWidget(tab)
    tab.resize(800, 480)
    tab.a.set_spec("S-1")
    tab.b.set_spec(str(dataset))
    run_to_end(qtbot, tab.tasks, tab.compare_button.click)
    assert tab.metrics.item(0, 0).text() == "mAP50" and tab.metrics.item(0, 1).text() == "0.000"
    assert tab.worst_list.count() == len(SAMPLES) and tab.worst_list.currentRow() == 0
    assert tab.worst_image.original is not None and tab.worst_image.original.width() == PAIR_WIDTH
    assert "left reference" in tab.worst_caption.text()


def test_qa_tab_offers_slides_scanned_after_it_opened(qtbot: Any, tmp_path: Path, bundle: Path) -> None:
    tab = QaTab(tmp_path / "ws")
    qtbot.addWidget(tab)
    tab.b.set_spec("typed by hand")
    list(scan_into_workspace(tmp_path / "ws", setup_for(bundle), SAMPLES[0], "S-2", workers=1))
    tab.refresh_slides()
    assert [tab.truth.box.itemText(i) for i in range(tab.truth.box.count())] == ["", "slide:S-2"]
    assert tab.b.spec() == "typed by hand"


def test_qa_tab_reports_an_unknown_spec(qtbot: Any, scanned: Path) -> None:
    tab = QaTab(scanned)
    qtbot.addWidget(tab)
    tab.a.set_spec("S-1")
    tab.b.set_spec("no-such-thing")
    run_to_end(qtbot, tab.tasks, tab.compare_button.click)
    assert tab.banner.kind == "error" and "cannot tell what 'no-such-thing' is" in tab.banner.text()


def test_reports_tab_lists_slides_and_writes_the_report(qtbot: Any, tmp_path: Path, scanned: Path) -> None:
    opened: list[Path] = []
    tab = ReportsTab(scanned, opener=opened.append)
    qtbot.addWidget(tab)
    assert tab.tasks.worker is not None and tab.tasks.worker.wait(WAIT_MS)  # the listing started in __init__
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1, timeout=WAIT_MS)
    assert [tab.table.item(0, c).text() for c in (0, 3, 4)] == ["S-1", str(len(SAMPLES)), "no"]
    tab.out.setText(str(tmp_path / "reports"))
    run_to_end(qtbot, tab.tasks, tab.write_button.click)
    html = tmp_path / "reports" / "report_S-1.html"
    assert html.is_file() and opened == [html]
    assert {p.suffix for p in tab.written} == {".html", ".csv", ".json"}


def test_every_tab_fits_800x480(qtbot: Any, scanned: Path) -> None:
    tabs = [ScanTab(scanned, opener=lambda _p: None), QaTab(scanned), ReportsTab(scanned, opener=lambda _p: None)]
    for tab in tabs:
        qtbot.addWidget(tab)
        tab.resize(800, 480)
        body = tab.findChild(QScrollArea).widget()
        hint = body.minimumSizeHint()
        assert hint.width() <= 800 and hint.height() <= 480, (type(tab).__name__, hint)
    worker = tabs[2].tasks.worker
    assert worker is not None and worker.wait(WAIT_MS)
