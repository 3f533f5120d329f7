"""COCO-JSON (the LeukemiaAttri release form, attributes in each annotation) → Leuko's dataset.

One call converts one annotation file into one split (`train`, `val` or `test`) of `out`;
calling again for the other splits adds them to the same `data.yaml` (the taxonomy must agree).
Categories map by name onto the taxonomy's class order (LeukemiaAttri by default, or the one of
a dataset YAML: six or seven attributes); attributes as `coco_attributes` reads them. Boxes are
COCO pixel `[x, y, width, height]`; one that leaves its image is clipped, one without area is
dropped, crowd regions are skipped. JSON has no useful line numbers past parsing, so problems
name the annotation or image id.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from tqdm import tqdm

from edge_app.errors import DataFormatError
from edge_app.formats.dataset import load_dataset
from edge_app.formats.dataset_yaml import DATASET_YAML_NAME, write_dataset_yaml
from edge_app.formats.image_io import check_image
from edge_app.formats.yolo_attr import LabelRow
from edge_app.taxonomy import Taxonomy
from trainer.convert.coco_attributes import AttributeReader, category_map
from trainer.convert.common import ConversionReport, label_row, place_image, repair_box, write_label_file

SPLITS: tuple[str, ...] = ("train", "val", "test")


@dataclass(frozen=True)
class CocoOptions:
    split: str = "train"
    taxonomy: Taxonomy = field(default_factory=Taxonomy.leukemia_attri)
    domain: str | None = None
    copy: bool = False
    force: bool = False
    progress: bool = False


def convert_coco(
    annotations: Path, images_dir: Path, out: Path, options: CocoOptions = CocoOptions()
) -> ConversionReport:
    """Convert one COCO annotation file into split `options.split` of the dataset at `out`."""
    coco = load_coco(annotations)
    by_image: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for ann in coco["annotations"]:
        by_image[int(ann.get("image_id", -1))].append(ann)
    used = {int(a.get("category_id", -1)) for a in coco["annotations"]}
    job = _Job(annotations, images_dir, out, options, ConversionReport(out), AttributeReader(options.taxonomy))
    job.classes.update(category_map(coco["categories"], used, options.taxonomy))
    splits, domain = _prepare_split(out, options)
    _report_orphans(job, by_image, {int(im["id"]) for im in coco["images"]})
    images = sorted(coco["images"], key=lambda im: int(im["id"]))
    for image in tqdm(images, desc=f"coco {options.split}", unit="img", disable=not options.progress, leave=False):
        _convert_image(job, image, by_image.get(int(image["id"]), []))
    for key, count in job.attributes.unknown_keys.items():
        job.report.add(annotations, None, f"attribute {key!r} ({count} annotations) is not in the taxonomy: ignored")
    splits[options.split] = f"images/{options.split}"
    ordered = {s: splits[s] for s in SPLITS if s in splits}
    write_dataset_yaml(out, options.taxonomy, ordered, domain, {"source": f"COCO-JSON {annotations.resolve()}"})
    return job.report


def load_coco(path: Path) -> dict[str, Any]:
    """The JSON, with `images`, `annotations` and `categories` lists; `file:line` if malformed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise DataFormatError(f"cannot read: {exc.strerror or exc}", where=str(path)) from None
    except json.JSONDecodeError as exc:
        raise DataFormatError(f"not valid JSON: {exc.msg}", where=f"{path}:{exc.lineno}") from None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), list) for k in ("images", "annotations")):
        raise DataFormatError("not a COCO file: needs 'images' and 'annotations' lists", where=str(path))
    if not isinstance(data.get("categories"), list):
        raise DataFormatError("not a COCO file: needs a 'categories' list (id, name)", where=str(path))
    return data


