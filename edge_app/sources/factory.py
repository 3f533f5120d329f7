"""`build_source` / `open_source`: from what the technician typed or configured to a FrameSource.

`--source` takes what people naturally have at hand: `0` (the first USB camera),
`/dev/video2`, a phone app's `http://…` or `rtsp://…` address, a folder of saved fields, a
video, or a shipped camera config's id (`zzcat-5mp`). A `CameraConfig` maps to the same
sources with its resolution, FPS, FOURCC, exposure and white balance. Live sources come
wrapped in `ReconnectingSource`, because a live view must survive a lost camera.
"""

from __future__ import annotations

from pathlib import Path

from edge_app.config.schema import CameraConfig
from edge_app.errors import DeviceError, LeukoError
from edge_app.sources.base import FrameSource
from edge_app.sources.camera_settings import CameraRequest
from edge_app.sources.events import EventSink
from edge_app.sources.mjpeg_source import MjpegSource
from edge_app.sources.opencv_source import OpenCVSource
from edge_app.sources.picamera2_source import Picamera2Source
from edge_app.sources.reconnect import BackOff, ReconnectingSource
from edge_app.sources.replay_source import ReplaySource

SourceSpec = CameraConfig | str | int | Path
_FORMS = ("a camera index (0), /dev/videoN, picamera2[:N], http://… (MJPEG), rtsp://…, an image folder, "
          "a video file, a camera config id, or virtual[:DOMAIN|PROFILE] (the simulated microscope)")


def build_source(
    spec: SourceSpec, *, fps: float | None = None, loop: bool = False, reconnect: bool = True,
    backoff: BackOff | None = None, on_event: EventSink | None = None,
) -> FrameSource:
    """The source for `spec`, not yet opened.

    `fps` paces a replay, is asked of a camera, and overrides a config's; `loop` applies to replays.
    """
    source = _dispatch(spec, fps, loop, on_event)
    if reconnect and source.is_live:
        return ReconnectingSource(source, backoff=backoff, on_event=on_event)
    return source


def open_source(
    spec: SourceSpec, *, fps: float | None = None, loop: bool = False, reconnect: bool = True,
    backoff: BackOff | None = None, on_event: EventSink | None = None,
) -> FrameSource:
    """`build_source(...)`, opened; the caller closes it (or uses `with`)."""
    source = build_source(spec, fps=fps, loop=loop, reconnect=reconnect, backoff=backoff, on_event=on_event)
    source.open()
    return source


def _dispatch(spec: SourceSpec, fps: float | None, loop: bool, on_event: EventSink | None) -> FrameSource:
    if isinstance(spec, CameraConfig):
        return from_config(spec, fps=fps, on_event=on_event)
    if isinstance(spec, Path):
        return ReplaySource(spec, fps=fps, loop=loop, on_event=on_event)
    text = str(spec).strip()
    return _local_camera(text, fps, on_event) or _from_text(text, fps, loop, on_event)


def _local_camera(text: str, fps: float | None, on_event: EventSink | None) -> FrameSource | None:
    """`0`, `/dev/video2`, `picamera2` or `picamera2:1`; None for anything else."""
    request = CameraRequest(fps=fps)
    if text.isdigit() or text.startswith("/dev/video"):
        return OpenCVSource(_as_device(text), request=request, on_event=on_event)
    name, _, number = text.lower().partition(":")
    if name == "picamera2" and (number.isdigit() or not number):
        return Picamera2Source(int(number or 0), request=request, on_event=on_event)
    return None


def _from_text(text: str, fps: float | None, loop: bool, on_event: EventSink | None) -> FrameSource:
    lower = text.lower()
    if lower == "virtual" or lower.startswith("virtual:"):  # the simulated microscope (virtual_microscope.py)
        from edge_app.sources.virtual_microscope import virtual_from_spec

        return virtual_from_spec(text, fps=fps, on_event=on_event)
    if lower.startswith(("http://", "https://")):
        return MjpegSource(text, fps=fps, on_event=on_event)
    if lower.startswith(("rtsp://", "rtsps://")):
        return OpenCVSource(text, driver="rtsp", on_event=on_event)
    if Path(text).expanduser().exists():
        return ReplaySource(Path(text).expanduser(), fps=fps, loop=loop, on_event=on_event)
    camera = _shipped_camera(text)
    if camera is not None:
        return from_config(camera, fps=fps, on_event=on_event)
    raise DeviceError(f"unknown source {text!r}: no such file, folder or camera", hint=f"give {_FORMS}")


def from_config(
    config: CameraConfig, *, device: int | str | None = None, fps: float | None = None,
    on_event: EventSink | None = None,
) -> FrameSource:
    """The source a camera config describes; `device` overrides its `device:` (e.g. another index)."""
    request = CameraRequest(tuple(config.resolution), fps or config.fps, config.fourcc, config.exposure,
                            config.white_balance)
    device = config.device if device is None else device
    sid = f"{config.id}:{device}" if config.driver in ("uvc", "picamera2") else None
    if config.driver == "picamera2":
        return Picamera2Source(_camera_number(config, device), request=request, source_id=sid, on_event=on_event)
    if device is None:
        raise DeviceError(f"camera config {config.id!r} has no device: address", where=config.id,
                          hint="add device: with the stream address the phone app shows, or pass --source")
    if config.driver == "mjpeg":
        return MjpegSource(str(device), fps=request.fps, resolution=request.resolution, on_event=on_event)
    if config.driver == "rtsp":
        return OpenCVSource(str(device), driver="rtsp", request=request, on_event=on_event)
    return OpenCVSource(_as_device(device), request=request, source_id=sid, on_event=on_event)


def _as_device(device: int | str) -> int | str:
    """`"2"` from a YAML file or a command line means camera index 2."""
    return int(device) if isinstance(device, str) and device.strip().isdigit() else device


def _camera_number(config: CameraConfig, device: int | str | None) -> int:
    number = 0 if device is None else _as_device(device)
    if not isinstance(number, int):
        raise DeviceError(f"a Pi camera's device is its number (0 or 1), got {device!r}", where=config.id)
    return number


def _shipped_camera(config_id: str) -> CameraConfig | None:
    """A shipped camera config by id, or None (configs that fail to load are not this error's topic)."""
    from edge_app.config.loader import load_config_set

    try:
        return load_config_set().cameras.get(config_id)
    except LeukoError:
        return None
