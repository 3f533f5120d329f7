"""`QaTab`: compare two result sets (slides, results files, labelled datasets) as `leuko compare` does.

`compare_specs` runs on a `TaskWorker`, which also draws the worst images side by side with
`compare_html.side_by_side` (the same picture as the HTML page). The tab shows the metric, class,
count and attribute tables (`compare_rows`, shared with the page) and the worst-image viewer, and
saves `compare.html` + `compare.json` with `write_comparison`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from edge_app.errors import LeukoError
from edge_app.overlay.annotators import Overlay
from edge_app.qa.compare import Comparison
from edge_app.qa.compare_html import PAIR_WIDTH, side_by_side
from edge_app.qa.compare_rows import (
    ATTRIBUTE_HEADER,
    CLASS_HEADER,
    COUNT_HEADER,
    METRIC_HEADER,
    attribute_rows,
    class_rows,
    count_rows,
    metric_rows,
)
from edge_app.qa.compare_run import DEFAULT_WORST, compare_specs, write_comparison
from edge_app.store.store import ResultsStore
from edge_app.ui.banner import Banner
from edge_app.ui.tab_image import ImageLabel
from edge_app.ui.tab_layout import combo, row, scrolled
from edge_app.ui.tab_table import compact_table, fill_table
from edge_app.ui.tab_task import TaskSlot
from edge_app.ui.widgets import button


@dataclass(frozen=True)
class QaResult:
    comparison: Comparison
    pictures: list[np.ndarray]  # one per worst image: reference overlay | candidate overlay


def compare_task(workspace: Path, a: str, b: str, truth: str | None, worst: int) -> QaResult:
    comparison = compare_specs(a, b, truth, workspace=workspace, worst=worst)
    overlay = Overlay(comparison.pairing.reference.taxonomy)
    return QaResult(comparison, [_fit(side_by_side(g, overlay)) for g in comparison.worst])


def _fit(image: np.ndarray, width: int = PAIR_WIDTH) -> np.ndarray:
    if image.shape[1] <= width:
        return image
    return cv2.resize(image, (width, round(image.shape[0] * width / image.shape[1])), interpolation=cv2.INTER_AREA)


class SpecPicker(QWidget):
    """One side of a comparison: a slide of the workspace (listed), a results .json or a dataset folder."""

    def __init__(self, slides: list[str], optional: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.optional = optional
        self.box = combo([], editable=True)
        self.set_slides(slides)
        self.box.lineEdit().setPlaceholderText("slide:ID, results .json, or dataset folder" +
                                               (" (optional)" if optional else ""))
        layout = row(self.box, button("File…", self._choose_file), button("Dataset…", self._choose_dataset),
                     stretch_first=True)
        self.setLayout(layout)

    def set_slides(self, codes: list[str]) -> None:
        text = self.box.currentText()
        self.box.clear()
        self.box.addItems(([""] if self.optional else []) + [f"slide:{code}" for code in codes])
        self.box.setCurrentText(text)

    def spec(self) -> str:
        return self.box.currentText().strip()

    def set_spec(self, spec: str) -> None:
        self.box.setCurrentText(spec)

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Results file (leuko export-results)", "", "Results (*.json)")
        if path:
            self.set_spec(path)

    def _choose_dataset(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Labelled dataset (folder holding data.yaml)")
        if folder:
            self.set_spec(folder)


class QaTab(QWidget):
    def __init__(self, workspace: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.result: QaResult | None = None
        self.saved: tuple[Path, Path] | None = None
        self.banner = Banner()
        self.tasks = TaskSlot(self.banner, self)
        self.tasks.busy_changed.connect(self._set_busy)
        self._build(self._slide_codes())
        self._set_busy(False)

    def refresh_slides(self) -> None:
        """Offer the workspace's current slides in A, B and the labels (typed text is kept)."""
        codes = self._slide_codes()
        for picker in (self.a, self.b, self.truth):
            picker.set_slides(codes)

    def _slide_codes(self) -> list[str]:
        try:
            with ResultsStore(self.workspace) as store:
                return [s.code for s in store.slides()]
        except LeukoError as exc:
            self.banner.show_error(str(exc))
            return []

    def _build(self, slides: list[str]) -> None:
        self.a, self.b, self.truth = SpecPicker(slides), SpecPicker(slides), SpecPicker(slides, optional=True)
        self.worst = QSpinBox()
        self.worst.setRange(1, 50)
        self.worst.setValue(DEFAULT_WORST)
        self.out = QLineEdit(str(self.workspace / "compare"))
        self.compare_button = button("Compare", self.compare)
        self.save_button = button("Save HTML + JSON", self.save)
        form = QFormLayout()
        form.addRow("A (reference)", self.a)
        form.addRow("B (candidate)", self.b)
        form.addRow("Labels", self.truth)
        actions = row(QLabel("worst images"), self.worst, self.compare_button, self.save_button, QLabel("to"),
                      self.out, button("…", self._choose_out))
        self.pages = QTabWidget()
        self.metrics, self.classes, self.counts, self.attributes = (compact_table() for _ in range(4))
        self.pages.addTab(self.metrics, "Detection")
        self.pages.addTab(_stacked(self.classes, self.counts), "Classes")
        self.pages.addTab(self.attributes, "Attributes")
        self.pages.addTab(self._worst_viewer(), "Worst images")
        self.pages.setMinimumHeight(200)
        # the tables' size hints would make the page taller than a 480-line screen; they take what is left
        self.pages.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.banner)
        column.addLayout(form)
        column.addLayout(actions)
        column.addWidget(self.pages, 1)
        scrolled(self, body)

    def _worst_viewer(self) -> QWidget:
        self.worst_list = QListWidget()
        self.worst_list.setMaximumWidth(200)
        self.worst_list.currentRowChanged.connect(self.show_worst)
        self.worst_image = ImageLabel()
        self.worst_caption = QLabel("left: reference (A or the labels), right: candidate")
        viewer = QWidget()
        layout = QHBoxLayout(viewer)
        layout.addWidget(self.worst_list)
        right = QVBoxLayout()
        right.addWidget(self.worst_image, 1)
        right.addWidget(self.worst_caption)
        layout.addLayout(right, 1)
        return viewer

    def _choose_out(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for compare.html and compare.json")
        if folder:
            self.out.setText(folder)

    def compare(self) -> None:
        a, b, truth, worst = self.a.spec(), self.b.spec(), self.truth.spec() or None, self.worst.value()
        if not a or not b:
            self.banner.show_error("choose A and B: a slide, a results file or a labelled dataset each")
            return
        self.banner.show_notice("comparing…")
        self.tasks.start(lambda: compare_task(self.workspace, a, b, truth, worst), self._show)

    def _show(self, result: QaResult) -> None:
        self.result = result
        c = result.comparison
        p = c.pairing
        self.banner.show_notice(f"{p.candidate.label} against {p.reference.label}: {len(p.pairs)} images matched, "
                              f"{p.unmatched_reference} only in the reference, {p.unmatched_candidate} only in the "
                              "candidate")
        fill_table(self.metrics, METRIC_HEADER, metric_rows(c))
        fill_table(self.classes, CLASS_HEADER, class_rows(c))
        fill_table(self.counts, COUNT_HEADER, count_rows(c))
        fill_table(self.attributes, ATTRIBUTE_HEADER, attribute_rows(c))
        self.worst_list.clear()
        self.worst_list.addItems([f"{g.name}  F1 {g.f1:.2f}" for g in c.worst])
        if c.worst:
            self.worst_list.setCurrentRow(0)
        else:
            self.worst_image.show_image(None)
            self.worst_caption.setText("every matched image agrees completely")

    def show_worst(self, index: int) -> None:
        if self.result is None or not 0 <= index < len(self.result.pictures):
            return
        g = self.result.comparison.worst[index]
        self.worst_image.show_image(self.result.pictures[index])
        self.worst_caption.setText(f"{g.name}: F1 {g.f1:.2f}, mean IoU {g.mean_iou:.2f}, {g.matched} matched — "
                                   "left reference, right candidate")

    def save(self) -> None:
        if self.result is None:
            self.banner.show_error("compare first, then save")
            return
        comparison, out = self.result.comparison, Path(self.out.text().strip())
        self.tasks.start(lambda: write_comparison(comparison, out), self._saved)

    def _saved(self, paths: tuple[Path, Path]) -> None:
        self.saved = paths
        self.banner.show_notice(f"wrote {paths[0]} and {paths[1]}")

    def _set_busy(self, busy: bool) -> None:
        self.compare_button.setEnabled(not busy)
        self.save_button.setEnabled(not busy)

    def shutdown(self) -> None:
        self.tasks.stop()

    def closeEvent(self, event: object) -> None:
        self.shutdown()
        super().closeEvent(event)  # type: ignore[arg-type]


def _stacked(*tables: QTableWidget) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    for t in tables:
        layout.addWidget(t)
    return page
