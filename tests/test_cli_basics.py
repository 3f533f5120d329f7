"""The three console scripts run in-process: help, info, and errors without tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge_app import cli as leuko_cli
from edge_app.model_card import BundleFile, ModelCard
from edge_app.taxonomy import Taxonomy
from export import cli as export_cli
from trainer import cli as train_cli


def test_leuko_info_lists_runtime_and_taxonomy(capsys: pytest.CaptureFixture[str]) -> None:
    assert leuko_cli.main(["info"]) == 0
    out = capsys.readouterr().out
    assert "onnxruntime" in out and "Myeloblast" in out and "nuclear_chromatin" in out


@pytest.mark.parametrize("main", [leuko_cli.main, train_cli.main, export_cli.main])
def test_help_exits_cleanly(main, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    assert "commands" in capsys.readouterr().out


def test_export_inspect_verifies_checksums(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "model.onnx").write_bytes(b"\x08\x07model bytes")
    card = ModelCard("demo", Taxonomy.leukemia_attri(), (320, 320))
    card = card.with_files(tmp_path, (BundleFile("model.onnx", "onnxruntime", "fp32"),))
    (tmp_path / "card.json").write_text(card.to_json())
    assert export_cli.main(["inspect", str(tmp_path)]) == 0
    assert "sha256 ok" in capsys.readouterr().out

    (tmp_path / "model.onnx").write_bytes(b"\x08\x07model by")
    assert export_cli.main(["inspect", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "checksum mismatch for model.onnx" in err and "Traceback" not in err
