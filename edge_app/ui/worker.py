"""`TaskWorker`: the one way the app runs long work (scan, compare, report, capture) off the UI thread.

Like napari's `thread_worker`: the task is a plain callable; when it returns a generator, each
value it yields arrives on the UI thread as `progressed`, and `cancel()` stops it between two
yields (the generator is closed, so its `finally` blocks run). The end arrives as exactly one of
`succeeded(result)`, `failed(message)` or `cancelled()`. A `LeukoError` becomes its own message;
anything else becomes "unexpected error …" with the traceback in the log, never on screen.

    worker = TaskWorker(lambda: scan_fields(...))
    worker.progressed.connect(progress_bar.update)
    worker.succeeded.connect(show_summary)
    worker.failed.connect(banner.show_error)
    worker.start()
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from edge_app.errors import LeukoError

log = logging.getLogger(__name__)


class TaskWorker(QThread):
    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, task: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._task = task
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the task to stop at its next yield (a task that never yields runs to its end)."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self._task()
            if isinstance(result, Generator):
                result = self._drain(result)
                if result is _CANCELLED:
                    self.cancelled.emit()
                    return
            self.succeeded.emit(result)
        except LeukoError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:
            log.exception("background task failed")
            self.failed.emit(f"unexpected error: {type(exc).__name__}: {exc}\n  -> details are in the log")

    def _drain(self, gen: Generator[Any, None, Any]) -> Any:
        try:
            while True:
                if self._cancel.is_set():
                    return _CANCELLED
                try:
                    item = next(gen)
                except StopIteration as stop:
                    return stop.value
                self.progressed.emit(item)
        finally:
            gen.close()


_CANCELLED = object()
