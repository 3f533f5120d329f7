"""`SourceEvent`: what a source tells the app about itself (lost, reconnecting, skipped a file).

Sources never print or pop up anything: they hand events to a callback, and the app decides
where they go (a UI banner, the CLI, the log). Without a callback they go to the
`edge_app.sources` logger, so nothing is ever silently swallowed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

EventKind = Literal["lost", "reconnecting", "reconnected", "skipped", "warning", "finished"]
EventSink = Callable[["SourceEvent"], None]

_log = logging.getLogger("edge_app.sources")
_LEVELS: dict[str, int] = {"lost": logging.WARNING, "skipped": logging.WARNING, "warning": logging.WARNING}


@dataclass(frozen=True)
class SourceEvent:
    """One thing that happened to a source, worded for a technician."""

    kind: EventKind
    source_id: str
    message: str
    retry_in_s: float | None = None
    timestamp: float = field(default_factory=time.time)

    def __str__(self) -> str:
        return f"{self.source_id}: {self.message}"


def log_event(event: SourceEvent) -> None:
    """The default sink: the `edge_app.sources` logger (warnings for trouble, info otherwise)."""
    _log.log(_LEVELS.get(event.kind, logging.INFO), "%s", event)
