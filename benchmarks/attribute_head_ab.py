"""A/B of the attribute branch's pooling on a trained AttriDet's frozen features: average vs average + max.

    python benchmarks/attribute_head_ab.py WEIGHTS --train DATA_YAML [...] --test DATA_YAML \
        [--epochs 30] [--window 13] [--seed 0]

The attribute branch brings the stride-4 structure map to each level's stride with a learnt depthwise
patchify conv (an average), then `cv4` convs emit the logits. `attribute_feature_probe.py` showed that a
max over the cell keeps nucleoli and vacuoles that an average loses. This benchmark retrains *only* the
attribute branch on the checkpoint's frozen features (level maps + trained structure map, cached once),
two arms side by side with the same data, seed and schedule:

  mean      the shipped design: patchify conv + cv4 (fresh weights)
  mean+max  the same plus a dense MaxPool window (`--window` structure-map pixels, stride = level stride / 4)
            around each anchor, concatenated before cv4 — a plain op in ONNX and INT8, no ROI ops

Each cell is read at the anchor holding its centre on every level (logits averaged over the levels),
trained with cross-entropy per attribute (not-annotated masked), Adam. Printed per attribute: test
accuracy beside the majority rate, and ROC AUC. A proxy of full training (no augmentation, frozen
detector, centre anchors instead of the assigner's), for choosing what a full `make demo-model` run
should try. Needs torch (trainer).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch
from frozen_features import image_maps
from sklearn.metrics import roc_auc_score
from torch import nn
from tqdm import tqdm
from ultralytics.nn.modules import Conv

from edge_app.errors import LeukoError
from edge_app.formats.dataset import load_dataset


class Branch(nn.Module):
    """The attribute branch of `AttriDetect` after the structure map, with an optional max path."""

    def __init__(self, level_channels: list[int], c_s: int, pool_factors: list[int], na: int, window: int) -> None:
        super().__init__()
        self.window = window
        self.pool = nn.ModuleList(Conv(c_s, c_s, f, f, 0, g=c_s) for f in pool_factors)
        self.peak = nn.ModuleList(nn.MaxPool2d(window, f, window // 2) for f in pool_factors) if window else None
        c4 = max(level_channels[0] // 4, 2 * na)
        extra = 2 * c_s if window else c_s
        self.cv4 = nn.ModuleList(
            nn.Sequential(Conv(c + extra, c4, 3), Conv(c4, c4, 3), nn.Conv2d(c4, na, 1)) for c in level_channels
        )

    def forward(self, levels: list[torch.Tensor], structure: torch.Tensor) -> list[torch.Tensor]:
        out = []
        for i, level in enumerate(levels):
            parts = [level, self.pool[i](structure)]
            if self.peak is not None:
                parts.append(self.peak[i](structure)[..., : level.shape[2], : level.shape[3]])
            out.append(self.cv4[i](torch.cat(parts, 1)))
        return out


def cache(weights: Path, data_yaml: Path, imgsz: int) -> list[dict]:
    """Per image: the frozen level maps, the trained structure map, and (cx, cy, codes) of each white cell."""
    _taxonomy, images = image_maps(weights, data_yaml, imgsz)
    return [{"levels": m.levels, "structure": m.structure, "cells": [(r.cx, r.cy, r.codes) for r in m.cells]}
            for m in images]  # fmt: skip


def centre_logits(outputs: list[torch.Tensor], cells: list[tuple]) -> torch.Tensor:
    """(cells, na) logits: each cell's centre anchor on every level, averaged."""
    rows = []
    for cx, cy, _codes in cells:
        per_level = []
        for out in outputs:
            h, w = out.shape[2:]
            per_level.append(out[0, :, min(int(cy * h), h - 1), min(int(cx * w), w - 1)])
        rows.append(torch.stack(per_level).mean(0))
    return torch.stack(rows)


