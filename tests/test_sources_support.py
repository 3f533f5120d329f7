"""Helpers shared by the source tests (fixtures, tiny images), and tests of the small pieces."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from edge_app.sources.events import SourceEvent, log_event
from edge_app.sources.pacing import Pacer
from edge_app.sources.reconnect import BackOff
from edge_app.sources.urls import is_stream_url, redact


@pytest.fixture(autouse=True)
def no_thread_left() -> Iterator[None]:
    """Fail any test that leaves a Python thread running (as napari's conftest does).

    Foreign threads (`_DummyThread`: a QThread that ran Python code stays listed as one forever on
    Python 3.11) are not Python's to join: Qt tests wait for their TaskWorkers themselves."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 3.0

    def extra() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t not in before and not isinstance(t, threading._DummyThread)]

    while extra() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not extra(), f"threads left running: {[t.name for t in extra()]}"


class EventLog:
    """An event sink for tests: keeps every event, answers what kinds came in which order."""

    def __init__(self) -> None:
        self.events: list[SourceEvent] = []
        self._lock = threading.Lock()

    def __call__(self, event: SourceEvent) -> None:
        with self._lock:
            self.events.append(event)

    @property
    def kinds(self) -> list[str]:
        with self._lock:
            return [e.kind for e in self.events]

    def messages(self, kind: str) -> list[str]:
        with self._lock:
            return [e.message for e in self.events if e.kind == kind]


def numbered_image(n: int, size: tuple[int, int] = (64, 48)) -> np.ndarray:
    """A BGR image whose flat grey level encodes `n` (robust to JPEG), so order can be checked."""
    return np.full((size[1], size[0], 3), (n * 20) % 250, np.uint8)


def level(image: np.ndarray) -> int:
    """Recover the `n` of `numbered_image` (mod 250/20) from a decoded image."""
    return round(float(image.mean()) / 20)


def write_folder(folder: Path, count: int, suffix: str = ".png") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"field{n}{suffix}"
        assert cv2.imwrite(str(path), numbered_image(n))
        paths.append(path)
    return paths


def write_video(path: Path, count: int, size: tuple[int, int] = (64, 48), fps: float = 25.0) -> Path:
    """An MJPG .avi, which OpenCV writes and reads headless without extra codecs."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, size)
    assert writer.isOpened()
    for n in range(count):
        writer.write(numbered_image(n, size))
    writer.release()
    return path


def test_pacer_unpaced_is_always_ready() -> None:
    pacer = Pacer(None)
    for _ in range(3):
        assert pacer.ready()
        pacer.delivered()


def test_pacer_caps_each_wait_and_does_not_burst_after_a_stall() -> None:
    pacer = Pacer(4.0)  # one frame per 0.25 s
    pacer.delivered()
    start = time.monotonic()
    assert not pacer.ready(max_wait=0.02)  # not due: returns after the short cap
    assert time.monotonic() - start < 0.2
    time.sleep(0.6)  # consumer stalled for more than two periods
    assert pacer.ready(max_wait=0.02)
    pacer.delivered()
    assert not pacer.ready(max_wait=0.02)  # the beat restarted: no second frame at once


def test_pacer_refuses_a_zero_rate() -> None:
    with pytest.raises(ValueError, match="fps"):
        Pacer(0)


def test_backoff_grows_and_caps() -> None:
    backoff = BackOff(initial_s=0.5, factor=2.0, max_s=3.0)
    assert [backoff.delay(n) for n in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert backoff.delay(10_000) == 3.0


@pytest.mark.parametrize(("url", "shown"), [
    ("http://user:secret@10.0.0.2:8080/video", "http://10.0.0.2:8080/video"),
    ("rtsp://admin:pw@127.0.0.1/live?x=1", "rtsp://127.0.0.1/live?x=1"),
    ("http://127.0.0.1:8080/video", "http://127.0.0.1:8080/video"),
])
def test_redact_drops_credentials(url: str, shown: str) -> None:
    assert redact(url) == shown
    assert is_stream_url(url)


def test_default_event_sink_logs_trouble_as_warning(caplog: pytest.LogCaptureFixture) -> None:
    log_event(SourceEvent("lost", "uvc:0", "the camera stopped sending frames"))
    assert caplog.records[-1].levelname == "WARNING"
    assert "uvc:0: the camera stopped" in caplog.records[-1].getMessage()
