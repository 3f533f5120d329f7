"""Camera sources without cameras: OpenCV settings and errors, picamera2 off a Pi and with a fake."""

from __future__ import annotations

import socket
import sys
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import cv2
import numpy as np
import pytest

from edge_app.errors import DeviceError
from edge_app.sources.camera_settings import CameraRequest, apply_request, decode_fourcc
from edge_app.sources.opencv_source import OpenCVSource
from edge_app.sources.picamera2_source import Picamera2Source, camera_controls
from tests.test_sources_support import EventLog, no_thread_left, write_video  # noqa: F401

# --- OpenCV: UVC and RTSP ------------------------------------------------------------------


class FakeCapture:
    """Records `set` calls in order and answers `get` like a camera that keeps its own mind."""

    def __init__(self, refuse: frozenset[int] = frozenset(), backend: str = "V4L2") -> None:
        self.calls: list[tuple[int, float]] = []
        self.refuse = refuse
        self.backend = backend
        self.values = {cv2.CAP_PROP_FRAME_WIDTH: 1280.0, cv2.CAP_PROP_FRAME_HEIGHT: 960.0, cv2.CAP_PROP_FPS: 30.0,
                       cv2.CAP_PROP_FOURCC: float(cv2.VideoWriter.fourcc(*"YUYV"))}

    def set(self, prop: int, value: float) -> bool:
        self.calls.append((prop, value))
        return prop not in self.refuse

    def get(self, prop: int) -> float:
        return self.values.get(prop, 0.0)

    def getBackendName(self) -> str:  # OpenCV's spelling
        return self.backend


def test_settings_go_in_driver_order_and_refusals_are_reported() -> None:
    cap = FakeCapture(refuse=frozenset({cv2.CAP_PROP_WB_TEMPERATURE}))
    request = CameraRequest((2592, 1944), 10, "MJPG", exposure=10.0, white_balance=5500)
    report = apply_request(cap, request)  # type: ignore[arg-type]
    props = [p for p, _ in cap.calls]
    assert props[:4] == [cv2.CAP_PROP_FOURCC, cv2.CAP_PROP_FRAME_WIDTH, cv2.CAP_PROP_FRAME_HEIGHT, cv2.CAP_PROP_FPS]
    assert (cv2.CAP_PROP_AUTO_EXPOSURE, 1.0) in cap.calls and (cv2.CAP_PROP_EXPOSURE, 100.0) in cap.calls  # 100 µs
    assert report.resolution == (1280, 960) and report.fps == 30 and report.fourcc == "YUYV"
    assert report.mismatches == (
        "camera gives 1280x960 instead of the requested 2592x1944",
        "camera runs at 30 FPS instead of the requested 10",
        "camera sends YUYV instead of the requested MJPG",
        "camera refused the manual white balance of 5500 K",
    )


def test_auto_settings_and_windows_exposure_units() -> None:
    cap = FakeCapture(refuse=frozenset({cv2.CAP_PROP_AUTO_WB}), backend="DSHOW")
    report = apply_request(cap, CameraRequest(exposure=10.0))  # type: ignore[arg-type]
    assert (cv2.CAP_PROP_EXPOSURE, -7.0) in cap.calls  # log2(0.010 s) rounded
    assert (cv2.CAP_PROP_AUTO_WB, 1.0) in cap.calls
    assert report.mismatches == ()  # auto white balance the camera lacks is no news


def test_decode_fourcc() -> None:
    assert decode_fourcc(cv2.VideoWriter.fourcc(*"MJPG")) == "MJPG"
    assert decode_fourcc(0.0) == "" and decode_fourcc(-1.0) == ""


def test_a_missing_camera_says_what_to_try() -> None:
    with pytest.raises(DeviceError) as info:
        OpenCVSource(97).open()
    assert str(info.value).startswith("camera 97: not found")
    assert info.value.hint == "is it plugged in? try --source 98"


def free_loopback_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_rtsp_stream_is_a_device_error() -> None:
    url = f"rtsp://user:pw@127.0.0.1:{free_loopback_port()}/live"
    source = OpenCVSource(url, driver="rtsp", timeout_s=2.0)
    assert source.source_id.startswith("rtsp:rtsp://127.0.0.1:") and "pw" not in source.source_id
    start = time.monotonic()
    with pytest.raises(DeviceError, match="cannot open the RTSP stream") as info:
        source.open()
    assert time.monotonic() - start < 10 and "pw" not in str(info.value)


