"""numpy BGR pictures to Qt images (one conversion for the live view, cell panel, gallery and tabs)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap


def bgr_qimage(bgr: np.ndarray) -> QImage:
    """A QImage that owns its pixels (the numpy buffer may go away)."""
    rgb = np.ascontiguousarray(bgr[:, :, ::-1])
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def bgr_pixmap(bgr: np.ndarray, fit: int | None = None) -> QPixmap:
    """As a pixmap, scaled to fit a `fit` x `fit` square (aspect kept) when given."""
    pixmap = QPixmap.fromImage(bgr_qimage(bgr))
    if fit is None:
        return pixmap
    return pixmap.scaled(fit, fit, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
