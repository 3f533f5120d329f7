"""AttriDet-n vs stock ultralytics YOLO11n on the real BCCD smears, same budget, side by side.

    python benchmarks/bench_bccd_attridet_vs_yolo.py [--epochs 30] [--imgsz 416] [--seed 0]

Both models are trained from scratch (no pretrained weights exist offline) with the same
epochs, image size, batch and seed: AttriDet through `leuko-train train` on Leuko's BCCD (its
attributes all "not annotated", so the head must cope), the stock detector through
`ultralytics.YOLO("yolo11n.yaml").train` on the same data converted to plain YOLO. Both are
scored on BCCD's test split by the same evaluator (`leuko-train val`: COCO 101-point mAP,
checked against pycocotools), and the script prints both mAPs and the difference.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("YOLO_OFFLINE", "1")

BCCD = Path(__file__).resolve().parents[2] / "shared" / "data" / "bccd"


def _leuko_train(argv: list[str]) -> None:
    from trainer import cli

    print("$ leuko-train " + " ".join(argv), flush=True)
    if cli.main(argv) != 0:
        raise SystemExit(f"leuko-train {argv[0]} failed")


def prepare(out: Path) -> tuple[Path, Path]:
    leuko, plain = out / "bccd", out / "bccd_ultralytics"
    if not (leuko / "data.yaml").is_file():
        _leuko_train(["convert", "voc", str(BCCD), str(leuko)])
    if not (plain / "data.yaml").is_file():
        _leuko_train(["convert", "ultralytics", str(leuko), str(plain)])
    return leuko / "data.yaml", plain / "data.yaml"


def _finished_run(run: Path, args: argparse.Namespace) -> bool:
    """True when `run` holds a completed training with this benchmark's budget (for --reuse)."""
    import yaml

    args_file, results, best = run / "args.yaml", run / "results.csv", run / "weights" / "best.pt"
    if not (args_file.is_file() and results.is_file() and best.is_file()):
        return False
    saved = yaml.safe_load(args_file.read_text(encoding="utf-8"))
    wanted = {"epochs": args.epochs, "imgsz": args.imgsz, "batch": args.batch, "seed": args.seed,
              "optimizer": args.optimizer, "lr0": args.lr0, "nbs": args.nbs or args.batch}
    epochs_done = len(results.read_text(encoding="utf-8").strip().splitlines()) - 1
    return all(saved.get(k) == v for k, v in wanted.items()) and epochs_done == args.epochs


def _train_seconds(run: Path) -> float:
    """Training wall time recorded by ultralytics in results.csv (its `time` column, last epoch)."""
    import csv

    with (run / "results.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return float(rows[-1]["time"])


def train_attridet(data: Path, args: argparse.Namespace, out: Path) -> Path:
    _leuko_train(["train", "--data", str(data), "--model", "attridet-n", "--epochs", str(args.epochs),
                  "--imgsz", str(args.imgsz), "--batch", str(args.batch), "--optimizer", args.optimizer, "--lr0",
                  str(args.lr0), "--nbs", str(args.nbs or args.batch), "--device", args.device, "--seed",
                  str(args.seed), "--project", str(out / "runs"), "--name", "attridet-n", "--exist-ok"])
    return out / "runs" / "attridet-n" / "weights" / "best.pt"


def train_stock(data: Path, args: argparse.Namespace, out: Path) -> Path:
    import torch
    from ultralytics import YOLO

    from trainer.attridet import offline

    offline.install()  # the same no-download guards as Leuko's own runs
    model = YOLO("yolo11n.yaml")
    # ultralytics trains on the CPU with cpu_count-1 threads; Leuko's trainer uses every core, so the
    # stock arm gets the same compute.
    model.add_callback("on_pretrain_routine_start", lambda trainer: torch.set_num_threads(os.cpu_count() or 1))
    model.train(data=str(data), epochs=args.epochs, imgsz=args.imgsz, batch=args.batch, device=args.device,
                optimizer=args.optimizer, lr0=args.lr0, nbs=args.nbs or args.batch, seed=args.seed,
                deterministic=True, pretrained=False, plots=False, workers=2,
                project=str((out / "runs").resolve()), name="yolo11n-stock", exist_ok=True, verbose=False)
    return out / "runs" / "yolo11n-stock" / "weights" / "best.pt"


def score(weights: Path, data: Path, args: argparse.Namespace, out: Path, name: str) -> dict[str, float]:
    folder = out / "val" / name
    _leuko_train(["val", "--model", str(weights), "--data", str(data), "--split", "test", "--imgsz",
                  str(args.imgsz), "--out", str(folder)])
    report = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    overall = report.get("overall", report)
    return {"mAP50-95": float(overall["mAP50-95"]), "mAP50": float(overall["mAP50"])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--imgsz", type=int, default=416)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--optimizer", default="SGD", help="both arms (see docs/attridet.md: 'auto' is too slow from "
                                                         "scratch on small data)")
    parser.add_argument("--lr0", type=float, default=0.01)
    parser.add_argument("--nbs", type=int, help="nominal batch size (default: --batch: a step after every batch)")
    parser.add_argument("--device", default="cpu", help="cpu or a GPU index, for both arms")
    parser.add_argument("--out", type=Path, default=Path("runs/bench_bccd"))
    parser.add_argument("--reuse", action="store_true",
                        help="keep an arm whose run folder already holds a finished training with this budget")
    args = parser.parse_args()
    data, plain = prepare(args.out)
    timings, weights = {}, {}
    for name, train in (("attridet-n", lambda: train_attridet(data, args, args.out)),
                        ("yolo11n-stock", lambda: train_stock(plain, args, args.out))):
        run = args.out / "runs" / name
        if args.reuse and _finished_run(run, args):
            print(f"reusing the finished {name} run in {run}", flush=True)
            weights[name] = run / "weights" / "best.pt"
            timings[name] = _train_seconds(run)
            continue
        start = time.perf_counter()
        weights[name] = train()
        timings[name] = time.perf_counter() - start
    results = {name: score(w, data, args, args.out, name) for name, w in weights.items()}
    print(f"\nBCCD test split, {args.epochs} epochs, imgsz {args.imgsz}, batch {args.batch}, {args.optimizer} "
          f"lr0 {args.lr0}, seed {args.seed}, device {args.device}")
    print(f"{'model':<16}{'mAP50-95':>10}{'mAP50':>10}{'train s':>10}")
    for name, r in results.items():
        print(f"{name:<16}{r['mAP50-95']:>10.4f}{r['mAP50']:>10.4f}{timings[name]:>10.0f}")
    delta = results["attridet-n"]["mAP50-95"] - results["yolo11n-stock"]["mAP50-95"]
    print(f"AttriDet - stock: {delta:+.4f} mAP50-95 (target: >= 0)")
    (args.out / "result.json").write_text(json.dumps({"args": vars(args) | {"out": str(args.out)},
                                                      "results": results, "train_seconds": timings}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
