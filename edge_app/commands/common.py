"""Options and helpers shared by the `leuko` sub-commands."""

from __future__ import annotations

import argparse

from edge_app.store.store import ResultsStore
from edge_app.store.workspace import ENV_VAR, resolve_workspace


def add_workspace_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", metavar="DIR",
                        help=f"results workspace (default: ${ENV_VAR}, else the user data folder)")


def open_store(args: argparse.Namespace) -> ResultsStore:
    return ResultsStore(resolve_workspace(args.workspace))


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"
