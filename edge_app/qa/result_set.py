"""`ResultSet`: per-image detections from a slide, a results file or a labelled dataset.

Every image carries the sha256 of its file bytes (what the store keys fields by; a dataset's
images are hashed when loaded), so two sets are matched by content, whatever the file names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from edge_app.detections import Detections
from edge_app.model_card import ModelCard
from edge_app.taxonomy import Taxonomy

Kind = Literal["slide", "results", "dataset"]
ImageLoader = Callable[[], np.ndarray | None]


def no_image() -> np.ndarray | None:
    return None


@dataclass(frozen=True)
class ResultItem:
    sha256: str
    name: str
    detections: Detections
    size: tuple[int, int] = (0, 0)  # (width, height); (0, 0) when unknown
    load_image: ImageLoader = no_image


@dataclass(frozen=True)
class ResultSet:
    label: str
    kind: Kind
    taxonomy: Taxonomy
    items: tuple[ResultItem, ...]
    models: tuple[ModelCard, ...] = ()

    @property
    def is_ground_truth(self) -> bool:
        return self.kind == "dataset"

    def by_sha(self) -> dict[str, ResultItem]:
        return {item.sha256: item for item in self.items}

    def by_name(self) -> dict[str, ResultItem]:
        return {item.name: item for item in self.items}
