"""Does the trained network's early "structure" map carry an attribute, and does the pooling lose it?

    python benchmarks/attribute_feature_probe.py WEIGHTS --train DATA_YAML [...] --test DATA_YAML \
        [--attribute cytoplasmic_vacuoles] [--imgsz 320]

The attribute head reads low-level structure through a stride-4 map (`AttriDetect.structure`, fused
from the two earliest backbone stages) that a learnt depthwise conv averages down to each level's
stride. This probe takes that stride-4 map from a trained checkpoint, pools it over each ground-truth
cell's box two ways — per-channel mean (what an averaging path keeps) and per-channel max (a "present
anywhere in the cell" cue) — and fits a logistic regression per pooling on the --train cells, scored on
the --test cells: accuracy beside the majority rate, and ROC AUC. If max-pooled features read the
attribute much better than mean-pooled ones, the averaging path is what loses it. Needs torch (trainer).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch
from frozen_features import image_maps
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler

from edge_app.errors import LeukoError


def _ellipse(shape: tuple[int, ...], scale: float) -> np.ndarray:
    """Mask of the box's inscribed ellipse shrunk by `scale` (at least the centre pixel)."""
    h, w = shape
    yy, xx = np.mgrid[:h, :w]
    inside = (((yy + 0.5) / h - 0.5) ** 2 + ((xx + 0.5) / w - 0.5) ** 2) <= (scale / 2) ** 2
    inside[h // 2, w // 2] = True
    return inside


def cell_features(weights: Path, data_yaml: Path, attribute: str, imgsz: int,
                  inner: float = 0.0) -> tuple[np.ndarray, ...]:
    """(mean-pooled, max-pooled) structure features and codes of every annotated white cell; `inner` > 0
    pools over the box's inscribed ellipse shrunk by that factor instead of the whole box."""
    taxonomy, images = image_maps(weights, data_yaml, imgsz)
    a = [x.name for x in taxonomy.attributes].index(attribute)
    means, maxes, codes = [], [], []
    for maps in images:
        fmap = maps.structure[0].numpy()  # (C, imgsz/4, imgsz/4)
        side = fmap.shape[1]
        for row in maps.cells:
            code = row.codes[a]
            if code == taxonomy.not_annotated:
                continue
            x0, y0, x1, y1 = (round(v) for v in row.xyxy(side, side))
            box = fmap[:, max(y0, 0) : max(y1, y0 + 1), max(x0, 0) : max(x1, x0 + 1)]
            region = box[:, _ellipse(box.shape[1:], inner)] if inner else box.reshape(len(box), -1)
            if region.size == 0:
                continue
            means.append(region.mean(axis=1))
            maxes.append(region.max(axis=1))
            codes.append(code)
    return np.asarray(means), np.asarray(maxes), np.asarray(codes)


def _run(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", type=Path, help="a trained AttriDet checkpoint (best.pt)")
    parser.add_argument("--train", type=Path, nargs="+", required=True)
    parser.add_argument("--test", type=Path, required=True)
    parser.add_argument("--attribute", default="cytoplasmic_vacuoles")
    parser.add_argument("--imgsz", type=int, default=320)
    parser.add_argument("--inner", type=float, default=0.0,
                        help="pool over the box's inscribed ellipse scaled by this (e.g. 0.9: the cell, not the "
                        "plasma in the box's corners); 0 = the whole box")
    args = parser.parse_args(argv)
    torch.set_grad_enabled(False)
    parts = [cell_features(args.weights, d, args.attribute, args.imgsz, args.inner) for d in args.train]
    train = [np.concatenate([p[i] for p in parts]) for i in range(3)]
    test = cell_features(args.weights, args.test, args.attribute, args.imgsz, args.inner)
    y_train, y_test = train[2], test[2]
    majority = max(np.mean(y_test), 1 - np.mean(y_test))
    print(f"{args.attribute}: {len(y_train)} train cells ({int(y_train.sum())} with value 1), {len(y_test)} test "
          f"cells ({int(y_test.sum())}); majority rate {majority:.3f}; structure map {train[0].shape[1]} channels; "
          f"pooled over {'the box' if not args.inner else f'the inscribed ellipse x {args.inner:g}'}")
    for name, columns in (("mean-pooled", [0]), ("max-pooled", [1]), ("mean + max", [0, 1])):
        x_train = np.hstack([train[c] for c in columns])
        x_test = np.hstack([test[c] for c in columns])
        scaler = StandardScaler().fit(x_train)
        clf = LogisticRegression(max_iter=2000, class_weight="balanced").fit(scaler.transform(x_train), y_train)
        prob = clf.predict_proba(scaler.transform(x_test))[:, 1]
        plain = LogisticRegression(max_iter=2000).fit(scaler.transform(x_train), y_train)
        acc = float(np.mean(plain.predict(scaler.transform(x_test)) == y_test))
        print(f"  {name:<12} accuracy {acc:.3f}  AUC {roc_auc_score(y_test, prob):.3f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(argv)
    except LeukoError as exc:  # a bad bundle, data set or checkpoint: say so, no traceback
        print(f"attribute_feature_probe: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
