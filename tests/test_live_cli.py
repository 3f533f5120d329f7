"""`leuko live --headless`, in-process: summary, recording, every shipped profile, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edge_app import cli
from edge_app.config.loader import load_config_set
from edge_app.pipeline import headless
from edge_app.scan import setup
from tests.bundle_factory import write_bundle
from tests.test_sources_support import no_thread_left, write_folder  # noqa: F401

PROFILES = sorted(load_config_set().profiles)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bundle")
    write_bundle(folder, openvino=False)
    return folder


def _live(*args: str) -> int:
    return cli.main(["live", "--headless", "--report-every", "0.2", *args])


def test_max_frames_exits_0_and_prints_a_summary(bundle: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _live("--model", str(bundle), "--max-frames", "6", "--fps", "60") == 0
    out = capsys.readouterr().out
    assert "live: profile xsz107bn-zzcat-100x (L_100x_C2), source replay:samples" in out  # the bundled samples
    assert "summary: 6 frames in" in out and "captured" in out and "RSS" in out


def test_the_virtual_microscope_source_and_a_recording(
    bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rec = tmp_path / "rec"
    assert _live("--model", str(bundle), "--source", "virtual:H_100x_C2", "--fps", "30", "--max-frames", "3",
                 "--record", str(rec)) == 0
    lines = (rec / "results.jsonl").read_text().splitlines()
    assert len(lines) == 3 and len(list((rec / "frames").glob("*.jpg"))) == 3
    assert json.loads(lines[0])["frame"]["stage"]["source"] == "virtual"
    assert "recorded to" in capsys.readouterr().out


@pytest.mark.parametrize("profile", PROFILES)
def test_every_shipped_profile_runs_headless_on_a_replay(
    profile: str, bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_folder(tmp_path / "fields", 3)
    assert _live("--profile", profile, "--model", str(bundle), "--source", str(tmp_path / "fields"), "--fps", "0") == 0
    assert "state finished" in capsys.readouterr().out


def test_a_missing_demo_bundle_says_how_to_get_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(setup, "ASSET_MODELS", tmp_path / "models")  # as in an installation without it
    assert _live("--max-frames", "2") == 2
    err = capsys.readouterr().err
    assert "demo model is not bundled" in err and "make demo-model" in err and "--model BUNDLE" in err


@pytest.mark.parametrize(("args", "message"), [
    ((), "--headless"),
    (("--headless", "--max-frames", "0"), "--max-frames"),
    (("--headless", "--source", "no/such/camera"), "unknown source"),
])
def test_usage_errors_are_clear(
    args: tuple[str, ...], message: str, bundle: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["live", "--model", str(bundle), *args]) == 2
    assert message in capsys.readouterr().err


def test_default_source_is_the_bundled_samples_else_the_virtual_microscope(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, loop = headless.default_source("xsz107bn-zzcat-100x")
    assert Path(spec) == headless.SAMPLES_DIR and loop
    assert len(list(Path(spec).glob("field_*.jpg"))) == 8
    monkeypatch.setattr(headless, "SAMPLES_DIR", tmp_path / "none")
    assert headless.default_source("xsz107bn-zzcat-100x") == ("virtual:xsz107bn-zzcat-100x", False)


def test_sigterm_ends_like_ctrl_c_with_the_summary(bundle: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, "-m", "edge_app.cli", "live", "--headless", "--model", str(bundle),
                             "--report-every", "0.2"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # wait for a status line: the pipeline is running
            line = proc.stdout.readline()
            if "FPS" in line:
                break
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, rest
    assert "terminated (SIGTERM): stopping" in rest and "summary:" in rest and "captured" in rest
