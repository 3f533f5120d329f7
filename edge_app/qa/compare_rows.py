"""The QA comparison's tables as plain rows (header + tuples): the HTML page and the QA tab show the same."""

from __future__ import annotations

from edge_app.qa.compare import GATE_METRICS, Comparison

Row = tuple[object, ...]
METRIC_HEADER = ("metric", "value")
CLASS_HEADER = ("class", "AP50", "AP50-95", "reference cells", "candidate cells")
COUNT_HEADER = ("class", "reference", "candidate", "delta")
ATTRIBUTE_HEADER = ("attribute", "accuracy", "macro-F1", "Cohen's kappa", "cells")


def map_rows(c: Comparison) -> list[Row]:
    return [("mAP50", c.detection.map50), ("mAP50-95", c.detection.map50_95)]


def metric_rows(c: Comparison) -> list[Row]:
    """mAP of the candidate against the reference, the gated drops, and each side against the labels if any."""
    rows = map_rows(c)
    rows += [(f"{m} drop", c.map_drop(m)) for m in GATE_METRICS]
    for side, result in c.truth_maps.items():
        rows += [(f"{side} mAP50 (labels)", result.map50), (f"{side} mAP50-95 (labels)", result.map50_95)]
    return rows


def class_rows(c: Comparison) -> list[Row]:
    per_class = c.detection.to_dict(list(c.pairing.reference.taxonomy.classes))["per_class"]
    return [(name, v["AP50"], v["AP50-95"], v["ground_truth"], v["detections"])
            for name, v in per_class.items()]  # type: ignore[union-attr]


def count_rows(c: Comparison) -> list[Row]:
    return [(name, r, k, k - r) for name, (r, k) in c.counts.items()]


def attribute_rows(c: Comparison) -> list[Row]:
    return [(s.name.replace("_", " "), s.accuracy, s.macro_f1, s.kappa, s.scored) for s in c.attributes.scores]
