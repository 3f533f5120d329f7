"""The whole product loop through its command lines, on CPU, at toy size:

synthetic L_100x_C2 fields -> `leuko-train train` (1 epoch) -> `leuko-export` (ONNX FP32 + INT8, calibrated
on the target domain) -> `leuko scan` with FP32 (reference) and INT8 (device) -> `leuko report` ->
`leuko compare` (device vs reference, and each vs the labels, with the QA gate) -> `leuko export-results`
-> review in the store -> `leuko export-labels` -> the trainer's pre-flight check accepts the result.

A 1-epoch model finds few or no cells, so no accuracy is asserted: every stage must run, hand the
next one what it needs, and write what it says it writes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("YOLO_OFFLINE", "1")
pytest.importorskip("torch")

from edge_app import cli as leuko
from edge_app.store.store import ResultsStore
from edge_app.taxonomy import Taxonomy
from export import cli as leuko_export
from trainer import cli as leuko_train
from trainer.attridet.preflight import check_before_training

pytestmark = pytest.mark.slow
DOMAIN = "L_100x_C2"


def test_synth_train_export_scan_report_compare_review(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    synth, runs, bundle, ws = tmp_path / "synth", tmp_path / "runs", tmp_path / "bundle", tmp_path / "ws"
    assert leuko_train.main(["synth", "--out", str(synth), "--domains", DOMAIN, "--fields", "10", "--imgsz", "256",
                             "--seed", "3", "--workers", "1"]) == 0
    data = synth / DOMAIN / "data.yaml"
    assert leuko_train.main(["train", "--data", str(data), "--model", "attridet-n", "--epochs", "1", "--imgsz", "128",
                             "--batch", "4", "--workers", "0", "--device", "cpu", "--project", str(runs),
                             "--name", "e2e", "--exist-ok"]) == 0
    weights = runs / "e2e" / "weights" / "last.pt"
    assert leuko_export.main(["build", str(bundle), "--weights", str(weights), "--calib",
                              str(synth / DOMAIN / "images" / "train"), "--precision", "fp32,int8", "--backend", "onnx",
                              "--domain", DOMAIN, "--float-scope", "head"]) == 0
    card = json.loads((bundle / "card.json").read_text(encoding="utf-8"))
    assert {f["precision"] for f in card["files"]} == {"fp32", "int8"}

    fields = synth / DOMAIN / "images" / "val"
    for slide, precision in (("E-fp32", "fp32"), ("E-int8", "int8")):
        assert leuko.main(["scan", str(fields), "--slide", slide, "--model", str(bundle), "--backend", "onnxruntime",
                           "--precision", precision, "--workers", "1", "--workspace", str(ws)]) == 0
    with ResultsStore(ws) as store:
        n_val = len(list(fields.iterdir()))
        assert [len(store.fields(store.slide(s))) for s in ("E-fp32", "E-int8")] == [n_val, n_val]

    assert leuko.main(["report", "E-int8", "--out", str(tmp_path / "report"), "--workspace", str(ws)]) == 0
    assert sorted(p.suffix for p in (tmp_path / "report").iterdir()) == [".csv", ".csv", ".csv", ".html", ".json"]

    out = tmp_path / "compare"
    assert leuko.main(["compare", "slide:E-fp32", "slide:E-int8", "--truth", str(synth / DOMAIN), "--split", "val",
                       "--out", str(out), "--max-map-drop", "1.0", "--workspace", str(ws)]) == 0
    result = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    assert (result["reference"], result["candidate"], result["matched_images"]) == ("slide:E-fp32", "slide:E-int8",
                                                                                     n_val)
    assert set(result["against_truth"]) == {"A", "B"} and set(result["map_drop"]) >= {"mAP50"}
    assert (out / "compare.html").is_file()

    results = tmp_path / "device.json"
    assert leuko.main(["export-results", "E-int8", "--out", str(results), "--workspace", str(ws)]) == 0
    assert leuko.main(["compare", "slide:E-int8", str(results), "--out", str(tmp_path / "same"),
                       "--workspace", str(ws)]) == 0

    _review_every_cell_or_add_none(ws)
    labels = tmp_path / "labels"
    code = leuko.main(["export-labels", "E-int8", "--out", str(labels), "--workspace", str(ws)])
    printed = capsys.readouterr()
    if code == 0:
        assert check_before_training(labels / "data.yaml") == []
    else:  # the 1-epoch model found no cell to review: said clearly, nothing written
        assert code == 2 and "no fully reviewed field with cells" in printed.err


def _review_every_cell_or_add_none(ws: Path) -> None:
    from edge_app.review.cells import review_cell, slide_cells

    tax = Taxonomy.leukemia_attri()
    with ResultsStore(ws) as store:
        for cell in slide_cells(store, "E-int8", tax):
            review_cell(store, cell, cell.class_id, cell.codes, tax, reviewer="e2e")
