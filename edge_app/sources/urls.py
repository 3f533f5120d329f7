"""Stream addresses as they may be shown: never with the password a phone app was given."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def redact(url: str) -> str:
    """`http://user:secret@host:8080/video` -> `http://host:8080/video` (for ids, logs, errors)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def is_stream_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://", "rtsp://", "rtsps://"))
