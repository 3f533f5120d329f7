"""`leuko-train check DATASET`: every problem of a dataset as `file:line: what is wrong`, then a summary.

Exit status 0 when the dataset has no errors (warnings allowed), 1 when it has errors, 2 when
it cannot be checked at all (e.g. an unreadable --json target).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from edge_app.errors import DataFormatError
from edge_app.formats.validate import CheckReport, Problem, check_dataset


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("check", help="validate a dataset: each bad line as file:line, then a summary")
    p.add_argument("dataset", metavar="DATASET", help="the dataset's data.yaml, or a folder holding one")
    p.add_argument("--max-problems", type=int, default=0, metavar="N", help="print at most N problems (0: all)")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the whole report (every problem) as JSON")
    p.add_argument(
        "--decode", action="store_true", help="decode every image (slower; default: headers and end markers)"
    )
    p.add_argument(
        "--empty-labels",
        choices=("warning", "error"),
        default="warning",
        help="how to rate an empty label file (a background image); default: warning",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    report = check_dataset(
        args.dataset, decode=args.decode, empty_labels=args.empty_labels, progress=sys.stderr.isatty()
    )
    print_problems(report.problems, args.max_problems)
    for line in report.summary_lines():
        print(line)
    if args.json:
        write_json(report, args.json)
    return 0 if report.ok else 1


def print_problems(problems: Sequence[Problem], limit: int = 0) -> None:
    """Errors as `file:line: message`, warnings as `file:line: warning: message` (as compilers do)."""
    shown = problems[:limit] if limit > 0 else problems
    for problem in shown:
        print(
            problem
            if problem.severity == "error"
            else Problem(problem.path, problem.line, f"warning: {problem.message}")
        )
    if len(shown) < len(problems):
        print(f"... and {len(problems) - len(shown)} more problem(s) (--max-problems 0 or --json shows all)")


def write_json(report: CheckReport, path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise DataFormatError(f"cannot write the JSON report: {exc.strerror or exc}", where=str(path)) from None
    print(f"report: {path}")
