"""`ReplaySource`: a folder of images or a video file, played back like a camera.

Replay is how everything runs without a microscope: tests, demos, batch scans of a day's
saved fields. It paces frames at a given FPS (or as fast as possible, `fps=None`), can loop,
and skips an unreadable image with a reported `skipped` event instead of stopping a scan of
thousands of fields on one bad file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from edge_app.errors import DataFormatError, DeviceError
from edge_app.formats.image_io import IMAGE_SUFFIXES, image_size, read_image
from edge_app.frame import Frame
from edge_app.sources.base import FrameSource
from edge_app.sources.events import EventSink
from edge_app.sources.pacing import Pacer

VIDEO_SUFFIXES: frozenset[str] = frozenset(
    {".avi", ".mp4", ".m4v", ".mkv", ".mov", ".webm", ".mjpg", ".mjpeg", ".mpg", ".mpeg", ".wmv"}
)


def natural_key(path: Path) -> list[str | int]:
    """Sort `field2.jpg` before `field10.jpg`, as a technician numbering fields expects."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


def list_images(folder: Path) -> list[Path]:
    """The image files directly in `folder`, in natural order."""
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES]
    return sorted(files, key=natural_key)


class _FolderReader:
    """Images of a folder (or one image file), one per `next()`; skips unreadable files."""

    def __init__(self, files: list[Path], on_skip: Callable[[str], None]) -> None:
        self.files = files
        self._on_skip = on_skip
        self._pos = 0

    def next(self) -> np.ndarray | None:
        while self._pos < len(self.files):
            path = self.files[self._pos]
            self._pos += 1
            try:
                return read_image(path)
            except DataFormatError as exc:
                self._on_skip(f"skipped {path.name}: {exc.message}")
        return None

    def rewind(self) -> None:
        self._pos = 0

    def close(self) -> None:
        self._pos = len(self.files)


class _VideoReader:
    """Frames of a video file through OpenCV; reopened to rewind (seeking is unreliable per codec)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._cap = self._open()

    def _open(self) -> cv2.VideoCapture:
        cap = cv2.VideoCapture(str(self.path))
        if not cap.isOpened():
            cap.release()
            raise DeviceError(
                "cannot open the video", where=str(self.path),
                hint="is it a complete video file? OpenCV reads .avi/.mp4/.mkv/.mov; or give a folder of images",
            )
        return cap

    @property
    def size(self) -> tuple[int, int]:
        return int(self._cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(self._cap.get(cv2.CAP_PROP_FRAME_HEIGHT))

    @property
    def frame_count(self) -> int | None:
        count = int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT))
        return count if count > 0 else None

    def next(self) -> np.ndarray | None:
        ok, image = self._cap.read()
        return image if ok and image is not None else None

    def rewind(self) -> None:
        self._cap.release()
        self._cap = self._open()

    def close(self) -> None:
        self._cap.release()


class ReplaySource(FrameSource):
    """Plays `path` (an image folder, an image, or a video) at `fps` (None: as fast as possible)."""

    is_live = False

    def __init__(
        self, path: str | Path, *, fps: float | None = None, loop: bool = False,
        source_id: str | None = None, on_event: EventSink | None = None,
    ) -> None:
        self.path = Path(path)
        super().__init__(source_id or f"replay:{self.path.name}", on_event)
        self.loop = loop
        self._fps = fps
        self._pacer = Pacer(fps)
        self._reader: _FolderReader | _VideoReader | None = None
        self._finished = False
        self._delivered_this_pass = 0
        self._frame_count: int | None = None

    @property
    def nominal_fps(self) -> float | None:
        return self._fps

    @property
    def finished(self) -> bool:
        return self._finished

    @property
    def frame_count(self) -> int | None:
        """Frames in one pass (images in the folder, or the video's count); None if unknown."""
        return self._frame_count

    def open(self) -> None:
        self.close()
        self._reader = self._make_reader()
        self._finished = False
        self._delivered_this_pass = 0
        self._pacer.reset()

    def _make_reader(self) -> _FolderReader | _VideoReader:
        path = self.path
        if path.is_dir():
            files = list_images(path)
            if not files:
                suffixes = " ".join(sorted(IMAGE_SUFFIXES))
                raise DeviceError("no images in this folder", where=str(path), hint=f"image files end in {suffixes}")
            self._frame_count = len(files)
            self._resolution = _size_or_none(files[0])
            return _FolderReader(files, self._skipped)
        if not path.is_file():
            raise DeviceError("no such file or folder", where=str(path), hint="give an image folder or a video file")
        if path.suffix.lower() in IMAGE_SUFFIXES:
            self._frame_count = 1
            return _FolderReader([path], self._skipped)
        video = _VideoReader(path)
        self._frame_count, self._resolution = video.frame_count, video.size
        return video

    def _skipped(self, message: str) -> None:
        self._emit("skipped", message)

    def read(self) -> Frame | None:
        if self._reader is None:
            raise RuntimeError(f"{self!r}: read() before open()")
        if self._finished or not self._pacer.ready():
            return None
        image = self._next_image(self._reader)
        if image is None:
            self._finished = True
            self._emit("finished", f"end of the recording after {self._index} frames")
            return None
        self._pacer.delivered()
        self._delivered_this_pass += 1
        return self._frame(image)

    def _next_image(self, reader: _FolderReader | _VideoReader) -> np.ndarray | None:
        image = reader.next()
        if image is None and self.loop and self._delivered_this_pass:
            reader.rewind()
            self._delivered_this_pass = 0
            image = reader.next()
        return image

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None


def _size_or_none(path: Path) -> tuple[int, int] | None:
    try:
        return image_size(path)
    except DataFormatError:
        return None
