"""`AttriDetValidator`: ultralytics' DetectionValidator plus Leuko's per-class and attribute report.

NMS gets the class count, so the attribute channels after 4 + nc travel as "extra" columns of
each kept box instead of being taken for classes. Every image's ground truth and detections are
kept as an `ImageRecord`; `get_stats` adds Leuko's COCO-style mAP and the mean attribute
accuracy / macro-F1 to ultralytics' numbers (results.csv) and leaves the full report in
`self.report` (per class, per attribute, per domain).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
from ultralytics.models.yolo.detect import DetectionValidator
from ultralytics.utils import RANK, nms

from edge_app.detections import Detections
from edge_app.domains import Domain
from edge_app.errors import ValidationError
from edge_app.taxonomy import Taxonomy
from trainer.attridet import offline
from trainer.attridet.dataset import build_attr_dataset
from trainer.attridet.metrics import EvalImage, evaluate, group_probs_to_attr_prob

ATTR_FITNESS_WEIGHT = 0.1


class AttriDetValidator(DetectionValidator):
    """Detection validation that also scores attributes (see module doc)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        offline.install()
        super().__init__(*args, **kwargs)
        self.records: list[EvalImage] = []
        self.report: dict[str, Any] = {}
        self.taxonomy: Taxonomy | None = None
        # ultralytics scores mAP with every class above the floor as its own box (multi-label); the app's
        # runtime keeps one class per box, which scores lower when classes are confused (docs/attridet.md, Evaluation).
        self.multi_label = True

    def build_dataset(self, img_path: str, mode: str = "val", batch: int | None = None) -> Any:
        return build_attr_dataset(self.args, img_path, batch or 1, self.data, mode, _max_stride(self.stride), True)

    def init_metrics(self, model: torch.nn.Module) -> None:
        super().init_metrics(model)
        self.taxonomy = Taxonomy.from_dataset_yaml(self.data)
        if len(model.names) != self.taxonomy.num_classes:
            raise ValidationError(
                f"the model predicts {len(model.names)} classes, the dataset has {self.taxonomy.num_classes}",
                hint="validate on data with the model's taxonomy",
            )
        self.records = []

    def postprocess(self, preds: Any) -> list[dict[str, torch.Tensor]]:
        outputs = nms.non_max_suppression(
            preds,
            self.args.conf,
            self.args.iou,
            nc=self.nc,
            multi_label=self.multi_label,
            agnostic=self.args.single_cls or self.args.agnostic_nms,
            max_det=self.args.max_det,
        )
        return [{"bboxes": x[:, :4], "conf": x[:, 4], "cls": x[:, 5], "extra": x[:, 6:]} for x in outputs]

    def update_metrics(self, preds: list[dict[str, torch.Tensor]], batch: dict[str, Any]) -> None:
        super().update_metrics(preds, batch)
        for si, pred in enumerate(preds):
            self.records.append(self._record(si, pred, batch))

    def _record(self, si: int, pred: dict[str, torch.Tensor], batch: dict[str, Any]) -> EvalImage:
        assert self.taxonomy is not None
        pbatch = self._prepare_batch(si, batch)
        idx = batch["batch_idx"] == si
        codes = batch["attributes"][idx] if "attributes" in batch else torch.zeros(int(idx.sum()), 0)
        counts = [len(a.values) for a in self.taxonomy.attributes]
        gt = Detections.from_attribute_codes(
            _np(pbatch["bboxes"]).reshape(-1, 4), _np(pbatch["cls"]), _np(codes), self.taxonomy.max_values
        )
        extra = _np(pred["extra"])
        attr_prob = (
            group_probs_to_attr_prob(extra, counts)
            if extra.shape[1] == sum(counts)
            else np.zeros((len(extra), 0, 0), np.float32)
        )
        det = Detections(_np(pred["bboxes"]), _np(pred["cls"]), _np(pred["conf"]), attr_prob)
        return EvalImage(gt, det, image_domain(pbatch["im_file"], self.data.get("domain")))

    def gather_stats(self) -> None:
        super().gather_stats()
        if RANK == 0:
            parts: list[Any] = [None] * dist.get_world_size()
            dist.gather_object(self.records, parts, dst=0)
            self.records = [r for p in parts for r in p]
        elif RANK > 0:
            dist.gather_object(self.records, None, dst=0)

    def get_stats(self) -> dict[str, Any]:
        stats = super().get_stats()
        assert self.taxonomy is not None
        self.report = evaluate(self.records, self.taxonomy)
        stats.update(summary_metrics(self.report))
        if "fitness" in stats and self.report["attr_macro_f1_mean"] is not None:
            stats["fitness"] = float(stats["fitness"]) + ATTR_FITNESS_WEIGHT * self.report["attr_macro_f1_mean"]
        return stats


def summary_metrics(report: dict[str, Any]) -> dict[str, float]:
    """The report's headline numbers, as results.csv columns."""
    out = {"metrics/leuko_mAP50": report["mAP50"], "metrics/leuko_mAP50-95": report["mAP50-95"]}
    if report["attributes"]:
        out["metrics/attr_acc"] = report["attr_accuracy_mean"] or 0.0
        out["metrics/attr_f1"] = report["attr_macro_f1_mean"] or 0.0
    return {k: round(float(v), 5) for k, v in out.items()}


def image_domain(im_file: str, default: str | None) -> str:
    """The first path component named like a domain (H_100x_C2...), else the data.yaml `domain`."""
    for part in reversed(Path(im_file).parts[:-1]):
        try:
            return Domain.parse(part).name
        except ValidationError:
            continue
    return default or "all"


def _max_stride(stride: Any) -> int:
    return int(torch.as_tensor(stride).max())


def _np(x: torch.Tensor) -> np.ndarray:
    return x.detach().float().cpu().numpy()
