"""Leuko edge app: the runtime that reads blood films live on a low-cost microscope.

This package must run on a Raspberry Pi: it never imports torch, ultralytics or nncf.
The core types (`Taxonomy`, `ModelCard`, `Frame`, `Detections`) are defined here once and
reused by the trainer and the export stage.
"""

__version__ = "0.1.0"
