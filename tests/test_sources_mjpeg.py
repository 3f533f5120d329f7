"""MjpegSource against a real HTTP MJPEG server on loopback, started and stopped by the tests."""

from __future__ import annotations

import base64
import io
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2
import pytest

from edge_app.errors import DeviceError
from edge_app.frame import Frame
from edge_app.sources.mjpeg_source import MjpegSource
from edge_app.sources.multipart import MultipartError, MultipartReader, boundary_of
from edge_app.sources.reconnect import BackOff, ReconnectingSource
from tests.test_sources_support import EventLog, level, no_thread_left, numbered_image  # noqa: F401


@dataclass
class StreamStyle:
    """How a given phone app frames its stream; the variants seen in the wild."""

    boundary_param: str | None = "frame"  # what Content-Type announces
    delimiter: bytes = b"--frame"  # what the body writes before each part
    content_length: bool = True
    fps: float = 60.0
    garbage_at: set[int] = field(default_factory=set)  # part numbers sent as non-JPEG bytes
    stall: bool = False  # send the headers, then nothing
    user: str | None = None  # Basic auth user:password required


class MjpegServer:
    """A phone camera app in miniature: numbered JPEG frames as multipart/x-mixed-replace."""

    def __init__(self, style: StreamStyle | None = None, port: int = 0) -> None:
        self.style = style or StreamStyle()
        self.stopping = threading.Event()
        self.httpd = _Server(("127.0.0.1", port), _handler(self))
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05})
        self.thread.start()

    def url(self, path: str = "/video", credentials: str = "") -> str:
        return f"http://{credentials}127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()  # joins the handler threads (not daemons, see _Server)
        self.thread.join(5)

    def __enter__(self) -> MjpegServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # so server_close() waits for the streaming handlers
    allow_reuse_address = True  # the "phone" comes back on the same port


def _handler(server: MjpegServer) -> type[BaseHTTPRequestHandler]:
    style = server.style

    class Handler(BaseHTTPRequestHandler):
        timeout = 5  # a client that stops reading cannot hold a handler thread for ever

        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            if style.user and self.headers.get("Authorization") != "Basic " + base64.b64encode(
                style.user.encode()
            ).decode():
                self.send_error(401)
            elif self.path == "/page":
                self._send_page()
            elif self.path != "/video":
                self.send_error(404)
            else:
                self._stream()

        def _send_page(self) -> None:
            body = b"<html>IP camera</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _stream(self) -> None:
            self.send_response(200)
            param = f";boundary={style.boundary_param}" if style.boundary_param else ""
            self.send_header("Content-Type", "multipart/x-mixed-replace" + param)
            self.end_headers()
            n = 0
            while not server.stopping.is_set() and not style.stall:
                payload = b"garbage" if n in style.garbage_at else _jpeg(n)
                try:
                    self.wfile.write(_part(style, payload))
                    self.wfile.flush()
                except OSError:  # the client went away
                    return
                n += 1
                server.stopping.wait(1.0 / style.fps)
            server.stopping.wait()

    return Handler


def _jpeg(n: int) -> bytes:
    ok, data = cv2.imencode(".jpg", numbered_image(n))
    assert ok
    return data.tobytes()


def _part(style: StreamStyle, payload: bytes) -> bytes:
    head = style.delimiter + b"\r\nContent-Type: image/jpeg\r\n"
    if style.content_length:
        head += f"Content-Length: {len(payload)}\r\n".encode()
    return head + b"\r\n" + payload + b"\r\n"


def read_frames(source: MjpegSource | ReconnectingSource, count: int, deadline_s: float = 5.0) -> list[Frame]:
    frames: list[Frame] = []
    deadline = time.monotonic() + deadline_s
    while len(frames) < count and time.monotonic() < deadline:
        frame = source.read()
        if frame is not None:
            frames.append(frame)
    return frames


STYLES = {
    "content-length": StreamStyle(),
    "no content-length": StreamStyle(content_length=False),
    "dashes in the parameter": StreamStyle(boundary_param="--frame", delimiter=b"--frame"),
    "no boundary parameter": StreamStyle(boundary_param=None, delimiter=b"--myboundary", content_length=False),
}


@pytest.mark.parametrize("style", STYLES.values(), ids=STYLES.keys())
def test_mjpeg_frames_arrive_in_order(style: StreamStyle) -> None:
    with MjpegServer(style) as server, MjpegSource(server.url(), on_event=EventLog()) as source:
        frames = read_frames(source, 5)
        assert source.is_live and not source.finished
        assert source.resolution == (64, 48)
    assert [level(f.image) for f in frames] == [0, 1, 2, 3, 4]
    assert [f.index for f in frames] == [0, 1, 2, 3, 4]
    assert frames[0].source_id == f"mjpeg:{server.url()}"


def test_a_corrupt_part_is_skipped_with_a_warning() -> None:
    events = EventLog()
    with MjpegServer(StreamStyle(garbage_at={1})) as server, MjpegSource(server.url(), on_event=events) as source:
        frames = read_frames(source, 3)
    assert [level(f.image) for f in frames] == [0, 2, 3]
    assert events.kinds == ["warning"] and "corrupt frame" in events.messages("warning")[0]


