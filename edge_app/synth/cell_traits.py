"""What each WBC class looks like beyond its seven attributes (data only).

The attributes fix size, chromatin, nucleoli, cytoplasm amount, basophilia and vacuoles; a
class still has its own nucleus outline when "irregular" (a neutrophil is lobed, a monocyte
kidney-shaped, an APL promyelocyte bilobed), its granules, and the tint of its cytoplasm.
Diameters follow the usual film sizes; `SIZE_THRESHOLD_UM` makes "large" one absolute rule
(about 1.75 red-cell diameters) so a model can learn it from pixels for every class.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

SIZE_THRESHOLD_UM = 12.75
SMALL_MAX_UM = 12.4
LARGE_MIN_UM = 13.1

# Nucleus outline families (see nucleus_shapes.py).
NUCLEUS_KINDS: tuple[str, ...] = ("oval", "notched", "kidney", "band", "lobed", "bilobed", "folded")


@dataclass(frozen=True)
class ClassTraits:
    """Class-specific look. Diameter range is (smallest small cell, largest large cell) in µm."""

    diameter_um: tuple[float, float]
    irregular_kinds: Mapping[str, float]
    granules: str = "none"  # key of GRANULE_STYLES
    granule_p: float = 1.0  # share of cells of this class that show their granules
    auer_rod_p: float = 0.0
    pink: float = 0.0  # eosin tint of the cytoplasm (granulocytic maturation)
    grey: float = 0.0  # grey cast (monocytes)
    eccentric: float = 0.3  # nucleus offset as a share of the free cytoplasm width
    wobble: float = 0.015  # outline irregularity of the cell
    skirt: bool = False  # basophilia deepening towards the rim (reactive lymphocytes)
    lobes: tuple[int, int] = (3, 4)  # lobe count range when lobed
    extra: Mapping[str, float] = field(default_factory=dict)


CLASS_TRAITS: Mapping[str, ClassTraits] = {
    "Myeloblast": ClassTraits((10.5, 19.0), {"notched": 0.6, "folded": 0.4}, "azurophil_few", 0.35, 0.12),
    "Lymphoblast": ClassTraits((8.5, 16.0), {"notched": 0.7, "folded": 0.3}, eccentric=0.2),
    "Neutrophil": ClassTraits(
        (10.0, 15.0), {"lobed": 0.78, "band": 0.22}, "neutrophilic", pink=0.12, eccentric=0.1, lobes=(3, 5)
    ),
    "Atypical lymphocyte": ClassTraits(
        (10.0, 18.0), {"notched": 0.5, "kidney": 0.3, "folded": 0.2}, "azurophil_few", 0.2, wobble=0.045, skirt=True
    ),
    "Promonocyte": ClassTraits((11.5, 20.0), {"folded": 0.5, "kidney": 0.5}, "azurophil_dust", 0.7, grey=0.05),
    "Monoblast": ClassTraits((11.5, 20.0), {"notched": 0.6, "folded": 0.4}, "azurophil_dust", 0.3, grey=0.03),
    "Lymphocyte": ClassTraits((7.0, 14.0), {"notched": 1.0}, eccentric=0.35),
    "Myelocyte": ClassTraits((10.5, 18.0), {"notched": 0.5, "kidney": 0.5}, "neutrophilic", pink=0.07, eccentric=0.55),
    "Abnormal promyelocyte": ClassTraits(
        (11.5, 20.0), {"bilobed": 0.7, "folded": 0.3}, "azurophil_heavy", auer_rod_p=0.45, pink=0.03, eccentric=0.3
    ),
    "Monocyte": ClassTraits((11.5, 20.0), {"kidney": 0.55, "folded": 0.25, "band": 0.2}, "azurophil_dust",
                            grey=0.06, wobble=0.035),
    "Metamyelocyte": ClassTraits((10.0, 16.0), {"kidney": 0.85, "band": 0.15}, "neutrophilic", pink=0.09),
    "Eosinophil": ClassTraits((10.0, 16.0), {"bilobed": 0.8, "lobed": 0.2}, "eosinophilic", pink=0.04,
                              lobes=(2, 3)),
    "Basophil": ClassTraits((9.0, 15.0), {"lobed": 0.6, "bilobed": 0.4}, "basophilic", lobes=(2, 3)),
}  # fmt: skip


@dataclass(frozen=True)
class GranuleStyle:
    """A granule population: dot texture, stain, how much of the cytoplasm (and nucleus) it covers."""

    texture: str  # key of textures.DOT_TEXTURES
    stain: str  # key of StainSet vectors
    density: tuple[float, float]  # OD units at full coverage
    over_nucleus: float = 0.0  # share of the density also drawn over the nucleus


GRANULE_STYLES: Mapping[str, GranuleStyle] = {
    "neutrophilic": GranuleStyle("dots_fine", "neutro_granule", (0.7, 1.0)),
    "azurophil_dust": GranuleStyle("dots_fine", "azurophil", (0.12, 0.25)),
    "azurophil_few": GranuleStyle("dots_sparse", "azurophil", (0.6, 1.0)),
    "azurophil_heavy": GranuleStyle("dots_medium", "azurophil", (0.7, 1.1), over_nucleus=0.35),
    "eosinophilic": GranuleStyle("dots_large", "eos_granule", (0.6, 0.85)),
    "basophilic": GranuleStyle("dots_coarse", "baso_granule", (0.8, 1.2), over_nucleus=0.8),
}
