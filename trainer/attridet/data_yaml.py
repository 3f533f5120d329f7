"""Hand ultralytics a data.yaml it resolves the way Leuko means it.

Leuko's data.yaml names its splits relative to the YAML file (no `path`, or a relative one);
the run folder keeps a copy as the record of what was trained on, and a copy elsewhere must
say where the splits are: its `path` is absolute.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from edge_app.errors import DataFormatError

RESOLVED_NAME = "data.yaml"


def resolve_data_yaml(data_yaml: str | Path, out_dir: Path) -> Path:
    """Write `out_dir/data.yaml` with an absolute `path`; return it (the input if already there)."""
    source = Path(data_yaml).resolve()
    target = (out_dir / RESOLVED_NAME).resolve()
    if source == target:
        return source
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DataFormatError(f"cannot read the dataset YAML: {exc}", where=str(data_yaml)) from None
    data["path"] = str((source.parent / str(data.get("path") or ".")).resolve())
    out_dir.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target
