"""`leuko export-results`: a slide's results as JSON (with model cards) and a CSV of detections.

The JSON is what another device's `leuko compare` reads: `format` / `version`, the slide, the
taxonomy, every model card used, and per field the image sha256, a display name, the size, the
model id and `Detections.to_dict()`. The CSV (one row per cell, attribute values and
probabilities as columns) is for spreadsheets; compare reads the JSON.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from edge_app import __version__
from edge_app.detections import Detections
from edge_app.errors import DataFormatError, StoreError
from edge_app.model_card import ModelCard
from edge_app.qa.result_set import ResultItem, ResultSet
from edge_app.store.store import ResultsStore
from edge_app.taxonomy import Taxonomy

FORMAT = "leuko-results"
VERSION = 1


def field_name(source_id: str, frame_index: int) -> str:
    return f"{source_id}#{frame_index}"


def export_slide(store: ResultsStore, slide_code: str) -> dict[str, Any]:
    slide = store.slide(slide_code)
    fields = store.fields(slide)
    model_ids = list(dict.fromkeys(f.provenance.model_id for f in fields if f.provenance.model_id))
    cards = [store.model_card(m) for m in model_ids]
    taxonomy = cards[0].taxonomy if cards else Taxonomy.leukemia_attri()
    return {
        "format": FORMAT, "version": VERSION, "app_version": __version__,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "slide": {"code": slide.code, "sample_code": slide.sample_code, "profile": slide.profile_id},
        "taxonomy": taxonomy.to_dict(),
        "models": [c.to_dict() for c in cards],
        "fields": [{"image_sha256": f.image_sha256,
                    "name": field_name(f.provenance.source_id, f.provenance.frame_index),
                    "width": f.width, "height": f.height, "model_id": f.provenance.model_id,
                    "profile": f.provenance.profile_id, "focus": f.quality.focus,
                    "detections": store.detections(f.id).to_dict()} for f in fields],
    }


def write_results(data: dict[str, Any], json_path: Path, csv_path: Path | None) -> list[Path]:
    try:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(data), encoding="utf-8")
        if csv_path is not None:
            _write_csv(data, csv_path)
    except OSError as exc:
        raise StoreError(f"cannot write results: {exc.strerror}", where=str(exc.filename or json_path),
                         hint="choose another --out") from None
    return [json_path] + ([csv_path] if csv_path else [])


def _write_csv(data: dict[str, Any], path: Path) -> None:
    taxonomy = Taxonomy.from_dict(data["taxonomy"])
    attr_cols = [c for a in taxonomy.attributes for c in (a.name, f"{a.name}_prob")]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["image_sha256", "name", "x1", "y1", "x2", "y2", "class_id", "class", "score", *attr_cols])
        for field in data["fields"]:
            dets = Detections.from_dict(field["detections"])
            for i in range(len(dets)):
                writer.writerow([field["image_sha256"], field["name"], *(f"{v:.2f}" for v in dets.xyxy[i]),
                                 int(dets.class_id[i]), taxonomy.classes[int(dets.class_id[i])],
                                 f"{dets.score[i]:.4f}", *_attribute_cells(dets, i, taxonomy)])


def _attribute_cells(dets: Detections, i: int, taxonomy: Taxonomy) -> list[str]:
    if not dets.num_attributes:
        return ["", ""] * taxonomy.num_attributes
    values, conf = dets.attr_value[i], dets.attr_confidence[i]
    return [c for a, attr in enumerate(taxonomy.attributes) for c in (attr.values[values[a]], f"{conf[a]:.4f}")]


def load_results_file(path: Path) -> ResultSet:
    """A results JSON as a `ResultSet`; `DataFormatError` naming the file when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataFormatError(f"cannot read results file: {exc.strerror}", where=str(path)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataFormatError(f"not a JSON file ({exc})", where=str(path)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DataFormatError("not a Leuko results file (no \"format\": \"leuko-results\")", where=str(path),
                              hint="write one with `leuko export-results SLIDE`")
    if data.get("version") != VERSION:
        raise DataFormatError(f"results file version {data.get('version')} is not supported (reads {VERSION})",
                              where=str(path), hint="export it again with this Leuko version")
    try:
        return _result_set(data, path)
    except (KeyError, TypeError, ValueError) as exc:
        raise DataFormatError(f"results file is malformed: {exc}", where=str(path)) from None


def _result_set(data: dict[str, Any], path: Path) -> ResultSet:
    items = tuple(
        ResultItem(str(f["image_sha256"]), str(f.get("name", "")), Detections.from_dict(f["detections"]),
                   (int(f.get("width", 0)), int(f.get("height", 0))))
        for f in data["fields"]
    )
    models = tuple(ModelCard.from_dict(m) for m in data.get("models", []))
    return ResultSet(f"results:{path.name}", "results", Taxonomy.from_dict(data["taxonomy"]), items, models)
