"""`leuko-train`: check, convert and synthesise datasets; train and evaluate AttriDet."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from edge_app.cli_support import command_parser, run_cli

COMMAND_MODULES: tuple[str, ...] = (
    "trainer.commands.check",
    "trainer.commands.convert",
    "trainer.commands.synth",
    "trainer.commands.train",
    "trainer.commands.val",
)


def build_parser() -> argparse.ArgumentParser:
    return command_parser("leuko-train", "Leuko trainer: datasets (check, convert, synth) and AttriDet models.",
                          COMMAND_MODULES)


def main(argv: Sequence[str] | None = None) -> int:
    return run_cli(build_parser(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
