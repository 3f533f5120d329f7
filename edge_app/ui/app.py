"""`run_window`: `leuko live` with a window — the same setup as the headless run, shown in Qt.

What the command line names wins; anything it leaves out comes from the last session's settings.
The pipeline opens in the background, so a missing model shows in the banner instead of a crash.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from edge_app.pipeline.headless import HeadlessOptions
from edge_app.store.workspace import resolve_workspace
from edge_app.taxonomy import Taxonomy
from edge_app.ui.live_setup import LiveChoice

if TYPE_CHECKING:
    from edge_app.ui.settings import LiveSettings


def choice_from(options: HeadlessOptions, remembered: LiveChoice) -> LiveChoice:
    def pick(given: str | None, last: str, default: str = "") -> str:
        return given if given and given != default else last

    return LiveChoice(pick(options.source, remembered.source), pick(options.profile, remembered.profile),
                      pick(options.model, remembered.model), pick(options.backend, remembered.backend, "auto"),
                      pick(options.precision, remembered.precision, "auto"))


def run_window(options: HeadlessOptions, settings: LiveSettings | None = None, workspace: Path | None = None) -> int:
    """Until the window closes. `settings`: the user's QSettings unless given; `workspace`: as `--workspace`."""
    from functools import partial

    from PySide6.QtWidgets import QApplication

    from edge_app.ui.live_setup import open_live
    from edge_app.ui.main_window import MainWindow
    from edge_app.ui.settings import LiveSettings
    from edge_app.ui.workbench import add_workbench_tabs

    app = QApplication.instance() or QApplication(sys.argv)
    settings = settings or LiveSettings.user()
    workspace = workspace or resolve_workspace()
    taxonomy = Taxonomy.leukemia_attri()
    window = MainWindow(None, taxonomy, opener=partial(open_live, threads=options.threads),
                        workspace=workspace, settings=settings)
    add_workbench_tabs(window, workspace, taxonomy)
    window.live.open(choice_from(options, settings.choice()))
    window.show()
    try:
        return int(app.exec())
    finally:
        window.live.shutdown()
