"""The dataset YAML: ultralytics' `path/train/val/test/names` plus Leuko's attribute keys.

    train: images/train          # image folders per split, relative to this file (labels/ mirrors images/)
    val: images/val
    test: images/test
    taxonomy: LeukemiaAttri
    names: {0: None, 1: Myeloblast, ...}
    attributes:                  # label-column order; absent for plain detection datasets
      - {name: cell_size, values: [small, large]}
    attribute_not_annotated: 2
    domain: H_100x_C2            # optional
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from edge_app.taxonomy import Taxonomy

DATASET_YAML_NAME = "data.yaml"


def dataset_yaml_dict(
    taxonomy: Taxonomy,
    splits: Mapping[str, str],
    domain: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    # No `path:` key: ultralytics then resolves the splits against this file's folder, as we do.
    data: dict[str, Any] = dict(splits)
    data.update(taxonomy.to_dataset_yaml())
    if domain:
        data["domain"] = domain
    if extra:
        data.update(extra)
    return data


def write_dataset_yaml(
    root: Path,
    taxonomy: Taxonomy,
    splits: Mapping[str, str],
    domain: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Path:
    """Write `root/data.yaml` (deterministic key order) and return its path."""
    path = root / DATASET_YAML_NAME
    text = yaml.safe_dump(dataset_yaml_dict(taxonomy, splits, domain, extra), sort_keys=False, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path
