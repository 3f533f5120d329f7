"""The slide report as one self-contained HTML file (plots as inline SVG, thumbnails embedded).

Every text that came from a user or a file (slide and sample codes, source names, model card
fields) is escaped by `report_page`.
"""

from __future__ import annotations

from edge_app.reporting.morphology import DISCLAIMER
from edge_app.reporting.report_data import SlideReport, stage_row
from edge_app.reporting.report_page import Raw, esc, figure, heading, jpeg_img, page, paragraph, table
from edge_app.reporting.report_svg import differential_chart, histogram
from edge_app.reporting.report_thumbnails import thumbnail_crops

THUMB_SIDE = 112


def render_report_html(report: SlideReport) -> str:
    slide = report.slide
    body = [
        heading(1, f"Slide {slide.code}"),
        paragraph(f"Sample {slide.sample_code or '—'} · profile {slide.profile_id or '—'} · "
                  f"{len(report.fields)} fields · {report.cells} white cells counted · report {report.created}"),
        paragraph(review_line(report)),
        heading(2, "Blood film description (second opinion)"),
        paragraph(report.description, "note"),
        *_differential(report), *_attributes(report), *_thumbnails(report), *_focus(report),
        *_stage_log(report), *_models(report),
        paragraph(DISCLAIMER, "note"),
    ]
    return page(f"Leuko report — slide {slide.code}", body)


def review_line(report: SlideReport) -> str:
    r = report.review
    if not r.reviewed:
        return "Not reviewed: every count below is the model's own call."
    return (f"Reviewed by a person: {r.reviewed} of {r.cells} detected cells ({r.corrected} corrected, "
            f"{r.rejected} rejected as not a white cell); the counts below include these corrections.")


def _differential(report: SlideReport) -> list[str]:
    rows = [(p.label, p.count, f"{p.fraction:.1%}", f"{p.interval[0]:.1%}–{p.interval[1]:.1%}")
            for p in report.differential]
    return [heading(2, "WBC differential"),
            paragraph("Artifacts excluded; intervals are 95% Wilson score intervals."),
            table(("type", "count", "percent", "95% CI"), rows),
            Raw(differential_chart(report.differential))]


def _attributes(report: SlideReport) -> list[str]:
    out: list[str] = [heading(2, "Attribute frequencies per type")]
    if not report.frequencies:
        return [*out, paragraph("No attributes: the model has none, or no cells were found.")]
    for label, attributes in report.frequencies.items():
        rows = [(attr.replace("_", " "), p.label, p.count, p.total, f"{p.fraction:.1%}",
                 f"{p.interval[0]:.1%}–{p.interval[1]:.1%}") for attr, values in attributes.items() for p in values]
        out += [heading(3, label), table(("attribute", "value", "cells", "of", "percent", "95% CI"), rows)]
    return out


def _thumbnails(report: SlideReport) -> list[str]:
    out: list[str] = [heading(2, "Representative cells (most confident of each type)")]
    for label, crops in thumbnail_crops(report).items():
        figures = "".join(figure(jpeg_img(crop, f"{label} {cell.score:.2f}", THUMB_SIDE), f"{cell.score:.2f}")
                          for cell, crop in crops)
        out += [heading(3, label), Raw(f'<div class="thumbs">{figures}</div>')]
    return out


def _focus(report: SlideReport) -> list[str]:
    f = report.focus
    if not f.measured:
        return [heading(2, "Focus"), paragraph("No focus measurements stored.")]
    summary = (f"{f.measured} fields measured: median {f.median:.2f}, range {f.minimum:.2f}–{f.maximum:.2f}; "
               f"{f.below_threshold} below the profile's threshold {f.threshold:g} (1 ≈ as sharp as a good field).")
    return [heading(2, "Focus"), paragraph(summary), Raw(histogram(f.values, f.threshold, "focus per field"))]


def _stage_log(report: SlideReport) -> list[str]:
    keys = ("field_id", "source", "frame", "captured_at", "stage_x_mm", "stage_y_mm", "objective", "focus", "cells")
    rows = [[stage_row(f, n)[k] for k in keys] for f, n in zip(report.fields, report.cell_counts, strict=True)]
    return [heading(2, "Stage log"), table(keys, rows)]


def _models(report: SlideReport) -> list[str]:
    out: list[str] = [heading(2, "Model card" + ("s" if len(report.models) > 1 else ""))]
    for card in report.models:
        rows = [("bundle", card.bundle_id), ("architecture", card.architecture),
                ("domains", ", ".join(card.domains)), ("input", f"{card.input_size[1]}x{card.input_size[0]}"),
                ("precisions", ", ".join(sorted({f.precision for f in card.files}))),
                ("intended use", card.intended_use), ("created", card.created),
                ("metrics", ", ".join(f"{k} {_number(v)}" for k, v in card.metrics.items()) or "—")]
        out += [table(("", ""), rows), Raw(f"<details><summary>card.json</summary><pre>{esc(card.to_json())}"
                                          "</pre></details>")]
    return out


def _number(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)
