"""Attribute scoring: best-IoU matching, per-attribute skipping of 'not annotated', F1 and kappa."""

from __future__ import annotations

import numpy as np
import pytest

from edge_app.detections import Detections
from edge_app.evaluation.attribute_agreement import agreement, match_best_iou, score_attributes
from edge_app.taxonomy import Attribute, Taxonomy

TAX = Taxonomy(("a", "b"), (Attribute("shape", ("round", "lobed")), Attribute("vacuoles", ("no", "yes"))))


def test_each_gt_cell_takes_its_best_iou_detection() -> None:
    gt = Detections([[0, 0, 10, 10], [100, 100, 110, 110]], [0, 0], [1, 1], np.zeros((2, 0, 0)))
    pred = Detections([[1, 1, 11, 11], [0, 0, 10, 10], [50, 50, 60, 60]], [0, 1, 0], [1, 1, 1], np.zeros((3, 0, 0)))
    assert match_best_iou(gt, pred).tolist() == [1, -1]


def test_not_annotated_is_skipped_per_attribute_not_per_cell() -> None:
    box = [[0, 0, 10, 10], [20, 0, 30, 10], [40, 0, 50, 10]]
    gt = Detections.from_attribute_codes(np.array(box, np.float32), [0, 0, 1], [[0, 2], [1, 1], [1, 0]], 2)
    pred = Detections.from_attribute_codes(np.array(box, np.float32), [0, 0, 1], [[0, 1], [1, 0], [0, 0]], 2)
    report = score_attributes(TAX, [gt], [pred])
    shape, vacuoles = report.scores
    assert (shape.scored, shape.accuracy) == (3, pytest.approx(2 / 3))
    assert (vacuoles.scored, vacuoles.accuracy) == (2, pytest.approx(0.5))
    assert report.matched_cells == 3 and report.total_cells == 3


def test_agreement_statistics_against_hand_computed_values() -> None:
    ref = np.array([0, 0, 0, 0, 1, 1, 2])
    oth = np.array([0, 0, 0, 1, 1, 0, 1])
    score = agreement("x", ref, oth, 2, skip_code=2)
    assert score.accuracy == pytest.approx(4 / 6)
    # confusion [[3,1],[1,1]]: po = 4/6, pe = (4*4 + 2*2)/36 = 20/36, kappa = (24-20)/(36-20)
    assert score.kappa == pytest.approx(4 / 16)
    # F1 value 0: 2*3/(4+4) = .75 ; value 1: 2*1/(2+2) = .5
    assert score.macro_f1 == pytest.approx(0.625)
    assert score.majority_rate == pytest.approx(4 / 6)


def test_parity_reports_no_attribute_accuracy_when_nothing_is_annotated() -> None:
    from types import SimpleNamespace

    from export.parity import _attr_accuracy

    box = np.array([[0, 0, 10, 10]], np.float32)
    gt = Detections.from_attribute_codes(box, [0], [[2, 2]], 2)  # BCCD-like: every attribute "not annotated"
    pred = Detections.from_attribute_codes(box, [0], [[0, 1]], 2)
    bundle = SimpleNamespace(card=SimpleNamespace(taxonomy=TAX))
    assert _attr_accuracy(bundle, [gt], [pred]) is None  # "-" in the table, not a 0.00 that reads as a failure
    annotated = Detections.from_attribute_codes(box, [0], [[0, 0]], 2)
    assert _attr_accuracy(bundle, [annotated], [pred]) == pytest.approx(0.5)
