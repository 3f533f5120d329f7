"""A blood-film level description from the dominant WBC type and its attributes.

The LeukemiaAttri paper's "morphology bank": the film is described by its most frequent WBC
type and that type's prevailing attributes. Worded as an automated second opinion for a
qualified reader, never as a diagnosis.
"""

from __future__ import annotations

from edge_app.reporting.statistics import Proportion

DISCLAIMER = ("Automated second opinion from Leuko, not a diagnosis: every finding must be reviewed by a "
              "qualified person on the slide itself.")
BLAST_LIKE = {"Myeloblast", "Lymphoblast", "Monoblast", "Promonocyte", "Abnormal promyelocyte"}
MIN_CELLS_FOR_DESCRIPTION = 20

# How a prevailing attribute value reads in a sentence.
PHRASES: dict[tuple[str, str], str] = {
    ("cell_size", "small"): "small cells", ("cell_size", "large"): "large cells",
    ("nuclear_chromatin", "open"): "open (fine) chromatin", ("nuclear_chromatin", "coarse"): "coarse chromatin",
    ("nuclear_shape", "regular"): "regular nuclei", ("nuclear_shape", "irregular"): "irregular nuclei",
    ("nucleolus", "inconspicuous"): "inconspicuous nucleoli", ("nucleolus", "prominent"): "prominent nucleoli",
    ("cytoplasm", "scanty"): "scanty cytoplasm", ("cytoplasm", "abundant"): "abundant cytoplasm",
    ("cytoplasmic_basophilia", "slight"): "slight cytoplasmic basophilia",
    ("cytoplasmic_basophilia", "moderate"): "moderate cytoplasmic basophilia",
    ("cytoplasmic_vacuoles", "absent"): "no vacuoles", ("cytoplasmic_vacuoles", "present"): "cytoplasmic vacuoles",
}


def prevailing_features(frequencies: dict[str, list[Proportion]], min_share: float = 0.6) -> list[str]:
    """Phrases for the attribute values that at least `min_share` of the known cells show."""
    phrases = []
    for name, values in frequencies.items():
        best = max(values, key=lambda p: p.count, default=None)
        if best is not None and best.total and best.fraction >= min_share:
            phrases.append(PHRASES.get((name, best.label), f"{name.replace('_', ' ')} {best.label}"))
    return phrases


def describe_film(dominant: Proportion | None, frequencies: dict[str, list[Proportion]],
                  attributes_validated: bool = True) -> str:
    """One paragraph: dominant type with its interval, its prevailing morphology, what to check.

    `attributes_validated` is False when no model of the slide had its attributes scored on annotated
    cells (its card has no attribute accuracy, e.g. trained on BCCD): its attribute outputs are
    untrained, so the morphology is left out of the description instead of reported as a finding."""
    if dominant is None or dominant.total < MIN_CELLS_FOR_DESCRIPTION:
        counted = dominant.total if dominant else 0
        return (f"Too few white cells counted ({counted}) for a film-level description; capture at least "
                f"{MIN_CELLS_FOR_DESCRIPTION} cells. {DISCLAIMER}")
    features = prevailing_features(frequencies) if attributes_validated else []
    morphology = f", mostly with {_join(features)}" if features else ""
    text = f"The most frequent white cell type is {dominant.label}, {dominant.describe()} of counted cells{morphology}."
    if not attributes_validated:
        text += " Morphology is not described: the model's attributes were never validated on annotated cells."
    if dominant.label in BLAST_LIKE and dominant.fraction >= 0.2:
        text += (" A blast-like population of this size warrants review of the film by a hematologist and "
                 "correlation with the full blood count.")
    return f"{text} {DISCLAIMER}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
