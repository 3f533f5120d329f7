"""Camera sources behind one small `FrameSource` interface, and the newest-frame grabber.

Only numpy, OpenCV and the standard library are imported here; picamera2 is imported inside
`Picamera2Source.open()`, so this package loads on any machine.
"""

from edge_app.sources.base import FrameSource
from edge_app.sources.camera_settings import CameraReport, CameraRequest
from edge_app.sources.events import SourceEvent
from edge_app.sources.factory import build_source, from_config, open_source
from edge_app.sources.faulty_source import FaultySource
from edge_app.sources.grabber import GrabberStats, LatestFrameGrabber
from edge_app.sources.mjpeg_source import MjpegSource
from edge_app.sources.opencv_source import OpenCVSource
from edge_app.sources.picamera2_source import Picamera2Source
from edge_app.sources.reconnect import BackOff, ReconnectingSource
from edge_app.sources.replay_source import ReplaySource

__all__ = [
    "BackOff",
    "CameraReport",
    "CameraRequest",
    "FaultySource",
    "FrameSource",
    "GrabberStats",
    "LatestFrameGrabber",
    "MjpegSource",
    "OpenCVSource",
    "Picamera2Source",
    "ReconnectingSource",
    "ReplaySource",
    "SourceEvent",
    "build_source",
    "from_config",
    "open_source",
]
