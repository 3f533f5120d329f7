"""The tabs beside Live — Scan, Review, QA, Reports — on one workspace, wired so that what one tab
adds to the store (a scan, a captured field, a finished slide) shows in the others."""

from __future__ import annotations

from pathlib import Path

from edge_app.store.store import ResultsStore
from edge_app.taxonomy import Taxonomy
from edge_app.ui.main_window import MainWindow
from edge_app.ui.qa_tab import QaTab
from edge_app.ui.reports_tab import ReportsTab
from edge_app.ui.review_tab import ReviewTab
from edge_app.ui.scan_tab import ScanTab


def add_workbench_tabs(window: MainWindow, workspace: Path, taxonomy: Taxonomy) -> None:
    scan, qa, reports = ScanTab(workspace), QaTab(workspace), ReportsTab(workspace)
    review = ReviewTab(ResultsStore(workspace), taxonomy)
    for widget, title in ((scan, "Scan"), (review, "Review"), (qa, "QA"), (reports, "Reports")):
        window.add_tab(widget, title)

    def slides_changed() -> None:
        qa.refresh_slides()
        reports.refresh()
        review.refresh_slides()

    scan.scan_finished.connect(lambda _slide: slides_changed())
    window.live.session.field_stored.connect(lambda _record: slides_changed())
    window.tabs.currentChanged.connect(lambda index: review.load() if window.tabs.widget(index) is review else None)
