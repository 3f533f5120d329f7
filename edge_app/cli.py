"""`leuko`: the edge app's command line.

`leuko info` shows what this installation can run; scan, report, compare and export-results
live in `edge_app/commands/`, one module each. The live view arrives with its issue.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import platform
from collections.abc import Sequence

from edge_app import __version__
from edge_app.cli_support import run_cli
from edge_app.taxonomy import Taxonomy

# Each module adds its sub-parser with `register(subparsers)` and sets `run` as default.
COMMAND_MODULES: tuple[str, ...] = (
    "edge_app.commands.scan",
    "edge_app.commands.report",
    "edge_app.commands.compare",
    "edge_app.commands.export_results",
    "edge_app.commands.live",
)
RUNTIME_PACKAGES = ("numpy", "opencv-python-headless", "onnxruntime", "openvino", "PySide6-Essentials", "picamera2")


def _installed(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _run_info(args: argparse.Namespace) -> int:
    tax = Taxonomy.leukemia_attri()
    print(f"Leuko {__version__} on Python {platform.python_version()} ({platform.machine()})")
    for package in RUNTIME_PACKAGES:
        print(f"  {package:<24} {_installed(package)}")
    print(f"Default taxonomy: {tax.name}, {tax.num_classes} classes, {tax.num_attributes} attributes")
    print("  classes:    " + ", ".join(tax.classes))
    print("  attributes: " + ", ".join(f"{a.name} ({'/'.join(a.values)})" for a in tax.attributes))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="leuko", description="Leuko: white blood cells and their attributes, live.")
    parser.add_argument("--version", action="version", version=f"leuko {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    info = subparsers.add_parser("info", help="versions of the runtime packages and the default taxonomy")
    info.set_defaults(run=_run_info)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_cli(build_parser(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
