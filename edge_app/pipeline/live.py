"""`LivePipeline`: camera -> newest frame -> detector -> `LiveResult`, on two threads, no queues.

A capture thread (`LatestFrameGrabber`) keeps only the newest frame; an inference worker takes
it whenever it is free, so the result always describes the field as it is now, and a camera
faster than the model costs dropped frames (counted), never a growing backlog. Results go to
an observer callback (called on the worker thread: a Qt view re-emits them as a signal) and to
`latest_result()` (one slot). A lost camera is reopened with back-off by `ReconnectingSource`;
its events update the state and counters and are passed on. Nothing here knows about Qt.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Self

import numpy as np

from edge_app.detections import Detections
from edge_app.errors import LeukoError
from edge_app.frame import Frame
from edge_app.pipeline.result import LiveResult
from edge_app.pipeline.stats import LiveStats, StatsMeter
from edge_app.runtime.field_quality import FieldQualityReport, QualityThresholds, measure_field_quality
from edge_app.sources.base import FrameSource
from edge_app.sources.events import EventSink, SourceEvent, log_event
from edge_app.sources.grabber import LatestFrameGrabber
from edge_app.sources.reconnect import BackOff, ReconnectingSource

DetectFn = Callable[[np.ndarray], Detections]
Observer = Callable[[LiveResult], None]
WARM_UP_SIZE = (640, 480)  # a frame size for warm-up when the source does not know its own yet

_log = logging.getLogger("edge_app.pipeline")


class LivePipeline:
    """Runs `detect` on the newest frames of `source` until stopped or the source finishes.

    `detect` is any `image -> Detections` (a `Detector`, a `TiledDetector`, a test stub).
    Live sources that are not yet wrapped get a `ReconnectingSource` with `backoff`.
    `max_results` ends the run after that many results (state "stopped"; the camera stays open
    until `stop()`).
    """

    def __init__(
        self, source: FrameSource, detect: DetectFn, *, observer: Observer | None = None,
        on_event: EventSink | None = None, thresholds: QualityThresholds | None = None,
        measure_quality: bool = True, backoff: BackOff | None = None, warm_up_runs: int = 2,
        max_results: int | None = None,
    ) -> None:
        if source.is_live and not isinstance(source, ReconnectingSource):
            source = ReconnectingSource(source, backoff=backoff)
        self.source = source
        self.detect = detect
        self.observer = observer
        self.thresholds = thresholds or QualityThresholds()
        self.measure_quality = measure_quality
        self.warm_up_runs = warm_up_runs
        self.max_results = max_results
        self._forward_event = on_event or log_event
        source.on_event = self._on_source_event
        self.meter = StatsMeter()
        self.grabber = LatestFrameGrabber(source)
        self._stop = threading.Event()
        self._done = threading.Event()
        self._worker: threading.Thread | None = None
        self._latest: LiveResult | None = None
        self._latest_lock = threading.Lock()
        self.error: BaseException | None = None

    # --- control --------------------------------------------------------------------------------
    def start(self) -> Self:
        """Warm the detector up (not timed as live), open the camera, start both threads."""
        warm_up_ms = self._warm_up()
        self.grabber.start()  # raises DeviceError when the camera cannot be opened at all
        self.meter.start_clock(warm_up_ms)
        self._worker = threading.Thread(target=self._run, name="live-inference", daemon=True)
        self._worker.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> bool:
        """Stop both threads (the camera is closed); True when they ended within `timeout_s`."""
        self._stop.set()
        grabber_ended = self.grabber.stop(timeout_s)
        worker_ended = True
        if self._worker is not None:
            self._worker.join(timeout_s)
            worker_ended = not self._worker.is_alive()
        if self.meter.state not in ("finished", "failed"):
            self.meter.set_state("stopped")
        return grabber_ended and worker_ended

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the worker ended (source finished, stop, or failure); False on timeout."""
        return self._done.wait(timeout_s)

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def latest_result(self) -> LiveResult | None:
        """The newest result (kept until a newer one replaces it), or None before the first."""
        with self._latest_lock:
            return self._latest

    @property
    def stats(self) -> LiveStats:
        return self.meter.snapshot(self.grabber.stats)

    # --- threads ----------------------------------------------------------------------------------
    def _warm_up(self) -> float:
        """Run the detector on a blank frame so compilation and first-call allocations never land
        in the first live frames (STYLE 10). The camera's size where it is known before opening;
        otherwise any size does: the model input is letterboxed to a fixed shape anyway."""
        width, height = self.source.resolution or WARM_UP_SIZE
        blank = np.full((height, width, 3), 200, np.uint8)
        start = time.perf_counter()
        for _ in range(self.warm_up_runs):
            self.detect(blank)
        return (time.perf_counter() - start) * 1e3

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                frame = self.grabber.latest(timeout_s=0.1)
                if frame is not None:
                    self._process(frame)
                    if self.max_results is not None and self.meter.results >= self.max_results:
                        self.meter.set_state("stopped")
                        return
                elif not self.grabber.running:
                    self._source_ended()
                    return
        except Exception as exc:  # a broken model or observer: stop visibly, keep the reason
            self.error = exc
            self.meter.set_state("failed")
            message = str(exc) if isinstance(exc, LeukoError) else f"{type(exc).__name__}: {exc}"
            _log.error("live inference stopped: %s", message, exc_info=not isinstance(exc, LeukoError))
        finally:
            self._done.set()

    def _source_ended(self) -> None:
        error = self.grabber.error
        if error is not None:
            self.error = error
            self.meter.set_state("failed")
        else:
            self.meter.set_state("finished" if self.grabber.finished else "stopped")

    def _process(self, frame: Frame) -> None:
        start = time.perf_counter()
        detections = self.detect(frame.image)
        detect_ms = (time.perf_counter() - start) * 1e3
        quality = self._quality(frame)
        latency_ms = max(0.0, (time.time() - frame.timestamp) * 1e3)
        self.meter.add_result(detect_ms, latency_ms)
        result = LiveResult(frame, detections, quality, self.stats, detect_ms, latency_ms)
        with self._latest_lock:
            self._latest = result
        if self.observer is not None:
            self.observer(result)

    def _quality(self, frame: Frame) -> FieldQualityReport | None:
        return measure_field_quality(frame.image, self.thresholds) if self.measure_quality else None

    def _on_source_event(self, event: SourceEvent) -> None:
        if event.kind == "lost":
            self.meter.camera_lost()
        elif event.kind == "reconnected":
            self.meter.camera_back()
        self._forward_event(event)

    # --- context manager ----------------------------------------------------------------------------
    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
