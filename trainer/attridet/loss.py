"""AttriDet training loss: ultralytics' detection loss plus asymmetric loss (ASL) on attributes.

Like `v8PoseLoss`, the attribute targets of each positive anchor are gathered through the
task-aligned assigner's `target_gt_idx`. Every attribute value channel is a sigmoid logit
trained one-vs-rest with ASL (Ridnik et al., ICCV 2021) against the one-hot value of its cell;
an attribute whose code is "not annotated" (or out of range) masks all of its channels, so it
is never learnt as a class.
"""

from __future__ import annotations

from typing import Any

import torch
from ultralytics.utils.loss import v8DetectionLoss

ASL_GAMMA_NEG = 4.0
ASL_GAMMA_POS = 1.0
ASL_CLIP = 0.05


def asymmetric_loss(
    logits: torch.Tensor,
    targets: torch.Tensor,
    gamma_neg: float = ASL_GAMMA_NEG,
    gamma_pos: float = ASL_GAMMA_POS,
    clip: float = ASL_CLIP,
    eps: float = 1e-8,
) -> torch.Tensor:
    """Element-wise ASL of sigmoid `logits` against 0/1 `targets` (same shape, not reduced)."""
    p = logits.sigmoid()
    p_neg = (p - clip).clamp(min=0) if clip > 0 else p  # probability shifting discards easy negatives
    loss_pos = targets * (1 - p).pow(gamma_pos) * p.clamp(min=eps).log()
    loss_neg = (1 - targets) * p_neg.pow(gamma_neg) * (1 - p_neg).clamp(min=eps).log()
    return -(loss_pos + loss_neg)


class AttributeTargets:
    """Maps per-cell attribute codes (P, A) to per-channel one-hot targets and masks (P, V)."""

    def __init__(self, attr_values: tuple[int, ...], device: torch.device) -> None:
        counts = torch.tensor(attr_values, device=device)
        self.channel_attr = torch.repeat_interleave(torch.arange(len(attr_values), device=device), counts)
        self.channel_value = torch.cat([torch.arange(int(n), device=device) for n in attr_values])
        self.num_values = counts

    def __call__(self, codes: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        per_channel = codes[:, self.channel_attr]
        valid = (per_channel >= 0) & (per_channel < self.num_values[self.channel_attr])
        return (per_channel == self.channel_value).float(), valid


class AttriDetLoss(v8DetectionLoss):
    """box, cls, dfl (ultralytics) + attr (ASL on positive anchors' annotated attributes)."""

    def __init__(self, model: torch.nn.Module, tal_topk: int = 10) -> None:
        super().__init__(model, tal_topk)
        head = model.model[-1]
        self.loss_names = (*self.loss_names, "attr_loss")
        self.attr_gain = float(getattr(model, "attr_gain", 1.0))
        self.targets = AttributeTargets(head.attr_values, self.device)

    def loss(self, preds: dict[str, torch.Tensor], batch: dict[str, Any]) -> tuple[torch.Tensor, dict[str, Any]]:
        (fg_mask, target_gt_idx, *_), det_loss, _ = self.get_assigned_targets_and_loss(preds, batch)
        logits = preds["attrs"].permute(0, 2, 1)  # (B, anchors, V)
        batch_size = logits.shape[0]
        attr = self.attribute_loss(logits, fg_mask, target_gt_idx, batch, batch_size) * self.attr_gain
        loss = torch.cat((det_loss, attr.view(1)))
        return loss * batch_size, dict(zip(self.loss_names, loss.detach(), strict=True))

    def attribute_loss(
        self,
        logits: torch.Tensor,
        fg_mask: torch.Tensor,
        target_gt_idx: torch.Tensor,
        batch: dict[str, Any],
        batch_size: int,
    ) -> torch.Tensor:
        codes = padded_attributes(batch, batch_size, self.device)
        if not fg_mask.any() or codes.shape[1] == 0:
            return logits[..., :0].sum()  # keeps the head in the graph (DDP unused-parameter check)
        image_idx = fg_mask.nonzero(as_tuple=True)[0]
        gt_codes = codes[image_idx, target_gt_idx[fg_mask]]  # (P, A)
        target, valid = self.targets(gt_codes)
        per_channel = asymmetric_loss(logits[fg_mask].float(), target) * valid
        # Summed over channels and divided by the anchors that carry an annotation, as ultralytics
        # normalises its class loss by the positives: a mean over every channel instead gave each
        # attribute logit ~1/V of a class logit's gradient, and the head stayed near a constant.
        annotated_anchors = valid.any(1).float().sum().clamp(min=1.0)
        return per_channel.sum() / annotated_anchors


def padded_attributes(batch: dict[str, Any], batch_size: int, device: torch.device) -> torch.Tensor:
    """(B, max cells, A) attribute codes in the per-image order the assigner's targets use; -1 pads."""
    attrs = batch["attributes"].to(device).long()
    batch_idx = batch["batch_idx"].flatten().long().to(device)
    counts = torch.bincount(batch_idx, minlength=batch_size)
    out = attrs.new_full((batch_size, int(counts.max()) if len(batch_idx) else 0, attrs.shape[-1]), -1)
    if len(batch_idx):
        within = torch.arange(len(batch_idx), device=device) - (counts.cumsum(0) - counts)[batch_idx]
        out[batch_idx, within] = attrs
    return out
