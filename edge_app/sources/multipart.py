"""Split an HTTP `multipart/x-mixed-replace` body (MJPEG) into its parts, with bounded memory.

Phone camera apps and IP cameras differ in small ways: some send `Content-Length` per part,
some do not; some put dashes into the boundary parameter itself, some omit the parameter. The
reader accepts all of these. A part larger than `max_part_bytes` means the stream is not what
it claims to be, and is refused rather than buffered without end.
"""

from __future__ import annotations

from typing import Protocol

MAX_PART_BYTES = 16 * 1024 * 1024
_MAX_LINE = 64 * 1024
_MAX_HEADER_LINES = 64


class _Readable(Protocol):
    def readline(self, limit: int = -1, /) -> bytes: ...
    def read(self, n: int = -1, /) -> bytes: ...


class MultipartError(ValueError):
    """The body does not follow the multipart framing."""


def boundary_of(content_type: str) -> str | None:
    """The `boundary=` parameter of a Content-Type header, unquoted; None when absent."""
    for param in content_type.split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.strip().lower() == "boundary" and value.strip():
            return value.strip().strip('"')
    return None


class MultipartReader:
    """Reads one part's payload per `next_part()`; `EOFError` when the body ends."""

    def __init__(self, stream: _Readable, boundary: str | None, max_part_bytes: int = MAX_PART_BYTES) -> None:
        self._stream = stream
        self._token = boundary.lstrip("-").encode("latin-1") if boundary else None
        self._max = max_part_bytes
        self._at_part_start = False  # True when the previous part ended on the next boundary

    def next_part(self) -> bytes:
        if not self._at_part_start:
            self._skip_to_boundary()
        self._at_part_start = False
        length = self._read_headers().get("content-length", "")
        if length.isdigit():
            if int(length) > self._max:
                raise MultipartError(f"a part of {int(length)} bytes is larger than the {self._max} allowed")
            return self._read_exact(int(length))
        return self._read_until_boundary()

    def _readline(self) -> bytes:
        line = self._stream.readline(_MAX_LINE)
        if not line:
            raise EOFError("the stream ended")
        return line

    def _is_boundary(self, line: bytes) -> bool:
        text = line.strip()
        if not text.startswith(b"--"):
            return False
        if self._token is None:  # no boundary parameter: the first delimiter line names it
            self._token = text.lstrip(b"-")
        return text.lstrip(b"-").rstrip(b"-") == self._token

    def _skip_to_boundary(self) -> None:
        skipped = 0
        while not self._is_boundary(self._readline()):
            skipped += 1
            if skipped > _MAX_HEADER_LINES:
                raise MultipartError("no multipart boundary found")

    def _read_headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        for _ in range(_MAX_HEADER_LINES):
            line = self._readline().strip()
            if not line:
                return headers
            key, _, value = line.decode("latin-1").partition(":")
            headers[key.strip().lower()] = value.strip()
        raise MultipartError("part headers never end")

    def _read_exact(self, n: int) -> bytes:
        data = self._stream.read(n)
        if len(data) < n:
            raise EOFError("the stream ended inside a part")
        return data

    def _read_until_boundary(self) -> bytes:
        """Without Content-Length: collect lines up to the next delimiter line (which is consumed)."""
        chunks: list[bytes] = []
        size, line_start = 0, True
        while True:
            line = self._readline()
            if line_start and self._is_boundary(line):
                self._at_part_start = True
                return _strip_crlf(b"".join(chunks))
            chunks.append(line)
            size += len(line)
            if size > self._max:
                raise MultipartError(f"a part grew beyond the {self._max} bytes allowed")
            line_start = line.endswith(b"\n")


def _strip_crlf(data: bytes) -> bytes:
    """The CRLF before a delimiter belongs to the delimiter, not to the payload."""
    if data.endswith(b"\r\n"):
        return data[:-2]
    return data[:-1] if data.endswith(b"\n") else data
