"""Inference runtime: preprocessing, backends (ONNX Runtime, OpenVINO), decode + NMS, tiling."""
