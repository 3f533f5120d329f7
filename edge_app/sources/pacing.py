"""`Pacer`: deliver frames at a set rate without bursts and without blocking for long.

A replay (or a simulated camera) paced at N FPS should behave like a camera: one frame per
period, and after a stall (a slow consumer, a debugger) carry on at the same rate instead of
firing the missed frames in a burst. Waits are capped so that a reading thread can notice a
stop request within `max_wait` even at very low rates.
"""

from __future__ import annotations

import time


class Pacer:
    """Tells when the next frame is due; `fps=None` means as fast as possible."""

    def __init__(self, fps: float | None) -> None:
        if fps is not None and fps <= 0:
            raise ValueError(f"fps must be > 0 or None, got {fps}")
        self.period = 1.0 / fps if fps else 0.0
        self._due: float | None = None

    def ready(self, max_wait: float = 0.1) -> bool:
        """Sleep until the next frame is due, but at most `max_wait` s; True when it is due."""
        if self._due is None:
            return True
        remaining = self._due - time.monotonic()
        if remaining > max_wait:
            time.sleep(max_wait)
            return False
        if remaining > 0:
            time.sleep(remaining)
        return True

    def delivered(self) -> None:
        """Record that a frame went out now; schedules the next one."""
        if not self.period:
            return
        now = time.monotonic()
        if self._due is None or now - self._due > self.period:
            self._due = now + self.period  # first frame, or fell behind: restart the beat
        else:
            self._due += self.period

    def reset(self) -> None:
        self._due = None
