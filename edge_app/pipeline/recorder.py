"""`LiveRecorder`: a sink for live results — the raw frames as JPEG plus one JSON line per frame.

Raw frames + detections (not only a picture with boxes burnt in) keep a recording useful: the
overlay can be redrawn with another style, a newer model can be compared on the same pixels
(`leuko scan` reads the folder), and the JSON lines carry stage position, focus and timing.
`overlay=True` also writes the annotated picture, for showing a run to someone.

It writes on the caller's thread (the inference worker), so recording slows the pipeline by
the JPEG encode (~10 ms at 1280x960) instead of buffering frames in a queue that could grow.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import cv2
import numpy as np

from edge_app.errors import StoreError
from edge_app.overlay.annotators import Overlay
from edge_app.pipeline.result import LiveResult
from edge_app.taxonomy import Taxonomy

JPEG_QUALITY = 95


class LiveRecorder:
    """`with LiveRecorder(folder, taxonomy) as rec: rec.add(result)`; files named by result order."""

    def __init__(self, folder: Path, taxonomy: Taxonomy, *, overlay: bool = False) -> None:
        self.folder = folder
        self.overlay = Overlay(taxonomy) if overlay else None
        self.count = 0
        self._lines: IO[str] | None = None

    def __enter__(self) -> Self:
        try:
            (self.folder / "frames").mkdir(parents=True, exist_ok=True)
            if self.overlay is not None:
                (self.folder / "annotated").mkdir(exist_ok=True)
            self._lines = (self.folder / "results.jsonl").open("a", encoding="utf-8")
        except OSError as exc:
            raise StoreError(f"cannot write the recording: {exc.strerror}", where=str(self.folder),
                             hint="choose a writable folder for --record") from None
        return self

    def add(self, result: LiveResult) -> None:
        if self._lines is None:
            raise RuntimeError("LiveRecorder.add() outside `with`")
        name = f"{self.count:06d}.jpg"
        self._write(self.folder / "frames" / name, result.frame.image)
        if self.overlay is not None:
            self._write(self.folder / "annotated" / name, self.overlay.draw(result.frame.image, result.detections))
        record = {"file": f"frames/{name}", **result.to_record()}
        self._lines.write(json.dumps(record, separators=(",", ":")) + "\n")
        self.count += 1

    @staticmethod
    def _write(path: Path, image: np.ndarray) -> None:
        if not cv2.imwrite(str(path), image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY]):
            raise StoreError("cannot write a recorded frame (disk full?)", where=str(path))

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._lines is not None:
            self._lines.close()
            self._lines = None
