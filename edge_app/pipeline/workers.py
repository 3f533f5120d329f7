"""How many inference workers the live pipeline runs, and how many threads each one's backend gets.

Each worker owns its own backend (`ScanSetup.make_detector` builds a fresh one per call), so N
workers run N inferences at once, each on `cores // N` threads: on small CPUs one model call
does not scale across cores as well as two calls side by side (measured in docs/live.md, and for
batch scans in `edge_app.scan.workspace_scan`).
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

from edge_app.detections import Detections
from edge_app.errors import ValidationError

DetectFn = Callable[[np.ndarray], Detections]
DetectorFactory = Callable[[int | None], DetectFn]  # threads (None: the runtime's default) -> detector


def default_infer_workers(cores: int | None = None) -> int:
    """2 on machines with at least 2 cores, else 1."""
    return min(2, cores or os.cpu_count() or 1)


def threads_per_worker(workers: int, threads: int | None = None, cores: int | None = None) -> int | None:
    """`threads` when given; one worker: the runtime's default (None); else `cores // workers`, at least 1."""
    if threads is not None:
        return threads
    if workers == 1:
        return None
    return max(1, (cores or os.cpu_count() or 1) // workers)


def make_detectors(make_detector: DetectorFactory, workers: int, threads: int | None = None) -> list[DetectFn]:
    """One detector (with its own backend) per worker."""
    if workers < 1:
        raise ValidationError(f"inference workers must be at least 1, got {workers}")
    per_worker = threads_per_worker(workers, threads)
    return [make_detector(per_worker) for _ in range(workers)]
