"""Letterbox: fit a frame into the network input keeping its aspect, and map boxes back.

The one implementation used by the live pipeline, the batch scan, export parity and QA, so
that every path feeds the network the same pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from edge_app.detections import Detections


@dataclass(frozen=True)
class LetterboxTransform:
    """Frame pixel -> network pixel: x' = x * scale + pad_x (same for y)."""

    scale: float
    pad_x: float
    pad_y: float
    frame_size: tuple[int, int]  # (height, width) of the original frame

    def to_frame(self, dets: Detections) -> Detections:
        """Boxes from network input pixels back to frame pixels, clipped to the frame."""
        inv = 1.0 / self.scale
        mapped = dets.scaled(inv, inv, -self.pad_x * inv, -self.pad_y * inv)
        h, w = self.frame_size
        xyxy = np.clip(mapped.xyxy, 0, [w, h, w, h]).astype(np.float32)
        return Detections(xyxy, mapped.class_id, mapped.score, mapped.attr_prob)


def letterbox(
    image: np.ndarray, input_size: tuple[int, int], pad_value: int = 114
) -> tuple[np.ndarray, LetterboxTransform]:
    """Resize `image` (H,W,C) into `input_size` (h, w) keeping aspect; pad the rest, centred.

    Matches ultralytics' LetterBox (centre padding, INTER_LINEAR, round-half pads) so that a
    model trained there sees the same pixels here.
    """
    h0, w0 = image.shape[:2]
    h, w = input_size
    scale = min(h / h0, w / w0)
    new_w, new_h = round(w0 * scale), round(h0 * scale)
    dw, dh = (w - new_w) / 2, (h - new_h) / 2
    resized = image if (new_w, new_h) == (w0, h0) else cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
    top, bottom = round(dh - 0.1), round(dh + 0.1)
    left, right = round(dw - 0.1), round(dw + 0.1)
    padded = cv2.copyMakeBorder(resized, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(pad_value,) * 3)
    return padded, LetterboxTransform(scale, float(left), float(top), (h0, w0))


def to_input_tensor(image: np.ndarray, rgb: bool = True, pixel_scale: float = 1.0 / 255.0) -> np.ndarray:
    """(H,W,3) uint8 BGR -> (1,3,H,W) float32, channel order and scaling as the model card says."""
    if rgb:
        image = image[..., ::-1]
    chw = np.ascontiguousarray(image.transpose(2, 0, 1), dtype=np.float32)
    chw *= pixel_scale
    return chw[None]
