"""`leuko-export`: model bundles for the edge app.

    leuko-export BUNDLE --weights best.pt --calib IMAGES [--precision fp32,int8] [--backend onnx,openvino]
    leuko-export parity BUNDLE --data data.yaml [--split val] [--out parity.json]
    leuko-export inspect BUNDLE

The first form is short for `leuko-export build ...`. Heavy imports (torch, onnx, openvino,
nncf) happen inside the commands.
"""

from __future__ import annotations

import argparse
import json
import os
import warnings
from collections.abc import Sequence
from pathlib import Path

from edge_app.cli_support import run_cli
from edge_app.errors import ValidationError
from edge_app.model_card import ModelCard

COMMANDS = ("build", "parity", "inspect")
BACKEND_ALIASES = {"onnx": "onnxruntime", "ort": "onnxruntime", "onnxruntime": "onnxruntime",
                   "openvino": "openvino", "ov": "openvino"}


def _run_inspect(args: argparse.Namespace) -> int:
    bundle = Path(args.bundle)
    card = ModelCard.load(bundle / "card.json")
    card.verify_files(bundle)
    print(f"{card.bundle_id}: {card.architecture}, input {card.input_size[1]}x{card.input_size[0]}, "
          f"{card.taxonomy.num_classes} classes, {card.taxonomy.num_attributes} attributes")
    print(f"  domains: {', '.join(card.domains) or 'unspecified'}")
    for f in card.files:
        stored = "  float weights stored fp16" if f.float_weights == "fp16" else ""
        print(f"  {f.path:<32} {f.backend:<12} {f.precision:<5} sha256 ok{stored}")
    if card.calibration:
        print(f"  calibration: {card.calibration.get('images')} images of {card.calibration.get('domain')}, "
              f"float scope {card.calibration.get('float_scope')}")
    print(f"  intended use: {card.intended_use}")
    return 0


