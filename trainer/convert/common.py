"""What every converter shares: the output folder, image placement, box repair, the report.

Converters write Leuko's layout (`OUT/images/<split>/…`, `OUT/labels/<split>/….txt`,
`OUT/data.yaml`). Images are hard-linked when source and output share a filesystem (a
dataset of tens of thousands of fields is not duplicated), copied otherwise. A box that
leaves its image is clipped, a box with no area is dropped; each fix is reported as a
`Problem` at the annotation's `file:line`, so that the source can be corrected too.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from edge_app.errors import DataFormatError
from edge_app.formats.dataset_yaml import DATASET_YAML_NAME
from edge_app.formats.validate import Problem, Severity
from edge_app.formats.yolo_attr import LabelRow, format_label_line

OUTPUT_PARTS: tuple[str, ...] = ("images", "labels", DATASET_YAML_NAME)


@dataclass
class ConversionReport:
    """What a conversion wrote and every problem it met (fixed ones are warnings)."""

    out: Path
    images: Counter[str] = field(default_factory=Counter)  # per split
    boxes: Counter[str] = field(default_factory=Counter)  # per class name
    placed: Counter[str] = field(default_factory=Counter)  # "linked" / "copied"
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def add(self, path: Path, line: int | None, message: str, severity: Severity = "warning") -> None:
        self.problems.append(Problem(path, line, message, severity))

    def summary_lines(self, class_order: tuple[str, ...]) -> list[str]:
        per_split = ", ".join(f"{k} {v}" for k, v in self.images.items())
        per_class = ", ".join(f"{c} {self.boxes[c]}" for c in class_order if self.boxes[c])
        placed = ", ".join(f"{v} {k}" for k, v in sorted(self.placed.items()))
        fixed = len(self.problems) - len(self.errors)
        return [
            f"wrote {self.out / DATASET_YAML_NAME}",
            f"images: {self.images.total()} ({per_split}; {placed or 'none placed'})",
            f"boxes: {self.boxes.total()}" + (f" ({per_class})" if per_class else ""),
            f"problems: {len(self.errors)} error(s), {fixed} fixed or skipped with a warning",
        ]


def prepare_output(out: Path, force: bool, parts: tuple[str, ...] = OUTPUT_PARTS) -> None:
    """Make `out`; refuse to mix with an earlier conversion unless `force` (which removes `parts`).

    Only Leuko's own parts are removed, never the whole folder: `out` may be a user's folder.
    """
    existing = [out / p for p in parts if (out / p).exists()]
    if existing and not force:
        raise DataFormatError(
            f"the output already holds a dataset ({', '.join(p.name for p in existing)})",
            where=str(out),
            hint="choose a new output folder, or pass --force to replace it",
        )
    for path in existing:
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    out.mkdir(parents=True, exist_ok=True)


def place_image(src: Path, dst: Path, copy: bool = False) -> str:
    """Hard-link (or copy) `src` to `dst`; returns "linked" or "copied"."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    if not copy:
        try:
            os.link(src, dst)
            return "linked"
        except OSError:  # another filesystem, or links not allowed: copy instead
            pass
    shutil.copy2(src, dst)
    return "copied"


def write_label_file(path: Path, rows: list[LabelRow]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(format_label_line(r) + "\n" for r in rows), encoding="utf-8")


@dataclass(frozen=True)
class BoxFix:
    """A pixel box after repair (None when dropped) and what was done to it (None when untouched)."""

    box: tuple[float, float, float, float] | None
    note: str | None = None


def repair_box(x1: float, y1: float, x2: float, y2: float, width: int, height: int) -> BoxFix:
    """Clip a pixel xyxy box to the image; drop it if it has (or is left with) no area."""
    shown = f"({x1:g}, {y1:g}, {x2:g}, {y2:g})"
    if x2 <= x1 or y2 <= y1:
        return BoxFix(None, f"box {shown} has no area (x2 <= x1 or y2 <= y1): dropped")
    clipped = (max(x1, 0.0), max(y1, 0.0), min(x2, float(width)), min(y2, float(height)))
    if clipped[2] <= clipped[0] or clipped[3] <= clipped[1]:
        return BoxFix(None, f"box {shown} lies outside the {width}x{height} image: dropped")
    if clipped != (x1, y1, x2, y2):
        new = "({:g}, {:g}, {:g}, {:g})".format(*clipped)
        return BoxFix(clipped, f"box {shown} leaves the {width}x{height} image: clipped to {new}")
    return BoxFix(clipped)


Box = tuple[float, float, float, float]


def label_row(class_id: int, box: Box, size: tuple[int, int], codes: tuple[int, ...]) -> LabelRow:
    """A label row from a pixel xyxy box inside an image of `size` (width, height)."""
    (x1, y1, x2, y2), (w, h) = box, size
    return LabelRow(class_id, (x1 + x2) / 2 / w, (y1 + y2) / 2 / h, (x2 - x1) / w, (y2 - y1) / h, codes)
