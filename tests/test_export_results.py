"""`leuko export-results`: JSON (model card + per-field detections) round trip, CSV, bad files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from edge_app import cli
from edge_app.errors import DataFormatError
from edge_app.qa.compare import compare_sets
from edge_app.qa.resolve import resolve_result_set
from edge_app.qa.results_file import load_results_file
from edge_app.store.store import ResultsStore
from tests.test_scan_support import make_bundle, scan, write_fields


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("export")
    bundle = make_bundle(tmp)
    write_fields(tmp / "fields", 3)
    with ResultsStore(tmp / "ws") as store:
        scan(store, bundle, tmp / "fields", slide="E-1")
    return tmp / "ws"


def test_round_trip_keeps_detections_card_and_hashes(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "device2" / "e1.json"
    assert cli.main(["export-results", "E-1", "--workspace", str(workspace), "--out", str(out)]) == 0
    loaded = load_results_file(out)
    with ResultsStore(workspace) as store:
        slide = resolve_result_set("slide:E-1", store)
        assert loaded.models == slide.models and loaded.models[0].name == "fixed"
        for a, b in zip(slide.items, loaded.items, strict=True):
            assert a.sha256 == b.sha256 and a.size == b.size
            assert np.allclose(a.detections.xyxy, b.detections.xyxy, atol=0.01)
            assert np.allclose(a.detections.attr_prob, b.detections.attr_prob, atol=1e-5)
            assert a.detections.class_id.tolist() == b.detections.class_id.tolist()
        result = compare_sets(resolve_result_set(str(out), store), slide)
    assert result.detection.map50_95 == pytest.approx(1.0)


def test_csv_has_one_row_per_cell_with_attribute_columns(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "e1.json"
    cli.main(["export-results", "E-1", "--workspace", str(workspace), "--out", str(out)])
    rows = list(csv.DictReader(out.with_suffix(".csv").open()))
    assert len(rows) == 6 and {r["class"] for r in rows} == {"Myeloblast", "Neutrophil"}
    assert rows[0]["nucleolus"] == "prominent" and float(rows[0]["nucleolus_prob"]) == pytest.approx(0.7)


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "not a JSON file"),
    ('{"format": "other"}', "not a Leuko results file"),
    ('{"format": "leuko-results", "version": 99}', "version 99"),
    ('{"format": "leuko-results", "version": 1, "taxonomy": {}}', "malformed"),
])
def test_bad_results_files_name_the_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "r.json"
    path.write_text(content)
    with pytest.raises(DataFormatError) as info:
        load_results_file(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_export_writes_json_only_when_asked(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "only.json"
    assert cli.main(["export-results", "E-1", "--workspace", str(workspace), "--out", str(out), "--no-csv"]) == 0
    assert not out.with_suffix(".csv").exists() and json.loads(out.read_text())["slide"]["code"] == "E-1"
