"""Annotators: boxes, class + score labels, attribute badges, per-class counts, legend.

Compose them (`compose([...])`) and apply to a frame copy; none of them changes `Detections`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from edge_app.detections import Detections
from edge_app.overlay.style import OverlayScale, class_color, label_height, put_label
from edge_app.taxonomy import Taxonomy

Annotator = Callable[[np.ndarray, Detections], np.ndarray]


class BoxAnnotator:
    def __call__(self, scene: np.ndarray, dets: Detections) -> np.ndarray:
        scale = OverlayScale.for_height(scene.shape[0])
        for box, cls in zip(dets.xyxy.astype(int), dets.class_id, strict=True):
            cv2.rectangle(scene, tuple(box[:2]), tuple(box[2:]), class_color(int(cls)), scale.line, cv2.LINE_AA)
        return scene


@dataclass
class LabelAnnotator:
    """'Myeloblast 0.91' above each box."""

    taxonomy: Taxonomy

    def __call__(self, scene: np.ndarray, dets: Detections) -> np.ndarray:
        scale = OverlayScale.for_height(scene.shape[0])
        for box, cls, score in zip(dets.xyxy, dets.class_id, dets.score, strict=True):
            text = f"{self.taxonomy.classes[int(cls)]} {score:.2f}"
            put_label(scene, text, int(box[0]), int(box[1]) - label_height(text, scale), class_color(int(cls)), scale)
        return scene


@dataclass
class AttributeBadgeAnnotator:
    """Short codes of the shown attributes under each box, e.g. 'Ch:ope NS:irr Nu:pro'."""

    taxonomy: Taxonomy
    shown: Sequence[str] | None = None  # attribute names; None = all

    def __call__(self, scene: np.ndarray, dets: Detections) -> np.ndarray:
        if dets.num_attributes == 0:
            return scene
        scale = OverlayScale.for_height(scene.shape[0])
        indices = [i for i, a in enumerate(self.taxonomy.attributes) if self.shown is None or a.name in self.shown]
        for box, values in zip(dets.xyxy, dets.attr_value, strict=True):
            text = " ".join(self.taxonomy.attributes[i].value_short(int(values[i])) for i in indices)
            if text:
                put_label(scene, text, int(box[0]), int(box[3]) + 2, (40, 40, 40), scale)
        return scene


@dataclass
class CountsAnnotator:
    """A per-class count panel in the top-left corner (only classes present)."""

    taxonomy: Taxonomy

    def __call__(self, scene: np.ndarray, dets: Detections) -> np.ndarray:
        scale = OverlayScale.for_height(scene.shape[0])
        counts = np.bincount(dets.class_id, minlength=self.taxonomy.num_classes) if len(dets) else []
        y = 4
        for cls, n in enumerate(counts):
            if n:
                y += put_label(scene, f"{self.taxonomy.classes[cls]}: {n}", 4, y, class_color(cls), scale) + 2
        return scene


@dataclass
class LegendAnnotator:
    """The badge legend ('Ch = nuclear chromatin …') along the bottom edge."""

    taxonomy: Taxonomy
    shown: Sequence[str] | None = None

    def __call__(self, scene: np.ndarray, dets: Detections) -> np.ndarray:
        scale = OverlayScale.for_height(scene.shape[0])
        parts = [f"{a.short}={a.name.replace('_', ' ')}" for a in self.taxonomy.attributes
                 if self.shown is None or a.name in self.shown]
        if parts:
            put_label(scene, "  ".join(parts), 4, scene.shape[0] - label_height("Ag", scale) - 2, (30, 30, 30), scale)
        return scene


@dataclass
class Overlay:
    """The full overlay: boxes, labels, badges, counts, legend — drawn on a copy of the frame."""

    taxonomy: Taxonomy
    shown_attributes: Sequence[str] | None = None
    annotators: list[Annotator] = field(init=False)

    def __post_init__(self) -> None:
        self.annotators = [
            BoxAnnotator(),
            LabelAnnotator(self.taxonomy),
            AttributeBadgeAnnotator(self.taxonomy, self.shown_attributes),
            CountsAnnotator(self.taxonomy),
            LegendAnnotator(self.taxonomy, self.shown_attributes),
        ]

    def draw(self, frame: np.ndarray, dets: Detections) -> np.ndarray:
        scene = frame.copy()
        for annotate in self.annotators:
            scene = annotate(scene, dets)
        return scene
