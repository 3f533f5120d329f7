"""`ScanTab`: batch-scan a folder of field images or a video into a slide, as `leuko scan` does.

The same library runs (`prepare_scan` + `scan_into_workspace`) on a `TaskWorker`. Cancel stops
between fields (the fields in flight are still stored); scanning again resumes, since fields
already in the slide are skipped by content hash. Skipped files are listed, the summary shown at
the end, and the slide's report can be written and opened from here.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from edge_app.config.loader import load_config_set
from edge_app.errors import LeukoError
from edge_app.scan.progress import ScanProgress
from edge_app.scan.setup import DEFAULT_PROFILE, prepare_scan
from edge_app.scan.workspace_scan import DEFAULT_WORKERS, scan_into_workspace
from edge_app.sources.replay_source import VIDEO_SUFFIXES
from edge_app.ui.banner import Banner
from edge_app.ui.live_setup import BACKENDS, PRECISIONS
from edge_app.ui.tab_layout import combo, row, scrolled
from edge_app.ui.tab_report import Opener, default_report_dir, open_in_desktop, show_written, write_slide_report
from edge_app.ui.tab_task import TaskSlot
from edge_app.ui.widgets import button


@dataclass(frozen=True)
class ScanRequest:
    """What the form asks for: the same choices as `leuko scan`'s arguments."""

    target: Path
    slide: str
    sample: str = ""
    profile: str | None = None
    model: str | None = None
    backend: str = "auto"
    precision: str = "auto"
    workers: int = DEFAULT_WORKERS


def scan_task(workspace: Path, request: ScanRequest,
              cancel: threading.Event) -> Generator[ScanProgress | str, None, ScanProgress | None]:
    """Model warnings (str), then a progress snapshot per field; returns the final progress."""
    setup = prepare_scan(request.profile, request.model, request.backend, request.precision)
    yield from setup.warnings
    last: ScanProgress | None = None
    for progress in scan_into_workspace(workspace, setup, request.target, request.slide,
                                        sample_code=request.sample, workers=request.workers, cancel=cancel):
        last = progress.snapshot()
        yield last
    return last


