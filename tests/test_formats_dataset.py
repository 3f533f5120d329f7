"""Dataset reading: image headers, data.yaml → DatasetSpec, samples, label files, ground truth.

The small builders here (`write_image`, `make_attr_dataset`) are reused by the validator and
converter tests.
"""

from __future__ import annotations

import struct
from pathlib import Path

import cv2
import numpy as np
import pytest

from edge_app.errors import DataFormatError
from edge_app.formats.dataset import (
    ground_truth,
    iter_samples,
    label_path_for,
    load_dataset,
    read_labels,
    rows_to_detections,
)
from edge_app.formats.dataset_yaml import write_dataset_yaml
from edge_app.formats.image_io import check_image, image_size, read_image
from edge_app.formats.yolo_attr import LabelRow, format_label_line
from edge_app.taxonomy import LEUKEMIA_ATTRI_ATTRIBUTES, Taxonomy

ROWS = [
    LabelRow(1, 0.5, 0.5, 0.25, 0.5, (0, 1, 1, 0, 2, 1, 0)),
    LabelRow(12, 0.2, 0.3, 0.1, 0.2, (2, 2, 2, 2, 2, 2, 2)),
]


def write_image(path: Path, width: int = 40, height: int = 30) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = np.zeros((height, width, 3), np.uint8)
    image[:, : width // 2] = (40, 120, 200)
    assert cv2.imwrite(str(path), image)
    return path


def write_labels(path: Path, rows: list[LabelRow]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(format_label_line(r) + "\n" for r in rows), encoding="utf-8")
    return path


def make_attr_dataset(root: Path, taxonomy: Taxonomy | None = None, rows: list[LabelRow] | None = None) -> Path:
    """train: a.jpg, b.png; val: c.jpg — each with `rows`; returns data.yaml."""
    taxonomy = taxonomy or Taxonomy.leukemia_attri()
    rows = ROWS if rows is None else rows
    for split, name in (("train", "a.jpg"), ("train", "b.png"), ("val", "c.jpg")):
        write_image(root / "images" / split / name)
        write_labels(root / "labels" / split / f"{Path(name).stem}.txt", rows)
    return write_dataset_yaml(root, taxonomy, {"train": "images/train", "val": "images/val"}, domain="H_100x_C2")


def six_attribute_taxonomy() -> Taxonomy:
    return Taxonomy.leukemia_attri().with_attributes(LEUKEMIA_ATTRI_ATTRIBUTES[1:])


# --- images -----------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".jpg", ".png", ".bmp", ".tif"])
def test_image_size_from_headers_matches_decoding(tmp_path: Path, suffix: str) -> None:
    path = write_image(tmp_path / f"x{suffix}", 37, 21)
    assert image_size(path) == (37, 21)
    assert check_image(path, decode=True).size == (37, 21)
    assert read_image(path).shape == (21, 37, 3)


def test_exif_rotation_swaps_the_size_as_opencv_does(tmp_path: Path) -> None:
    _ok, buf = cv2.imencode(".jpg", np.zeros((20, 40, 3), np.uint8))
    tiff = b"II*\x00" + struct.pack("<IH", 8, 1) + struct.pack("<HHIHH", 0x0112, 3, 1, 6, 0) + b"\x00" * 4
    app1 = b"Exif\x00\x00" + tiff
    data = buf.tobytes()
    path = tmp_path / "phone.jpg"
    path.write_bytes(data[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + data[2:])
    assert image_size(path) == (20, 40)
    assert read_image(path).shape[:2] == (40, 20)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty image file"),
        (b"this is not an image at all", "cannot decode"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "truncated JPEG"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "truncated PNG"),
    ],
)
def test_corrupt_images_are_reported_not_raised(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "bad.jpg"
    path.write_bytes(content)
    result = check_image(path)
    assert not result.ok and problem in (result.problem or "")
    with pytest.raises(DataFormatError, match=str(path)):
        image_size(path)


def test_truncated_real_jpeg_is_caught_cheaply(tmp_path: Path) -> None:
    path = write_image(tmp_path / "x.jpg", 64, 48)
    path.write_bytes(path.read_bytes()[:-200])
    assert "FFD9" in (check_image(path).problem or "")


# --- data.yaml --------------------------------------------------------------------------
def test_load_dataset_from_folder_or_yaml(tmp_path: Path) -> None:
    yaml_path = make_attr_dataset(tmp_path / "d")
    for arg in (tmp_path / "d", yaml_path):
        spec = load_dataset(arg)
        assert spec.root == (tmp_path / "d").resolve()
        assert spec.taxonomy == Taxonomy.leukemia_attri()
        assert spec.splits["train"] == ((tmp_path / "d" / "images" / "train").resolve(),)
        assert spec.domain == "H_100x_C2"
    samples = list(iter_samples(spec, "train"))
    assert [s.image.name for s in samples] == ["a.jpg", "b.png"]
    assert samples[0].label == (tmp_path / "d" / "labels" / "train" / "a.txt").resolve()
    assert samples[0].relative == Path("a.jpg")


def test_split_may_be_a_list_file_and_path_may_be_absent(tmp_path: Path) -> None:
    write_image(tmp_path / "pics" / "images" / "x.jpg")
    (tmp_path / "train.txt").write_text("pics/images/x.jpg\n\n", encoding="utf-8")
    (tmp_path / "data.yaml").write_text("train: train.txt\nval: [train.txt]\nnames: [a, b]\n", encoding="utf-8")
    spec = load_dataset(tmp_path)
    (sample,) = iter_samples(spec, "val")
    assert sample.image == (tmp_path / "pics" / "images" / "x.jpg").resolve()
    assert sample.label == (tmp_path / "pics" / "labels" / "x.txt").resolve()
    assert spec.taxonomy.attributes == ()


def test_label_path_replaces_the_last_images_folder() -> None:
    assert label_path_for(Path("/d/images/set/images/train/x.jpg")) == Path("/d/images/set/labels/train/x.txt")
    assert label_path_for(Path("/d/flat/x.png")) == Path("/d/flat/x.txt")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("train: a\nnames: [a, b\n", 3, "not valid YAML"),
        ("- just\n- a list\n", 1, "must be a mapping"),
        ("train: a\nval: a\nnames: 7\n", 3, "names"),
        ("train: a\nnames: [a]\nnc: 2\n", 3, "nc: 2"),
        ("train: a\nnames: [a]\nattributes:\n  - {name: size, values: [small]}\n", 3, "attributes:"),
        ("train: 5\nnames: [a]\n", 1, "train: must be"),
    ],
)
def test_yaml_mistakes_name_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    (tmp_path / "data.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataFormatError, match=message) as info:
        load_dataset(tmp_path / "data.yaml")
    assert info.value.where == f"{(tmp_path / 'data.yaml').resolve()}:{line}"


def test_missing_yaml_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="dataset YAML not found"):
        load_dataset(tmp_path)


