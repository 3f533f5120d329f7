"""A virtual slide's patient- and lab-level parameters: diagnosis, stain batch, smear thickness.

Drawn once from the slide seed. Thickness is a smooth field over the whole slide (a few long
waves), so thin monolayer, crowded and overlapping zones alternate the way they do between the
feathered edge and the body of a real film, and every window sees the same field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from edge_app.synth.attribute_table import BACKGROUND_MIX_SHARE, DIAGNOSIS_MIX, WBC_CLASSES
from edge_app.synth.stains import StainSet

# Slide area per WBC. Monolayer red cells sit at ~1 per 60 µm²; leukaemic counts (30-100 x
# 10^9/L against 4 x 10^12/L red cells) give a WBC per ~4,000-8,000 µm², normal and reactive
# blood (7-20 x 10^9/L) one per 8,000-16,000 µm² (WBCs gather in the thin part of the film).
WBC_AREA_UM2: dict[bool, tuple[float, float]] = {False: (4000.0, 8000.0), True: (8000.0, 16000.0)}


@dataclass(frozen=True)
class SlideProfile:
    diagnosis: str
    class_weights: tuple[float, ...]  # over WBC_CLASSES, sums to 1
    stains: StainSet
    rbc_spacing_um: float  # lattice pitch of touching red cells
    thickness_mean: float  # share of lattice sites holding a red cell (>1: overlapping)
    thickness_waves: tuple[tuple[float, float, float], ...]  # kx, ky (rad/µm), phase
    thickness_amp: float
    wbc_area_um2: float  # slide area per WBC
    artifact_area_um2: float
    platelet_area_um2: float

    @classmethod
    def sample(cls, rng: np.random.Generator) -> SlideProfile:
        diagnosis = sorted(DIAGNOSIS_MIX)[int(rng.integers(len(DIAGNOSIS_MIX)))]
        mix = DIAGNOSIS_MIX[diagnosis]
        specific = np.asarray([mix.get(c, 0.0) for c in WBC_CLASSES])
        weights = (1 - BACKGROUND_MIX_SHARE) * specific / specific.sum() + BACKGROUND_MIX_SHARE / len(WBC_CLASSES)
        waves = []
        for _ in range(5):
            wavelength, direction = rng.uniform(120, 700), rng.uniform(0, 2 * math.pi)
            k = 2 * math.pi / wavelength
            waves.append((k * math.cos(direction), k * math.sin(direction), rng.uniform(0, 2 * math.pi)))
        return cls(
            diagnosis=diagnosis,
            class_weights=tuple(float(w) for w in weights / weights.sum()),
            stains=StainSet.sample(rng),
            rbc_spacing_um=float(rng.uniform(7.6, 8.2)),
            thickness_mean=float(rng.uniform(0.75, 1.1)),
            thickness_waves=tuple(waves),
            thickness_amp=float(rng.uniform(0.2, 0.45)),
            wbc_area_um2=float(rng.uniform(*WBC_AREA_UM2[diagnosis in ("normal", "reactive")])),
            artifact_area_um2=float(rng.uniform(15000, 40000)),
            platelet_area_um2=float(rng.uniform(500, 1200)),
        )

    def thickness(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Red-cell occupancy at slide points: ~0.3 (thin) to ~1.6 (overlapping)."""
        total = np.zeros(np.broadcast(x, y).shape)
        for kx, ky, phase in self.thickness_waves:
            total += np.cos(kx * x + ky * y + phase)
        wave = total / math.sqrt(len(self.thickness_waves))
        return np.clip(self.thickness_mean + self.thickness_amp * wave, 0.25, 1.7)
