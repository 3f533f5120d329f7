"""`Tasks`: keeps the `TaskWorker`s an owner started alive until they end, and waits for them
on close (a QThread destroyed while running aborts the process)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from edge_app.ui.worker import TaskWorker


class Tasks(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.running: set[TaskWorker] = set()

    def run(self, task: Callable[[], Any], succeeded: Callable[[Any], None],
            failed: Callable[[str], None]) -> TaskWorker:
        worker = TaskWorker(task)
        worker.succeeded.connect(succeeded)
        worker.failed.connect(failed)
        worker.finished.connect(lambda: self.running.discard(worker))
        self.running.add(worker)
        worker.start()
        return worker

    @property
    def busy(self) -> bool:
        return bool(self.running)

    def wait_all(self) -> None:
        for worker in list(self.running):
            worker.wait()
        self.running.clear()
