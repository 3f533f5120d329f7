"""Colours and sizes shared by every annotator, scaled to the frame so text stays legible
on an 800x480 Pi touchscreen and on a 1920x1080 monitor alike."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# 14 distinguishable BGR colours (LeukemiaAttri class order); artifacts ("None") in grey.
CLASS_COLORS: tuple[tuple[int, int, int], ...] = (
    (160, 160, 160), (40, 40, 230), (30, 120, 250), (60, 200, 60), (230, 90, 200), (0, 200, 255),
    (0, 80, 170), (230, 160, 40), (150, 60, 120), (50, 0, 200), (200, 200, 0), (90, 170, 0),
    (20, 140, 240), (160, 40, 80),
)
FONT = cv2.FONT_HERSHEY_SIMPLEX


def class_color(class_id: int) -> tuple[int, int, int]:
    return CLASS_COLORS[class_id % len(CLASS_COLORS)]


@dataclass(frozen=True)
class OverlayScale:
    """Line and text sizes for a frame of a given height (reference: 1080 px)."""

    font_scale: float
    thickness: int
    line: int

    @classmethod
    def for_height(cls, height: int) -> OverlayScale:
        # Floor keeps text readable when a 5MP frame is shown shrunk on a small screen.
        k = max(height / 1080.0, 0.45)
        return cls(font_scale=0.75 * k, thickness=max(1, round(2 * k)), line=max(2, round(3 * k)))


def text_size(text: str, scale: OverlayScale) -> tuple[int, int, int]:
    (w, h), baseline = cv2.getTextSize(text, FONT, scale.font_scale, scale.thickness)
    return w, h, baseline


def label_height(text: str, scale: OverlayScale) -> int:
    """Height of the filled box `put_label` draws for `text`."""
    _, h, base = text_size(text, scale)
    return h + base + 2 * _padding(scale)


def _padding(scale: OverlayScale) -> int:
    return max(2, scale.thickness * 2)


def put_label(scene: np.ndarray, text: str, x: int, y: int, color: tuple[int, int, int], scale: OverlayScale) -> int:
    """Text on a filled box of `color` whose top-left is (x, y); returns the box height."""
    w, h, base = text_size(text, scale)
    pad = _padding(scale)
    h_img, w_img = scene.shape[:2]
    x = int(min(max(x, 0), max(w_img - w - 2 * pad, 0)))
    y = int(min(max(y, 0), max(h_img - h - base - 2 * pad, 0)))
    cv2.rectangle(scene, (x, y), (x + w + 2 * pad, y + h + base + 2 * pad), color, cv2.FILLED)
    luma = 0.114 * color[0] + 0.587 * color[1] + 0.299 * color[2]
    ink = (0, 0, 0) if luma > 140 else (255, 255, 255)
    cv2.putText(scene, text, (x + pad, y + pad + h), FONT, scale.font_scale, ink, scale.thickness, cv2.LINE_AA)
    return h + base + 2 * pad
