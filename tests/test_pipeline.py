"""The live pipeline: newest frame only, measured drops, reconnects, warm-up, clean stops."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from edge_app.detections import Detections
from edge_app.errors import ModelError
from edge_app.pipeline import LivePipeline, LiveRecorder, LiveResult
from edge_app.runtime.bundle import ModelBundle
from edge_app.runtime.detector import Detector
from edge_app.sources.faulty_source import FaultySource
from edge_app.sources.reconnect import BackOff, ReconnectingSource
from edge_app.sources.replay_source import ReplaySource
from edge_app.taxonomy import Taxonomy
from tests.bundle_factory import write_bundle
from tests.test_sources_support import EventLog, no_thread_left, write_folder  # noqa: F401

FAST_BACKOFF = BackOff(initial_s=0.02, factor=2.0, max_s=0.1)


class StubDetect:
    """`image -> Detections` that takes `delay_s`, remembers what it saw, and can fail on call n."""

    def __init__(self, delay_s: float = 0.0, fail_on: int | None = None) -> None:
        self.delay_s, self.fail_on = delay_s, fail_on
        self.calls: list[np.ndarray] = []

    def __call__(self, image: np.ndarray) -> Detections:
        self.calls.append(image)
        if self.fail_on is not None and len(self.calls) >= self.fail_on:
            raise ModelError("the model stopped answering", where="stub")
        time.sleep(self.delay_s)
        return Detections.empty(7, 2)


class Collector:
    """Observer that keeps every result's frame index and the pending count it saw."""

    def __init__(self) -> None:
        self.indices: list[int] = []
        self.pending: list[int] = []
        self._lock = threading.Lock()

    def __call__(self, result: LiveResult) -> None:
        with self._lock:
            self.indices.append(result.frame.index)
            self.pending.append(result.stats.pending)


