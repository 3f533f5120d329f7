"""`FrameSource`: the one small interface every camera, stream and replay sits behind.

The app never asks what kind of camera it has: it opens a source, reads the newest frame,
and closes it. `read()` blocks for at most about one frame period (a camera's own frame
interval, a replay's pacing, a stream's next part) and returns None when nothing new came;
`finished` then says whether that None means "end of the recording". A live source that
loses its device raises `DeviceError` from `read()`, so that a wrapper
(`ReconnectingSource`) can decide what to do; a source itself holds no app logic.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self

import cv2
import numpy as np

from edge_app.frame import Frame
from edge_app.sources.events import EventKind, EventSink, SourceEvent, log_event


class FrameSource(ABC):
    """Open, read the newest frame, close; plus what a UI needs to describe the source."""

    is_live: bool = True

    def __init__(self, source_id: str, on_event: EventSink | None = None) -> None:
        self._source_id = source_id
        self.on_event: EventSink = on_event or log_event
        self._resolution: tuple[int, int] | None = None
        self._index = 0

    @abstractmethod
    def open(self) -> None:
        """Acquire the device or file; `DeviceError` (with a hint) when it cannot be had."""

    @abstractmethod
    def read(self) -> Frame | None:
        """The next frame, or None when none is ready yet or the source has finished."""

    @abstractmethod
    def close(self) -> None:
        """Release the device; safe to call twice or on a source that never opened."""

    @property
    def source_id(self) -> str:
        """A short, credential-free name for logs, records and the UI (e.g. `uvc:0`)."""
        return self._source_id

    @property
    def resolution(self) -> tuple[int, int] | None:
        """(width, height) of the frames actually delivered, else as requested; None if unknown."""
        return self._resolution

    @property
    def nominal_fps(self) -> float | None:
        """The frame rate the source promises (camera setting, replay pacing); None: unknown or unpaced."""
        return None

    @property
    def finished(self) -> bool:
        """True once a finite source (a recording) has delivered its last frame. Live sources never finish."""
        return False

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.source_id!r})"

    def _emit(self, kind: EventKind, message: str, retry_in_s: float | None = None) -> None:
        self.on_event(SourceEvent(kind, self.source_id, message, retry_in_s))

    def _frame(self, image: np.ndarray) -> Frame:
        """Wrap a BGR image as the next Frame of this source; remembers the delivered size."""
        frame = Frame(image=to_bgr(image), index=self._index, source_id=self.source_id)
        self._index += 1
        self._resolution = (frame.width, frame.height)
        return frame


def to_bgr(image: np.ndarray) -> np.ndarray:
    """Grey or BGRA camera output as the 3-channel BGR uint8 every Frame carries."""
    if image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 1):
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image


class WrappedSource(FrameSource):
    """A source around another (fault injection, reconnection): it speaks with the inner
    source's id, size and rate, and the inner source's events go wherever this one's go."""

    def __init__(self, inner: FrameSource, on_event: EventSink | None = None) -> None:
        super().__init__(inner.source_id, on_event or inner.on_event)
        self.inner = inner
        inner.on_event = self._forward

    def _forward(self, event: SourceEvent) -> None:
        self.on_event(event)

    @property
    def resolution(self) -> tuple[int, int] | None:
        return self.inner.resolution

    @property
    def nominal_fps(self) -> float | None:
        return self.inner.nominal_fps
