"""What the counts panel shows: per-class counts in the current frame and the slide session's
running differential over the fields captured so far (the report's `differential`, reused)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from edge_app.detections import Detections
from edge_app.reporting.statistics import Proportion, differential
from edge_app.taxonomy import Taxonomy


@dataclass
class SessionTally:
    """Class ids of every cell in the captured fields of one slide session."""

    class_ids: list[int] = field(default_factory=list)
    field_ids: set[int] = field(default_factory=set)

    @property
    def fields(self) -> int:
        return len(self.field_ids)

    def add(self, field_id: int, dets: Detections) -> bool:
        """Count a stored field once; False when it was already counted (the same image again)."""
        if field_id in self.field_ids:
            return False
        self.field_ids.add(field_id)
        self.class_ids.extend(int(c) for c in dets.class_id)
        return True

    def differential(self, taxonomy: Taxonomy) -> list[Proportion]:
        return differential(self.class_ids, taxonomy)


@dataclass(frozen=True)
class CountRow:
    label: str
    in_frame: int
    in_session: int
    percent: float  # of the session's cells (artifacts excluded)


def count_rows(taxonomy: Taxonomy, frame: Detections | None, tally: SessionTally) -> list[CountRow]:
    """One row per class seen in the frame or the session, most frequent in the session first."""
    in_frame = np.bincount(frame.class_id, minlength=taxonomy.num_classes) if frame is not None and len(frame) \
        else np.zeros(taxonomy.num_classes, np.int64)
    session = {p.label: p for p in tally.differential(taxonomy)}
    rows = []
    for c, name in enumerate(taxonomy.classes):
        p = session.get(name)
        n_session = p.count if p else tally.class_ids.count(c)  # artifacts: counted, not in the differential
        if in_frame[c] or n_session:
            rows.append(CountRow(name, int(in_frame[c]), n_session, 100.0 * p.fraction if p else 0.0))
    return sorted(rows, key=lambda r: (-r.in_session, -r.in_frame, r.label))
