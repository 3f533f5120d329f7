"""Has the head learnt an attribute at all? ROC AUC of its probabilities on matched cells.

    python benchmarks/attribute_auc.py BUNDLE_DIR --data DATA_YAML [--split train] [--precision fp32]

Accuracy against the majority rate cannot tell a head that ranks vacuolated cells above the others
but never crosses 0.5 from one that learnt nothing: both always answer "absent". AUC can. Each
ground-truth cell is matched to its best-IoU detection (IoU >= 0.5, as `leuko-train val` scores
attributes), through the app's own runtime; for every two-valued attribute the detection's
probability of value 1 is ranked against the annotated value (not-annotated skipped). 0.5 = chance.
Also printed: the accuracy with the probability threshold that would be best on this very set, an
upper bound of what recalibration alone could give (not a fair held-out figure).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score
from tqdm import tqdm

from edge_app.errors import LeukoError
from edge_app.evaluation.attribute_agreement import match_best_iou
from edge_app.runtime.bundle import ModelBundle
from edge_app.runtime.decode import DecodeSettings
from edge_app.runtime.detector import Detector
from export.labelled_set import load_split


def matched_probabilities(bundle_dir: Path, data_yaml: Path, split: str, precision: str) -> tuple:
    """(truth codes (N, A), probability of value 1 (N, A), taxonomy) over every matched cell."""
    bundle = ModelBundle.open(bundle_dir)
    file = bundle.choose_file("onnxruntime", precision)
    taxonomy = bundle.card.taxonomy
    detector = Detector(bundle.card, bundle.load_backend(file, None), DecodeSettings(bundle.card.score_threshold))
    data = load_split(data_yaml, split)
    truth, prob = [], []
    for image, gt in tqdm(data.samples(), total=len(data), desc="fields", leave=False):
        pred = detector(image)
        match = match_best_iou(gt, pred)
        hit = match >= 0
        truth.append(gt.attribute_codes(taxonomy.not_annotated)[hit])
        prob.append(pred.attr_prob[match[hit], :, 1] if len(pred) else np.zeros((0, taxonomy.num_attributes)))
    return np.concatenate(truth), np.concatenate(prob), taxonomy


def best_threshold_accuracy(truth: np.ndarray, prob: np.ndarray) -> tuple[float, float]:
    candidates = np.unique(np.concatenate([prob, [0.5]]))
    accs = [float(np.mean((prob >= t) == truth)) for t in candidates]
    best = int(np.argmax(accs))
    return accs[best], float(candidates[best])


def _run(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--data", type=Path, required=True, help="a Leuko dataset's data.yaml")
    parser.add_argument("--split", default="train")
    parser.add_argument("--precision", default="fp32", choices=("fp32", "int8"))
    args = parser.parse_args(argv)
    truth, prob, taxonomy = matched_probabilities(args.bundle, args.data, args.split, args.precision)
    print(f"{len(truth)} matched cells, {args.data} ({args.split}), {args.bundle} {args.precision} "
          f"at its operating point {ModelBundle.open(args.bundle).card.score_threshold}")
    print(f"{'attribute':<24} {'cells':>5} {'value 1':>7} {'AUC':>6} {'acc@0.5':>8} {'majority':>8} "
          f"{'best-threshold acc (t)':>24}")
    for a, attr in enumerate(taxonomy.attributes):
        if len(attr.values) != 2:
            continue
        keep = truth[:, a] != taxonomy.not_annotated
        t, p = truth[keep, a], prob[keep, a]
        if len(np.unique(t)) < 2:
            print(f"{attr.name:<24} {len(t):>5}  one value only: AUC undefined")
            continue
        best, at = best_threshold_accuracy(t, p)
        majority = max(np.mean(t), 1 - np.mean(t))
        print(f"{attr.name:<24} {len(t):>5} {np.mean(t):>7.3f} {roc_auc_score(t, p):>6.3f} "
              f"{np.mean((p >= 0.5) == t):>8.3f} {majority:>8.3f} {best:>17.3f} ({at:.2f})")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(argv)
    except LeukoError as exc:  # a bad bundle, data set or checkpoint: say so, no traceback
        print(f"attribute_auc: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
