"""`ImageLabel`: shows a BGR picture scaled to fit (aspect kept), rescaled when the label resizes."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from edge_app.ui.qimages import bgr_pixmap

MIN_SIZE = QSize(160, 90)


class ImageLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.original: QPixmap | None = None

    def show_image(self, bgr: np.ndarray | None) -> None:
        self.original = bgr_pixmap(bgr) if bgr is not None else None
        self._rescale()

    def minimumSizeHint(self) -> QSize:
        return MIN_SIZE  # not the pixmap's: the picture follows the label's size, never drives it

    def sizeHint(self) -> QSize:
        return MIN_SIZE

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        if self.original is None:
            self.clear()
            return
        self.setPixmap(self.original.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                            Qt.TransformationMode.SmoothTransformation))
