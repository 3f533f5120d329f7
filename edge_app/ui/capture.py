"""Capture into the workspace store: open a slide session, store one live field, finish the slide.

Qt-free: the session controller runs each of these through `TaskWorker`. Each call opens the
store for the duration of its work (the store keeps one connection per thread) and writes with
the same `SlideSession` the batch scanner uses; finishing writes the report `leuko report` writes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from edge_app.config.schema import MicroscopeConfig
from edge_app.detections import Detections
from edge_app.frame import Frame, StagePosition
from edge_app.pipeline.result import LiveResult
from edge_app.reporting.report_data import build_slide_report
from edge_app.reporting.report_files import FORMATS, write_report
from edge_app.stage_log import parse_stage_text, stage_position
from edge_app.store.records import FieldProvenance, FieldQuality, FieldRecord
from edge_app.store.store import ResultsStore, SlideSession
from edge_app.ui.live_setup import LiveContext
from edge_app.ui.tally import SessionTally

REPORTS_DIR = "reports"  # inside the workspace


def read_stage(text: str, microscope: MicroscopeConfig) -> StagePosition | None:
    """The typed vernier reading, validated; None when nothing was typed. Raises ValidationError."""
    if not text.strip():
        return None
    x_mm, y_mm = parse_stage_text(text)
    return stage_position(x_mm, y_mm, microscope)


@dataclass(frozen=True)
class FieldCapture:
    """One field as shown on screen: frame (with its stage reading), the counted detections, focus."""

    frame: Frame
    detections: Detections
    quality: FieldQuality
    context: LiveContext

    @classmethod
    def of(cls, result: LiveResult, shown: Detections, stage: StagePosition | None,
           context: LiveContext) -> FieldCapture:
        q = result.quality
        quality = FieldQuality(q.focus, q.brightness, q.clipped) if q is not None else FieldQuality()
        frame = replace(result.frame, stage=stage) if stage is not None else result.frame
        return cls(frame, shown, quality, context)


def open_slide(workspace: Path, code: str, sample_code: str, profile_id: str) -> tuple[str, SessionTally]:
    """Start (or reopen) a slide; its tally counts the fields already stored in it."""
    tally = SessionTally()
    with ResultsStore(workspace) as store:
        slide = store.start_slide(code, sample_code, profile_id)
        for record in store.fields(slide):
            tally.add(record.id, store.detections(record.id))
    return slide.code, tally


def store_field(workspace: Path, slide_code: str, capture: FieldCapture) -> FieldRecord:
    """Image first (fsynced), then its rows: the store's own guarantee."""
    ctx = capture.context
    with ResultsStore(workspace) as store:
        model_id = store.register_model(ctx.card) if ctx.card is not None else None
        provenance = FieldProvenance(ctx.profile.id, ctx.profile.objective, model_id, capture.frame.source_id,
                                     capture.frame.index)
        session = SlideSession(store, store.slide(slide_code), provenance)
        return session.add(capture.frame, capture.detections, capture.quality)


def finish_slide(workspace: Path, slide_code: str, write: bool) -> list[Path]:
    """Mark the slide finished; with `write`, the HTML/CSV/JSON report in workspace/reports."""
    with ResultsStore(workspace) as store:
        store.finish_slide(slide_code)
        if not write:
            return []
        return write_report(build_slide_report(store, slide_code), workspace / REPORTS_DIR, FORMATS)
