"""The live pipeline: newest camera frame -> detector -> `LiveResult`, measured, without Qt.

`LivePipeline` (live.py) runs a capture thread and an inference worker; `LiveStats`
(stats.py) are its measured numbers; `LiveRecorder` (recorder.py) writes results to disk.
The GUI and `leuko live --headless` run the same pipeline.
"""

from edge_app.pipeline.live import LivePipeline
from edge_app.pipeline.recorder import LiveRecorder
from edge_app.pipeline.result import LiveResult
from edge_app.pipeline.stats import LiveStats, StatsMeter

__all__ = ["LivePipeline", "LiveRecorder", "LiveResult", "LiveStats", "StatsMeter"]
