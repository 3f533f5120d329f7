"""`ReviewTab`: the review gallery — a slide's cells per class, least sure first; the reviewer confirms,
corrects or rejects each one with the keyboard. Verdicts go to the store beside the model's output
(`edge_app.review`); the report counts them and `leuko export-labels` turns them into training data.

Keys (on the gallery): Enter/Space confirm as shown and go to the next cell · C / Shift+C next /
previous class · 1-7 cycle that attribute's value (last step: "not sure") · X or Delete reject (not a
white cell) · U undo the verdict · arrows move.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from edge_app.formats.image_io import read_image
from edge_app.review.cells import ReviewCell, cell_crop, reject_cell, review_cell, slide_cells
from edge_app.store.reviews import clear_review
from edge_app.store.store import ResultsStore
from edge_app.taxonomy import Taxonomy
from edge_app.ui.qimages import bgr_pixmap
from edge_app.ui.worker import TaskWorker

ICON_SIDE = 96
CellCrop = tuple[ReviewCell, np.ndarray]


def load_cells(store: ResultsStore, slide_code: str, taxonomy: Taxonomy) -> list[CellCrop]:
    """Every cell of the slide with its crop (each field image read once). Runs off the UI thread."""
    images: dict[int, np.ndarray] = {}
    out = []
    for cell in slide_cells(store, slide_code, taxonomy):
        if cell.field.id not in images:
            images[cell.field.id] = read_image(cell.field.image_path)
        out.append((cell, cell_crop(cell, images[cell.field.id])))
    return out


class ReviewGallery(QListWidget):
    """The icon grid; turns the review keys into calls on its tab."""

    def __init__(self, on_key: Callable[[QKeyEvent], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._on_key = on_key
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setIconSize(QSize(ICON_SIDE, ICON_SIDE))
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setMovement(QListWidget.Movement.Static)
        self.setSpacing(4)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._on_key(event):
            super().keyPressEvent(event)


class ReviewTab(QWidget):
    def __init__(self, store: ResultsStore, taxonomy: Taxonomy, reviewer: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.taxonomy, self.reviewer = store, taxonomy, reviewer
        self.cells: list[CellCrop] = []
        self.worker: TaskWorker | None = None
        self.slide = QComboBox()
        self.class_filter = QComboBox()
        self.unreviewed_only = QCheckBox("unreviewed only")
        reload_button = QPushButton("Reload")
        self.gallery = ReviewGallery(self._handle_key)
        self.details = QLabel("choose a slide")
        self.details.setWordWrap(True)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        keys = QLabel("Enter confirm · C/Shift+C class · 1-7 attribute · X reject · U undo")
        keys.setWordWrap(True)

        top = QHBoxLayout()
        for widget in (QLabel("Slide"), self.slide, QLabel("Class"), self.class_filter, self.unreviewed_only,
                       reload_button):
            top.addWidget(widget)
        top.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.gallery, 3)
        side = QVBoxLayout()
        side.addWidget(self.details)
        side.addStretch(1)
        side.addWidget(keys)
        body.addLayout(side, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addLayout(body, 1)

        self.class_filter.addItem("all classes", None)
        for i, name in enumerate(taxonomy.classes):
            self.class_filter.addItem(name, i)
        self.refresh_slides()
        self.slide.currentIndexChanged.connect(lambda _: self.load())
        self.class_filter.currentIndexChanged.connect(lambda _: self.fill())
        self.unreviewed_only.toggled.connect(lambda _: self.fill())
        reload_button.clicked.connect(self.load)
        self.gallery.currentRowChanged.connect(lambda _: self.show_current())

    # --- loading -------------------------------------------------------------------------
    def refresh_slides(self) -> None:
        current = self.slide.currentText()
        self.slide.blockSignals(True)
        self.slide.clear()
        self.slide.addItems([s.code for s in self.store.slides()])
        if current:
            self.slide.setCurrentText(current)
        self.slide.blockSignals(False)

    def load(self) -> None:
        code = self.slide.currentText()
        if not code or (self.worker is not None and self.worker.isRunning()):
            return
        self.message.setText(f"loading the cells of slide {code}…")
        self.worker = TaskWorker(lambda: load_cells(self.store, code, self.taxonomy), self)
        self.worker.succeeded.connect(self._loaded)
        self.worker.failed.connect(self.message.setText)
        self.worker.start()

    def _loaded(self, cells: list[CellCrop]) -> None:
        self.cells = cells
        self.message.setText(f"{len(cells)} cells · {sum(c.review is not None for c, _ in cells)} reviewed")
        self.fill()

    def fill(self) -> None:
        wanted = self.class_filter.currentData()
        self.gallery.clear()
        for index, (cell, crop) in enumerate(self.cells):
            if wanted is not None and cell.class_id != wanted:
                continue
            if self.unreviewed_only.isChecked() and cell.review is not None:
                continue
            item = QListWidgetItem(QIcon(bgr_pixmap(crop, fit=ICON_SIDE)), self._caption(cell))
            item.setData(Qt.ItemDataRole.UserRole, index)
            self.gallery.addItem(item)
        if self.gallery.count():
            self.gallery.setCurrentRow(0)
        else:
            self.details.setText("no cells to review here")

    # --- the current cell ----------------------------------------------------------------
    def current_index(self) -> int | None:
        item = self.gallery.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def current_cell(self) -> ReviewCell | None:
        index = self.current_index()
        return None if index is None else self.cells[index][0]

    def _caption(self, cell: ReviewCell) -> str:
        mark = {"confirmed": "✓", "corrected": "✎", "rejected": "✗"}.get(cell.review.verdict if cell.review else "", "")
        return f"{self.taxonomy.classes[cell.class_id][:12]} {cell.score:.2f} {mark}".strip()

    def show_current(self) -> None:
        cell = self.current_cell()
        if cell is None:
            return
        tax = self.taxonomy
        shown_class = cell.reviewed_class
        lines = [f"model: {tax.classes[cell.class_id]} ({cell.score:.2f})",
                 f"review: {cell.review.verdict if cell.review else 'not yet'}",
                 f"class: {tax.classes[shown_class] if shown_class is not None else 'rejected (not a white cell)'}"]
        for a, code in enumerate(cell.reviewed_codes):
            attr = tax.attributes[a]
            value = attr.values[code] if 0 <= code < len(attr.values) else "not sure"
            lines.append(f"{a + 1}. {attr.name.replace('_', ' ')}: {value}")
        self.details.setText("\n".join(lines))

    # --- verdicts ------------------------------------------------------------------------
    def _handle_key(self, event: QKeyEvent) -> bool:
        cell = self.current_cell()
        if cell is None:
            return False
        key, text = event.key(), event.text()
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.confirm()
        elif key in (Qt.Key.Key_X, Qt.Key.Key_Delete):
            self._replace(reject_cell(self.store, cell, self.reviewer))
            self._advance()
        elif key == Qt.Key.Key_U:
            clear_review(self.store, cell.detection_id)
            self._replace(ReviewCell(cell.detection_id, cell.field, cell.xyxy, cell.class_id, cell.score,
                                     cell.codes, None))
        elif key == Qt.Key.Key_C:
            current = cell.reviewed_class if cell.reviewed_class is not None else cell.class_id
            self.set_class((current + (-1 if shift else 1)) % self.taxonomy.num_classes)
        elif text.isdigit() and 1 <= int(text) <= len(cell.codes):
            self.cycle_attribute(int(text) - 1)
        else:
            return False
        return True

    def confirm(self) -> None:
        """Save the class and attributes as shown (the model's call, or the edits made), go on."""
        cell = self.current_cell()
        if cell is None:
            return
        class_id = cell.reviewed_class if cell.reviewed_class is not None else cell.class_id
        self._replace(review_cell(self.store, cell, class_id, cell.reviewed_codes, self.taxonomy, self.reviewer))
        self._advance()

    def set_class(self, class_id: int) -> None:
        cell = self.current_cell()
        if cell is not None:
            self._replace(review_cell(self.store, cell, class_id, cell.reviewed_codes, self.taxonomy, self.reviewer))

    def cycle_attribute(self, a: int) -> None:
        """Next value of attribute `a`; after the last value comes "not sure" (not annotated)."""
        cell = self.current_cell()
        if cell is None:
            return
        codes = list(cell.reviewed_codes)
        n = len(self.taxonomy.attributes[a].values)
        step = codes[a] + 1 if 0 <= codes[a] < n else 0
        codes[a] = step if step < n else self.taxonomy.not_annotated
        class_id = cell.reviewed_class if cell.reviewed_class is not None else cell.class_id
        self._replace(review_cell(self.store, cell, class_id, codes, self.taxonomy, self.reviewer))

    def _replace(self, cell: ReviewCell) -> None:
        index = self.current_index()
        if index is None:
            return
        self.cells[index] = (cell, self.cells[index][1])
        self.gallery.currentItem().setText(self._caption(cell))
        self.show_current()
        reviewed = sum(c.review is not None for c, _ in self.cells)
        self.message.setText(f"{len(self.cells)} cells · {reviewed} reviewed")

    def _advance(self) -> None:
        row = self.gallery.currentRow()
        if row + 1 < self.gallery.count():
            self.gallery.setCurrentRow(row + 1)

    def shutdown(self) -> None:
        if self.worker is not None:
            self.worker.wait()
        self.store.close()

    def closeEvent(self, event: object) -> None:
        self.shutdown()
        super().closeEvent(event)  # type: ignore[arg-type]
