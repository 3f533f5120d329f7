"""The QA comparison as one self-contained HTML page: metrics tables and the worst images.

Each worst image shows the reference overlay beside the candidate overlay (the same field,
matched by content hash), embedded as a JPEG.
"""

from __future__ import annotations

import cv2
import numpy as np

from edge_app.overlay.annotators import Overlay
from edge_app.qa.compare import GATE_METRICS, Comparison
from edge_app.qa.compare_rows import (
    ATTRIBUTE_HEADER,
    CLASS_HEADER,
    COUNT_HEADER,
    METRIC_HEADER,
    attribute_rows,
    class_rows,
    count_rows,
    map_rows,
)
from edge_app.qa.image_agreement import ImageAgreement
from edge_app.reporting.report_page import Raw, figure, heading, jpeg_img, page, paragraph, table

PAIR_WIDTH = 1200


def render_compare_html(comparison: Comparison) -> str:
    p = comparison.pairing
    ref, cand = p.reference.label, p.candidate.label
    body = [
        heading(1, f"Leuko QA: {cand} against {ref}"),
        paragraph(f"{len(p.pairs)} images matched by content hash; {p.unmatched_reference} only in the reference, "
                  f"{p.unmatched_candidate} only in the candidate."),
        *_detection(comparison), *_counts(comparison), *_attributes(comparison), *_worst(comparison),
    ]
    return page(f"Leuko QA — {cand} vs {ref}", body)


def _detection(c: Comparison) -> list[str]:
    drops = ", ".join(f"{m} {c.map_drop(m):.3f}" for m in GATE_METRICS)
    out = [heading(2, "Detection"),
           table(METRIC_HEADER, map_rows(c)),
           paragraph(f"mAP drop (what --max-map-drop gates): {drops}"),
           table(CLASS_HEADER, class_rows(c))]
    for side, result in c.truth_maps.items():
        out.append(paragraph(f"{side} against the labels: mAP50 {result.map50:.3f}, mAP50-95 {result.map50_95:.3f}"))
    return out


def _counts(c: Comparison) -> list[str]:
    return [heading(2, "Cell counts per class"), table(COUNT_HEADER, count_rows(c))]


def _attributes(c: Comparison) -> list[str]:
    a = c.attributes
    return [heading(2, "Attribute agreement (matched cells)"),
            paragraph(f"{a.matched_cells} of {a.total_cells} reference cells matched at IoU ≥ 0.5."),
            table(ATTRIBUTE_HEADER, attribute_rows(c))]


def _worst(c: Comparison) -> list[str]:
    out: list[str] = [heading(2, f"Worst {len(c.worst)} images (lowest per-image F1)")]
    overlay = Overlay(c.pairing.reference.taxonomy)
    for g in c.worst:
        caption = (f"{g.name}: F1 {g.f1:.2f}, mean IoU {g.mean_iou:.2f}, {g.matched} matched — "
                   "left reference, right candidate")
        out.append(figure(jpeg_img(side_by_side(g, overlay), g.name, PAIR_WIDTH), caption))
    if not c.worst:
        out.append(paragraph("Every matched image agrees completely."))
    return [Raw(s) for s in out]


def side_by_side(g: ImageAgreement, overlay: Overlay) -> np.ndarray:
    """Reference and candidate overlays on the field (or a grey canvas when no side has its image)."""
    image = g.reference.load_image()
    if image is None:
        image = g.candidate.load_image()
    if image is None:
        w, h = g.reference.size if g.reference.size != (0, 0) else g.candidate.size
        image = np.full((max(h, 64), max(w, 64), 3), 200, np.uint8)
    gap = np.full((image.shape[0], 8, 3), 255, np.uint8)
    left = overlay.draw(image, g.reference.detections)
    right = overlay.draw(image, g.candidate.detections)
    return cv2.hconcat([left, gap, right])
