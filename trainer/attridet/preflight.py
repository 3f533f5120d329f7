"""Refuse bad data before a training starts, with the dataset validator's file:line messages.

Missing images, label lines that break the taxonomy (wrong attribute columns included) and
empty label files are errors here: a training must never start on data the loader would
silently drop or learn nothing from.
"""

from __future__ import annotations

from pathlib import Path

from edge_app.errors import DataFormatError
from edge_app.formats.validate import check_dataset

MAX_SHOWN = 20


def check_before_training(data_yaml: str | Path) -> list[str]:
    """Run the dataset check; raise `DataFormatError` listing the errors, return the warnings."""
    report = check_dataset(Path(data_yaml), empty_labels="error", progress=True)
    errors = [str(e) for e in report.errors]
    if errors:
        shown = "\n  ".join(errors[:MAX_SHOWN])
        more = f"\n  ... and {len(errors) - MAX_SHOWN} more" if len(errors) > MAX_SHOWN else ""
        raise DataFormatError(
            f"the dataset has {len(errors)} error(s); training not started:\n  {shown}{more}",
            where=str(data_yaml),
            hint=f"fix the files named above, then run `leuko-train check {data_yaml}`",
        )
    return [str(w) for w in report.warnings]
