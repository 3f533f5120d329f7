"""Review and corrections: the gallery order, verdicts stored beside the model's output, the report
counting them, and `leuko export-labels` writing a dataset the trainer accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edge_app import cli
from edge_app.errors import StoreError, ValidationError
from edge_app.formats.dataset import ground_truth, iter_samples, load_dataset
from edge_app.reporting.report_data import build_slide_report
from edge_app.reporting.report_html import render_report_html
from edge_app.review.cells import cell_crop, cells_by_class, reject_cell, review_cell, slide_cells
from edge_app.store.reviews import Review, save_review
from edge_app.store.store import ResultsStore
from edge_app.taxonomy import Taxonomy
from tests.test_scan_support import make_bundle, scan, write_fields
from trainer.attridet.preflight import check_before_training

TAX = Taxonomy.leukemia_attri()
NEUTROPHIL, LYMPHOCYTE, MYELOBLAST = (TAX.class_id(n) for n in ("Neutrophil", "Lymphocyte", "Myeloblast"))


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    bundle = make_bundle(tmp_path)
    write_fields(tmp_path / "fields", 4)
    with ResultsStore(tmp_path / "ws") as store:
        scan(store, bundle, tmp_path / "fields", slide="R-1")
    return tmp_path / "ws"


def test_gallery_is_per_class_least_sure_first_with_crops(workspace: Path) -> None:
    with ResultsStore(workspace) as store:
        cells = slide_cells(store, "R-1", TAX)
    groups = cells_by_class(cells)
    assert set(groups) == {NEUTROPHIL, MYELOBLAST} and all(len(g) == 4 for g in groups.values())
    for group in groups.values():
        scores = [c.score for c in group]
        assert scores == sorted(scores)
    cell = groups[NEUTROPHIL][0]
    crop = cell_crop(cell, margin=0.0)
    x1, y1, x2, y2 = cell.xyxy
    assert abs(crop.shape[1] - (x2 - x1)) <= 2 and abs(crop.shape[0] - (y2 - y1)) <= 2
    assert len(cell.codes) == TAX.num_attributes and cell.review is None


def test_verdicts_sit_beside_the_model_output(workspace: Path) -> None:
    with ResultsStore(workspace) as store:
        cell = cells_by_class(slide_cells(store, "R-1", TAX))[NEUTROPHIL][0]
        before = store.detections(cell.field.id)
        same = review_cell(store, cell, cell.class_id, cell.codes, TAX, reviewer="amina")
        assert same.review is not None and same.review.verdict == "confirmed"
        codes = list(cell.codes)
        codes[0] = TAX.not_annotated  # the reviewer cannot tell the chromatin
        changed = review_cell(store, cell, LYMPHOCYTE, codes, TAX, reviewer="amina")
        assert changed.review is not None and changed.review.verdict == "corrected"
        again = {c.detection_id: c for c in slide_cells(store, "R-1", TAX)}[cell.detection_id]
        assert again.review == Review("corrected", LYMPHOCYTE, tuple(codes), "amina", again.review.reviewed_at)
        assert again.reviewed_class == LYMPHOCYTE and again.class_id == NEUTROPHIL
        after = store.detections(cell.field.id)  # the model's output, untouched
        assert (after.class_id == before.class_id).all() and (after.attr_prob == before.attr_prob).all()
        with pytest.raises(ValidationError, match="outside the taxonomy"):
            review_cell(store, cell, 99, codes, TAX)
        with pytest.raises(ValidationError, match="attribute codes"):
            review_cell(store, cell, LYMPHOCYTE, codes[:-1], TAX)
        with pytest.raises(StoreError, match="no detected cell"):
            save_review(store, 10_000, Review("confirmed", 0))


def test_report_counts_corrections_as_reviewed(workspace: Path) -> None:
    with ResultsStore(workspace) as store:
        groups = cells_by_class(slide_cells(store, "R-1", TAX))
        review_cell(store, groups[NEUTROPHIL][0], LYMPHOCYTE, groups[NEUTROPHIL][0].codes, TAX)
        reject_cell(store, groups[MYELOBLAST][0])
        review_cell(store, groups[MYELOBLAST][1], MYELOBLAST, groups[MYELOBLAST][1].codes, TAX)
        report = build_slide_report(store, "R-1")
    counts = {p.label: p.count for p in report.differential if p.count}
    assert counts == {"Neutrophil": 3, "Myeloblast": 3, "Lymphocyte": 1} and report.cells == 7
    assert (report.review.reviewed, report.review.corrected, report.review.rejected) == (3, 1, 1)
    assert "Reviewed by a person: 3 of 8 detected cells (1 corrected, 1 rejected" in render_report_html(report)


def test_export_labels_writes_a_dataset_the_trainer_takes(workspace: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    with ResultsStore(workspace) as store:
        cells = slide_cells(store, "R-1", TAX)
        fields = sorted({c.field.id for c in cells})
        for cell in cells:
            if cell.field.id == fields[-1] and cell.class_id == MYELOBLAST:
                continue  # the last field stays half reviewed: not exported
            if cell.field.id == fields[0] and cell.class_id == MYELOBLAST:
                reject_cell(store, cell)
            else:
                review_cell(store, cell, LYMPHOCYTE if cell.class_id == NEUTROPHIL else cell.class_id,
                            cell.codes, TAX)
    out = tmp_path / "labels"
    assert cli.main(["export-labels", "R-1", "--out", str(out), "--workspace", str(workspace)]) == 0
    printed = capsys.readouterr().out
    assert "exported 3 fields" in printed and "skipped 1 field(s) not fully reviewed" in printed
    assert "0 error(s)" in printed
    assert check_before_training(out / "data.yaml") == []
    spec = load_dataset(out)
    truth = [ground_truth(s, spec.taxonomy) for split in ("train", "val") for s in iter_samples(spec, split)]
    classes = sorted(int(c) for t in truth for c in t.class_id)
    assert classes == sorted([LYMPHOCYTE] * 3 + [MYELOBLAST] * 2)  # corrected, rejected one left out
    assert all(t.attr_annotated.all() for t in truth)
    assert cli.main(["export-labels", "R-1", "--out", str(out), "--workspace", str(workspace)]) == 2  # not empty
    assert "not empty" in capsys.readouterr().err


def test_report_json_carries_the_review_tally(workspace: Path, tmp_path: Path) -> None:
    with ResultsStore(workspace) as store:
        reject_cell(store, slide_cells(store, "R-1", TAX)[0])
    assert cli.main(["report", "R-1", "--format", "json", "--out", str(tmp_path), "--workspace", str(workspace)]) == 0
    data = json.loads(next(tmp_path.glob("*.json")).read_text())
    assert data["review"] == {"cells": 8, "reviewed": 1, "corrected": 0, "rejected": 1}


def test_a_version_1_workspace_is_migrated_with_its_results_kept(workspace: Path) -> None:
    import sqlite3

    from edge_app.store.schema import MIGRATIONS, SCHEMA_VERSION

    with ResultsStore(workspace) as store:
        n_fields = len(store.fields(store.slide("R-1")))
    db = sqlite3.connect(workspace / "leuko.sqlite")
    db.executescript("DROP TABLE review_attributes; DROP TABLE reviews; PRAGMA user_version = 1;")
    db.close()
    assert "reviews" in MIGRATIONS[1] and SCHEMA_VERSION == 2
    with ResultsStore(workspace) as store:
        assert store.schema_version == 2 and len(store.fields(store.slide("R-1"))) == n_fields
        reject_cell(store, slide_cells(store, "R-1", TAX)[0])
