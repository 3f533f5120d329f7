"""Leuko's detection and attribute scores, in numpy, from per-image records.

- Box AP as COCO computes it: greedy matching by confidence at IoU 0.50:0.05:0.95, at most
  `max_det` detections per image, precision envelope sampled at 101 recall points; classes
  without ground truth are left out of the mean. mAP50 and mAP50-95 follow.
- Attributes as the AttriDet paper intends: every ground-truth cell is matched to the detection
  of highest IoU (any IoU > `min_iou`, no class condition); each attribute is scored on the
  cells where it is annotated (per attribute, not only on fully annotated cells); accuracy and
  macro-F1 over the values that occur in truth or prediction. Cells no detection overlaps are
  counted in `unmatched` and not scored. The majority-value rate is reported as the floor a
  useful head must beat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from edge_app.taxonomy import Taxonomy

IOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)
RECALL_POINTS = np.linspace(0.0, 1.0, 101)


@dataclass(frozen=True)
class ImageRecord:
    """Ground truth and detections of one image, boxes xyxy in one pixel frame."""

    gt_boxes: np.ndarray  # (G, 4)
    gt_cls: np.ndarray  # (G,)
    gt_codes: np.ndarray  # (G, A) attribute codes; anything out of a value range = not annotated
    det_boxes: np.ndarray  # (D, 4)
    det_conf: np.ndarray  # (D,)
    det_cls: np.ndarray  # (D,)
    det_attr: np.ndarray  # (D, V) attribute value probabilities, V = sum of value counts
    domain: str = "all"


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(len(a), len(b)) IoU of xyxy boxes."""
    if not len(a) or not len(b):
        return np.zeros((len(a), len(b)), np.float64)
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.clip(rb - lt, 0, None).prod(2)
    area_a = (a[:, 2:] - a[:, :2]).prod(1)
    area_b = (b[:, 2:] - b[:, :2]).prod(1)
    return inter / np.maximum(area_a[:, None] + area_b[None, :] - inter, 1e-12)


# --- box AP --------------------------------------------------------------------------------
def _top_detections(rec: ImageRecord, max_det: int) -> np.ndarray:
    return np.argsort(-rec.det_conf, kind="stable")[:max_det]


