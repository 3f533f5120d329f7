"""Compare two result sets on the images they share: detection mAP, counts, attribute agreement.

The reference is the labelled dataset when one side is a dataset, else A; the other side is
the candidate and is scored with the reference as ground truth (`evaluate_map`, checked
against pycocotools). The reference scored against itself is 1.0, so the mAP drop of the
candidate is `1 - mAP`. With `truth` (a labelled dataset), both sides are scored against it
and the drop is `mAP(A) - mAP(B)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from edge_app.detections import Detections
from edge_app.errors import ValidationError
from edge_app.evaluation.attribute_agreement import AttributeReport, score_attributes
from edge_app.evaluation.detection_map import MapResult, evaluate_map
from edge_app.qa.image_agreement import ImageAgreement, image_agreement
from edge_app.qa.result_set import ResultItem, ResultSet

GATE_METRICS = ("mAP50", "mAP50-95")


@dataclass(frozen=True)
class Pairing:
    reference: ResultSet
    candidate: ResultSet
    pairs: tuple[tuple[ResultItem, ResultItem], ...]
    unmatched_reference: int
    unmatched_candidate: int


@dataclass
class Comparison:
    pairing: Pairing
    detection: MapResult
    attributes: AttributeReport
    counts: dict[str, tuple[int, int]]  # class -> (reference count, candidate count)
    worst: list[ImageAgreement]
    truth_maps: dict[str, MapResult] = field(default_factory=dict)  # "A"/"B" -> mAP against --truth

    def metric(self, result: MapResult, name: str) -> float:
        return result.map50 if name == "mAP50" else result.map50_95

    def map_drop(self, metric: str = "mAP50") -> float:
        if self.truth_maps:
            return self.metric(self.truth_maps["A"], metric) - self.metric(self.truth_maps["B"], metric)
        return 1.0 - self.metric(self.detection, metric)

    def to_dict(self) -> dict[str, Any]:
        p, names = self.pairing, list(self.pairing.reference.taxonomy.classes)
        return {
            "reference": p.reference.label, "candidate": p.candidate.label, "matched_images": len(p.pairs),
            "unmatched_reference": p.unmatched_reference, "unmatched_candidate": p.unmatched_candidate,
            "detection": self.detection.to_dict(names),
            "map_drop": {m: self.map_drop(m) for m in GATE_METRICS},
            "against_truth": {k: v.to_dict(names) for k, v in self.truth_maps.items()},
            "counts": {c: {"reference": r, "candidate": k, "delta": k - r} for c, (r, k) in self.counts.items()},
            "attributes": self.attributes.to_dict(),
            "worst_images": [w.to_dict() for w in self.worst],
        }


def pair_sets(a: ResultSet, b: ResultSet) -> Pairing:
    """Reference first (the dataset, if either is one); images matched by content hash."""
    if b.is_ground_truth and not a.is_ground_truth:
        a, b = b, a
    if a.taxonomy.classes != b.taxonomy.classes:
        raise ValidationError(f"{a.label} and {b.label} name different classes", where=b.label,
                              hint="compare results of models that share a taxonomy")
    other = b.by_sha()
    pairs = tuple((item, other[item.sha256]) for item in a.items if item.sha256 in other)
    if not pairs:
        raise ValidationError(f"{a.label} and {b.label} share no image (matched by content hash)",
                              hint="compare results of the same fields: scan the same folder or dataset images")
    return Pairing(a, b, pairs, len(a.items) - len(pairs), len(b.items) - len(pairs))


def compare_sets(a: ResultSet, b: ResultSet, truth: ResultSet | None = None, worst: int = 8,
                 min_iou: float = 0.5) -> Comparison:
    pairing = pair_sets(a, b)
    refs = [r.detections for r, _ in pairing.pairs]
    cands = [c.detections for _, c in pairing.pairs]
    agreements = [image_agreement(r, c, min_iou) for r, c in pairing.pairs]
    ranked = sorted(agreements, key=lambda g: (g.f1, g.mean_iou, g.name))
    comparison = Comparison(
        pairing, evaluate_map(refs, cands), score_attributes(pairing.reference.taxonomy, refs, cands, min_iou),
        _counts(pairing.reference.taxonomy.classes, refs, cands), [g for g in ranked if g.f1 < 1.0][:worst],
    )
    if truth is not None:
        shared = {r.sha256 for r, _ in pairing.pairs}  # both sides scored on the same images
        comparison.truth_maps = {"A": _against(truth, a, shared), "B": _against(truth, b, shared)}
    return comparison


def _against(truth: ResultSet, side: ResultSet, shared: set[str]) -> MapResult:
    pairs = [(t, s) for t, s in pair_sets(truth, side).pairs if t.sha256 in shared]
    return evaluate_map([t.detections for t, _ in pairs], [s.detections for _, s in pairs])


def _counts(classes: tuple[str, ...], refs: list[Detections], cands: list[Detections]) -> dict[str, tuple[int, int]]:
    n = len(classes)
    ref = np.bincount(np.concatenate([d.class_id for d in refs]) if refs else [], minlength=n)
    cand = np.bincount(np.concatenate([d.class_id for d in cands]) if cands else [], minlength=n)
    return {classes[c]: (int(ref[c]), int(cand[c])) for c in range(n) if ref[c] or cand[c]}
