"""Where a workspace lives: `--workspace DIR`, else `$LEUKO_WORKSPACE`, else the user's data dir."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

from edge_app.errors import StoreError

ENV_VAR = "LEUKO_WORKSPACE"


def resolve_workspace(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The workspace folder, created if needed; a clear error if it cannot be."""
    raw = explicit or os.environ.get(ENV_VAR) or user_data_dir("leuko", appauthor=False)
    path = Path(raw).expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the workspace folder: {exc.strerror}", where=str(path),
                         hint=f"choose another folder with --workspace or {ENV_VAR}") from None
    return path
