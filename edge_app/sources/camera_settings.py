"""Camera settings through OpenCV's `CAP_PROP_*`, and a report of what the camera accepted.

UVC cameras accept or silently ignore each setting (a ZZCAT 5MP gives 2592x1944 only in MJPG,
and only at ~10 FPS), so a source never assumes: it asks, reads back, and reports each
difference as a warning the technician can see. Exposure units differ per OpenCV backend:
V4L2 counts 100 µs steps, DirectShow/Media Foundation take log2(seconds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Literal

import cv2

Exposure = Literal["auto"] | float  # milliseconds
WhiteBalance = Literal["auto"] | int  # kelvin

_V4L2_AUTO_EXPOSURE_ON, _V4L2_AUTO_EXPOSURE_OFF = 3.0, 1.0  # aperture priority / manual
_WINDOWS_AUTO_EXPOSURE_ON, _WINDOWS_AUTO_EXPOSURE_OFF = 0.75, 0.25
_LOG2_BACKENDS = frozenset({"DSHOW", "MSMF"})


@dataclass(frozen=True)
class CameraRequest:
    """What Leuko asks of a camera (from a `CameraConfig`); None leaves the camera's default."""

    resolution: tuple[int, int] | None = None
    fps: float | None = None
    fourcc: str | None = None
    exposure: Exposure = "auto"
    white_balance: WhiteBalance = "auto"


@dataclass(frozen=True)
class CameraReport:
    """What the camera reports after the request: the numbers to trust, and what it refused."""

    backend: str
    resolution: tuple[int, int]
    fps: float
    fourcc: str
    mismatches: tuple[str, ...] = field(default_factory=tuple)


def apply_request(cap: cv2.VideoCapture, request: CameraRequest) -> CameraReport:
    """Set the request in the order UVC drivers need (format, size, rate, then controls) and read back."""
    backend = _backend_name(cap)
    for prop, value in _format_properties(request):
        cap.set(prop, value)
    refused = _apply_controls(cap, request, backend)
    cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # fewer stale frames queued in the driver, where supported
    report = read_report(cap, request, backend)
    return replace(report, mismatches=report.mismatches + tuple(refused))


def read_report(cap: cv2.VideoCapture, request: CameraRequest, backend: str = "") -> CameraReport:
    """What the capture says it delivers, with each difference from `request` worded."""
    resolution = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    fps = float(cap.get(cv2.CAP_PROP_FPS))
    fourcc = decode_fourcc(cap.get(cv2.CAP_PROP_FOURCC))
    report = CameraReport(backend or _backend_name(cap), resolution, fps, fourcc)
    return replace(report, mismatches=tuple(_mismatches(request, report)))


def decode_fourcc(value: float) -> str:
    """OpenCV's FOURCC double as its four characters ('' when the backend does not say)."""
    code = int(value)
    text = "".join(chr((code >> (8 * i)) & 0xFF) for i in range(4))
    return text if code > 0 and text.isprintable() else ""


def _format_properties(request: CameraRequest) -> list[tuple[int, float]]:
    props: list[tuple[int, float]] = []
    if request.fourcc:
        props.append((cv2.CAP_PROP_FOURCC, float(cv2.VideoWriter.fourcc(*request.fourcc))))
    if request.resolution:
        props += [(cv2.CAP_PROP_FRAME_WIDTH, request.resolution[0]), (cv2.CAP_PROP_FRAME_HEIGHT, request.resolution[1])]
    if request.fps:
        props.append((cv2.CAP_PROP_FPS, float(request.fps)))
    return props


def _apply_controls(cap: cv2.VideoCapture, request: CameraRequest, backend: str) -> list[str]:
    """Set exposure and white balance; word the manual values the camera refused (auto may be absent)."""
    refused = []
    controls = (("exposure", request.exposure, "ms", _exposure_properties(request.exposure, backend)),
                ("white balance", request.white_balance, "K", _white_balance_properties(request.white_balance)))
    for name, wanted, unit, props in controls:
        if not _set_all(cap, props) and wanted != "auto":
            refused.append(f"camera refused the manual {name} of {wanted:g} {unit}")
    return refused


def _set_all(cap: cv2.VideoCapture, props: list[tuple[int, float]]) -> bool:
    ok = True
    for prop, value in props:
        ok = bool(cap.set(prop, value)) and ok
    return ok


def _exposure_properties(exposure: Exposure, backend: str) -> list[tuple[int, float]]:
    windows = backend in _LOG2_BACKENDS
    if exposure == "auto":
        return [(cv2.CAP_PROP_AUTO_EXPOSURE, _WINDOWS_AUTO_EXPOSURE_ON if windows else _V4L2_AUTO_EXPOSURE_ON)]
    value = round(math.log2(exposure / 1000.0)) if windows else exposure * 10.0
    off = _WINDOWS_AUTO_EXPOSURE_OFF if windows else _V4L2_AUTO_EXPOSURE_OFF
    return [(cv2.CAP_PROP_AUTO_EXPOSURE, off), (cv2.CAP_PROP_EXPOSURE, float(value))]


def _white_balance_properties(white_balance: WhiteBalance) -> list[tuple[int, float]]:
    if white_balance == "auto":
        return [(cv2.CAP_PROP_AUTO_WB, 1.0)]
    return [(cv2.CAP_PROP_AUTO_WB, 0.0), (cv2.CAP_PROP_WB_TEMPERATURE, float(white_balance))]


def _mismatches(request: CameraRequest, report: CameraReport) -> list[str]:
    found = []
    if request.resolution and report.resolution != tuple(request.resolution):
        (w, h), (rw, rh) = report.resolution, request.resolution
        found.append(f"camera gives {w}x{h} instead of the requested {rw}x{rh}")
    if request.fps and report.fps > 0 and abs(report.fps - request.fps) > 0.5:
        found.append(f"camera runs at {report.fps:g} FPS instead of the requested {request.fps:g}")
    if request.fourcc and report.fourcc and report.fourcc != request.fourcc:
        found.append(f"camera sends {report.fourcc} instead of the requested {request.fourcc}")
    return found


def _backend_name(cap: cv2.VideoCapture) -> str:
    try:
        return str(cap.getBackendName())
    except cv2.error:
        return ""
