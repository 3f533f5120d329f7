"""Raw network output -> `Detections` (network-input pixels): the one decoder every path uses.

Output layout (see `trainer/attridet/head.py` and the model card), per candidate anchor,
channels first, shape (1, 4 + nc + V, anchors):

    [0:4]          box cx, cy, w, h in input pixels
    [4:4+nc]       class scores (sigmoid)
    [4+nc:]        attribute value probabilities, softmax within each attribute; attribute a
                   owns the next len(values_a) channels, in taxonomy order
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from edge_app.detections import Detections
from edge_app.errors import ModelError
from edge_app.runtime.nms import nms
from edge_app.taxonomy import Taxonomy


@dataclass(frozen=True)
class DecodeSettings:
    conf_threshold: float = 0.25
    iou_threshold: float = 0.7
    max_detections: int = 300


def expected_channels(taxonomy: Taxonomy) -> int:
    return 4 + taxonomy.num_classes + sum(len(a.values) for a in taxonomy.attributes)


def decode(output: np.ndarray, taxonomy: Taxonomy, settings: DecodeSettings = DecodeSettings()) -> Detections:
    """Threshold on the best class score, convert boxes to xyxy, gather attributes, class-aware NMS."""
    pred = _candidates_last(output, taxonomy)
    nc = taxonomy.num_classes
    scores = pred[:, 4 : 4 + nc]
    class_id = scores.argmax(axis=1)
    best = scores[np.arange(len(pred)), class_id]
    keep = best >= settings.conf_threshold
    pred, class_id, best = pred[keep], class_id[keep], best[keep]
    xyxy = np.concatenate([pred[:, 0:2] - pred[:, 2:4] / 2, pred[:, 0:2] + pred[:, 2:4] / 2], axis=1)
    dets = Detections(xyxy, class_id, best, _attribute_probs(pred[:, 4 + nc :], taxonomy))
    return nms(dets, settings.iou_threshold, settings.max_detections)


def _candidates_last(output: np.ndarray, taxonomy: Taxonomy) -> np.ndarray:
    """(1, C, N) -> (N, C) float32, after checking C against the taxonomy."""
    if output.ndim != 3 or output.shape[0] != 1:
        raise ModelError(f"model output has shape {output.shape}, expected (1, channels, anchors)")
    channels = expected_channels(taxonomy)
    if output.shape[1] != channels:
        raise ModelError(
            f"model output has {output.shape[1]} channels per candidate but the card's taxonomy needs {channels} "
            f"(4 box + {taxonomy.num_classes} classes + attribute values)",
            hint="the card does not belong to this model file: re-export the bundle",
        )
    return np.ascontiguousarray(output[0].T, dtype=np.float32)


def _attribute_probs(flat: np.ndarray, taxonomy: Taxonomy) -> np.ndarray:
    """(N, V) grouped channels -> (N, A, K), zero-padded where an attribute has fewer values."""
    out = np.zeros((len(flat), taxonomy.num_attributes, taxonomy.max_values), np.float32)
    start = 0
    for a, attribute in enumerate(taxonomy.attributes):
        k = len(attribute.values)
        out[:, a, :k] = flat[:, start : start + k]
        start += k
    return out