def _prepare_split(out: Path, options: CocoOptions) -> tuple[dict[str, str], str | None]:
    """Clear (with `force`) or refuse an existing split; the splits and domain of the dataset so far."""
    if options.split not in SPLITS:
        raise DataFormatError(f"unknown split {options.split!r}", hint=f"use one of {', '.join(SPLITS)}")
    parts = [out / kind / options.split for kind in ("images", "labels")]
    if any(p.exists() for p in parts) and not options.force:
        raise DataFormatError(
            f"split {options.split!r} already exists", where=str(out), hint="pass --force to replace that split"
        )
    for part in parts:
        shutil.rmtree(part, ignore_errors=True)
    if not (out / DATASET_YAML_NAME).is_file():
        out.mkdir(parents=True, exist_ok=True)
        return {}, options.domain
    spec = load_dataset(out)
    if spec.taxonomy != options.taxonomy:
        raise DataFormatError(
            f"the existing dataset's taxonomy ({spec.taxonomy.name}) differs from this conversion's",
            where=str(spec.yaml_path),
            hint="convert every split with the same --taxonomy, or into a new folder",
        )
    if options.domain and spec.domain and options.domain != spec.domain:
        raise DataFormatError(
            f"the existing dataset is of domain {spec.domain}, not {options.domain}",
            where=str(spec.yaml_path),
            hint="one dataset folder per domain: convert into a new folder",
        )
    return {s: f"images/{s}" for s in spec.splits}, options.domain or spec.domain


@dataclass
class _Job:
    annotations: Path
    images_dir: Path
    out: Path
    options: CocoOptions
    report: ConversionReport
    attributes: AttributeReader
    classes: dict[int, int] = field(default_factory=dict)


def _report_orphans(job: _Job, by_image: dict[int, list[dict[str, Any]]], image_ids: set[int]) -> None:
    for image_id in sorted(by_image.keys() - image_ids):
        count = len(by_image[image_id])
        job.report.add(job.annotations, None, f"{count} annotation(s) of unknown image id {image_id}: skipped", "error")


def _convert_image(job: _Job, image: dict[str, Any], anns: list[dict[str, Any]]) -> None:
    name = str(image.get("file_name", ""))
    source = _find_image(job.images_dir, name)
    where = f"image id {image.get('id')} ({name})"
    if source is None:
        job.report.add(job.annotations, None, f"{where}: not found in {job.images_dir}: skipped", "error")
        return
    check = check_image(source)
    if check.size is None:
        job.report.add(source, None, f"{check.problem}: skipped", "error")
        return
    if (image.get("width"), image.get("height")) not in ((None, None), check.size):
        stated = f"{image.get('width')}x{image.get('height')}"
        job.report.add(
            job.annotations, None, f"{where}: size {stated} stated, the file is {check.size[0]}x{check.size[1]}"
        )
    rows = [row for ann in anns if (row := _annotation_row(job, ann, check.size))]
    relative = _safe_relative(name)
    split = job.options.split
    job.report.placed[place_image(source, job.out / "images" / split / relative, job.options.copy)] += 1
    if anns:
        write_label_file((job.out / "labels" / split / relative).with_suffix(".txt"), rows)
    job.report.images[split] += 1
    job.report.boxes.update(job.options.taxonomy.classes[r.class_id] for r in rows)


def _annotation_row(job: _Job, ann: dict[str, Any], size: tuple[int, int]) -> LabelRow | None:
    where = f"annotation id {ann.get('id')} (image id {ann.get('image_id')})"
    if ann.get("iscrowd"):
        job.report.add(job.annotations, None, f"{where}: crowd region, not a cell: skipped")
        return None
    box = ann.get("bbox")
    if not (isinstance(box, list) and len(box) == 4 and all(isinstance(v, int | float) for v in box)):
        job.report.add(job.annotations, None, f"{where}: bbox {box!r} is not [x, y, width, height]: dropped", "error")
        return None
    x, y, w, h = (float(v) for v in box)
    fix = repair_box(x, y, x + w, y + h, *size)
    if fix.note:
        job.report.add(job.annotations, None, f"{where}: {fix.note}")
    codes, problems = job.attributes.codes(ann)
    for problem in problems:
        job.report.add(job.annotations, None, f"{where}: {problem}", "error")
    if fix.box is None:
        return None
    return label_row(job.classes[int(ann["category_id"])], fix.box, size, codes)


def _find_image(images_dir: Path, file_name: str) -> Path | None:
    candidates = (images_dir / file_name, images_dir / PurePath(file_name).name)
    return next((p for p in candidates if file_name and p.is_file()), None)


def _safe_relative(file_name: str) -> Path:
    """The file name's relative path, without root or `..` parts (the output stays inside `out`)."""
    parts = [p for p in PurePath(file_name.replace("\\", "/")).parts if p not in ("/", "..", ".") and ":" not in p]
    return Path(*parts) if parts else Path("image")
