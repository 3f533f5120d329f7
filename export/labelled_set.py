"""A labelled split of a dataset, as (image, ground-truth `Detections`) pairs for parity runs.

A thin view over `edge_app.formats.dataset` (the one reader of Leuko's data.yaml and labels).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edge_app.detections import Detections
from edge_app.errors import DataFormatError
from edge_app.formats.dataset import Sample, ground_truth, iter_samples, label_path_for, load_dataset
from edge_app.taxonomy import Taxonomy
from export.calibration import read_image

label_path = label_path_for


@dataclass(frozen=True)
class LabelledSet:
    taxonomy: Taxonomy
    samples_: tuple[Sample, ...]
    split: str
    domain: str | None = None

    @property
    def images(self) -> tuple[Path, ...]:
        return tuple(s.image for s in self.samples_)

    def __len__(self) -> int:
        return len(self.samples_)

    def samples(self) -> Iterator[tuple[np.ndarray, Detections]]:
        """(BGR image, ground truth in its pixels) per image."""
        for sample in self.samples_:
            yield read_image(sample.image), ground_truth(sample, self.taxonomy)


def load_split(data_yaml: Path, split: str = "val") -> LabelledSet:
    spec = load_dataset(data_yaml)
    if split not in spec.splits:
        have = ", ".join(spec.splits) or "none"
        raise DataFormatError(f"the dataset YAML has no {split!r} split", where=str(spec.yaml_path),
                              hint=f"pass --split with one of: {have}")
    samples = tuple(iter_samples(spec, split))
    if not samples:
        raise DataFormatError(f"the {split} split has no images", where=str(spec.yaml_path))
    return LabelledSet(spec.taxonomy, samples, split, spec.domain)
