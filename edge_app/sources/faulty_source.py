"""`FaultySource`: wraps any source and fails on purpose, as a real camera does on a bench.

A USB cable pulled mid-scan, a phone that drops off Wi-Fi, a camera that stalls for a moment:
tests use this wrapper around a replay source to prove the grabber and the reconnect logic
survive, report, and resume, without any hardware. Faults are counted in frames and open
attempts, not seconds, so tests are deterministic.
"""

from __future__ import annotations

from edge_app.errors import DeviceError
from edge_app.frame import Frame
from edge_app.sources.base import FrameSource, WrappedSource


class FaultySource(WrappedSource):
    """`inner` with an unplug after `unplug_after` frames, back after `failed_opens` open attempts.

    `failed_opens=None` keeps it unplugged until `replug()`. `stall_after`/`stall_reads` make
    `stall_reads` reads return None after that many frames (a camera that hiccups).
    `repeat=True` unplugs again every `unplug_after` frames after each reconnect.
    """

    def __init__(
        self, inner: FrameSource, *, unplug_after: int | None = None, failed_opens: int | None = 0,
        stall_after: int | None = None, stall_reads: int = 0, repeat: bool = False,
    ) -> None:
        super().__init__(inner)
        self.is_live = inner.is_live
        self.unplug_after, self.failed_opens, self.repeat = unplug_after, failed_opens, repeat
        self.stall_after, self.stall_reads = stall_after, stall_reads
        self.unplugged = False
        self.unplug_count = 0
        self.open_attempts = 0
        self._since_open = 0
        self._stalled = 0
        self._failed_since_unplug = 0

    @property
    def finished(self) -> bool:
        return self.inner.finished

    def unplug(self) -> None:
        """Pull the cable now: the next read fails and opens fail until replugged."""
        self.unplugged = True
        self.unplug_count += 1
        self._failed_since_unplug = 0
        self.inner.close()

    def replug(self) -> None:
        self.unplugged = False

    def open(self) -> None:
        self.open_attempts += 1
        if self.unplugged and not self._replugs_now():
            raise DeviceError("camera not found (unplugged by FaultySource)", where=self.source_id,
                              hint="FaultySource replugs it after failed_opens attempts")
        self.inner.open()
        self._since_open = 0

    def _replugs_now(self) -> bool:
        if self.failed_opens is not None and self._failed_since_unplug >= self.failed_opens:
            self.unplugged = False
            return True
        self._failed_since_unplug += 1
        return False

    def read(self) -> Frame | None:
        if not self.unplugged and self._unplugs_now():
            self.unplug()
        if self.unplugged:
            raise DeviceError("the camera stopped sending frames (unplugged by FaultySource)", where=self.source_id)
        if self._stalls_now():
            return None
        frame = self.inner.read()
        if frame is not None:
            self._since_open += 1
        return frame

    def _stalls_now(self) -> bool:
        if self.stall_after is None or self._since_open < self.stall_after or self._stalled >= self.stall_reads:
            return False
        self._stalled += 1
        return True

    def _unplugs_now(self) -> bool:
        if self.unplug_after is None or self._since_open < self.unplug_after:
            return False
        return self.unplug_count == 0 or self.repeat

    def close(self) -> None:
        self.inner.close()
