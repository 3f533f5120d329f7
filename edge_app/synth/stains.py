"""Romanowsky (Wright/Giemsa) stain colours as optical densities, and a slide's stain batch.

Rendering works in optical density (OD = -ln(I/I0), per BGR channel) because stains in a film
absorb light (Beer–Lambert): densities of overlapping objects add, so overlapping red cells
darken the way they do under the microscope, and one "stain vector" per component colours any
amount of it. The vectors were measured on the real BCCD fields (red-cell body ~(0.32, 0.33,
0.16), dark nuclei ~(0.07, 0.74, 0.60) in BGR order) and, for components BCCD lacks
(eosinophil and basophil granules), set from atlas colours.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

Vec3 = np.ndarray  # float32 (3,), BGR optical density per unit amount

# BGR optical density at unit amount.
BASE_VECTORS: dict[str, tuple[float, float, float]] = {
    "rbc": (0.30, 0.30, 0.125),  # haemoglobin + eosin: salmon pink
    "nucleus": (0.04, 0.76, 0.50),  # azure-eosinate on DNA: purple
    "nucleolus": (0.08, 0.26, 0.36),  # paler, bluer than the chromatin around it
    "baso": (0.10, 0.36, 0.42),  # RNA-rich cytoplasm: blue
    "neutro_granule": (0.06, 0.22, 0.09),  # lilac dust
    "azurophil": (0.24, 0.80, 0.40),  # red-purple primary granules, Auer rods
    "eos_granule": (0.50, 0.40, 0.06),  # orange-red
    "baso_granule": (0.60, 1.05, 0.80),  # blue-black
    "platelet": (0.14, 0.50, 0.36),  # purple granulomere
    "plasma": (0.018, 0.026, 0.016),  # faint protein film between the cells
}

_EOSIN_SIDE = ("rbc", "eos_granule", "plasma")


@dataclass(frozen=True)
class StainSet:
    """One slide's stain batch: a BGR OD vector per component."""

    rbc: Vec3
    nucleus: Vec3
    nucleolus: Vec3
    baso: Vec3
    neutro_granule: Vec3
    azurophil: Vec3
    eos_granule: Vec3
    baso_granule: Vec3
    platelet: Vec3
    plasma: Vec3

    @classmethod
    def standard(cls) -> StainSet:
        return cls(**{k: np.asarray(v, np.float32) for k, v in BASE_VECTORS.items()})

    @classmethod
    def sample(cls, rng: np.random.Generator) -> StainSet:
        """A stain batch: eosin/azure balance (buffer pH, staining time) and a small hue drift.

        Acid buffers give redder red cells and paler nuclei, alkaline ones bluer films; a
        hematologist sees this spread between labs, so each virtual slide gets its own.
        """
        eosin, azure = rng.uniform(0.85, 1.18), rng.uniform(0.85, 1.2)
        out = {}
        for name, vec in BASE_VECTORS.items():
            gain = eosin if name in _EOSIN_SIDE else azure
            drift = 1.0 + rng.normal(0.0, 0.05, 3)
            out[name] = (np.asarray(vec) * gain * drift).astype(np.float32)
        return cls(**out)

    def vector(self, name: str) -> Vec3:
        vec: Vec3 = getattr(self, name)
        return vec

    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields(self))
