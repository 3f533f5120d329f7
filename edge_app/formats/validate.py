"""Dataset validation: every problem of a dataset as `file:line: what is wrong`, plus a summary.

`check_dataset` is the one validator: `leuko-train check` prints its report and the trainer
refuses to start on a report with errors (`CheckReport.errors`). It never stops at the first
problem and never crashes on bad input: a corrupt image or an undecodable label file is one
more problem. Images are checked cheaply (header and end marker, see `image_io`) unless
`decode=True`.

Errors are what would make training silently wrong: bad label lines, corrupt or missing
images, label files without an image (the loader would drop those cells), a missing split.
Warnings are legal but worth a look: images without a label file and empty label files
(background images; `empty_labels="error"` refuses the latter), duplicate boxes, the same image
in two splits, a domain name the paper does not use.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tqdm import tqdm

from edge_app.domains import Domain
from edge_app.errors import LeukoError, ValidationError
from edge_app.formats.dataset import DatasetSpec, Sample, label_path_for, list_images, load_dataset, read_label_lines
from edge_app.formats.image_io import check_image
from edge_app.formats.yolo_attr import LabelRow, parse_label_line
from edge_app.taxonomy import Taxonomy

Severity = Literal["error", "warning"]
NOT_ANNOTATED = "not annotated"
REQUIRED_SPLITS: tuple[str, ...] = ("train", "val")


@dataclass(frozen=True)
class Problem:
    """One finding: the file (and 1-based line) at fault, what is wrong, how serious it is."""

    path: Path
    line: int | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "line": self.line, "message": self.message, "severity": self.severity}

    @classmethod
    def from_error(cls, exc: LeukoError, severity: Severity = "error") -> Problem:
        """A `LeukoError` whose `where` is "file" or "file:line" as a problem of that file."""
        where = exc.where or ""
        head, _, tail = where.rpartition(":")
        path, line = (head, int(tail)) if head and tail.isdigit() else (where, None)
        return cls(Path(path), line, exc.message, severity)


@dataclass
class DatasetSummary:
    """Counts over everything the check read (boxes only from valid lines)."""

    images: Counter[str] = field(default_factory=Counter)  # per split
    label_files: int = 0
    backgrounds: int = 0
    boxes: Counter[str] = field(default_factory=Counter)  # per class name
    attribute_codes: dict[str, Counter[str]] = field(default_factory=dict)  # attribute -> value name -> n

    def add_row(self, row: LabelRow, taxonomy: Taxonomy) -> None:
        self.boxes[taxonomy.classes[row.class_id]] += 1
        for attribute, code in zip(taxonomy.attributes, row.codes, strict=True):
            value = NOT_ANNOTATED if code == taxonomy.not_annotated else attribute.values[code]
            self.attribute_codes.setdefault(attribute.name, Counter())[value] += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "images": dict(self.images),
            "label_files": self.label_files,
            "background_images": self.backgrounds,
            "boxes": dict(self.boxes),
            "attribute_codes": {name: dict(counts) for name, counts in self.attribute_codes.items()},
        }


@dataclass
class CheckReport:
    """The validator's result: every problem found and a summary of the dataset."""

    dataset: Path
    taxonomy: Taxonomy | None = None
    problems: list[Problem] = field(default_factory=list)
    summary: DatasetSummary = field(default_factory=DatasetSummary)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, path: Path, line: int | None, message: str, severity: Severity = "error") -> None:
        self.problems.append(Problem(path, line, message, severity))

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": str(self.dataset),
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "taxonomy": self.taxonomy.to_dict() if self.taxonomy else None,
            "summary": self.summary.to_dict(),
            "problems": [p.to_dict() for p in self.problems],
        }

    def summary_lines(self) -> list[str]:
        """A human summary: images per split, boxes per class, attribute codes, problem counts."""
        return [*_summary_lines(self), f"result: {len(self.errors)} error(s), {len(self.warnings)} warning(s)"]


def check_dataset(
    path: str | Path,
    *,
    decode: bool = False,
    empty_labels: Severity = "warning",
    require: tuple[str, ...] = REQUIRED_SPLITS,
    progress: bool = False,
) -> CheckReport:
    """Check a dataset (its data.yaml, or a folder holding one); report every problem found.

    `require`: the splits that must be present (a converter writing one split at a time
    passes fewer).
    """
    report = CheckReport(Path(path))
    try:
        spec = load_dataset(path)
    except LeukoError as exc:
        report.problems.append(Problem.from_error(exc))
        return report
    report.dataset, report.taxonomy = spec.yaml_path, spec.taxonomy
    _DatasetChecker(spec, report, _Options(decode, empty_labels, require, progress)).run()
    return report


@dataclass(frozen=True)
class _Options:
    decode: bool
    empty_labels: Severity
    require: tuple[str, ...]
    progress: bool


