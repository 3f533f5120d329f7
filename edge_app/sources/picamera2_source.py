"""`Picamera2Source`: a Raspberry Pi camera (HQ Camera, Camera Module 3) through picamera2.

picamera2 exists only on Raspberry Pi OS (installed with apt, next to libcamera), so it is
imported inside `open()`: the rest of Leuko imports this module anywhere, and off a Pi the
technician gets a DeviceError that says so and what to use instead. Frames are asked as
libcamera's "RGB888", which is B,G,R in memory: OpenCV's order, no conversion.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from edge_app.errors import DeviceError
from edge_app.frame import Frame
from edge_app.sources.base import FrameSource
from edge_app.sources.camera_settings import CameraRequest
from edge_app.sources.events import EventSink

_OFF_PI_HINT = (
    "on a Raspberry Pi: `sudo apt install python3-picamera2` and create the venv with --system-site-packages; "
    "on another computer use a USB camera (--source 0) or a replay folder"
)


def import_picamera2() -> Any:
    """The `Picamera2` class, or a DeviceError that explains picamera2 is Pi-only."""
    try:
        from picamera2 import Picamera2  # type: ignore[import-not-found]
    except ImportError as exc:
        raise DeviceError(f"picamera2 is not available ({exc}); it exists only on Raspberry Pi OS",
                          where="picamera2", hint=_OFF_PI_HINT) from None
    return Picamera2


def camera_controls(request: CameraRequest, available: dict[str, Any]) -> dict[str, Any]:
    """libcamera controls for the request, only those this camera has (the HQ camera has no autofocus)."""
    controls: dict[str, Any] = {}
    if request.fps:
        controls["FrameRate"] = float(request.fps)
    if request.exposure != "auto":
        controls.update(AeEnable=False, ExposureTime=int(request.exposure * 1000))  # µs
    if request.white_balance != "auto" and "ColourTemperature" in available:
        controls.update(AwbEnable=False, ColourTemperature=int(request.white_balance))
    if "AfMode" in available:
        controls.update(AfMode=0, LensPosition=0.0)  # manual focus at infinity: behind an eyepiece
    return {key: value for key, value in controls.items() if key in available or key == "FrameRate"}


class Picamera2Source(FrameSource):
    """A libcamera camera on a Pi; `camera_num` picks it when two are connected (Pi 5)."""

    def __init__(
        self, camera_num: int = 0, *, request: CameraRequest | None = None,
        source_id: str | None = None, on_event: EventSink | None = None,
    ) -> None:
        self.camera_num = camera_num
        self.request = request or CameraRequest()
        super().__init__(source_id or f"picamera2:{camera_num}", on_event)
        self._resolution = self.request.resolution
        self._camera: Any = None

    @property
    def nominal_fps(self) -> float | None:
        return self.request.fps

    def open(self) -> None:
        self.close()
        picamera2_class = import_picamera2()
        try:
            camera = picamera2_class(self.camera_num)
        except (RuntimeError, IndexError) as exc:
            raise DeviceError(f"no Pi camera {self.camera_num} ({exc})", where=f"picamera2 camera {self.camera_num}",
                              hint="check the ribbon cable and the camera line in /boot/firmware/config.txt") from None
        try:
            self._start(camera)
        except BaseException:
            camera.close()
            raise
        self._camera = camera

    def _start(self, camera: Any) -> None:
        main: dict[str, Any] = {"format": "RGB888"}
        if self.request.resolution:
            main["size"] = tuple(self.request.resolution)
        available = dict(getattr(camera, "camera_controls", {}) or {})
        controls = camera_controls(self.request, available)
        config = camera.create_video_configuration(main=main, controls=controls, buffer_count=2)
        camera.configure(config)
        camera.start()
        if self.request.white_balance != "auto" and "ColourTemperature" not in available:
            self._emit("warning", f"this libcamera cannot set {self.request.white_balance} K; white balance stays "
                       "automatic (a newer Raspberry Pi OS can)")

    def read(self) -> Frame | None:
        if self._camera is None:
            raise RuntimeError(f"{self!r}: read() before open()")
        try:
            with self._camera.captured_request() as request:  # buffer goes back to libcamera on exit
                image = np.array(request.make_array("main"), copy=True)
        except (RuntimeError, TimeoutError) as exc:
            raise DeviceError(f"the Pi camera stopped ({exc})", where=self.source_id,
                              hint="check the ribbon cable; Leuko reconnects when it is back") from None
        return self._frame(image)

    def close(self) -> None:
        if self._camera is not None:
            camera, self._camera = self._camera, None
            try:
                camera.stop()
            finally:
                camera.close()
