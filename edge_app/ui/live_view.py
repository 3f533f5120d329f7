"""`LiveView`: paints the newest frame with the runtime's overlay, aspect ratio kept."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPainter
from PySide6.QtWidgets import QWidget

from edge_app.detections import Detections
from edge_app.overlay.annotators import Overlay
from edge_app.ui.qimages import bgr_qimage


class LiveView(QWidget):
    clicked = Signal(float, float)  # frame pixel coordinates

    def __init__(self, overlay: Overlay, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.overlay = overlay
        self._image: QImage | None = None
        self.detections: Detections | None = None
        self.setMinimumSize(320, 240)

    def show_frame(self, bgr: np.ndarray, dets: Detections) -> None:
        self._image = bgr_qimage(self.overlay.draw(bgr, dets))
        self.detections = dets
        self.update()

    def image_rect(self) -> QRectF:
        if self._image is None:
            return QRectF()
        scale = min(self.width() / self._image.width(), self.height() / self._image.height())
        w, h = self._image.width() * scale, self._image.height() * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        rect = self.image_rect()
        if self._image is None or rect.isEmpty():
            return
        scale = self._image.width() / rect.width()
        pos = event.position()
        self.clicked.emit((pos.x() - rect.x()) * scale, (pos.y() - rect.y()) * scale)

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.black)
        if self._image is not None:
            painter.drawImage(self.image_rect(), self._image)
        painter.end()
