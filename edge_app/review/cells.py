"""The review gallery's data: every detected cell of a slide with the model's call and the reviewer's
verdict, grouped per class and sorted least sure first (what a reviewer should look at first)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from edge_app.errors import ValidationError
from edge_app.formats.image_io import read_image
from edge_app.overlay.crop import CONTEXT, crop_box
from edge_app.store.records import FieldRecord
from edge_app.store.reviews import Review, detection_ids, save_review, slide_reviews
from edge_app.store.store import ResultsStore
from edge_app.taxonomy import Taxonomy


@dataclass(frozen=True)
class ReviewCell:
    """One detected cell: the model's class, score and attribute codes, and the review if any."""

    detection_id: int
    field: FieldRecord
    xyxy: tuple[float, float, float, float]
    class_id: int
    score: float
    codes: tuple[int, ...]
    review: Review | None = None

    @property
    def reviewed_class(self) -> int | None:
        """The class that counts: the reviewer's if reviewed (None = rejected), else the model's."""
        return self.review.class_id if self.review else self.class_id

    @property
    def reviewed_codes(self) -> tuple[int, ...]:
        return self.review.codes if self.review and self.review.codes else self.codes


def slide_cells(store: ResultsStore, slide_code: str, taxonomy: Taxonomy) -> list[ReviewCell]:
    """Every cell of the slide, sorted by the model's class then by score, least sure first."""
    slide = store.slide(slide_code)
    reviews = slide_reviews(store, slide)
    cells = []
    for field in store.fields(slide):
        dets = store.detections(field.id)
        codes = dets.attribute_codes(taxonomy.not_annotated) if dets.num_attributes else np.zeros((len(dets), 0))
        for i, det_id in enumerate(detection_ids(store, field.id)):
            cells.append(ReviewCell(det_id, field, tuple(float(v) for v in dets.xyxy[i]),  # type: ignore[arg-type]
                                    int(dets.class_id[i]), float(dets.score[i]), tuple(int(c) for c in codes[i]),
                                    reviews.get(det_id)))
    return sorted(cells, key=lambda c: (c.class_id, c.score))


def cells_by_class(cells: Sequence[ReviewCell]) -> dict[int, list[ReviewCell]]:
    out: dict[int, list[ReviewCell]] = {}
    for cell in cells:
        out.setdefault(cell.class_id, []).append(cell)
    return out


def review_cell(store: ResultsStore, cell: ReviewCell, class_id: int, codes: Sequence[int], taxonomy: Taxonomy,
                reviewer: str = "") -> ReviewCell:
    """Record the reviewer's class and attributes: "confirmed" when they equal the model's call,
    "corrected" otherwise."""
    codes = tuple(int(c) for c in codes)
    if not 0 <= class_id < taxonomy.num_classes:
        raise ValidationError(f"class index {class_id} is outside the taxonomy (0..{taxonomy.num_classes - 1})")
    if len(codes) != len(cell.codes) or not all(taxonomy.is_valid_code(a, c) for a, c in enumerate(codes)):
        raise ValidationError(f"attribute codes {codes} do not fit the taxonomy's {taxonomy.num_attributes} attributes")
    verdict = "confirmed" if (class_id, codes) == (cell.class_id, cell.codes) else "corrected"
    review = Review(verdict, class_id, codes, reviewer)
    save_review(store, cell.detection_id, review)
    return _with_review(cell, review)


def reject_cell(store: ResultsStore, cell: ReviewCell, reviewer: str = "") -> ReviewCell:
    """Not a white cell at all (a false detection): it leaves the counts and the exported labels."""
    review = Review("rejected", None, (), reviewer)
    save_review(store, cell.detection_id, review)
    return _with_review(cell, review)


def _with_review(cell: ReviewCell, review: Review) -> ReviewCell:
    return ReviewCell(cell.detection_id, cell.field, cell.xyxy, cell.class_id, cell.score, cell.codes, review)


def cell_crop(cell: ReviewCell, image: np.ndarray | None = None, margin: float = CONTEXT) -> np.ndarray:
    """The cell with some context around it (BGR), read from the stored field unless `image` is given."""
    return crop_box(read_image(cell.field.image_path) if image is None else image, cell.xyxy, margin)