def _wait_until(condition: Callable[[], bool], timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


@pytest.fixture(scope="module")
def detector(tmp_path_factory: pytest.TempPathFactory) -> Detector:
    folder = tmp_path_factory.mktemp("bundle")
    write_bundle(folder, openvino=False)
    bundle = ModelBundle.open(folder)
    backend = bundle.load_backend(bundle.choose_file("onnxruntime"), threads=1)
    return Detector(bundle.card, backend)


def test_a_replay_through_a_real_bundle_gives_results_and_finishes(tmp_path: Path, detector: Detector) -> None:
    write_folder(tmp_path / "fields", 12)
    collector = Collector()
    pipeline = LivePipeline(ReplaySource(tmp_path / "fields", fps=200), detector, observer=collector)
    with pipeline:
        assert pipeline.wait(10.0)
    stats = pipeline.stats
    assert stats.state == "finished" and stats.results >= 1 and pipeline.error is None
    assert stats.captured == 12 and stats.results + stats.dropped == 12
    latest = pipeline.latest_result()
    assert latest is not None and len(latest.detections) == 2  # the fixed candidates after NMS
    assert latest.quality is not None and latest.detect_ms > 0 and latest.latency_ms >= 0
    assert collector.indices == sorted(collector.indices)  # always newer frames


def test_a_slow_detector_drops_frames_and_never_holds_more_than_one(tmp_path: Path) -> None:
    write_folder(tmp_path / "fields", 40)
    collector = Collector()
    detect = StubDetect(delay_s=0.03)
    pipeline = LivePipeline(ReplaySource(tmp_path / "fields", fps=200), detect, observer=collector)
    pending_seen = []
    with pipeline:
        while not pipeline.wait(0.005):
            pending_seen.append(pipeline.stats.pending)
    stats = pipeline.stats
    assert stats.dropped > 10  # a 200 FPS camera and a ~30 FPS model
    assert stats.captured == 40 == stats.results + stats.dropped
    assert max(pending_seen + collector.pending) <= 1
    assert stats.infer_ms >= 25
    assert len(collector.indices) == stats.results


def test_the_detector_is_warmed_up_before_the_clock_starts(tmp_path: Path) -> None:
    write_folder(tmp_path / "fields", 3)
    detect = StubDetect(delay_s=0.01)
    pipeline = LivePipeline(ReplaySource(tmp_path / "fields"), detect, warm_up_runs=2)
    with pipeline:
        pipeline.wait(5.0)
    assert all(int(image.mean()) == 200 for image in detect.calls[:2])  # blank frames first
    assert pipeline.stats.warm_up_ms >= 20 and pipeline.stats.results >= 1


def test_an_unplugged_camera_is_reported_reconnected_and_results_resume(tmp_path: Path) -> None:
    write_folder(tmp_path / "fields", 8)
    faulty = FaultySource(ReplaySource(tmp_path / "fields", fps=100, loop=True), unplug_after=10, failed_opens=2)
    events, collector = EventLog(), Collector()
    source = ReconnectingSource(faulty, backoff=FAST_BACKOFF)
    pipeline = LivePipeline(source, StubDetect(), observer=collector, on_event=events)
    with pipeline:
        assert _wait_until(lambda: pipeline.stats.reconnects == 1)
        after = pipeline.stats.results
        assert _wait_until(lambda: pipeline.stats.results >= after + 5)
        assert pipeline.stats.state == "live"
    assert events.kinds[:3] == ["lost", "reconnecting", "reconnecting"]
    assert "reconnected" in events.kinds
    stats = pipeline.stats
    assert stats.lost == 1 and stats.reconnects == 1 and stats.state == "stopped"


def test_the_pipeline_wraps_a_bare_live_source_for_reconnects(tmp_path: Path) -> None:
    write_folder(tmp_path / "fields", 2)
    replay = ReplaySource(tmp_path / "fields", fps=50, loop=True)
    replay.is_live = True  # stands for a camera
    pipeline = LivePipeline(replay, StubDetect(), backoff=FAST_BACKOFF)
    assert isinstance(pipeline.source, ReconnectingSource)


def test_stop_ends_both_threads_and_closes_the_camera(tmp_path: Path) -> None:
    write_folder(tmp_path / "fields", 4)
    pipeline = LivePipeline(ReplaySource(tmp_path / "fields", fps=100, loop=True), StubDetect(delay_s=0.02))
    pipeline.start()
    assert _wait_until(lambda: pipeline.stats.results >= 3)
    assert pipeline.stop(timeout_s=2.0)
    assert pipeline.done and pipeline.stats.state == "stopped"
    results = pipeline.stats.results
    time.sleep(0.1)
    assert pipeline.stats.results == results  # nothing runs after stop()


def test_max_results_ends_the_run_exactly(tmp_path: Path) -> None:
    write_folder(tmp_path / "fields", 4)
    collector = Collector()
    pipeline = LivePipeline(ReplaySource(tmp_path / "fields", fps=200, loop=True), StubDetect(),
                            observer=collector, max_results=7)
    with pipeline:
        assert pipeline.wait(10.0)
    assert pipeline.stats.results == 7 == len(collector.indices)


def test_a_failing_detector_stops_the_pipeline_visibly(tmp_path: Path) -> None:
    write_folder(tmp_path / "fields", 4)
    pipeline = LivePipeline(ReplaySource(tmp_path / "fields", fps=100, loop=True), StubDetect(fail_on=4),
                            warm_up_runs=1)
    with pipeline:
        assert pipeline.wait(10.0)
    assert isinstance(pipeline.error, ModelError) and pipeline.stats.state == "failed"


def test_the_recorder_writes_frames_and_one_json_line_each(tmp_path: Path, detector: Detector) -> None:
    write_folder(tmp_path / "fields", 3)
    with LiveRecorder(tmp_path / "rec", Taxonomy.leukemia_attri(), overlay=True) as recorder:
        pipeline = LivePipeline(ReplaySource(tmp_path / "fields", fps=20), detector, observer=recorder.add)
        with pipeline:
            pipeline.wait(10.0)
    lines = (tmp_path / "rec" / "results.jsonl").read_text().splitlines()
    assert len(lines) == recorder.count == pipeline.stats.results >= 1
    record = json.loads(lines[0])
    assert (tmp_path / "rec" / record["file"]).is_file() and (tmp_path / "rec" / "annotated" / "000000.jpg").is_file()
    assert len(Detections.from_dict(record["detections"])) == 2 and record["quality"]["focus"] >= 0
