"""From a WBC class and its true attribute values to every number its rendering needs.

Sampling happens once, when the slide is laid out; rendering then only reads the record, so a
cell keeps its nucleus, nucleoli, granules and vacuoles at every magnification and in every
window that shows it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from edge_app.synth.attribute_table import ATTRIBUTE_NAMES, ATTRIBUTE_TABLE
from edge_app.synth.cell_traits import CLASS_TRAITS, GRANULE_STYLES, LARGE_MIN_UM, SMALL_MAX_UM, ClassTraits
from edge_app.synth.nucleus_shapes import NucleusShape, nucleus_sdf, sample_nucleus

_A = {name: i for i, name in enumerate(ATTRIBUTE_NAMES)}
VACUOLE_TRIES = 20  # positions tried per vacuole before it may overlie the nucleus
Circle = tuple[float, float, float]  # x, y, r in µm from the cell centre
Rod = tuple[float, float, float, float]  # x, y, length, angle


@dataclass(frozen=True)
class WbcMorphology:
    """Everything needed to draw one WBC; lengths in µm, relative to the cell centre."""

    class_name: str
    values: tuple[int, ...]  # true attribute values (0/1), label order
    radius_um: float
    aspect: float
    angle: float
    wobble: tuple[tuple[float, float], ...]  # (amplitude, phase) of harmonics 2, 3, ...
    nucleus: NucleusShape
    chromatin: float  # OD amount of the nucleus stain
    coarse: bool
    nucleoli: tuple[Circle, ...]
    baso: float
    pink: float
    grey: float
    skirt: bool
    granules: str | None
    granule_density: float
    auer_rods: tuple[Rod, ...]
    vacuoles: tuple[Circle, ...]
    texture_offsets: tuple[tuple[float, float], ...]

    @property
    def max_radius_um(self) -> float:
        """Bounding radius of the outline (aspect and wobble included)."""
        wob = sum(abs(a) for a, _ in self.wobble)
        return self.radius_um * math.sqrt(self.aspect) * (1 + wob) + 0.05


def sample_values(class_name: str, rng: np.random.Generator) -> tuple[int, ...]:
    """True attribute values drawn from the class row of the attribute table."""
    probs = np.asarray(ATTRIBUTE_TABLE[class_name])
    return tuple(int(v) for v in rng.random(len(probs)) < probs)


def _diameter(traits: ClassTraits, large: bool, rng: np.random.Generator) -> float:
    lo, hi = traits.diameter_um
    if large:
        return rng.uniform(LARGE_MIN_UM, max(hi, LARGE_MIN_UM + 0.5))
    return rng.uniform(lo, max(SMALL_MAX_UM, lo + 0.5))


def _nucleus(traits: ClassTraits, values: tuple[int, ...], radius: float, rng: np.random.Generator) -> NucleusShape:
    abundant = values[_A["cytoplasm"]] == 1
    fraction = rng.uniform(0.56, 0.7) if abundant else rng.uniform(0.78, 0.88)
    if values[_A["nuclear_shape"]] == 1:
        kinds = list(traits.irregular_kinds)
        weights = np.asarray([traits.irregular_kinds[k] for k in kinds])
        kind = kinds[int(rng.choice(len(kinds), p=weights / weights.sum()))]
    else:
        kind = "oval"
    shape = sample_nucleus(kind, rng, fraction * radius, traits.lobes)
    free = max(radius * 0.96 - shape.extent_um(), 0.0)
    shift, phi = traits.eccentric * free * rng.uniform(0.5, 1.0), rng.uniform(0, 2 * math.pi)
    return shape.shifted(shift * math.cos(phi), shift * math.sin(phi))


def _nucleoli(values: tuple[int, ...], nucleus: NucleusShape, rng: np.random.Generator) -> tuple[Circle, ...]:
    if values[_A["nucleolus"]] != 1:
        return ()
    cx, cy, a, b, _ = nucleus.ellipses[0]
    out = []
    for _ in range(int(rng.integers(1, 4))):
        rr, phi = rng.uniform(0, 0.4) * min(a, b), rng.uniform(0, 2 * math.pi)
        out.append((cx + rr * math.cos(phi), cy + rr * math.sin(phi), rng.uniform(0.8, 1.3)))
    return tuple(out)


def _vacuoles(
    values: tuple[int, ...], radius: float, nucleus: NucleusShape, rng: np.random.Generator
) -> tuple[Circle, ...]:
    """Clear round holes, placed in the cytoplasm where there is room (else over the nucleus, as in
    Burkitt-type blasts): vacuoles hidden under the nucleus would label cells nobody can read."""
    if values[_A["cytoplasmic_vacuoles"]] != 1:
        return ()
    out = []
    for _ in range(int(rng.integers(3, 9))):
        r = rng.uniform(0.4, 1.0)
        for _try in range(VACUOLE_TRIES):
            rr, phi = rng.uniform(0.2, 1.0) * max(radius * 0.92 - r, 0.0), rng.uniform(0, 2 * math.pi)
            x, y = rr * math.cos(phi), rr * math.sin(phi)
            if nucleus_sdf(nucleus, np.asarray([x]), np.asarray([y]))[0] > 0.3 * r:
                break
        out.append((x, y, r))
    return tuple(out)


def _auer_rods(traits: ClassTraits, radius: float, rng: np.random.Generator) -> tuple[Rod, ...]:
    if rng.random() >= traits.auer_rod_p:
        return ()
    count = int(rng.integers(2, 6)) if traits.granules == "azurophil_heavy" else 1
    base_angle = rng.uniform(0, math.pi)
    out = []
    for _ in range(count):
        rr, phi = rng.uniform(0.55, 0.8) * radius, rng.uniform(0, 2 * math.pi)
        angle = base_angle + rng.normal(0, 0.5)
        out.append((rr * math.cos(phi), rr * math.sin(phi), rng.uniform(1.8, 4.0), angle))
    return tuple(out)


def _cytoplasm(traits: ClassTraits, values: tuple[int, ...], rng: np.random.Generator) -> tuple[float, float, float]:
    moderate = values[_A["cytoplasmic_basophilia"]] == 1
    baso = rng.uniform(0.38, 0.6) if moderate else rng.uniform(0.03, 0.12)
    return baso, traits.pink * rng.uniform(0.8, 1.2), traits.grey * rng.uniform(0.8, 1.2)


def _granules(traits: ClassTraits, rng: np.random.Generator) -> tuple[str | None, float]:
    if traits.granules == "none" or rng.random() >= traits.granule_p:
        return None, 0.0
    return traits.granules, float(rng.uniform(*GRANULE_STYLES[traits.granules].density))


def sample_radius(class_name: str, values: tuple[int, ...], rng: np.random.Generator) -> float:
    """Cell radius (µm) for the class and its size attribute."""
    return _diameter(CLASS_TRAITS[class_name], values[_A["cell_size"]] == 1, rng) / 2


def sample_morphology(
    class_name: str, values: tuple[int, ...], rng: np.random.Generator, radius: float | None = None
) -> WbcMorphology:
    """All drawing parameters of one WBC whose class and true attribute values are given."""
    traits = CLASS_TRAITS[class_name]
    if radius is None:
        radius = sample_radius(class_name, values, rng)
    nucleus = _nucleus(traits, values, radius, rng)
    coarse = values[_A["nuclear_chromatin"]] == 1
    chromatin = rng.uniform(0.95, 1.2) if coarse else rng.uniform(0.62, 0.78)
    if class_name == "Lymphocyte":
        chromatin *= 1.12  # the darkest nucleus on a normal film
    baso, pink, grey = _cytoplasm(traits, values, rng)
    granules, granule_density = _granules(traits, rng)
    wobble = tuple(
        (float(np.clip(rng.normal(0, traits.wobble / k), -2 * traits.wobble / k, 2 * traits.wobble / k)),
         float(rng.uniform(0, 2 * math.pi)))
        for k in range(1, 6)
    )  # fmt: skip
    return WbcMorphology(
        class_name=class_name,
        values=values,
        radius_um=radius,
        aspect=float(rng.uniform(1.0, 1.12)),
        angle=float(rng.uniform(0, math.pi)),
        wobble=wobble,
        nucleus=nucleus,
        chromatin=chromatin,
        coarse=coarse,
        nucleoli=_nucleoli(values, nucleus, rng),
        baso=baso,
        pink=pink,
        grey=grey,
        skirt=traits.skirt,
        granules=granules,
        granule_density=granule_density,
        auer_rods=_auer_rods(traits, radius, rng),
        vacuoles=_vacuoles(values, radius, nucleus, rng),
        texture_offsets=tuple((float(rng.random()), float(rng.random())) for _ in range(4)),
    )


# Outline bound: aspect <= 1.12 and wobble amplitudes clipped at 2 sigma (sum 2 * 2.28 * wobble).
WBC_BOUND_FACTOR = math.sqrt(1.12) * (1 + 2 * 2.29 * max(t.wobble for t in CLASS_TRAITS.values())) + 0.01


@dataclass(frozen=True)
class WbcRecipe:
    """What a slide tile stores per WBC: class, true values, radius, seed. The drawing parameters
    are built on demand (`build`), so only the cells a window shows pay for them."""

    class_name: str
    values: tuple[int, ...]
    radius_um: float
    seed: int

    @property
    def bound_radius_um(self) -> float:
        """No part of the cell lies farther than this from its centre."""
        return self.radius_um * WBC_BOUND_FACTOR

    def build(self) -> WbcMorphology:
        return sample_morphology(self.class_name, self.values, np.random.default_rng(self.seed), self.radius_um)
