"""`Detections`: one immutable set of N cells as aligned numpy arrays.

Built once from a backend's output (or a label file) and read unchanged by overlays, the
store, reports and the QA comparison. Indexing with a boolean mask or an index array keeps
every array aligned, as supervision's `Detections` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from edge_app.errors import ValidationError


def _readonly(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class Detections:
    """N detections: `xyxy` (N,4) frame pixels, `class_id` (N,), `score` (N,), `attr_prob` (N,A,K).

    `attr_prob[i, a, v]` is the probability that attribute `a` of cell `i` has value `v`. A
    dataset's ground truth is a `Detections` with score 1 and one-hot `attr_prob`; an attribute
    that is not annotated has an all-zero row (see `attr_annotated`).
    """

    xyxy: np.ndarray
    class_id: np.ndarray
    score: np.ndarray
    attr_prob: np.ndarray

    def __post_init__(self) -> None:
        xyxy = np.asarray(self.xyxy, dtype=np.float32).reshape(-1, 4)
        n = len(xyxy)
        class_id = np.asarray(self.class_id, dtype=np.int64).reshape(-1)
        score = np.asarray(self.score, dtype=np.float32).reshape(-1)
        attr_prob = np.asarray(self.attr_prob, dtype=np.float32)
        if attr_prob.ndim != 3:
            attr_prob = attr_prob.reshape(n, 0, 0) if attr_prob.size == 0 else attr_prob
        if len(class_id) != n or len(score) != n or attr_prob.ndim != 3 or len(attr_prob) != n:
            raise ValidationError(
                f"Detections arrays are not aligned: xyxy {xyxy.shape}, class_id {class_id.shape}, "
                f"score {score.shape}, attr_prob {attr_prob.shape} (expected N, N, N, (N,A,K))"
            )
        if n and not np.all(np.isfinite(xyxy)):
            raise ValidationError("Detections.xyxy holds NaN or infinite coordinates")
        if n and np.any(xyxy[:, 2:] < xyxy[:, :2]):
            raise ValidationError("Detections.xyxy has a box whose x2 < x1 or y2 < y1")
        for name, value in (("xyxy", xyxy), ("class_id", class_id), ("score", score), ("attr_prob", attr_prob)):
            object.__setattr__(self, name, _readonly(value))

    # --- construction ------------------------------------------------------------------
    @classmethod
    def empty(cls, num_attributes: int = 0, max_values: int = 0) -> Detections:
        return cls(
            np.zeros((0, 4), np.float32),
            np.zeros(0, np.int64),
            np.zeros(0, np.float32),
            np.zeros((0, num_attributes, max_values), np.float32),
        )

    @classmethod
    def from_attribute_codes(
        cls,
        xyxy: np.ndarray,
        class_id: np.ndarray,
        codes: np.ndarray,
        max_values: int,
        score: np.ndarray | None = None,
    ) -> Detections:
        """Ground truth from label codes (N,A): one-hot rows, all-zero where not annotated."""
        codes = np.asarray(codes, dtype=np.int64).reshape(len(class_id), -1)
        prob = np.zeros((*codes.shape, max_values), np.float32)
        n_idx, a_idx = np.nonzero((codes >= 0) & (codes < max_values))
        prob[n_idx, a_idx, codes[n_idx, a_idx]] = 1.0
        score = np.ones(len(class_id), np.float32) if score is None else score
        return cls(xyxy, class_id, score, prob)

    @classmethod
    def concat(cls, parts: Sequence[Detections]) -> Detections:
        if not parts:
            return cls.empty()
        return cls(
            np.concatenate([p.xyxy for p in parts]),
            np.concatenate([p.class_id for p in parts]),
            np.concatenate([p.score for p in parts]),
            np.concatenate([p.attr_prob for p in parts]),
        )

    # --- views ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.xyxy)

    def __getitem__(self, index: np.ndarray | slice | int | Sequence[int]) -> Detections:
        if isinstance(index, int | np.integer):
            index = [int(index)]
        return Detections(self.xyxy[index], self.class_id[index], self.score[index], self.attr_prob[index])

    @property
    def num_attributes(self) -> int:
        return self.attr_prob.shape[1]

    @property
    def attr_value(self) -> np.ndarray:
        """(N,A) most probable value per attribute."""
        return self.attr_prob.argmax(axis=2) if self.attr_prob.size else np.zeros(self.attr_prob.shape[:2], np.int64)

    @property
    def attr_confidence(self) -> np.ndarray:
        """(N,A) probability of the most probable value."""
        return self.attr_prob.max(axis=2) if self.attr_prob.size else np.zeros(self.attr_prob.shape[:2], np.float32)

    @property
    def attr_annotated(self) -> np.ndarray:
        """(N,A) False where a ground-truth attribute is 'not annotated' (all-zero row)."""
        return self.attr_prob.sum(axis=2) > 0

    def attribute_codes(self, not_annotated: int) -> np.ndarray:
        """(N,A) label codes: the argmax value, or `not_annotated` where the row is empty."""
        return np.where(self.attr_annotated, self.attr_value, not_annotated)

    def scaled(self, sx: float, sy: float, dx: float = 0.0, dy: float = 0.0) -> Detections:
        """Boxes mapped by x' = x*sx + dx, y' = y*sy + dy (e.g. tile or letterbox back to frame)."""
        xyxy = self.xyxy * np.array([sx, sy, sx, sy], np.float32) + np.array([dx, dy, dx, dy], np.float32)
        return Detections(xyxy, self.class_id, self.score, self.attr_prob)

    # --- serialisation -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "xyxy": self.xyxy.round(2).tolist(),
            "class_id": self.class_id.tolist(),
            "score": self.score.round(5).tolist(),
            "attr_prob": self.attr_prob.round(5).tolist(),
            "attr_shape": list(self.attr_prob.shape[1:]),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Detections:
        try:
            n = len(data["class_id"])
            a, k = data.get("attr_shape", (0, 0))
            attr = np.asarray(data["attr_prob"], np.float32).reshape(n, int(a), int(k))
            return cls(np.asarray(data["xyxy"], np.float32).reshape(n, 4), data["class_id"], data["score"], attr)
        except (KeyError, ValueError, TypeError) as exc:
            raise ValidationError(f"detections record is malformed: {exc}") from None
