"""Gradient-norm clipping that keeps AttriDet's detector update equal to the baseline's.

ultralytics clips the norm of all gradients together (max 10). With the attribute branch in that
norm, its gradients change the clip factor of every detector weight, and even when they are all
zero (a dataset without attributes, such as BCCD) the longer reduction changes the total norm in
its last bits: 363.74780 vs 363.74777 on the same batch, enough for SGD from scratch to drift
apart within an epoch. The detector (backbone, neck, box and class branches) is therefore clipped
by its own norm, exactly as the stock model is, and the attribute branch by its own.
"""

from __future__ import annotations

import torch
from torch import nn

from trainer.attridet.head import AttriDetect

MAX_NORM = 10.0  # ultralytics' BaseTrainer.optimizer_step


def clip_gradients(model: nn.Module, max_norm: float = MAX_NORM) -> None:
    """Clip the detector's gradients and the attribute branch's gradients, each to `max_norm`."""
    head = model.model[-1] if hasattr(model, "model") else None
    branch = head.attribute_parameters() if isinstance(head, AttriDetect) else []
    own = {id(p) for p in branch}
    detector = [p for p in model.parameters() if id(p) not in own]
    torch.nn.utils.clip_grad_norm_(detector, max_norm=max_norm)
    if branch:
        torch.nn.utils.clip_grad_norm_(branch, max_norm=max_norm)