def attribute_loss(logits: torch.Tensor, codes: torch.Tensor, values: list[int], skip: int) -> torch.Tensor:
    total, start = logits.new_zeros(()), 0
    for a, k in enumerate(values):
        keep = codes[:, a] != skip
        if keep.any():
            total = total + nn.functional.cross_entropy(logits[keep, start : start + k], codes[keep, a])
        start += k
    return total


def train_arm(items: list[dict], window: int, values: list[int], skip: int, epochs: int, seed: int) -> Branch:
    torch.manual_seed(seed)
    first = items[0]
    c_s = first["structure"].shape[1]
    factors = [first["structure"].shape[2] // lv.shape[2] for lv in first["levels"]]
    branch = Branch([lv.shape[1] for lv in first["levels"]], c_s, factors, sum(values), window)
    opt = torch.optim.Adam(branch.parameters(), lr=1e-3)
    rng = np.random.default_rng(seed)
    for _ in tqdm(range(epochs), desc=f"arm window={window}", leave=False):
        branch.train()
        for i in rng.permutation(len(items)):
            item = items[i]
            logits = centre_logits(branch(item["levels"], item["structure"]), item["cells"])
            codes = torch.tensor([c for *_, c in item["cells"]])
            loss = attribute_loss(logits, codes, values, skip)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return branch.eval()


def evaluate(branch: Branch, items: list[dict], values: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(codes (N, A), probability of value 1 (N, A)) on every cell of `items` (two-valued attributes)."""
    codes, probs = [], []
    with torch.no_grad():
        for item in items:
            logits = centre_logits(branch(item["levels"], item["structure"]), item["cells"])
            groups = logits.split(values, 1)
            probs.append(torch.stack([g.softmax(1)[:, -1] for g in groups], 1).numpy())
            codes.append(np.asarray([c for *_, c in item["cells"]]))
    return np.concatenate(codes), np.concatenate(probs)


def _run(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", type=Path, help="a trained AttriDet checkpoint (best.pt)")
    parser.add_argument("--train", type=Path, nargs="+", required=True)
    parser.add_argument("--test", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--window", type=int, default=13, help="max window in structure-map (stride-4) pixels")
    parser.add_argument("--imgsz", type=int, default=320)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    taxonomy = load_dataset(args.test).taxonomy
    values = [len(a.values) for a in taxonomy.attributes]
    skip = taxonomy.not_annotated
    train = [item for d in args.train for item in cache(args.weights, d, args.imgsz)]
    test = cache(args.weights, args.test, args.imgsz)
    print(f"{sum(len(i['cells']) for i in train)} train cells in {len(train)} images, "
          f"{sum(len(i['cells']) for i in test)} test cells; {args.epochs} epochs, seed {args.seed}")
    results = {}
    for name, window in (("mean", 0), ("mean+max", args.window)):
        branch = train_arm(train, window, values, skip, args.epochs, args.seed)
        results[name] = evaluate(branch, test, values)
    print(f"{'attribute':<24} {'cells':>5} {'majority':>8}   {'mean: acc / AUC':>16}   {'mean+max: acc / AUC':>20}")
    for a, attr in enumerate(taxonomy.attributes):
        cols = []
        for codes, probs in results.values():
            keep = codes[:, a] != skip
            t, p = codes[keep, a], probs[keep, a]
            auc = roc_auc_score(t, p) if len(np.unique(t)) == 2 else float("nan")
            cols.append((len(t), max(t.mean(), 1 - t.mean()), float(np.mean((p >= 0.5) == t)), auc))
        n, majority = cols[0][0], cols[0][1]
        print(f"{attr.name:<24} {n:>5} {majority:>8.3f}   {cols[0][2]:>7.3f} / {cols[0][3]:.3f}   "
              f"{cols[1][2]:>11.3f} / {cols[1][3]:.3f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(argv)
    except LeukoError as exc:  # a bad checkpoint or data set: say so, no traceback
        print(f"attribute_head_ab: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
