"""What a scan reads: the fields of an image folder, one image, or a video file, in order.

A folder's image files are read directly (not recursively), in natural order; its other files
are listed as unsupported, never fatal. A field's identity is the sha256 of its bytes: the saved
file as it is, or for a video frame the PNG that Leuko encodes of it (lossless, so the stored
field is the evidence; the same OpenCV build encodes the same pixels to the same bytes, which is
what makes a re-scan of the same video resumable).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from edge_app.errors import DataFormatError, DeviceError
from edge_app.formats.image_io import IMAGE_SUFFIXES, check_image
from edge_app.sources.replay_source import VIDEO_SUFFIXES, natural_key


@dataclass(frozen=True)
class FieldInput:
    """One field to scan: a saved image file, or a decoded video frame (`frame` set)."""

    name: str
    index: int
    source_id: str
    path: Path | None = None
    frame: np.ndarray | None = None


@dataclass(frozen=True)
class LoadedField:
    """A field's pixels and the exact bytes that identify (and are stored for) it."""

    image: np.ndarray
    data: bytes
    ext: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class ScanInputs:
    """The fields of one scan target, plus the files that cannot be fields."""

    fields: list[FieldInput]
    unsupported: list[str]
    total: int | None  # None: a video whose frame count is unknown
    video: Path | None = None


def collect_inputs(target: Path) -> ScanInputs:
    """List the fields of a folder / image / video; `DataFormatError` if there is nothing to scan."""
    if target.is_dir():
        return _folder_inputs(target)
    if not target.is_file():
        raise DataFormatError("no such file or folder", where=str(target),
                              hint="give a folder of field images, an image or a video file")
    suffix = target.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return ScanInputs([FieldInput(target.name, 0, f"file:{target.name}", path=target)], [], 1)
    if suffix in VIDEO_SUFFIXES:
        return ScanInputs([], [], _video_frame_count(target), video=target)
    raise DataFormatError(f"unsupported file type {suffix or '(none)'}", where=str(target),
                          hint=f"images end in {' '.join(sorted(IMAGE_SUFFIXES))}; videos in .mp4 .avi .mkv ...")


def _folder_inputs(folder: Path) -> ScanInputs:
    files = sorted((p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")), key=natural_key)
    images = [p for p in files if p.suffix.lower() in IMAGE_SUFFIXES]
    unsupported = [f"{p.name}: unsupported file type" for p in files if p.suffix.lower() not in IMAGE_SUFFIXES]
    source = f"folder:{folder.name}"
    fields = [FieldInput(p.name, i, source, path=p) for i, p in enumerate(images)]
    return ScanInputs(fields, unsupported, len(fields))


def _video_frame_count(path: Path) -> int | None:
    cap = _open_video(path)
    count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    cap.release()
    return count if count > 0 else None


def _open_video(path: Path) -> cv2.VideoCapture:
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        cap.release()
        raise DeviceError("cannot open the video", where=str(path),
                          hint="is it a complete video file? or export its frames to a folder of images")
    return cap


def iter_fields(inputs: ScanInputs) -> Iterator[FieldInput]:
    """Every field in order; a video is read frame by frame (never all in memory)."""
    if inputs.video is None:
        yield from inputs.fields
        return
    cap = _open_video(inputs.video)
    source = f"video:{inputs.video.name}"
    try:
        index = 0
        while True:
            ok, image = cap.read()
            if not ok or image is None:
                return
            yield FieldInput(f"{inputs.video.name}#{index}", index, source, frame=image)
            index += 1
    finally:
        cap.release()


def load_field(item: FieldInput) -> LoadedField:
    """Pixels and identifying bytes; `DataFormatError` for a corrupt or truncated file."""
    if item.frame is not None:
        ok, encoded = cv2.imencode(".png", item.frame)
        if not ok:
            raise DataFormatError("cannot encode the video frame as PNG", where=item.name)
        return LoadedField(item.frame, encoded.tobytes(), ".png")
    assert item.path is not None
    check = check_image(item.path)
    if not check.ok:
        raise DataFormatError(check.problem or "unreadable image", where=item.name)
    data = item.path.read_bytes()
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise DataFormatError("the file cannot be decoded as an image (corrupt or not an image)", where=item.name)
    return LoadedField(image, data, item.path.suffix.lower())