def _run_build(args: argparse.Namespace) -> int:
    from export.bundle_writer import ExportRequest, export_bundle
    from export.quantize_onnx import OrtQuantSettings

    os.environ.setdefault("YOLO_OFFLINE", "1")
    request = ExportRequest(
        bundle_dir=Path(args.bundle), weights=Path(args.weights), calib=Path(args.calib) if args.calib else None,
        precisions=_list(args.precision), backends=tuple(_backend(b) for b in _list(args.backend)),
        input_size=_imgsz(args.imgsz), name=args.name or "", domains=_list(args.domain or "", lower=False),
        data_yaml=Path(args.data_yaml) if args.data_yaml else None, calib_limit=args.calib_limit,
        calib_domain=args.calib_domain, float_scope=args.float_scope,
        ort=OrtQuantSettings(activation=args.act_type), overwrite=args.overwrite,
        intended_use=args.intended_use or "", score_threshold=args.score_threshold,
        float_weights=args.float_weights,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = _show_warning
        card = export_bundle(request)
    _print_bundle(Path(args.bundle), card)
    return 0


def _print_bundle(folder: Path, card: ModelCard) -> None:
    print(f"bundle {folder}: {card.bundle_id}, input {card.input_size[1]}x{card.input_size[0]}, "
          f"domains {', '.join(card.domains) or 'unspecified'}")
    for f in card.files:
        size = (folder / f.path).stat().st_size / 1e6
        stored = "  float weights stored fp16" if f.float_weights == "fp16" else ""
        print(f"  {f.path:<28} {f.backend:<12} {f.precision:<5} {size:8.2f} MB  sha256 {f.sha256[:12]}{stored}")
    if card.quantization_notes:
        print(card.quantization_notes)


def _run_parity(args: argparse.Namespace) -> int:
    from export.labelled_set import load_split
    from export.parity import ParitySettings, format_table, run_parity

    settings = ParitySettings(conf=args.conf, iou=args.iou, threads=args.threads, latency_runs=args.latency_runs)
    report = run_parity(Path(args.bundle), load_split(Path(args.data), args.split), settings)
    out = Path(args.out or Path("runs/export") / f"parity-{Path(args.bundle).resolve().name}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps(report, indent=2) if args.json else format_table(report))
    print(f"report: {out}")
    return 0


def _show_warning(message: Warning | str, category: type[Warning], *_: object, **__: object) -> None:
    print(f"leuko-export: warning: {message}")


def _list(text: str, lower: bool = True) -> tuple[str, ...]:
    parts = (p.strip() for p in text.split(",") if p.strip())
    return tuple(p.lower() if lower else p for p in parts)


def _backend(name: str) -> str:
    if name not in BACKEND_ALIASES:
        raise ValidationError(f"unknown backend {name!r}", hint="use onnx (onnxruntime) and/or openvino")
    return BACKEND_ALIASES[name]


def _imgsz(text: str | None) -> tuple[int, int] | None:
    """`640` (square) or `480,640` (height,width) for a rectangular camera profile."""
    if not text:
        return None
    try:
        sizes = [int(v) for v in text.split(",")]
    except ValueError:
        raise ValidationError(f"--imgsz {text!r} is not a size", hint="e.g. 640 or 480,640 (height,width)") from None
    return (sizes[0], sizes[-1]) if len(sizes) in (1, 2) else None


def _add_build(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("build", help="weights -> bundle (ONNX / OpenVINO, FP32 / FP16 / INT8, card.json)")
    p.add_argument("bundle", help="output bundle folder")
    p.add_argument("--weights", required=True, help="runs/train/<name>/weights/best.pt")
    p.add_argument("--calib", help="folder of unlabelled TARGET-domain images (recursively jpg/png) for INT8")
    p.add_argument("--precision", default="fp32,int8", help="comma list of fp32, fp16 (OpenVINO), int8")
    p.add_argument("--backend", default="onnx,openvino", help="comma list of onnx, openvino")
    p.add_argument("--imgsz", help="network input: 640 or height,width (default: the training imgsz)")
    p.add_argument("--name", help="model name on the card (default: architecture-run name)")
    p.add_argument("--domain", help="target domain(s) of the bundle, e.g. L_100x_C2 (default: the dataset's)")
    p.add_argument("--calib-domain", help="domain of the calibration images (default: the target domain)")
    p.add_argument("--data-yaml", help="dataset YAML for class/attribute names (default: the run folder's)")
    p.add_argument("--calib-limit", type=int, default=500, help="most calibration images used (spread evenly)")
    p.add_argument("--float-scope", default="auto", help="head part kept float in INT8: auto (measured), "
                   "none, outputs, postprocess, head")
    p.add_argument("--float-weights", default="fp32", choices=("fp32", "fp16"),
                   help="how the ONNX files store the conv weights they compute with in float: fp32, or fp16 "
                   "(half the bytes, float32 arithmetic, weights rounded to float16; for small bundles)")
    p.add_argument("--act-type", default="uint8", choices=("uint8", "int8"), help="ONNX Runtime activation type")
    p.add_argument("--overwrite", action="store_true", help="replace an existing bundle folder")
    p.add_argument("--score-threshold", type=float, default=0.25,
                   help="the card's operating point: the app's default detection threshold (choose it on validation)")
    p.add_argument("--intended-use", help="intended-use statement for the card (default: research only, not clinical)")
    p.set_defaults(run=_run_build)


def _add_parity(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("parity", help="every precision x backend on one labelled set: mAP, attributes, "
                              "latency, deltas against FP32")
    p.add_argument("bundle", help="bundle folder")
    p.add_argument("--data", required=True, help="dataset YAML")
    p.add_argument("--split", default="val", choices=("train", "val", "test"))
    p.add_argument("--conf", type=float, default=0.001, help="score floor (0.001 as for mAP)")
    p.add_argument("--iou", type=float, default=0.7, help="NMS IoU")
    p.add_argument("--threads", type=int, help="inference threads (default: the runtime's)")
    p.add_argument("--latency-runs", type=int, default=30, help="timed runs per variant (after warm-up)")
    p.add_argument("--out", help="JSON report (default runs/export/parity-<bundle>.json)")
    p.add_argument("--json", action="store_true", help="print the JSON instead of the table")
    p.set_defaults(run=_run_parity)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="leuko-export", description="Leuko model bundles (ONNX / OpenVINO).")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_build(subparsers)
    _add_parity(subparsers)
    inspect = subparsers.add_parser("inspect", help="show a bundle's card and verify its files' checksums")
    inspect.add_argument("bundle", help="bundle folder (holds card.json)")
    inspect.set_defaults(run=_run_inspect)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-") and args[0] not in COMMANDS:
        args.insert(0, "build")  # `leuko-export BUNDLE --weights ...`
    return run_cli(build_parser(), args)


if __name__ == "__main__":
    raise SystemExit(main())
