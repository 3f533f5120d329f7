"""A LeukemiaAttri-style dataset on disk: its YAML as a typed `DatasetSpec`, its samples, its labels.

Layout and keys are those of `dataset_yaml.py` (ultralytics' `path/train/val/test/names` plus
Leuko's attribute keys). A split names an image folder, a `.txt` list of image paths, or a
list of either, as ultralytics allows. Labels sit where ultralytics looks for them: the last
`images` folder of an image's path replaced by `labels`, suffix `.txt`. `path` is relative to
the YAML file (absent means the YAML's folder, which is also how ultralytics reads it).

Loading reports YAML mistakes as `file:line`; it does not check that folders exist — that is
the validator's job (`validate.py`), which reports every problem instead of the first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from edge_app.config.yaml_locations import Location, line_of, load_with_lines
from edge_app.detections import Detections
from edge_app.errors import ConfigError, DataFormatError, ValidationError
from edge_app.formats.dataset_yaml import DATASET_YAML_NAME
from edge_app.formats.image_io import image_size, is_image_file
from edge_app.formats.yolo_attr import LabelRow, parse_label_line
from edge_app.taxonomy import Taxonomy

SPLIT_KEYS: tuple[str, ...] = ("train", "val", "test")
Where = Callable[..., str]  # key path -> "data.yaml:line"
YAML_HINT = "see edge_app/formats/dataset_yaml.py for the data.yaml layout"


@dataclass(frozen=True)
class DatasetSpec:
    """What a data.yaml says: root folder, taxonomy, image sources per split, imaging domain."""

    yaml_path: Path
    root: Path
    taxonomy: Taxonomy
    splits: Mapping[str, tuple[Path, ...]]
    domain: str | None = None
    lines: Mapping[Location, int] = field(default_factory=dict, repr=False, compare=False)

    def where(self, *key: str | int) -> str:
        """`data.yaml:line` of a key (its parent's line when the key is absent)."""
        return _where(self.yaml_path, self.lines, *key)

    def line(self, *key: str | int) -> int:
        return line_of(dict(self.lines), tuple(key))

    def sources(self, split: str) -> tuple[Path, ...]:
        if split not in self.splits:
            raise DataFormatError(
                f"the dataset has no {split!r} split (it has: {', '.join(self.splits) or 'none'})",
                where=str(self.yaml_path),
            )
        return self.splits[split]


@dataclass(frozen=True)
class Sample:
    """One image of a split and the label file that belongs to it (which may not exist)."""

    split: str
    image: Path
    label: Path
    source: Path

    @property
    def relative(self) -> Path:
        """The image's path inside its split folder (its name, for a list file's entries)."""
        if self.source.is_dir() and self.image.is_relative_to(self.source):
            return self.image.relative_to(self.source)
        return Path(self.image.name)


# --- the YAML ---------------------------------------------------------------------------
def resolve_dataset_yaml(path: str | Path) -> Path:
    """A data.yaml path from a YAML file or a folder holding `data.yaml`."""
    path = Path(path)
    if path.is_dir():
        path = path / DATASET_YAML_NAME
    if not path.is_file():
        raise DataFormatError(
            "dataset YAML not found",
            where=str(path),
            hint=f"pass a dataset folder holding {DATASET_YAML_NAME} or the YAML file itself",
        )
    return path


def load_dataset(path: str | Path) -> DatasetSpec:
    """Read a dataset YAML (or the `data.yaml` of a folder) into a `DatasetSpec`."""
    yaml_path = resolve_dataset_yaml(path).resolve()
    data, lines = _load_yaml(yaml_path)
    where = partial(_where, yaml_path, lines)
    root = _root(yaml_path, where, data.get("path"))
    splits = {k: _split_sources(where, root, k, data[k]) for k in SPLIT_KEYS if data.get(k) is not None}
    domain = data.get("domain")
    return DatasetSpec(yaml_path, root, _taxonomy(where, data), splits, str(domain) if domain else None, lines)


def _where(yaml_path: Path, lines: Mapping[Location, int], *key: str | int) -> str:
    return f"{yaml_path}:{line_of(dict(lines), tuple(key))}"


def _load_yaml(path: Path) -> tuple[dict[str, Any], dict[Location, int]]:
    try:
        data, lines = load_with_lines(path)
    except ConfigError as exc:  # the shared YAML loader speaks of configs; this is a dataset
        raise DataFormatError(exc.message, where=exc.where, hint=YAML_HINT) from None
    if not isinstance(data, dict):
        raise DataFormatError("a dataset YAML must be a mapping (path, train, val, names, ...)", where=f"{path}:1")
    return data, lines


def _root(yaml_path: Path, where: Where, value: Any) -> Path:
    if value is not None and not isinstance(value, str):
        raise DataFormatError(f"path: must be a folder name, got {value!r}", where=where("path"))
    root = Path(value or ".").expanduser()
    return (root if root.is_absolute() else yaml_path.parent / root).resolve()


def _split_sources(where: Where, root: Path, split: str, value: Any) -> tuple[Path, ...]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str) and v.strip() for v in items):
        raise DataFormatError(
            f"{split}: must be an image folder, a .txt list of images, or a list of them; got {value!r}",
            where=where(split),
            hint=YAML_HINT,
        )
    return tuple((root / Path(v).expanduser()).resolve() for v in items)


