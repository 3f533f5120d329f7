"""Names in a COCO file matched to a `Taxonomy`: categories → class ids, attributes → label codes.

Releases spell things differently ("Nuclear Chromatin", "nuclear-chromatin", "Artifact" for
the LeukemiaAttri "None" class), so names are compared case-, space- and punctuation-blind.
Attributes may sit in an `attributes` mapping (keyed by name), an `attributes` list (label
column order) or as top-level keys of the annotation; values as codes, numeric strings or value
names. What is absent is "not annotated", never guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from edge_app.errors import DataFormatError
from edge_app.taxonomy import Taxonomy

CLASS_ALIASES: dict[str, str] = {"artifact": "none", "artefact": "none", "none_artifact": "none"}
NOT_ANNOTATED_WORDS: frozenset[str] = frozenset({"", "none", "na", "n_a", "unknown", "not_annotated", "null"})


def normalise(name: str) -> str:
    """'Nuclear Chromatin' / 'nuclear-chromatin' / ' nuclear_chromatin ' -> 'nuclear_chromatin'."""
    return re.sub(r"[^a-z0-9]+", "_", str(name).lower()).strip("_")


def category_map(categories: Sequence[Mapping[str, Any]], used: set[int], taxonomy: Taxonomy) -> dict[int, int]:
    """COCO category id -> class id, by name; unknown names of used categories are refused."""
    by_name = {normalise(c): i for i, c in enumerate(taxonomy.classes)}
    mapping: dict[int, int] = {}
    unknown: list[str] = []
    for category in categories:
        key = normalise(category.get("name", ""))
        class_id = by_name.get(CLASS_ALIASES.get(key, key))
        if class_id is not None:
            mapping[int(category["id"])] = class_id
        elif int(category["id"]) in used:
            unknown.append(repr(category.get("name")))
    missing = used - mapping.keys() - {int(c["id"]) for c in categories}
    if unknown or missing:
        detail = ", ".join(unknown + [f"undeclared id {i}" for i in sorted(missing)])
        raise DataFormatError(
            f"annotations use categories that are not {taxonomy.name} classes: {detail}",
            hint=f"known class names: {', '.join(taxonomy.classes)}",
        )
    return mapping


class AttributeReader:
    """Turns one annotation's attributes into label codes; collects what it could not read."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.keys = {normalise(a.name): i for i, a in enumerate(taxonomy.attributes)}
        self.unknown_keys: Counter[str] = Counter()

    def codes(self, annotation: Mapping[str, Any]) -> tuple[tuple[int, ...], list[str]]:
        """(codes in column order, problems) for one annotation."""
        values, problems = self._values(annotation)
        codes = []
        for i, attribute in enumerate(self.taxonomy.attributes):
            code, problem = self._code(i, values.get(i))
            codes.append(code)
            if problem:
                problems.append(f"{attribute.name}: {problem}")
        return tuple(codes), problems

    def _values(self, annotation: Mapping[str, Any]) -> tuple[dict[int, Any], list[str]]:
        source = annotation.get("attributes")
        if isinstance(source, Sequence) and not isinstance(source, str):
            if len(source) != len(self.keys):
                return {}, [
                    f"attributes list has {len(source)} values, the taxonomy {len(self.keys)}: all not annotated"
                ]
            return dict(enumerate(source)), []
        if isinstance(source, Mapping):
            values = {}
            for key, value in source.items():
                if normalise(key) in self.keys:
                    values[self.keys[normalise(key)]] = value
                else:
                    self.unknown_keys[str(key)] += 1
            return values, []
        return {i: annotation[k] for k in annotation if (i := self.keys.get(normalise(k))) is not None}, []

    def _code(self, index: int, value: Any) -> tuple[int, str | None]:
        na = self.taxonomy.not_annotated
        if value is None or isinstance(value, bool):
            return na, None if value is None else f"{value!r} is not a value code or name: written as not annotated"
        if isinstance(value, int | float) and float(value).is_integer():
            code = int(value)
        elif isinstance(value, str) and normalise(value) in NOT_ANNOTATED_WORDS:
            return na, None
        elif isinstance(value, str) and value.strip().isdigit():
            code = int(value)
        else:
            names = [normalise(v) for v in self.taxonomy.attributes[index].values]
            code = names.index(normalise(str(value))) if normalise(str(value)) in names else -1
        if self.taxonomy.is_valid_code(index, code):
            return code, None
        values = self.taxonomy.attributes[index].values
        known = f"codes 0..{len(values) - 1}, {na} or names {', '.join(values)}"
        return na, f"unknown value {value!r} ({known}): written as not annotated"
