"""Turn a compare argument into a `ResultSet`, by its form.

`slide:ID` (or a bare slide id the store knows) is a slide in the workspace; an existing `.json`
file is an exported results file; a folder holding `data.yaml`, or a `.yaml` file, is a labelled
dataset (its ground truth, one split).
"""

from __future__ import annotations

import hashlib
from functools import partial
from pathlib import Path

import numpy as np

from edge_app.errors import DataFormatError, StoreError
from edge_app.formats.dataset import DatasetSpec, Sample, ground_truth, iter_samples, load_dataset
from edge_app.formats.image_io import image_size, read_image
from edge_app.qa.result_set import ResultItem, ResultSet
from edge_app.qa.results_file import field_name, load_results_file
from edge_app.store.records import FieldRecord
from edge_app.store.store import ResultsStore
from edge_app.taxonomy import Taxonomy

SPLIT_PREFERENCE = ("test", "val", "train")


def resolve_result_set(spec: str, store: ResultsStore | None, split: str | None = None) -> ResultSet:
    path = Path(spec)
    if spec.startswith("slide:"):
        return slide_result_set(_need_store(store, spec), spec.removeprefix("slide:"))
    if path.suffix.lower() == ".json" and path.is_file():
        return load_results_file(path)
    if (path.is_dir() and (path / "data.yaml").is_file()) or (path.is_file() and path.suffix.lower() in (".yaml",
                                                                                                         ".yml")):
        return dataset_result_set(path, split)
    if store is not None and any(s.code == spec for s in store.slides()):
        return slide_result_set(store, spec)
    raise DataFormatError(f"cannot tell what {spec!r} is", where=spec,
                          hint="use slide:ID for a slide in the workspace, a results .json from "
                               "`leuko export-results`, or a dataset folder holding data.yaml")


def _need_store(store: ResultsStore | None, spec: str) -> ResultsStore:
    if store is None:
        raise StoreError(f"{spec} needs a workspace", hint="pass --workspace DIR or set LEUKO_WORKSPACE")
    return store


def slide_result_set(store: ResultsStore, code: str) -> ResultSet:
    slide = store.slide(code)
    fields = store.fields(slide)
    ids = list(dict.fromkeys(f.provenance.model_id for f in fields if f.provenance.model_id))
    models = tuple(store.model_card(i) for i in ids)
    taxonomy = models[0].taxonomy if models else Taxonomy.leukemia_attri()
    items = tuple(_slide_item(store, f) for f in fields)
    return ResultSet(f"slide:{slide.code}", "slide", taxonomy, items, models)


def _slide_item(store: ResultsStore, field: FieldRecord) -> ResultItem:
    name = field_name(field.provenance.source_id, field.provenance.frame_index)
    return ResultItem(field.image_sha256, name, store.detections(field.id), (field.width, field.height),
                      partial(_read_or_none, field.image_path))


def dataset_result_set(path: Path, split: str | None = None) -> ResultSet:
    spec = load_dataset(path)
    chosen = split or next((s for s in SPLIT_PREFERENCE if s in spec.splits), None)
    if chosen is None:
        raise DataFormatError("the dataset lists no train/val/test split", where=str(spec.yaml_path))
    items = tuple(_dataset_item(spec, sample) for sample in iter_samples(spec, chosen))
    return ResultSet(f"dataset:{spec.root.name}/{chosen}", "dataset", spec.taxonomy, items)


def _dataset_item(spec: DatasetSpec, sample: Sample) -> ResultItem:
    sha = hashlib.sha256(sample.image.read_bytes()).hexdigest()
    return ResultItem(sha, sample.relative.as_posix(), ground_truth(sample, spec.taxonomy), image_size(sample.image),
                      partial(_read_or_none, sample.image))


def _read_or_none(path: Path) -> np.ndarray | None:
    try:
        return read_image(path)
    except DataFormatError:
        return None
