"""Is each attribute readable from the pixels? Logistic regression on ground-truth cell crops.

    python benchmarks/attribute_probe.py --train DOMAIN_DIR [DOMAIN_DIR ...] --test DOMAIN_DIR [--side 16]

DOMAIN_DIR: a dataset folder with images/ and labels/ (e.g. runs/calib-synth/H_100x_C2). Prints, per
attribute, the probe's accuracy on the --test cells beside the majority-value rate: a ceiling check
for the attribute head (if a linear model on tiny crops beats the majority rate, the head should too).
"""
import argparse
import glob
from pathlib import Path

import cv2
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

NAMES = ["cell_size", "nuclear_chromatin", "nuclear_shape", "nucleolus", "cytoplasm", "cytoplasmic_basophilia",
         "cytoplasmic_vacuoles"]


def crops(root: str, side: int) -> tuple[np.ndarray, np.ndarray]:
    feats, attrs = [], []
    for lab in sorted(glob.glob(f"{root}/labels/*/*.txt")):
        img_path = lab.replace("/labels/", "/images/").replace(".txt", ".jpg")
        img = cv2.imread(img_path)
        if img is None:
            continue
        h, w = img.shape[:2]
        for line in Path(lab).read_text(encoding="utf-8").splitlines():
            v = line.split()
            if len(v) < 12 or v[0] == "0":
                continue
            cx, cy, bw, bh = (float(x) for x in v[1:5])
            x0, y0 = int((cx - bw / 2) * w), int((cy - bh / 2) * h)
            x1, y1 = int((cx + bw / 2) * w), int((cy + bh / 2) * h)
            crop = img[max(y0, 0):y1, max(x0, 0):x1]
            if crop.size == 0:
                continue
            small = cv2.resize(crop, (side, side), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
            size_feat = [bw * w / 100, bh * h / 100]
            feats.append(np.concatenate([small.ravel(), size_feat]))
            attrs.append([int(x) for x in v[5:12]])
    return np.array(feats), np.array(attrs)


parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--train", nargs="+", required=True)
parser.add_argument("--test", required=True)
parser.add_argument("--side", type=int, default=16, help="crop side in pixels after resizing")
args = parser.parse_args()
side = args.side
parts = [crops(root, side) for root in args.train]
xtr, atr = np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
xte, ate = crops(args.test, side)
scaler = StandardScaler().fit(xtr)
xtr, xte = scaler.transform(xtr), scaler.transform(xte)
print(f"train cells {len(xtr)}, test cells {len(xte)}, crop {side}px")
for a, name in enumerate(NAMES):
    tr, te = atr[:, a] != 2, ate[:, a] != 2
    clf = LogisticRegression(max_iter=2000, C=0.05).fit(xtr[tr], atr[tr, a])
    acc = (clf.predict(xte[te]) == ate[te, a]).mean()
    majority = max(np.mean(ate[te, a] == v) for v in (0, 1))
    print(f"{name:<24} acc {acc:.3f}  majority {majority:.3f}  n {te.sum()}")
