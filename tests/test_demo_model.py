"""`make demo-model`'s script: the cheap paths (the full run trains for over an hour; docs/demo_model.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytest.importorskip("torch")

from trainer import demo_model


def test_export_only_without_a_finished_run_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="no finished training at .*best.pt; run without --export-only first"):
        demo_model.main(["--export-only", "--out", str(tmp_path)])


def test_merged_data_yaml_lists_every_domain_per_split(tmp_path: Path) -> None:
    for domain in demo_model.DOMAINS:
        (tmp_path / domain).mkdir()
        spec = {"path": ".", "train": "images/train", "val": "images/val", "domain": domain,
                "names": {0: "A"}, "attribute_not_annotated": 2}
        (tmp_path / domain / "data.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    merged = yaml.safe_load(demo_model.merged_data_yaml(tmp_path).read_text(encoding="utf-8"))
    assert merged["train"] == [f"{d}/images/train" for d in demo_model.DOMAINS]
    assert merged["domain"] == "mixed" and merged["names"] == {0: "A"} and "path" not in merged


def test_export_only_makes_the_calibration_fields_again_over_the_first_runs(tmp_path: Path, monkeypatch) -> None:
    """A finished `make demo-model` leaves its calibration fields; --export-only must not stop at them."""
    from export import cli as export_cli

    weights = tmp_path / "runs" / "attridet-n-demo" / "weights" / "best.pt"
    weights.parent.mkdir(parents=True)
    weights.write_bytes(b"")
    exports: list[list[str]] = []
    monkeypatch.setattr(export_cli, "main", lambda argv: exports.append(argv) or 0)  # export: tested elsewhere
    monkeypatch.setattr(demo_model, "CALIB_FIELDS", 4)
    for _ in range(2):
        assert demo_model.main(["--export-only", "--out", str(tmp_path), "--no-install"]) == 0
    calib = tmp_path / "calib" / demo_model.TARGET_DOMAIN / "images" / "train"
    assert len(exports) == 2 and exports[1][exports[1].index("--calib") + 1] == str(calib) and any(calib.iterdir())
