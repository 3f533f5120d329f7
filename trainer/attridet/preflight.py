"""Refuse bad data before a training starts, with the dataset validator's file:line messages.

The checks belong to `edge_app.formats.validate.check_dataset`. Until that module is present
in a checkout, a minimal stand-in here runs the same per-line parser (missing image folders,
label lines that break the taxonomy, empty label files) so that a training never starts on data
the loader would silently drop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from edge_app.errors import DataFormatError, LeukoError
from edge_app.formats.yolo_attr import parse_label_line
from edge_app.taxonomy import Taxonomy

MAX_SHOWN = 20
IMAGE_SUFFIXES = frozenset({".bmp", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp"})


def check_before_training(data_yaml: str | Path) -> list[str]:
    """Run the dataset check; raise `DataFormatError` listing the errors, return the warnings."""
    report = _check_dataset(Path(data_yaml))
    errors = [str(e) for e in getattr(report, "errors", [])]
    if errors:
        shown = "\n  ".join(errors[:MAX_SHOWN])
        more = f"\n  ... and {len(errors) - MAX_SHOWN} more" if len(errors) > MAX_SHOWN else ""
        raise DataFormatError(
            f"the dataset has {len(errors)} error(s); training not started:\n  {shown}{more}",
            where=str(data_yaml),
            hint=f"fix the files named above, then run `leuko-train check {data_yaml}`",
        )
    return [str(w) for w in getattr(report, "warnings", [])]


def _check_dataset(path: Path) -> Any:
    try:
        from edge_app.formats.validate import check_dataset  # type: ignore[import-not-found]
    except ImportError:
        return minimal_check(path)
    return check_dataset(path)


@dataclass
class MinimalReport:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def minimal_check(path: Path) -> MinimalReport:
    report = MinimalReport()
    if not path.is_file():
        report.errors.append(f"{path}: dataset YAML not found")
        return report
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    taxonomy = Taxonomy.from_dataset_yaml(data)
    root = (path.parent / str(data.get("path", "."))).resolve()
    for split in ("train", "val"):
        folder = root / str(data.get(split, ""))
        if split not in data or not folder.is_dir():
            report.errors.append(f"{path}: {split} image folder {folder} is missing")
            continue
        _check_split(folder, taxonomy, report)
    return report


def _check_split(folder: Path, taxonomy: Taxonomy, report: MinimalReport) -> None:
    images = sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if not images:
        report.errors.append(f"{folder}: no images")
    for image in images:
        label = _label_path(image)
        if not label.is_file():
            report.warnings.append(f"{image}: no label file (background image)")
            continue
        lines = label.read_text(encoding="utf-8-sig").splitlines()
        if not any(t.strip() for t in lines):
            report.errors.append(f"{label}: empty label file")
        for n, text in enumerate(lines, 1):
            try:
                if text.strip():
                    parse_label_line(text, taxonomy, f"{label}:{n}")
            except LeukoError as exc:
                report.errors.append(str(exc))


def _label_path(image: Path) -> Path:
    parts = list(image.parts)
    if "images" not in parts:
        return image.with_suffix(".txt")
    i = len(parts) - 1 - parts[::-1].index("images")
    parts[i] = "labels"
    return Path(*parts).with_suffix(".txt")
