"""Live statistics, measured: pipeline FPS, inference and capture->result latency, drops, reconnects.

Every window is a bounded deque, so a pipeline that runs for a week holds as many numbers as
one that ran for a minute. FPS is results per second over the last `window_s` seconds (what
the technician sees now), not an average since start (which hides a stall).
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import deque
from dataclasses import dataclass

from edge_app.sources.grabber import GrabberStats

WINDOW_S = 3.0
MAX_SAMPLES = 256  # bounds every window, whatever the frame rate
ENDED = ("finished", "stopped", "failed")


@dataclass(frozen=True)
class LiveStats:
    """One snapshot, for the status bar, the CLI line and the benchmark."""

    results: int  # frames that went through the detector
    fps: float  # results per second over the sliding window
    mean_fps: float  # results per second since the clock started (after warm-up)
    infer_ms: float  # median detector time (letterbox + infer + decode), sliding window
    latency_ms: float  # median capture -> result time, sliding window
    mean_infer_ms: float  # since the clock started
    mean_latency_ms: float
    captured: int  # frames the source delivered
    dropped: int  # frames never shown: overwritten before a worker was free (a camera faster than the model) + stale
    stale: int  # results discarded unshown: a newer frame's result came first (several workers), or the run had ended
    pending: int  # frames waiting for a worker: 0 or 1, never more
    in_flight: int  # frames a worker is detecting: at most one per worker
    capture_fps: float
    lost: int  # times the camera was lost
    reconnects: int  # times it came back
    state: str  # "starting" | "live" | "reconnecting" | "finished" | "stopped" | "failed"
    elapsed_s: float
    warm_up_ms: float

    def line(self) -> str:
        """A short status line (CLI, kiosk log)."""
        text = (f"{self.fps:5.1f} FPS  infer {self.infer_ms:6.1f} ms  latency {self.latency_ms:6.1f} ms  "
                f"captured {self.captured}  dropped {self.dropped}  results {self.results}")
        if self.lost:
            text += f"  lost {self.lost}x, back {self.reconnects}x"
        return text if self.state == "live" else f"{text}  [{self.state}]"


def _median(values: deque[float]) -> float:
    return statistics.median(values) if values else 0.0


class StatsMeter:
    """Collects the numbers from the worker threads and the source events; thread-safe snapshots.

    Every frame a worker takes is in flight until it is published (`add_result`) or discarded
    (`discard`), so captured = results + dropped + pending + in_flight: exactly once the pipeline
    has ended, give or take the frame being handed over while it runs (two locks, two snapshots)."""

    def __init__(self, window_s: float = WINDOW_S) -> None:
        self.window_s = window_s
        self._lock = threading.Lock()
        self._result_times: deque[float] = deque(maxlen=MAX_SAMPLES)
        self._infer_ms: deque[float] = deque(maxlen=MAX_SAMPLES)
        self._latency_ms: deque[float] = deque(maxlen=MAX_SAMPLES)
        self.results = self.lost = self.reconnects = self.stale = self.in_flight = 0
        self._infer_total = self._latency_total = 0.0
        self.state = "starting"
        self.started_at: float | None = None
        self.ended_at: float | None = None  # the clock stops with the pipeline: summaries stay exact
        self.warm_up_ms = 0.0

    def start_clock(self, warm_up_ms: float) -> None:
        with self._lock:
            self.started_at, self.warm_up_ms, self.state = time.monotonic(), warm_up_ms, "live"

    def frame_taken(self) -> None:
        with self._lock:
            self.in_flight += 1

    def discard(self) -> None:
        with self._lock:
            self.in_flight -= 1
            self.stale += 1

    def add_result(self, infer_ms: float, latency_ms: float) -> None:
        with self._lock:
            self.in_flight -= 1
            self.results += 1
            self._infer_total += infer_ms
            self._latency_total += latency_ms
            self._result_times.append(time.monotonic())
            self._infer_ms.append(infer_ms)
            self._latency_ms.append(latency_ms)

    def camera_lost(self) -> None:
        with self._lock:
            self.lost += 1
            self.state = "reconnecting"

    def camera_back(self) -> None:
        with self._lock:
            self.reconnects += 1
            self.state = "live"

    def set_state(self, state: str) -> None:
        with self._lock:
            self.state = state
            if state in ENDED and self.ended_at is None:
                self.ended_at = time.monotonic()

    def snapshot(self, grabber: GrabberStats | None) -> LiveStats:
        with self._lock:
            now = self.ended_at or time.monotonic()
            elapsed = now - self.started_at if self.started_at is not None else 0.0
            g = grabber or GrabberStats(0, 0, 0, 0.0, False, False)
            n = max(self.results, 1)
            return LiveStats(
                self.results, self._window_fps(now), self.results / elapsed if elapsed > 0 else 0.0,
                _median(self._infer_ms), _median(self._latency_ms), self._infer_total / n, self._latency_total / n,
                g.captured, g.dropped + self.stale, self.stale,
                max(0, g.captured - g.dropped - g.taken), self.in_flight, g.capture_fps, self.lost, self.reconnects,
                self.state, elapsed, self.warm_up_ms,
            )  # fmt: skip

    def _window_fps(self, now: float) -> float:
        """Results in the last `window_s` seconds per second: a stall shows at once, not at the next result."""
        if self.started_at is None:
            return 0.0
        recent = sum(1 for t in self._result_times if now - t <= self.window_s)
        span = min(self.window_s, now - self.started_at)
        if recent == MAX_SAMPLES:  # faster than the deque holds: measure over what it holds
            span = now - self._result_times[0]
        return recent / span if span > 0 else 0.0
