"""AttriDetValidator's NMS: multi-label (ultralytics' mAP) or single-label (what the app decodes)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from trainer.attridet.validator import AttriDetValidator  # noqa: E402


def _one_candidate_two_classes(nc: int = 3, n_attr: int = 4) -> torch.Tensor:
    """(1, 4 + nc + attr, 1): one box whose class 0 (0.9) and class 1 (0.6) both clear the floor."""
    column = [50.0, 50.0, 20.0, 20.0, 0.9, 0.6, 0.0001] + [0.5] * n_attr
    return torch.tensor(column).reshape(1, -1, 1)


@pytest.mark.parametrize(("multi_label", "expected"), [(True, [0.0, 1.0]), (False, [0.0])])
def test_postprocess_keeps_one_class_per_box_only_when_single_label(multi_label: bool, expected: list[float]) -> None:
    validator = AttriDetValidator(args={"conf": 0.25, "iou": 0.7, "plots": False})
    validator.nc, validator.multi_label = 3, multi_label
    (out,) = validator.postprocess(_one_candidate_two_classes())
    assert sorted(out["cls"].tolist()) == expected
    assert out["extra"].shape == (len(expected), 4)  # the attribute channels ride along, never taken as classes
