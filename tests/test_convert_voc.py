"""Pascal VOC → Leuko: boxes round-trip to pixels, bad boxes are reported at their XML line and fixed.

The last test converts the real BCCD data (../shared/data/bccd) with the command line, as a user
would, and expects its two zero-size boxes to be reported and dropped.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from edge_app.errors import DataFormatError
from edge_app.formats.dataset import ground_truth, iter_samples, load_dataset
from edge_app.formats.validate import check_dataset
from tests.test_formats_dataset import write_image
from trainer import cli as train_cli
from trainer.convert.voc import VocOptions, convert_voc

BCCD = Path(__file__).resolve().parents[2] / "shared" / "data" / "bccd"


def _object(name: str, box: tuple[object, ...]) -> str:
    xmin, ymin, xmax, ymax = box
    return (
        f"\t<object>\n\t\t<name>{name}</name>\n\t\t<bndbox>\n"
        f"\t\t\t<xmin>{xmin}</xmin>\n\t\t\t<ymin>{ymin}</ymin>\n\t\t\t<xmax>{xmax}</xmax>\n\t\t\t<ymax>{ymax}</ymax>\n"
        "\t\t</bndbox>\n\t</object>\n"
    )


def write_voc(root: Path, image_id: str, objects: list[tuple[str, tuple[object, ...]]], size=(64, 48)) -> Path:
    """One VOC image + XML; each object's <bndbox> is on line 9 + 9*i."""
    write_image(root / "JPEGImages" / f"{image_id}.jpg", *size)
    body = "".join(_object(name, box) for name, box in objects)
    xml = (
        f"<annotation>\n\t<filename>{image_id}.jpg</filename>\n"
        f"\t<size>\n\t\t<width>{size[0]}</width>\n\t\t<height>{size[1]}</height>\n\t</size>\n{body}</annotation>\n"
    )
    path = root / "Annotations" / f"{image_id}.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(xml, encoding="utf-8")
    return path


def write_splits(root: Path, **splits: list[str]) -> None:
    main = root / "ImageSets" / "Main"
    main.mkdir(parents=True, exist_ok=True)
    for split, ids in splits.items():
        (main / f"{split}.txt").write_text("".join(i + "\n" for i in ids), encoding="utf-8")


def _bndbox_line(i: int) -> int:
    return 9 + 9 * i


def test_voc_boxes_round_trip_to_pixels(tmp_path: Path) -> None:
    src = tmp_path / "voc"
    boxes = [("WBC", (11, 6, 40, 30)), ("Platelets", (1, 1, 64, 48)), ("RBC", (30, 20, 33.5, 25))]
    write_voc(src, "a", boxes)
    write_voc(src, "b", [("RBC", (5, 5, 20, 20))])
    write_splits(src, train=["a"], val=["b"])
    report = convert_voc(src, tmp_path / "out")
    assert report.problems == [] and report.images == {"train": 1, "val": 1}
    spec = load_dataset(tmp_path / "out")
    assert spec.taxonomy.classes == ("WBC", "RBC", "Platelets") and spec.taxonomy.num_attributes == 7
    gt = ground_truth(next(iter_samples(spec, "train")), spec.taxonomy)
    expected = [(x1 - 1, y1 - 1, x2, y2) for _, (x1, y1, x2, y2) in boxes]  # VOC pixels are 1-based
    np.testing.assert_allclose(gt.xyxy, expected, atol=1e-3)
    assert gt.class_id.tolist() == [0, 2, 1]
    assert not gt.attr_annotated.any()  # all attributes written as code 2
    assert check_dataset(tmp_path / "out").ok