def _taxonomy(where: Where, data: Mapping[str, Any]) -> Taxonomy:
    """Classes first, then attributes, so that an error points at the key at fault."""
    try:
        classes = Taxonomy.from_dataset_yaml({"names": data.get("names")})
    except ValidationError as exc:
        raise DataFormatError(exc.message, where=where("names"), hint=YAML_HINT) from None
    if "nc" in data and data["nc"] != classes.num_classes:
        raise DataFormatError(f"nc: {data['nc']} but names lists {classes.num_classes} classes", where=where("nc"))
    try:
        return Taxonomy.from_dataset_yaml(data)
    except (ValidationError, ValueError, TypeError) as exc:
        message = exc.message if isinstance(exc, ValidationError) else str(exc)
        raise DataFormatError(f"attributes: {message}", where=where("attributes"), hint=YAML_HINT) from None


# --- samples ----------------------------------------------------------------------------
def label_path_for(image: Path) -> Path:
    """ultralytics' rule: the last `images` folder becomes `labels`, the suffix `.txt`."""
    parts = list(image.parts)
    if "images" in parts[:-1]:
        i = len(parts) - 2 - parts[-2::-1].index("images")
        parts[i] = "labels"
    return Path(*parts).with_suffix(".txt")


def list_images(source: Path) -> list[Path]:
    """Images of one split source: a folder (recursively, sorted) or a `.txt` list of paths.

    A list's relative entries are relative to the list file. `DataFormatError` if the source
    does not exist.
    """
    if source.is_dir():
        return sorted(p for p in source.rglob("*") if is_image_file(p) and p.is_file())
    if source.is_file() and source.suffix.lower() == ".txt":
        entries = [t.strip() for t in source.read_text(encoding="utf-8-sig").split("\n")]
        return [(source.parent / e).resolve() for e in entries if e]
    raise DataFormatError("split folder (or image list) does not exist", where=str(source))


def iter_samples(spec: DatasetSpec, split: str) -> Iterator[Sample]:
    """Every image of a split with its label path, in a stable order."""
    for source in spec.sources(split):
        for image in list_images(source):
            yield Sample(split, image, label_path_for(image), source)


# --- labels -----------------------------------------------------------------------------
def read_label_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of each non-blank line; lines split on newline only, as editors count."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise DataFormatError(f"cannot read label file: {exc.strerror or exc}", where=str(path)) from None
    except UnicodeDecodeError:
        raise DataFormatError("label file is not UTF-8 text", where=str(path)) from None
    lines = (line.rstrip("\r") for line in text.split("\n"))
    return [(n, line) for n, line in enumerate(lines, 1) if line.strip()]


def read_labels(path: Path, taxonomy: Taxonomy) -> list[LabelRow]:
    """The rows of a label file; a missing file is a background image (no rows).

    Raises `DataFormatError` (file:line) at the first bad line; run the validator to see all.
    """
    if not path.exists():
        return []
    return [parse_label_line(text, taxonomy, f"{path}:{n}") for n, text in read_label_lines(path)]


def rows_to_detections(rows: list[LabelRow], size: tuple[int, int], taxonomy: Taxonomy) -> Detections:
    """Ground truth in pixel xyxy of an image of `size` (width, height), one-hot attributes."""
    width, height = size
    if not rows:
        return Detections.empty(taxonomy.num_attributes, taxonomy.max_values)
    xyxy = np.array([r.xyxy(width, height) for r in rows], np.float32)
    class_id = np.array([r.class_id for r in rows], np.int64)
    codes = np.array([r.codes for r in rows], np.int64).reshape(len(rows), taxonomy.num_attributes)
    return Detections.from_attribute_codes(xyxy, class_id, codes, taxonomy.max_values)


def ground_truth(sample: Sample, taxonomy: Taxonomy) -> Detections:
    """A sample's labels as `Detections`; the image size comes from its header, not a decode."""
    return rows_to_detections(read_labels(sample.label, taxonomy), image_size(sample.image), taxonomy)
