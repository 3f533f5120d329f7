"""`MjpegSource`: a phone camera app's HTTP MJPEG stream (`multipart/x-mixed-replace`).

Phone apps (IP Webcam and the like) serve the camera as one endless HTTP response of JPEG
parts. This source speaks that with the standard library (http.client) and decodes with
OpenCV, so it needs no FFmpeg build, sees every HTTP status and header, and can tell the
technician exactly what is wrong (wrong address, password needed, not a stream, Wi-Fi gone).
"""

from __future__ import annotations

import base64
import http.client
from urllib.parse import SplitResult, unquote, urlsplit

import cv2
import numpy as np

from edge_app.errors import DeviceError
from edge_app.frame import Frame
from edge_app.sources.base import FrameSource
from edge_app.sources.events import EventSink
from edge_app.sources.multipart import MultipartError, MultipartReader, boundary_of
from edge_app.sources.urls import redact

DEFAULT_TIMEOUT_S = 5.0
_REACH_HINT = "is the phone app streaming? are the phone and this computer on the same Wi-Fi? check the address"


class MjpegSource(FrameSource):
    """Reads JPEG frames from an `http://` or `https://` MJPEG stream URL."""

    def __init__(
        self, url: str, *, timeout_s: float = DEFAULT_TIMEOUT_S, fps: float | None = None,
        resolution: tuple[int, int] | None = None, source_id: str | None = None, on_event: EventSink | None = None,
    ) -> None:
        self.url = url
        self.timeout_s = timeout_s
        self._parts = urlsplit(url)
        if self._parts.scheme not in ("http", "https") or not self._parts.hostname:
            raise DeviceError("not an HTTP stream address", where=redact(url), hint="e.g. http://192.168.1.20:8080/video")
        self._where = redact(url)
        super().__init__(source_id or f"mjpeg:{self._where}", on_event)
        self._fps = fps
        self._resolution = resolution
        self._conn: http.client.HTTPConnection | None = None
        self._reader: MultipartReader | None = None

    @property
    def nominal_fps(self) -> float | None:
        return self._fps

    def open(self) -> None:
        self.close()
        conn = _connection(self._parts, self.timeout_s)
        try:
            response = self._request(conn)
            self._reader = MultipartReader(response, self._check(response))
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    def _request(self, conn: http.client.HTTPConnection) -> http.client.HTTPResponse:
        try:
            conn.request("GET", _target(self._parts), headers=_headers(self._parts))
            return conn.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            message = f"cannot reach the camera ({_reason(exc)})"
            raise DeviceError(message, where=self._where, hint=_REACH_HINT) from None

    def _check(self, response: http.client.HTTPResponse) -> str | None:
        """The multipart boundary, after making sure this really is an MJPEG stream."""
        if response.status == 401:
            raise DeviceError("the camera asks for a user name and password", where=self._where,
                              hint="put them in the address: http://user:password@host:port/video")
        if response.status != 200:
            raise DeviceError(f"the camera answered HTTP {response.status} {response.reason}", where=self._where,
                              hint="check the path the phone app shows for its video stream (often /video)")
        content_type = response.getheader("Content-Type", "")
        if not content_type.lower().startswith("multipart/"):
            raise DeviceError(f"this address serves {content_type or 'no content type'}, not an MJPEG stream",
                              where=self._where, hint="use the app's video stream address (often /video), "
                              "not its web page or snapshot address")
        return boundary_of(content_type)

    def read(self) -> Frame | None:
        if self._reader is None:
            raise RuntimeError(f"{self!r}: read() before open()")
        data = self._next_part(self._reader)
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) if data else None
        if image is None:
            self._emit("warning", f"skipped a corrupt frame ({len(data)} bytes)")
            return None
        return self._frame(image)

    def _next_part(self, reader: MultipartReader) -> bytes:
        try:
            return reader.next_part()
        except TimeoutError:
            raise DeviceError(f"no frame for {self.timeout_s:g} s", where=self._where, hint=_REACH_HINT) from None
        except MultipartError as exc:
            raise DeviceError(f"the stream is garbled: {exc}", where=self._where) from None
        except (EOFError, OSError, http.client.HTTPException) as exc:
            raise DeviceError(f"the stream stopped ({_reason(exc)})", where=self._where, hint=_REACH_HINT) from None

    def close(self) -> None:
        self._reader = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _connection(parts: SplitResult, timeout_s: float) -> http.client.HTTPConnection:
    host, port = parts.hostname or "", parts.port
    if parts.scheme == "https":
        return http.client.HTTPSConnection(host, port, timeout=timeout_s)
    return http.client.HTTPConnection(host, port, timeout=timeout_s)


def _target(parts: SplitResult) -> str:
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


def _headers(parts: SplitResult) -> dict[str, str]:
    headers = {"User-Agent": "Leuko", "Accept": "multipart/x-mixed-replace, image/jpeg"}
    if parts.username is not None:
        user_pass = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(user_pass.encode()).decode("ascii")
    return headers


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__
