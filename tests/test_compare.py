"""`leuko compare`: slide vs slide, slide vs labelled dataset (known mAP), the gate, HTML + JSON."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from edge_app import cli
from edge_app.detections import Detections
from edge_app.evaluation.detection_map import evaluate_map
from edge_app.formats.dataset import ground_truth, iter_samples, load_dataset
from edge_app.qa.compare import compare_sets
from edge_app.qa.resolve import resolve_result_set
from edge_app.qa.result_set import ResultItem, ResultSet
from edge_app.store.store import ResultsStore
from edge_app.taxonomy import Taxonomy
from tests.test_scan_support import make_bundle, scan, write_dataset, write_fields

TAX = Taxonomy.leukemia_attri()
W, H = 128, 96


def _label(dets: Detections, i: int, cls: int | None = None) -> str:
    x1, y1, x2, y2 = (float(v) for v in dets.xyxy[i])
    codes = " ".join(str(int(v)) for v in dets.attr_value[i])
    return f"{cls if cls is not None else int(dets.class_id[i])} {(x1 + x2) / 2 / W:.6f} {(y1 + y2) / 2 / H:.6f} " \
           f"{(x2 - x1) / W:.6f} {(y2 - y1) / H:.6f} {codes}"


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Workspace with slides A and B (same fields, same model) and a dataset of those fields whose
    labels hold the predicted class-3 cell plus a class-5 cell the model never finds: mAP = 0.5."""
    tmp = tmp_path_factory.mktemp("compare")
    bundle = make_bundle(tmp)
    images = write_fields(tmp / "fields", 4, size=(H, W))
    with ResultsStore(tmp / "ws") as store:
        scan(store, bundle, tmp / "fields", slide="A")
        scan(store, bundle, tmp / "fields", slide="B", backend="openvino")
        dets = store.detections(store.fields(store.slide("A"))[0].id)
    three = int(np.flatnonzero(dets.class_id == 3)[0])
    labels = [[_label(dets, three), "5 0.8 0.8 0.1 0.1 0 1 2 0 1 0 0"]] * len(images)
    return tmp / "ws", write_dataset(tmp / "data", images, labels)


def test_slide_against_itself_on_another_backend_agrees(setup: tuple[Path, Path]) -> None:
    with ResultsStore(setup[0]) as store:
        result = compare_sets(resolve_result_set("slide:A", store), resolve_result_set("B", store))
    assert result.detection.map50 == pytest.approx(1.0) and result.map_drop("mAP50-95") == pytest.approx(0.0)
    assert all(s.accuracy == 1.0 and s.kappa >= 0.0 for s in result.attributes.scores)
    assert result.counts == {"Myeloblast": (4, 4), "Neutrophil": (4, 4)} and result.worst == []


def test_slide_against_labelled_dataset_gives_the_known_map(setup: tuple[Path, Path]) -> None:
    workspace, dataset = setup
    with ResultsStore(workspace) as store:
        slide = resolve_result_set("slide:A", store)
        result = compare_sets(slide, resolve_result_set(str(dataset), store))
        preds = {i.sha256: i.detections for i in slide.items}
    spec = load_dataset(dataset)
    samples = list(iter_samples(spec, "test"))
    direct = evaluate_map([ground_truth(s, TAX) for s in samples], [preds[_sha(s.image)] for s in samples])
    assert result.pairing.reference.kind == "dataset"  # labels are the reference whichever side they are on
    assert result.detection.map50 == pytest.approx(direct.map50) == pytest.approx(0.5)
    assert result.detection.map50_95 == pytest.approx(direct.map50_95)
    assert result.counts["Promonocyte"] == (4, 0) and result.counts["Myeloblast"] == (0, 4)
    assert len(result.worst) == 4 and result.worst[0].f1 == pytest.approx(0.5)


