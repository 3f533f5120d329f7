"""`SlideReport`: everything a slide report shows, gathered once from the store (no rendering).

Differential with Wilson intervals, attribute frequencies per WBC type, the film description
(morphology bank, second opinion), focus statistics, the stage log, the model cards, and the
best-scoring cells of each type for thumbnails. HTML, CSV and JSON are renderings of this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from edge_app.config.loader import load_config_set
from edge_app.detections import Detections
from edge_app.errors import ConfigError
from edge_app.model_card import ModelCard
from edge_app.reporting.morphology import DISCLAIMER, describe_film
from edge_app.reporting.statistics import Proportion, attribute_frequencies, differential
from edge_app.review.apply import ReviewTally, apply_reviews
from edge_app.store.records import FieldRecord, Slide
from edge_app.store.reviews import detection_ids, slide_reviews
from edge_app.store.store import ResultsStore
from edge_app.taxonomy import Taxonomy

THUMBNAILS_PER_TYPE = 6
DEFAULT_MIN_FOCUS = 0.35


@dataclass(frozen=True)
class CellRef:
    """One detected cell: which field, where, what, how sure."""

    field_id: int
    xyxy: tuple[float, float, float, float]
    class_id: int
    score: float


@dataclass(frozen=True)
class FocusStats:
    fields: int
    measured: int
    median: float | None
    minimum: float | None
    maximum: float | None
    below_threshold: int
    threshold: float
    values: tuple[float, ...]


@dataclass(frozen=True)
class SlideReport:
    slide: Slide
    taxonomy: Taxonomy
    fields: tuple[FieldRecord, ...]
    cell_counts: tuple[int, ...]  # per field, aligned with `fields`
    differential: tuple[Proportion, ...]
    frequencies: dict[str, dict[str, list[Proportion]]]  # type -> attribute -> values
    description: str
    focus: FocusStats
    models: tuple[ModelCard, ...]
    representatives: dict[str, tuple[CellRef, ...]]
    created: str
    review: ReviewTally = field(default_factory=ReviewTally)

    @property
    def cells(self) -> int:
        return self.differential[0].total if self.differential else 0

    @property
    def dominant(self) -> Proportion | None:
        return self.differential[0] if self.differential and self.differential[0].count else None


def build_slide_report(store: ResultsStore, slide_code: str) -> SlideReport:
    slide = store.slide(slide_code)
    fields = tuple(store.fields(slide))
    models = _models(store, fields)
    taxonomy = models[0].taxonomy if models else Taxonomy.leukemia_attri()
    per_field, review = _reviewed_detections(store, slide, fields)
    all_dets = Detections.concat(per_field) if per_field else Detections.empty()
    rows = tuple(differential(all_dets.class_id.tolist(), taxonomy))
    frequencies = _frequencies_per_type(all_dets, taxonomy, rows)
    dominant = rows[0] if rows and rows[0].count else None
    # A card with training metrics but no attribute accuracy had nothing to score its attributes on
    # (e.g. trained on BCCD); a card without metrics says nothing either way.
    attributes_validated = not models or any("attr_accuracy_mean" in c.metrics or not c.metrics for c in models)
    description = describe_film(dominant, frequencies.get(dominant.label, {}) if dominant else {},
                                attributes_validated=attributes_validated)
    return SlideReport(
        slide, taxonomy, fields, tuple(len(d) for d in per_field), rows, frequencies, description,
        focus_stats(fields, _min_focus(slide.profile_id)), models, _representatives(fields, per_field, taxonomy),
        datetime.now(UTC).isoformat(timespec="seconds"), review,
    )


def _reviewed_detections(store: ResultsStore, slide: Slide,
                         fields: tuple[FieldRecord, ...]) -> tuple[list[Detections], ReviewTally]:
    """Each field's cells with the reviewer's corrections applied (rejected cells left out)."""
    reviews = slide_reviews(store, slide)
    per_field, total = [], ReviewTally()
    for f in fields:
        dets, tally = apply_reviews(store.detections(f.id), detection_ids(store, f.id), reviews)
        per_field.append(dets)
        total += tally
    return per_field, total


def _models(store: ResultsStore, fields: tuple[FieldRecord, ...]) -> tuple[ModelCard, ...]:
    ids = list(dict.fromkeys(f.provenance.model_id for f in fields if f.provenance.model_id))
    return tuple(store.model_card(i) for i in ids)


def _frequencies_per_type(dets: Detections, taxonomy: Taxonomy,
                          rows: tuple[Proportion, ...]) -> dict[str, dict[str, list[Proportion]]]:
    codes = dets.attribute_codes(taxonomy.not_annotated) if dets.num_attributes else np.zeros((len(dets), 0), int)
    out = {}
    for row in rows:
        if row.count and taxonomy.attributes:
            mask = dets.class_id == taxonomy.class_id(row.label)
            out[row.label] = attribute_frequencies(codes[mask], taxonomy)
    return out


def _min_focus(profile_id: str) -> float:
    try:
        return load_config_set().profile(profile_id).focus.min_ok if profile_id else DEFAULT_MIN_FOCUS
    except ConfigError:
        return DEFAULT_MIN_FOCUS  # a profile from another device's configs: use the shipped default


def focus_stats(fields: tuple[FieldRecord, ...], threshold: float) -> FocusStats:
    values = tuple(float(f.quality.focus) for f in fields if f.quality.focus is not None)
    arr = np.asarray(values)
    return FocusStats(
        len(fields), len(values),
        float(np.median(arr)) if len(arr) else None, float(arr.min()) if len(arr) else None,
        float(arr.max()) if len(arr) else None, int((arr < threshold).sum()), threshold, values,
    )


def _representatives(fields: tuple[FieldRecord, ...], per_field: list[Detections],
                     taxonomy: Taxonomy) -> dict[str, tuple[CellRef, ...]]:
    """The most confident cells of each type (what a reader checks first)."""
    cells = [CellRef(f.id, tuple(float(v) for v in d.xyxy[i]), int(d.class_id[i]), float(d.score[i]))  # type: ignore[misc]
             for f, d in zip(fields, per_field, strict=True) for i in range(len(d))]
    out: dict[str, tuple[CellRef, ...]] = {}
    for c in sorted({cell.class_id for cell in cells}):
        best = sorted((cell for cell in cells if cell.class_id == c), key=lambda cell: -cell.score)
        out[taxonomy.classes[c]] = tuple(best[:THUMBNAILS_PER_TYPE])
    return out


def report_to_dict(report: SlideReport) -> dict[str, Any]:
    """The JSON form (every number the HTML shows)."""
    slide = report.slide
    return {
        "slide": {"code": slide.code, "sample_code": slide.sample_code, "profile": slide.profile_id,
                  "started_at": slide.started_at, "finished_at": slide.finished_at},
        "created": report.created, "fields": len(report.fields), "cells": report.cells,
        "review": vars(report.review),
        "differential": [_proportion(p) for p in report.differential],
        "attribute_frequencies": {t: {a: [_proportion(p) for p in values] for a, values in attrs.items()}
                                  for t, attrs in report.frequencies.items()},
        "description": report.description, "disclaimer": DISCLAIMER,
        "focus": {k: v for k, v in vars(report.focus).items() if k != "values"},
        "stage_log": [stage_row(f, n) for f, n in zip(report.fields, report.cell_counts, strict=True)],
        "models": [m.to_dict() for m in report.models],
    }


def _proportion(p: Proportion) -> dict[str, Any]:
    lo, hi = p.interval
    return {"label": p.label, "count": p.count, "total": p.total, "fraction": p.fraction,
            "ci95_low": lo, "ci95_high": hi}


def stage_row(field: FieldRecord, cells: int) -> dict[str, Any]:
    """One stage-log line: where the field is on the slide, when, how sharp, how many cells."""
    prov, stage = field.provenance, field.stage
    return {
        "field_id": field.id, "source": prov.source_id, "frame": prov.frame_index,
        "captured_at": datetime.fromtimestamp(field.captured_at, UTC).isoformat(timespec="seconds"),
        "stage_x_mm": stage.x_mm if stage else None, "stage_y_mm": stage.y_mm if stage else None,
        "stage_source": stage.source if stage else None, "objective": prov.objective,
        "focus": field.quality.focus, "brightness": field.quality.brightness, "cells": cells,
        "image_sha256": field.image_sha256,
    }
