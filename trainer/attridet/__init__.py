"""AttriDet on ultralytics: a YOLO11 detector plus a per-anchor attribute head.

Submodules import torch and ultralytics; this package itself stays import-light so that
`leuko-train --help` never pays for them.
"""
