"""`compare_specs` / `write_comparison`: `leuko compare` as a library, so the CLI and the QA tab run the same.

A spec is what `resolve_result_set` takes: `slide:ID` (or a bare slide id), a results `.json`, or a
labelled dataset. The workspace is opened only when a spec may name a slide.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from edge_app.errors import StoreError
from edge_app.qa.compare import Comparison, compare_sets
from edge_app.qa.compare_html import render_compare_html
from edge_app.qa.resolve import resolve_result_set
from edge_app.store.store import ResultsStore
from edge_app.store.workspace import resolve_workspace

DEFAULT_WORST = 8


def compare_specs(a: str, b: str, truth: str | None = None, *, workspace: str | os.PathLike[str] | None = None,
                  split: str | None = None, worst: int = DEFAULT_WORST) -> Comparison:
    """B against A (and both against `truth` when given), from their specs."""
    store = _store_if_needed([s for s in (a, b, truth) if s], workspace)
    try:
        sets = [resolve_result_set(s, store, split) for s in (a, b)]
        truth_set = resolve_result_set(truth, store, split) if truth else None
        return compare_sets(sets[0], sets[1], truth_set, worst)
    finally:
        if store is not None:
            store.close()


def _store_if_needed(specs: list[str], workspace: str | os.PathLike[str] | None) -> ResultsStore | None:
    if all(Path(s).exists() for s in specs):
        return None
    return ResultsStore(resolve_workspace(workspace))


def write_comparison(comparison: Comparison, out: Path) -> tuple[Path, Path]:
    """`compare.html` and `compare.json` in `out` (created); a `StoreError` if they cannot be written."""
    html, data = out / "compare.html", out / "compare.json"
    try:
        out.mkdir(parents=True, exist_ok=True)
        data.write_text(json.dumps(comparison.to_dict(), indent=2), encoding="utf-8")
        html.write_text(render_compare_html(comparison), encoding="utf-8")
    except OSError as exc:
        raise StoreError(f"cannot write the comparison: {exc.strerror}", where=str(out),
                         hint="choose another output folder") from None
    return html, data
