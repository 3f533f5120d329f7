"""Safe image reading: cheap integrity checks and sizes from headers, decoding that never crashes.

A dataset check runs over tens of thousands of fields, on a Raspberry Pi too, so it must not
decode every picture: JPEG, PNG and BMP sizes come from their headers and truncation shows at
the file's end (a JPEG without its FFD9 end marker, a PNG without IEND, as ultralytics checks).
Other formats (TIFF, WebP, ...) are decoded. Sizes are as `cv2.imread` returns the image, i.e.
with the EXIF orientation of a phone photo applied, because normalised labels refer to that.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import cv2
import numpy as np

from edge_app.errors import DataFormatError

# ultralytics' image suffixes minus those OpenCV cannot read (heic, dng, pfm).
IMAGE_SUFFIXES: frozenset[str] = frozenset({".bmp", ".jpeg", ".jpg", ".mpo", ".png", ".tif", ".tiff", ".webp"})

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"IEND\xaeB`\x82"
_JPEG_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
_EXIF_ORIENTATION_TAG = 0x0112
_TAIL_BYTES = 1024


class _Corrupt(Exception):
    """Internal: the header or structure is broken; the message says how."""


@dataclass(frozen=True)
class ImageCheck:
    """Outcome of `check_image`: the (width, height) when sound, else what is wrong."""

    size: tuple[int, int] | None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def is_image_file(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES


def check_image(path: Path, decode: bool = False) -> ImageCheck:
    """Is `path` a readable, complete image? Never raises; `decode=True` also decodes it fully."""
    try:
        size = _header_size(path)
        if decode or size is None:
            size = _decoded_size(path)
    except _Corrupt as exc:
        return ImageCheck(None, str(exc))
    except OSError as exc:
        return ImageCheck(None, f"cannot read image: {exc.strerror or exc}")
    return ImageCheck(size)


def image_size(path: Path) -> tuple[int, int]:
    """(width, height) of an image, cheaply; `DataFormatError` if it is missing or corrupt."""
    result = check_image(path)
    if result.size is None:
        raise DataFormatError(result.problem or "unreadable image", where=str(path))
    return result.size


def read_image(path: Path) -> np.ndarray:
    """Decode an image as BGR uint8 (EXIF orientation applied); `DataFormatError` if it cannot be.

    Reads the bytes with numpy so that any path (non-ASCII included) works.
    """
    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError as exc:
        raise DataFormatError(f"cannot read image: {exc.strerror or exc}", where=str(path)) from None
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if image is None:
        raise DataFormatError("the file cannot be decoded as an image (corrupt or not an image)", where=str(path))
    return image


# --- decoding ----------------------------------------------------------------------------
def _decoded_size(path: Path) -> tuple[int, int]:
    data = np.fromfile(str(path), dtype=np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if image is None:
        raise _Corrupt("corrupt image: OpenCV cannot decode it")
    return int(image.shape[1]), int(image.shape[0])


# --- headers ----------------------------------------------------------------------------
def _header_size(path: Path) -> tuple[int, int] | None:
    """Size from the header (JPEG, PNG, BMP) after checking the file is complete; None: other format."""
    with path.open("rb") as f:
        head = f.read(32)
        if not head:
            raise _Corrupt("empty image file (0 bytes)")
        if head.startswith(b"\xff\xd8"):
            _require_tail(f, b"\xff\xd9", "truncated JPEG: no FFD9 end marker (the file was cut short)")
            return _jpeg_size(f)
        if head.startswith(_PNG_SIGNATURE):
            _require_tail(f, _PNG_END, "truncated PNG: no IEND chunk at the end (the file was cut short)")
            return _png_size(head)
        if head.startswith(b"BM") and len(head) >= 26:
            width, height = struct.unpack("<ii", head[18:26])
            return _positive(width, abs(height))
    return None


def _require_tail(f: BinaryIO, marker: bytes, problem: str) -> None:
    f.seek(0, 2)
    size = f.tell()
    f.seek(max(0, size - _TAIL_BYTES))
    if not f.read().rstrip(b"\x00").endswith(marker):  # zero padding after the marker is harmless
        raise _Corrupt(problem)


def _png_size(head: bytes) -> tuple[int, int]:
    if len(head) < 24 or head[12:16] != b"IHDR":
        raise _Corrupt("corrupt PNG: no IHDR header")
    return _positive(*struct.unpack(">II", head[16:24]))


def _positive(width: int, height: int) -> tuple[int, int]:
    if width <= 0 or height <= 0:
        raise _Corrupt(f"corrupt image header: size {width}x{height}")
    return width, height


def _jpeg_size(f: BinaryIO) -> tuple[int, int]:
    """Walk the JPEG segments up to the frame header (SOF); swap the size for EXIF rotations."""
    f.seek(2)
    orientation = 1
    while True:
        marker = _next_marker(f)
        if marker in _JPEG_STANDALONE:
            continue
        if marker in (0xD9, 0xDA):
            raise _Corrupt("corrupt JPEG: no frame header (SOF) before the image data")
        length = _read_exact(f, 2, "segment length")
        payload = _read_exact(f, struct.unpack(">H", length)[0] - 2, "segment")
        if marker == 0xE1 and payload.startswith(b"Exif\x00\x00"):
            orientation = _exif_orientation(payload[6:])
        elif marker in _JPEG_SOF:
            height, width = struct.unpack(">HH", payload[1:5])
            width, height = _positive(width, height)
            return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _next_marker(f: BinaryIO) -> int:
    byte = _read_exact(f, 1, "marker")
    if byte != b"\xff":
        raise _Corrupt("corrupt JPEG: segment structure broken (marker expected)")
    while byte == b"\xff":  # fill bytes may precede a marker
        byte = _read_exact(f, 1, "marker")
    return byte[0]


def _read_exact(f: BinaryIO, n: int, what: str) -> bytes:
    data = f.read(n) if n >= 0 else b""
    if n < 0 or len(data) != n:
        raise _Corrupt(f"corrupt JPEG: {what} cut short")
    return data


def _exif_orientation(tiff: bytes) -> int:
    """The EXIF orientation tag (1..8) of IFD0; 1 when absent or unreadable (as OpenCV does)."""
    try:
        order = {b"II": "<", b"MM": ">"}[tiff[:2]]
        (ifd,) = struct.unpack(order + "I", tiff[4:8])
        (count,) = struct.unpack(order + "H", tiff[ifd : ifd + 2])
        for i in range(count):
            entry = tiff[ifd + 2 + 12 * i : ifd + 14 + 12 * i]
            tag, _type, _n, value = struct.unpack(order + "HHIH", entry[:10])
            if tag == _EXIF_ORIENTATION_TAG:
                return value
    except (KeyError, struct.error):
        pass
    return 1
