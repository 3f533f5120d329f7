"""Keep ultralytics from reaching the network during Leuko runs.

- `check_det_dataset` asks for Arial.ttf (downloaded when missing) only to draw plots; Leuko
  runs with plots off, so the lookup only looks on disk.
- On a GPU the trainer's AMP self-test downloads yolo26n.pt; without that file on disk the test
  is skipped and AMP stays on, as ultralytics itself does when offline.

Installed from the trainer and validator constructors, so DDP workers (which import them) get
it too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_AMP_WEIGHTS = "yolo26n.pt"


def _local_font_only(font: str = "Arial.ttf") -> Path | None:
    from ultralytics.utils import USER_CONFIG_DIR

    path = USER_CONFIG_DIR / Path(font).name
    return path if path.exists() else None


def _amp_check_without_download(model: Any) -> bool:
    from ultralytics.utils import LOGGER, WEIGHTS_DIR
    from ultralytics.utils.checks import check_amp

    if (WEIGHTS_DIR / _AMP_WEIGHTS).is_file():
        return bool(check_amp(model))
    LOGGER.info(f"AMP: self-test skipped ({_AMP_WEIGHTS} not on disk, Leuko never downloads); AMP on")
    return True


def install() -> None:
    import ultralytics.data.utils as data_utils
    import ultralytics.engine.trainer as engine_trainer

    data_utils.check_font = _local_font_only  # type: ignore[assignment]
    engine_trainer.check_amp = _amp_check_without_download  # type: ignore[assignment]