class _DatasetChecker:
    """One pass over a dataset; remembers what it saw to find orphans and cross-split copies."""

    def __init__(self, spec: DatasetSpec, report: CheckReport, options: _Options) -> None:
        self.spec, self.report, self.taxonomy, self.options = spec, report, spec.taxonomy, options
        self.seen_images: dict[Path, str] = {}
        self.seen_labels: set[Path] = set()
        self.label_dirs: set[Path] = set()

    def run(self) -> None:
        self._check_yaml()
        for split in self.spec.splits:
            for source in self.spec.sources(split):
                self._check_source(split, source)
        self._check_orphan_labels()

    def _yaml_problem(self, key: str, message: str, severity: Severity = "error") -> None:
        self.report.add(self.spec.yaml_path, self.spec.line(key), message, severity)

    def _check_yaml(self) -> None:
        for split in self.options.require:
            if split not in self.spec.splits:
                self._yaml_problem(split, f"no '{split}' split: training needs train and val image folders")
        if self.spec.domain:
            try:
                Domain.parse(self.spec.domain)
            except ValidationError:
                message = f"domain {self.spec.domain!r} is not one of the paper's {{H|L}}_{{10x|40x|100x}}_{{C1|C2}}"
                self._yaml_problem("domain", message, "warning")

    def _check_source(self, split: str, source: Path) -> None:
        try:
            images = list_images(source)
        except LeukoError:
            self._yaml_problem(split, f"{split}: image folder (or list) {source} does not exist")
            return
        if not images:
            self._yaml_problem(split, f"{split}: no images in {source}")
        if source.is_dir() and label_path_for(source / "x.png").parent != source:
            self.label_dirs.add(label_path_for(source / "x.png").parent)
        for image in tqdm(images, desc=f"check {split}", unit="img", disable=not self.options.progress, leave=False):
            self._check_sample(Sample(split, image, label_path_for(image), source))

    def _check_sample(self, sample: Sample) -> None:
        if sample.image in self.seen_images:
            first = self.seen_images[sample.image]
            self.report.add(sample.image, None, f"image is in split {first} and in {sample.split}", "warning")
            return
        self.seen_images[sample.image] = sample.split
        self.report.summary.images[sample.split] += 1
        self.seen_labels.add(sample.label)
        image_exists = self._check_image(sample)
        if sample.label.is_file():
            self.report.summary.label_files += 1
            self._check_label_file(sample.label)
        elif image_exists:
            self.report.summary.backgrounds += 1
            message = f"no label file (background image): {sample.label} does not exist"
            self.report.add(sample.image, None, message, "warning")

    def _check_image(self, sample: Sample) -> bool:
        if not sample.image.is_file():
            self.report.add(sample.image, None, f"image listed in {sample.source} does not exist")
            return False
        result = check_image(sample.image, decode=self.options.decode)
        if result.problem:
            self.report.add(sample.image, None, result.problem)
        return True

    def _check_label_file(self, path: Path) -> None:
        try:
            lines = read_label_lines(path)
        except LeukoError as exc:
            self.report.problems.append(Problem.from_error(exc))
            return
        if not lines:
            self.report.summary.backgrounds += 1
            self.report.add(
                path, None, "empty label file (background image: no cell labelled)", self.options.empty_labels
            )
        first_line: dict[tuple[int, ...], int] = {}
        for n, text in lines:
            try:
                row = parse_label_line(text, self.taxonomy, f"{path}:{n}")
            except LeukoError as exc:
                self.report.add(path, n, exc.message)
                continue
            self.report.summary.add_row(row, self.taxonomy)
            key = (row.class_id, *(round(v * 1e6) for v in (row.cx, row.cy, row.w, row.h)))
            if key in first_line:
                self.report.add(path, n, f"duplicate box: same class and box as line {first_line[key]}", "warning")
            first_line.setdefault(key, n)

    def _check_orphan_labels(self) -> None:
        """Label files no image points to: their cells would silently never be trained on."""
        for folder in sorted(self.label_dirs):
            if not folder.is_dir():
                continue
            for label in sorted(folder.rglob("*.txt")):
                if label not in self.seen_labels:
                    self.report.add(label, None, "label file without an image (missing image?)")


def _summary_lines(report: CheckReport) -> list[str]:
    s, taxonomy = report.summary, report.taxonomy
    lines = [f"dataset: {report.dataset}"]
    if taxonomy is None:
        return lines
    lines[0] += f" (taxonomy {taxonomy.name}: {taxonomy.num_classes} classes, {taxonomy.num_attributes} attributes" + (
        f", code {taxonomy.not_annotated} = not annotated)" if taxonomy.attributes else ")"
    )
    per_split = ", ".join(f"{k} {v}" for k, v in s.images.items())
    lines.append(f"images: {s.images.total()} ({per_split}); label files: {s.label_files}; background: {s.backgrounds}")
    per_class = ", ".join(f"{name} {s.boxes[name]}" for name in taxonomy.classes if s.boxes[name])
    lines.append(f"boxes: {s.boxes.total()}" + (f" ({per_class})" if per_class else ""))
    for attribute in taxonomy.attributes:
        counts = s.attribute_codes.get(attribute.name, Counter())
        values = ", ".join(f"{v} {counts[v]}" for v in (*attribute.values, NOT_ANNOTATED))
        lines.append(f"  {attribute.name}: {values}")
    return lines
