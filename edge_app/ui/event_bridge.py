"""`SourceEventBridge`: an `EventSink` callable from any pipeline thread that re-emits each
`SourceEvent` as a Qt signal, so the receiving widgets run on the UI thread (queued connection)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from edge_app.sources.events import SourceEvent, log_event


class SourceEventBridge(QObject):
    received = Signal(object)  # SourceEvent

    def __call__(self, event: SourceEvent) -> None:
        log_event(event)  # the log keeps them too, as without a window
        self.received.emit(event)
