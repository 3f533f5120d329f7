"""`SlideScanner`: every field of a folder or video through the runtime into the results store.

Resumable by construction: a field is identified by the sha256 of its bytes, a field already in
the slide is skipped before inference, and the store commits a field only after its image is on
disk. Killing a scan and running it again loses nothing and duplicates nothing.

`workers` threads each own a backend (ONNX Runtime and OpenVINO release the GIL during
inference); results are written by the calling thread, in input order, so SQLite sees one
writer. A generator: it yields progress after every field and stops early when `cancel` is set.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from edge_app.detections import Detections
from edge_app.errors import DataFormatError
from edge_app.frame import Frame
from edge_app.runtime.field_quality import measure_field_quality
from edge_app.scan.inputs import FieldInput, collect_inputs, iter_fields, load_field
from edge_app.scan.progress import FieldOutcome, ScanProgress
from edge_app.scan.setup import DetectFn, ScanSetup
from edge_app.store.records import FieldProvenance, FieldQuality, Slide
from edge_app.store.store import ResultsStore


@dataclass(frozen=True)
class _Result:
    """A worker's output for one field: ready to store, or an outcome to report as it is."""

    item: FieldInput
    outcome: FieldOutcome
    frame: Frame | None = None
    dets: Detections | None = None
    quality: FieldQuality | None = None
    image_file: Path | None = None


class SlideScanner:
    def __init__(self, store: ResultsStore, setup: ScanSetup, slide_code: str, *, workers: int = 1,
                 sample_code: str = "", cancel: threading.Event | None = None) -> None:
        self.store = store
        self.setup = setup
        self.workers = max(1, workers)
        self.cancel = cancel or threading.Event()
        self.model_id = store.register_model(setup.bundle.card)
        self.slide: Slide = store.start_slide(slide_code, sample_code, setup.profile.id)
        self._detectors: queue.Queue[DetectFn] = queue.Queue()

    def run(self, target: Path) -> Iterator[ScanProgress]:
        """Scan `target`, yielding progress after each field and once more when finished."""
        inputs = collect_inputs(target)
        progress = ScanProgress(inputs.total, unsupported=list(inputs.unsupported))
        self._start_detectors()
        start = time.perf_counter()
        with ThreadPoolExecutor(self.workers, thread_name_prefix="leuko-scan") as pool:
            for result in self._results(pool, iter_fields(inputs)):
                progress.record(self._store(result), time.perf_counter() - start)
                yield progress
        progress.cancelled = self.cancel.is_set()
        progress.finished = True
        progress.elapsed_s = time.perf_counter() - start
        yield progress

    def _start_detectors(self) -> None:
        """One backend per worker, warmed up before the clock starts; cores shared out between them."""
        threads = max(1, (os.cpu_count() or 1) // self.workers)
        while self._detectors.qsize() < self.workers:
            self._detectors.put(self.setup.make_detector(threads))

    def _results(self, pool: ThreadPoolExecutor, items: Iterator[FieldInput]) -> Iterator[_Result]:
        """Worker results in input order, with at most 2 x workers fields in flight."""
        pending: deque[Future[_Result]] = deque()
        for item in items:
            if self.cancel.is_set():
                break
            pending.append(pool.submit(self._process, item))
            if len(pending) >= 2 * self.workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def _process(self, item: FieldInput) -> _Result:
        """Worker: read and hash, skip a known field, else detect, measure focus, save the image."""
        try:
            loaded = load_field(item)
        except (DataFormatError, OSError) as exc:
            return _Result(item, FieldOutcome(item.name, "failed", getattr(exc, "message", str(exc))))
        if self.store.has_field(self.slide, loaded.sha256):
            return _Result(item, FieldOutcome(item.name, "already"))
        detect = self._detectors.get()
        try:
            t0 = time.perf_counter()
            dets = detect(loaded.image)
            infer_ms = (time.perf_counter() - t0) * 1e3
        finally:
            self._detectors.put(detect)
        report = measure_field_quality(loaded.image, self.setup.thresholds)
        _sha, stored = self.store.images.put_bytes(loaded.data, loaded.ext)
        frame = Frame(loaded.image, item.index, item.source_id, timestamp=_capture_time(item))
        outcome = FieldOutcome(item.name, "stored", ", ".join(report.problems), len(dets), infer_ms)
        quality = FieldQuality(report.focus, report.brightness, report.clipped)
        return _Result(item, outcome, frame, dets, quality, stored)

    def _store(self, result: _Result) -> FieldOutcome:
        if result.frame is None or result.dets is None or result.image_file is None:
            return result.outcome
        sha = result.image_file.name.split(".")[0]
        if self.store.has_field(self.slide, sha):  # the same picture twice in one scan
            return FieldOutcome(result.item.name, "already", "same image as an earlier field")
        self.store.add_field(self.slide, result.frame, result.dets, provenance=self._provenance(result.item),
                             quality=result.quality or FieldQuality(), image_file=result.image_file)
        return result.outcome

    def _provenance(self, item: FieldInput) -> FieldProvenance:
        profile = self.setup.profile
        return FieldProvenance(profile.id, profile.objective, self.model_id, item.source_id, item.index)


def _capture_time(item: FieldInput) -> float:
    """A saved file's modification time is the best record of when it was captured."""
    if item.path is not None:
        try:
            return item.path.stat().st_mtime
        except OSError:
            pass
    return time.time()
