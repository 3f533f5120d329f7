"""`make demo-model`: train, export and install the demo bundle the app embeds.

    python -m trainer.demo_model [--fields 100] [--epochs 24] [--imgsz 320] [--out runs/demo-model]

The defaults fit the "at most 2 hours on this 2-core CPU" budget: measured here, one AttriDet-n
epoch over 4 domains x 80 training fields at 320 px takes about 200 s (2 threads), so 24 epochs
are about 80 minutes, plus synthesis and export. A GPU run can raise every number.

1. synthetic fields for the four 100x domains (high/low-cost microscope x phone/microscope camera),
2. one data.yaml over all four,
3. AttriDet-n trained from scratch on the CPU (no pretrained weights exist offline),
4. exported to ONNX FP32 (the QA reference) + ONNX INT8 (the device model; OpenVINO runs the
   ONNX files too), INT8 calibrated on L_100x_C2 (the default profile: XSZ-107BN + ZZCAT 5MP),
5. installed as `edge_app/assets/models/demo/` with an intended-use statement that says it is
   trained on synthetic data and is not for clinical use.

Deterministic up to PyTorch's CPU kernels: same seed, same data, same schedule.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import yaml

from trainer import cli as train_cli

DOMAINS = ("H_100x_C2", "L_100x_C2", "H_100x_C1", "L_100x_C1")
TARGET_DOMAIN = "L_100x_C2"
INSTALL_DIR = Path(__file__).resolve().parents[1] / "edge_app" / "assets" / "models" / "demo"
# Measured on 80 unseen L_100x_C2 fields (seed 11): the demo model's class scores stay low (14 classes, ~400
# training cells), so at 0.25 it shows 9 boxes for 96 cells; at 0.10, 117 boxes, 90% of them on a cell.
SCORE_THRESHOLD = 0.10
# Default scale (+-50 %) and HSV jitter rewrite the cues that cell_size, cytoplasm and basophilia are read
# from; with them the head stayed at the majority rate (docs/attridet.md, "Attribute learning").
ATTRIBUTE_SAFE_AUG = ("scale=0.1", "hsv_h=0", "hsv_s=0.2", "hsv_v=0.2")
INTENDED_USE = ("Demonstration only: trained on Leuko's synthetic blood-film fields, never on patient data. "
                "Not for clinical use.")


def merged_data_yaml(synth: Path) -> Path:
    """One data.yaml whose splits list every domain's folders (taxonomy from the first)."""
    first = yaml.safe_load((synth / DOMAINS[0] / "data.yaml").read_text(encoding="utf-8"))
    merged = {k: v for k, v in first.items() if k not in ("train", "val", "test", "domain", "path")}
    for split in ("train", "val", "test"):
        merged[split] = [f"{d}/images/{split}" for d in DOMAINS]
    merged["domain"] = "mixed"
    path = synth / "data.yaml"
    path.write_text(yaml.safe_dump(merged, sort_keys=False), encoding="utf-8")
    return path


def _run(main: object, argv: list[str]) -> None:
    print(f"\n$ {' '.join(argv)}", flush=True)
    code = main(argv)  # type: ignore[operator]
    if code:
        raise SystemExit(f"step failed with exit code {code}: {' '.join(argv)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trainer.demo_model", description=__doc__.splitlines()[0])
    parser.add_argument("--fields", type=int, default=100, help="fields per domain (80%% train)")
    parser.add_argument("--epochs", type=int, default=24)
    parser.add_argument("--imgsz", type=int, default=320)
    parser.add_argument("--out", type=Path, default=Path("runs/demo-model"))
    parser.add_argument("--no-install", action="store_true", help="leave the bundle in --out only")
    args = parser.parse_args(argv)
    from export import cli as export_cli

    synth = args.out / "synth"
    _run(train_cli.main, ["synth", "--out", str(synth), "--domains", ",".join(DOMAINS),
                          "--fields", str(args.fields), "--seed", "7"])
    data = merged_data_yaml(synth)
    # From scratch on ~400 cells, the default schedule (batch 16 accumulated to 64, AdamW at a fine-tuning
    # rate) makes 5 optimizer steps per epoch and learnt only "background" in 5 epochs; SGD at 0.01 stepping
    # after every batch of 8 makes 40.
    _run(train_cli.main, ["train", "--data", str(data), "--model", "attridet-n", "--epochs", str(args.epochs),
                          "--imgsz", str(args.imgsz), "--batch", "8", "--nbs", "8", "--optimizer", "SGD",
                          "--lr0", "0.01", "--device", "cpu", "--seed", "0",
                          "--project", str(args.out / "runs"), "--name", "attridet-n-demo", "--exist-ok",
                          *[arg for aug in ATTRIBUTE_SAFE_AUG for arg in ("--aug", aug)]])
    bundle = args.out / "bundle"
    weights = args.out / "runs" / "attridet-n-demo" / "weights" / "best.pt"
    _run(export_cli.main, ["build", str(bundle), "--weights", str(weights), "--calib",
                           str(synth / TARGET_DOMAIN / "images" / "train"), "--precision", "fp32,int8",
                           "--backend", "onnx", "--domain", ",".join(DOMAINS), "--calib-domain",
                           TARGET_DOMAIN, "--name", "leuko-demo", "--intended-use", INTENDED_USE,
                           "--score-threshold", str(SCORE_THRESHOLD), "--overwrite"])
    if not args.no_install:
        shutil.rmtree(INSTALL_DIR, ignore_errors=True)
        shutil.copytree(bundle, INSTALL_DIR)
        print(f"\ninstalled the demo bundle in {INSTALL_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
