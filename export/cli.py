"""`leuko-export`: model bundles for the edge app.

Exporting and quantizing arrive with the export issue; `leuko-export inspect` already
reads a bundle's card and verifies every file's checksum, as the app will before loading.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from edge_app.cli_support import run_cli
from edge_app.model_card import ModelCard


def _run_inspect(args: argparse.Namespace) -> int:
    bundle = Path(args.bundle)
    card = ModelCard.load(bundle / "card.json")
    card.verify_files(bundle)
    print(f"{card.bundle_id}: {card.architecture}, input {card.input_size[1]}x{card.input_size[0]}, "
          f"{card.taxonomy.num_classes} classes, {card.taxonomy.num_attributes} attributes")
    print(f"  domains: {', '.join(card.domains) or 'unspecified'}")
    for f in card.files:
        print(f"  {f.path:<32} {f.backend:<12} {f.precision:<5} sha256 ok")
    print(f"  intended use: {card.intended_use}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="leuko-export", description="Leuko model bundles (ONNX / OpenVINO).")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    inspect = subparsers.add_parser("inspect", help="show a bundle's card and verify its files' checksums")
    inspect.add_argument("bundle", help="bundle folder (holds card.json)")
    inspect.set_defaults(run=_run_inspect)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_cli(build_parser(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
