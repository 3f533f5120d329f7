"""`LiveTab`: the live view with its controls, counts, cell details and stage/capture panel.

The pipeline's own threads capture and infer; this tab polls `latest_result()` on the UI thread
and only paints. Opening another source/profile/model stops the old pipeline and starts the new
one in a `TaskWorker`; source events arrive through `SourceEventBridge` (a queued Qt signal).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMessageBox, QSplitter, QTabWidget, QVBoxLayout, QWidget

from edge_app.detections import Detections
from edge_app.errors import LeukoError, ValidationError
from edge_app.overlay.annotators import Overlay
from edge_app.pipeline.result import LiveResult
from edge_app.sources.events import SourceEvent
from edge_app.taxonomy import Taxonomy
from edge_app.ui.banner import Banner
from edge_app.ui.capture import FieldCapture, read_stage
from edge_app.ui.cell_details import cell_at
from edge_app.ui.cell_panel import CellPanel
from edge_app.ui.controls import LiveControls
from edge_app.ui.counts_panel import CountsPanel
from edge_app.ui.event_bridge import SourceEventBridge
from edge_app.ui.live_setup import LiveChoice, LiveContext, Opener, open_live
from edge_app.ui.live_view import LiveView
from edge_app.ui.session_controller import SessionController
from edge_app.ui.settings import DEFAULT_THRESHOLD, LiveSettings
from edge_app.ui.stage_panel import StagePanel
from edge_app.ui.tasks import Tasks

POLL_MS = 30
SIDE_WIDTH = 250  # px: leaves ~540 px of live view on an 800x480 screen
TROUBLE = ("lost", "reconnecting", "skipped", "warning")


class LiveTab(QWidget):
    result_shown = Signal(object)  # the LiveResult just painted
    context_changed = Signal(object)  # the LiveContext now running

    def __init__(self, context: LiveContext | None, taxonomy: Taxonomy, banner: Banner, *,
                 profiles: Sequence[str] = (), opener: Opener | None = None, workspace: Path | None = None,
                 settings: LiveSettings | None = None) -> None:
        super().__init__()
        self.context = context
        self.taxonomy = context.taxonomy if context else taxonomy
        self.banner = banner
        self.opener: Opener = opener or open_live
        self.settings = settings
        self.bridge = SourceEventBridge(self)
        self.bridge.received.connect(self.on_source_event)
        self.tasks = Tasks(self)
        self.session = SessionController(workspace, self)
        saved = settings.threshold() if settings else None
        self.threshold_chosen = saved is not None  # else each model's card sets it (its operating point)
        self.threshold = saved if saved is not None else DEFAULT_THRESHOLD
        self.shown_attributes = settings.shown_attributes() if settings else None
        self._last: LiveResult | None = None
        self._pending: LiveChoice | None = None  # chosen while another was opening: opened next
        self._opening = False
        self._opened: LiveContext | None = None  # set by the open task itself: stopped on close even if not adopted
        self._closing = False
        self._trouble = ""
        self._ended: LiveContext | None = None  # the pipeline whose end was already reported
        self._build(profiles)
        self._connect()
        self._use_taxonomy(self.taxonomy)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.poll)
        self.timer.start(POLL_MS)

    # --- layout ----------------------------------------------------------------------------------
    def _build(self, profiles: Sequence[str]) -> None:
        self.controls = LiveControls(profiles)
        self.controls.set_threshold(self.threshold)
        choice = self.settings.choice() if self.settings is not None else LiveChoice()
        if self.context is not None:  # what runs is what the pickers show
            choice = replace(choice, profile=self.context.profile.id)
        self.controls.set_choice(choice)
        self.view = LiveView(Overlay(self.taxonomy, self.shown_attributes))
        self.stage_panel = StagePanel()
        self.counts = CountsPanel(self.taxonomy)
        self.cell = CellPanel()
        self.side = QTabWidget()
        self.side.addTab(self.stage_panel, "Stage")
        self.side.addTab(self.counts, "Counts")
        self.side.addTab(self.cell, "Cell")
        self.side.setMinimumWidth(200)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.view)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 1)
        splitter.setSizes([560, SIDE_WIDTH])
        self.status = QLabel("starting…")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.controls)
        layout.addWidget(splitter, 1)

    def _connect(self) -> None:
        self.view.clicked.connect(self.show_cell)
        self.controls.choice_changed.connect(self.open)
        self.controls.threshold_changed.connect(self.set_threshold)
        self.controls.attributes_changed.connect(self.set_shown_attributes)
        sp, session = self.stage_panel, self.session
        sp.start_requested.connect(lambda code, sample: session.start(code, sample, self._profile_id()))
        sp.finish_requested.connect(self.finish_session)
        sp.capture_requested.connect(self.capture)
        sp.next_requested.connect(self.next_field)
        session.session_changed.connect(sp.set_session)
        session.tally_changed.connect(self.counts.set_tally)
        session.message.connect(sp.say)
        session.failed.connect(self.banner.show_error)
        for keys, slot in (("Space", self.capture), ("C", self.capture), ("N", self.next_field)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # --- painting --------------------------------------------------------------------------------
    def poll(self) -> None:
        ctx = self.context
        result = ctx.pipeline.latest_result() if ctx is not None else None
        if result is None or result is self._last:
            if ctx is not None and ctx.pipeline.done and self._ended is not ctx:
                self._report_end(ctx)
            return
        self._last = result
        self._paint(result)
        self.result_shown.emit(result)

    def _paint(self, result: LiveResult) -> None:
        shown = self.shown(result.detections)
        self.view.show_frame(result.frame.image, shown)
        self.counts.show_frame(shown)
        self.status.setText(status_text(result, len(shown)) + self._trouble)

    def _report_end(self, ctx: LiveContext) -> None:
        """A recording that ended, or inference that stopped on an error: say so once."""
        self._ended = ctx
        error = ctx.pipeline.error
        if error is not None:
            self.banner.show_error(str(error) if isinstance(error, LeukoError) else
                                   f"live inference stopped: {type(error).__name__}: {error}\n"
                                   "  -> pick another model or source and press Open")
        self.status.setText(f"live view {ctx.pipeline.stats.state}: {self.status.text()}")

    def shown(self, dets: Detections) -> Detections:
        """The cells at or above the confidence threshold: what is drawn, counted and captured."""
        return dets[dets.score >= self.threshold]

    def set_threshold(self, value: float) -> None:
        self.threshold, self.threshold_chosen = value, True
        if self.settings is not None:
            self.settings.save_threshold(value)
        if self._last is not None:
            self._paint(self._last)

    def set_shown_attributes(self, names: list[str]) -> None:
        self.shown_attributes = names
        if self.settings is not None:
            self.settings.save_shown_attributes(names)
        self.view.overlay = Overlay(self.taxonomy, names)
        if self._last is not None:
            self._paint(self._last)

    def _use_taxonomy(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.view.overlay = Overlay(taxonomy, self.shown_attributes)
        self.counts.taxonomy = taxonomy
        self.counts.refresh()
        self.controls.set_attributes(taxonomy, self.shown_attributes)

    def show_cell(self, x: float, y: float) -> None:
        dets, result = self.view.detections, self._last
        i = cell_at(dets, x, y) if dets is not None else None
        if dets is None or result is None or i is None:
            self.cell.show_none()
            return
        self.cell.show_cell(self.taxonomy, result.frame.image, dets, i)
        self.side.setCurrentWidget(self.cell)

    # --- opening another source / profile / model ------------------------------------------------
    def open(self, choice: LiveChoice) -> None:
        """Stop the running pipeline and start `choice` off the UI thread (one at a time)."""
        self.controls.set_choice(choice)
        if self.settings is not None:
            self.settings.save_choice(choice)
        if self._opening:
            self._pending = choice
            return
        self._opening = True
        old, self.context, self._last = self.context, None, None
        self.status.setText(f"opening {choice.source or 'the bundled samples'}…")
        self.tasks.run(lambda: self._swap(old, choice), self._adopt, self._open_failed)

    def _swap(self, old: LiveContext | None, choice: LiveChoice) -> LiveContext:
        """Worker thread: stop the old pipeline, open the new one."""
        if old is not None:
            old.pipeline.stop()
        self._opened = self.opener(choice, self.bridge)
        return self._opened

    def _adopt(self, ctx: LiveContext) -> None:
        self._opening = False
        if self._closing:
            ctx.pipeline.stop()
            return
        self.context, self._trouble = ctx, ""
        self._use_taxonomy(ctx.taxonomy)
        if not self.threshold_chosen and ctx.card is not None:
            self.threshold = ctx.card.score_threshold
            self.controls.blockSignals(True)  # not the technician's choice: not saved
            self.controls.set_threshold(self.threshold)
            self.controls.blockSignals(False)
        self.banner.dismiss()  # an error or notice about what ran before
        if ctx.warnings:
            self.banner.show_notice("; ".join(ctx.warnings))
        self.context_changed.emit(ctx)
        self._open_pending()

    def _open_failed(self, message: str) -> None:
        self._opening = False
        self.status.setText("no live view: see the message above")
        self.banner.show_error(message)
        self._open_pending()

    def _open_pending(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None and not self._closing:
            self.open(pending)

    # --- source events (already on the UI thread: queued through the bridge) ---------------------
    def on_source_event(self, event: SourceEvent) -> None:
        if event.kind in ("lost", "reconnecting"):
            self._trouble = "  |  camera lost: reconnecting…"
            self.banner.show_notice(f"Camera {event.source_id}: {event.message} — reconnecting…")
        elif event.kind == "reconnected":
            self._trouble = ""
            self.banner.clear_notice()
        elif event.kind in TROUBLE:
            self.banner.show_notice(str(event))
        if event.kind != "finished":
            self.status.setText(self.status.text().split("  |  camera lost")[0] + self._trouble)

    # --- slide session and capture ----------------------------------------------------------------
    def _profile_id(self) -> str:
        return self.context.profile.id if self.context is not None else ""

    def capture(self) -> bool:
        """Store the field on screen with its stage reading; False (with a message) when refused."""
        ctx, result, shown = self.context, self._last, self.view.detections
        if ctx is None or result is None or shown is None:
            self.stage_panel.say("no live frame to capture yet", error=True)
            return False
        try:
            stage = read_stage(self.stage_panel.stage.text(), ctx.microscope)
        except ValidationError as exc:
            self.stage_panel.say(str(exc).replace("\n  -> ", "\n→ "), error=True)
            return False
        return self.session.capture(FieldCapture.of(result, shown, stage, ctx))

    def next_field(self) -> None:
        self.stage_panel.next_field()
        self.stage_panel.say(f"field {self.session.tally.fields + 1}: move the stage, type X, Y, capture")

    def finish_session(self, write_report: bool | None = None) -> None:
        """Finish the slide; `write_report` None asks the technician whether to write the report."""
        if self.session.slide_code is None:
            return
        if write_report is None:
            answer = QMessageBox.question(self, "Finish slide", f"Write the report of slide "
                                          f"{self.session.slide_code} now?")
            write_report = answer == QMessageBox.StandardButton.Yes
        self.session.finish(write_report)

    # --- shutdown ----------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop polling, let running tasks end, stop every pipeline this tab started or was given."""
        self._closing = True
        self.timer.stop()
        self.tasks.wait_all()
        self.session.close()
        for ctx in (self.context, self._opened):
            if ctx is not None:
                ctx.pipeline.stop()


def status_text(result: LiveResult, shown: int) -> str:
    s = result.stats
    text = (f"{s.fps:.1f} FPS  |  infer {result.detect_ms:.0f} ms  |  dropped {s.dropped}"
            f"  |  cells {shown}")
    if result.quality is not None and result.quality.problems:
        text += "  |  " + ", ".join(result.quality.problems)
    return text
