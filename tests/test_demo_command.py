"""`leuko` with no arguments / `leuko demo`: without a display it says so and runs the headless scan +
report of the bundled sample fields, printing where the report is; re-running adds nothing twice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from edge_app import cli
from edge_app.pipeline.headless import SAMPLES_DIR
from edge_app.store.store import ResultsStore
from tests.test_scan_support import make_bundle


def test_no_display_runs_the_headless_scan_and_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("LEUKO_WORKSPACE", str(tmp_path / "ws"))
    bundle = make_bundle(tmp_path)
    samples = len(list(SAMPLES_DIR.glob("*.jpg")))
    for _ in range(2):
        assert cli.main(["demo", "--model", str(bundle), "--out", str(tmp_path / "report")]) == 0
        out = capsys.readouterr().out
        assert "no display found" in out
        report = Path(re.search(r"report: (.+\.html)", out).group(1))  # type: ignore[union-attr]
        assert report.is_file() and "white cells" in report.read_text(encoding="utf-8")
    with ResultsStore(tmp_path / "ws") as store:
        assert len(store.fields(store.slide("demo-samples"))) == samples


def test_plain_leuko_means_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr(cli, "run_cli", lambda parser, argv: seen.append(list(argv)) or 0)
    assert cli.main([]) == 0 and seen == [["demo"]]
