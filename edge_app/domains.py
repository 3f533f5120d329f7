"""Imaging domains as named in the LeukemiaAttri paper: `{H|L}_{10x|40x|100x}_{C1|C2}`.

H/L: high- or low-cost microscope; magnification of the objective; C1 phone camera on the
eyepiece, C2 the microscope's own camera. Twelve subsets in all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from edge_app.errors import ValidationError

_DOMAIN_RE = re.compile(r"^(?P<scope>[HL])_(?P<mag>10|40|100)x_(?P<camera>C[12])$")


@dataclass(frozen=True, order=True)
class Domain:
    scope: str  # "H" | "L"
    magnification: int  # 10 | 40 | 100
    camera: str  # "C1" (phone) | "C2" (microscope camera)

    @property
    def name(self) -> str:
        return f"{self.scope}_{self.magnification}x_{self.camera}"

    @property
    def low_cost(self) -> bool:
        return self.scope == "L"

    @property
    def phone(self) -> bool:
        return self.camera == "C1"

    def __str__(self) -> str:
        return self.name

    @classmethod
    def parse(cls, name: str) -> Domain:
        match = _DOMAIN_RE.match(name.strip())
        if not match:
            raise ValidationError(
                f"unknown domain {name!r}",
                hint="domains are named {H|L}_{10x|40x|100x}_{C1|C2}, e.g. L_100x_C2",
            )
        return cls(match["scope"], int(match["mag"]), match["camera"])


ALL_DOMAINS: tuple[Domain, ...] = tuple(
    Domain(scope, mag, cam) for scope in ("H", "L") for mag in (10, 40, 100) for cam in ("C1", "C2")
)


def parse_domains(spec: str) -> list[Domain]:
    """`all` or a comma-separated list of domain names, order kept, duplicates dropped."""
    if spec.strip().lower() == "all":
        return list(ALL_DOMAINS)
    seen: dict[str, Domain] = {}
    for part in spec.split(","):
        if part.strip():
            domain = Domain.parse(part)
            seen.setdefault(domain.name, domain)
    if not seen:
        raise ValidationError("no domain given", hint="pass 'all' or e.g. H_100x_C2,L_100x_C2")
    return list(seen.values())
