"""A field's detections as the reviewer left them: corrected classes and attributes applied,
rejected cells removed. The model's own output stays in the store untouched."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from edge_app.detections import Detections
from edge_app.store.reviews import Review


@dataclass(frozen=True)
class ReviewTally:
    cells: int = 0        # detected by the model
    reviewed: int = 0
    corrected: int = 0
    rejected: int = 0

    def __add__(self, other: ReviewTally) -> ReviewTally:
        return ReviewTally(self.cells + other.cells, self.reviewed + other.reviewed,
                           self.corrected + other.corrected, self.rejected + other.rejected)


def apply_reviews(dets: Detections, ids: Sequence[int],
                  reviews: Mapping[int, Review]) -> tuple[Detections, ReviewTally]:
    """`ids` are the detections' database ids (same order). A reviewed attribute becomes a one-hot
    probability (an all-zero row where the reviewer marked it not annotated)."""
    class_id = dets.class_id.copy()
    prob = dets.attr_prob.copy()
    keep = np.ones(len(dets), bool)
    corrected = rejected = reviewed = 0
    for i, det_id in enumerate(ids):
        review = reviews.get(det_id)
        if review is None:
            continue
        reviewed += 1
        if review.class_id is None:
            keep[i] = False
            rejected += 1
            continue
        corrected += review.verdict == "corrected"
        class_id[i] = review.class_id
        for a, code in enumerate(review.codes[: prob.shape[1]]):
            prob[i, a] = 0.0
            if 0 <= code < prob.shape[2]:
                prob[i, a, code] = 1.0
    out = Detections(dets.xyxy, class_id, dets.score, prob)[np.flatnonzero(keep)]
    return out, ReviewTally(len(dets), reviewed, corrected, rejected)