def test_max_map_drop_gates_the_exit_code(setup: tuple[Path, Path], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    workspace, dataset = setup
    base = ["compare", str(dataset), "slide:A", "--workspace", str(workspace), "--out", str(tmp_path)]
    assert cli.main([*base, "--max-map-drop", "0.6"]) == 0
    assert cli.main([*base, "--max-map-drop", "0.4"]) == 1
    assert "FAIL: mAP50 drop 0.500" in capsys.readouterr().out
    assert cli.main(["compare", "slide:A", "slide:B", "--workspace", str(workspace), "--out", str(tmp_path),
                     "--max-map-drop", "0"]) == 0
    truth = ["compare", "slide:A", "slide:B", "--truth", str(dataset), "--workspace", str(workspace)]
    assert cli.main([*truth, "--out", str(tmp_path), "--max-map-drop", "0"]) == 0  # same mAP against labels


def test_compare_writes_self_contained_html_and_json(setup: tuple[Path, Path], tmp_path: Path) -> None:
    workspace, dataset = setup
    assert cli.main(["compare", "slide:A", str(dataset), "--workspace", str(workspace), "--out", str(tmp_path),
                     "--worst", "2"]) == 0
    html = (tmp_path / "compare.html").read_text(encoding="utf-8")
    data = json.loads((tmp_path / "compare.json").read_text())
    assert html.count('src="data:image/jpeg;base64,') == 2 and not re.search(r"https?://", html)
    assert data["detection"]["mAP50"] == pytest.approx(0.5) and len(data["worst_images"]) == 2
    assert set(data["attributes"]["per_attribute"]["nucleolus"]) >= {"accuracy", "macro_f1", "kappa"}
    assert data["counts"]["Promonocyte"]["delta"] == -4


def test_unknown_input_is_a_clear_error(setup: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["compare", "slide:A", "nowhere", "--workspace", str(setup[0])]) == 2
    assert "cannot tell what 'nowhere' is" in capsys.readouterr().err


def test_map_agrees_with_pycocotools(tmp_path: Path) -> None:
    cocoeval = pytest.importorskip("pycocotools.cocoeval")
    coco_mod = pytest.importorskip("pycocotools.coco")
    rng = np.random.default_rng(5)
    refs, cands = [], []
    for i in range(6):
        xy = rng.uniform(0, 200, (8, 2))
        gt = Detections(np.hstack([xy, xy + rng.uniform(10, 40, (8, 2))]), rng.integers(0, 3, 8), np.ones(8),
                        np.zeros((8, 0, 0)))
        jitter = gt.xyxy + rng.normal(0, 3, gt.xyxy.shape)
        jitter[:, 2:] = np.maximum(jitter[:, 2:], jitter[:, :2] + 1)
        cand = Detections(jitter[:6], np.where(rng.random(6) < 0.8, gt.class_id[:6], 2), rng.random(6),
                          np.zeros((6, 0, 0)))
        refs.append(ResultItem(f"{i}", f"{i}", gt))
        cands.append(ResultItem(f"{i}", f"{i}", cand))
    tax = Taxonomy(("a", "b", "c"))
    ours = compare_sets(ResultSet("A", "dataset", tax, tuple(refs)), ResultSet("B", "slide", tax, tuple(cands)))
    assert ours.detection.map50_95 == pytest.approx(_pycoco(coco_mod, cocoeval, refs, cands), abs=1e-3)


def _pycoco(coco_mod: Any, cocoeval: Any, refs: list[ResultItem], cands: list[ResultItem]) -> float:
    def box(b: np.ndarray) -> list[float]:
        return [float(b[0]), float(b[1]), float(b[2] - b[0]), float(b[3] - b[1])]

    anns = [{"id": k + 1, "image_id": i, "category_id": int(c), "bbox": box(b), "area": box(b)[2] * box(b)[3],
             "iscrowd": 0} for k, (i, b, c) in enumerate((i, b, c) for i, r in enumerate(refs)
                                                          for b, c in zip(r.detections.xyxy, r.detections.class_id,
                                                                          strict=True))]
    gt = coco_mod.COCO()
    gt.dataset = {"images": [{"id": i} for i in range(len(refs))], "annotations": anns,
                  "categories": [{"id": c} for c in range(3)]}
    gt.createIndex()
    dets = [{"image_id": i, "category_id": int(c), "bbox": box(b), "score": float(s)} for i, r in enumerate(cands)
            for b, c, s in zip(r.detections.xyxy, r.detections.class_id, r.detections.score, strict=True)]
    e = cocoeval.COCOeval(gt, gt.loadRes(dets), "bbox")
    e.evaluate()
    e.accumulate()
    e.summarize()
    return float(e.stats[0])


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
