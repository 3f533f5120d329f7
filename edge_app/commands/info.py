"""`leuko info`: versions of the runtime packages and the default taxonomy."""

from __future__ import annotations

import argparse
import importlib.metadata
import platform
from typing import Any

from edge_app import __version__
from edge_app.taxonomy import Taxonomy

RUNTIME_PACKAGES = ("numpy", "opencv-python-headless", "onnxruntime", "openvino", "PySide6-Essentials", "picamera2")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("info", help="versions of the runtime packages and the default taxonomy")
    parser.set_defaults(run=run)


def _installed(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def run(args: argparse.Namespace) -> int:
    tax = Taxonomy.leukemia_attri()
    print(f"Leuko {__version__} on Python {platform.python_version()} ({platform.machine()})")
    for package in RUNTIME_PACKAGES:
        print(f"  {package:<24} {_installed(package)}")
    print(f"Default taxonomy: {tax.name}, {tax.num_classes} classes, {tax.num_attributes} attributes")
    print("  classes:    " + ", ".join(tax.classes))
    print("  attributes: " + ", ".join(f"{a.name} ({'/'.join(a.values)})" for a in tax.attributes))
    return 0
