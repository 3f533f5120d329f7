"""`ReconnectingSource`: reopen a lost camera with exponential back-off, and say so.

A clinic's USB cable gets knocked, a phone drops off Wi-Fi: the live view must not freeze or
crash, and the technician must see what is happening. This wrapper turns a `DeviceError`
from `read()` into events — "lost", "reconnecting in 2.0 s", "reconnected" — and keeps
returning None (no new frame) meanwhile. Waits are short slices, so the reading thread
stays responsive to a stop request at any back-off delay.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from edge_app.errors import DeviceError
from edge_app.frame import Frame
from edge_app.sources.base import FrameSource, WrappedSource
from edge_app.sources.events import EventSink

State = Literal["closed", "connected", "waiting"]


@dataclass(frozen=True)
class BackOff:
    """Delay before reconnect attempt n (0-based): initial * factor**n, capped at max_s."""

    initial_s: float = 0.5
    factor: float = 2.0
    max_s: float = 30.0

    def delay(self, attempt: int) -> float:
        return min(self.max_s, self.initial_s * self.factor ** min(attempt, 64))


class ReconnectingSource(WrappedSource):
    """`inner`, reopened after each loss. The first open still fails loudly unless `wait_for_device`.

    A wrong `--source` should say "camera 0 not found" at once; a camera that worked and went
    away is waited for. `wait_for_device=True` (a kiosk booting before the camera is plugged
    in) waits from the start.
    """

    def __init__(
        self, inner: FrameSource, *, backoff: BackOff | None = None, wait_for_device: bool = False,
        max_wait_s: float = 0.1, on_event: EventSink | None = None,
    ) -> None:
        super().__init__(inner, on_event)
        self.is_live = inner.is_live
        self.backoff = backoff or BackOff()
        self.wait_for_device = wait_for_device
        self.max_wait_s = max_wait_s
        self.state: State = "closed"
        self.losses = 0
        self._attempt = 0
        self._next_try = 0.0
        self._lost_at = 0.0

    @property
    def finished(self) -> bool:
        return self.state == "connected" and self.inner.finished

    def open(self) -> None:
        try:
            self.inner.open()
        except DeviceError as exc:
            if not self.wait_for_device:
                raise
            self._lost(exc, "not there yet")
            return
        self.state = "connected"

    def read(self) -> Frame | None:
        if self.state == "connected":
            try:
                return self.inner.read()
            except DeviceError as exc:
                self._lost(exc, "lost")
                return None
        if self.state == "waiting":
            self._retry()
            return None
        raise RuntimeError(f"{self!r}: read() before open()")

    def _lost(self, exc: DeviceError, what: str) -> None:
        self.inner.close()
        self.state, self.losses, self._attempt = "waiting", self.losses + 1, 0
        self._lost_at = time.monotonic()
        self._emit("lost", f"{what}: {exc.message}")
        self._schedule()

    def _schedule(self) -> None:
        delay = self.backoff.delay(self._attempt)
        self._next_try = time.monotonic() + delay
        self._emit("reconnecting", f"reconnecting in {delay:.1f} s", retry_in_s=delay)

    def _retry(self) -> None:
        remaining = self._next_try - time.monotonic()
        if remaining > 0:
            time.sleep(min(remaining, self.max_wait_s))
            return
        try:
            self.inner.open()
        except DeviceError:
            self._attempt += 1
            self._schedule()
            return
        self.state = "connected"
        down = time.monotonic() - self._lost_at
        self._emit("reconnected", f"reconnected after {down:.1f} s ({self._attempt + 1} attempts)")

    def close(self) -> None:
        self.inner.close()
        self.state = "closed"