def test_bad_boxes_are_reported_at_their_line_and_fixed(tmp_path: Path) -> None:
    src = tmp_path / "voc"
    objects = [
        ("RBC", (10, 10, 10, 20)),  # zero width: dropped
        ("RBC", (30, 25, 20, 15)),  # swapped corners: swapped back
        ("WBC", (50, 40, 80, 60)),  # leaves the 64x48 image: clipped
        ("RBC", (70, 50, 90, 60)),  # entirely outside: dropped
        ("RBC", (1, "x", 9, 9)),  # not a number: dropped, error
        ("WBC", (2, 2, 12, 12)),  # fine
    ]
    xml = write_voc(src, "a", objects)
    write_voc(src, "b", [("WBC", (2, 2, 12, 12))])
    (src / "JPEGImages" / "b.jpg").unlink()  # annotation without image
    write_splits(src, train=["a", "b"], val=["a"])  # a listed twice
    report = convert_voc(src, tmp_path / "out")
    found = {(p.path.name, p.line): (p.severity, p.message) for p in report.problems}
    assert "zero size" in found[("a.xml", _bndbox_line(0))][1]
    assert "swapped back" in found[("a.xml", _bndbox_line(1))][1]
    assert "clipped to (49, 39, 64, 48)" in found[("a.xml", _bndbox_line(2))][1]
    assert "lies outside" in found[("a.xml", _bndbox_line(3))][1]
    assert found[("a.xml", _bndbox_line(4))][0] == "error"
    assert found[("b.xml", None)] == ("error", f"no image for this annotation in {src / 'JPEGImages'}: skipped")
    assert "already in split train" in found[("val.txt", 1)][1]
    assert len(report.problems) == 7 and report.boxes == {"RBC": 1, "WBC": 2}
    assert all(p.path == xml for p in report.problems if p.path.name == "a.xml")
    assert check_dataset(tmp_path / "out", require=("train",)).ok


def test_unknown_class_names_are_refused_before_writing(tmp_path: Path) -> None:
    src = tmp_path / "voc"
    write_voc(src, "a", [("WBC", (1, 1, 5, 5)), ("Neutrophil", (1, 1, 5, 5))])
    write_splits(src, train=["a"])
    with pytest.raises(DataFormatError, match=r"'Neutrophil' \(first at .*a.xml:18\)") as info:
        convert_voc(src, tmp_path / "out")
    assert "--classes" in (info.value.hint or "")
    assert not (tmp_path / "out").exists()
    report = convert_voc(src, tmp_path / "out", VocOptions(classes=("Neutrophil", "WBC"), attributes=False))
    assert report.boxes == {"Neutrophil": 1, "WBC": 1}
    assert load_dataset(tmp_path / "out").taxonomy.attributes == ()


def test_malformed_xml_is_reported_with_its_line(tmp_path: Path) -> None:
    src = tmp_path / "voc"
    write_voc(src, "a", [("WBC", (1, 1, 5, 5))])
    broken = write_voc(src, "b", [("WBC", (1, 1, 5, 5))])
    broken.write_text(broken.read_text().replace("</xmax>", "</xmx>"), encoding="utf-8")
    write_splits(src, train=["a", "b"])
    report = convert_voc(src, tmp_path / "out")
    (problem,) = report.errors
    assert (problem.path, problem.line) == (broken, 12) and "not valid XML" in problem.message
    assert report.images == {"train": 1}


def test_output_is_not_mixed_with_an_earlier_dataset(tmp_path: Path) -> None:
    src = tmp_path / "voc"
    write_voc(src, "a", [("WBC", (1, 1, 5, 5))])
    convert_voc(src, tmp_path / "out")  # no ImageSets: a fallback split, reported
    with pytest.raises(DataFormatError, match="already holds a dataset"):
        convert_voc(src, tmp_path / "out")
    report = convert_voc(src, tmp_path / "out", VocOptions(force=True, copy=True))
    assert report.placed == {"copied": 1} and "no split files" in report.problems[0].message


@pytest.mark.skipif(not (BCCD / "Annotations").is_dir(), reason="the shared BCCD data is not present")
def test_real_bccd_converts_with_its_two_bad_boxes_reported(tmp_path: Path, capsys) -> None:
    out = tmp_path / "bccd"
    assert train_cli.main(["convert", "voc", str(BCCD), str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"{BCCD / 'Annotations' / 'BloodImage_00338.xml'}:163: warning: RBC box has zero size" in printed
    assert f"{BCCD / 'Annotations' / 'BloodImage_00343.xml'}:55: warning: RBC box has zero size" in printed
    assert "images: 364 (train 205, val 87, test 72" in printed
    assert "boxes: 4886 (WBC 372, RBC 4153, Platelets 361)" in printed
    assert f"check {out}: 0 error(s), 0 warning(s)" in printed
    assert (out / "SOURCE_LICENSE").read_text().startswith("MIT License")
