"""Several inference workers: results in frame order, bounded in-flight frames, clean stops, counts that add up."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from edge_app import cli
from edge_app.detections import Detections
from edge_app.errors import ModelError, ValidationError
from edge_app.pipeline import LivePipeline
from edge_app.pipeline.workers import default_infer_workers, make_detectors, threads_per_worker
from edge_app.sources.replay_source import ReplaySource
from tests.bundle_factory import write_bundle
from tests.test_pipeline import Collector, StubDetect
from tests.test_sources_support import no_thread_left, write_folder  # noqa: F401


class VaryingDetect:
    """`image -> Detections` whose latency cycles through `delays_s`; counts calls running at once (all workers)."""

    running = 0
    most_running = 0
    _lock = threading.Lock()

    def __init__(self, delays_s: list[float]) -> None:
        self._delays = itertools.cycle(delays_s)

    def __call__(self, image: np.ndarray) -> Detections:
        cls = type(self)
        with cls._lock:
            cls.running += 1
            cls.most_running = max(cls.most_running, cls.running)
        time.sleep(next(self._delays))
        with cls._lock:
            cls.running -= 1
        return Detections.empty(7, 2)


@pytest.fixture
def varying() -> list[VaryingDetect]:
    VaryingDetect.running = VaryingDetect.most_running = 0
    return [VaryingDetect([0.002, 0.03, 0.008]), VaryingDetect([0.025, 0.004, 0.05, 0.001])]


def _counts_add_up(pipeline: LivePipeline) -> None:
    s = pipeline.stats
    assert s.captured == s.results + s.dropped + s.pending + s.in_flight
    assert s.in_flight == 0 and s.pending <= 1  # a frame may wait in the grabber's slot when the run stopped


def test_two_workers_publish_in_frame_order_and_hold_one_frame_each(tmp_path: Path,
                                                                    varying: list[VaryingDetect]) -> None:
    write_folder(tmp_path / "fields", 60)
    collector = Collector()
    pipeline = LivePipeline(ReplaySource(tmp_path / "fields", fps=300), varying, observer=collector, warm_up_runs=0)
    assert pipeline.workers == 2
    in_flight_seen, pending_seen = [], []
    with pipeline:
        while not pipeline.wait(0.003):
            stats = pipeline.stats
            in_flight_seen.append(stats.in_flight)
            pending_seen.append(stats.pending)
    assert collector.indices == sorted(set(collector.indices))  # strictly newer frames, never a step back
    assert VaryingDetect.most_running == 2  # both workers ran at once
    assert max(in_flight_seen) <= 2 and max(pending_seen + collector.pending) <= 1  # nothing queues
    stats = pipeline.stats
    assert stats.state == "finished" and stats.captured == 60 and stats.results == len(collector.indices)
    assert stats.pending == 0
    _counts_add_up(pipeline)


def test_a_result_finished_after_a_newer_one_is_dropped_and_counted(tmp_path: Path) -> None:
    write_folder(tmp_path / "fields", 40)
    collector = Collector()
    slow, fast = StubDetect(delay_s=0.06), StubDetect(delay_s=0.003)
    pipeline = LivePipeline(ReplaySource(tmp_path / "fields", fps=200), [slow, fast], observer=collector,
                            warm_up_runs=0)
    with pipeline:
        assert pipeline.wait(10.0)
    stats = pipeline.stats
    assert stats.stale >= 1 and len(slow.calls) >= 1  # the slow worker's frames were overtaken
    assert stats.dropped >= stats.stale
    assert collector.indices == sorted(set(collector.indices))
    assert stats.results == len(collector.indices) == len(slow.calls) + len(fast.calls) - stats.stale
    _counts_add_up(pipeline)


def test_stop_joins_every_worker(tmp_path: Path) -> None:
    write_folder(tmp_path / "fields", 4)
    detectors = [StubDetect(delay_s=0.02), StubDetect(delay_s=0.03), StubDetect(delay_s=0.01)]
    pipeline = LivePipeline(ReplaySource(tmp_path / "fields", fps=100, loop=True), detectors)
    pipeline.start()
    workers = [t for t in threading.enumerate() if t.name.startswith("live-inference")]
    assert len(workers) == 3
    deadline = time.monotonic() + 5.0
    while pipeline.stats.results < 6 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pipeline.stop(timeout_s=2.0)
    assert pipeline.done and pipeline.stats.state == "stopped"
    assert not any(t.is_alive() for t in workers)
    _counts_add_up(pipeline)


def test_a_failing_worker_stops_the_pipeline_with_its_error(tmp_path: Path) -> None:
    write_folder(tmp_path / "fields", 4)
    healthy = StubDetect(delay_s=0.005)
    pipeline = LivePipeline(ReplaySource(tmp_path / "fields", fps=100, loop=True),
                            [StubDetect(delay_s=0.005, fail_on=3), healthy], warm_up_runs=1)
    with pipeline:
        assert pipeline.wait(10.0)
        results, healthy_calls = pipeline.stats.results, len(healthy.calls)
        time.sleep(0.05)
        assert pipeline.stats.results == results and len(healthy.calls) == healthy_calls  # every worker ended
    assert isinstance(pipeline.error, ModelError) and pipeline.stats.state == "failed"
    _counts_add_up(pipeline)


def test_max_results_is_exact_with_two_workers(tmp_path: Path, varying: list[VaryingDetect]) -> None:
    write_folder(tmp_path / "fields", 4)
    collector = Collector()
    pipeline = LivePipeline(ReplaySource(tmp_path / "fields", fps=300, loop=True), varying, observer=collector,
                            max_results=9)
    with pipeline:
        assert pipeline.wait(10.0)
    assert pipeline.stats.results == 9 == len(collector.indices) and pipeline.stats.state == "stopped"
    _counts_add_up(pipeline)


def test_worker_count_and_threads_per_worker() -> None:
    assert default_infer_workers(1) == 1 and default_infer_workers(2) == 2 and default_infer_workers(16) == 2
    assert threads_per_worker(1, cores=8) is None  # one worker: the runtime's own choice, as before
    assert threads_per_worker(2, cores=2) == 1 and threads_per_worker(2, cores=8) == 4
    assert threads_per_worker(3, cores=2) == 1 and threads_per_worker(2, threads=3, cores=2) == 3
    asked: list[int | None] = []
    detectors = make_detectors(lambda threads: asked.append(threads) or StubDetect(), 2, threads=2)
    assert len(detectors) == 2 and detectors[0] is not detectors[1] and asked == [2, 2]
    with pytest.raises(ValidationError):
        make_detectors(lambda threads: StubDetect(), 0)


def test_headless_prints_the_worker_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_bundle(tmp_path / "bundle", openvino=False)
    assert cli.main(["live", "--headless", "--model", str(tmp_path / "bundle"), "--infer-workers", "2",
                     "--max-frames", "4", "--fps", "60"]) == 0
    assert "inference workers: 2 (threads each: " in capsys.readouterr().out
