"""ReplaySource: folders and videos played like a camera, paced or as fast as possible."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from edge_app.errors import DeviceError
from edge_app.frame import Frame
from edge_app.sources.replay_source import ReplaySource, list_images
from tests.test_sources_support import EventLog, level, no_thread_left, write_folder, write_video  # noqa: F401


def read_all(source: ReplaySource, limit: int = 1000) -> list[Frame]:
    frames: list[Frame] = []
    for _ in range(limit):
        frame = source.read()
        if frame is not None:
            frames.append(frame)
        elif source.finished:
            break
    return frames


def test_folder_replays_in_natural_order_then_finishes(tmp_path: Path) -> None:
    write_folder(tmp_path / "day1", 12)
    events = EventLog()
    with ReplaySource(tmp_path / "day1", on_event=events) as source:
        assert source.resolution == (64, 48) and source.frame_count == 12 and not source.is_live
        frames = read_all(source)
        assert source.finished and source.read() is None
    assert [level(f.image) for f in frames] == list(range(12))  # field10 after field9, not after field1
    assert [f.index for f in frames] == list(range(12))
    assert {f.source_id for f in frames} == {"replay:day1"}
    assert events.kinds == ["finished"]


def test_unreadable_files_are_skipped_with_an_event(tmp_path: Path) -> None:
    write_folder(tmp_path, 3, ".jpg")
    (tmp_path / "field1.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    (tmp_path / "notes.txt").write_text("ignored: not an image")
    events = EventLog()
    with ReplaySource(tmp_path, on_event=events) as source:
        frames = read_all(source)
    assert [level(f.image) for f in frames] == [0, 2]
    assert events.kinds == ["skipped", "finished"]
    assert "field1.jpg" in events.messages("skipped")[0]


def test_loop_restarts_the_folder(tmp_path: Path) -> None:
    write_folder(tmp_path, 3)
    with ReplaySource(tmp_path, loop=True) as source:
        frames = [f for f in (source.read() for _ in range(8)) if f is not None]
        assert not source.finished
    assert [level(f.image) for f in frames] == [0, 1, 2, 0, 1, 2, 0, 1]
    assert frames[-1].index == 7  # indices keep counting across loops


def test_loop_over_only_broken_files_finishes_instead_of_spinning(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(b"broken")
    with ReplaySource(tmp_path, loop=True, on_event=EventLog()) as source:
        assert read_all(source, limit=5) == []
        assert source.finished


def test_video_replays_every_frame_and_loops(tmp_path: Path) -> None:
    video = write_video(tmp_path / "scan.avi", 10)
    with ReplaySource(video, on_event=EventLog()) as source:
        assert source.resolution == (64, 48)
        frames = read_all(source)
    assert len(frames) == 10
    assert [level(f.image) for f in frames] == list(range(10))
    assert frames[0].image.dtype == np.uint8 and frames[0].image.shape == (48, 64, 3)
    with ReplaySource(video, loop=True) as source:
        looped = [f for f in (source.read() for _ in range(15)) if f is not None]
    assert [level(f.image) for f in looped] == [*range(10), *range(5)]


def test_a_single_image_file_is_a_one_frame_replay(tmp_path: Path) -> None:
    [path] = write_folder(tmp_path, 1)
    with ReplaySource(path, on_event=EventLog()) as source:
        assert len(read_all(source)) == 1


def test_fps_pacing_is_roughly_honoured(tmp_path: Path) -> None:
    write_folder(tmp_path, 6)
    with ReplaySource(tmp_path, fps=20, on_event=EventLog()) as source:
        assert source.nominal_fps == 20
        start = time.monotonic()
        frames = read_all(source)
        elapsed = time.monotonic() - start
    assert len(frames) == 6
    assert 0.2 <= elapsed < 2.0  # 5 periods of 50 ms; loose upper bound for a busy machine


def test_fps_none_is_as_fast_as_possible(tmp_path: Path) -> None:
    write_folder(tmp_path, 40)
    with ReplaySource(tmp_path, on_event=EventLog()) as source:
        start = time.monotonic()
        assert len(read_all(source)) == 40
    assert time.monotonic() - start < 2.0


def test_a_paced_read_never_blocks_long(tmp_path: Path) -> None:
    write_folder(tmp_path, 2)
    with ReplaySource(tmp_path, fps=0.5) as source:  # one frame per 2 s
        assert source.read() is not None
        start = time.monotonic()
        assert source.read() is None  # not due yet: None now, not a 2 s block
        assert time.monotonic() - start < 0.5


def bad_path(tmp_path: Path, kind: str) -> Path:
    if kind == "corrupt video":
        (tmp_path / "clip.avi").write_bytes(b"not a video")
        return tmp_path / "clip.avi"
    return tmp_path / "missing" if kind == "missing" else tmp_path


@pytest.mark.parametrize(("kind", "match"), [
    ("missing", "no such file or folder"),
    ("empty folder", "no images in this folder"),
    ("corrupt video", "cannot open the video"),
])
def test_bad_paths_raise_device_errors_with_hints(tmp_path: Path, kind: str, match: str) -> None:
    source = ReplaySource(bad_path(tmp_path, kind))
    with pytest.raises(DeviceError, match=match) as info:
        source.open()
    assert info.value.hint and info.value.where


def test_read_before_open_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="before open"):
        ReplaySource(tmp_path).read()


def test_list_images_ignores_other_files_and_folders(tmp_path: Path) -> None:
    write_folder(tmp_path, 2, ".jpg")
    (tmp_path / "sub").mkdir()
    cv2.imwrite(str(tmp_path / "sub" / "x.png"), np.zeros((8, 8, 3), np.uint8))
    (tmp_path / "README").write_text("x")
    assert [p.name for p in list_images(tmp_path)] == ["field0.jpg", "field1.jpg"]
