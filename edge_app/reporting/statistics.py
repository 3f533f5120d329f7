"""Counts a hematologist can trust: proportions always come with a 95% Wilson interval.

3 blasts in 40 cells is "7.5% (95% CI 2.6–19.9%)", never "7.5%" alone: with the small counts
of a manual or automated differential the interval is the honest part of the number.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from edge_app.taxonomy import Taxonomy

Z_95 = 1.959963984540054


def wilson_interval(successes: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion; (0, 0) when there are no trials."""
    if total <= 0:
        return 0.0, 0.0
    p = successes / total
    denom = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Proportion:
    label: str
    count: int
    total: int

    @property
    def fraction(self) -> float:
        return self.count / self.total if self.total else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.count, self.total)

    def describe(self) -> str:
        lo, hi = self.interval
        return f"{self.fraction:.1%} (95% CI {lo:.1%}–{hi:.1%}; {self.count}/{self.total})"


def differential(class_ids: Iterable[int], taxonomy: Taxonomy) -> list[Proportion]:
    """WBC differential over the white-cell classes (artifacts, red cells, platelets left out), most frequent
    first."""
    counts = np.bincount(np.fromiter(class_ids, dtype=np.int64), minlength=taxonomy.num_classes)
    white = set(taxonomy.white_cell_classes)
    cell_classes = [c for c, name in enumerate(taxonomy.classes) if name in white]
    total = int(sum(counts[c] for c in cell_classes))
    rows = [Proportion(taxonomy.classes[c], int(counts[c]), total) for c in cell_classes]
    return sorted(rows, key=lambda r: (-r.count, r.label))


def attribute_frequencies(codes: np.ndarray, taxonomy: Taxonomy) -> dict[str, list[Proportion]]:
    """Per attribute, the share of each value among the cells where it is known ((N, A) codes)."""
    out: dict[str, list[Proportion]] = {}
    for a, attribute in enumerate(taxonomy.attributes):
        column = codes[:, a] if len(codes) else np.zeros(0, np.int64)
        known = column[column != taxonomy.not_annotated]
        out[attribute.name] = [
            Proportion(value, int((known == i).sum()), len(known)) for i, value in enumerate(attribute.values)
        ]
    return out
