"""`export_labels`: reviewed cells as a LeukemiaAttri-format dataset the trainer takes as-is.

Only fields whose every detected cell has been reviewed are exported (a half-reviewed field would
teach the model its own mistakes); rejected cells are left out; a field with no cell left is
skipped (the trainer refuses empty label files). Images are copied byte for byte from the store.
Cells the model missed cannot be added in the gallery, so recall errors are not corrected here.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from edge_app.config.loader import load_config_set
from edge_app.errors import LeukoError, ValidationError
from edge_app.formats.dataset_yaml import write_dataset_yaml
from edge_app.formats.validate import CheckReport, check_dataset
from edge_app.formats.yolo_attr import LabelRow, format_label_line
from edge_app.reporting.report_files import safe_name
from edge_app.review.apply import ReviewTally, apply_reviews
from edge_app.store.records import FieldRecord
from edge_app.store.reviews import detection_ids, field_reviews
from edge_app.store.store import ResultsStore
from edge_app.taxonomy import Taxonomy

SPLITS = ("train", "val")


@dataclass
class LabelExport:
    out: Path
    images: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SPLITS, 0))
    cells: int = 0
    partial_fields: int = 0   # skipped: some cells not reviewed yet
    empty_fields: int = 0     # skipped: no cell left after review
    tally: ReviewTally = field(default_factory=ReviewTally)
    check: CheckReport | None = None

    def summary_lines(self) -> list[str]:
        lines = [f"exported {sum(self.images.values())} fields ({self.images['train']} train, {self.images['val']} val)"
                 f", {self.cells} labelled cells -> {self.out}"]
        if self.partial_fields:
            lines.append(f"skipped {self.partial_fields} field(s) not fully reviewed")
        if self.empty_fields:
            lines.append(f"skipped {self.empty_fields} field(s) with no cell left after review")
        if not self.images["val"]:
            lines.append("one field only: val points at the training images")
        if self.check is not None:
            lines.append(f"dataset check: {len(self.check.errors)} error(s), {len(self.check.warnings)} warning(s)")
        return lines


def export_labels(store: ResultsStore, slide_codes: Sequence[str], out: Path, taxonomy: Taxonomy,
                  val_fraction: float = 0.2) -> LabelExport:
    if not 0 <= val_fraction < 1:
        raise ValidationError(f"--val-fraction must be in [0, 1), got {val_fraction}")
    if out.exists() and any(out.iterdir()):
        raise ValidationError("the output folder is not empty", where=str(out),
                              hint="choose a new folder (exported datasets are never overwritten)")
    result = LabelExport(out)
    chosen = list(_reviewed_fields(store, slide_codes, taxonomy, result))
    if not chosen:
        raise ValidationError("no fully reviewed field with cells to export",
                              hint="review every cell of at least one field in the desktop app's Review tab")
    splits = _split(chosen, val_fraction)
    for split in set(splits):
        (out / "images" / split).mkdir(parents=True, exist_ok=True)
        (out / "labels" / split).mkdir(parents=True, exist_ok=True)
    for (slide_code, record, rows), split in zip(chosen, splits, strict=True):
        stem = f"{safe_name(slide_code)}_f{record.id}"
        shutil.copyfile(record.image_path, out / "images" / split / f"{stem}{record.image_path.suffix}")
        text = "".join(format_label_line(r) + "\n" for r in rows)
        (out / "labels" / split / f"{stem}.txt").write_text(text, encoding="utf-8")
        result.images[split] += 1
        result.cells += len(rows)
    # With a single field there is nothing to hold out: validate on the training field (and say so).
    val = "images/val" if result.images["val"] else "images/train"
    write_dataset_yaml(out, taxonomy, {"train": "images/train", "val": val}, _domain(store, slide_codes),
                       extra={"source": f"leuko export-labels {' '.join(slide_codes)}"})
    result.check = check_dataset(out, empty_labels="error", require=SPLITS)
    return result


def _reviewed_fields(store: ResultsStore, slide_codes: Sequence[str], taxonomy: Taxonomy,
                     result: LabelExport) -> Iterator[tuple[str, FieldRecord, list[LabelRow]]]:
    for code in slide_codes:
        for record in store.fields(store.slide(code)):
            ids = detection_ids(store, record.id)
            reviews = field_reviews(store, [record.id])
            if len(reviews) < len(ids) or not ids:
                result.partial_fields += bool(ids)
                result.empty_fields += not ids
                continue
            dets, tally = apply_reviews(store.detections(record.id), ids, reviews)
            result.tally += tally
            if not len(dets):
                result.empty_fields += 1
                continue
            codes = dets.attribute_codes(taxonomy.not_annotated)
            w, h = record.width, record.height
            rows = []
            for i, (x1, y1, x2, y2) in enumerate(dets.xyxy.tolist()):
                x1, x2 = max(0.0, x1), min(float(w), x2)
                y1, y2 = max(0.0, y1), min(float(h), y2)
                rows.append(LabelRow(int(dets.class_id[i]), (x1 + x2) / 2 / w, (y1 + y2) / 2 / h, (x2 - x1) / w,
                                     (y2 - y1) / h, tuple(int(c) for c in codes[i])))
            yield code, record, rows


def slides_taxonomy(store: ResultsStore, slide_codes: Sequence[str]) -> Taxonomy:
    """The taxonomy of the model(s) that read these slides; they must agree."""
    found: dict[str, Taxonomy] = {}
    for code in slide_codes:
        for record in store.fields(store.slide(code)):
            model_id = record.provenance.model_id
            if model_id and model_id not in found:
                found[model_id] = store.model_card(model_id).taxonomy
    taxonomies = list(dict.fromkeys(found.values()))
    if len(taxonomies) > 1:
        raise ValidationError(f"the slides were read by models with different taxonomies ({', '.join(found)})",
                              hint="export the slides of each model separately")
    return taxonomies[0] if taxonomies else Taxonomy.leukemia_attri()


def _split(chosen: list[tuple[str, FieldRecord, list[LabelRow]]], val_fraction: float) -> list[str]:
    """Deterministic by image hash, so re-exporting puts each field in the same split; both splits
    get at least one field when there are two or more (the trainer needs a val split)."""
    splits = ["val" if int(rec.image_sha256[:8], 16) % 1000 < val_fraction * 1000 else "train"
              for _, rec, _ in chosen]
    if len(splits) >= 2 and val_fraction > 0:
        for missing, other in (("val", "train"), ("train", "val")):
            if missing not in splits:
                splits[splits.index(other)] = missing
    return splits


def _domain(store: ResultsStore, slide_codes: Sequence[str]) -> str | None:
    domains = set()
    for code in slide_codes:
        profile = store.slide(code).profile_id
        try:
            domains.add(load_config_set().profile(profile).domain if profile else None)
        except LeukoError:
            domains.add(None)
    return domains.pop() if len(domains) == 1 else None
