"""`leuko-train val`: mAP50, mAP50-95 (COCO 101-point), per-class AP and per-attribute accuracy /
macro-F1 (best-IoU match, paper style), overall and per domain; JSON plus a readable table."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from edge_app.errors import ModelError

DEFAULT_PROJECT = "runs/val"


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("val", help="evaluate a trained model: mAP, per-class AP, attribute accuracy/F1")
    p.add_argument("--model", required=True, help="weights (.pt) from leuko-train train")
    p.add_argument("--data", required=True, help="dataset YAML")
    p.add_argument("--split", default="val", choices=("train", "val", "test"))
    p.add_argument("--imgsz", type=int, default=640)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--device", default="cpu")
    p.add_argument("--conf", type=float, default=0.001, help="score floor of the detections scored")
    p.add_argument("--iou", type=float, default=0.7, help="NMS IoU")
    p.add_argument(
        "--single-label",
        action="store_true",
        help="one class per box, as the app's runtime decodes (default: ultralytics' multi-label scoring)",
    )
    p.add_argument("--out", help="folder for metrics.json (default runs/val/<model stem>)")
    p.add_argument("--json", action="store_true", help="print the JSON report instead of the table")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from trainer.attridet.report import format_report

    report = evaluate_weights(args)
    out_dir = Path(args.out or Path(DEFAULT_PROJECT) / Path(args.model).stem)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "metrics.json"
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    print(f"report: {path}")
    return 0


def evaluate_weights(args: argparse.Namespace) -> dict[str, Any]:
    from trainer.attridet.data_yaml import resolve_data_yaml
    from trainer.attridet.validator import AttriDetValidator

    if not Path(args.model).is_file():
        raise ModelError(f"weights {args.model} not found", hint="pass runs/train/<name>/weights/best.pt")
    out_dir = Path(args.out or Path(DEFAULT_PROJECT) / Path(args.model).stem)
    data = resolve_data_yaml(args.data, out_dir)
    overrides = {
        "model": str(args.model),
        "data": str(data),
        "split": args.split,
        "imgsz": args.imgsz,
        "batch": args.batch,
        "device": args.device,
        "conf": args.conf,
        "iou": args.iou,
        "plots": False,
        "save_dir": str(out_dir),
    }
    validator = AttriDetValidator(args=overrides)
    validator.multi_label = not getattr(args, "single_label", False)
    validator()
    return validator.report
