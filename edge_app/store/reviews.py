"""A reviewer's verdicts on detected cells, stored beside the model's output (rows in `reviews` and
`review_attributes`; the `detections` rows are never touched). Reviewing a cell again replaces the
earlier verdict: the latest word of the reviewer counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from edge_app.errors import StoreError
from edge_app.store.records import Slide
from edge_app.store.store import ResultsStore

Verdict = Literal["confirmed", "corrected", "rejected"]


@dataclass(frozen=True)
class Review:
    """`class_id` is None when rejected (not a white cell); `codes` holds one attribute code per
    attribute (a value index, or the taxonomy's not-annotated code when the reviewer cannot tell)."""

    verdict: Verdict
    class_id: int | None
    codes: tuple[int, ...] = ()
    reviewer: str = ""
    reviewed_at: str = ""


def detection_ids(store: ResultsStore, field_id: int) -> list[int]:
    """Database ids of a field's detections, in the order `store.detections(field_id)` returns them."""
    rows = store.db.execute("SELECT id FROM detections WHERE field_id = ? ORDER BY idx", (field_id,)).fetchall()
    return [int(r[0]) for r in rows]


def save_review(store: ResultsStore, detection_id: int, review: Review) -> None:
    if (review.verdict == "rejected") != (review.class_id is None):
        raise StoreError(f"a {review.verdict} review {'must not' if review.verdict == 'rejected' else 'must'} "
                         "carry a class")
    with store.transaction() as db:
        if db.execute("SELECT 1 FROM detections WHERE id = ?", (detection_id,)).fetchone() is None:
            raise StoreError(f"no detected cell {detection_id} in this workspace", where=str(store.db_path))
        db.execute("DELETE FROM reviews WHERE detection_id = ?", (detection_id,))
        db.execute("INSERT INTO reviews(detection_id, verdict, class_id, reviewer) VALUES (?, ?, ?, ?)",
                   (detection_id, review.verdict, review.class_id, review.reviewer))
        db.executemany("INSERT INTO review_attributes VALUES (?, ?, ?)",
                       [(detection_id, a, int(code)) for a, code in enumerate(review.codes)])


def clear_review(store: ResultsStore, detection_id: int) -> None:
    with store.transaction() as db:
        db.execute("DELETE FROM reviews WHERE detection_id = ?", (detection_id,))


def slide_reviews(store: ResultsStore, slide: Slide) -> dict[int, Review]:
    """Every review on the slide's cells, by detection id."""
    return _reviews(store, "JOIN fields f ON f.id = d.field_id WHERE f.slide_id = ?", (slide.id,))


def field_reviews(store: ResultsStore, field_ids: Sequence[int]) -> dict[int, Review]:
    if not field_ids:
        return {}
    marks = ",".join("?" * len(field_ids))
    return _reviews(store, f"WHERE d.field_id IN ({marks})", tuple(field_ids))


def _reviews(store: ResultsStore, where: str, params: tuple[int, ...]) -> dict[int, Review]:
    db = store.db
    rows = db.execute(f"SELECT r.* FROM reviews r JOIN detections d ON d.id = r.detection_id {where}",
                      params).fetchall()
    codes: dict[int, dict[int, int]] = {}
    for det_id, a, code in db.execute(
            f"SELECT ra.detection_id, ra.attr_index, ra.code FROM review_attributes ra "
            f"JOIN detections d ON d.id = ra.detection_id {where}", params):
        codes.setdefault(det_id, {})[a] = code
    out = {}
    for r in rows:
        attrs = codes.get(r["detection_id"], {})
        out[int(r["detection_id"])] = Review(r["verdict"], r["class_id"], tuple(attrs[a] for a in sorted(attrs)),
                                             r["reviewer"], r["reviewed_at"])
    return out
