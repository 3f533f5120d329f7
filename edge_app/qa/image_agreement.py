"""Per-image agreement: how well one image's candidate cells match its reference cells.

Greedy one-to-one matching by candidate score at IoU >= `min_iou`, same class required; F1 over
the two cell counts (1.0 when both are empty) and the mean IoU of the matches. The QA page
shows the images with the lowest F1 first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from edge_app.detections import Detections
from edge_app.qa.result_set import ResultItem
from edge_app.runtime.nms import box_iou


@dataclass(frozen=True)
class ImageAgreement:
    reference: ResultItem
    candidate: ResultItem
    matched: int
    f1: float
    mean_iou: float

    @property
    def name(self) -> str:
        return self.reference.name or self.candidate.name

    def to_dict(self) -> dict[str, Any]:
        return {"image_sha256": self.reference.sha256, "name": self.name,
                "reference_cells": len(self.reference.detections), "candidate_cells": len(self.candidate.detections),
                "matched": self.matched, "f1": self.f1, "mean_iou": self.mean_iou}


def match_cells(ref: Detections, cand: Detections, min_iou: float = 0.5) -> list[tuple[int, int, float]]:
    """(reference index, candidate index, IoU) of greedy same-class matches, best candidates first."""
    if not len(ref) or not len(cand):
        return []
    ious = box_iou(cand.xyxy, ref.xyxy)
    ious[cand.class_id[:, None] != ref.class_id[None, :]] = 0.0
    taken = np.zeros(len(ref), bool)
    matches = []
    for c in np.argsort(-cand.score, kind="mergesort"):
        row = np.where(taken, 0.0, ious[c])
        r = int(row.argmax())
        if row[r] >= min_iou:
            taken[r] = True
            matches.append((r, int(c), float(row[r])))
    return matches


def image_agreement(ref: ResultItem, cand: ResultItem, min_iou: float = 0.5) -> ImageAgreement:
    matches = match_cells(ref.detections, cand.detections, min_iou)
    total = len(ref.detections) + len(cand.detections)
    f1 = 2 * len(matches) / total if total else 1.0
    mean_iou = float(np.mean([m[2] for m in matches])) if matches else (1.0 if not total else 0.0)
    return ImageAgreement(ref, cand, len(matches), f1, mean_iou)
