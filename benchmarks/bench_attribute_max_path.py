"""AttriDet-n with and without the attribute head's max path, the demo recipe, side by side.

    python benchmarks/bench_attribute_max_path.py --test DATA_YAML [...] [--fields 100] [--epochs 24] \
        [--seed 0] [--out runs/bench_max_path] [--reuse]

Both arms train on the same synthetic demo fields (`trainer.demo_model`: four 100x domains, a seed
each, WBC-enriched) with the same recipe, seed and schedule; they differ only in `AttriDetect`'s
max path (`peak_window` 13 vs 0: the head as it was before). Each is scored by `leuko-train val`
on every --test set (its `--test-split`, default train: the unseen sets of docs/demo_model.md hold
most fields there) and the script prints mAP50-95 and, per attribute, accuracy beside the
majority-value rate. Single process on the CPU (the arm is chosen in-process, so no DDP here).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("YOLO_OFFLINE", "1")

from edge_app.errors import LeukoError

ARMS = {"max path": 13, "mean only": 0}  # peak_window per arm (13 = trainer.attridet.spec.PEAK_WINDOW)


@contextmanager
def peak_window(window: int) -> Iterator[None]:
    """Models built inside get an attribute head with this max-pool window (0: no max path)."""
    from trainer.attridet import model

    saved = model.PEAK_WINDOW
    model.PEAK_WINDOW = window
    try:
        yield
    finally:
        model.PEAK_WINDOW = saved


def _leuko_train(argv: list[str]) -> None:
    from trainer import cli

    print("$ leuko-train " + " ".join(argv), flush=True)
    if cli.main(argv) != 0:
        raise SystemExit(f"leuko-train {argv[0]} failed")


def train_arm(data: Path, args: argparse.Namespace, name: str, window: int) -> Path:
    from trainer.demo_model import train_argv

    run = args.out / "runs" / name.replace(" ", "-")
    best = run / "weights" / "best.pt"
    finished = run / "metrics.json"  # written at the end of a completed training
    if args.reuse and best.is_file() and finished.is_file():
        print(f"reusing the finished run in {run}", flush=True)
        return best
    with peak_window(window):
        _leuko_train(train_argv(data, args.epochs, args.imgsz, args.out / "runs", run.name, args.seed))
    return best


def score(weights: Path, test: Path, args: argparse.Namespace, name: str) -> dict:
    folder = args.out / "val" / f"{name.replace(' ', '-')}-{test.parent.name}-{test.parent.parent.name}"
    _leuko_train(["val", "--model", str(weights), "--data", str(test), "--split", args.test_split,
                  "--imgsz", str(args.imgsz), "--out", str(folder)])
    return json.loads((folder / "metrics.json").read_text(encoding="utf-8"))


def print_comparison(test: Path, reports: dict[str, dict]) -> None:
    names = list(reports)
    print(f"\n{test} ({reports[names[0]]['attributes']['total_cells']} cells)")
    print(f"{'':<24}{'majority':>9}" + "".join(f"{n:>12}" for n in names))
    print(f"{'mAP50-95':<24}{'':>9}" + "".join(f"{reports[n]['mAP50-95']:>12.3f}" for n in names))
    for attr, row in reports[names[0]]["attributes"]["per_attribute"].items():
        accs = "".join(f"{reports[n]['attributes']['per_attribute'][attr]['accuracy']:>12.3f}" for n in names)
        print(f"{attr:<24}{row['majority_rate']:>9.3f}{accs}")


def _run(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test", type=Path, nargs="+", required=True, help="unseen data.yaml(s) to score on")
    parser.add_argument("--test-split", default="train", choices=("train", "val", "test"))
    parser.add_argument("--fields", type=int, default=100, help="training fields per domain (demo recipe)")
    parser.add_argument("--epochs", type=int, default=24)
    parser.add_argument("--imgsz", type=int, default=320)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("runs/bench_max_path"))
    parser.add_argument("--reuse", action="store_true", help="keep an arm whose run folder holds a finished run")
    args = parser.parse_args(argv)
    from edge_app.formats.dataset import load_dataset
    from trainer.demo_model import merged_data_yaml, synthesize

    for test in args.test:  # a bad test set is refused before an hour of training, not after
        load_dataset(test)

    synth = args.out / "synth"
    data = merged_data_yaml(synth) if args.reuse and (synth / "data.yaml").is_file() else synthesize(synth, args.fields)
    weights = {name: train_arm(data, args, name, window) for name, window in ARMS.items()}
    results = {str(t): {name: score(w, t, args, name) for name, w in weights.items()} for t in args.test}
    print(f"\ndemo recipe, {args.fields} fields per domain, {args.epochs} epochs, imgsz {args.imgsz}, seed {args.seed}")
    for test in args.test:
        print_comparison(test, results[str(test)])
    (args.out / "result.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(argv)
    except LeukoError as exc:  # a bad data set: say so, no traceback
        print(f"bench_attribute_max_path: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
