"""`TaskSlot`: the one background task a tab runs at a time, on a `TaskWorker`.

Failures go to the tab's banner (a `LeukoError`'s own message, never a traceback); `busy_changed`
lets the tab enable and disable its buttons; `stop()` cancels and waits, for closing the tab.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from edge_app.ui.banner import Banner
from edge_app.ui.worker import TaskWorker

STOP_WAIT_MS = 30_000


class TaskSlot(QObject):
    busy_changed = Signal(bool)
    worker_created = Signal(object)  # the TaskWorker, before it starts: connect here to miss none of its signals

    def __init__(self, banner: Banner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.banner = banner
        self.worker: TaskWorker | None = None

    @property
    def busy(self) -> bool:
        return self.worker is not None and not self.worker.isFinished()

    def start(self, task: Callable[[], Any], succeeded: Callable[[Any], None],
              progressed: Callable[[Any], None] | None = None) -> TaskWorker | None:
        """Run `task` unless one is running already (then None)."""
        if self.busy:
            return None
        worker = TaskWorker(task)
        worker.succeeded.connect(succeeded)
        worker.failed.connect(self.banner.show_error)
        if progressed is not None:
            worker.progressed.connect(progressed)
        worker.finished.connect(lambda: self.busy_changed.emit(False))
        self.worker = worker
        self.busy_changed.emit(True)
        self.worker_created.emit(worker)
        worker.start()
        return worker

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait(STOP_WAIT_MS)
