"""Write a slide report as HTML, CSV (differential, attributes, stage log) and JSON files."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from edge_app.errors import LeukoError, StoreError
from edge_app.reporting.report_data import SlideReport, report_to_dict, stage_row
from edge_app.reporting.report_html import render_report_html

FORMATS = ("html", "csv", "json")


def safe_name(text: str) -> str:
    """A file-name stem from a user-typed code (slide ids may hold anything)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "slide"


def parse_formats(text: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise LeukoError(f"unknown report format {', '.join(unknown) or '(none)'}",
                         hint=f"use a comma-separated list of {', '.join(FORMATS)}")
    return formats


def write_report(report: SlideReport, out_dir: Path, formats: Sequence[str] = FORMATS) -> list[Path]:
    stem = f"report_{safe_name(report.slide.code)}"
    written: list[Path] = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if "html" in formats:
            written.append(_write_text(out_dir / f"{stem}.html", render_report_html(report)))
        if "json" in formats:
            written.append(_write_text(out_dir / f"{stem}.json", json.dumps(report_to_dict(report), indent=2)))
        if "csv" in formats:
            written += _write_csvs(report, out_dir, stem)
    except OSError as exc:
        raise StoreError(f"cannot write the report: {exc.strerror}", where=str(exc.filename or out_dir),
                         hint="choose another --out folder") from None
    return written


def _write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _write_csvs(report: SlideReport, out_dir: Path, stem: str) -> list[Path]:
    ci = ("ci95_low", "ci95_high")
    diff = [(p.label, p.count, p.total, f"{p.fraction:.4f}", *(f"{v:.4f}" for v in p.interval))
            for p in report.differential]
    attrs = [(t, a, p.label, p.count, p.total, f"{p.fraction:.4f}", *(f"{v:.4f}" for v in p.interval))
             for t, by_attr in report.frequencies.items() for a, values in by_attr.items() for p in values]
    stage = [stage_row(f, n) for f, n in zip(report.fields, report.cell_counts, strict=True)]
    stage_keys = tuple(stage[0]) if stage else ("field_id",)
    return [
        _write_csv(out_dir / f"{stem}_differential.csv", ("type", "count", "total", "fraction", *ci), diff),
        _write_csv(out_dir / f"{stem}_attributes.csv", ("type", "attribute", "value", "count", "total", "fraction",
                                                        *ci), attrs),
        _write_csv(out_dir / f"{stem}_stage_log.csv", stage_keys, ([r[k] for k in stage_keys] for r in stage)),
    ]


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path
