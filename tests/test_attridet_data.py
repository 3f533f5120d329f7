"""AttrYOLODataset: attribute columns parsed, and kept with their own box through augmentation.

Also home of `make_dataset`, the tiny drawn dataset the other AttriDet tests import.
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest

os.environ.setdefault("YOLO_OFFLINE", "1")

from edge_app.formats.dataset_yaml import write_dataset_yaml
from edge_app.formats.yolo_attr import LabelRow, format_label_line
from edge_app.taxonomy import Taxonomy

# Far-apart colours: after warps the centre pixel of a cell still names the cell's palette entry.
PALETTE = np.array(
    [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0), (255, 0, 255), (0, 255, 255), (0, 0, 0), (128, 0, 255)],
    np.float32,
)


def palette_codes(index: int, num_attributes: int = 7) -> tuple[int, ...]:
    """Attribute codes that a palette entry stands for: its 3 bits, then a not-annotated, then fixed."""
    bits = [(index >> b) & 1 for b in range(3)]
    return tuple(([*bits, 2, 1, 0, 1])[:num_attributes])


def make_dataset(
    root: Path, n_train: int = 6, n_val: int = 3, size: int = 128, seed: int = 0, domain: str = "H_100x_C2"
) -> Path:
    """Fields of non-overlapping palette discs; class = palette index % 3; returns data.yaml."""
    rng = np.random.default_rng(seed)
    taxonomy = Taxonomy.leukemia_attri()
    for split, n in (("train", n_train), ("val", n_val)):
        (root / "images" / split).mkdir(parents=True, exist_ok=True)
        (root / "labels" / split).mkdir(parents=True, exist_ok=True)
        for i in range(n):
            image, rows = _draw_field(rng, size)
            cv2.imwrite(str(root / "images" / split / f"{i}.png"), image)
            text = "\n".join(format_label_line(r) for r in rows) + "\n"
            (root / "labels" / split / f"{i}.txt").write_text(text, encoding="utf-8")
    return write_dataset_yaml(root, taxonomy, {"train": "images/train", "val": "images/val"}, domain=domain)


def _draw_field(rng: np.random.Generator, size: int) -> tuple[np.ndarray, list[LabelRow]]:
    image = np.full((size, size, 3), 230, np.uint8)
    rows: list[LabelRow] = []
    centres: list[tuple[int, int, int]] = []
    for index in rng.permutation(len(PALETTE))[:4]:
        r = int(rng.integers(size // 12, size // 7))
        cx, cy = (int(v) for v in rng.integers(r + 1, size - r - 1, 2))
        if any((cx - x) ** 2 + (cy - y) ** 2 < (r + q + 2) ** 2 for x, y, q in centres):
            continue
        centres.append((cx, cy, r))
        cv2.circle(image, (cx, cy), r, tuple(int(c) for c in PALETTE[index][::-1]), -1)  # BGR on disk
        rows.append(LabelRow(int(index) % 3, cx / size, cy / size, 2 * r / size, 2 * r / size, palette_codes(index)))
    return image, rows


def _hyp(**changes: float) -> object:
    from ultralytics.cfg import get_cfg

    geometric = {"mosaic": 1.0, "fliplr": 0.5, "flipud": 0.5, "degrees": 15.0, "translate": 0.2, "scale": 0.5}
    calm = {"hsv_h": 0.0, "hsv_s": 0.0, "hsv_v": 0.0, "erasing": 0.0, "mixup": 0.0, "cutmix": 0.0}
    return get_cfg(overrides={**geometric, "shear": 5.0, "perspective": 0.0005, **calm, **changes, "imgsz": 128})


def _dataset(root: Path, augment: bool = True, **hyp: float):
    from ultralytics.data.utils import check_det_dataset

    from trainer.attridet.data_yaml import resolve_data_yaml
    from trainer.attridet.dataset import AttrYOLODataset

    data = check_det_dataset(str(resolve_data_yaml(make_dataset(root), root / "run")))
    return AttrYOLODataset(
        img_path=data["train"], imgsz=128, augment=augment, hyp=_hyp(**hyp), data=data, batch_size=4, stride=32
    )


def _check_sample(sample: dict) -> tuple[int, int]:
    """(verified, mismatched) boxes: the palette entry under each box centre vs its attributes."""
    img = sample["img"].permute(1, 2, 0).numpy().astype(np.float32)  # CHW RGB (Format flips BGR)
    h, w = img.shape[:2]
    verified = mismatched = 0
    for (cx, cy, _bw, _bh), codes in zip(sample["bboxes"].numpy(), sample["attributes"].numpy(), strict=True):
        pixel = img[min(int(cy * h), h - 1), min(int(cx * w), w - 1)]
        distance = np.abs(PALETTE - pixel).sum(1)
        if distance.min() > 60:  # background or a blended edge: nothing to read
            continue
        verified += 1
        mismatched += tuple(codes.tolist()) != palette_codes(int(distance.argmin()))
    return verified, mismatched


def test_attributes_survive_training_augmentation(tmp_path: Path) -> None:
    dataset = _dataset(tmp_path)
    verified = mismatched = kept = 0
    for _ in range(4):
        for i in range(len(dataset)):
            sample = dataset[i]
            assert sample["cls"].shape == (len(sample["bboxes"]), 1)
            assert sample["attributes"].shape == (len(sample["bboxes"]), 7)
            kept += len(sample["bboxes"])
            v, m = _check_sample(sample)
            verified, mismatched = verified + v, mismatched + m
    assert mismatched == 0
    assert kept > 20 and verified >= 0.8 * kept


def test_collate_keeps_attributes_aligned_with_batch_index(tmp_path: Path) -> None:
    dataset = _dataset(tmp_path, augment=False)
    samples = [dataset[i] for i in range(3)]
    batch = dataset.collate_fn([dict(s) for s in samples])
    assert batch["attributes"].shape == (len(batch["bboxes"]), 7)
    for i, sample in enumerate(samples):
        assert (batch["attributes"][batch["batch_idx"] == i] == sample["attributes"]).all()


@pytest.mark.parametrize("columns", [6, 7])
def test_six_or_seven_attribute_columns_parse(tmp_path: Path, columns: int) -> None:
    from trainer.attridet.dataset import verify_attr_image_label

    taxonomy = Taxonomy.leukemia_attri()
    taxonomy = taxonomy.with_attributes(taxonomy.attributes[:columns])
    image, label = tmp_path / "a.png", tmp_path / "a.txt"
    cv2.imwrite(str(image), np.zeros((32, 32, 3), np.uint8))
    label.write_text("3 0.5 0.5 0.2 0.2 " + " ".join(["1"] * columns) + "\n", encoding="utf-8")
    result = verify_attr_image_label((str(image), str(label), "", taxonomy))
    assert np.allclose(result[1], [[3, 0.5, 0.5, 0.2, 0.2]])
    assert result[10].tolist() == [[1] * columns]


def test_line_not_matching_taxonomy_is_corrupt_with_file_line(tmp_path: Path) -> None:
    from trainer.attridet.dataset import verify_attr_image_label

    image, label = tmp_path / "a.png", tmp_path / "a.txt"
    cv2.imwrite(str(image), np.zeros((32, 32, 3), np.uint8))
    label.write_text("0 0.5 0.5 0.2 0.2 0 0 0 0 0 0\n", encoding="utf-8")  # 6 codes, taxonomy has 7
    result = verify_attr_image_label((str(image), str(label), "", Taxonomy.leukemia_attri()))
    assert result[0] is None and result[8] == 1
    assert f"{label}:1" in result[9]


def test_preflight_refuses_bad_data_with_file_line(tmp_path: Path) -> None:
    from edge_app.errors import DataFormatError
    from trainer.attridet.preflight import check_before_training

    data_yaml = make_dataset(tmp_path)
    bad = tmp_path / "labels" / "train" / "0.txt"
    bad.write_text("0 0.5 0.5 0.2 0.2 1 1\n", encoding="utf-8")
    (tmp_path / "labels" / "train" / "1.txt").write_text("", encoding="utf-8")
    with pytest.raises(DataFormatError) as err:
        check_before_training(data_yaml)
    assert f"{bad}:1" in str(err.value)
