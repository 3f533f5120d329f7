"""`run_headless`: the live pipeline without a window (SSH, kiosk, benchmarks), as one typed call.

Profile, source and model default to the bundled demo ones: the default profile, the sample
fields in `edge_app/assets/samples/` replayed in a loop like a camera (else the virtual
microscope), and the profile's model (`demo`, with a clear error while it is not built). It
prints a status line every few seconds, camera events as they happen, and a summary at the end.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from edge_app.errors import LeukoError, ValidationError
from edge_app.pipeline.live import LivePipeline
from edge_app.pipeline.memory import rss_mb
from edge_app.pipeline.recorder import LiveRecorder
from edge_app.pipeline.result import LiveResult
from edge_app.pipeline.stats import LiveStats
from edge_app.pipeline.workers import default_infer_workers, make_detectors, threads_per_worker
from edge_app.scan.setup import ScanSetup, prepare_scan
from edge_app.sources.base import FrameSource
from edge_app.sources.events import SourceEvent
from edge_app.sources.factory import build_source
from edge_app.sources.replay_source import list_images

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "assets" / "samples"
REPLAY_FPS = 15.0  # a replay plays like a camera at this rate unless --fps says otherwise


@dataclass(frozen=True)
class HeadlessOptions:
    profile: str | None = None
    source: str | None = None  # None: the bundled samples (looped), else the virtual microscope
    model: str | None = None  # None: the profile's model
    backend: str = "auto"
    precision: str = "auto"
    max_frames: int | None = None  # stop after this many results
    record: Path | None = None
    record_overlay: bool = False
    fps: float | None = None  # None: the source's own rate (15 for replays); 0: as fast as it reads
    loop: bool = False  # replay a folder/video in a loop (the default samples always loop)
    threads: int | None = None  # per inference worker; None: cores // workers (the runtime's default for 1)
    infer_workers: int | None = None  # None: 2 on machines with >= 2 cores, else 1
    report_every_s: float = 5.0


@dataclass(frozen=True)
class HeadlessSummary:
    stats: LiveStats
    rss_mb: float
    source_id: str
    model: str
    error: BaseException | None = None
    workers: int = 1
    threads: int | None = None  # per worker; None: the runtime's default


def default_source(profile_id: str) -> tuple[str, bool]:
    """(source spec, loop): the bundled samples if present, else the virtual microscope."""
    if SAMPLES_DIR.is_dir() and list_images(SAMPLES_DIR):
        return str(SAMPLES_DIR), True
    return f"virtual:{profile_id}", False


def open_live_source(options: HeadlessOptions, setup: ScanSetup) -> FrameSource:
    spec, loop = (options.source, options.loop) if options.source else default_source(setup.profile.id)
    is_recording = Path(spec).expanduser().exists()
    fps = options.fps if options.fps is not None else (REPLAY_FPS if is_recording else None)
    if fps is not None and fps < 0:
        raise ValidationError(f"--fps must be >= 0, got {fps:g}", hint="0 plays a recording as fast as it reads")
    return build_source(spec, fps=fps or None, loop=loop or options.loop)


class _Printer:
    """Status lines and events to one stream, one line at a time (two threads print)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._lock = threading.Lock()

    def line(self, text: str) -> None:
        with self._lock:
            print(text, file=self.out, flush=True)

    def event(self, event: SourceEvent) -> None:
        self.line(f"[{event.kind}] {event}")

    def status(self, stats: LiveStats) -> None:
        self.line(f"{stats.line()}  RSS {rss_mb():.0f} MB")


def _observer(recorder: LiveRecorder | None) -> Callable[[LiveResult], None] | None:
    return recorder.add if recorder is not None else None


def run_headless(options: HeadlessOptions, out: TextIO | None = None) -> HeadlessSummary:
    """Run until `max_frames` results, the end of a recording, or Ctrl-C; print and return the summary."""
    printer = _Printer(out or sys.stdout)  # looked up now, not at import (tests capture stdout)
    setup = prepare_scan(options.profile, options.model, options.backend, options.precision)
    for warning in setup.warnings:
        printer.line(f"warning: {warning}")
    source = open_live_source(options, setup)
    model = f"{setup.bundle.path.name}/{setup.file.path} ({setup.file.backend}, {setup.file.precision})"
    printer.line(f"live: profile {setup.profile.id} ({setup.profile.domain}), source {source.source_id}, model {model}")
    workers = options.infer_workers or default_infer_workers()
    detectors = make_detectors(setup.make_detector, workers, options.threads)  # each warmed up at the input size
    recorder = LiveRecorder(options.record, setup.bundle.card.taxonomy, overlay=options.record_overlay) \
        if options.record else None
    pipeline = LivePipeline(source, detectors, observer=_observer(recorder), on_event=printer.event,
                            thresholds=setup.thresholds, warm_up_runs=1, max_results=options.max_frames)
    if recorder is not None:
        with recorder:
            _run(pipeline, printer, options.report_every_s)
    else:
        _run(pipeline, printer, options.report_every_s)
    summary = HeadlessSummary(pipeline.stats, rss_mb(), source.source_id, model, pipeline.error, workers,
                              threads_per_worker(workers, options.threads))
    print_summary(summary, printer, options.record)
    return summary


def _run(pipeline: LivePipeline, printer: _Printer, report_every_s: float) -> None:
    terminated = threading.Event()
    previous = _on_sigterm(terminated.set)
    pipeline.start()
    next_report = time.monotonic() + report_every_s
    try:
        while not pipeline.wait(0.05):
            if terminated.is_set():
                printer.line("terminated (SIGTERM): stopping")
                break
            if time.monotonic() >= next_report:
                printer.status(pipeline.stats)
                next_report += report_every_s
    except KeyboardInterrupt:
        printer.line("interrupted: stopping")
    finally:
        pipeline.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _on_sigterm(callback: Callable[[], None]) -> Any:
    """systemd stops the kiosk with SIGTERM: end like Ctrl-C, with the summary. Main thread only."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, lambda signum, frame: callback())


def print_summary(summary: HeadlessSummary, printer: _Printer, record: Path | None = None) -> None:
    s = summary.stats
    dropped = f"{s.dropped} ({s.dropped / s.captured:.0%})" if s.captured else "0"
    printer.line(f"summary: {s.results} frames in {s.elapsed_s:.1f} s, {s.mean_fps:.2f} FPS "
                 f"(last {s.fps:.2f} FPS), state {s.state}")
    printer.line(f"  detector: mean {s.mean_infer_ms:.1f} ms, median {s.infer_ms:.1f} ms "
                 f"(letterbox + infer + decode), warm-up {s.warm_up_ms:.0f} ms; {summary.model}")
    threads = "runtime default" if summary.threads is None else summary.threads
    printer.line(f"  inference workers: {summary.workers} (threads each: {threads}), "
                 f"{s.stale} results stale (a newer frame's came first)")
    printer.line(f"  capture -> result latency: mean {s.mean_latency_ms:.1f} ms, median {s.latency_ms:.1f} ms")
    printer.line(f"  source {summary.source_id}: captured {s.captured}, dropped {dropped}, "
                 f"camera lost {s.lost}x, reconnected {s.reconnects}x")
    printer.line(f"  memory: RSS {summary.rss_mb:.0f} MB")
    if record is not None:
        printer.line(f"  recorded to {record} (frames/*.jpg + results.jsonl)")
    if summary.error is not None:
        message = str(summary.error) if isinstance(summary.error, LeukoError) else repr(summary.error)
        printer.line(f"  stopped by an error: {message}")
