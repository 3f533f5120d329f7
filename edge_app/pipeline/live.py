"""`LivePipeline`: camera -> newest frame -> N detectors -> `LiveResult`s in frame order, no queues.

A capture thread (`LatestFrameGrabber`) keeps only the newest frame; each inference worker (one
per detector, each with its own backend) takes the newest frame not yet taken whenever it is
free, so a result always describes the field as it is now, and a camera faster than the models
costs dropped frames (counted), never a growing backlog. Results are published in frame order:
a result finished after a newer frame's result is discarded (counted as stale). Published results
go to an observer callback (called on a worker thread, one at a time: a Qt view re-emits them as
a signal) and to `latest_result()` (one slot). A lost camera is reopened with back-off by
`ReconnectingSource`; its events update the state and counters and are passed on. Nothing here
knows about Qt.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Self

import numpy as np

from edge_app.detections import Detections
from edge_app.errors import LeukoError
from edge_app.frame import Frame
from edge_app.pipeline.result import LiveResult
from edge_app.pipeline.stats import ENDED, LiveStats, StatsMeter
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

    `detect` is any `image -> Detections` (a `Detector`, a `TiledDetector`, a test stub), or a
    sequence of them: one inference worker each (never share one backend between workers).
    Live sources that are not yet wrapped get a `ReconnectingSource` with `backoff`.
    `max_results` ends the run after that many results (state "stopped"; the camera stays open
    until `stop()`).
    """

    def __init__(
        self, source: FrameSource, detect: DetectFn | Sequence[DetectFn], *, observer: Observer | None = None,
        on_event: EventSink | None = None, thresholds: QualityThresholds | None = None,
        measure_quality: bool = True, backoff: BackOff | None = None, warm_up_runs: int = 2,
        max_results: int | None = None,
    ) -> None:
        if source.is_live and not isinstance(source, ReconnectingSource):
            source = ReconnectingSource(source, backoff=backoff)
        self.source = source
        self.detectors: list[DetectFn] = [detect] if callable(detect) else list(detect)
        if not self.detectors:
            raise ValueError("LivePipeline needs at least one detector")
        self.observer = observer
        self.thresholds = thresholds or QualityThresholds()
        self.measure_quality = measure_quality
        self.warm_up_runs = warm_up_runs
        self.max_results = max_results
        self._forward_event = on_event or log_event
        source.on_event = self._on_source_event
        self.meter = StatsMeter()
        self.grabber = LatestFrameGrabber(source)
        self._stop = threading.Event()  # stop(), max_results or a failure: every worker ends
        self._done = threading.Event()  # set by the last worker to end
        self._workers: list[threading.Thread] = []
        self._take_lock = threading.Lock()  # a frame and its sequence number are taken together
        self._taken = 0
        self._publish_lock = threading.Lock()  # results, the latest slot and the observer: in frame order
        self._published = -1  # sequence number of the last published result
        self._running_workers = 0
        self._latest: LiveResult | None = None
        self._latest_lock = threading.Lock()
        self.error: BaseException | None = None

    @property
    def workers(self) -> int:
        return len(self.detectors)

    @property
    def detect(self) -> DetectFn:
        """The first worker's detector (the only one with a single worker)."""
        return self.detectors[0]

    # --- control --------------------------------------------------------------------------------
    def start(self) -> Self:
        """Warm the detectors up (not timed as live), open the camera, start the threads."""
        warm_up_ms = self._warm_up()
        self.grabber.start()  # raises DeviceError when the camera cannot be opened at all
        self.meter.start_clock(warm_up_ms)
        self._running_workers = self.workers
        self._workers = [threading.Thread(target=self._run, args=(detect,), name=f"live-inference-{n}", daemon=True)
                         for n, detect in enumerate(self.detectors)]
        for worker in self._workers:
            worker.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> bool:
        """Stop every thread (the camera is closed); True when they ended within `timeout_s`."""
        self._stop.set()
        grabber_ended = self.grabber.stop(timeout_s)
        deadline = time.monotonic() + timeout_s
        for worker in self._workers:
            worker.join(max(0.0, deadline - time.monotonic()))
        workers_ended = not any(worker.is_alive() for worker in self._workers)
        if self.meter.state not in ENDED:
            self.meter.set_state("stopped")
        return grabber_ended and workers_ended

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until every worker ended (source finished, stop, or failure); False on timeout."""
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
        """Run each detector on a blank frame so compilation and first-call allocations never land
        in the first live frames (STYLE 10). The camera's size where it is known before opening;
        otherwise any size does: the model input is letterboxed to a fixed shape anyway."""
        width, height = self.source.resolution or WARM_UP_SIZE
        blank = np.full((height, width, 3), 200, np.uint8)
        start = time.perf_counter()
        for detect in self.detectors:
            for _ in range(self.warm_up_runs):
                detect(blank)
        return (time.perf_counter() - start) * 1e3

    def _run(self, detect: DetectFn) -> None:
        try:
            while not self._stop.is_set():
                taken = self._take()
                if taken is not None:
                    self._process(detect, *taken)
                elif not self.grabber.running:
                    return
        except Exception as exc:  # a broken model or observer: stop visibly, keep the reason
            self._fail(exc)
        finally:
            self._worker_ended()

    def _take(self) -> tuple[Frame, int] | None:
        """The newest frame not yet taken and its sequence number (frames are taken in capture order)."""
        with self._take_lock:
            frame = self.grabber.latest(timeout_s=0.1)
            if frame is None:
                return None
            self.meter.frame_taken()
            self._taken += 1
            return frame, self._taken - 1

    def _fail(self, exc: Exception) -> None:
        with self._publish_lock:
            first = self.error is None
            if first:
                self.error = exc
                self.meter.set_state("failed")
        self._stop.set()
        if first:
            message = str(exc) if isinstance(exc, LeukoError) else f"{type(exc).__name__}: {exc}"
            _log.error("live inference stopped: %s", message, exc_info=not isinstance(exc, LeukoError))

    def _worker_ended(self) -> None:
        with self._publish_lock:
            self._running_workers -= 1
            last = self._running_workers == 0
        if not last:
            return
        if self.meter.state not in ENDED and not self.grabber.running:
            self._source_ended()
        self._done.set()

    def _source_ended(self) -> None:
        error = self.grabber.error
        if error is not None:
            self.error = error
            self.meter.set_state("failed")
        else:
            self.meter.set_state("finished" if self.grabber.finished else "stopped")

    def _process(self, detect: DetectFn, frame: Frame, sequence: int) -> None:
        start = time.perf_counter()
        try:
            detections = detect(frame.image)
        except BaseException:
            self.meter.discard()
            raise
        detect_ms = (time.perf_counter() - start) * 1e3
        quality = self._quality(frame)
        self._publish(frame, sequence, detections, quality, detect_ms)

    def _publish(self, frame: Frame, sequence: int, detections: Detections, quality: FieldQualityReport | None,
                 detect_ms: float) -> None:
        with self._publish_lock:
            if sequence < self._published or self.meter.state in ("stopped", "failed"):
                self.meter.discard()  # older than what is shown, or after max_results / a failure
                return
            self._published = sequence
            latency_ms = max(0.0, (time.time() - frame.timestamp) * 1e3)
            self.meter.add_result(detect_ms, latency_ms)
            result = LiveResult(frame, detections, quality, self.stats, detect_ms, latency_ms)
            with self._latest_lock:
                self._latest = result
            if self.observer is not None:
                self.observer(result)
            if self.max_results is not None and self.meter.results >= self.max_results:
                self.meter.set_state("stopped")
                self._stop.set()

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
