"""FaultySource and ReconnectingSource: unplugged, reported, waited for, replugged, resumed."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge_app.errors import DeviceError
from edge_app.frame import Frame
from edge_app.sources.base import FrameSource
from edge_app.sources.faulty_source import FaultySource
from edge_app.sources.reconnect import BackOff, ReconnectingSource
from edge_app.sources.replay_source import ReplaySource
from tests.test_sources_support import EventLog, level, no_thread_left, write_folder  # noqa: F401

FAST = BackOff(initial_s=0.01, factor=2.0, max_s=0.04)


def live_replay(folder: Path, **faults: object) -> FaultySource:
    """A looping replay posing as a live camera, with the given faults."""
    source = FaultySource(ReplaySource(folder, loop=True), **faults)  # type: ignore[arg-type]
    source.is_live = True
    return source


def frames_from(source: FrameSource, count: int, max_reads: int = 2000) -> list[Frame]:
    frames: list[Frame] = []
    for _ in range(max_reads):
        frame = source.read()
        if frame is not None:
            frames.append(frame)
            if len(frames) == count:
                break
    return frames


def test_faulty_source_unplugs_after_n_frames_and_fails_opens(tmp_path: Path) -> None:
    write_folder(tmp_path, 4)
    source = live_replay(tmp_path, unplug_after=3, failed_opens=2)
    source.open()
    assert len(frames_from(source, 3)) == 3
    with pytest.raises(DeviceError, match="stopped sending frames"):
        source.read()
    for _ in range(2):
        with pytest.raises(DeviceError, match="not found"):
            source.open()
    source.open()  # third attempt: plugged back in
    assert source.read() is not None and source.unplug_count == 1 and source.open_attempts == 4
    source.close()


def test_faulty_source_stalls_without_failing(tmp_path: Path) -> None:
    write_folder(tmp_path, 3)
    source = live_replay(tmp_path, stall_after=1, stall_reads=3)
    with source:
        reads = [source.read() for _ in range(5)]
    assert [r is not None for r in reads] == [True, False, False, False, True]


def test_manual_unplug_needs_a_manual_replug(tmp_path: Path) -> None:
    write_folder(tmp_path, 2)
    source = live_replay(tmp_path, failed_opens=None)
    source.open()
    source.unplug()
    for _ in range(5):
        with pytest.raises(DeviceError):
            source.open()
    source.replug()
    source.open()
    assert source.read() is not None
    source.close()


def test_reconnect_reports_lost_reconnecting_reconnected_and_resumes(tmp_path: Path) -> None:
    write_folder(tmp_path, 5)
    events = EventLog()
    faulty = live_replay(tmp_path, unplug_after=2, failed_opens=3)
    with ReconnectingSource(faulty, backoff=FAST, on_event=events) as source:
        frames = frames_from(source, 4)
    assert [level(f.image) for f in frames] == [0, 1, 0, 1]  # replay restarts after the reopen
    assert events.kinds == ["lost", "reconnecting", "reconnecting", "reconnecting", "reconnecting", "reconnected"]
    assert "stopped sending frames" in events.messages("lost")[0]
    delays = [e.retry_in_s for e in events.events if e.kind == "reconnecting"]
    assert delays == [0.01, 0.02, 0.04, 0.04]  # exponential, capped
    assert events.messages("reconnecting")[0] == "reconnecting in 0.0 s"
    assert source.losses == 1 and source.state == "closed"


def test_repeated_unplugs_are_each_reported(tmp_path: Path) -> None:
    write_folder(tmp_path, 3)
    events = EventLog()
    faulty = live_replay(tmp_path, unplug_after=2, failed_opens=0, repeat=True)
    with ReconnectingSource(faulty, backoff=FAST, on_event=events) as source:
        assert len(frames_from(source, 6)) == 6
        assert source.losses == 2
    assert events.kinds.count("reconnected") == 2


def test_first_open_fails_loudly_unless_told_to_wait(tmp_path: Path) -> None:
    write_folder(tmp_path, 2)
    faulty = live_replay(tmp_path, failed_opens=2)  # the first two opens fail
    faulty.unplug()
    with pytest.raises(DeviceError, match="not found"):
        ReconnectingSource(faulty, backoff=FAST).open()
    events = EventLog()
    waiting = ReconnectingSource(faulty, backoff=FAST, wait_for_device=True, on_event=events)
    with waiting:
        assert waiting.state == "waiting"
        assert len(frames_from(waiting, 1)) == 1
    assert events.kinds[0] == "lost" and "not there yet" in events.messages("lost")[0]
    assert events.kinds[-1] == "reconnected"


def test_inner_events_reach_the_wrapper_sink(tmp_path: Path) -> None:
    write_folder(tmp_path, 2)
    (tmp_path / "field1.png").write_bytes(b"broken")
    events = EventLog()
    faulty = FaultySource(ReplaySource(tmp_path))
    with ReconnectingSource(faulty, on_event=events) as source:
        assert frames_from(source, 5, max_reads=10)
        assert source.finished and not source.is_live
    assert events.kinds == ["skipped", "finished"]


def test_wrapper_properties_follow_the_inner_source(tmp_path: Path) -> None:
    write_folder(tmp_path, 2)
    with ReconnectingSource(FaultySource(ReplaySource(tmp_path, fps=7))) as source:
        assert source.resolution == (64, 48) and source.nominal_fps == 7
        assert source.source_id == f"replay:{tmp_path.name}"
    with pytest.raises(RuntimeError, match="before open"):
        source.read()
