"""Is each attribute readable from the pixels? Logistic regression on ground-truth cell crops.

    python benchmarks/attribute_probe.py --train DATA_YAML [DATA_YAML ...] --test DATA_YAML [--side 16]

DATA_YAML: a Leuko dataset (e.g. runs/calib-synth/H_100x_C2/data.yaml); every split is read. Prints,
per attribute, the probe's accuracy on the --test cells beside the majority-value rate: a ceiling
check for the attribute head (if a linear model on tiny crops beats the majority rate, the head
should too). Cells of the taxonomy's non-white-cell classes are skipped. scikit-learn comes with
the `export` extra (NNCF depends on it).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from edge_app.formats.dataset import DatasetSpec, iter_samples, load_dataset, read_labels


def crops(spec: DatasetSpec, side: int) -> tuple[np.ndarray, np.ndarray]:
    """(cells, side*side*3 + 2) features — the resized crop and the box size — and (cells, A) codes."""
    taxonomy = spec.taxonomy
    white = set(taxonomy.white_cell_classes)
    feats, codes = [], []
    for split in spec.splits:
        for sample in iter_samples(spec, split):
            image = cv2.imread(str(sample.image))
            if image is None:
                continue
            h, w = image.shape[:2]
            for row in read_labels(sample.label, taxonomy):
                if taxonomy.classes[row.class_id] not in white:
                    continue
                x0, y0, x1, y1 = (int(v) for v in row.xyxy(w, h))
                crop = image[max(y0, 0) : y1, max(x0, 0) : x1]
                if crop.size == 0:
                    continue
                small = cv2.resize(crop, (side, side), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
                feats.append(np.concatenate([small.ravel(), [row.w * w / 100, row.h * h / 100]]))
                codes.append(row.codes)
    return np.array(feats), np.array(codes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", nargs="+", required=True, type=Path, help="dataset YAMLs to fit on")
    parser.add_argument("--test", required=True, type=Path, help="dataset YAML to score on")
    parser.add_argument("--side", type=int, default=16, help="crop side in pixels after resizing")
    args = parser.parse_args()
    test_spec = load_dataset(args.test)
    taxonomy = test_spec.taxonomy
    parts = [crops(load_dataset(path), args.side) for path in args.train]
    xtr, atr = np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    xte, ate = crops(test_spec, args.side)
    scaler = StandardScaler().fit(xtr)
    xtr, xte = scaler.transform(xtr), scaler.transform(xte)
    print(f"train cells {len(xtr)}, test cells {len(xte)}, crop {args.side}px")
    for a, attribute in enumerate(taxonomy.attributes):
        tr, te = atr[:, a] != taxonomy.not_annotated, ate[:, a] != taxonomy.not_annotated
        clf = LogisticRegression(max_iter=2000, C=0.05).fit(xtr[tr], atr[tr, a])
        acc = (clf.predict(xte[te]) == ate[te, a]).mean()
        majority = max(np.mean(ate[te, a] == v) for v in range(len(attribute.values)))
        print(f"{attribute.name:<24} acc {acc:.3f}  majority {majority:.3f}  n {te.sum()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
