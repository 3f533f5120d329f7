"""What a scan runs with: the profile (objective, domain, focus, tiling) and the model bundle.

`--profile` defaults to the profile the demo model is calibrated for; `--model` defaults to the
profile's model, where a bare name ("demo") means a bundle shipped in `edge_app/assets/models/`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edge_app.config.loader import load_config_set
from edge_app.config.schema import ProfileConfig
from edge_app.detections import Detections
from edge_app.errors import ModelError
from edge_app.model_card import BundleFile
from edge_app.runtime.bundle import ModelBundle
from edge_app.runtime.decode import DecodeSettings
from edge_app.runtime.detector import Detector
from edge_app.runtime.field_quality import QualityThresholds
from edge_app.runtime.tiling import TiledDetector

DEFAULT_PROFILE = "xsz107bn-zzcat-100x"  # L_100x_C2: the demo model's INT8 calibration domain
ASSET_MODELS = Path(__file__).resolve().parents[1] / "assets" / "models"
DetectFn = Callable[[np.ndarray], Detections]


@dataclass(frozen=True)
class ScanSetup:
    profile: ProfileConfig
    bundle: ModelBundle
    file: BundleFile
    warnings: tuple[str, ...] = ()

    @property
    def thresholds(self) -> QualityThresholds:
        focus = self.profile.focus
        return QualityThresholds(reference_sharpness=focus.reference_sharpness, min_focus=focus.min_ok)

    def make_detector(self, threads: int | None = None) -> DetectFn:
        """A new backend (each worker owns one), warmed up, tiled if the profile says so."""
        backend = self.bundle.load_backend(self.file, threads)
        backend.warm_up()
        card = self.bundle.card
        detector = Detector(card, backend, DecodeSettings(conf_threshold=card.score_threshold))
        tiling = self.profile.tiling
        return TiledDetector(detector, tiling.tile, tiling.overlap) if tiling.enabled else detector


def resolve_bundle_path(model: str | os.PathLike[str]) -> Path:
    """A bundle folder from a path, or a bundled model's name; a clear error when absent."""
    path = Path(model).expanduser()
    if path.is_dir():
        return path
    if os.sep not in str(model) and (ASSET_MODELS / str(model)).is_dir():
        return ASSET_MODELS / str(model)
    if str(model) == "demo":
        raise ModelError("the demo model is not bundled in this installation yet", where=str(ASSET_MODELS / "demo"),
                         hint="build it with `make demo-model`, or pass --model BUNDLE (a leuko-export folder)")
    raise ModelError("no such model bundle", where=str(model),
                     hint="pass --model with a folder written by leuko-export (holding card.json)")


def prepare_scan(profile_id: str | None = None, model: str | os.PathLike[str] | None = None,
                 backend: str = "auto", precision: str = "auto") -> ScanSetup:
    profile = load_config_set().profile(profile_id or DEFAULT_PROFILE)
    bundle = ModelBundle.open(resolve_bundle_path(model or profile.model))
    file = bundle.choose_file(backend, precision)
    warnings = ()
    domains = bundle.card.domains
    if domains and profile.domain not in domains and "mixed" not in domains:
        warnings = (f"the model was made for {', '.join(domains)} but profile {profile.id} is {profile.domain}: "
                    "expect lower accuracy",)
    return ScanSetup(profile, bundle, file, warnings)
