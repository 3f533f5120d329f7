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
from edge_app.taxonomy import Taxonomy
from trainer.attridet.head import StructureFusion


class Branch(nn.Module):
    """The attribute branch of `AttriDetect` after the structure map, with an optional peak (max) path.

    peak: ""                no max path (the shipped design)
          "max"             dense MaxPool of the structure map
          "detail"          two 3x3 convs on the structure map (a receptive field that spans a vacuole and
                            the cytoplasm around it), then the MaxPool
          "gated-detail"    as "detail", times a sigmoid gate read from the P3 level map (where the cell is)
          "cell-gate"       as "detail", times a gate read from P3 + the structure map and trained to be 1
                            inside each white cell (its box's inscribed ellipse x 0.8) and 0 elsewhere
          "early-detail"    a fresh structure fusion of the raw stride-2/4 backbone maps, the two 3x3 convs,
                            the MaxPool (the frozen structure map was trained for the average only)
    """

    def __init__(self, level_channels: list[int], c_s: int, early_channels: list[int], pool_factors: list[int],
                 na: int, window: int, peak: str = "") -> None:
        super().__init__()
        self.peak_kind = peak
        self.pool = nn.ModuleList(Conv(c_s, c_s, f, f, 0, g=c_s) for f in pool_factors)
        self.peak = nn.ModuleList(nn.MaxPool2d(window, f, window // 2) for f in pool_factors) if peak else None
        if peak == "early-detail":
            self.fusion = StructureFusion(early_channels[0], early_channels[1], c_s)
        if peak.endswith("detail"):
            self.detail = nn.Sequential(Conv(c_s, c_s, 3), Conv(c_s, c_s, 3))
        if peak == "gated-detail":
            self.gate = nn.Conv2d(level_channels[0], 1, 1)
        if peak == "cell-gate":
            self.gate = nn.Sequential(Conv(level_channels[0] + c_s, c_s, 3), nn.Conv2d(c_s, 1, 1))
        self.gate_logits: torch.Tensor | None = None  # the last forward's cell gate (stride 4), for its loss
        c4 = max(level_channels[0] // 4, 2 * na)
        extra = 2 * c_s if peak else c_s
        self.cv4 = nn.ModuleList(
            nn.Sequential(Conv(c + extra, c4, 3), Conv(c4, c4, 3), nn.Conv2d(c4, na, 1)) for c in level_channels
        )

    def peak_source(
        self, levels: list[torch.Tensor], structure: torch.Tensor, early: list[torch.Tensor]
    ) -> torch.Tensor:
        kind = self.peak_kind
        source = self.fusion(early[0], early[1]) if kind == "early-detail" else structure
        if kind.endswith("detail"):
            source = self.detail(source)
        if kind == "gated-detail":
            gate = nn.functional.interpolate(self.gate(levels[0]), size=source.shape[2:], mode="nearest")
            source = source * gate.sigmoid()
        if kind == "cell-gate":
            p3 = nn.functional.interpolate(levels[0], size=structure.shape[2:], mode="nearest")
            self.gate_logits = self.gate(torch.cat((p3, structure), 1))
            source = source * self.gate_logits.sigmoid()
        return source

    def forward(self, levels: list[torch.Tensor], structure: torch.Tensor,
                early: list[torch.Tensor] | None = None) -> list[torch.Tensor]:
        peaks = self.peak_source(levels, structure, early or []) if self.peak is not None else None
        out = []
        for i, level in enumerate(levels):
            parts = [level, self.pool[i](structure)]
            if self.peak is not None:
                parts.append(self.peak[i](peaks)[..., : level.shape[2], : level.shape[3]])
            out.append(self.cv4[i](torch.cat(parts, 1)))
        return out


ARMS = {"mean": "", "mean+max": "max", "mean+detail-max": "detail", "mean+gated-detail-max": "gated-detail",
        "mean+cell-gate-max": "cell-gate", "mean+early-detail-max": "early-detail"}
CELL_GATE_SCALE = 0.8  # the gate's target: each white cell's inscribed ellipse, shrunk by this factor


def cache(weights: Path, data_yaml: Path, imgsz: int) -> list[dict]:
    """Per image: the frozen level maps, the trained structure map, and (cx, cy, w, h, codes) of each white cell."""
    _taxonomy, images = image_maps(weights, data_yaml, imgsz)
    return [{"levels": m.levels, "structure": m.structure, "early": m.early,
             "cells": [(r.cx, r.cy, r.w, r.h, r.codes) for r in m.cells]} for m in images]  # fmt: skip


def centre_logits(outputs: list[torch.Tensor], cells: list[tuple]) -> torch.Tensor:
    """(cells, na) logits: each cell's centre anchor on every level, averaged."""
    rows = []
    for cx, cy, *_ in cells:
        per_level = []
        for out in outputs:
            h, w = out.shape[2:]
            per_level.append(out[0, :, min(int(cy * h), h - 1), min(int(cx * w), w - 1)])
        rows.append(torch.stack(per_level).mean(0))
    return torch.stack(rows)


def cell_mask(cells: list[tuple], side: int) -> torch.Tensor:
    """(1, 1, side, side) target of the cell gate: 1 inside every cell's shrunk inscribed ellipse."""
    yy, xx = torch.meshgrid((torch.arange(side) + 0.5) / side, (torch.arange(side) + 0.5) / side, indexing="ij")
    mask = torch.zeros(side, side)
    for cx, cy, w, h, _codes in cells:
        inside = ((xx - cx) / (w * CELL_GATE_SCALE / 2)) ** 2 + ((yy - cy) / (h * CELL_GATE_SCALE / 2)) ** 2 <= 1
        mask[inside] = 1.0
    return mask[None, None]


def attribute_loss(logits: torch.Tensor, codes: torch.Tensor, values: list[int], skip: int) -> torch.Tensor:
    total, start = logits.new_zeros(()), 0
    for a, k in enumerate(values):
        keep = codes[:, a] != skip
        if keep.any():
            total = total + nn.functional.cross_entropy(logits[keep, start : start + k], codes[keep, a])
        start += k
    return total


def train_arm(
    items: list[dict], window: int, peak: str, values: list[int], skip: int, epochs: int, seed: int
) -> Branch:
    torch.manual_seed(seed)
    first = items[0]
    c_s = first["structure"].shape[1]
    factors = [first["structure"].shape[2] // lv.shape[2] for lv in first["levels"]]
    branch = Branch([lv.shape[1] for lv in first["levels"]], c_s, [e.shape[1] for e in first["early"]], factors,
                    sum(values), window, peak)
    opt = torch.optim.Adam(branch.parameters(), lr=1e-3)
    rng = np.random.default_rng(seed)
    for _ in tqdm(range(epochs), desc=f"arm {peak or 'mean'}", leave=False):
        branch.train()
        for i in rng.permutation(len(items)):
            item = items[i]
            logits = centre_logits(branch(item["levels"], item["structure"], item["early"]), item["cells"])
            codes = torch.tensor([c for *_, c in item["cells"]])
            loss = attribute_loss(logits, codes, values, skip)
            if branch.gate_logits is not None and peak == "cell-gate":
                target = cell_mask(item["cells"], branch.gate_logits.shape[-1])
                loss = loss + nn.functional.binary_cross_entropy_with_logits(branch.gate_logits, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return branch.eval()


def evaluate(branch: Branch, items: list[dict], values: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(codes (N, A), probability of value 1 (N, A)) on every cell of `items` (two-valued attributes)."""
    codes, probs = [], []
    with torch.no_grad():
        for item in items:
            logits = centre_logits(branch(item["levels"], item["structure"], item["early"]), item["cells"])
            groups = logits.split(values, 1)
            probs.append(torch.stack([g.softmax(1)[:, -1] for g in groups], 1).numpy())
            codes.append(np.asarray([c for *_, c in item["cells"]]))
    return np.concatenate(codes), np.concatenate(probs)


def print_table(taxonomy: Taxonomy, results: dict[str, tuple[np.ndarray, np.ndarray]], skip: int) -> None:
    """Per attribute: scored cells, majority rate, then accuracy / AUC of each arm."""
    arms = "".join(f"   {name + ': acc / AUC':>28}" for name in results)
    print(f"{'attribute':<24} {'cells':>5} {'majority':>8}{arms}")
    for a, attr in enumerate(taxonomy.attributes):
        cols = []
        for codes, probs in results.values():
            keep = codes[:, a] != skip
            t, p = codes[keep, a], probs[keep, a]
            auc = roc_auc_score(t, p) if len(np.unique(t)) == 2 else float("nan")
            cols.append((len(t), max(t.mean(), 1 - t.mean()), float(np.mean((p >= 0.5) == t)), auc))
        scores = "".join(f"   {acc:>20.3f} / {auc:.3f}" for *_, acc, auc in cols)
        print(f"{attr.name:<24} {cols[0][0]:>5} {cols[0][1]:>8.3f}{scores}")


def _run(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", type=Path, help="a trained AttriDet checkpoint (best.pt)")
    parser.add_argument("--train", type=Path, nargs="+", required=True)
    parser.add_argument("--test", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--window", type=int, default=13, help="max window in structure-map (stride-4) pixels")
    parser.add_argument("--imgsz", type=int, default=320)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--arms", nargs="+", choices=list(ARMS), default=["mean", "mean+max"],
                        help="branch designs to train side by side (default: mean mean+max)")
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
    for name in args.arms:
        branch = train_arm(train, args.window, ARMS[name], values, skip, args.epochs, args.seed)
        results[name] = evaluate(branch, test, values)
    print_table(taxonomy, results, skip)
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(argv)
    except LeukoError as exc:  # a bad checkpoint or data set: say so, no traceback
        print(f"attribute_head_ab: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
