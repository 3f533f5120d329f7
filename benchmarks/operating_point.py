"""Where to set a bundle's score threshold: boxes vs cells at several thresholds, through the app's runtime.

    python benchmarks/operating_point.py BUNDLE_DIR --data DATA_YAML [DATA_YAML ...] [--split train]

For each threshold: boxes kept, labelled cells found (a box of any class at IoU >= 0.5), extra boxes
on a cell already found (e.g. a second class: the runtime's NMS is class-aware), and boxes on no
cell. The count the report gives is the number of boxes, so the operating point is where boxes come
closest to cells without losing many of them. Use fields the model never saw and that the figures
you publish are not measured on. NMS then a score cut keeps the same boxes as the cut then NMS
(a box is only suppressed by higher-scoring ones), so one low-threshold pass serves every threshold.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from tqdm import tqdm

from edge_app.errors import LeukoError
from edge_app.runtime.bundle import ModelBundle
from edge_app.runtime.decode import DecodeSettings
from edge_app.runtime.detector import Detector
from edge_app.runtime.nms import box_iou
from export.labelled_set import load_split

THRESHOLDS = (0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.50)
FLOOR = min(THRESHOLDS)


def tally(ious: np.ndarray, scores: np.ndarray, threshold: float) -> tuple[int, int, int, int]:
    """(boxes, cells found, extra boxes on found cells, boxes on no cell) for one field."""
    keep = scores >= threshold
    boxes = int(keep.sum())
    if ious.shape[0] == 0:
        return boxes, 0, 0, boxes
    hits = ious[:, keep] >= 0.5  # (cells, boxes)
    on_cell = hits.any(axis=0)
    found = int(hits.any(axis=1).sum())
    return boxes, found, int(on_cell.sum()) - found, int((~on_cell).sum())


def _run(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--data", type=Path, nargs="+", required=True, help="Leuko datasets' data.yaml")
    parser.add_argument("--split", default="train")
    parser.add_argument("--precision", default="int8", choices=("fp32", "int8"))
    args = parser.parse_args(argv)
    bundle = ModelBundle.open(args.bundle)
    file = bundle.choose_file("onnxruntime", args.precision)
    detector = Detector(bundle.card, bundle.load_backend(file, None), DecodeSettings(FLOOR))
    totals = {t: np.zeros(4, int) for t in THRESHOLDS}
    cells = 0
    for data_yaml in args.data:
        data = load_split(data_yaml, args.split)
        for image, gt in tqdm(data.samples(), total=len(data), desc=data_yaml.parent.name, leave=False):
            pred = detector(image)
            cells += len(gt)
            ious = box_iou(gt.xyxy, pred.xyxy) if len(gt) and len(pred) else np.zeros((len(gt), len(pred)))
            for t in THRESHOLDS:
                totals[t] += tally(ious, pred.score, t)
    print(f"{args.bundle} {args.precision}: {cells} labelled cells; card threshold {bundle.card.score_threshold}")
    print(f"{'threshold':>9} {'boxes':>6} {'found':>6} {'found %':>8} {'extra on found':>15} {'on no cell':>11}")
    for t, (boxes, found, extra, stray) in totals.items():
        print(f"{t:>9.2f} {boxes:>6} {found:>6} {100 * found / max(cells, 1):>7.1f}% {extra:>15} {stray:>11}")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(argv)
    except LeukoError as exc:  # a bad bundle, data set or checkpoint: say so, no traceback
        print(f"operating_point: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