def _match_image(rec: ImageRecord, cls: int, max_det: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Confidences and (D_c, T) true-positive flags of class `cls` in one image, and its GT count."""
    keep = _top_detections(rec, max_det)
    det = keep[rec.det_cls[keep] == cls]
    gt = np.flatnonzero(rec.gt_cls == cls)
    tp = np.zeros((len(det), len(IOU_THRESHOLDS)), bool)
    if len(det) and len(gt):
        iou = box_iou(rec.det_boxes[det], rec.gt_boxes[gt])
        for t, thr in enumerate(IOU_THRESHOLDS):
            tp[:, t] = _greedy_match(iou, thr)
    return rec.det_conf[det], tp, len(gt)


def _greedy_match(iou: np.ndarray, thr: float) -> np.ndarray:
    """COCO: each detection (confidence order) takes the best still-free GT with IoU >= thr."""
    taken = np.zeros(iou.shape[1], bool)
    hit = np.zeros(iou.shape[0], bool)
    for d in range(iou.shape[0]):
        cand = np.where(taken, -1.0, iou[d])
        g = int(cand.argmax())
        if cand[g] >= thr - 1e-10:
            taken[g] = hit[d] = True
    return hit


def _average_precision(conf: np.ndarray, tp: np.ndarray, n_gt: int) -> np.ndarray:
    """(T,) 101-point interpolated AP per IoU threshold."""
    if not len(conf):
        return np.zeros(tp.shape[1])
    order = np.argsort(-conf, kind="mergesort")
    tp = tp[order]
    tps, fps = np.cumsum(tp, 0), np.cumsum(~tp, 0)
    ap = np.zeros(tp.shape[1])
    for t in range(tp.shape[1]):
        recall = tps[:, t] / n_gt
        precision = np.maximum.accumulate((tps[:, t] / np.maximum(tps[:, t] + fps[:, t], 1e-12))[::-1])[::-1]
        idx = np.searchsorted(recall, RECALL_POINTS, side="left")
        ap[t] = np.where(idx < len(precision), precision[np.minimum(idx, len(precision) - 1)], 0.0).mean()
    return ap


def class_ap(records: Sequence[ImageRecord], nc: int, max_det: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """(nc, 10) AP per class and IoU threshold (NaN where a class has no GT), and GT counts."""
    ap = np.full((nc, len(IOU_THRESHOLDS)), np.nan)
    counts = np.zeros(nc, np.int64)
    for c in range(nc):
        parts = [_match_image(r, c, max_det) for r in records]
        counts[c] = sum(p[2] for p in parts)
        if counts[c]:
            conf = np.concatenate([p[0] for p in parts])
            tp = np.concatenate([p[1] for p in parts]).reshape(-1, len(IOU_THRESHOLDS))
            ap[c] = _average_precision(conf, tp, int(counts[c]))
    return ap, counts


# --- attributes ----------------------------------------------------------------------------
def _matched_predictions(rec: ImageRecord, value_counts: Sequence[int], min_iou: float) -> np.ndarray:
    """(G, A) predicted codes of each GT cell's best-IoU detection; -1 where none overlaps."""
    out = np.full((len(rec.gt_boxes), len(value_counts)), -1, np.int64)
    if not len(rec.gt_boxes) or not len(rec.det_boxes):
        return out
    iou = box_iou(rec.gt_boxes, rec.det_boxes)
    best = iou.argmax(1)
    ok = iou[np.arange(len(best)), best] > min_iou
    groups = np.split(rec.det_attr[best], np.cumsum(value_counts)[:-1], axis=1)
    codes = np.stack([g.argmax(1) for g in groups], 1)
    out[ok] = codes[ok]
    return out


def _macro_f1(true: np.ndarray, pred: np.ndarray) -> float:
    scores = []
    for v in np.union1d(true, pred):
        tp = np.sum((true == v) & (pred == v))
        denom = np.sum(true == v) + np.sum(pred == v)
        scores.append(2 * tp / denom if denom else 0.0)
    return float(np.mean(scores)) if scores else float("nan")


def attribute_scores(
    records: Sequence[ImageRecord], taxonomy: Taxonomy, min_iou: float = 0.0
) -> dict[str, dict[str, Any]]:
    """Per attribute: n scored, accuracy, macro-F1, majority-value rate, unmatched cells."""
    counts = [len(a.values) for a in taxonomy.attributes]
    if not counts or not records:
        return {}
    gt = np.concatenate([r.gt_codes.reshape(-1, len(counts)) for r in records])
    pred = np.concatenate([_matched_predictions(r, counts, min_iou) for r in records])
    return {a.name: _score_one(gt[:, i], pred[:, i], counts[i]) for i, a in enumerate(taxonomy.attributes)}


def _score_one(true: np.ndarray, pred: np.ndarray, n_values: int) -> dict[str, Any]:
    annotated = (true >= 0) & (true < n_values)
    matched = annotated & (pred >= 0)
    t, p = true[matched], pred[matched]
    majority = float(np.bincount(t, minlength=n_values).max() / len(t)) if len(t) else float("nan")
    return {
        "n": len(t),
        "unmatched": int(np.sum(annotated & (pred < 0))),
        "accuracy": float(np.mean(t == p)) if len(t) else float("nan"),
        "macro_f1": _macro_f1(t, p),
        "majority_rate": majority,
    }


# --- report --------------------------------------------------------------------------------
def evaluate(
    records: Sequence[ImageRecord], taxonomy: Taxonomy, max_det: int = 100, min_iou: float = 0.0
) -> dict[str, Any]:
    """The full report: overall plus one entry per domain (when more than one)."""
    report = _evaluate_subset(records, taxonomy, max_det, min_iou)
    domains = sorted({r.domain for r in records})
    report["domains"] = {
        d: _evaluate_subset([r for r in records if r.domain == d], taxonomy, max_det, min_iou) for d in domains
    }
    return report


def _evaluate_subset(
    records: Sequence[ImageRecord], taxonomy: Taxonomy, max_det: int, min_iou: float
) -> dict[str, Any]:
    ap, counts = class_ap(records, taxonomy.num_classes, max_det)
    present = counts > 0
    attrs = attribute_scores(records, taxonomy, min_iou)
    return {
        "images": len(records),
        "instances": int(counts.sum()),
        "mAP50": _nanmean(ap[present, 0]),
        "mAP50-95": _nanmean(ap[present].mean(1)),
        "per_class": {
            name: {"instances": int(counts[c]), "AP50": _num(ap[c, 0]), "AP50-95": _num(ap[c].mean())}
            for c, name in enumerate(taxonomy.classes)
        },
        "attributes": attrs,
        "attr_accuracy_mean": _nanmean([a["accuracy"] for a in attrs.values()]),
        "attr_macro_f1_mean": _nanmean([a["macro_f1"] for a in attrs.values()]),
    }


def _nanmean(values: Any) -> float:
    arr = np.asarray(values, np.float64)
    arr = arr[~np.isnan(arr)]
    return float(arr.mean()) if arr.size else float("nan")


def _num(value: float) -> float | None:
    return None if np.isnan(value) else float(value)
