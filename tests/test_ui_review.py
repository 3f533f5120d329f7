"""The review gallery: keys confirm, correct, reject and undo; verdicts land in the store."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt

from edge_app.store.reviews import slide_reviews
from edge_app.store.store import ResultsStore
from edge_app.taxonomy import Taxonomy
from edge_app.ui.review_tab import ReviewTab
from tests.test_scan_support import make_bundle, scan, write_fields

TAX = Taxonomy.leukemia_attri()


@pytest.fixture()
def store(tmp_path: Path):
    bundle = make_bundle(tmp_path)
    write_fields(tmp_path / "fields", 3)
    with ResultsStore(tmp_path / "ws") as s:
        scan(s, bundle, tmp_path / "fields", slide="G-1")
        yield s


def test_keyboard_review_stores_verdicts(qtbot, store: ResultsStore) -> None:
    tab = ReviewTab(store, TAX, reviewer="amina")
    qtbot.addWidget(tab)
    tab.load()
    qtbot.waitUntil(lambda: tab.gallery.count() == 6, timeout=10000)
    assert tab.worker is not None and tab.worker.wait(5000)
    scores = [tab.cells[tab.gallery.item(r).data(Qt.ItemDataRole.UserRole)][0].score for r in range(3)]
    assert scores == sorted(scores)  # least sure first within a class
    first = tab.current_cell()
    assert first is not None and "model:" in tab.details.text()

    qtbot.keyClick(tab.gallery, Qt.Key.Key_Return)  # confirm, move on
    second = tab.current_cell()
    assert second is not None and second.detection_id != first.detection_id
    qtbot.keyClick(tab.gallery, Qt.Key.Key_C)  # next class
    qtbot.keyClick(tab.gallery, Qt.Key.Key_1)  # cell size: next value
    qtbot.keyClick(tab.gallery, Qt.Key.Key_Right)
    third = tab.current_cell()
    qtbot.keyClick(tab.gallery, Qt.Key.Key_X)  # reject

    reviews = slide_reviews(store, store.slide("G-1"))
    assert reviews[first.detection_id].verdict == "confirmed" and reviews[first.detection_id].reviewer == "amina"
    corrected = reviews[second.detection_id]
    assert corrected.verdict == "corrected" and corrected.class_id == (second.class_id + 1) % TAX.num_classes
    assert corrected.codes[0] != second.codes[0]
    assert third is not None and reviews[third.detection_id].verdict == "rejected"
    assert "3 reviewed" in tab.message.text()

    tab.gallery.setCurrentRow(0)
    qtbot.keyClick(tab.gallery, Qt.Key.Key_U)  # undo the first verdict
    assert first.detection_id not in slide_reviews(store, store.slide("G-1"))

    tab.unreviewed_only.setChecked(True)
    assert tab.gallery.count() == 4
    tab.class_filter.setCurrentIndex(tab.class_filter.findText("Myeloblast"))
    assert all(tab.cells[tab.gallery.item(r).data(Qt.ItemDataRole.UserRole)][0].class_id == TAX.class_id("Myeloblast")
               for r in range(tab.gallery.count()))
