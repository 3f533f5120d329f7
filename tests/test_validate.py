"""The dataset validator on crafted bad files: each problem named at its file:line, never a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edge_app.formats.validate import CheckReport, check_dataset
from tests.test_formats_dataset import ROWS, make_attr_dataset, six_attribute_taxonomy, write_image
from trainer import cli as train_cli

GOOD = "1 0.5 0.5 0.25 0.5 0 1 1 0 2 1 0"


def _messages(report: CheckReport) -> dict[str, str]:
    """`file:line` (or file) -> message, for exact look-ups."""
    return {f"{p.path}:{p.line}" if p.line else str(p.path): p.message for p in report.problems}


def test_a_clean_dataset_passes_with_a_summary(tmp_path: Path) -> None:
    report = check_dataset(make_attr_dataset(tmp_path))
    assert report.ok and report.problems == []
    assert report.summary.images == {"train": 2, "val": 1}
    assert report.summary.boxes == {"Myeloblast": 3, "Eosinophil": 3}
    assert report.summary.attribute_codes["cell_size"] == {"small": 3, "not annotated": 3}
    lines = report.summary_lines()
    assert "images: 3 (train 2, val 1)" in lines[1] and lines[-1] == "result: 0 error(s), 0 warning(s)"


BAD_LINES = [
    ("1 0.5 0.5 0.25 0.5 0 1 1", "wrong column count: 8 columns, expected 12"),
    ("14 0.5 0.5 0.25 0.5 0 1 1 0 2 1 0", "unknown class 14"),
    ("1 0.95 0.5 0.25 0.5 0 1 1 0 2 1 0", "coordinates out of range"),
    ("1 0.5 0.5 0 0.5 0 1 1 0 2 1 0", "non-positive size"),
    ("1 0.5 0.5 0.25 0.5 0 1 3 0 2 1 0", "unknown attribute code '3' for nuclear_shape"),
    ("1 0.5 half 0.25 0.5 0 1 1 0 2 1 0", "are not numbers"),
    ("one 0.5 0.5 0.25 0.5 0 1 1 0 2 1 0", "is not an integer"),
    ("1 0.5 0.5 0.25 0.5 0 1 x 0 2 1 0", "unknown attribute code 'x'"),
]


def test_every_bad_line_is_reported_at_its_line(tmp_path: Path) -> None:
    data = make_attr_dataset(tmp_path)
    label = (tmp_path / "labels" / "train" / "a.txt").resolve()
    label.write_text("\n".join([GOOD, *(line for line, _ in BAD_LINES), GOOD]) + "\n", encoding="utf-8")
    report = check_dataset(data)
    found = _messages(report)
    for n, (_, message) in enumerate(BAD_LINES, 2):
        assert message in found[f"{label}:{n}"]
    assert len(report.errors) == len(BAD_LINES) and report.summary.boxes.total() == 2 + 4
    assert "duplicate box: same class and box as line 1" in found[f"{label}:{len(BAD_LINES) + 2}"]


def test_six_attribute_dataset_reads_six_columns(tmp_path: Path) -> None:
    six = [r.__class__(r.class_id, r.cx, r.cy, r.w, r.h, r.codes[:6]) for r in ROWS]
    assert check_dataset(make_attr_dataset(tmp_path / "six", six_attribute_taxonomy(), six)).ok
    report = check_dataset(make_attr_dataset(tmp_path / "seven_in_six", six_attribute_taxonomy(), ROWS))
    assert {p.message.split(":")[0] for p in report.errors} == {"wrong column count"}
    assert "expected 11 (class, 4 box values, 6 attributes)" in report.errors[0].message


def test_image_and_file_problems(tmp_path: Path) -> None:
    data = make_attr_dataset(tmp_path)
    root = tmp_path.resolve()
    (root / "images" / "train" / "a.jpg").write_bytes(b"\xff\xd8\xff\xe0 cut")  # truncated JPEG
    (root / "images" / "train" / "b.png").write_bytes(b"garbage")  # not an image
    (root / "labels" / "val" / "c.txt").write_text("\n\n", encoding="utf-8")  # empty: background
    write_image(root / "images" / "val" / "d.jpg")  # no label file
    (root / "labels" / "val" / "ghost.txt").write_text(GOOD + "\n", encoding="utf-8")  # no image
    (root / "labels" / "train" / "b.txt").write_bytes(b"\xff\xfe\x00binary")  # not text
    report = check_dataset(data)
    found = _messages(report)
    assert "truncated JPEG" in found[str(root / "images" / "train" / "a.jpg")]
    assert "cannot decode" in found[str(root / "images" / "train" / "b.png")]
    assert "not UTF-8" in found[str(root / "labels" / "train" / "b.txt")]
    assert "label file without an image" in found[str(root / "labels" / "val" / "ghost.txt")]
    assert {str(p.path) for p in report.warnings} == {
        str(root / "labels" / "val" / "c.txt"),
        str(root / "images" / "val" / "d.jpg"),
    }
    assert len(report.errors) == 4 and report.summary.backgrounds == 2
    assert not check_dataset(data, empty_labels="error").ok


def test_yaml_level_problems_point_into_the_yaml(tmp_path: Path) -> None:
    data = make_attr_dataset(tmp_path)
    text = data.read_text(encoding="utf-8").replace("val: images/val", "test: images/nowhere")
    data.write_text(text.replace("domain: H_100x_C2", "domain: microscope-7"), encoding="utf-8")
    report = check_dataset(data)
    lines = text.split("\n")
    test_line = next(i for i, t in enumerate(lines, 1) if t.startswith("test:"))
    found = _messages(report)
    assert "does not exist" in found[f"{data.resolve()}:{test_line}"]
    assert any("no 'val' split" in m for m in found.values())
    assert any(p.severity == "warning" and "microscope-7" in p.message for p in report.problems)


def test_unloadable_dataset_is_one_error_not_an_exception(tmp_path: Path) -> None:
    (tmp_path / "data.yaml").write_text("names: [a\n", encoding="utf-8")
    report = check_dataset(tmp_path)
    assert not report.ok and report.errors[0].line == 2 and "not valid YAML" in report.errors[0].message
    assert not check_dataset(tmp_path / "absent").ok


def test_check_command_prints_problems_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = make_attr_dataset(tmp_path / "d")
    assert train_cli.main(["check", str(data)]) == 0
    assert "result: 0 error(s), 0 warning(s)" in capsys.readouterr().out

    label = (tmp_path / "d" / "labels" / "train" / "a.txt").resolve()
    label.write_text(f"{GOOD}\n1 0.5 0.5 0.25\n9 2 2 2 2 2 2 2 2 2 2 2\n", encoding="utf-8")
    report_path = tmp_path / "out" / "report.json"
    code = train_cli.main(["check", str(tmp_path / "d"), "--max-problems", "1", "--json", str(report_path)])
    out = capsys.readouterr().out
    assert code == 1
    assert f"{label}:2: wrong column count" in out and f"{label}:3:" not in out
    assert "... and 1 more problem(s)" in out and "result: 2 error(s)" in out
    saved = json.loads(report_path.read_text(encoding="utf-8"))
    assert saved["errors"] == 2 and [p["line"] for p in saved["problems"]] == [2, 3]
