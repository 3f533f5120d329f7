"""`AttriDetTrainer`: ultralytics' DetectionTrainer for AttriDet and its stock-head baseline.

Everything a DDP worker needs is in the standard ultralytics args (model name, data YAML,
hyper-parameters): ultralytics pickles the trainer class by module path plus `vars(args)` and
rebuilds the trainer in each worker, so no state may live only on the launching trainer.

- `model=attridet-n|s|m|l|x` builds YOLO11 + AttriDetect; `model=yolo11n.yaml` (etc.) the same
  detector with the stock head (the `--no-attributes` baseline); `model=*.pt` fine-tunes or
  resumes (the checkpoint's `yaml` says which of the two it is).
- The data is checked by Leuko's dataset validator before anything is built, and read by
  `AttrYOLODataset` (attribute columns parsed, or ignored for the baseline).
- Gradients: the detector and the attribute branch are norm-clipped apart (gradients.py), so on
  data without attributes AttriDet trains its detector exactly as the baseline does.
- At the end, `metrics.json` (Leuko's report of best.pt) is written beside ultralytics'
  results.csv.
"""

from __future__ import annotations

import json
import os
from copy import copy
from typing import Any

import torch
from ultralytics.models.yolo.detect import DetectionTrainer
from ultralytics.utils import DEFAULT_CFG, LOCAL_RANK, LOGGER, RANK
from ultralytics.utils.torch_utils import unwrap_model

from edge_app.errors import ValidationError
from edge_app.taxonomy import Taxonomy
from trainer.attridet import offline
from trainer.attridet.data_yaml import resolve_data_yaml
from trainer.attridet.dataset import build_attr_dataset
from trainer.attridet.gradients import clip_gradients
from trainer.attridet.model import ATTRIDET_KEY, build_from_yaml, build_model, has_attribute_head
from trainer.attridet.preflight import check_before_training
from trainer.attridet.report import format_report
from trainer.attridet.spec import parse_model_name
from trainer.attridet.validator import AttriDetValidator

METRICS_JSON = "metrics.json"


class AttriDetTrainer(DetectionTrainer):
    """DetectionTrainer with Leuko's data check, dataset, model, validator and metrics.json."""

    def __init__(self, cfg: Any = DEFAULT_CFG, overrides: dict[str, Any] | None = None, _callbacks: Any = None):
        offline.install()
        super().__init__(cfg, overrides, _callbacks)
        if self.device.type == "cpu":
            # ultralytics keeps one core free for loader workers, but on the CPU it runs with none
            # (workers=0): on a 2-core machine that halves the training speed for nothing.
            torch.set_num_threads(os.cpu_count() or 1)

    @property
    def taxonomy(self) -> Taxonomy:
        return Taxonomy.from_dataset_yaml(self.data)

    def get_dataset(self) -> dict[str, Any]:
        if LOCAL_RANK == -1:  # the launching process checks once; DDP workers trust it
            for warning in check_before_training(self.args.data):
                LOGGER.warning(warning)
            self.args.data = str(resolve_data_yaml(self.args.data, self.save_dir))
        return super().get_dataset()

    def get_model(self, cfg: Any = None, weights: Any = None, verbose: bool = True) -> Any:
        verbose = verbose and RANK == -1
        if isinstance(cfg, str) and cfg.startswith("attridet-"):
            model = build_model(parse_model_name(cfg), self.taxonomy, verbose=verbose)
        elif isinstance(cfg, dict):
            model = build_from_yaml(cfg, nc=self.data["nc"], ch=self.data["channels"], verbose=verbose)
        else:
            return super().get_model(cfg, weights, verbose)
        model = self.set_model_names_for_load(model)
        if weights:
            model.load(weights)
        return model

    def set_model_attributes(self) -> None:
        super().set_model_attributes()
        _check_attribute_layout(unwrap_model(self.model), self.taxonomy)

    def build_dataset(self, img_path: str, mode: str = "train", batch: int | None = None) -> Any:
        model = unwrap_model(self.model)
        stride = max(int(model.stride.max()), 32)
        use_attrs = has_attribute_head(model)
        return build_attr_dataset(self.args, img_path, batch or 16, self.data, mode, stride, use_attrs, mode == "val")

    def optimizer_step(self) -> None:
        """ultralytics' step, with the detector and the attribute branch clipped apart (gradients.py)."""
        self.scaler.unscale_(self.optimizer)
        clip_gradients(unwrap_model(self.model))
        self.scaler.step(self.optimizer)
        self.scaler.update()
        self.optimizer.zero_grad()
        if self.ema:
            self.ema.update(self.model)

    def get_validator(self) -> AttriDetValidator:
        return AttriDetValidator(
            self.test_loader, save_dir=self.save_dir, args=copy(self.args), _callbacks=self.callbacks
        )

    def final_eval(self) -> None:
        super().final_eval()
        if RANK in {-1, 0} and self.validator is not None and self.validator.report:
            write_metrics_json(self, self.validator.report)
            LOGGER.info(format_report(self.validator.report))


def _check_attribute_layout(model: Any, taxonomy: Taxonomy) -> None:
    """A fine-tuned AttriDet checkpoint must speak the dataset's attributes."""
    extra = getattr(model, "yaml", {}).get(ATTRIDET_KEY)
    if extra is None:
        return
    expected = [len(a.values) for a in taxonomy.attributes]
    if list(extra["attr_values"]) != expected:
        raise ValidationError(
            f"the model's attribute head has value counts {extra['attr_values']}, the dataset {expected}",
            hint="train from attridet-n|s|m|x, or fine-tune on data with the checkpoint's attributes",
        )


def write_metrics_json(trainer: AttriDetTrainer, report: dict[str, Any]) -> None:
    record = {
        "model": str(trainer.args.model),
        "data": str(trainer.args.data),
        "epochs": trainer.epochs,
        "imgsz": trainer.args.imgsz,
        "seed": trainer.args.seed,
        "weights": str(trainer.best),
        "ultralytics": {k: float(v) for k, v in (trainer.metrics or {}).items()},
        "leuko": report,
    }
    path = trainer.save_dir / METRICS_JSON
    path.write_text(json.dumps(record, indent=2, allow_nan=True), encoding="utf-8")
