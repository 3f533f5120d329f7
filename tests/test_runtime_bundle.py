"""Bundles load only when card, checksums, embedded metadata and outputs agree; both backends decode alike."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from edge_app.detections import Detections
from edge_app.errors import ModelError
from edge_app.model_card import BundleFile, ModelCard
from edge_app.runtime.bundle import ModelBundle
from edge_app.runtime.decode import DecodeSettings, decode
from edge_app.runtime.detector import Detector
from edge_app.runtime.tiling import TiledDetector
from edge_app.taxonomy import Taxonomy
from tests.bundle_factory import candidate_tensor, write_bundle, write_onnx


@pytest.fixture
def bundle_dir(tmp_path: Path) -> Path:
    write_bundle(tmp_path / "bundle")
    return tmp_path / "bundle"


def test_decode_thresholds_suppresses_and_groups_attributes() -> None:
    tax = Taxonomy.leukemia_attri()
    dets = decode(candidate_tensor(tax), tax, DecodeSettings(conf_threshold=0.25, iou_threshold=0.5))
    assert dets.class_id.tolist() == [3, 1] and dets.score.tolist() == pytest.approx([0.9, 0.6])
    assert dets.xyxy[0].tolist() == [15, 15, 25, 25]
    assert dets.attr_prob.shape == (2, 7, 2) and np.allclose(dets.attr_prob[..., 1], 0.7)


@pytest.mark.parametrize("backend", ["onnxruntime", "openvino"])
def test_each_backend_detects_in_frame_pixels(bundle_dir: Path, backend: str) -> None:
    bundle = ModelBundle.open(bundle_dir)
    file = bundle.choose_file(backend)
    detector = Detector(bundle.card, bundle.load_backend(file))
    dets = detector(np.zeros((128, 256, 3), np.uint8))  # scale 0.25, 16 px of vertical padding
    assert dets.xyxy.tolist() == [[60, 0, 100, 36], [184, 72, 216, 120]]
    assert dets.class_id.tolist() == [3, 1] and detector.timing.total_ms > 0


def test_truncated_model_is_refused_by_checksum(bundle_dir: Path) -> None:
    model = bundle_dir / "model.onnx"
    model.write_bytes(model.read_bytes()[:-50])
    with pytest.raises(ModelError, match="checksum mismatch for model.onnx"):
        ModelBundle.open(bundle_dir)


def _rewrite_card(bundle_dir: Path, card: ModelCard) -> None:
    card = card.with_files(bundle_dir, card.files)
    (bundle_dir / "card.json").write_text(card.to_json())


def test_foreign_onnx_without_card_metadata_is_refused(bundle_dir: Path) -> None:
    card = ModelCard.load(bundle_dir / "card.json")
    write_onnx(bundle_dir / "model.onnx", card, embed_card=False)
    _rewrite_card(bundle_dir, card)
    bundle = ModelBundle.open(bundle_dir)
    with pytest.raises(ModelError, match="carries no Leuko card metadata"):
        bundle.load_backend(bundle.choose_file("onnxruntime"))


def test_card_whose_taxonomy_does_not_match_the_outputs_is_refused(bundle_dir: Path) -> None:
    card = ModelCard.load(bundle_dir / "card.json")
    bccd = ModelCard("fixed", Taxonomy(("WBC", "RBC", "Platelets")), card.input_size, files=card.files)
    _rewrite_card(bundle_dir, bccd)
    bundle = ModelBundle.open(bundle_dir)
    with pytest.raises(ModelError, match="embedded taxonomy differs"):
        bundle.load_backend(bundle.choose_file("onnxruntime"))
    write_onnx(bundle_dir / "model.onnx", bccd, output=candidate_tensor(Taxonomy.leukemia_attri()))
    _rewrite_card(bundle_dir, bccd)
    with pytest.raises(ModelError, match="does not match the card's taxonomy"):
        ModelBundle.open(bundle_dir).load_backend(bundle.choose_file("onnxruntime"))


def test_garbage_with_a_matching_checksum_is_a_clear_error(bundle_dir: Path) -> None:
    (bundle_dir / "model.onnx").write_bytes(b"\x00garbage" * 64)
    _rewrite_card(bundle_dir, ModelCard.load(bundle_dir / "card.json"))
    bundle = ModelBundle.open(bundle_dir)
    with pytest.raises(ModelError, match="ONNX Runtime cannot load the model"):
        bundle.load_backend(bundle.choose_file("onnxruntime"))


def test_bundle_choice_and_missing_pieces(bundle_dir: Path, tmp_path: Path) -> None:
    bundle = ModelBundle.open(bundle_dir)
    assert bundle.choose_file("openvino").path == "openvino/model.xml"
    with pytest.raises(ModelError, match="no onnxruntime/int8 model"):
        bundle.choose_file("onnxruntime", "int8")
    with pytest.raises(ModelError, match="card.json is missing"):
        ModelBundle.open(tmp_path)
    data = json.loads((bundle_dir / "card.json").read_text())
    data["files"].append({"path": "model.int8.onnx", "backend": "onnxruntime", "precision": "int8", "sha256": "0"})
    (bundle_dir / "card.json").write_text(json.dumps(data))
    with pytest.raises(ModelError, match="bundle file is missing: model.int8.onnx"):
        ModelBundle.open(bundle_dir)
    assert BundleFile("a", "onnxruntime", "fp32").sha256 == ""


def test_tiling_covers_the_frame_and_merges_overlaps() -> None:
    def one_cell_per_tile(tile: np.ndarray) -> Detections:
        return Detections([[0, 0, 10, 10]], [2], [0.5], np.zeros((1, 0, 0)))

    tiled = TiledDetector(one_cell_per_tile, tile=100, overlap=0.2)
    frame = np.zeros((150, 250, 3), np.uint8)
    windows = list(tiled.windows(frame))
    covered = np.zeros(frame.shape[:2], bool)
    for x0, y0, x1, y1 in windows:
        covered[y0:y1, x0:x1] = True
        assert x1 - x0 == 100 and y1 - y0 == 100
    assert covered.all()
    dets = tiled(frame)
    assert len(dets) == len(windows) and sorted(set(dets.xyxy[:, 0].tolist())) == [0, 80, 150]


def test_openvino_workers_with_a_thread_count_are_not_pinned(tmp_path: Path) -> None:
    """With pinning, several one-thread compiled models all start on the first core (measured: two
    workers ran at half the speed of one); a worker given a thread count must float."""
    write_bundle(tmp_path / "bundle")
    bundle = ModelBundle.open(tmp_path / "bundle")
    file = bundle.choose_file("openvino")
    one_thread = bundle.load_backend(file, 1)
    assert one_thread.compiled.get_property("INFERENCE_NUM_THREADS") == 1
    assert one_thread.compiled.get_property("ENABLE_CPU_PINNING") is False
