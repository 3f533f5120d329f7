"""A labelled split of a dataset YAML, as (image path, ground-truth `Detections`) pairs.

A small private reader for parity until `edge_app.formats.dataset` lands (then use that):
Leuko's data.yaml (`path` relative to the YAML file), a split given as a folder or a .txt list
of images, labels in the mirrored `labels/` folder, lines read with `parse_label_line`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from edge_app.detections import Detections
from edge_app.errors import DataFormatError
from edge_app.formats.yolo_attr import parse_label_line
from edge_app.taxonomy import Taxonomy
from export.calibration import IMAGE_SUFFIXES, read_image


@dataclass(frozen=True)
class LabelledSet:
    taxonomy: Taxonomy
    images: tuple[Path, ...]
    split: str
    domain: str | None = None

    def __len__(self) -> int:
        return len(self.images)

    def samples(self) -> Iterator[tuple[np.ndarray, Detections]]:
        """(BGR image, ground truth in its pixels) per image."""
        for path in self.images:
            image = read_image(path)
            yield image, ground_truth(label_path(path), self.taxonomy, image.shape[:2])


def load_split(data_yaml: Path, split: str = "val") -> LabelledSet:
    data = _read_yaml(data_yaml)
    if not data.get(split):
        have = ", ".join(k for k in ("train", "val", "test") if data.get(k)) or "none"
        raise DataFormatError(f"the dataset YAML has no {split!r} split", where=str(data_yaml),
                              hint=f"pass --split with one of: {have}")
    root = (data_yaml.parent / str(data.get("path", "."))).resolve()
    images = _split_images(root, data[split], data_yaml)
    if not images:
        raise DataFormatError(f"the {split} split has no images", where=str(data_yaml))
    return LabelledSet(Taxonomy.from_dataset_yaml(data), tuple(images), split, data.get("domain"))


def label_path(image: Path) -> Path:
    """ultralytics' convention: the last `images` folder on the path becomes `labels`, suffix .txt."""
    parts = list(image.parts)
    if "images" in parts:
        i = len(parts) - 1 - parts[::-1].index("images")
        parts[i] = "labels"
    return Path(*parts).with_suffix(".txt")


def ground_truth(path: Path, taxonomy: Taxonomy, size: tuple[int, int]) -> Detections:
    """Boxes of a label file in pixels of an image of `size` (h, w); no file = no cells."""
    h, w = size
    rows = []
    if path.is_file():
        lines = path.read_text(encoding="utf-8").splitlines()
        rows = [parse_label_line(line, taxonomy, f"{path}:{n}") for n, line in enumerate(lines, 1) if line.strip()]
    if not rows:
        return Detections.empty(taxonomy.num_attributes, taxonomy.max_values)
    xyxy = np.array([r.xyxy(w, h) for r in rows], np.float32)
    codes = np.array([r.codes for r in rows], np.int64).reshape(len(rows), taxonomy.num_attributes)
    return Detections.from_attribute_codes(xyxy, np.array([r.class_id for r in rows]), codes, taxonomy.max_values)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFormatError(f"cannot read the dataset YAML: {exc}", where=str(path)) from None
    if not isinstance(data, dict):
        raise DataFormatError("a dataset YAML must be a mapping", where=str(path))
    return data


def _split_images(root: Path, entry: Any, where: Path) -> list[Path]:
    images: list[Path] = []
    for item in entry if isinstance(entry, list) else [entry]:
        target = root / str(item)
        if target.is_dir():
            images += sorted(p for p in target.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        elif target.suffix == ".txt" and target.is_file():
            lines = target.read_text(encoding="utf-8").split()
            images += [(root / line).resolve() for line in lines]
        else:
            raise DataFormatError(f"split entry {item!r} is neither a folder nor a .txt list", where=str(where))
    return images