# --- labels -----------------------------------------------------------------------------
@pytest.mark.parametrize("taxonomy", [Taxonomy.leukemia_attri(), six_attribute_taxonomy()])
def test_label_file_round_trip_with_six_or_seven_attributes(tmp_path: Path, taxonomy: Taxonomy) -> None:
    rows = [LabelRow(r.class_id, r.cx, r.cy, r.w, r.h, r.codes[: taxonomy.num_attributes]) for r in ROWS]
    path = write_labels(tmp_path / "x.txt", rows)
    assert read_labels(path, taxonomy) == rows
    other = Taxonomy.leukemia_attri() if taxonomy.num_attributes == 6 else six_attribute_taxonomy()
    with pytest.raises(DataFormatError, match="wrong column count") as info:
        read_labels(path, other)
    assert info.value.where == f"{path}:1"


def test_read_labels_counts_lines_as_editors_do(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text(format_label_line(ROWS[0]) + "\r\n\r\n0 2 0.5 0.1 0.1 2 2 2 2 2 2 2\r\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="out of range") as info:
        read_labels(path, Taxonomy.leukemia_attri())
    assert info.value.where == f"{path}:3"
    assert read_labels(tmp_path / "missing.txt", Taxonomy.leukemia_attri()) == []


def test_ground_truth_is_pixel_detections_with_one_hot_attributes(tmp_path: Path) -> None:
    spec = load_dataset(make_attr_dataset(tmp_path))
    sample = next(iter_samples(spec, "train"))
    gt = ground_truth(sample, spec.taxonomy)
    np.testing.assert_allclose(gt.xyxy[0], [15, 7.5, 25, 22.5], atol=1e-4)  # 40x30 image
    assert gt.class_id.tolist() == [1, 12]
    assert gt.attribute_codes(2).tolist() == [list(r.codes) for r in ROWS]
    assert not gt.attr_annotated[1].any()
    empty = rows_to_detections([], (40, 30), spec.taxonomy)
    assert len(empty) == 0 and empty.attr_prob.shape == (0, 7, 2)
