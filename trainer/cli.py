"""`leuko-train`: check, convert and synthesise datasets; train and evaluate AttriDet."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

from edge_app.cli_support import run_cli

# Each module adds its sub-parser with `register(subparsers)` and sets `run` as default.
COMMAND_MODULES: tuple[str, ...] = (
    "trainer.commands.check",
    "trainer.commands.convert",
    "trainer.commands.synth",
    "trainer.commands.train",
    "trainer.commands.val",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leuko-train",
        description="Leuko trainer: datasets (check, convert, synth) and AttriDet models.",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_cli(build_parser(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
