"""`leuko-train train`: train AttriDet (or the stock-head baseline) into runs/train/<name>/.

The run folder holds ultralytics' results.csv and args.yaml, Leuko's metrics.json, the resolved
data.yaml and weights/best.pt, weights/last.pt. Multi-GPU: `--device 0,1,2,3` (ultralytics
spawns DDP workers with torch.distributed.run); see docs/attridet.md for multi-node.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from edge_app.errors import ValidationError

DEFAULT_PROJECT = "runs/train"


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("train", help="train AttriDet (detector + attribute head) on a dataset")
    p.add_argument("--data", help="dataset YAML (data.yaml with names and attributes)")
    p.add_argument("--model", default="attridet-n", help="attridet-n|s|m|l|x, or a .pt checkpoint to fine-tune")
    p.add_argument("--no-attributes", action="store_true", help="baseline: the same detector with the stock head")
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--imgsz", type=int, default=640)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--device", default="cpu", help="cpu, 0, or 0,1,2,3 for multi-GPU DDP")
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--name", help="run name (default: the model name); runs/train/<name>/")
    p.add_argument("--project", default=DEFAULT_PROJECT, help="folder holding the runs")
    p.add_argument("--exist-ok", action="store_true", help="reuse runs/train/<name>/ instead of <name>2, ...")
    p.add_argument("--resume", metavar="RUN_OR_LAST_PT", help="continue a run: its folder or weights/last.pt")
    p.add_argument("--patience", type=int, default=100)
    p.add_argument("--close-mosaic", type=int, default=10, help="last epochs without mosaic")
    p.add_argument("--plots", action="store_true", help="write ultralytics' plots (needs a local Arial.ttf)")
    p.add_argument("--optimizer", default="auto", help="SGD, AdamW, ... or auto (ultralytics' choice: AdamW at a "
                                                       "fine-tuning rate for short runs)")
    p.add_argument("--warmup-epochs", type=float, default=3.0,
                   help="epochs of learning-rate warm-up (0 for fine-tuning with Adam/AdamW: the warm-up starts "
                        "biases at lr 0.1)")
    p.add_argument("--lr0", type=float, default=0.01, help="initial learning rate (ignored by --optimizer auto)")
    p.add_argument("--nbs", type=int, default=64, help="nominal batch size: gradients accumulate over nbs/batch "
                                                       "batches; --nbs equal to --batch steps after every batch")
    p.add_argument("--aug", action="append", default=[], metavar="KEY=VALUE",
                   help=f"an ultralytics augmentation setting, repeatable ({', '.join(AUGMENTATION_KEYS)}); "
                        "e.g. --aug scale=0.1 --aug hsv_s=0.2 keeps cell size and stain colour, which attributes "
                        "such as cell_size and cytoplasmic_basophilia are read from")
    p.set_defaults(run=run)


AUGMENTATION_KEYS = ("hsv_h", "hsv_s", "hsv_v", "degrees", "translate", "scale", "shear", "perspective", "flipud",
                     "fliplr", "mosaic", "mixup", "cutmix", "erasing")


def augmentation_overrides(items: list[str]) -> dict[str, float]:
    """`--aug KEY=VALUE` items as ultralytics overrides; a wrong key or value is a user error."""
    out: dict[str, float] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or key not in AUGMENTATION_KEYS:
            raise ValidationError(f"--aug {item!r}: expected KEY=VALUE with KEY one of {', '.join(AUGMENTATION_KEYS)}")
        try:
            out[key] = float(value)
        except ValueError:
            raise ValidationError(f"--aug {item!r}: {value!r} is not a number") from None
    return out


def run(args: argparse.Namespace) -> int:
    from trainer.attridet.trainer import AttriDetTrainer

    overrides = resume_overrides(args) if args.resume else train_overrides(args)
    trainer = AttriDetTrainer(overrides=overrides)
    trainer.train()
    print(f"run folder: {trainer.save_dir}")
    return 0


def train_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """ultralytics arguments of a new run (all standard keys: DDP workers rebuild from them)."""
    if not args.data:
        raise ValidationError("--data is required for a new run", hint="pass the dataset's data.yaml, or --resume RUN")
    model, default_name = model_argument(args.model, args.no_attributes)
    return {
        "model": model,
        "data": str(args.data),
        "epochs": args.epochs,
        "imgsz": args.imgsz,
        "batch": args.batch,
        "device": args.device,
        "workers": args.workers,
        "seed": args.seed,
        "deterministic": True,
        "project": str(Path(args.project).resolve()),
        "name": args.name or default_name,
        "exist_ok": args.exist_ok,
        "patience": args.patience,
        "close_mosaic": args.close_mosaic,
        "plots": args.plots,
        # a checkpoint to fine-tune is its own pretrained weights: with False ultralytics would keep only
        # its architecture and start from random weights; never anything downloaded
        "pretrained": model if model.endswith(".pt") else False,
        "optimizer": args.optimizer,
        "lr0": args.lr0,
        "nbs": args.nbs,
        "warmup_epochs": args.warmup_epochs,
        **augmentation_overrides(getattr(args, "aug", [])),
    }


def model_argument(model: str, no_attributes: bool) -> tuple[str, str]:
    """(ultralytics `model` value, default run name) for a --model / --no-attributes pair."""
    if model.endswith(".pt"):
        if not Path(model).is_file():
            raise ValidationError(f"checkpoint {model} not found", hint="pass an existing weights/*.pt file")
        if no_attributes:
            raise ValidationError("--no-attributes applies to attridet-n|s|m|l|x, not to a checkpoint")
        return model, Path(model).stem
    from trainer.attridet.spec import parse_model_name

    spec = parse_model_name(model, attributes=not no_attributes)
    return (spec.name if spec.attributes else spec.base_yaml), spec.name


def resume_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """Resume from a run folder or its last.pt; ultralytics restores every other argument."""
    last = Path(args.resume)
    if last.is_dir():
        last = last / "weights" / "last.pt"
    if not last.is_file():
        raise ValidationError(f"nothing to resume: {last} not found", hint="pass runs/train/<name> or its last.pt")
    return {"model": str(last), "resume": str(last), "device": args.device}
