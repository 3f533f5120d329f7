"""build_source/open_source: every form of --source, and every shipped camera config."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge_app.config.loader import load_config_set
from edge_app.config.schema import CameraConfig
from edge_app.errors import DeviceError
from edge_app.sources.base import FrameSource
from edge_app.sources.factory import build_source, from_config, open_source
from edge_app.sources.mjpeg_source import MjpegSource
from edge_app.sources.opencv_source import OpenCVSource
from edge_app.sources.picamera2_source import Picamera2Source
from edge_app.sources.reconnect import ReconnectingSource
from edge_app.sources.replay_source import ReplaySource
from tests.test_sources_mjpeg import MjpegServer, read_frames
from tests.test_sources_support import EventLog, no_thread_left, write_folder, write_video  # noqa: F401

SHIPPED_CAMERAS = load_config_set().cameras


def unwrap(source: FrameSource) -> FrameSource:
    assert isinstance(source, ReconnectingSource), "live sources come with reconnection"
    return source.inner


@pytest.mark.parametrize(("spec", "kind", "device"), [
    (0, OpenCVSource, 0),
    ("1", OpenCVSource, 1),
    ("/dev/video2", OpenCVSource, "/dev/video2"),
    ("http://127.0.0.1:8080/video", MjpegSource, None),
    ("rtsp://127.0.0.1:8554/live", OpenCVSource, "rtsp://127.0.0.1:8554/live"),
    ("picamera2", Picamera2Source, None),
    ("picamera2:1", Picamera2Source, None),
])
def test_live_specs_dispatch_without_opening(spec: int | str, kind: type, device: object) -> None:
    source = unwrap(build_source(spec))
    assert type(source) is kind and source.is_live
    if device is not None:
        assert source.device == device  # type: ignore[attr-defined]
    if isinstance(spec, str) and spec.startswith("rtsp"):
        assert source.driver == "rtsp"  # type: ignore[attr-defined]


def test_reconnect_can_be_left_off_and_fps_is_asked_of_a_camera() -> None:
    source = build_source(0, fps=15, reconnect=False)
    assert type(source) is OpenCVSource and source.request.fps == 15
    assert build_source("picamera2:1", reconnect=False).source_id == "picamera2:1"


def test_folders_and_videos_become_replays(tmp_path: Path) -> None:
    write_folder(tmp_path / "fields", 2)
    video = write_video(tmp_path / "scan.avi", 2)
    for spec in (tmp_path / "fields", str(tmp_path / "fields"), str(video)):
        source = build_source(spec, fps=12, loop=True)
        assert type(source) is ReplaySource and not source.is_live
        assert source.nominal_fps == 12 and source.loop


def test_open_source_returns_an_open_source(tmp_path: Path) -> None:
    write_folder(tmp_path, 2)
    with open_source(str(tmp_path), on_event=EventLog()) as source:
        assert source.read() is not None


def test_an_unknown_spec_lists_what_is_accepted() -> None:
    with pytest.raises(DeviceError, match="unknown source 'nonsense'") as info:
        build_source("nonsense")
    assert "http://" in (info.value.hint or "") and "camera config id" in (info.value.hint or "")


def test_a_shipped_camera_id_is_a_spec() -> None:
    source = unwrap(build_source("zzcat-5mp"))
    assert isinstance(source, OpenCVSource) and source.source_id == "zzcat-5mp:0"
    assert source.request.resolution == (2592, 1944) and source.request.fourcc == "MJPG"
    assert source.request.fps == 10 and source.nominal_fps == 10


@pytest.mark.parametrize("camera_id", sorted(SHIPPED_CAMERAS))
def test_every_shipped_camera_config_builds_a_source(camera_id: str) -> None:
    config = SHIPPED_CAMERAS[camera_id]
    source = unwrap(build_source(config))  # builds only: no camera, no network touched
    expected = {"uvc": OpenCVSource, "rtsp": OpenCVSource, "mjpeg": MjpegSource, "picamera2": Picamera2Source}
    assert type(source) is expected[config.driver]
    assert source.resolution == tuple(config.resolution)
    assert source.nominal_fps == config.fps
    if isinstance(source, (OpenCVSource, Picamera2Source)):
        assert source.request.exposure == config.exposure
        assert source.request.white_balance == config.white_balance
        assert source.request.fourcc == config.fourcc


def camera(**fields: object) -> CameraConfig:
    base = {"kind": "camera", "id": "test-cam", "name": "test", "driver": "uvc", "camera_class": "C2",
            "resolution": [1280, 720]}
    return CameraConfig.model_validate({**base, **fields})


def test_config_device_override_and_missing_stream_address() -> None:
    source = from_config(camera(device=0), device="3")
    assert isinstance(source, OpenCVSource) and source.device == 3 and source.source_id == "test-cam:3"
    with pytest.raises(DeviceError, match="no device: address"):
        from_config(camera(driver="mjpeg"))
    with pytest.raises(DeviceError, match="a Pi camera's device is its number"):
        from_config(camera(driver="picamera2", device="/dev/video0"))


def test_fps_option_overrides_the_config() -> None:
    source = from_config(SHIPPED_CAMERAS["hd1500t"], fps=5)
    assert isinstance(source, OpenCVSource) and source.request.fps == 5


def test_phone_mjpeg_config_streams_from_a_loopback_phone() -> None:
    phone = SHIPPED_CAMERAS["phone-mjpeg"]
    with MjpegServer() as server:
        local = phone.model_copy(update={"device": server.url()})
        with open_source(local) as source:
            assert len(read_frames(source, 2)) == 2  # type: ignore[arg-type]
            assert source.nominal_fps == phone.fps
