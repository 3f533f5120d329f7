"""Report statistics: Wilson intervals, differential, attribute frequencies, film description."""

from __future__ import annotations

import numpy as np
import pytest

from edge_app.reporting.morphology import DISCLAIMER, describe_film
from edge_app.reporting.statistics import Proportion, attribute_frequencies, differential, wilson_interval
from edge_app.taxonomy import Taxonomy

TAX = Taxonomy.leukemia_attri()


@pytest.mark.parametrize(("k", "n", "lo", "hi"), [(3, 40, 0.0258, 0.1986), (0, 10, 0.0, 0.2775),
                                                  (10, 10, 0.7225, 1.0), (50, 100, 0.4038, 0.5962)])
def test_wilson_interval_matches_published_values(k: int, n: int, lo: float, hi: float) -> None:
    assert wilson_interval(k, n) == pytest.approx((lo, hi), abs=1e-4)


def test_three_blasts_in_forty_is_never_reported_alone() -> None:
    text = Proportion("Myeloblast", 3, 40).describe()
    assert text == "7.5% (95% CI 2.6%–19.9%; 3/40)"


def test_differential_excludes_artifacts_and_sorts() -> None:
    rows = differential([0, 0, 1, 1, 1, 3, 7], TAX)
    assert rows[0].label == "Myeloblast" and rows[0].count == 3 and rows[0].total == 5
    assert "None" not in [r.label for r in rows]


def test_differential_of_bccd_counts_only_white_cells() -> None:
    from edge_app.taxonomy import Taxonomy

    bccd = Taxonomy(("WBC", "RBC", "Platelets"), name="BCCD")
    rows = differential([0, 1, 1, 1, 2, 0], bccd)
    assert [(r.label, r.count, r.total) for r in rows] == [("WBC", 2, 2)]


def test_attribute_frequencies_skip_not_annotated() -> None:
    codes = np.array([[1, 0, 0, 1, 0, 1, 0], [1, 0, 2, 1, 0, 1, 0], [0, 1, 2, 0, 1, 0, 0]])
    freq = attribute_frequencies(codes, TAX)
    assert [(p.label, p.count, p.total) for p in freq["nuclear_shape"]] == [("regular", 1, 1), ("irregular", 0, 1)]
    assert freq["cell_size"][1].count == 2


def test_description_names_dominant_type_features_and_disclaimer() -> None:
    codes = np.tile([1, 0, 0, 1, 0, 1, 0], (30, 1))
    freq = attribute_frequencies(codes, TAX)
    dominant = differential([1] * 30 + [3] * 10, TAX)[0]
    text = describe_film(dominant, freq)
    assert text.startswith("The most frequent white cell type is Myeloblast, 75.0% (95% CI")
    assert "large cells" in text and "prominent nucleoli" in text and "open (fine) chromatin" in text
    assert "warrants review" in text and text.endswith(DISCLAIMER)
    assert "diagnosis" not in text.replace(DISCLAIMER, "")
    few = describe_film(differential([3] * 5, TAX)[0], freq)
    assert few.startswith("Too few white cells counted (5)")


def test_description_leaves_out_attributes_no_model_was_validated_on() -> None:
    freq = attribute_frequencies(np.tile([1, 0, 0, 1, 0, 1, 0], (30, 1)), TAX)
    text = describe_film(differential([1] * 30, TAX)[0], freq, attributes_validated=False)
    assert "large cells" not in text and "prominent nucleoli" not in text
    assert "Morphology is not described" in text and text.endswith(DISCLAIMER)
