"""`MainWindow`: a banner over tabs, the first one "Live"; other tabs (scan, QA, reports,
review) are added with `add_tab`. The window remembers its geometry in the given settings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from edge_app.config.loader import load_config_set
from edge_app.errors import LeukoError
from edge_app.model_card import ModelCard
from edge_app.pipeline.live import LivePipeline
from edge_app.taxonomy import Taxonomy
from edge_app.ui.banner import Banner
from edge_app.ui.live_setup import LiveContext, Opener
from edge_app.ui.live_tab import LiveTab
from edge_app.ui.live_view import LiveView
from edge_app.ui.settings import LiveSettings

DEFAULT_SIZE = (800, 480)  # the Pi touchscreen; everything must fit there


class MainWindow(QMainWindow):
    """`pipeline` is a started `LivePipeline` (or None: open one later with `live.open(choice)`).

    `profile_id`/`card` describe a pipeline started elsewhere (captured fields carry them);
    `opener` builds pipelines when the technician picks another source/profile/model (default
    `open_live`); `workspace` is the results store folder (default: `resolve_workspace()`);
    `settings` persists choices and geometry (default: nothing is persisted).
    """

    def __init__(self, pipeline: LivePipeline | None, taxonomy: Taxonomy, *, profile_id: str | None = None,
                 card: ModelCard | None = None, opener: Opener | None = None, workspace: Path | None = None,
                 settings: LiveSettings | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Leuko")
        self.settings = settings
        self.banner = Banner()
        try:
            configs = load_config_set()
        except LeukoError as exc:  # a broken YAML file must not stop the window from opening
            configs = None
            self.banner.show_error(str(exc))
        context = LiveContext.around(pipeline, taxonomy, profile_id, card, configs) if pipeline else None
        profiles = sorted(configs.profiles) if configs else []
        self.live = LiveTab(context, taxonomy, self.banner, profiles=profiles, opener=opener, workspace=workspace,
                            settings=settings)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.live, "Live")
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.statusBar().addWidget(self.live.status, 1)
        self.resize(*DEFAULT_SIZE)
        geometry = settings.geometry() if settings else None
        if geometry is not None:
            self.restoreGeometry(geometry)

    def add_tab(self, widget: QWidget, title: str) -> None:
        """A tab with a `shutdown()` method gets it called (its background work stopped) on close."""
        self.tabs.addTab(widget, title)

    def show_error(self, error: LeukoError | str) -> None:
        """For any tab: a LeukoError (or its text) in the banner, what failed and what to do."""
        self.banner.show_error(str(error))

    # --- the live tab's parts, as the first cut had them ----------------------------------------
    @property
    def view(self) -> LiveView:
        return self.live.view

    @property
    def status(self) -> QLabel:
        return self.live.status

    @property
    def details(self) -> QLabel:
        return self.live.cell.text

    @property
    def result_shown(self) -> SignalInstance:
        return self.live.result_shown

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.settings is not None:
            self.settings.save_geometry(self.saveGeometry())
            self.settings.sync()
        for index in range(self.tabs.count()):
            shutdown = getattr(self.tabs.widget(index), "shutdown", None)
            if callable(shutdown):
                shutdown()
        super().closeEvent(event)
