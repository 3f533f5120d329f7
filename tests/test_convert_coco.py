"""COCO-JSON (LeukemiaAttri release form) → Leuko: classes by name, attributes in either shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from edge_app.errors import DataFormatError
from edge_app.formats.dataset import ground_truth, iter_samples, load_dataset, read_labels
from edge_app.formats.dataset_yaml import write_dataset_yaml
from edge_app.formats.validate import check_dataset
from edge_app.taxonomy import Taxonomy
from tests.test_formats_dataset import six_attribute_taxonomy, write_image
from trainer import cli as train_cli
from trainer.convert.coco import convert_coco

CATEGORIES = [{"id": 7, "name": "myeloblast"}, {"id": 3, "name": "Atypical Lymphocyte"}, {"id": 9, "name": "Artifact"}]
ATTRS_DICT = {"Cell Size": 1, "nuclear-chromatin": "coarse", "Nucleolus": 0, "cytoplasm": None}
ATTRS_TOP = {"cell_size": 0, "nuclear_shape": "1", "cytoplasmic_vacuoles": 2}


def write_coco(root: Path, annotations: list[dict[str, Any]], categories: list[dict[str, Any]] = CATEGORIES) -> Path:
    write_image(root / "imgs" / "sub" / "f1.jpg", 100, 50)
    write_image(root / "imgs" / "f2.png", 80, 80)
    images = [
        {"id": 1, "file_name": "sub/f1.jpg", "width": 100, "height": 50},
        {"id": 2, "file_name": "f2.png", "width": 80, "height": 80},
    ]
    path = root / "ann.json"
    path.write_text(json.dumps({"images": images, "annotations": annotations, "categories": categories}), "utf-8")
    return path


def ann(i: int, image: int, category: int, bbox: list[float], **extra: Any) -> dict[str, Any]:
    return {"id": i, "image_id": image, "category_id": category, "bbox": bbox, **extra}


def test_coco_round_trip_with_both_attribute_shapes(tmp_path: Path) -> None:
    anns = [
        ann(1, 1, 7, [10, 5, 40, 20], attributes=ATTRS_DICT),
        ann(2, 1, 3, [60, 10, 30, 30], **ATTRS_TOP),
        ann(3, 2, 9, [0, 0, 80, 80]),
    ]
    report = convert_coco(write_coco(tmp_path, anns), tmp_path / "imgs", tmp_path / "out")
    assert report.problems == [] and report.images == {"train": 2}
    spec = load_dataset(tmp_path / "out")
    assert spec.taxonomy == Taxonomy.leukemia_attri() and list(spec.splits) == ["train"]
    first, second = iter_samples(spec, "train")
    assert first.relative == Path("f2.png") and second.relative == Path("sub/f1.jpg")
    gt = ground_truth(second, spec.taxonomy)
    np.testing.assert_allclose(gt.xyxy, [[10, 5, 50, 25], [60, 10, 90, 40]], atol=1e-3)
    assert gt.class_id.tolist() == [1, 4]  # Myeloblast, Atypical lymphocyte
    assert gt.attribute_codes(2).tolist() == [[1, 1, 2, 0, 2, 2, 2], [0, 2, 1, 2, 2, 2, 2]]
    (artifact,) = read_labels(first.label, spec.taxonomy)
    assert artifact.class_id == 0 and artifact.codes == (2,) * 7  # "Artifact" is LeukemiaAttri's "None"


def test_attribute_list_shape_and_value_problems(tmp_path: Path) -> None:
    anns = [
        ann(1, 1, 7, [10, 5, 40, 20], attributes=[0, 1, 0, 1, 0, 1, 0]),
        ann(2, 1, 7, [10, 5, 40, 20], attributes={"nucleolus": "huge", "halo": 1}),
        ann(3, 2, 7, [70, 70, 30, 30]),  # leaves the 80x80 image: clipped
        ann(4, 2, 7, [10, 10, 0, 5]),  # no area: dropped
        ann(5, 2, 7, [1, 2, 3]),  # not a bbox: error
        ann(6, 99, 7, [1, 2, 3, 4]),  # unknown image
    ]
    report = convert_coco(write_coco(tmp_path, anns), tmp_path / "imgs", tmp_path / "out")
    messages = [(p.severity, p.message) for p in report.problems]
    assert (
        "error",
        "annotation id 2 (image id 1): nucleolus: unknown value 'huge' "
        "(codes 0..1, 2 or names inconspicuous, prominent): written as not annotated",
    ) in messages
    assert any("clipped to (70, 70, 80, 80)" in m for _, m in messages)
    assert any(s == "warning" and "has no area" in m for s, m in messages)
    assert any(s == "error" and "annotation id 5" in m and "not [x, y, width, height]" in m for s, m in messages)
    assert any(s == "error" and "unknown image id 99" in m for s, m in messages)
    assert ("warning", "attribute 'halo' (1 annotations) is not in the taxonomy: ignored") in messages
    rows = read_labels(tmp_path / "out" / "labels" / "train" / "sub" / "f1.txt", Taxonomy.leukemia_attri())
    assert [r.codes for r in rows] == [(0, 1, 0, 1, 0, 1, 0), (2,) * 7]


def test_unknown_category_is_refused_with_the_known_names(tmp_path: Path) -> None:
    categories = [*CATEGORIES, {"id": 4, "name": "Smudge cell"}]
    path = write_coco(tmp_path, [ann(1, 1, 4, [1, 1, 5, 5]), ann(2, 1, 5, [1, 1, 5, 5])], categories)
    with pytest.raises(DataFormatError, match="'Smudge cell', undeclared id 5") as info:
        convert_coco(path, tmp_path / "imgs", tmp_path / "out")
    assert "Abnormal promyelocyte" in (info.value.hint or "")


def test_malformed_json_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "ann.json"
    path.write_text('{"images": [],\n "annotations": [,]}', encoding="utf-8")
    with pytest.raises(DataFormatError, match="not valid JSON") as info:
        convert_coco(path, tmp_path, tmp_path / "out")
    assert info.value.where == f"{path}:2"


def test_splits_are_added_one_call_each_with_a_six_attribute_taxonomy(tmp_path: Path, capsys) -> None:
    taxonomy_yaml = write_dataset_yaml(tmp_path, six_attribute_taxonomy(), {})
    path = write_coco(tmp_path, [ann(1, 1, 7, [10, 5, 40, 20], attributes=ATTRS_DICT), ann(2, 2, 3, [0, 0, 8, 8])])
    out = tmp_path / "out"
    base = ["convert", "coco", str(path), str(tmp_path / "imgs"), str(out), "--taxonomy", str(taxonomy_yaml)]
    assert train_cli.main([*base, "--domain", "L_100x_C1"]) == 0
    assert "check" in capsys.readouterr().out
    assert train_cli.main([*base, "--split", "val"]) == 0
    spec = load_dataset(out)
    assert list(spec.splits) == ["train", "val"] and spec.taxonomy.num_attributes == 6
    assert spec.domain == "L_100x_C1"
    (row,) = read_labels(out / "labels" / "val" / "sub" / "f1.txt", spec.taxonomy)
    assert row.codes == (1, 2, 0, 2, 2, 2)
    assert check_dataset(out).ok
    assert train_cli.main([*base, "--split", "val"]) == 2  # exists: refused without --force
    assert "--force" in capsys.readouterr().err
    assert train_cli.main([*base[:5], "--split", "test"]) == 2  # LeukemiaAttri taxonomy differs
