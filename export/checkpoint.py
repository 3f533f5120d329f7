"""Load trained weights (`runs/train/<name>/weights/best.pt`) and what the run folder says about them.

The checkpoint pickles the model class by module path (`trainer.attridet...`), so `torch.load`
imports that module at run time; the export package itself never imports `trainer`. The app
never unpickles anything: only this build-time step does, on weights the builder trained.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from edge_app.errors import ModelError, ValidationError
from edge_app.taxonomy import Taxonomy

ATTRIDET_KEY = "attridet"  # the model yaml's entry for the attribute head (see docs/attridet.md)


@dataclass
class TrainedWeights:
    """A float, eval-mode model plus what the card needs to say about it."""

    model: Any  # torch.nn.Module (ultralytics DetectionModel)
    taxonomy: Taxonomy
    imgsz: int
    architecture: str
    training: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    domains: tuple[str, ...] = ()

    @property
    def head(self) -> Any:
        return self.model.model[-1]


def load_weights(path: Path, data_yaml: Path | None = None) -> TrainedWeights:
    """Unpickle `path` (a Leuko/ultralytics checkpoint) and gather taxonomy, size, metrics, domain."""
    ckpt = _torch_load(path)
    model = (ckpt.get("ema") or ckpt.get("model")) if isinstance(ckpt, dict) else None
    if model is None or not hasattr(model, "model"):
        raise ModelError("not an ultralytics/Leuko checkpoint (no 'model' entry)", where=str(path),
                         hint="pass runs/train/<name>/weights/best.pt from leuko-train train")
    model = model.float().eval()
    args = dict(ckpt.get("train_args") or {})
    run = _run_folder(path)
    data = _read_data_yaml(data_yaml or _default_data_yaml(run, args))
    taxonomy = model_taxonomy(model, data)
    return TrainedWeights(
        model=model,
        taxonomy=taxonomy,
        imgsz=int(args.get("imgsz") or 640),
        architecture=_architecture(model),
        training=_training_record(path, args, ckpt),
        metrics=_run_metrics(run),
        domains=(str(data["domain"]),) if data.get("domain") else (),
    )


def _torch_load(path: Path) -> Any:
    import torch

    if not path.is_file():
        raise ModelError("weights file not found", where=str(path), hint="pass runs/train/<name>/weights/best.pt")
    try:
        return torch.load(path, map_location="cpu", weights_only=False)
    except ModuleNotFoundError as exc:
        raise ModelError(f"the checkpoint needs module {exc.name!r} to unpickle", where=str(path),
                         hint="run leuko-export from the Leuko repository (pip install -e '.[train,export]')") from None
    except Exception as exc:  # torch raises many types for foreign/truncated files
        raise ModelError(f"cannot read the checkpoint: {str(exc).splitlines()[0][:200]}", where=str(path),
                         hint="the file is truncated or not a PyTorch checkpoint") from None


def model_taxonomy(model: Any, data: dict[str, Any]) -> Taxonomy:
    """Class and attribute names: the dataset YAML's when given, checked against the model's head."""
    classes = tuple(str(n) for _, n in sorted(dict(model.names).items()))
    extra = (getattr(model, "yaml", None) or {}).get(ATTRIDET_KEY)
    taxonomy = Taxonomy.from_dataset_yaml(data) if data.get("names") else _taxonomy_from_head(classes, extra)
    _check_against_model(taxonomy, classes, extra)
    return taxonomy


def _taxonomy_from_head(classes: tuple[str, ...], extra: dict[str, Any] | None) -> Taxonomy:
    """Without a dataset YAML: LeukemiaAttri's value names where the head matches it, else v0, v1..."""
    if not extra:
        return Taxonomy(classes)
    reference = Taxonomy.leukemia_attri()
    if list(extra["attr_names"]) == [a.name for a in reference.attributes]:
        return Taxonomy(classes, reference.attributes, int(extra["not_annotated"]), reference.name)
    from edge_app.taxonomy import Attribute

    attrs = tuple(Attribute(n, tuple(f"v{i}" for i in range(k))) for n, k in zip(
        extra["attr_names"], extra["attr_values"], strict=True))
    return Taxonomy(classes, attrs, int(extra["not_annotated"]))


def _check_against_model(taxonomy: Taxonomy, classes: tuple[str, ...], extra: dict[str, Any] | None) -> None:
    values = [len(a.values) for a in taxonomy.attributes]
    head_values = list(extra["attr_values"]) if extra else []
    if taxonomy.num_classes != len(classes) or values != head_values:
        raise ValidationError(
            f"the dataset YAML ({taxonomy.num_classes} classes, attribute values {values}) does not match "
            f"the model ({len(classes)} classes, attribute values {head_values})",
            hint="pass --data-yaml with the dataset the weights were trained on",
        )


def _run_folder(weights: Path) -> Path | None:
    """runs/train/<name>/ for runs/train/<name>/weights/best.pt, if it looks like one."""
    run = weights.resolve().parent.parent
    return run if weights.parent.name == "weights" and (run / "args.yaml").is_file() else None


def _default_data_yaml(run: Path | None, args: dict[str, Any]) -> Path | None:
    if run is not None and (run / "data.yaml").is_file():
        return run / "data.yaml"
    data = args.get("data")
    return Path(data) if data and Path(data).is_file() else None


def _read_data_yaml(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValidationError(f"cannot read the dataset YAML: {exc}", where=str(path)) from None
    return data if isinstance(data, dict) else {}


def _run_metrics(run: Path | None) -> dict[str, float]:
    """Headline numbers of Leuko's report of best.pt (the run folder's metrics.json)."""
    if run is None or not (run / "metrics.json").is_file():
        return {}
    report = json.loads((run / "metrics.json").read_text(encoding="utf-8")).get("leuko") or {}
    keys = ("mAP50", "mAP50-95", "attr_accuracy_mean", "attr_macro_f1_mean")
    return {k: round(float(report[k]), 5) for k in keys if report.get(k) is not None}


def _training_record(path: Path, args: dict[str, Any], ckpt: dict[str, Any]) -> dict[str, Any]:
    keep = ("data", "epochs", "imgsz", "batch", "seed", "model")
    record: dict[str, Any] = {k: args[k] for k in keep if k in args}
    if "data" in record:
        record["data"] = _portable(str(record["data"]))
    record.update(weights=path.name, epoch=ckpt.get("epoch"), ultralytics=ckpt.get("version"), date=ckpt.get("date"))
    return {k: v for k, v in record.items() if v is not None}


def _portable(path: str) -> str:
    """A path under the working directory relative to it: a shipped card must not name the build machine's folders."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path


def _architecture(model: Any) -> str:
    scale = (getattr(model, "yaml", None) or {}).get("scale") or "n"
    has_attributes = ATTRIDET_KEY in (getattr(model, "yaml", None) or {})
    return f"attridet-{scale}" if has_attributes else f"yolo11{scale}-baseline"
