"""`ReportsTab`: the workspace's slides (fields, finished or not) and their reports, as `leuko report` writes them.

Listing and writing run on a `TaskWorker`; the HTML is opened with an injectable opener (the
desktop's browser by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QFileDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from edge_app.reporting.report_files import FORMATS
from edge_app.store.store import ResultsStore
from edge_app.ui.banner import Banner
from edge_app.ui.tab_layout import row, scrolled
from edge_app.ui.tab_report import Opener, default_report_dir, open_in_desktop, show_written, write_slide_report
from edge_app.ui.tab_table import compact_table, fill_table
from edge_app.ui.tab_task import TaskSlot
from edge_app.ui.widgets import button

SLIDE_HEADER = ("slide", "sample", "profile", "fields", "finished")


@dataclass(frozen=True)
class SlideSummary:
    code: str
    sample_code: str
    profile_id: str
    fields: int
    finished_at: str | None

    def row(self) -> tuple[object, ...]:
        return (self.code, self.sample_code, self.profile_id, self.fields, self.finished_at or "no")


def list_slides(workspace: Path) -> list[SlideSummary]:
    with ResultsStore(workspace) as store:
        return [SlideSummary(s.code, s.sample_code, s.profile_id, len(store.fields(s)), s.finished_at)
                for s in store.slides()]


class ReportsTab(QWidget):
    def __init__(self, workspace: Path, *, opener: Opener = open_in_desktop, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.opener = opener
        self.slides: list[SlideSummary] = []
        self.written: list[Path] = []
        self.banner = Banner()
        self.tasks = TaskSlot(self.banner, self)
        self.tasks.busy_changed.connect(self._set_busy)
        self._build()
        self.refresh()

    def _build(self) -> None:
        self.table = compact_table()
        fill_table(self.table, SLIDE_HEADER, [])
        self.formats = {f: QCheckBox(f) for f in FORMATS}
        for box in self.formats.values():
            box.setChecked(True)
        self.out = QLineEdit(str(default_report_dir(self.workspace)))
        self.out.setToolTip("folder the reports are written to")
        self.refresh_button = button("Refresh", self.refresh)
        self.write_button = button("Write && open report", self.write_selected)
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.banner)
        column.addWidget(self.table, 1)
        actions = row(QLabel("formats"), *self.formats.values())
        actions.addStretch(1)
        actions.addWidget(self.refresh_button)
        actions.addWidget(self.write_button)
        column.addLayout(actions)
        column.addLayout(row(self.out, button("…", self._choose_out), stretch_first=True))
        scrolled(self, body)

    def _choose_out(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the reports")
        if folder:
            self.out.setText(folder)

    def refresh(self) -> None:
        self.tasks.start(lambda: list_slides(self.workspace), self._listed)

    def _listed(self, slides: list[SlideSummary]) -> None:
        self.slides = slides
        fill_table(self.table, SLIDE_HEADER, [s.row() for s in slides])
        if slides and self.table.currentRow() < 0:
            self.table.selectRow(0)
        if not slides:
            self.banner.show_notice("no slides in this workspace yet: scan some fields first")

    def selected_code(self) -> str | None:
        r = self.table.currentRow()
        return self.slides[r].code if 0 <= r < len(self.slides) else None

    def select(self, code: str) -> None:
        codes = [s.code for s in self.slides]
        if code in codes:
            self.table.selectRow(codes.index(code))

    def write_selected(self) -> None:
        code = self.selected_code()
        formats = tuple(f for f, box in self.formats.items() if box.isChecked())
        if code is None or not formats:
            self.banner.show_error("select a slide and at least one format")
            return
        out = Path(self.out.text().strip())
        self.banner.show_notice(f"writing the report of {code}…")
        self.tasks.start(lambda: write_slide_report(self.workspace, code, out, formats), self._written)

    def _written(self, paths: list[Path]) -> None:
        self.written = paths
        show_written(paths, self.banner, self.opener)

    def _set_busy(self, busy: bool) -> None:
        self.refresh_button.setEnabled(not busy)
        self.write_button.setEnabled(not busy)

    def shutdown(self) -> None:
        self.tasks.stop()

    def closeEvent(self, event: object) -> None:
        self.shutdown()
        super().closeEvent(event)  # type: ignore[arg-type]
