"""`CellPanel`: the clicked cell's class, score and attribute probabilities, with a zoomed crop."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from edge_app.detections import Detections
from edge_app.overlay.crop import crop_box
from edge_app.taxonomy import Taxonomy
from edge_app.ui.cell_details import cell_details_text
from edge_app.ui.qimages import bgr_pixmap

CROP_PX = 160  # the zoomed crop's side on screen


class CellPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.crop = QLabel()
        self.crop.setFixedSize(CROP_PX, CROP_PX)
        self.crop.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = QLabel("click a cell")
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.crop, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.text, 1)

    def show_cell(self, taxonomy: Taxonomy, image: np.ndarray, dets: Detections, i: int) -> None:
        self.text.setText(cell_details_text(taxonomy, dets, i))
        self.crop.setPixmap(bgr_pixmap(crop_box(image, dets.xyxy[i]), fit=CROP_PX))

    def show_none(self) -> None:
        self.text.setText("no cell there")
        self.crop.clear()
