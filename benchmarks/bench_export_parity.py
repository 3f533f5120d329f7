"""Export parity benchmark: Leuko's bundle (every precision x backend, through edge_app) beside
ultralytics' own OpenVINO INT8 export of the same weights, evaluated by ultralytics' own val.

    YOLO_OFFLINE=1 .venv/bin/python benchmarks/bench_export_parity.py \\
        --weights runs/train/attridet-n/weights/best.pt --data data/synth/data.yaml --calib CALIB_DIR \\
        [--split val] [--imgsz 640] [--out runs/bench/export-parity]

Prints Leuko's parity table, then mAP50-95 deltas (INT8 - FP32) side by side; Leuko's INT8 must
lose no more than ultralytics' INT8 does. Each side measures its delta with its own mAP (Leuko:
COCO 101-point via edge_app.evaluation; ultralytics: its own), so deltas are compared, not mAPs.
ultralytics sees a boxes-only copy of the labels (its loader would read attribute columns as
polygon points) and calibrates on the same --calib images.

The ultralytics side needs a stock-head checkpoint (`leuko-train train --no-attributes`, or a
plain ultralytics run): its own validator takes every channel after the boxes for a class, so
an AttriDet checkpoint's attribute channels would be scored as classes. For AttriDet weights the
script says so and runs Leuko's parity only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

os.environ.setdefault("YOLO_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from export.bundle_writer import ExportRequest, export_bundle
from export.calibration import find_images
from export.labelled_set import LabelledSet, label_path, load_split
from export.parity import ParitySettings, format_table, run_parity


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--weights", required=True, help="best.pt of leuko-train train")
    p.add_argument("--data", required=True, help="labelled dataset YAML (the target domain)")
    p.add_argument("--calib", required=True, help="unlabelled target-domain images for INT8 calibration")
    p.add_argument("--split", default="val")
    p.add_argument("--imgsz", type=int, help="input size (default: the training imgsz)")
    p.add_argument("--calib-limit", type=int, default=500)
    p.add_argument("--latency-runs", type=int, default=30)
    p.add_argument("--threads", type=int)
    p.add_argument("--out", default="runs/bench/export-parity")
    p.add_argument("--skip-ultralytics", action="store_true", help="Leuko's parity only")
    return p.parse_args(argv)


def leuko_side(args: argparse.Namespace, out: Path, data: LabelledSet) -> dict[str, Any]:
    request = ExportRequest(
        out / "bundle", Path(args.weights), Path(args.calib), precisions=("fp32", "fp16", "int8"),
        input_size=(args.imgsz, args.imgsz) if args.imgsz else None, calib_limit=args.calib_limit,
        domains=(data.domain,) if data.domain else (), overwrite=True,
    )
    card = export_bundle(request)
    print(card.quantization_notes)
    settings = ParitySettings(threads=args.threads, latency_runs=args.latency_runs)
    report = run_parity(out / "bundle", data, settings)
    print(format_table(report))
    return report


def boxes_only_copy(data: LabelledSet, calib: Path, root: Path) -> Path:
    """A data.yaml ultralytics can read: split images linked, labels cut to `cls cx cy w h`."""
    for sub, images in (("val", data.images), ("calib", find_images(calib))):
        folder = root / "images" / sub
        folder.mkdir(parents=True, exist_ok=True)
        (root / "labels" / sub).mkdir(parents=True, exist_ok=True)
        for i, image in enumerate(images):
            link = folder / f"{i:05d}{image.suffix}"
            if not link.exists():
                link.symlink_to(image.resolve())
            if sub == "val" and label_path(image).is_file():
                lines = label_path(image).read_text(encoding="utf-8").splitlines()
                (root / "labels" / sub / f"{i:05d}.txt").write_text(
                    "".join(" ".join(line.split()[:5]) + "\n" for line in lines if line.strip()), encoding="utf-8")
    names = dict(enumerate(data.taxonomy.classes))
    spec = {"path": str(root.resolve()), "train": "images/calib", "val": "images/val", "names": names}
    (root / "data.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return root / "data.yaml"


def ultralytics_side(args: argparse.Namespace, out: Path, data: LabelledSet, imgsz: int) -> dict[str, Any]:
    from ultralytics import YOLO

    yaml_path = boxes_only_copy(data, Path(args.calib), out / "ultralytics-data")
    val_args = {"data": str(yaml_path), "split": "val", "imgsz": imgsz, "batch": 1, "conf": 0.001, "iou": 0.7,
                "plots": False, "device": "cpu", "verbose": False, "project": str(out), "name": "ultralytics-val"}
    fp32 = YOLO(args.weights).val(**val_args, exist_ok=True)
    weights = out / "ultralytics-weights.pt"  # its exporter writes beside the .pt: keep the run folder clean
    shutil.copy(args.weights, weights)
    exported = YOLO(weights).export(format="openvino", int8=True, data=str(yaml_path), split="train",
                                         imgsz=imgsz, fraction=1.0, batch=1, device="cpu")
    int8 = YOLO(exported, task="detect").val(**val_args, exist_ok=True)
    return {"export": str(exported), "fp32": _box_metrics(fp32), "int8": _box_metrics(int8),
            "d_map50_95": int8.box.map - fp32.box.map, "d_map50": int8.box.map50 - fp32.box.map50}


def has_attribute_channels(weights: Path) -> bool:
    """True for an AttriDet checkpoint (attribute logits after the class scores)."""
    import torch

    from trainer.attridet.model import has_attribute_head

    checkpoint = torch.load(weights, map_location="cpu", weights_only=False)
    return has_attribute_head(checkpoint.get("ema") or checkpoint["model"])


def _box_metrics(metrics: Any) -> dict[str, float]:
    return {"mAP50-95": float(metrics.box.map), "mAP50": float(metrics.box.map50),
            "inference_ms": float(metrics.speed.get("inference", float("nan")))}


def side_by_side(leuko: dict[str, Any], ultra: dict[str, Any]) -> list[str]:
    lines = ["", "INT8 - FP32, mAP50-95 points (each side with its own mAP definition):",
             f"  ultralytics openvino int8 (its export + val): {100 * ultra['d_map50_95']:+.2f}"]
    allowed_loss = max(-ultra["d_map50_95"], 0.0)  # a gain on either side is noise, not a bar to beat
    for r in leuko["results"]:
        if r["precision"] == "int8":
            verdict = "PASS" if -r["d_map50_95"] <= allowed_loss else "FAIL"
            lines.append(f"  leuko {r['label']:<28} {100 * r['d_map50_95']:+.2f}   {verdict} (loses no more)")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data = load_split(Path(args.data), args.split)
    leuko = leuko_side(args, out, data)
    result: dict[str, Any] = {"leuko": leuko}
    if not args.skip_ultralytics and has_attribute_channels(Path(args.weights)):
        print("\nultralytics side skipped: an AttriDet checkpoint's attribute channels would be scored as classes "
              "by ultralytics' validator; run this benchmark on --no-attributes weights for the side by side")
    elif not args.skip_ultralytics:
        imgsz = json.loads((out / "bundle" / "card.json").read_text())["input_size"][0]
        result["ultralytics"] = ultralytics_side(args, out, data, imgsz)
        print("\n".join(side_by_side(leuko, result["ultralytics"])))
    (out / "bench.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"report: {out / 'bench.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
