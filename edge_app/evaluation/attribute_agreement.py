"""Attribute scoring as the LeukemiaAttri paper intends, and agreement between two result sets.

Each ground-truth cell is matched to the detection of highest IoU (at least `min_iou`); its
attributes are compared one by one, skipping those that are not annotated — per attribute, not
per cell (the official code drops a cell if any attribute is missing). Reported per attribute:
accuracy, macro-F1 over the values, Cohen's kappa, the majority-value rate (what always guessing
the commonest value would score), and how many cells were scored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from edge_app.detections import Detections
from edge_app.runtime.nms import box_iou
from edge_app.taxonomy import Taxonomy


@dataclass(frozen=True)
class AttributeScore:
    name: str
    accuracy: float
    macro_f1: float
    kappa: float
    majority_rate: float
    scored: int

    def to_dict(self) -> dict[str, float | int | str]:
        return {"accuracy": self.accuracy, "macro_f1": self.macro_f1, "kappa": self.kappa,
                "majority_rate": self.majority_rate, "scored": self.scored}


@dataclass(frozen=True)
class AttributeReport:
    scores: tuple[AttributeScore, ...]
    matched_cells: int
    total_cells: int

    @property
    def mean_accuracy(self) -> float:
        scored = [s.accuracy for s in self.scores if s.scored]
        return float(np.mean(scored)) if scored else 0.0

    def to_dict(self) -> dict[str, object]:
        return {"mean_accuracy": self.mean_accuracy, "matched_cells": self.matched_cells,
                "total_cells": self.total_cells, "per_attribute": {s.name: s.to_dict() for s in self.scores}}


def match_best_iou(gt: Detections, pred: Detections, min_iou: float = 0.5) -> np.ndarray:
    """For each ground-truth cell, the index of its best-IoU prediction, or -1 below `min_iou`."""
    if len(gt) == 0 or len(pred) == 0:
        return np.full(len(gt), -1, np.int64)
    ious = box_iou(gt.xyxy, pred.xyxy)
    best = ious.argmax(axis=1)
    return np.where(ious[np.arange(len(gt)), best] >= min_iou, best, -1)


def score_attributes(
    taxonomy: Taxonomy, ground_truth: Sequence[Detections], predictions: Sequence[Detections], min_iou: float = 0.5
) -> AttributeReport:
    truth: list[np.ndarray] = []
    guess: list[np.ndarray] = []
    total = 0
    for gt, pred in zip(ground_truth, predictions, strict=True):
        total += len(gt)
        match = match_best_iou(gt, pred, min_iou)
        hit = match >= 0
        truth.append(gt.attribute_codes(taxonomy.not_annotated)[hit])
        guess.append(pred.attr_value[match[hit]] if len(pred) else np.zeros((0, taxonomy.num_attributes), int))
    t = np.concatenate(truth) if truth else np.zeros((0, taxonomy.num_attributes), int)
    g = np.concatenate(guess) if guess else np.zeros((0, taxonomy.num_attributes), int)
    scores = tuple(
        agreement(attr.name, t[:, a], g[:, a], len(attr.values), taxonomy.not_annotated)
        for a, attr in enumerate(taxonomy.attributes)
    )
    return AttributeReport(scores, len(t), total)


def agreement(name: str, reference: np.ndarray, other: np.ndarray, num_values: int, skip_code: int) -> AttributeScore:
    """Accuracy, macro-F1, Cohen's kappa of `other` against `reference`, skipping `skip_code`."""
    keep = reference != skip_code
    ref, oth = reference[keep].astype(int), other[keep].astype(int)
    if len(ref) == 0:
        return AttributeScore(name, 0.0, 0.0, 0.0, 0.0, 0)
    confusion = np.zeros((num_values, num_values), np.float64)
    np.add.at(confusion, (ref, np.clip(oth, 0, num_values - 1)), 1)
    n = confusion.sum()
    accuracy = float(np.trace(confusion) / n)
    expected = float((confusion.sum(0) * confusion.sum(1)).sum() / n**2)
    kappa = (accuracy - expected) / (1 - expected) if expected < 1 else 1.0 if accuracy == 1 else 0.0
    return AttributeScore(name, accuracy, _macro_f1(confusion), float(kappa),
                          float(confusion.sum(1).max() / n), int(n))


def _macro_f1(confusion: np.ndarray) -> float:
    """Mean F1 over the values present in the reference or the prediction."""
    tp = np.diag(confusion)
    support = confusion.sum(1) + confusion.sum(0)
    present = support > 0
    f1 = np.where(present, 2 * tp / np.maximum(support, 1e-12), 0.0)
    return float(f1[present].mean()) if present.any() else 0.0