def test_basic_auth_from_the_url_and_no_password_in_ids() -> None:
    with MjpegServer(StreamStyle(user="nurse:s3cret")) as server:
        with pytest.raises(DeviceError, match="user name and password"):
            MjpegSource(server.url()).open()
        with MjpegSource(server.url(credentials="nurse:s3cret@")) as source:
            assert len(read_frames(source, 2)) == 2
            assert "s3cret" not in source.source_id and "nurse" not in source.source_id


@pytest.mark.parametrize(("path", "match"), [("/nothing", "HTTP 404"), ("/page", "text/html, not an MJPEG stream")])
def test_wrong_addresses_say_what_is_wrong(path: str, match: str) -> None:
    with MjpegServer() as server, pytest.raises(DeviceError, match=match) as info:
        MjpegSource(server.url(path)).open()
    assert info.value.hint


def test_nobody_listening_is_a_device_error() -> None:
    with MjpegServer() as server:
        url = server.url()
    with pytest.raises(DeviceError, match="cannot reach the camera") as info:
        MjpegSource(url, timeout_s=1.0).open()
    assert "same Wi-Fi" in (info.value.hint or "")


def test_not_an_http_address_is_refused_at_once() -> None:
    with pytest.raises(DeviceError, match="not an HTTP stream"):
        MjpegSource("ftp://127.0.0.1/video")


def test_a_silent_stream_times_out() -> None:
    with MjpegServer(StreamStyle(stall=True)) as server, MjpegSource(server.url(), timeout_s=0.3) as source:
        start = time.monotonic()
        with pytest.raises(DeviceError, match="no frame for 0.3 s"):
            source.read()
        assert time.monotonic() - start < 3.0


def test_server_going_away_is_a_device_error_from_read() -> None:
    server = MjpegServer()
    with MjpegSource(server.url(), timeout_s=2.0) as source:
        assert read_frames(source, 2)
        server.stop()
        with pytest.raises(DeviceError, match="stream stopped"):
            read_frames(source, 100)


def test_server_away_and_back_is_reported_lost_then_reconnected() -> None:
    events = EventLog()
    server = MjpegServer()
    port = server.port
    inner = MjpegSource(server.url(), timeout_s=2.0)
    source = ReconnectingSource(inner, backoff=BackOff(initial_s=0.05, factor=2.0, max_s=0.2), on_event=events)
    try:
        source.open()
        assert len(read_frames(source, 3)) == 3
        server.stop()
        assert read_frames(source, 1, deadline_s=1.0) == []  # away: reads return None, never raise
        assert events.kinds[:2] == ["lost", "reconnecting"]
        assert source.state == "waiting"
        server = MjpegServer(port=port)  # the phone app is back on the same address
        frames = read_frames(source, 2)
    finally:
        source.close()
        server.stop()
    assert [level(f.image) for f in frames] == [0, 1]  # a fresh stream from the new connection
    assert events.kinds[-1] == "reconnected"
    assert set(events.kinds) == {"lost", "reconnecting", "reconnected"}
    delays = [e.retry_in_s for e in events.events if e.kind == "reconnecting"]
    assert delays == sorted(delays) and max(d or 0 for d in delays) <= 0.2  # back-off grows, capped


# --- the multipart framing on its own -------------------------------------------------------

def test_boundary_of_reads_quoted_and_plain_parameters() -> None:
    assert boundary_of('multipart/x-mixed-replace; boundary="ab c"') == "ab c"
    assert boundary_of("multipart/x-mixed-replace;boundary=--xyz") == "--xyz"
    assert boundary_of("multipart/x-mixed-replace") is None


def test_multipart_reader_handles_preamble_and_closing_delimiter() -> None:
    body = b"preamble\r\n--b\r\n\r\nONE\r\n--b\r\nContent-Length: 3\r\n\r\nTWO\r\n--b--\r\n"
    reader = MultipartReader(io.BytesIO(body), "b")
    assert reader.next_part() == b"ONE"
    assert reader.next_part() == b"TWO"
    with pytest.raises(EOFError):
        reader.next_part()


def test_multipart_reader_keeps_line_breaks_inside_a_payload() -> None:
    body = b"--b\r\n\r\nline1\r\nline2\n\r\n--b\r\n"
    assert MultipartReader(io.BytesIO(body), "b").next_part() == b"line1\r\nline2\n"


def test_multipart_reader_refuses_oversized_parts() -> None:
    big = b"--b\r\nContent-Length: 999999\r\n\r\n"
    with pytest.raises(MultipartError, match="larger than"):
        MultipartReader(io.BytesIO(big), "b", max_part_bytes=1000).next_part()
    endless = b"--b\r\n\r\n" + b"x" * 5000
    with pytest.raises(MultipartError, match="grew beyond"):
        MultipartReader(io.BytesIO(endless + b"\n" * 10), "b", max_part_bytes=1000).next_part()


def test_multipart_reader_refuses_a_body_without_boundaries() -> None:
    with pytest.raises(MultipartError, match="no multipart boundary"):
        MultipartReader(io.BytesIO(b"hello\n" * 100), "b").next_part()
