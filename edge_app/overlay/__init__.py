"""Overlays: annotators that draw detections on a frame, each `annotate(scene, detections) -> scene`."""
