"""`SessionController`: the slide session the technician captures into. Opening the slide,
storing each field and finishing (with the report) run through `TaskWorker`; the UI hears
back through signals. One capture at a time: a second press while storing is refused."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from edge_app.store.records import FieldRecord
from edge_app.store.workspace import resolve_workspace
from edge_app.ui.capture import FieldCapture, finish_slide, open_slide, store_field
from edge_app.ui.tally import SessionTally
from edge_app.ui.tasks import Tasks


class SessionController(QObject):
    session_changed = Signal(object, int)  # slide code or None, fields captured
    tally_changed = Signal(object)  # SessionTally
    field_stored = Signal(object)  # FieldRecord
    report_written = Signal(object)  # list[Path]
    message = Signal(str, bool)  # text, is an error
    failed = Signal(str)  # a LeukoError's text (what failed, what to do): for the banner

    def __init__(self, workspace: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self.slide_code: str | None = None
        self.tally = SessionTally()
        self.tasks = Tasks(self)
        self.storing = False

    @property
    def workspace(self) -> Path:
        """The given folder, else `--workspace` rules (`$LEUKO_WORKSPACE`, the user data folder)."""
        if self._workspace is None:
            self._workspace = resolve_workspace()
        return self._workspace

    def start(self, code: str, sample_code: str, profile_id: str) -> None:
        if not code:
            self.message.emit("type the slide id (as on its label) to start a session", True)
            return
        self.tasks.run(lambda: open_slide(self.workspace, code, sample_code, profile_id), self._opened, self._failed)

    def _opened(self, opened: tuple[str, SessionTally]) -> None:
        self.slide_code, self.tally = opened
        self.session_changed.emit(self.slide_code, self.tally.fields)
        self.tally_changed.emit(self.tally)
        self.message.emit(f"slide {self.slide_code} open in {self.workspace}", False)

    def capture(self, capture: FieldCapture) -> bool:
        """Store the field in the background; False (with a message) when it cannot start."""
        if self.slide_code is None:
            self.message.emit("start a slide session first (slide id, then Start slide)", True)
            return False
        if self.storing:
            self.message.emit("still storing the previous field", True)
            return False
        self.storing = True
        code = self.slide_code
        self.tasks.run(lambda: (store_field(self.workspace, code, capture), capture), self._stored, self._failed)
        return True

    def _stored(self, done: tuple[FieldRecord, FieldCapture]) -> None:
        self.storing = False
        record, capture = done
        if not self.tally.add(record.id, capture.detections):
            self.message.emit(f"field {record.id} was already captured (same image)", False)
            return
        self.session_changed.emit(self.slide_code, self.tally.fields)
        self.tally_changed.emit(self.tally)
        self.field_stored.emit(record)
        where = f" at X {record.stage.x_mm:g}, Y {record.stage.y_mm:g} mm" if record.stage else " (no stage reading)"
        self.message.emit(f"field {self.tally.fields} stored: {record.num_detections} cells{where}", False)

    def finish(self, write_report: bool) -> None:
        code = self.slide_code
        if code is None:
            return
        if self.storing:
            self.message.emit("still storing the last field: finish again in a moment", True)
            return
        self.tasks.run(lambda: finish_slide(self.workspace, code, write_report), self._finished, self._failed)

    def _finished(self, paths: list[Path]) -> None:
        code = self.slide_code
        self.slide_code, self.tally = None, SessionTally()
        self.session_changed.emit(None, 0)
        self.tally_changed.emit(self.tally)
        self.report_written.emit(paths)
        where = f": report in {paths[0].parent}" if paths else ""
        self.message.emit(f"slide {code} finished{where}", False)

    def _failed(self, text: str) -> None:
        self.storing = False
        self.message.emit(text.partition("\n")[0], True)
        self.failed.emit(text)

    def close(self) -> None:
        self.tasks.wait_all()
