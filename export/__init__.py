"""Leuko export stage: AttriDet weights -> model bundle (ONNX / OpenVINO, FP32 / INT8, card.json)."""
