"""A trained AttriDet's frozen head inputs per labelled image, for the attribute benchmarks.

`attribute_feature_probe.py` and `attribute_head_ab.py` both run a checkpoint over every image of a
data set and read what its attribute branch sees: the detector's level maps (P3-P5) and the stride-4
structure map (`AttriDetect.structure`, fused from the two earliest backbone stages). Images are
resized to the training size (square synthetic fields: no letterbox needed) and fed RGB in [0, 1].
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import torch
from tqdm import tqdm

from edge_app.formats.dataset import iter_samples, load_dataset, read_labels
from edge_app.formats.yolo_attr import LabelRow
from edge_app.taxonomy import Taxonomy
from export.checkpoint import load_weights


@dataclass(frozen=True)
class ImageMaps:
    levels: list[torch.Tensor]  # (1, C, H, W) per detection level
    structure: torch.Tensor  # (1, C_s, imgsz/4, imgsz/4)
    early: list[torch.Tensor]  # the stride-2 and stride-4 backbone maps the structure map is fused from
    cells: list[LabelRow]  # the image's white cells (artifacts left out)


def image_maps(weights: Path, data_yaml: Path, imgsz: int) -> tuple[Taxonomy, Iterator[ImageMaps]]:
    """The data set's taxonomy and, lazily, the maps of every image (all splits) that holds a white cell."""
    model = load_weights(weights).model
    head = model.model[-1]
    kept: dict[str, list[torch.Tensor]] = {}
    head.register_forward_pre_hook(lambda _m, inputs: kept.__setitem__("x", inputs[0]))
    spec = load_dataset(data_yaml)
    taxonomy = spec.taxonomy
    white = set(taxonomy.white_cell_classes)

    def generate() -> Iterator[ImageMaps]:
        for split in spec.splits:
            for sample in tqdm(list(iter_samples(spec, split)), desc=f"{data_yaml.parent.name}/{split}", leave=False):
                image = cv2.imread(str(sample.image))
                cells = [r for r in read_labels(sample.label, taxonomy) if taxonomy.classes[r.class_id] in white]
                if image is None or not cells:
                    continue
                small = cv2.resize(image, (imgsz, imgsz), interpolation=cv2.INTER_AREA)
                rgb = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
                with torch.no_grad():
                    model(torch.from_numpy(rgb).permute(2, 0, 1)[None].float() / 255)
                    x = kept["x"]
                    structure = head.structure(x[head.nl], x[head.nl + 1])
                yield ImageMaps([t.clone() for t in x[: head.nl]], structure, [t.clone() for t in x[head.nl :]], cells)

    return taxonomy, generate()
