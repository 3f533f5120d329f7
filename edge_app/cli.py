"""`leuko`: the edge app's command line.

Sub-commands (info, scan, report, compare, export-results, export-labels, live, demo) are in
`edge_app/commands/`, one module each; this file only lists them. No sub-command means `demo`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from edge_app import __version__
from edge_app.cli_support import command_parser, run_cli

COMMAND_MODULES: tuple[str, ...] = (
    "edge_app.commands.info",
    "edge_app.commands.scan",
    "edge_app.commands.report",
    "edge_app.commands.compare",
    "edge_app.commands.export_results",
    "edge_app.commands.export_labels",
    "edge_app.commands.live",
    "edge_app.commands.demo",
)


def build_parser() -> argparse.ArgumentParser:
    parser = command_parser("leuko", "Leuko: white blood cells and their attributes, live.", COMMAND_MODULES)
    parser.add_argument("--version", action="version", version=f"leuko {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    return run_cli(build_parser(), argv or ["demo"])  # plain `leuko`: the app on its embedded default


if __name__ == "__main__":
    raise SystemExit(main())
