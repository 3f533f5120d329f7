"""The operating-point and attribute-AUC benchmarks: their counting, and a run on the shipped bundle."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "edge_app" / "assets" / "models" / "demo"


def _load(name: str) -> ModuleType:
    """A benchmark script as a module (its folder on sys.path, as when run as `python benchmarks/x.py`)."""
    if str(ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_tally_counts_found_cells_extra_boxes_and_strays() -> None:
    op = _load("operating_point")
    # 2 cells x 4 boxes: boxes 0 and 1 both on cell 0, box 2 on nothing, box 3 on cell 1 but low-scoring
    ious = np.array([[0.9, 0.6, 0.1, 0.0], [0.0, 0.0, 0.2, 0.8]])
    scores = np.array([0.9, 0.5, 0.4, 0.15])
    assert op.tally(ious, scores, 0.3) == (3, 1, 1, 1)
    assert op.tally(ious, scores, 0.1) == (4, 2, 1, 1)
    assert op.tally(np.zeros((0, 2)), np.array([0.5, 0.5]), 0.3) == (2, 0, 0, 2)


def test_best_threshold_accuracy_beats_or_equals_the_half_threshold() -> None:
    auc = _load("attribute_auc")
    truth = np.array([0, 0, 0, 1, 1])
    prob = np.array([0.1, 0.2, 0.35, 0.4, 0.45])  # ranks perfectly, never crosses 0.5
    best, at = auc.best_threshold_accuracy(truth, prob)
    assert best == 1.0 and 0.35 < at <= 0.4
    assert np.mean((prob >= 0.5) == truth) == 0.6


@pytest.fixture(scope="module")
def fields(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from edge_app.domains import parse_domains
    from edge_app.synth.dataset import SynthConfig, synthesize

    out = tmp_path_factory.mktemp("bench-fields")
    config = SynthConfig(fields=6, seed=5, imgsz=320, domains=tuple(parse_domains("H_100x_C2")))
    list(synthesize(out, config, workers=1))
    return out / "H_100x_C2" / "data.yaml"


def test_both_benchmarks_run_on_the_shipped_bundle(fields: Path, capsys: pytest.CaptureFixture[str]) -> None:
    op = _load("operating_point")
    assert op.main([str(BUNDLE), "--data", str(fields)]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()[2:]]
    assert [float(r[0]) for r in rows] == list(op.THRESHOLDS)
    for row in rows:
        boxes, found, extra, stray = int(row[1]), int(row[2]), int(row[4]), int(row[5])
        assert boxes == found + extra + stray
    assert [int(r[1]) for r in rows] == sorted((int(r[1]) for r in rows), reverse=True)  # fewer boxes as t rises
    assert _load("attribute_auc").main([str(BUNDLE), "--data", str(fields)]) == 0
    out = capsys.readouterr().out
    assert "matched cells" in out and "cell_size" in out


def test_feature_probe_pools_inside_the_cell_not_the_box_corners() -> None:
    probe = _load("attribute_feature_probe")
    mask = probe._ellipse((10, 20), 0.9)
    assert mask[5, 10] and not mask[0, 0] and not mask[9, 19] and not mask[0, 19]
    assert 0.5 < mask.mean() < np.pi / 4  # an inscribed ellipse x 0.9 covers ~64 % of its box
    assert probe._ellipse((1, 1), 0.1).all()  # a one-pixel box keeps its centre


@pytest.mark.parametrize("name", ["operating_point", "attribute_auc"])
def test_a_folder_that_is_no_bundle_gives_a_message_not_a_traceback(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _load(name).main([str(tmp_path), "--data", str(tmp_path / "data.yaml")]) == 2
    err = capsys.readouterr().err
    assert "card.json is missing" in err and "Traceback" not in err


@pytest.mark.parametrize("arm", ["mean", "mean+max", "mean+detail-max", "mean+gated-detail-max", "mean+cell-gate-max",
                                 "mean+early-detail-max"])
def test_head_ab_branch_gives_one_logit_map_per_level_in_every_arm(arm: str) -> None:
    torch = pytest.importorskip("torch")
    ab = _load("attribute_head_ab")
    levels = [torch.rand(1, 64, 40, 40), torch.rand(1, 128, 20, 20), torch.rand(1, 256, 10, 10)]
    structure, early = torch.rand(1, 16, 80, 80), [torch.rand(1, 16, 160, 160), torch.rand(1, 32, 80, 80)]
    branch = ab.Branch([64, 128, 256], 16, [16, 32], [2, 4, 8], 14, 13, ab.ARMS[arm])
    out = branch(levels, structure, early)
    assert [tuple(o.shape) for o in out] == [(1, 14, 40, 40), (1, 14, 20, 20), (1, 14, 10, 10)]
    grads = torch.autograd.grad(sum(o.sum() for o in out), list(branch.parameters()), allow_unused=True)
    assert all(g is not None for g in grads), "every parameter of the arm takes part in its logits"


def test_head_ab_loss_skips_not_annotated_values() -> None:
    torch = pytest.importorskip("torch")
    ab = _load("attribute_head_ab")
    logits = torch.zeros(2, 4, requires_grad=True)  # two attributes, two values each
    codes = torch.tensor([[0, 2], [1, 2]])  # the second attribute not annotated (2) on both cells
    loss = ab.attribute_loss(logits, codes, [2, 2], skip=2)
    loss.backward()
    assert float(loss.detach()) == pytest.approx(np.log(2)) and not logits.grad[:, 2:].any()


def test_max_path_ablation_builds_each_arms_head_and_restores_the_default() -> None:
    pytest.importorskip("torch")
    bench = _load("bench_attribute_max_path")
    from edge_app.taxonomy import Taxonomy
    from trainer.attridet.model import build_model
    from trainer.attridet.spec import PEAK_WINDOW, ModelSpec

    assert bench.ARMS["max path"] == PEAK_WINDOW
    for window in bench.ARMS.values():
        with bench.peak_window(window):
            assert build_model(ModelSpec("n"), Taxonomy.leukemia_attri()).head.peak_window == window
    assert build_model(ModelSpec("n"), Taxonomy.leukemia_attri()).head.peak_window == PEAK_WINDOW


def test_max_path_ablation_refuses_a_bad_test_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bench = _load("bench_attribute_max_path")
    code = bench.main(["--test", str(tmp_path / "missing" / "data.yaml"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "dataset YAML not found" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # refused before any synthesis or training
