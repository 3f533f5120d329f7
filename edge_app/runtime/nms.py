"""Class-aware non-maximum suppression that carries every aligned array (attributes too)."""

from __future__ import annotations

import cv2
import numpy as np

from edge_app.detections import Detections


def nms(dets: Detections, iou_threshold: float = 0.7, max_detections: int = 300) -> Detections:
    """Keep, per class, the best-scoring boxes that overlap a better one by at most `iou_threshold`.

    Returns the kept detections sorted by descending score; attributes follow their box.
    """
    if len(dets) == 0:
        return dets
    xywh = dets.xyxy.copy()
    xywh[:, 2:] -= xywh[:, :2]
    keep = cv2.dnn.NMSBoxesBatched(xywh, dets.score, dets.class_id.astype(np.int32), 0.0, iou_threshold)
    keep = np.asarray(keep, dtype=np.int64).reshape(-1)
    keep = keep[np.argsort(-dets.score[keep], kind="stable")][:max_detections]
    return dets[keep]


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(N,4) x (M,4) xyxy -> (N,M) intersection over union."""
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(rb - lt, 0, None), axis=2)
    area_a = np.prod(a[:, 2:] - a[:, :2], axis=1)
    area_b = np.prod(b[:, 2:] - b[:, :2], axis=1)
    return inter / np.maximum(area_a[:, None] + area_b[None, :] - inter, 1e-9)
