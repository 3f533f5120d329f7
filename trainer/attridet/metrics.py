"""Leuko's evaluation report of a validation run, built on `edge_app.evaluation`.

Box AP is COCO's (101-point, IoU 0.50:0.05:0.95, 100 detections per image,
`edge_app.evaluation.detection_map`). Attributes are scored as the AttriDet paper intends
(`edge_app.evaluation.attribute_agreement`): each ground-truth cell against its best-IoU
detection, per attribute, "not annotated" skipped per attribute. The paper's code matches with
no IoU floor; here any overlap counts (`ATTR_MIN_IOU`), so a cell that no detection touches is
left unscored rather than compared with an unrelated box.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from edge_app.detections import Detections
from edge_app.evaluation.attribute_agreement import score_attributes
from edge_app.evaluation.detection_map import evaluate_map
from edge_app.taxonomy import Taxonomy

ATTR_MIN_IOU = 1e-6


@dataclass(frozen=True)
class EvalImage:
    """Ground truth and predictions of one image in one pixel frame, and its imaging domain."""

    gt: Detections
    pred: Detections
    domain: str = "all"


def group_probs_to_attr_prob(probs: np.ndarray, value_counts: Sequence[int]) -> np.ndarray:
    """(N, V) concatenated per-attribute probabilities -> (N, A, K), zero-padded to K values."""
    k = max(value_counts, default=0)
    out = np.zeros((len(probs), len(value_counts), k), np.float32)
    start = 0
    for a, n in enumerate(value_counts):
        out[:, a, :n] = probs[:, start : start + n]
        start += n
    return out


def evaluate(images: Sequence[EvalImage], taxonomy: Taxonomy, min_iou: float = ATTR_MIN_IOU) -> dict[str, Any]:
    """The report: overall numbers plus the same per imaging domain."""
    report = _evaluate_subset(images, taxonomy, min_iou)
    domains = sorted({i.domain for i in images})
    report["domains"] = {d: _evaluate_subset([i for i in images if i.domain == d], taxonomy, min_iou) for d in domains}
    return report


def _evaluate_subset(images: Sequence[EvalImage], taxonomy: Taxonomy, min_iou: float) -> dict[str, Any]:
    gt, pred = [i.gt for i in images], [i.pred for i in images]
    boxes = evaluate_map(gt, pred)
    scored = bool(taxonomy.attributes) and all(p.num_attributes == taxonomy.num_attributes for p in pred)
    attrs = score_attributes(taxonomy, gt, pred, min_iou).to_dict() if scored else None
    per_attr = attrs["per_attribute"] if attrs else {}
    return {
        "images": len(images),
        "instances": int(sum(len(g) for g in gt)),
        "mAP50": boxes.map50,
        "mAP50-95": boxes.map50_95,
        "per_class": boxes.to_dict(list(taxonomy.classes))["per_class"],
        "attributes": attrs,
        "attr_accuracy_mean": _mean([a["accuracy"] for a in per_attr.values() if a["scored"]]),
        "attr_macro_f1_mean": _mean([a["macro_f1"] for a in per_attr.values() if a["scored"]]),
    }


def _mean(values: list[float]) -> float | None:
    return float(np.mean(values)) if values else None
