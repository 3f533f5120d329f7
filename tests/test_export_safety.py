"""Fast export checks: calibration set errors/warnings, OpenVINO IR refusals, request validation, labelled sets."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from edge_app.errors import DataFormatError, ModelError
from edge_app.formats.dataset_yaml import write_dataset_yaml
from edge_app.model_card import ModelCard
from edge_app.runtime.bundle import ModelBundle
from edge_app.taxonomy import Taxonomy
from export import cli as export_cli
from export.bundle_writer import ExportRequest, export_bundle
from export.calibration import RECOMMENDED_IMAGES, CalibrationSet, CalibrationWarning
from export.head_scope import FloatScope
from export.labelled_set import load_split
from export.quantize_onnx import calibration_stride
from export.scope_search import ScopeError, choose_scope
from tests.bundle_factory import write_bundle, write_onnx

BCCD = Path(__file__).resolve().parents[2] / "shared" / "data" / "bccd" / "JPEGImages"
CARD = ModelCard("t", Taxonomy.leukemia_attri(), (64, 64), domains=("H_100x_C2",))


def _images(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for src in sorted(BCCD.glob("*.jpg"))[:count]:
        shutil.copy(src, folder / src.name)
    return folder


# --- calibration ----------------------------------------------------------------------------
def test_missing_or_empty_calibration_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="calibration folder not found"):
        CalibrationSet.from_folder(tmp_path / "nope", CARD)
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    (tmp_path / "empty" / "notes.txt").write_text("no images here")
    with pytest.raises(DataFormatError, match="no calibration images"):
        CalibrationSet.from_folder(tmp_path / "empty", CARD)


def test_too_few_calibration_images_warn_with_the_number_needed(tmp_path: Path) -> None:
    folder = _images(tmp_path / "calib" / "slide1", 5)
    needed = f"only 5 .* about {RECOMMENDED_IMAGES} \\({RECOMMENDED_IMAGES - 5} more\\)"
    with pytest.warns(CalibrationWarning, match=needed):
        calib = CalibrationSet.from_folder(tmp_path / "calib", CARD)  # found recursively
    assert len(calib) == 5 and calib.images[0].parent == folder
    tensors = list(calib.tensors())
    assert tensors[0].shape == (1, 3, 64, 64) and tensors[0].dtype == np.float32 and tensors[0].max() <= 1.0


def test_int8_without_calibration_images_is_refused_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="--calib is missing"):
        export_bundle(ExportRequest(tmp_path / "b", tmp_path / "w.pt"))
    assert export_cli.main([str(tmp_path / "b"), "--weights", str(tmp_path / "w.pt")]) == 2


def test_unknown_precision_and_fp16_onnx_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [str(tmp_path / "b"), "--weights", "w.pt", "--precision", "fp16", "--backend", "onnx"]
    assert export_cli.main(args) == 2
    assert "fp16 exists for openvino only" in capsys.readouterr().err
    assert export_cli.main([str(tmp_path / "b"), "--weights", "w.pt", "--precision", "int4"]) == 2


@pytest.mark.parametrize(("count", "stride"), [(32, 8), (38, 2), (37, 1), (300, 6), (5, 5)])
def test_calibration_stride_divides_the_set(count: int, stride: int) -> None:
    assert calibration_stride(count) == stride


def test_scope_box_tolerance_scales_with_the_input_size() -> None:
    """1.27 px passes at 640 (the tolerance is 1.5 px there) but not at 128 px, where cells are 5x smaller."""
    def errors(side: int) -> list[ScopeError]:
        return [ScopeError(FloatScope("outputs", ("a",), ""), 1.27, 0.0, 0.0, side),
                ScopeError(FloatScope("postprocess", ("a", "b"), ""), 0.0, 0.0, 0.0, side)]

    assert choose_scope(errors(640)).scope.name == "outputs"
    assert choose_scope(errors(128)).scope.name == "postprocess"


# --- OpenVINO IR refusals (the ONNX cases are in test_runtime_bundle.py) ---------------------
@pytest.fixture
def ir_bundle(tmp_path: Path) -> Path:
    write_bundle(tmp_path / "bundle")
    return tmp_path / "bundle"


def _rehash(bundle_dir: Path) -> ModelBundle:
    card = ModelCard.load(bundle_dir / "card.json")
    card = card.with_files(bundle_dir, card.files)
    (bundle_dir / "card.json").write_text(card.to_json())
    return ModelBundle.open(bundle_dir)


def test_truncated_ir_is_refused_by_checksum_then_by_openvino(ir_bundle: Path) -> None:
    weights = ir_bundle / "openvino" / "model.bin"
    weights.write_bytes(weights.read_bytes()[:-40])
    with pytest.raises(ModelError, match="checksum mismatch for openvino/model.bin"):
        ModelBundle.open(ir_bundle)
    bundle = _rehash(ir_bundle)  # a card re-hashed over the damage: OpenVINO itself must refuse
    with pytest.raises(ModelError, match="OpenVINO cannot load the model"):
        bundle.load_backend(bundle.choose_file("openvino"))


def test_truncated_ir_xml_is_refused(ir_bundle: Path) -> None:
    xml = ir_bundle / "openvino" / "model.xml"
    xml.write_bytes(xml.read_bytes()[: len(xml.read_bytes()) // 2])
    bundle = _rehash(ir_bundle)
    with pytest.raises(ModelError, match="OpenVINO cannot load the model"):
        bundle.load_backend(bundle.choose_file("openvino"))


def test_foreign_ir_without_card_metadata_is_refused(ir_bundle: Path, tmp_path: Path) -> None:
    import openvino as ov

    card = ModelCard.load(ir_bundle / "card.json")
    foreign = write_onnx(tmp_path / "foreign.onnx", card, embed_card=False)
    ov.save_model(ov.Core().read_model(str(foreign)), str(ir_bundle / "openvino" / "model.xml"))
    bundle = _rehash(ir_bundle)
    with pytest.raises(ModelError, match="carries no Leuko card metadata"):
        bundle.load_backend(bundle.choose_file("openvino"))


def test_ir_of_another_taxonomy_is_refused(ir_bundle: Path) -> None:
    card = ModelCard.load(ir_bundle / "card.json")
    (ir_bundle / "card.json").write_text(
        ModelCard("x", Taxonomy(("WBC", "RBC", "Platelets")), card.input_size, files=card.files).to_json())
    bundle = ModelBundle.open(ir_bundle)
    with pytest.raises(ModelError, match="embedded taxonomy differs"):
        bundle.load_backend(bundle.choose_file("openvino"))


# --- labelled sets for parity ------------------------------------------------------------------
def test_labelled_split_gives_ground_truth_in_pixels(tmp_path: Path) -> None:
    root = tmp_path / "data"
    _images(root / "images" / "val", 2)
    labels = root / "labels" / "val"
    labels.mkdir(parents=True)
    first = sorted((root / "images" / "val").iterdir())[0]
    (labels / f"{first.stem}.txt").write_text("3 0.5 0.5 0.25 0.5 0 1 2 0 1 0 1\n")
    yaml_path = write_dataset_yaml(root, Taxonomy.leukemia_attri(), {"val": "images/val"}, "H_100x_C2")
    data = load_split(yaml_path, "val")
    (image, gt), (_, empty) = list(data.samples())
    h, w = image.shape[:2]
    assert gt.xyxy.tolist() == [[0.375 * w, 0.25 * h, 0.625 * w, 0.75 * h]]
    assert gt.attribute_codes(2).tolist() == [[0, 1, 2, 0, 1, 0, 1]] and len(empty) == 0
    with pytest.raises(DataFormatError, match="no 'test' split"):
        load_split(yaml_path, "test")
