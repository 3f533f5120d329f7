"""`AttriDetect`: ultralytics' `Detect` plus per-anchor attribute logits, a sibling of `Pose`.

Inputs: the detector's level maps (P3, P4, P5) followed by the outputs of the two earliest
backbone stages (stride 2 and stride 4). The early maps are fused into one stride-4
"structure" map; for each level a learnt depthwise patchify conv brings it to the level's
stride (an average: size, amount, colour), a dense max pool over a window around each anchor
brings it there too (a peak: a nucleolus or vacuole anywhere in the cell, which an average
washes out — docs/attridet.md), both are concatenated with the level map, and a small conv
branch (as `Pose.cv4`) emits one logit per attribute value. `peak_window=0` builds the head
without the max path (checkpoints trained before it).

Output of the exported / inference graph, per candidate anchor (channels first):

    [0:4]                 box cx, cy, w, h in input pixels
    [4:4+nc]              class scores, sigmoid
    [4+nc:4+nc+V]         attribute value probabilities, softmax within each attribute;
                          attribute a owns the next len(values_a) channels, attributes in
                          taxonomy (label-column) order, values in value-index order

V = sum of value counts (14 for LeukemiaAttri: 7 attributes x 2 values). Training returns the
raw logits under the "attrs" key of the prediction dict.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn
from ultralytics.nn.modules import Conv
from ultralytics.nn.modules.head import Detect


class StructureFusion(nn.Module):
    """Fuse the stride-2 and stride-4 backbone maps into one stride-4 map of `c_out` channels."""

    def __init__(self, c_stride2: int, c_stride4: int, c_out: int) -> None:
        super().__init__()
        self.down = Conv(c_stride2, c_out, 3, 2)
        self.proj = Conv(c_stride4, c_out, 1)
        self.mix = Conv(2 * c_out, c_out, 1)

    def forward(self, x2: torch.Tensor, x4: torch.Tensor) -> torch.Tensor:
        return self.mix(torch.cat((self.down(x2), self.proj(x4)), 1))


class AttriDetect(Detect):
    """Detect head whose output also carries attribute value probabilities (see module doc)."""

    peak_window: int = 0  # what a head pickled before the max path existed unpickles with

    def __init__(
        self,
        nc: int,
        attr_values: Sequence[int],
        pool_factors: Sequence[int],
        reg_max: int = 16,
        ch: Sequence[int] = (),
        peak_window: int = 0,
    ) -> None:
        """`ch`: level channels then the two early-stage channels; `pool_factors`: level stride / 4;
        `peak_window`: side of the max pool in structure-map pixels (0: no max path)."""
        levels, early = tuple(ch[:-2]), tuple(ch[-2:])
        super().__init__(nc, reg_max, False, levels)
        self.attr_values = tuple(int(v) for v in attr_values)
        self.na = sum(self.attr_values)
        self.pool_factors = tuple(int(f) for f in pool_factors)
        c_s = max(16, levels[0] // 4)
        self.structure = StructureFusion(early[0], early[1], c_s)
        self.pool = nn.ModuleList(Conv(c_s, c_s, f, f, 0, g=c_s) for f in self.pool_factors)
        self.peak_window = int(peak_window)
        self.peak = nn.ModuleList(
            nn.MaxPool2d(self.peak_window, f, self.peak_window // 2) for f in self.pool_factors if self.peak_window
        )
        c4 = max(levels[0] // 4, 2 * self.na)
        c_in = 2 * c_s if self.peak_window else c_s
        self.cv4 = nn.ModuleList(
            nn.Sequential(Conv(x + c_in, c4, 3), Conv(c4, c4, 3), nn.Conv2d(c4, self.na, 1)) for x in levels
        )

    def attribute_parameters(self) -> list[nn.Parameter]:
        """Parameters only the attribute logits depend on (structure fusion, pooling, attribute convs)."""
        return [p for m in (self.structure, self.pool, self.cv4) for p in m.parameters()]

    @property
    def one2many(self) -> dict[str, nn.Module]:
        return {"box_head": self.cv2, "cls_head": self.cv3, "attr_head": self.cv4}

    def forward_head(  # type: ignore[override]
        self,
        x: list[torch.Tensor],
        box_head: nn.Module | None = None,
        cls_head: nn.Module | None = None,
        attr_head: nn.Module | None = None,
    ) -> dict[str, torch.Tensor]:
        levels = x[: self.nl]
        preds = super().forward_head(levels, box_head, cls_head)
        if attr_head is not None:
            preds["attrs"] = self._attr_logits(levels, x[self.nl :], attr_head)
        return preds

    def _attr_logits(self, levels: list[torch.Tensor], early: list[torch.Tensor], head: nn.Module) -> torch.Tensor:
        bs = levels[0].shape[0]
        structure = self.structure(early[0], early[1])
        out = []
        for i, level in enumerate(levels):
            parts = [level, self.pool[i](structure)]
            if self.peak_window:
                parts.append(self.peak[i](structure)[..., : level.shape[2], : level.shape[3]])
            out.append(head[i](torch.cat(parts, 1)).view(bs, self.na, -1))
        return torch.cat(out, 2)

    def _inference(self, x: dict[str, torch.Tensor]) -> torch.Tensor:
        return torch.cat((super()._inference(x), self.attr_probs(x["attrs"])), 1)

    def attr_probs(self, logits: torch.Tensor) -> torch.Tensor:
        """Softmax within each attribute's channel group (dim 1)."""
        return torch.cat([g.softmax(1) for g in logits.split(self.attr_values, 1)], 1)
