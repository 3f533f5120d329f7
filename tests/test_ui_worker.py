"""TaskWorker: yields arrive as signals, the end is reported once, cancel stops between yields."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from edge_app.errors import StoreError
from edge_app.ui.worker import TaskWorker


def test_generator_progress_then_result(qtbot) -> None:
    def task():
        yield from range(3)
        return "done"

    worker = TaskWorker(task)
    seen: list[int] = []
    worker.progressed.connect(seen.append)
    with qtbot.waitSignal(worker.succeeded, timeout=5000) as blocker:
        worker.start()
    worker.wait()
    assert blocker.args == ["done"]
    qtbot.waitUntil(lambda: seen == [0, 1, 2], timeout=2000)


def test_leuko_error_becomes_its_message(qtbot) -> None:
    def task():
        raise StoreError("disk full", where="/ws/leuko.sqlite", hint="free some space")

    worker = TaskWorker(task)
    with qtbot.waitSignal(worker.failed, timeout=5000) as blocker:
        worker.start()
    worker.wait()
    assert blocker.args[0].startswith("/ws/leuko.sqlite: disk full") and "free some space" in blocker.args[0]


def test_unexpected_error_is_reported_without_traceback(qtbot) -> None:
    worker = TaskWorker(lambda: 1 / 0)
    with qtbot.waitSignal(worker.failed, timeout=5000) as blocker:
        worker.start()
    worker.wait()
    assert "ZeroDivisionError" in blocker.args[0] and "Traceback" not in blocker.args[0]


def test_cancel_stops_between_yields_and_runs_finally(qtbot) -> None:
    closed: list[bool] = []

    def task():
        try:
            i = 0
            while True:
                yield i
                i += 1
        finally:
            closed.append(True)

    worker = TaskWorker(task)
    worker.progressed.connect(lambda i: worker.cancel() if i >= 2 else None)
    with qtbot.waitSignal(worker.cancelled, timeout=5000):
        worker.start()
    worker.wait()
    assert closed == [True]
