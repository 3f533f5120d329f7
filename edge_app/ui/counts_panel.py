"""`CountsPanel`: per-class counts in the frame on screen, and the slide session's running
differential (cells and % over the captured fields)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from edge_app.detections import Detections
from edge_app.taxonomy import Taxonomy
from edge_app.ui.tally import CountRow, SessionTally, count_rows

HEADERS = ("type", "frame", "slide", "%")


class CountsPanel(QWidget):
    def __init__(self, taxonomy: Taxonomy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.taxonomy = taxonomy
        self.tally = SessionTally()
        self._frame: Detections | None = None
        self.summary = QLabel()
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the numbers always stay in view
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        self.refresh()

    def show_frame(self, dets: Detections) -> None:
        self._frame = dets
        self.refresh()

    def set_tally(self, tally: SessionTally) -> None:
        self.tally = tally
        self.refresh()

    def refresh(self) -> None:
        self.rows = count_rows(self.taxonomy, self._frame, self.tally)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            for c, text in enumerate(_cells(row)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        in_frame = len(self._frame) if self._frame is not None else 0
        cells = sum(p.count for p in self.tally.differential(self.taxonomy))
        fields = self.tally.fields
        self.summary.setText(f"frame: {in_frame} cells  |  slide: {cells} WBC in {fields} field{'s' * (fields != 1)}")


def _cells(row: CountRow) -> tuple[str, str, str, str]:
    return row.label, str(row.in_frame), str(row.in_session), f"{row.percent:.1f}" if row.in_session else ""
