"""Leuko's mAP agrees with pycocotools (the reference implementation) within 0.001."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from edge_app.detections import Detections
from edge_app.evaluation.detection_map import evaluate_map

NUM_CLASSES = 4


def _scene(rng: np.random.Generator) -> tuple[Detections, Detections]:
    n = int(rng.integers(0, 8))
    xy = rng.uniform(0, 500, (n, 2))
    gt_xyxy = np.hstack([xy, xy + rng.uniform(20, 120, (n, 2))])
    gt_cls = rng.integers(0, NUM_CLASSES, n)
    keep = rng.random(n) < 0.8  # some cells missed
    jitter = rng.normal(0, rng.uniform(1, 15), (n, 4))
    det_xyxy = gt_xyxy[keep] + jitter[keep]
    det_cls = np.where(rng.random(n) < 0.85, gt_cls, rng.integers(0, NUM_CLASSES, n))[keep]
    m = int(rng.integers(0, 4))  # false positives
    fp_xy = rng.uniform(0, 500, (m, 2))
    det_xyxy = np.vstack([det_xyxy, np.hstack([fp_xy, fp_xy + rng.uniform(20, 100, (m, 2))])])
    det_xyxy[:, 2:] = np.maximum(det_xyxy[:, 2:], det_xyxy[:, :2] + 1)
    det_cls = np.concatenate([det_cls, rng.integers(0, NUM_CLASSES, m)])
    scores = rng.uniform(0.05, 1.0, len(det_cls)).round(3)  # rounding makes ties happen
    empty = np.zeros((0, 0, 0))
    return (Detections(gt_xyxy, gt_cls, np.ones(n), empty.reshape(n, 0, 0)),
            Detections(det_xyxy, det_cls, scores, empty.reshape(len(det_cls), 0, 0)))


def _pycocotools_map(gts: list[Detections], dts: list[Detections]) -> tuple[float, float]:
    def xywh(b: np.ndarray) -> list[float]:
        return [float(b[0]), float(b[1]), float(b[2] - b[0]), float(b[3] - b[1])]

    images = [{"id": i + 1, "width": 700, "height": 700} for i in range(len(gts))]
    boxes = [(i, b, c) for i, g in enumerate(gts) for b, c in zip(g.xyxy, g.class_id, strict=True)]
    anns = [{"id": k + 1, "image_id": i + 1, "category_id": int(c) + 1, "bbox": xywh(b),
             "area": float((b[2] - b[0]) * (b[3] - b[1])), "iscrowd": 0} for k, (i, b, c) in enumerate(boxes)]
    gt_coco = COCO()
    gt_coco.dataset = {"images": images, "annotations": anns,
                       "categories": [{"id": c + 1, "name": str(c)} for c in range(NUM_CLASSES)]}
    with contextlib.redirect_stdout(io.StringIO()):
        gt_coco.createIndex()
        results = [{"image_id": i + 1, "category_id": int(c) + 1, "bbox": xywh(b), "score": float(s)}
                   for i, d in enumerate(dts) for b, c, s in zip(d.xyxy, d.class_id, d.score, strict=True)]
        evaluator = COCOeval(gt_coco, gt_coco.loadRes(results), "bbox")
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return float(evaluator.stats[0]), float(evaluator.stats[1])


@pytest.mark.parametrize("seed", range(6))
def test_map_matches_pycocotools(seed: int) -> None:
    rng = np.random.default_rng(seed)
    scenes = [_scene(rng) for _ in range(int(rng.integers(5, 40)))]
    gts, dts = [s[0] for s in scenes], [s[1] for s in scenes]
    ours = evaluate_map(gts, dts)
    ref50_95, ref50 = _pycocotools_map(gts, dts)
    assert ours.map50_95 == pytest.approx(ref50_95, abs=1e-3)
    assert ours.map50 == pytest.approx(ref50, abs=1e-3)


def test_perfect_and_empty_predictions() -> None:
    gt = Detections([[0, 0, 10, 10], [20, 20, 40, 40]], [0, 1], [1, 1], np.zeros((2, 0, 0)))
    perfect = evaluate_map([gt], [gt])
    assert perfect.map50_95 == pytest.approx(1.0) and perfect.per_class_ap50 == {0: 1.0, 1: 1.0}
    assert evaluate_map([gt], [Detections.empty()]).map50_95 == 0.0
