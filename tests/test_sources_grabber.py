"""LatestFrameGrabber: one frame held at most, drops counted, FPS measured, clean stops."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from edge_app.errors import DeviceError
from edge_app.frame import Frame
from edge_app.sources.base import FrameSource
from edge_app.sources.faulty_source import FaultySource
from edge_app.sources.grabber import LatestFrameGrabber
from edge_app.sources.reconnect import BackOff, ReconnectingSource
from edge_app.sources.replay_source import ReplaySource
from tests.test_sources_support import EventLog, level, no_thread_left, write_folder  # noqa: F401


class CountingCamera(FrameSource):
    """A fake camera, tiny on purpose: numbered frames every `period_s`, open/close recorded."""

    def __init__(self, period_s: float = 0.001) -> None:
        super().__init__("fake:0")
        self.period_s = period_s
        self.is_open = False
        self._image = np.zeros((8, 8, 3), np.uint8)

    def open(self) -> None:
        self.is_open = True

    def read(self) -> Frame | None:
        time.sleep(self.period_s)
        return self._frame(self._image)

    def close(self) -> None:
        self.is_open = False


def test_grabber_holds_one_frame_the_newest() -> None:
    camera = CountingCamera()
    grabber = LatestFrameGrabber(camera).start()
    time.sleep(0.2)
    assert grabber.stop() and not camera.is_open
    stats = grabber.stats
    assert stats.captured > 10 and not stats.running
    newest = grabber.latest()
    assert newest is not None and newest.index == stats.captured - 1  # the newest, not the oldest
    assert grabber.latest() is None  # nothing queued behind it
    after = grabber.stats
    assert after.captured == after.taken + after.dropped  # every frame is either taken or dropped


def test_a_slow_consumer_causes_counted_drops(tmp_path: Path) -> None:
    write_folder(tmp_path, 5)
    with LatestFrameGrabber(ReplaySource(tmp_path, fps=100, loop=True)) as grabber:
        taken = []
        for _ in range(5):
            time.sleep(0.08)  # "inference" slower than the camera
            frame = grabber.latest(timeout_s=1.0)
            assert frame is not None
            taken.append(frame.index)
        stats = grabber.stats
    assert taken == sorted(taken) and len(set(taken)) == 5
    assert stats.dropped > 0 and stats.taken == 5
    assert stats.captured - stats.taken - stats.dropped in (0, 1)  # at most one frame waiting


def test_capture_fps_is_measured(tmp_path: Path) -> None:
    write_folder(tmp_path, 3)
    with LatestFrameGrabber(ReplaySource(tmp_path, fps=40, loop=True)) as grabber:
        time.sleep(0.7)
        fps = grabber.stats.capture_fps
    assert 15 < fps < 60  # loose: a shared CI machine may pace late, never much early


def test_a_recording_finishes_and_the_thread_ends_by_itself(tmp_path: Path) -> None:
    write_folder(tmp_path, 3)
    events = EventLog()
    grabber = LatestFrameGrabber(ReplaySource(tmp_path, on_event=events)).start()
    deadline = time.monotonic() + 3
    while grabber.running and time.monotonic() < deadline:
        time.sleep(0.01)
    assert grabber.finished and not grabber.running
    last = grabber.latest()
    assert last is not None and level(last.image) == 2
    assert grabber.stop(timeout_s=1.0)
    assert events.kinds == ["finished"]


def test_latest_waits_for_a_frame_up_to_a_timeout(tmp_path: Path) -> None:
    write_folder(tmp_path, 2)
    with LatestFrameGrabber(ReplaySource(tmp_path, fps=5, loop=True)) as grabber:
        assert grabber.latest(timeout_s=2.0) is not None
        start = time.monotonic()
        grabber.latest(timeout_s=0.05)
        assert time.monotonic() - start < 1.0


def test_stop_is_prompt_even_for_a_slow_source(tmp_path: Path) -> None:
    write_folder(tmp_path, 2)
    grabber = LatestFrameGrabber(ReplaySource(tmp_path, fps=0.2)).start()
    assert grabber.latest(timeout_s=1.0) is not None
    start = time.monotonic()
    assert grabber.stop(timeout_s=2.0)
    assert time.monotonic() - start < 1.0


def test_an_open_failure_is_raised_by_start(tmp_path: Path) -> None:
    grabber = LatestFrameGrabber(ReplaySource(tmp_path / "missing"))
    with pytest.raises(DeviceError, match="no such file"):
        grabber.start()
    assert not grabber.running


def test_without_reconnect_a_lost_camera_ends_capture_visibly(tmp_path: Path) -> None:
    write_folder(tmp_path, 3)
    events = EventLog()
    faulty = FaultySource(ReplaySource(tmp_path, loop=True, on_event=events), unplug_after=3, failed_opens=None)
    grabber = LatestFrameGrabber(faulty).start()
    deadline = time.monotonic() + 3
    while grabber.running and time.monotonic() < deadline:
        time.sleep(0.01)
    assert grabber.stop()
    assert isinstance(grabber.error, DeviceError) and grabber.stats.captured == 3
    assert events.kinds == ["lost"] and "capture stopped" in events.messages("lost")[0]


def test_camera_unplugged_and_replugged_live_survives_reports_resumes(tmp_path: Path) -> None:
    write_folder(tmp_path, 4)
    events = EventLog()
    faulty = FaultySource(ReplaySource(tmp_path, fps=100, loop=True), unplug_after=10, failed_opens=2)
    faulty.is_live = True
    source = ReconnectingSource(faulty, backoff=BackOff(initial_s=0.02, max_s=0.05), on_event=events)
    with LatestFrameGrabber(source) as grabber:
        deadline = time.monotonic() + 5
        while "reconnected" not in events.kinds and time.monotonic() < deadline:
            grabber.latest(timeout_s=0.05)
            assert grabber.running  # the capture thread never dies on a lost camera
        after = [grabber.latest(timeout_s=1.0) for _ in range(3)]
    assert events.kinds[0] == "lost" and events.kinds[-1] == "reconnected"
    assert all(f is not None for f in after)
    assert grabber.stats.captured > 10 and grabber.error is None
