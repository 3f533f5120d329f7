"""COCO-style mAP (101-point interpolated, IoU 0.50:0.05:0.95, 100 detections per image and class).

Follows pycocotools' `COCOeval` for bounding boxes (area range "all", no crowd): per image and
class, detections sorted by score are greedily matched to the unmatched ground truth of highest
IoU at each threshold; matches are accumulated over images; precision is made monotone and
sampled at 101 recall points. A test checks agreement with pycocotools within 0.001.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from edge_app.detections import Detections
from edge_app.runtime.nms import box_iou

IOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)
RECALL_POINTS = np.linspace(0.0, 1.0, 101)
MAX_DETECTIONS = 100


@dataclass
class MapResult:
    map50_95: float
    map50: float
    per_class_ap50_95: dict[int, float] = field(default_factory=dict)
    per_class_ap50: dict[int, float] = field(default_factory=dict)
    gt_counts: dict[int, int] = field(default_factory=dict)
    det_counts: dict[int, int] = field(default_factory=dict)

    def to_dict(self, class_names: Sequence[str] | None = None) -> dict[str, object]:
        def name(c: int) -> str:
            return class_names[c] if class_names else str(c)

        return {
            "mAP50-95": self.map50_95,
            "mAP50": self.map50,
            "per_class": {
                name(c): {"AP50-95": self.per_class_ap50_95[c], "AP50": self.per_class_ap50[c],
                          "ground_truth": self.gt_counts.get(c, 0), "detections": self.det_counts.get(c, 0)}
                for c in sorted(self.per_class_ap50_95)
            },
        }


@dataclass
class _ClassAccumulator:
    scores: list[np.ndarray] = field(default_factory=list)
    matched: list[np.ndarray] = field(default_factory=list)  # (T, n) bool per image
    num_gt: int = 0


def evaluate_map(ground_truth: Sequence[Detections], predictions: Sequence[Detections]) -> MapResult:
    """mAP over images given as aligned lists of ground-truth and predicted `Detections`."""
    if len(ground_truth) != len(predictions):
        raise ValueError(f"{len(ground_truth)} ground-truth images but {len(predictions)} prediction sets")
    classes: dict[int, _ClassAccumulator] = {}
    det_counts: dict[int, int] = {}
    for gt, dt in zip(ground_truth, predictions, strict=True):
        for c in set(gt.class_id.tolist()) | set(dt.class_id.tolist()):
            acc = classes.setdefault(c, _ClassAccumulator())
            g, d = gt.xyxy[gt.class_id == c], dt[dt.class_id == c]
            order = np.argsort(-d.score, kind="mergesort")[:MAX_DETECTIONS]
            acc.scores.append(d.score[order])
            acc.matched.append(_match(g, d.xyxy[order]))
            acc.num_gt += len(g)
            det_counts[c] = det_counts.get(c, 0) + len(order)
    per_class = {c: _average_precision(acc) for c, acc in classes.items() if acc.num_gt > 0}
    ap = {c: float(v.mean()) for c, v in per_class.items()}
    ap50 = {c: float(v[0]) for c, v in per_class.items()}
    return MapResult(
        float(np.mean(list(ap.values()))) if ap else 0.0,
        float(np.mean(list(ap50.values()))) if ap50 else 0.0,
        ap, ap50, {c: a.num_gt for c, a in classes.items() if a.num_gt}, det_counts,
    )


def _match(gt_xyxy: np.ndarray, dt_xyxy: np.ndarray) -> np.ndarray:
    """(T, n_dt) True where a detection matches a ground truth at each IoU threshold."""
    matched = np.zeros((len(IOU_THRESHOLDS), len(dt_xyxy)), bool)
    if len(gt_xyxy) == 0 or len(dt_xyxy) == 0:
        return matched
    ious = box_iou(dt_xyxy, gt_xyxy)
    for t, thr in enumerate(IOU_THRESHOLDS):
        taken = np.zeros(len(gt_xyxy), bool)
        for d in range(len(dt_xyxy)):
            candidates = np.where(~taken, ious[d], -1.0)
            g = int(np.argmax(candidates))
            # pycocotools accepts iou >= min(thr, 1 - 1e-10) against the best remaining gt
            if candidates[g] >= min(thr, 1 - 1e-10):
                taken[g] = True
                matched[t, d] = True
    return matched


def _average_precision(acc: _ClassAccumulator) -> np.ndarray:
    """(T,) 101-point interpolated AP per IoU threshold."""
    scores = np.concatenate(acc.scores) if acc.scores else np.zeros(0)
    matched = np.concatenate(acc.matched, axis=1) if acc.matched else np.zeros((len(IOU_THRESHOLDS), 0), bool)
    order = np.argsort(-scores, kind="mergesort")
    tp = np.cumsum(matched[:, order], axis=1, dtype=np.float64)
    fp = np.cumsum(~matched[:, order], axis=1, dtype=np.float64)
    ap = np.zeros(len(IOU_THRESHOLDS))
    if len(order) == 0:
        return ap
    for t in range(len(IOU_THRESHOLDS)):
        recall = tp[t] / acc.num_gt
        precision = tp[t] / np.maximum(tp[t] + fp[t], np.spacing(1))
        precision = np.maximum.accumulate(precision[::-1])[::-1]
        idx = np.searchsorted(recall, RECALL_POINTS, side="left")
        sampled = np.where(idx < len(precision), precision[np.minimum(idx, len(precision) - 1)], 0.0)
        ap[t] = sampled.mean()
    return ap
