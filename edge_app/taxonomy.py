"""`Taxonomy`: the classes and morphological attributes a model and a dataset speak of.

LeukemiaAttri (MICCAI 2024) is the default: 14 classes (artifacts included) and 7 binary
attributes whose label code 2 means "not annotated". A dataset YAML or a model card may carry
another taxonomy (e.g. BCCD's WBC/RBC/Platelets); everything reads it from here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from edge_app.errors import ValidationError

LEUKEMIA_ATTRI_CLASSES: tuple[str, ...] = (
    "None",
    "Myeloblast",
    "Lymphoblast",
    "Neutrophil",
    "Atypical lymphocyte",
    "Promonocyte",
    "Monoblast",
    "Lymphocyte",
    "Myelocyte",
    "Abnormal promyelocyte",
    "Monocyte",
    "Metamyelocyte",
    "Eosinophil",
    "Basophil",
)

# Detectable classes that are not white cells, by the names the supported datasets use: LeukemiaAttri's
# artifact class and BCCD's red cells and platelets. The WBC differential leaves them out.
NOT_WHITE_CELL_CLASSES: frozenset[str] = frozenset({"None", "RBC", "Platelets"})


@dataclass(frozen=True)
class Attribute:
    """One morphological attribute: its label-column name, value names and a badge code."""

    name: str
    values: tuple[str, ...]
    short: str = ""

    def __post_init__(self) -> None:
        if not self.name or not self.name.replace("_", "").isalnum():
            raise ValidationError(f"attribute name {self.name!r} must be a non-empty identifier")
        if len(self.values) < 2 or len(set(self.values)) != len(self.values):
            raise ValidationError(f"attribute {self.name!r} needs at least two distinct values")
        if not self.short:
            object.__setattr__(self, "short", "".join(p[0].upper() for p in self.name.split("_")))

    def value_short(self, value: int) -> str:
        """Badge text for a value, e.g. 'NS:irr' for an irregular nuclear shape."""
        return f"{self.short}:{self.values[value][:3]}"


LEUKEMIA_ATTRI_ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("cell_size", ("small", "large"), "Sz"),
    Attribute("nuclear_chromatin", ("open", "coarse"), "Ch"),
    Attribute("nuclear_shape", ("regular", "irregular"), "NS"),
    Attribute("nucleolus", ("inconspicuous", "prominent"), "Nu"),
    Attribute("cytoplasm", ("scanty", "abundant"), "Cy"),
    Attribute("cytoplasmic_basophilia", ("slight", "moderate"), "Ba"),
    Attribute("cytoplasmic_vacuoles", ("absent", "present"), "Va"),
)


@dataclass(frozen=True)
class Taxonomy:
    """Class names in label order, attributes in label-column order, the not-annotated code."""

    classes: tuple[str, ...]
    attributes: tuple[Attribute, ...] = ()
    not_annotated: int = 2
    name: str = "custom"
    _class_index: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.classes:
            raise ValidationError("a taxonomy needs at least one class")
        if any(not c for c in self.classes) or len(set(self.classes)) != len(self.classes):
            raise ValidationError(f"class names must be non-empty and unique: {list(self.classes)}")
        names = [a.name for a in self.attributes]
        if len(set(names)) != len(names):
            raise ValidationError(f"attribute names must be unique: {names}")
        if self.attributes and self.not_annotated < self.max_values:
            raise ValidationError(
                f"not-annotated code {self.not_annotated} collides with a value index "
                f"(attributes have up to {self.max_values} values)"
            )
        self._class_index.update({c: i for i, c in enumerate(self.classes)})

    @classmethod
    def leukemia_attri(cls) -> Taxonomy:
        return cls(LEUKEMIA_ATTRI_CLASSES, LEUKEMIA_ATTRI_ATTRIBUTES, 2, "LeukemiaAttri")

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    @property
    def num_attributes(self) -> int:
        return len(self.attributes)

    @property
    def max_values(self) -> int:
        """K: the widest attribute's value count (the last axis of `Detections.attr_prob`)."""
        return max((len(a.values) for a in self.attributes), default=0)

    @property
    def white_cell_classes(self) -> tuple[str, ...]:
        """The classes a WBC differential counts (see NOT_WHITE_CELL_CLASSES)."""
        return tuple(c for c in self.classes if c not in NOT_WHITE_CELL_CLASSES)

    def class_id(self, name: str) -> int:
        try:
            return self._class_index[name]
        except KeyError:
            raise ValidationError(f"unknown class {name!r}; known: {list(self.classes)}") from None

    def attribute(self, name: str) -> Attribute:
        for a in self.attributes:
            if a.name == name:
                return a
        raise ValidationError(f"unknown attribute {name!r}; known: {[a.name for a in self.attributes]}")

    def is_valid_code(self, attr_index: int, code: int) -> bool:
        return code == self.not_annotated or 0 <= code < len(self.attributes[attr_index].values)

    def with_attributes(self, attributes: Sequence[Attribute]) -> Taxonomy:
        return Taxonomy(self.classes, tuple(attributes), self.not_annotated, self.name)

    # --- serialisation -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "classes": list(self.classes),
            "attributes": [{"name": a.name, "values": list(a.values), "short": a.short} for a in self.attributes],
            "not_annotated": self.not_annotated,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Taxonomy:
        try:
            attrs = tuple(
                Attribute(str(a["name"]), tuple(str(v) for v in a["values"]), str(a.get("short", "")))
                for a in data.get("attributes", [])
            )
            return cls(
                tuple(str(c) for c in data["classes"]),
                attrs,
                int(data.get("not_annotated", 2)),
                str(data.get("name", "custom")),
            )
        except (KeyError, TypeError) as exc:
            raise ValidationError(f"taxonomy record is malformed: missing or wrong field {exc}") from None

    @classmethod
    def from_dataset_yaml(cls, data: Mapping[str, Any]) -> Taxonomy:
        """Read `names` and `attributes` / `attribute_not_annotated` of a dataset YAML mapping.

        `names` may be a list or an ultralytics-style `{index: name}` mapping. `attributes` is a
        list of `{name, values[, short]}`; absent means a plain detection dataset.
        """
        names = data.get("names")
        if isinstance(names, Mapping):
            keys = sorted(int(k) for k in names)
            if keys != list(range(len(keys))):
                raise ValidationError(f"dataset 'names' indices must be 0..N-1, got {keys}")
            classes = tuple(str(names[k] if k in names else names[str(k)]) for k in keys)
        elif isinstance(names, Sequence) and not isinstance(names, str):
            classes = tuple(str(n) for n in names)
        else:
            raise ValidationError("dataset YAML needs 'names': a list or an {index: name} mapping")
        return cls.from_dict(
            {
                "classes": classes,
                "attributes": data.get("attributes") or [],
                "not_annotated": data.get("attribute_not_annotated", 2),
                "name": data.get("taxonomy", "custom"),
            }
        )

    def to_dataset_yaml(self) -> dict[str, Any]:
        """The `names` / `attributes` part of a dataset YAML (ultralytics reads `names`)."""
        out: dict[str, Any] = {"taxonomy": self.name, "names": dict(enumerate(self.classes))}
        if self.attributes:
            out["attributes"] = [
                {"name": a.name, "values": list(a.values), "short": a.short} for a in self.attributes
            ]
            out["attribute_not_annotated"] = self.not_annotated
        return out
