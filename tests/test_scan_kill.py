"""kill -9 in the middle of a scan, run it again: the store holds every field exactly once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from edge_app.store.store import DB_NAME, ResultsStore
from tests.test_scan_support import make_bundle, sha256, write_fields

FIELDS = 100


def _stored(workspace: Path) -> int:
    try:
        with sqlite3.connect(workspace / DB_NAME, timeout=5) as db:
            return int(db.execute("SELECT COUNT(*) FROM fields").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def _scan_command(folder: Path, bundle: Path, workspace: Path) -> list[str]:
    return [sys.executable, "-m", "edge_app.cli", "scan", str(folder), "--slide", "K-1", "--model", str(bundle),
            "--workspace", str(workspace), "--workers", "2"]


def test_kill_9_mid_scan_then_rerun_stores_every_field_exactly_once(tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path)
    files = write_fields(tmp_path / "fields", FIELDS, size=(240, 320))
    workspace = tmp_path / "ws"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.Popen(_scan_command(tmp_path / "fields", bundle, workspace), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while _stored(workspace) < 10 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=10) == -signal.SIGKILL, "the scan finished before it could be killed"
    killed_at = _stored(workspace)
    assert 10 <= killed_at < FIELDS

    rerun = subprocess.run(_scan_command(tmp_path / "fields", bundle, workspace), env=env, capture_output=True,
                           text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{FIELDS - killed_at} stored" in rerun.stdout or f"{killed_at} already" in rerun.stdout
    with ResultsStore(workspace) as store:
        stored = [f.image_sha256 for f in store.fields(store.slide("K-1"))]
        assert sorted(stored) == sorted(sha256(p) for p in files)  # every field, each exactly once
        assert not store.missing_files()
