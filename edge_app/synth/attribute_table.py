"""Class-conditional attribute frequencies and class mixes of the synthetic films (data only).

Each row gives P(value index 1) for the seven LeukemiaAttri attributes, in label-column order:
cell size (1 = large, >~12.75 µm), chromatin (1 = coarse), nuclear shape (1 = irregular),
nucleolus (1 = prominent), cytoplasm (1 = abundant), basophilia (1 = moderate), vacuoles
(1 = present). The numbers are textbook morphology (Bain, "Blood Cells"; WHO haematolymphoid
classification; the LeukemiaAttri paper's attribute definitions), not fitted to any data:

- Blasts (myeloblast, lymphoblast, monoblast) have open, finely dispersed chromatin with
  prominent nucleoli and a high N:C ratio (scanty cytoplasm) that is moderately basophilic;
  myeloblasts and monoblasts are large, lymphoblasts range from small (L1) to large (L2); the
  monoblast has more cytoplasm than the others and is more often vacuolated.
- Promonocytes: large, folded/indented nucleus, chromatin still fine, nucleoli in some cells,
  moderate grey-blue cytoplasm, sometimes vacuolated.
- Abnormal (APL) promyelocytes: large, bilobed or folded nucleus, fine chromatin, abundant
  cytoplasm packed with azurophilic granules (basophilia hidden, mostly slight).
- Myelocyte -> metamyelocyte -> neutrophil: chromatin condenses, the nucleus goes from round
  (myelocyte) to kidney (metamyelocyte) to band/lobed (neutrophil); cytoplasm abundant, pink
  (slight basophilia); toxic vacuolation occasionally.
- Lymphocytes: small, round dense (coarse) nucleus, scanty pale-blue cytoplasm, no nucleoli.
  Atypical (reactive) lymphocytes: large, abundant deeply basophilic cytoplasm, looser
  chromatin, irregular nucleus in about half, a nucleolus now and then.
- Monocytes: large, indented/kidney nucleus with lacy chromatin, abundant grey-blue
  cytoplasm, vacuoles common.
- Eosinophils: bilobed coarse nucleus, abundant cytoplasm full of orange granules.
  Basophils: lobed nucleus hidden under coarse dark granules, small to medium size.
"""

from __future__ import annotations

from collections.abc import Mapping

from edge_app.taxonomy import LEUKEMIA_ATTRI_ATTRIBUTES, LEUKEMIA_ATTRI_CLASSES

ATTRIBUTE_NAMES: tuple[str, ...] = (
    "cell_size",
    "nuclear_chromatin",
    "nuclear_shape",
    "nucleolus",
    "cytoplasm",
    "cytoplasmic_basophilia",
    "cytoplasmic_vacuoles",
)

ARTIFACT_CLASS = "None"

# P(value == 1):   large  coarse irregular nucleolus abundant moderate vacuoles
ATTRIBUTE_TABLE: Mapping[str, tuple[float, float, float, float, float, float, float]] = {
    "Myeloblast":            (0.85, 0.08, 0.25, 0.85, 0.15, 0.75, 0.10),
    "Lymphoblast":           (0.45, 0.15, 0.30, 0.55, 0.05, 0.65, 0.15),
    "Neutrophil":            (0.40, 0.95, 0.97, 0.02, 0.90, 0.05, 0.08),
    "Atypical lymphocyte":   (0.80, 0.45, 0.50, 0.15, 0.85, 0.85, 0.12),
    "Promonocyte":           (0.90, 0.15, 0.85, 0.40, 0.65, 0.55, 0.30),
    "Monoblast":             (0.95, 0.05, 0.25, 0.85, 0.55, 0.75, 0.35),
    "Lymphocyte":            (0.05, 0.95, 0.05, 0.03, 0.07, 0.30, 0.02),
    "Myelocyte":             (0.70, 0.65, 0.15, 0.05, 0.90, 0.20, 0.05),
    "Abnormal promyelocyte": (0.90, 0.20, 0.75, 0.35, 0.85, 0.30, 0.10),
    "Monocyte":              (0.90, 0.20, 0.85, 0.05, 0.95, 0.35, 0.50),
    "Metamyelocyte":         (0.45, 0.80, 0.90, 0.02, 0.90, 0.10, 0.05),
    "Eosinophil":            (0.50, 0.95, 0.95, 0.02, 0.95, 0.05, 0.05),
    "Basophil":              (0.20, 0.90, 0.85, 0.02, 0.70, 0.30, 0.10),
}  # fmt: skip

# Which WBC classes a slide shows depends on its (virtual) diagnosis; each slide draws one
# diagnosis, and its class weights are mixed with the uniform BACKGROUND_MIX so that any class
# can still turn up anywhere.
DIAGNOSIS_MIX: Mapping[str, Mapping[str, float]] = {
    "AML": {"Myeloblast": 6, "Monoblast": 2, "Promonocyte": 1, "Neutrophil": 1, "Lymphocyte": 1},
    "APL": {"Abnormal promyelocyte": 6, "Myeloblast": 1, "Neutrophil": 1, "Lymphocyte": 1},
    "AMoL": {"Monoblast": 4, "Promonocyte": 3, "Monocyte": 3, "Myeloblast": 1},
    "ALL": {"Lymphoblast": 7, "Lymphocyte": 2, "Neutrophil": 1},
    "CML": {"Neutrophil": 3, "Myelocyte": 3, "Metamyelocyte": 3, "Basophil": 1.5, "Eosinophil": 1.5, "Myeloblast": 1},
    "reactive": {"Atypical lymphocyte": 5, "Lymphocyte": 3, "Neutrophil": 2, "Monocyte": 1},
    "normal": {"Neutrophil": 6, "Lymphocyte": 3, "Monocyte": 1, "Eosinophil": 0.6, "Basophil": 0.3},
}
BACKGROUND_MIX_SHARE = 0.3

WBC_CLASSES: tuple[str, ...] = tuple(c for c in LEUKEMIA_ATTRI_CLASSES if c != ARTIFACT_CLASS)


def _check_table() -> None:
    """The table must follow the taxonomy, so a renamed attribute fails at import, not silently."""
    names = tuple(a.name for a in LEUKEMIA_ATTRI_ATTRIBUTES)
    assert names == ATTRIBUTE_NAMES, f"attribute order changed: {names}"
    assert set(ATTRIBUTE_TABLE) == set(WBC_CLASSES), "every WBC class needs a row"
    assert all(0.0 <= p <= 1.0 for row in ATTRIBUTE_TABLE.values() for p in row)
    for mix in DIAGNOSIS_MIX.values():
        assert set(mix) <= set(WBC_CLASSES), f"unknown class in {mix}"


_check_table()
