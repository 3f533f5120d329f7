"""LeukemiaAttri YOLO-attribute label lines: `cls cx cy w h a1 … aA`.

Box normalised to [0,1] (centre, width, height); one attribute code per attribute of the
dataset's taxonomy, in its column order (six or seven columns, as the YAML lists them);
the taxonomy's `not_annotated` code (2 in the public release) marks a missing value.
"""

from __future__ import annotations

from dataclasses import dataclass

from edge_app.errors import DataFormatError
from edge_app.taxonomy import Taxonomy

COORD_TOLERANCE = 1e-6


@dataclass(frozen=True)
class LabelRow:
    """One labelled cell: class index, normalised (cx, cy, w, h), attribute codes."""

    class_id: int
    cx: float
    cy: float
    w: float
    h: float
    codes: tuple[int, ...] = ()

    def xyxy(self, width: int, height: int) -> tuple[float, float, float, float]:
        """The box in pixels of an image of the given size."""
        return (
            (self.cx - self.w / 2) * width,
            (self.cy - self.h / 2) * height,
            (self.cx + self.w / 2) * width,
            (self.cy + self.h / 2) * height,
        )


def format_label_line(row: LabelRow) -> str:
    """The text line for a row (6 decimals: sub-pixel at any microscope resolution)."""
    coords = " ".join(f"{v:.6f}" for v in (row.cx, row.cy, row.w, row.h))
    codes = "".join(f" {c}" for c in row.codes)
    return f"{row.class_id} {coords}{codes}"


def parse_label_line(line: str, taxonomy: Taxonomy, where: str = "") -> LabelRow:
    """Parse and validate one non-empty line; `where` ("file:line") prefixes any error.

    Checks the column count (5 + number of attributes), the class index, that the box lies
    within [0,1] with positive size, and that each attribute code is a value index or the
    not-annotated code.
    """
    tokens = line.split()
    expected = 5 + taxonomy.num_attributes
    if len(tokens) != expected:
        raise DataFormatError(
            f"wrong column count: {len(tokens)} columns, expected {expected} "
            f"(class, 4 box values, {taxonomy.num_attributes} attributes)",
            where=where,
        )
    try:
        class_id = int(tokens[0])
    except ValueError:
        raise DataFormatError(f"class index {tokens[0]!r} is not an integer", where=where) from None
    if not 0 <= class_id < taxonomy.num_classes:
        raise DataFormatError(f"unknown class {class_id} (taxonomy has 0..{taxonomy.num_classes - 1})", where=where)
    try:
        cx, cy, w, h = (float(t) for t in tokens[1:5])
    except ValueError:
        raise DataFormatError(f"box values {tokens[1:5]} are not numbers", where=where) from None
    _check_box(cx, cy, w, h, where)
    codes = _parse_codes(tokens[5:], taxonomy, where)
    return LabelRow(class_id, cx, cy, w, h, codes)


def _check_box(cx: float, cy: float, w: float, h: float, where: str) -> None:
    if not (w > 0 and h > 0):
        raise DataFormatError(f"box has non-positive size (w={w:g}, h={h:g})", where=where)
    lo, hi = -COORD_TOLERANCE, 1 + COORD_TOLERANCE
    edges = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
    if not all(lo <= v <= hi for v in (cx, cy, w, h, *edges)):
        raise DataFormatError(
            "coordinates out of range: box (x1,y1,x2,y2)=({:.4f},{:.4f},{:.4f},{:.4f}) leaves [0,1]".format(*edges),
            where=where,
        )


def _parse_codes(tokens: list[str], taxonomy: Taxonomy, where: str) -> tuple[int, ...]:
    codes: list[int] = []
    for i, token in enumerate(tokens):
        attribute = taxonomy.attributes[i]
        try:
            code = int(token)
        except ValueError:
            code = -1
        if not taxonomy.is_valid_code(i, code):
            raise DataFormatError(
                f"unknown attribute code {token!r} for {attribute.name} "
                f"(values 0..{len(attribute.values) - 1}, {taxonomy.not_annotated} = not annotated)",
                where=where,
            )
        codes.append(code)
    return tuple(codes)
