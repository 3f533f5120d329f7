"""Calibration images for INT8: unlabelled fields of the TARGET domain, fed as the app feeds them.

Every image goes through edge_app's own `letterbox` and `to_input_tensor` with the card's
preprocessing, so the ranges INT8 is calibrated on are the ranges the app will produce.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from edge_app.errors import DataFormatError
from edge_app.model_card import ModelCard
from edge_app.runtime.letterbox import letterbox, to_input_tensor

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff")
RECOMMENDED_IMAGES = 300  # below this, activation ranges of rare fields (dense, dim, stained) are guessed


class CalibrationWarning(UserWarning):
    """The calibration set is smaller than INT8 needs for stable activation ranges."""


def find_images(folder: Path) -> list[Path]:
    """Every image under `folder` (recursively), in a stable order."""
    if not folder.is_dir():
        raise DataFormatError("calibration folder not found", where=str(folder),
                              hint="pass --calib with a folder of unlabelled images of the target domain")
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())


@dataclass(frozen=True)
class CalibrationSet:
    """The images INT8 is calibrated on, and the card that says how to preprocess them."""

    images: tuple[Path, ...]
    card: ModelCard
    source: str

    @classmethod
    def from_folder(cls, folder: Path, card: ModelCard, limit: int | None = None) -> CalibrationSet:
        images = find_images(folder)
        if not images:
            raise DataFormatError("no calibration images (jpg/png/bmp/tif) found", where=str(folder),
                                  hint="INT8 needs a few hundred unlabelled images of the target domain")
        if len(images) < RECOMMENDED_IMAGES:
            warnings.warn(
                f"only {len(images)} calibration images in {folder}; INT8 needs about {RECOMMENDED_IMAGES} "
                f"({RECOMMENDED_IMAGES - len(images)} more) of the target domain for stable ranges",
                CalibrationWarning, stacklevel=2,
            )
        return cls(tuple(_spread(images, limit)), card, str(folder))

    def __len__(self) -> int:
        return len(self.images)

    def subset(self, count: int) -> CalibrationSet:
        """`count` images spread over the set (for quick measurements)."""
        return CalibrationSet(tuple(_spread(list(self.images), count)), self.card, self.source)

    def tensors(self) -> Iterator[np.ndarray]:
        """(1,3,H,W) float32 tensors, exactly as the app's Detector builds them."""
        for path in self.images:
            yield preprocess(read_image(path), self.card)

    def describe(self) -> dict[str, object]:
        return {"images": len(self.images), "source": self.source,
                "preprocessing": "edge_app.runtime.letterbox + to_input_tensor"}


def preprocess(image: np.ndarray, card: ModelCard) -> np.ndarray:
    padded, _ = letterbox(image, card.input_size, card.letterbox_value)
    return to_input_tensor(padded, card.color_order == "RGB", card.pixel_scale)


def read_image(path: Path) -> np.ndarray:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise DataFormatError("cannot read image (corrupt or not an image)", where=str(path),
                              hint="remove it from the folder or replace it")
    return image


def _spread(images: list[Path], limit: int | None) -> list[Path]:
    """At most `limit` images taken evenly over the sorted list (slides and fields stay mixed)."""
    if limit is None or len(images) <= limit:
        return images
    index = np.linspace(0, len(images) - 1, limit).round().astype(int)
    return [images[i] for i in dict.fromkeys(index.tolist())]
