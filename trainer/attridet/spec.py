"""Model names the CLI accepts (`attridet-n|s|m|x`) and what each one builds.

Torch-free, so that argument parsing and run-folder naming never import ultralytics.
"""

from __future__ import annotations

from dataclasses import dataclass

from edge_app.errors import ValidationError

FAMILY = "yolo11"
SCALES: tuple[str, ...] = ("n", "s", "m", "l", "x")
# Backbone layers whose outputs feed the attribute head: the first two stages of YOLO11
# (layer 0 = P1/2 stem conv, layer 2 = the P2/4 C3k2 block), i.e. low-level structure.
EARLY_LAYERS: tuple[int, int] = (0, 2)
EARLY_STRIDE = 4
# The attribute head's max path (head.py): a window of 13 structure-map pixels, 52 input pixels, about
# one white cell at the 100x training scale (0.34 um/px at 320 px). Chosen in the frozen-feature A/B
# (benchmarks/attribute_head_ab.py, docs/attridet.md).
PEAK_WINDOW = 13


@dataclass(frozen=True)
class ModelSpec:
    """One buildable model: YOLO scale and whether it carries the attribute head."""

    scale: str
    attributes: bool = True

    @property
    def base_yaml(self) -> str:
        """The ultralytics YAML of the detector (scale picked from the file name)."""
        return f"{FAMILY}{self.scale}.yaml"

    @property
    def name(self) -> str:
        return f"attridet-{self.scale}" if self.attributes else f"{FAMILY}{self.scale}-baseline"


def parse_model_name(name: str, attributes: bool = True) -> ModelSpec:
    """`attridet-n` (or `-s`, `-m`, `-l`, `-x`) -> spec; `attributes=False` is the baseline."""
    prefix = "attridet-"
    scale = name[len(prefix) :] if name.startswith(prefix) else ""
    if scale not in SCALES:
        raise ValidationError(
            f"unknown model {name!r}",
            hint=f"use one of {', '.join(prefix + s for s in SCALES)}, or a .pt checkpoint to fine-tune",
        )
    return ModelSpec(scale, attributes)
