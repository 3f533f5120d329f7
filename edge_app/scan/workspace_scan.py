"""`scan_into_workspace`: one scan of a folder or video into a workspace's store, as `leuko scan` and the
desktop app's Scan tab both run it (store opened and closed around the scan, progress yielded)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

from edge_app.pipeline.workers import default_infer_workers
from edge_app.scan.progress import ScanProgress
from edge_app.scan.scanner import SlideScanner
from edge_app.scan.setup import ScanSetup
from edge_app.store.store import ResultsStore

DEFAULT_WORKERS = default_infer_workers()  # measured: 2 single-threaded workers beat 1 two-threaded


def scan_into_workspace(workspace: Path, setup: ScanSetup, target: Path, slide_code: str, *, sample_code: str = "",
                        workers: int = DEFAULT_WORKERS,
                        cancel: threading.Event | None = None) -> Iterator[ScanProgress]:
    """Progress after every field and once more when finished (`cancel` stops between fields)."""
    with ResultsStore(workspace) as store:
        scanner = SlideScanner(store, setup, slide_code, workers=workers, sample_code=sample_code, cancel=cancel)
        yield from scanner.run(target)
