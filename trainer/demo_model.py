"""`make demo-model`: train, export and install the demo bundle the app embeds.

    python -m trainer.demo_model [--fields 100] [--epochs 24] [--imgsz 320] [--out runs/demo-model]

The defaults fit the "at most 2 hours on this 2-core CPU" budget: measured here, one AttriDet-n
epoch over 4 domains x 80 training fields at 320 px takes about 200 s (2 threads), so 24 epochs
are about 80 minutes, plus synthesis and export. A GPU run can raise every number.

1. synthetic fields for the four 100x domains (high/low-cost microscope x phone/microscope camera),
   each domain from a seed of its own and with WBCs drawn 8x as dense as in blood, so the 320
   training images hold 821 labelled objects, all different cells (the same fields photographed in
   all four domains held 108),
2. one data.yaml over all four,
3. AttriDet-n trained from scratch on the CPU (no pretrained weights exist offline),
4. exported to ONNX FP32 (the QA reference) + ONNX INT8 (the device model; OpenVINO runs the
   ONNX files too), INT8 calibrated on ~300 fresh L_100x_C2 fields (the default profile: XSZ-107BN +
   ZZCAT 5MP; a seed of their own, never trained on); both files store their float conv weights
   in float16 (`--float-weights fp16`: float32 arithmetic, half the bytes; a bundle of ~9 MB, not 16),
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
# Operating point, measured on 128 fields none of the demo model saw (`leuko-train synth --out runs/thr-tune
# --domains <the four> --fields 40 --seed 41`, train splits, 164 cells): boxes / cells found / extra boxes on a
# found cell: 0.10: 283 / 142 / 124; 0.20: 186 / 130 / 50; 0.25: 142 / 111 / 28. At 0.20 the count is closest
# to the truth while 79 % of the cells are found (class-aware NMS keeps a second box where two classes compete).
SCORE_THRESHOLD = 0.20
# INT8 calibration: unlabelled fields of the target domain, as many as the exporter asks for (~300); the 80
# training fields alone cost ONNX Runtime INT8 1.1 mAP50-95 points on unseen L_100x_C2.
CALIB_FIELDS = 300  # asked for; the synthesised train split holds 299
# Default scale (+-50 %) and HSV jitter rewrite the cues that cell_size, cytoplasm and basophilia are read
# from; with them the head stayed at the majority rate (docs/attridet.md, "Attribute learning").
ATTRIBUTE_SAFE_AUG = ("scale=0.1", "hsv_h=0", "hsv_s=0.2", "hsv_v=0.2")
# Attributes are learnt per cell, and per epoch the CPU pays per image: every domain gets fields of its own
# (one seed each) and slides 8x the WBC density of blood (~2.6 labelled objects per 100x field, not ~1.3). With one
# field set photographed in all four domains, 320 training images held 108 distinct cells, 23 vacuolated, and
# the head stayed at the majority rate for vacuoles (docs/demo_model.md).
TRAIN_SEEDS = {domain: 7 + 1000 * i for i, domain in enumerate(DOMAINS)}
WBC_ENRICHMENT = 8.0
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


def _train(synth: Path, args: argparse.Namespace) -> None:
    for domain, seed in TRAIN_SEEDS.items():
        _run(train_cli.main, ["synth", "--out", str(synth), "--domains", domain, "--fields", str(args.fields),
                              "--seed", str(seed), "--wbc-enrichment", str(WBC_ENRICHMENT), "--overwrite"])
    data = merged_data_yaml(synth)
    # From scratch on ~400 cells, the default schedule (batch 16 accumulated to 64, AdamW at a fine-tuning
    # rate) makes 5 optimizer steps per epoch and learnt only "background" in 5 epochs; SGD at 0.01 stepping
    # after every batch of 8 makes 40.
    _run(train_cli.main, ["train", "--data", str(data), "--model", "attridet-n", "--epochs", str(args.epochs),
                          "--imgsz", str(args.imgsz), "--batch", "8", "--nbs", "8", "--optimizer", "SGD",
                          "--lr0", "0.01", "--device", "cpu", "--seed", "0",
                          "--project", str(args.out / "runs"), "--name", "attridet-n-demo", "--exist-ok",
                          *[arg for aug in ATTRIBUTE_SAFE_AUG for arg in ("--aug", aug)]])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trainer.demo_model", description=__doc__.splitlines()[0])
    parser.add_argument("--fields", type=int, default=100, help="fields per domain (80%% train)")
    parser.add_argument("--epochs", type=int, default=24)
    parser.add_argument("--imgsz", type=int, default=320)
    parser.add_argument("--out", type=Path, default=Path("runs/demo-model"))
    parser.add_argument("--no-install", action="store_true", help="leave the bundle in --out only")
    parser.add_argument("--export-only", action="store_true",
                        help="skip synthesis and training: export --out's finished run again (new calibration, "
                             "threshold)")
    args = parser.parse_args(argv)
    from export import cli as export_cli

    synth = args.out / "synth"
    weights = args.out / "runs" / "attridet-n-demo" / "weights" / "best.pt"
    if args.export_only:
        if not weights.is_file():
            raise SystemExit(f"--export-only: no finished training at {weights}; run without --export-only first")
    else:
        _train(synth, args)
    calib = args.out / "calib"
    # About 80 % of the fields land in train/ (299 of 375): that split is the calibration set.
    _run(train_cli.main, ["synth", "--out", str(calib), "--domains", TARGET_DOMAIN,
                          "--fields", str(CALIB_FIELDS * 5 // 4), "--seed", "8"])
    bundle = args.out / "bundle"
    _run(export_cli.main, ["build", str(bundle), "--weights", str(weights), "--calib",
                           str(calib / TARGET_DOMAIN / "images" / "train"), "--precision", "fp32,int8",
                           "--backend", "onnx", "--domain", ",".join(DOMAINS), "--calib-domain",
                           TARGET_DOMAIN, "--name", "leuko-demo", "--intended-use", INTENDED_USE,
                           "--score-threshold", str(SCORE_THRESHOLD), "--float-weights", "fp16", "--overwrite"])
    if not args.no_install:
        shutil.rmtree(INSTALL_DIR, ignore_errors=True)
        shutil.copytree(bundle, INSTALL_DIR)
        print(f"\ninstalled the demo bundle in {INSTALL_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
