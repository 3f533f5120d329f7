"""Leuko's YOLO-attribute dataset → a plain ultralytics detection dataset (attributes dropped).

For stock YOLO training, other tools, or a baseline: the same images (hard-linked or copied),
label lines cut to `cls cx cy w h`, and a data.yaml without attribute keys. The YAML has no
`path` key: ultralytics then resolves the splits against the YAML's own folder (a relative
`path: .` would mean its working directory), and Leuko reads it the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from tqdm import tqdm

from edge_app.errors import LeukoError
from edge_app.formats.dataset import DatasetSpec, Sample, iter_samples, load_dataset, read_label_lines
from edge_app.formats.dataset_yaml import DATASET_YAML_NAME, dataset_yaml_dict
from edge_app.formats.validate import Problem
from edge_app.formats.yolo_attr import LabelRow, parse_label_line
from trainer.convert.common import ConversionReport, place_image, prepare_output, write_label_file


@dataclass(frozen=True)
class UltralyticsOptions:
    copy: bool = False
    force: bool = False
    progress: bool = False


def convert_to_ultralytics(
    src: Path, out: Path, options: UltralyticsOptions = UltralyticsOptions()
) -> ConversionReport:
    """Write `out` as a plain detection copy of the dataset `src` (a data.yaml or its folder)."""
    spec = load_dataset(src)
    report = ConversionReport(out)
    prepare_output(out, options.force)
    splits: dict[str, str] = {}
    for split in spec.splits:
        try:
            samples = list(iter_samples(spec, split))
        except LeukoError as exc:
            report.problems.append(Problem.from_error(exc))
            continue
        for sample in tqdm(samples, desc=f"ultralytics {split}", unit="img", disable=not options.progress, leave=False):
            _convert_sample(spec, sample, out, options, report)
        splits[split] = f"images/{split}"
    _write_yaml(spec, out, splits)
    return report


def _convert_sample(
    spec: DatasetSpec, sample: Sample, out: Path, options: UltralyticsOptions, report: ConversionReport
) -> None:
    if not sample.image.is_file():
        report.add(sample.image, None, "image does not exist: skipped", "error")
        return
    target = out / "images" / sample.split / sample.relative
    report.placed[place_image(sample.image, target, options.copy)] += 1
    report.images[sample.split] += 1
    if sample.label.is_file():
        rows = _plain_rows(spec, sample.label, report)
        write_label_file((out / "labels" / sample.split / sample.relative).with_suffix(".txt"), rows)
        report.boxes.update(spec.taxonomy.classes[r.class_id] for r in rows)


def _plain_rows(spec: DatasetSpec, label: Path, report: ConversionReport) -> list[LabelRow]:
    """The file's valid rows without attribute codes; each bad line is reported and left out."""
    rows: list[LabelRow] = []
    try:
        lines = read_label_lines(label)
    except LeukoError as exc:
        report.problems.append(Problem.from_error(exc))
        return rows
    for n, text in lines:
        try:
            rows.append(replace(parse_label_line(text, spec.taxonomy, f"{label}:{n}"), codes=()))
        except LeukoError as exc:
            report.add(label, n, f"{exc.message}: line left out", "error")
    return rows


def _write_yaml(spec: DatasetSpec, out: Path, splits: dict[str, str]) -> Path:
    data = dataset_yaml_dict(spec.taxonomy.with_attributes(()), splits, spec.domain)
    data["source"] = f"Leuko dataset {spec.yaml_path}, attributes dropped"
    path = out / DATASET_YAML_NAME
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