class ScanTab(QWidget):
    scan_finished = Signal(str)  # the slide id, once a scan ended (done or cancelled): other tabs refresh

    def __init__(self, workspace: Path, *, opener: Opener = open_in_desktop, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.opener = opener
        self.cancel_event = threading.Event()
        self.last_progress: ScanProgress | None = None
        self.report_paths: list[Path] = []
        self.banner = Banner()
        self.tasks = TaskSlot(self.banner, self)
        self.tasks.busy_changed.connect(self._set_busy)
        self._build()
        self._set_busy(False)

    # --- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        self.target = QLineEdit()
        self.target.setPlaceholderText("folder of field images, an image or a video")
        form.addRow("Fields", row(self.target, button("Folder…", self._choose_folder),
                                  button("Video…", self._choose_video), stretch_first=True))
        self.slide = QLineEdit()
        self.slide.setPlaceholderText("as written on the slide label")
        self.sample = QLineEdit()
        self.sample.setPlaceholderText("patient / sample code (optional)")
        form.addRow("Slide", row(self.slide, self.sample))
        self.profile = QComboBox()
        self._fill_profiles()
        self.workers = QSpinBox()
        self.workers.setRange(1, max(1, os.cpu_count() or 1))
        self.workers.setValue(DEFAULT_WORKERS)
        form.addRow("Profile", row(self.profile, QLabel("workers"), self.workers, stretch_first=True))
        self.model = QLineEdit()
        self.model.setPlaceholderText("the profile's model")
        self.backend, self.precision = combo(BACKENDS), combo(PRECISIONS)
        self.backend.setToolTip("inference runtime")
        self.precision.setToolTip("model precision")
        form.addRow("Model", row(self.model, button("…", self._choose_model), self.backend, self.precision,
                                 stretch_first=True))
        self.start_button = button("Start", self.start)
        self.cancel_button = button("Cancel", self.cancel)
        self.report_button = button("Write && open report", self.write_report)
        self.progress_bar = QProgressBar()
        self.rate = QLabel("")
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.skipped = QListWidget()
        self.skipped.setMaximumHeight(90)
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.banner)
        column.addLayout(form)
        column.addLayout(row(self.start_button, self.cancel_button, self.report_button))
        column.addLayout(row(self.progress_bar, self.rate, stretch_first=True))
        column.addWidget(self.summary)
        column.addWidget(QLabel("Skipped files"))
        column.addWidget(self.skipped)
        column.addStretch(1)
        scrolled(self, body)

    def _fill_profiles(self) -> None:
        try:
            ids = sorted(load_config_set().profiles)
        except LeukoError as exc:
            self.banner.show_error(str(exc))
            ids = [DEFAULT_PROFILE]
        self.profile.addItems(ids)
        self.profile.setCurrentText(DEFAULT_PROFILE)

    # --- choosing inputs -----------------------------------------------------------------
    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of field images")
        if folder:
            self.target.setText(folder)

    def _choose_video(self) -> None:
        patterns = " ".join(f"*{s}" for s in sorted(VIDEO_SUFFIXES))
        path, _ = QFileDialog.getOpenFileName(self, "Video of fields", "", f"Videos ({patterns});;All files (*)")
        if path:
            self.target.setText(path)

    def _choose_model(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Model bundle (folder holding card.json)")
        if folder:
            self.model.setText(folder)

    def request(self) -> ScanRequest:
        return ScanRequest(Path(self.target.text().strip()), self.slide.text().strip(), self.sample.text().strip(),
                           self.profile.currentText() or None, self.model.text().strip() or None,
                           self.backend.currentText(), self.precision.currentText(), self.workers.value())

    # --- running -------------------------------------------------------------------------
    def start(self) -> None:
        request = self.request()
        if not self.target.text().strip() or not request.slide:
            self.banner.show_error("choose the fields (a folder or a video) and type the slide id first")
            return
        self.banner.dismiss()
        self.skipped.clear()
        self.summary.setText("")
        self.rate.setText("loading the model…")
        self.progress_bar.setRange(0, 0)
        self.cancel_event = threading.Event()
        cancel = self.cancel_event
        self.tasks.start(lambda: scan_task(self.workspace, request, cancel), self._finished, self._progressed)

    def cancel(self) -> None:
        """Stop after the fields in flight; they are stored, and a new Start resumes."""
        self.cancel_event.set()
        self.rate.setText("cancelling…")

    def _progressed(self, item: ScanProgress | str) -> None:
        if isinstance(item, str):
            self.banner.show_notice(f"warning: {item}")
            return
        self.last_progress = item
        if item.total is None:
            self.progress_bar.setRange(0, 0)
        else:
            self.progress_bar.setRange(0, max(1, item.total))
            self.progress_bar.setValue(item.done)
        self.rate.setText(item.rate_text())
        self._list_skipped(item)

    def _list_skipped(self, progress: ScanProgress) -> None:
        lines = progress.unsupported + progress.failed
        for line in lines[self.skipped.count():]:
            self.skipped.addItem(line)

    def _finished(self, progress: ScanProgress | None) -> None:
        if progress is None:
            self.summary.setText("nothing was scanned")
            return
        self._progressed(progress)
        if progress.total is None:
            self.progress_bar.setRange(0, max(1, progress.done))
            self.progress_bar.setValue(progress.done)
        self.summary.setText(progress.summary())
        self.scan_finished.emit(self.slide.text().strip())

    def write_report(self) -> None:
        code = self.slide.text().strip()
        if not code:
            self.banner.show_error("type the slide id whose report to write")
            return
        out = default_report_dir(self.workspace)
        self.tasks.start(lambda: write_slide_report(self.workspace, code, out), self._report_written)

    def _report_written(self, paths: list[Path]) -> None:
        self.report_paths = paths
        show_written(paths, self.banner, self.opener)

    def _set_busy(self, busy: bool) -> None:
        self.start_button.setEnabled(not busy)
        self.report_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        if not busy and self.progress_bar.maximum() == 0:  # ended before its first field (an error)
            self.progress_bar.setRange(0, 1)
            self.rate.setText("")

    def shutdown(self) -> None:
        """Stop a running scan and wait for it (closing the window)."""
        self.cancel_event.set()
        self.tasks.stop()

    def closeEvent(self, event: object) -> None:
        self.shutdown()
        super().closeEvent(event)  # type: ignore[arg-type]

