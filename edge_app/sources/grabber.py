"""`LatestFrameGrabber`: a capture thread that keeps only the newest frame.

A camera must never queue stale frames: if inference takes 300 ms and the camera gives 30
FPS, the live view must show the field as it is now, not as it was seconds ago. The grabber
reads its source as fast as the source delivers, holds exactly one frame (the newest not yet
taken), and counts every frame that was overwritten unseen as dropped. Counts and capture
FPS are measured here, so the UI shows numbers, not guesses. Nothing in it ever grows.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from types import TracebackType
from typing import Self

from edge_app.errors import DeviceError
from edge_app.frame import Frame
from edge_app.sources.base import FrameSource
from edge_app.sources.events import SourceEvent


@dataclass(frozen=True)
class GrabberStats:
    """Measured, not estimated: frames captured, overwritten unseen, handed out; capture rate."""

    captured: int
    dropped: int
    taken: int
    capture_fps: float
    running: bool
    finished: bool


class LatestFrameGrabber:
    """Runs `source` on its own thread; `latest()` hands out the newest frame not yet taken."""

    def __init__(self, source: FrameSource, *, idle_sleep_s: float = 0.005, fps_window: int = 30) -> None:
        self.source = source
        self.idle_sleep_s = idle_sleep_s
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._opened = threading.Event()
        self._thread: threading.Thread | None = None
        self._latest: Frame | None = None
        self._times: deque[float] = deque(maxlen=max(2, fps_window))
        self._captured = self._dropped = self._taken = 0
        self._running = self._finished = False
        self._open_error: BaseException | None = None
        self.error: Exception | None = None

    def start(self, open_timeout_s: float = 30.0) -> Self:
        """Open the source on the capture thread (some drivers tie a device to its thread) and run."""
        if self._thread is not None:
            raise RuntimeError("a LatestFrameGrabber starts once")
        self._running = True
        self._thread = threading.Thread(target=self._run, name=f"grabber[{self.source.source_id}]", daemon=True)
        self._thread.start()
        if not self._opened.wait(open_timeout_s):
            self.stop(timeout_s=1.0)
            raise DeviceError(f"the source did not open within {open_timeout_s:g} s", where=self.source.source_id)
        if self._open_error is not None:
            self._thread.join()
            raise self._open_error
        return self

    def latest(self, timeout_s: float = 0.0) -> Frame | None:
        """The newest frame not yet taken (then it is taken), waiting up to `timeout_s` for one."""
        with self._cond:
            if self._latest is None and timeout_s > 0:
                self._cond.wait_for(lambda: self._latest is not None or not self._running, timeout_s)
            frame, self._latest = self._latest, None
            if frame is not None:
                self._taken += 1
            return frame

    def stop(self, timeout_s: float = 5.0) -> bool:
        """Ask the thread to end, wait up to `timeout_s`; True when it has ended (source closed)."""
        self._stop.set()
        if self._thread is None:
            return True
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    @property
    def running(self) -> bool:
        return self._running

    @property
    def finished(self) -> bool:
        """The source (a recording) has ended; the last frame may still wait in `latest()`."""
        return self._finished

    @property
    def stats(self) -> GrabberStats:
        with self._cond:
            return GrabberStats(self._captured, self._dropped, self._taken, self._fps(), self._running, self._finished)

    def _fps(self) -> float:
        span = self._times[-1] - self._times[0] if len(self._times) > 1 else 0.0
        return (len(self._times) - 1) / span if span > 0 else 0.0

    def _run(self) -> None:
        try:
            self.source.open()
        except BaseException as exc:
            self._open_error = exc
            self._set_ended()
            return
        finally:
            self._opened.set()
        try:
            self._loop()
        except Exception as exc:  # no reconnect wrapper, or a bug: end visibly, never silently
            self.error = exc
            self.source.on_event(SourceEvent("lost", self.source.source_id, f"capture stopped: {exc}"))
        finally:
            self.source.close()
            self._set_ended()

    def _loop(self) -> None:
        while not self._stop.is_set():
            frame = self.source.read()
            if frame is not None:
                self._publish(frame)
            elif self.source.finished:
                self._finished = True
                return
            else:
                self._stop.wait(self.idle_sleep_s)

    def _publish(self, frame: Frame) -> None:
        with self._cond:
            if self._latest is not None:
                self._dropped += 1
            self._latest = frame
            self._captured += 1
            self._times.append(time.monotonic())
            self._cond.notify_all()

    def _set_ended(self) -> None:
        with self._cond:
            self._running = False
            self._cond.notify_all()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
