"""Leuko → plain ultralytics detection: same images and boxes, no attribute columns, readable by ultralytics."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from edge_app.errors import DataFormatError
from edge_app.formats.dataset import iter_samples, load_dataset, read_labels
from edge_app.formats.validate import check_dataset
from tests.test_formats_dataset import ROWS, make_attr_dataset
from trainer import cli as train_cli
from trainer.convert.to_ultralytics import UltralyticsOptions, convert_to_ultralytics


def test_round_trip_drops_only_the_attributes(tmp_path: Path) -> None:
    src = make_attr_dataset(tmp_path / "src")
    report = convert_to_ultralytics(src, tmp_path / "out")
    assert report.problems == [] and report.images == {"train": 2, "val": 1} and report.placed == {"linked": 3}
    data = yaml.safe_load((tmp_path / "out" / "data.yaml").read_text(encoding="utf-8"))
    assert "path" not in data and "attributes" not in data and data["names"][1] == "Myeloblast"
    spec = load_dataset(tmp_path / "out")
    assert spec.taxonomy.attributes == () and spec.domain == "H_100x_C2"
    for sample in iter_samples(spec, "train"):
        assert read_labels(sample.label, spec.taxonomy) == [replace(r, codes=()) for r in ROWS]
        assert os.path.samefile(sample.image, tmp_path / "src" / "images" / "train" / sample.image.name)
    assert check_dataset(tmp_path / "out").ok


def test_bad_source_lines_are_reported_and_left_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = make_attr_dataset(tmp_path / "src")
    label = tmp_path / "src" / "labels" / "val" / "c.txt"
    label.write_text(label.read_text(encoding="utf-8") + "3 0.5 0.5 0.1\n", encoding="utf-8")
    assert train_cli.main(["convert", "ultralytics", str(src), str(tmp_path / "out"), "--copy"]) == 1
    assert f"{label.resolve()}:3: wrong column count" in capsys.readouterr().out
    assert len((tmp_path / "out" / "labels" / "val" / "c.txt").read_text().splitlines()) == 2
    with pytest.raises(DataFormatError, match="already holds a dataset"):
        convert_to_ultralytics(src, tmp_path / "out")
    assert convert_to_ultralytics(src, tmp_path / "out", UltralyticsOptions(force=True)).images.total() == 3


@pytest.mark.slow
def test_ultralytics_reads_the_output_as_a_detection_dataset(tmp_path: Path, monkeypatch) -> None:
    pytest.importorskip("ultralytics")
    monkeypatch.setenv("YOLO_OFFLINE", "1")
    monkeypatch.chdir(tmp_path)  # ultralytics must resolve splits against the YAML, not the working folder
    from ultralytics.data.utils import check_det_dataset, verify_image_label

    convert_to_ultralytics(make_attr_dataset(tmp_path / "src"), tmp_path / "plain")
    data = check_det_dataset(str(tmp_path / "plain" / "data.yaml"), autodownload=False)
    assert data["nc"] == 14 and Path(data["train"]) == (tmp_path / "plain" / "images" / "train").resolve()
    for sample in iter_samples(load_dataset(tmp_path / "plain"), "train"):
        result = verify_image_label((str(sample.image), str(sample.label), "", False, 14, 0, 0, False))
        boxes, found, corrupt = result[1], result[6], result[8]
        assert (found, corrupt) == (1, 0) and boxes.shape == (2, 5)
