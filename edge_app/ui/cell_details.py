"""Which cell was clicked, its class, score and attributes with probabilities, and its crop."""

from __future__ import annotations

import numpy as np

from edge_app.detections import Detections
from edge_app.taxonomy import Taxonomy


def cell_at(dets: Detections, x: float, y: float) -> int | None:
    """Index of the smallest box containing frame point (x, y), or None."""
    b = dets.xyxy
    inside = (b[:, 0] <= x) & (x <= b[:, 2]) & (b[:, 1] <= y) & (y <= b[:, 3])
    if not inside.any():
        return None
    area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return int(np.flatnonzero(inside)[np.argmin(area[inside])])


def cell_details_text(taxonomy: Taxonomy, dets: Detections, i: int) -> str:
    lines = [f"{taxonomy.classes[int(dets.class_id[i])]}  {float(dets.score[i]):.2f}"]
    for a, attr in enumerate(taxonomy.attributes[: dets.num_attributes]):
        probs = dets.attr_prob[i, a]
        v = int(np.argmax(probs))
        name = attr.values[v] if v < len(attr.values) else str(v)
        lines.append(f"{attr.name.replace('_', ' ')}: {name} ({float(probs[v]):.2f})")
    return "\n".join(lines)
