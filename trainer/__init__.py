"""Leuko trainer: datasets, synthetic fields, AttriDet training and evaluation.

Imports torch/ultralytics only inside the modules that train; `leuko-train check`,
`convert` and `synth` run with the app's light dependencies.
"""
