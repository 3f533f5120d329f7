"""`leuko report`: self-contained HTML with escaped user text, Wilson intervals, CSV and JSON."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from edge_app import cli
from edge_app.reporting.morphology import DISCLAIMER, describe_film
from edge_app.reporting.report_data import build_slide_report
from edge_app.reporting.report_files import write_report
from edge_app.reporting.statistics import wilson_interval
from edge_app.store.store import ResultsStore
from tests.test_scan_support import make_bundle, scan, write_fields

EVIL = '<script>alert("x")</script>'


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    bundle = make_bundle(tmp)
    write_fields(tmp / "fields", 12)
    with ResultsStore(tmp / "ws") as store:
        scan(store, bundle, tmp / "fields", slide=f"S{EVIL}", sample_code=f"P{EVIL}")
    return tmp / "ws"


def test_html_is_self_contained_and_escapes_codes(workspace: Path, tmp_path: Path) -> None:
    with ResultsStore(workspace) as store:
        paths = write_report(build_slide_report(store, f"S{EVIL}"), tmp_path, ("html",))
    html = paths[0].read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "&lt;script&gt;alert(&quot;x&quot;)" in html
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?!data:)[a-z]+:", html, re.I)  # nothing fetched
    assert "http://" not in html and "https://" not in html and "@import" not in html
    assert html.count('src="data:image/jpeg;base64,') >= 2  # thumbnails of both detected types
    assert html.count("<svg") == 2 and "Stage log" in html and "fixed@" in html
    assert DISCLAIMER in html
    assert re.fullmatch(r"report_S_script_alert_x_script\.html", paths[0].name)


def test_differential_table_shows_wilson_intervals(workspace: Path, tmp_path: Path) -> None:
    with ResultsStore(workspace) as store:
        report = build_slide_report(store, f"S{EVIL}")
        paths = write_report(report, tmp_path)
    counts = {p.label: p.count for p in report.differential if p.count}
    assert counts == {"Neutrophil": 12, "Myeloblast": 12} and report.cells == 24
    lo, hi = wilson_interval(12, 24)
    html = next(p for p in paths if p.suffix == ".html").read_text(encoding="utf-8")
    assert f"{lo:.1%}–{hi:.1%}" in html and "50.0%" in html
    rows = list(csv.DictReader(next(p for p in paths if p.name.endswith("_differential.csv")).open()))
    neutrophil = next(r for r in rows if r["type"] == "Neutrophil")
    assert (int(neutrophil["count"]), float(neutrophil["ci95_low"])) == (12, pytest.approx(lo, abs=1e-4))
    data = json.loads(next(p for p in paths if p.suffix == ".json").read_text())
    assert data["differential"][0]["ci95_high"] == pytest.approx(hi)
    assert data["focus"]["measured"] == 12 and len(data["stage_log"]) == 12
    assert data["attribute_frequencies"]["Neutrophil"]["nuclear_shape"][1]["count"] == 12


def test_description_is_a_second_opinion_from_the_dominant_type(workspace: Path) -> None:
    with ResultsStore(workspace) as store:
        report = build_slide_report(store, f"S{EVIL}")
    assert report.dominant is not None and report.dominant.label == "Myeloblast"  # 12/12 tie: by name
    assert report.description == describe_film(report.dominant, report.frequencies["Myeloblast"])
    assert "large cells" in report.description and "hematologist" in report.description
    assert report.description.endswith(DISCLAIMER) and "diagnosis" in report.description


def test_description_leaves_out_attributes_of_a_model_trained_without_them(tmp_path: Path) -> None:
    from tests.bundle_factory import write_bundle

    # a card with training metrics but no attribute accuracy: trained where nothing was annotated (BCCD)
    write_bundle(tmp_path / "bundle", openvino=False, metrics={"mAP50": 0.6, "mAP50-95": 0.3})
    write_fields(tmp_path / "fields", 12)  # 24 cells: enough for a film-level description
    with ResultsStore(tmp_path / "ws") as store:
        scan(store, tmp_path / "bundle", tmp_path / "fields", slide="S1")
        report = build_slide_report(store, "S1")
    assert report.dominant is not None and "large cells" not in report.description
    assert "Morphology is not described" in report.description


def test_report_cli_writes_requested_formats(workspace: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["report", f"S{EVIL}", "--format", "json,csv", "--out", str(tmp_path), "--workspace",
                     str(workspace)])
    assert code == 0 and "24 white cells" in capsys.readouterr().out
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".csv", ".csv", ".csv", ".json"]
    assert cli.main(["report", "nope", "--workspace", str(workspace)]) == 2
    assert cli.main(["report", f"S{EVIL}", "--format", "pdf", "--workspace", str(workspace)]) == 2
