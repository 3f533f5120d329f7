"""`leuko-train train` / `val` end to end on a tiny drawn dataset: run folder, resume, baseline, DDP file."""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("YOLO_OFFLINE", "1")

from edge_app.cli_support import run_cli
from tests.test_attridet_data import make_dataset

TINY = ["--imgsz", "128", "--batch", "4", "--workers", "0", "--device", "cpu", "--close-mosaic", "0"]


class _Interrupt(Exception):
    pass


def _cli(argv: list[str]) -> int:
    from trainer.commands import train, val

    parser = argparse.ArgumentParser(prog="leuko-train")
    sub = parser.add_subparsers()
    train.register(sub)
    val.register(sub)
    return run_cli(parser, argv)


def _csv_rows(run: Path) -> list[dict[str, str]]:
    with (run / "results.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_bad_data_is_refused_before_training(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = make_dataset(tmp_path / "data", n_train=2, n_val=1)
    bad = tmp_path / "data" / "labels" / "train" / "0.txt"
    bad.write_text("0 0.5 0.5 0.2 0.2 1 1 1\n", encoding="utf-8")  # 3 attribute columns, taxonomy has 7
    code = _cli(["train", "--data", str(data), "--epochs", "1", "--project", str(tmp_path / "runs"), *TINY])
    assert code == 2
    assert f"{bad}:1" in capsys.readouterr().err
    assert not (tmp_path / "runs" / "attridet-n" / "weights" / "last.pt").exists()


@pytest.mark.slow
def test_train_interrupt_resume_then_val(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from trainer.attridet.trainer import AttriDetTrainer
    from trainer.commands.train import train_overrides

    data = make_dataset(tmp_path / "data")
    argv = ["--data", str(data), "--epochs", "2", "--project", str(tmp_path / "runs"), "--name", "a", *TINY]
    parser = argparse.ArgumentParser()
    from trainer.commands import train

    train.register(parser.add_subparsers())
    trainer = AttriDetTrainer(overrides=train_overrides(parser.parse_args(["train", *argv])))

    def crash_after_first_epoch(t: AttriDetTrainer) -> None:
        raise _Interrupt  # as a power cut would, after epoch 1 was saved

    trainer.add_callback("on_fit_epoch_end", crash_after_first_epoch)
    with pytest.raises(_Interrupt):
        trainer.train()
    run = tmp_path / "runs" / "a"
    assert len(_csv_rows(run)) == 1 and (run / "weights" / "last.pt").is_file()

    assert _cli(["train", "--resume", str(run), "--device", "cpu"]) == 0
    rows = _csv_rows(run)
    assert [int(float(r["epoch"])) for r in rows] == [1, 2]
    assert {"train/attr_loss", "metrics/mAP50-95(B)", "metrics/attr_acc"} <= set(rows[0])
    metrics = json.loads((run / "metrics.json").read_text(encoding="utf-8"))
    assert set(metrics["leuko"]["attributes"]["per_attribute"]) == {
        "cell_size",
        "nuclear_chromatin",
        "nuclear_shape",
        "nucleolus",
        "cytoplasm",
        "cytoplasmic_basophilia",
        "cytoplasmic_vacuoles",
    }
    assert (run / "weights" / "best.pt").is_file()

    out = tmp_path / "val"
    weights = str(run / "weights" / "best.pt")
    code = _cli(["val", "--model", weights, "--data", str(data), "--imgsz", "128", "--out", str(out)])
    assert code == 0
    report = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert {"mAP50", "mAP50-95", "per_class", "attributes", "domains"} <= set(report)
    assert list(report["domains"]) == ["H_100x_C2"]
    assert "attribute" in capsys.readouterr().out


@pytest.mark.slow
def test_fine_tuning_a_checkpoint_starts_from_its_weights(tmp_path: Path) -> None:
    import torch

    from trainer.attridet.trainer import AttriDetTrainer
    from trainer.commands import train
    from trainer.commands.train import train_overrides

    data = make_dataset(tmp_path / "data", n_train=4, n_val=2)
    assert _cli(["train", "--data", str(data), "--epochs", "1", "--project", str(tmp_path / "runs"), *TINY]) == 0
    checkpoint = tmp_path / "runs" / "attridet-n" / "weights" / "last.pt"
    parser = argparse.ArgumentParser()
    train.register(parser.add_subparsers())
    args = parser.parse_args(["train", "--model", str(checkpoint), "--data", str(data), "--epochs", "1",
                              "--project", str(tmp_path / "runs"), "--name", "ft", *TINY])
    trainer = AttriDetTrainer(overrides=train_overrides(args))
    trainer.setup_model()
    saved = torch.load(checkpoint, map_location="cpu", weights_only=False)
    saved_state = (saved.get("ema") or saved["model"]).float().state_dict()
    loaded_state = trainer.model.state_dict()
    differing = [k for k, v in saved_state.items() if v.is_floating_point() and not torch.equal(loaded_state[k], v)]
    assert not differing, f"{len(differing)} tensors not taken from the checkpoint, e.g. {differing[:3]}"
    assert "model.23.cv4.2.2.weight" in saved_state  # the attribute branch is among them


@pytest.mark.slow
def test_no_attributes_baseline_trains_on_attribute_data(tmp_path: Path) -> None:
    import torch
    from ultralytics.nn.modules.head import Detect

    data = make_dataset(tmp_path / "data", n_train=4, n_val=2)
    argv = ["train", "--data", str(data), "--no-attributes", "--epochs", "1", "--project", str(tmp_path / "runs")]
    assert _cli([*argv, *TINY]) == 0
    run = tmp_path / "runs" / "yolo11n-baseline"
    assert "train/attr_loss" not in _csv_rows(run)[0]
    ckpt = torch.load(run / "weights" / "best.pt", map_location="cpu", weights_only=False)
    assert type(ckpt["model"].model[-1]) is Detect


@pytest.mark.slow
def test_ddp_worker_file_rebuilds_the_trainer_in_a_fresh_process(tmp_path: Path) -> None:
    """ultralytics' generated DDP script re-imports the trainer class by module path in a new process.

    On CPU the script trains single-process (no torchrun, no GPU), which still exercises the part
    that breaks custom trainers: unpickling the state and rebuilding the trainer from `vars(args)`.
    """
    from ultralytics.utils.dist import ddp_cleanup, generate_ddp_file

    from trainer.attridet.trainer import AttriDetTrainer

    data = make_dataset(tmp_path / "data", n_train=4, n_val=2)
    overrides = {"model": "attridet-n", "data": str(data), "epochs": 1, "imgsz": 128, "batch": 4, "workers": 0}
    overrides |= {"device": "cpu", "project": str(tmp_path / "runs"), "name": "ddp", "plots": False}
    trainer = AttriDetTrainer(overrides=overrides)
    file = generate_ddp_file(trainer)
    try:
        env = {**os.environ, "YOLO_OFFLINE": "1"}
        done = subprocess.run([sys.executable, file], capture_output=True, text=True, env=env, timeout=300)
    finally:
        ddp_cleanup(trainer, file)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "runs" / "ddp" / "weights" / "best.pt").is_file()
    assert (tmp_path / "runs" / "ddp" / "metrics.json").is_file()


def test_aug_options_become_ultralytics_overrides_and_bad_ones_are_refused() -> None:
    from edge_app.errors import ValidationError
    from trainer.commands.train import augmentation_overrides

    assert augmentation_overrides(["scale=0.1", "hsv_s=0.2"]) == {"scale": 0.1, "hsv_s": 0.2}
    for bad in ("scale", "lr0=0.1", "scale=big"):
        with pytest.raises(ValidationError, match="--aug"):
            augmentation_overrides([bad])