def test_opencv_source_reports_what_it_got_and_a_lost_stream(tmp_path: Path) -> None:
    video = write_video(tmp_path / "cam.avi", 3, fps=25)
    events = EventLog()
    request = CameraRequest((1280, 720), 30, None, "auto", "auto")
    source = OpenCVSource(str(video), request=request, on_event=events)
    assert source.resolution == (1280, 720)  # as requested, until it opens
    with source:
        assert source.resolution == (64, 48) and source.nominal_fps == 25
        assert source.report is not None and source.report.resolution == (64, 48)
        frames = [source.read() for _ in range(3)]
        assert all(f is not None and f.image.shape == (48, 64, 3) for f in frames)
        with pytest.raises(DeviceError, match="stopped sending frames"):
            source.read()
    assert "camera gives 64x48 instead of the requested 1280x720" in events.messages("warning")


# --- picamera2 -------------------------------------------------------------------------------


def test_picamera2_off_a_pi_is_a_clear_device_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "picamera2", None)  # as on any machine but a Pi
    source = Picamera2Source(request=CameraRequest((2028, 1520), 30))  # building needs no Pi
    with pytest.raises(DeviceError, match="exists only on Raspberry Pi OS") as info:
        source.open()
    assert info.value.where == "picamera2" and "python3-picamera2" in (info.value.hint or "")


class FakePicamera2:
    """picamera2's surface that the source uses, as a tiny fake (picamera2's own tests need a Pi)."""

    instances: ClassVar[list[FakePicamera2]] = []
    camera_controls: ClassVar[dict[str, Any]] = {}

    def __init__(self, camera_num: int = 0) -> None:
        if camera_num > 0:
            raise IndexError("list index out of range")
        self.config: dict[str, Any] = {}
        self.state = "created"
        FakePicamera2.instances.append(self)

    def create_video_configuration(self, main: dict[str, Any], controls: dict[str, Any],
                                   buffer_count: int) -> dict[str, Any]:
        return {"main": main, "controls": controls, "buffer_count": buffer_count}

    def configure(self, config: dict[str, Any]) -> None:
        self.config = config

    def start(self) -> None:
        self.state = "started"

    def stop(self) -> None:
        self.state = "stopped"

    def close(self) -> None:
        self.state = "closed"

    @contextmanager
    def captured_request(self) -> Iterator[Any]:
        width, height = self.config["main"]["size"]
        yield types.SimpleNamespace(make_array=lambda name: np.full((height, width, 3), 7, np.uint8))


@pytest.fixture
def fake_picamera2(monkeypatch: pytest.MonkeyPatch) -> type[FakePicamera2]:
    FakePicamera2.instances = []
    FakePicamera2.camera_controls = {}
    monkeypatch.setitem(sys.modules, "picamera2", types.SimpleNamespace(Picamera2=FakePicamera2))
    return FakePicamera2


HQ_CONTROLS = {"AeEnable": None, "ExposureTime": None, "AwbEnable": None, "ColourTemperature": None}
MODULE3_CONTROLS = {**HQ_CONTROLS, "AfMode": None, "LensPosition": None}


def test_picamera2_source_configures_and_reads_through_the_fake(fake_picamera2: type[FakePicamera2]) -> None:
    fake_picamera2.camera_controls = HQ_CONTROLS
    request = CameraRequest((2028, 1520), 30, exposure=8.0, white_balance=5500)
    with Picamera2Source(request=request) as source:
        frame = source.read()
        camera = fake_picamera2.instances[0]
        assert camera.state == "started"
    assert camera.state == "closed"
    assert frame is not None and frame.image.shape == (1520, 2028, 3) and frame.source_id == "picamera2:0"
    assert camera.config["main"] == {"format": "RGB888", "size": (2028, 1520)}
    assert camera.config["controls"] == {"FrameRate": 30.0, "AeEnable": False, "ExposureTime": 8000,
                                         "AwbEnable": False, "ColourTemperature": 5500}


def test_picamera2_missing_camera_and_missing_controls(fake_picamera2: type[FakePicamera2]) -> None:
    with pytest.raises(DeviceError, match="no Pi camera 1"):
        Picamera2Source(1).open()
    fake_picamera2.camera_controls = {}
    events = EventLog()
    with Picamera2Source(request=CameraRequest((640, 480), white_balance=5500), on_event=events):
        pass
    assert "white balance stays automatic" in events.messages("warning")[0]


def test_camera_module_3_focus_is_locked_at_infinity() -> None:
    controls = camera_controls(CameraRequest(fps=30), MODULE3_CONTROLS)
    assert controls == {"FrameRate": 30.0, "AfMode": 0, "LensPosition": 0.0}
    assert "AfMode" not in camera_controls(CameraRequest(fps=30), HQ_CONTROLS)
