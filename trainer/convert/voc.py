"""Pascal VOC (e.g. the real BCCD smears in ../shared/data/bccd) → Leuko's YOLO-attribute dataset.

Input: `Annotations/*.xml`, `JPEGImages/*`, `ImageSets/Main/{train,val,test}.txt` (without split
files: every 10th image to val, the next to test). Output classes keep a fixed, documented order
— BCCD's `WBC, RBC, Platelets` unless `classes` says otherwise — so that class ids never depend
on which file came first. The seven LeukemiaAttri attributes are written as "not annotated"
(code 2): the same AttriDet trainer then runs on BCCD and must cope with no attribute labels.

VOC boxes are 1-based inclusive pixel indices (BCCD's run 1..640 on a 640-wide image), so the
pixel edges are (xmin - 1, ymin - 1, xmax, ymax). A box with xmin = xmax or ymin = ymax has no
extent and is dropped; swapped corners are swapped back; a box leaving the image is clipped.
Each fix is reported at the `<bndbox>` line of its XML file.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from edge_app.errors import DataFormatError, LeukoError
from edge_app.formats.dataset_yaml import write_dataset_yaml
from edge_app.formats.image_io import check_image
from edge_app.formats.validate import Problem
from edge_app.formats.yolo_attr import LabelRow
from edge_app.taxonomy import LEUKEMIA_ATTRI_ATTRIBUTES, Taxonomy
from trainer.convert.common import (
    ConversionReport,
    label_row,
    place_image,
    prepare_output,
    repair_box,
    write_label_file,
)
from trainer.convert.voc_xml import BOX_KEYS, VocAnnotation, VocObject, parse_voc

BCCD_CLASSES: tuple[str, ...] = ("WBC", "RBC", "Platelets")
SPLITS: tuple[str, ...] = ("train", "val", "test")
IMAGE_SUFFIXES: tuple[str, ...] = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff")
COPIED_NOTICES: tuple[str, ...] = ("LICENSE", "README.md")


@dataclass(frozen=True)
class VocOptions:
    classes: tuple[str, ...] = BCCD_CLASSES
    attributes: bool = True  # write the 7 LeukemiaAttri attribute columns as "not annotated"
    name: str = "BCCD"
    copy: bool = False
    force: bool = False
    progress: bool = False


def voc_taxonomy(options: VocOptions) -> Taxonomy:
    attributes = LEUKEMIA_ATTRI_ATTRIBUTES if options.attributes else ()
    return Taxonomy(options.classes, attributes, 2, options.name)


def convert_voc(src: Path, out: Path, options: VocOptions = VocOptions()) -> ConversionReport:
    """Convert a VOC folder into `out`; every skipped or repaired box/image is in the report."""
    taxonomy = voc_taxonomy(options)
    report = ConversionReport(out)
    splits = read_splits(src, report)
    annotations = _parse_all(src, splits, report)
    _require_known_classes(annotations.values(), taxonomy)
    prepare_output(out, options.force)
    job = _Job(src, out, taxonomy, options, report)
    for split, ids in splits.items():
        for image_id in tqdm(ids, desc=f"voc {split}", unit="img", disable=not options.progress, leave=False):
            if image_id in annotations:
                _convert_image(job, split, annotations[image_id])
    written = {s: f"images/{s}" for s in SPLITS if report.images[s]}
    write_dataset_yaml(out, taxonomy, written, extra={"source": f"Pascal VOC {src.resolve()}"})
    for notice in COPIED_NOTICES:
        if (src / notice).is_file():
            shutil.copyfile(src / notice, out / f"SOURCE_{notice}")
    return report


# --- inputs -----------------------------------------------------------------------------
def read_splits(src: Path, report: ConversionReport) -> dict[str, list[str]]:
    """Image ids per split from ImageSets/Main, each id in its first split only."""
    if not (src / "Annotations").is_dir():
        raise DataFormatError(
            "not a Pascal VOC folder: no Annotations/ inside", where=str(src), hint="expected Annotations/, JPEGImages/"
        )
    main = src / "ImageSets" / "Main"
    if not any((main / f"{s}.txt").is_file() for s in SPLITS):
        return _fallback_splits(src, report)
    splits: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    for split in SPLITS:
        path = main / f"{split}.txt"
        lines = path.read_text(encoding="utf-8-sig").split("\n") if path.is_file() else []
        for n, line in enumerate(lines, 1):
            image_id = line.split()[0] if line.split() else ""
            if image_id and image_id in seen:
                report.add(path, n, f"{image_id} is already in split {seen[image_id]}: kept there")
            elif image_id:
                seen[image_id] = split
                splits.setdefault(split, []).append(image_id)
    return splits


def _fallback_splits(src: Path, report: ConversionReport) -> dict[str, list[str]]:
    ids = sorted(p.stem for p in (src / "Annotations").glob("*.xml"))
    report.add(src / "ImageSets" / "Main", None, "no split files: every 10th image to val, the next to test")
    splits: dict[str, list[str]] = {}
    for i, image_id in enumerate(ids):
        splits.setdefault({8: "val", 9: "test"}.get(i % 10, "train"), []).append(image_id)
    return splits


def _parse_all(src: Path, splits: dict[str, list[str]], report: ConversionReport) -> dict[str, VocAnnotation]:
    annotations: dict[str, VocAnnotation] = {}
    for image_id in (i for ids in splits.values() for i in ids):
        path = src / "Annotations" / f"{image_id}.xml"
        if not path.is_file():
            report.add(path, None, "annotation file listed in ImageSets is missing: image skipped", "error")
            continue
        try:
            annotations[image_id] = parse_voc(path)
        except LeukoError as exc:
            report.problems.append(Problem.from_error(exc))
    return annotations


def _require_known_classes(annotations: Iterable[VocAnnotation], taxonomy: Taxonomy) -> None:
    """Refuse, before writing anything, object names outside the class list (no silent drops)."""
    unknown: dict[str, str] = {}
    for ann in annotations:
        for obj in ann.objects:
            if obj.name not in taxonomy.classes:
                unknown.setdefault(obj.name, f"{ann.path}:{obj.line}")
    if unknown:
        found = ", ".join(f"{name!r} (first at {where})" for name, where in unknown.items())
        raise DataFormatError(
            f"object names not in the class list {list(taxonomy.classes)}: {found}",
            hint="pass --classes with every class name, in the order you want their ids",
        )


def _find_image(src: Path, image_id: str, filename: str | None) -> Path | None:
    folder = src / "JPEGImages"
    candidates = [folder / f"{image_id}{s}" for s in IMAGE_SUFFIXES]
    if filename:
        candidates.append(folder / Path(filename).name)
    return next((p for p in candidates if p.is_file()), None)


# --- one image --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Job:
    src: Path
    out: Path
    taxonomy: Taxonomy
    options: VocOptions
    report: ConversionReport


def _convert_image(job: _Job, split: str, ann: VocAnnotation) -> None:
    report, taxonomy = job.report, job.taxonomy
    image = _find_image(job.src, ann.path.stem, ann.filename)
    if image is None:
        report.add(ann.path, None, f"no image for this annotation in {job.src / 'JPEGImages'}: skipped", "error")
        return
    check = check_image(image)
    if check.size is None:
        report.add(image, None, f"{check.problem}: skipped", "error")
        return
    if ann.size and ann.size != check.size:
        stated, actual = "x".join(map(str, ann.size)), "x".join(map(str, check.size))
        report.add(ann.path, ann.size_line, f"size {stated} stated, the image is {actual}: the image's size used")
    rows = [r for obj in ann.objects if (r := _object_row(ann, obj, check.size, taxonomy, report))]
    report.placed[place_image(image, job.out / "images" / split / image.name, job.options.copy)] += 1
    write_label_file(job.out / "labels" / split / f"{image.stem}.txt", rows)
    report.images[split] += 1
    report.boxes.update(taxonomy.classes[r.class_id] for r in rows)


def _object_row(
    ann: VocAnnotation, obj: VocObject, size: tuple[int, int], taxonomy: Taxonomy, report: ConversionReport
) -> LabelRow | None:
    try:
        xmin, ymin, xmax, ymax = (float(v) for v in obj.box)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        shown = ", ".join(f"{k}={v}" for k, v in zip(BOX_KEYS, obj.box, strict=True))
        report.add(ann.path, obj.line, f"{obj.name} box values missing or not numbers ({shown}): dropped", "error")
        return None
    if xmax == xmin or ymax == ymin:
        message = f"{obj.name} box has zero size (xmin,ymin,xmax,ymax = {xmin:g},{ymin:g},{xmax:g},{ymax:g}): dropped"
        report.add(ann.path, obj.line, message)
        return None
    if xmin > xmax or ymin > ymax:
        report.add(ann.path, obj.line, f"{obj.name} box has swapped corners: swapped back")
        xmin, xmax, ymin, ymax = min(xmin, xmax), max(xmin, xmax), min(ymin, ymax), max(ymin, ymax)
    fix = repair_box(xmin - 1, ymin - 1, xmax, ymax, *size)
    if fix.note:
        report.add(ann.path, obj.line, f"{obj.name} {fix.note} (pixel edges)")
    if fix.box is None:
        return None
    codes = (taxonomy.not_annotated,) * taxonomy.num_attributes
    return label_row(taxonomy.class_id(obj.name), fix.box, size, codes)
