"""Core types: one definition each, JSON round trips, validation with readable messages."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from edge_app.detections import Detections
from edge_app.domains import ALL_DOMAINS, Domain, parse_domains
from edge_app.errors import LeukoError, ModelError, ValidationError
from edge_app.frame import Frame, StagePosition
from edge_app.model_card import BundleFile, ModelCard
from edge_app.taxonomy import Attribute, Taxonomy


def test_leukemia_attri_taxonomy_matches_the_paper() -> None:
    tax = Taxonomy.leukemia_attri()
    assert tax.num_classes == 14
    assert tax.classes[0] == "None" and tax.classes[-1] == "Basophil"
    assert [a.name for a in tax.attributes][:2] == ["cell_size", "nuclear_chromatin"]
    assert tax.num_attributes == 7 and tax.max_values == 2 and tax.not_annotated == 2
    assert tax.class_id("Myeloblast") == 1
    assert tax.is_valid_code(0, 2) and not tax.is_valid_code(0, 3)


def test_taxonomy_round_trips_through_dict_and_dataset_yaml() -> None:
    tax = Taxonomy.leukemia_attri()
    assert Taxonomy.from_dict(json.loads(json.dumps(tax.to_dict()))) == tax
    assert Taxonomy.from_dataset_yaml(tax.to_dataset_yaml()) == tax


def test_dataset_yaml_names_may_be_a_list_and_attributes_absent() -> None:
    tax = Taxonomy.from_dataset_yaml({"names": ["WBC", "RBC"]})
    assert tax.classes == ("WBC", "RBC") and tax.num_attributes == 0 and tax.max_values == 0


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Taxonomy(()), "at least one class"),
        (lambda: Taxonomy(("a", "a")), "unique"),
        (lambda: Taxonomy(("a",), (Attribute("x", ("p", "q", "r")),), not_annotated=2), "collides"),
        (lambda: Attribute("size", ("small",)), "two distinct values"),
        (lambda: Taxonomy.from_dataset_yaml({"names": {0: "a", 2: "b"}}), "0..N-1"),
        (lambda: Taxonomy.from_dataset_yaml({}), "needs 'names'"),
        (lambda: Taxonomy.leukemia_attri().class_id("Blast"), "unknown class"),
    ],
)
def test_taxonomy_rejects_bad_definitions(build, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        build()


def _three_cells() -> Detections:
    codes = np.array([[0, 1, 2, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2, 2]])
    xyxy = np.array([[0, 0, 10, 10], [5, 5, 20, 30], [1, 2, 3, 4]], np.float32)
    return Detections.from_attribute_codes(xyxy, np.array([1, 3, 0]), codes, max_values=2)


def test_detections_mask_keeps_arrays_aligned() -> None:
    dets = _three_cells()
    picked = dets[np.array([False, True, True])]
    assert len(picked) == 2
    assert picked.class_id.tolist() == [3, 0]
    assert picked.xyxy[0].tolist() == [5, 5, 20, 30]
    assert picked.attribute_codes(2)[1].tolist() == [2] * 7
    assert dets[1].attr_value.tolist() == [[1] * 7]


def test_detections_ground_truth_marks_not_annotated() -> None:
    dets = _three_cells()
    assert dets.attr_annotated[0].tolist() == [True, True, False, True, True, True, True]
    assert dets.attribute_codes(2)[0].tolist() == [0, 1, 2, 0, 0, 0, 0]


def test_detections_are_immutable_and_json_round_trip() -> None:
    dets = _three_cells()
    with pytest.raises(ValueError):
        dets.xyxy[0, 0] = 99
    back = Detections.from_dict(json.loads(json.dumps(dets.to_dict())))
    assert np.array_equal(back.xyxy, dets.xyxy) and np.array_equal(back.attr_prob, dets.attr_prob)
    assert np.array_equal(back.class_id, dets.class_id)


def test_detections_empty_concat_and_scaling() -> None:
    empty = Detections.empty(7, 2)
    assert len(empty) == 0 and empty.attr_prob.shape == (0, 7, 2)
    both = Detections.concat([_three_cells(), empty])
    assert len(both) == 3
    moved = both.scaled(2.0, 2.0, 10.0, 0.0)
    assert moved.xyxy[0].tolist() == [10, 0, 30, 20]


@pytest.mark.parametrize(
    ("xyxy", "class_id", "score", "message"),
    [
        ([[0, 0, 1, 1]], [0, 1], [1.0], "not aligned"),
        ([[5, 0, 1, 1]], [0], [1.0], "x2 < x1"),
        ([[np.nan, 0, 1, 1]], [0], [1.0], "NaN"),
    ],
)
def test_detections_reject_inconsistent_arrays(xyxy, class_id, score, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Detections(np.array(xyxy, np.float32), class_id, score, np.zeros((len(xyxy), 0, 0)))


def test_frame_validates_its_image() -> None:
    frame = Frame(np.zeros((4, 6, 3), np.uint8), index=3, source_id="replay", stage=StagePosition(12.5, 40.0))
    assert (frame.width, frame.height) == (6, 4)
    assert frame.metadata()["stage"] == {"x_mm": 12.5, "y_mm": 40.0, "source": "typed"}
    with pytest.raises(ValidationError, match="BGR uint8"):
        Frame(np.zeros((4, 6), np.float32))


def test_domains_parse_and_enumerate() -> None:
    assert len(ALL_DOMAINS) == 12
    domain = Domain.parse("L_100x_C1")
    assert domain.low_cost and domain.phone and domain.magnification == 100
    assert [d.name for d in parse_domains("H_100x_C2, L_100x_C2,H_100x_C2")] == ["H_100x_C2", "L_100x_C2"]
    with pytest.raises(LeukoError, match="unknown domain"):
        Domain.parse("M_100x_C2")


def _card(tmp_path: Path) -> ModelCard:
    (tmp_path / "model.onnx").write_bytes(b"not really a model")
    card = ModelCard("demo", Taxonomy.leukemia_attri(), (320, 320), domains=("H_100x_C2",))
    return card.with_files(tmp_path, (BundleFile("model.onnx", "onnxruntime", "fp32"),))


def test_model_card_round_trips_and_checks_files(tmp_path: Path) -> None:
    card = _card(tmp_path)
    assert card.output_channels == 4 + 14 + 14
    back = ModelCard.from_json(card.to_json())
    assert back == card and back.bundle_id == card.bundle_id
    back.verify_files(tmp_path)
    (tmp_path / "model.onnx").write_bytes(b"not really a model, truncat")
    with pytest.raises(ModelError, match="checksum mismatch"):
        back.verify_files(tmp_path)


def test_model_card_refuses_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="multiples of stride"):
        ModelCard("x", Taxonomy.leukemia_attri(), (300, 320))
    with pytest.raises(ModelError, match="line 1"):
        ModelCard.from_json("{not json")
    with pytest.raises(ModelError, match="malformed"):
        ModelCard.from_dict({"name": "x"})


def test_attribute_views_of_no_cells_keep_the_attribute_axis() -> None:
    from edge_app.detections import Detections

    empty = Detections.empty(num_attributes=7, max_values=2)
    assert empty.attr_value.shape == (0, 7) and empty.attr_confidence.shape == (0, 7)
    assert empty.attribute_codes(2).shape == (0, 7)


def test_card_operating_threshold_round_trips_and_is_checked() -> None:
    import pytest

    from edge_app.errors import ValidationError
    from edge_app.model_card import ModelCard
    from edge_app.taxonomy import Taxonomy

    card = ModelCard("m", Taxonomy.leukemia_attri(), (320, 320), score_threshold=0.1)
    assert ModelCard.from_json(card.to_json()).score_threshold == 0.1
    with pytest.raises(ValidationError, match="score_threshold"):
        ModelCard("m", Taxonomy.leukemia_attri(), (320, 320), score_threshold=1.5)
