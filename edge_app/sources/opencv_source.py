"""`OpenCVSource`: a USB (UVC) camera by index or /dev path, or an RTSP stream, through OpenCV.

Both are `cv2.VideoCapture` underneath; what differs is what can be asked. A UVC camera takes
resolution, FPS, FOURCC, exposure and white balance (see `camera_settings`), and the source
reports what it actually accepted. A network stream (a phone's RTSP app) takes nothing: the
phone decides, so the source only opens it with time-outs, over TCP, and reports what arrives.
"""

from __future__ import annotations

import os
from typing import Literal

import cv2

from edge_app.errors import DeviceError
from edge_app.frame import Frame
from edge_app.sources.base import FrameSource
from edge_app.sources.camera_settings import CameraReport, CameraRequest, apply_request, read_report
from edge_app.sources.events import EventSink
from edge_app.sources.urls import redact

Driver = Literal["uvc", "rtsp"]
DEFAULT_TIMEOUT_S = 5.0


class OpenCVSource(FrameSource):
    """A UVC camera (`device` an index or a path) or an RTSP stream (`device` a URL)."""

    def __init__(
        self, device: int | str, *, driver: Driver = "uvc", request: CameraRequest | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S, source_id: str | None = None, on_event: EventSink | None = None,
    ) -> None:
        self.device = device
        self.driver = driver
        self.request = request or CameraRequest()
        self.timeout_s = timeout_s
        self._where = _describe(device)
        super().__init__(source_id or f"{driver}:{redact(str(device))}", on_event)
        self._resolution = self.request.resolution
        self._cap: cv2.VideoCapture | None = None
        self._report: CameraReport | None = None

    @property
    def report(self) -> CameraReport | None:
        """What the camera accepted at the last open (None before)."""
        return self._report

    @property
    def nominal_fps(self) -> float | None:
        if self._report and self._report.fps > 0:
            return self._report.fps
        return self.request.fps

    def open(self) -> None:
        self.close()
        cap = self._capture()
        if not cap.isOpened():
            cap.release()
            raise self._not_found()
        self._cap = cap
        self._report = apply_request(cap, self.request) if self.driver == "uvc" else read_report(cap, self.request)
        if self._report.resolution[0] > 0:
            self._resolution = self._report.resolution
        for note in self._report.mismatches:
            self._emit("warning", note)

    def _capture(self) -> cv2.VideoCapture:
        if self.driver == "uvc":
            return cv2.VideoCapture(self.device, cv2.CAP_ANY)
        # Phone apps stream over Wi-Fi, where RTSP over UDP loses packets and smears frames.
        os.environ.setdefault("OPENCV_FFMPEG_CAPTURE_OPTIONS", "rtsp_transport;tcp")
        ms = int(self.timeout_s * 1000)
        params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, ms, cv2.CAP_PROP_READ_TIMEOUT_MSEC, ms]
        return cv2.VideoCapture(str(self.device), cv2.CAP_FFMPEG, params)

    def _not_found(self) -> DeviceError:
        if self.driver == "rtsp":
            return DeviceError(
                "cannot open the RTSP stream", where=self._where,
                hint="is the phone app streaming? are the phone and this computer on the same Wi-Fi? "
                "check the address the app shows",
            )
        hint = "is it plugged in? on Linux `ls /dev/video*` lists cameras"
        if isinstance(self.device, int):
            hint = f"is it plugged in? try --source {self.device + 1}"
        return DeviceError("not found", where=self._where, hint=hint)

    def read(self) -> Frame | None:
        if self._cap is None:
            raise RuntimeError(f"{self!r}: read() before open()")
        ok, image = self._cap.read()
        if not ok or image is None:
            raise DeviceError(
                "the camera stopped sending frames", where=self._where,
                hint="check the cable or the phone app; Leuko reconnects when it is back",
            )
        return self._frame(image)

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


def _describe(device: int | str) -> str:
    return f"camera {device}" if isinstance(device, int) else redact(device)
