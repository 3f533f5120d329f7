"""Models for bench_live.py: one untrained YOLO11n detector, as a Leuko bundle and as ultralytics reads it.

The detector is AttriDet's `--no-attributes` variant (= a stock YOLO11n detect head with the 14
LeukemiaAttri classes), untrained (no weights to download, no training time). It is exported
once with `leuko-export` (ONNX FP32/INT8, OpenVINO FP32/INT8 at 640x640); ultralytics then
loads THE SAME files (an OpenVINO folder is linked under the `*_openvino_model` name its loader
expects), so both sides run identical graphs. Untrained outputs make no detections worth
keeping, so post-processing is cheap on both sides alike. Cached in the output folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import cv2

os.environ.setdefault("YOLO_OFFLINE", "1")

IMGSZ = 640
CALIB_FIELDS = 24
VARIANTS = (("onnxruntime", "fp32"), ("onnxruntime", "int8"), ("openvino", "fp32"), ("openvino", "int8"))


def build_checkpoint(folder: Path) -> Path:
    """An untrained YOLO11n (--no-attributes AttriDet) checkpoint, saved as ultralytics saves one."""
    path = folder / "yolo11n-leuko-untrained.pt"
    if path.is_file():
        return path
    import torch

    from edge_app.taxonomy import Taxonomy
    from trainer.attridet.model import build_model
    from trainer.attridet.spec import ModelSpec

    torch.manual_seed(0)
    model = build_model(ModelSpec("n", attributes=False), Taxonomy.leukemia_attri()).eval()
    folder.mkdir(parents=True, exist_ok=True)
    torch.save({"model": model.half(), "train_args": {"imgsz": IMGSZ}, "epoch": 0}, path)
    return path


def calibration_fields(folder: Path) -> Path:
    """Target-domain (L_100x_C2) fields from the virtual microscope, for INT8 calibration."""
    calib = folder / "calib"
    if calib.is_dir() and len(list(calib.glob("*.jpg"))) >= CALIB_FIELDS:
        return calib
    from edge_app.sources.virtual_microscope import VirtualMicroscope

    calib.mkdir(parents=True, exist_ok=True)
    scope = VirtualMicroscope("xsz107bn-zzcat-100x", seed=5, fps=None)
    x0, y0 = scope.stage.x_mm, scope.stage.y_mm
    with scope:
        for n in range(CALIB_FIELDS):
            scope.move_to(x0 + 0.2 * (n % 6), y0 + 0.2 * (n // 6))
            frame = scope.read()
            assert frame is not None
            cv2.imwrite(str(calib / f"calib_{n:03d}.jpg"), frame.image)
    return calib


def build_bundle(folder: Path) -> Path:
    """`leuko-export` of the checkpoint: the Leuko bundle both sides of the benchmark run."""
    bundle = folder / "bundle"
    if (bundle / "card.json").is_file():
        return bundle
    from export import cli as export_cli

    args = [str(bundle), "--weights", str(build_checkpoint(folder)), "--calib", str(calibration_fields(folder)),
            "--precision", "fp32,int8", "--backend", "onnx,openvino", "--imgsz", str(IMGSZ),
            "--domain", "L_100x_C2", "--float-scope", "postprocess", "--overwrite"]
    if export_cli.main(args) != 0:
        raise SystemExit("leuko-export failed (see above)")
    return bundle


def ultralytics_path(bundle: Path, file: str) -> Path:
    """What to hand `YOLO(...)` for a bundle model file: the .onnx itself, or its IR folder by the
    name ultralytics recognises (`<name>_openvino_model/`), holding the same .xml/.bin."""
    path = bundle / file
    if path.suffix == ".onnx":
        return path
    link = bundle.parent / "ultralytics" / f"{path.parent.name.replace('-', '_')}_openvino_model"
    if not link.is_dir():
        link.mkdir(parents=True)
        for part in path.parent.iterdir():
            shutil.copy(part, link / part.name)  # a copy: the bundle's checksums stay untouched
    return link
