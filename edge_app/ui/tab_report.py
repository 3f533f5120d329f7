"""Slide reports for the Scan and Reports tabs: written by the library `leuko report` uses, opened by an
injectable opener (the desktop's browser by default; tests pass a recorder)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from edge_app.reporting.report_data import build_slide_report
from edge_app.reporting.report_files import FORMATS, write_report
from edge_app.store.store import ResultsStore
from edge_app.ui.banner import Banner
from edge_app.ui.capture import REPORTS_DIR

Opener = Callable[[Path], None]


def open_in_desktop(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def default_report_dir(workspace: Path) -> Path:
    return workspace / REPORTS_DIR  # where finishing a live session writes them too


def write_slide_report(workspace: Path, slide_code: str, out_dir: Path,
                       formats: Sequence[str] = FORMATS) -> list[Path]:
    with ResultsStore(workspace) as store:
        return write_report(build_slide_report(store, slide_code), out_dir, formats)


def show_written(paths: Sequence[Path], banner: Banner, opener: Opener) -> None:
    """Say what was written where, and open the HTML report if there is one."""
    where = f" in {paths[0].parent}" if paths else ""
    banner.show_notice("wrote " + (", ".join(p.name for p in paths) or "nothing") + where)
    html = next((p for p in paths if p.suffix == ".html"), None)
    if html is not None:
        opener(html)
