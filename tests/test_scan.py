"""`leuko scan`: folder and video through the runtime into the store; corrupt files, resume, workers."""

from __future__ import annotations

import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from edge_app import cli
from edge_app.errors import ModelError
from edge_app.scan import setup as scan_setup
from edge_app.scan.scanner import SlideScanner
from edge_app.store.store import ResultsStore
from tests.test_scan_support import make_bundle, scan, setup_for, sha256, write_fields


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_bundle(tmp_path_factory.mktemp("bundle"))


def test_corrupt_and_unsupported_files_are_listed_and_skipped(tmp_path: Path, bundle: Path) -> None:
    good = write_fields(tmp_path / "fields", 4)
    (tmp_path / "fields" / "cut.jpg").write_bytes(good[0].read_bytes()[:300])
    (tmp_path / "fields" / "notes.txt").write_text("stage 12.3, 4.5")
    with ResultsStore(tmp_path / "ws") as store:
        progress = scan(store, bundle, tmp_path / "fields")
        fields = store.fields(store.slide("S-1"))
    assert progress.stored == 4 and progress.finished
    assert [f.split(":")[0] for f in progress.failed] == ["cut.jpg"] and "truncated JPEG" in progress.failed[0]
    assert progress.unsupported == ["notes.txt: unsupported file type"]
    assert sorted(f.image_sha256 for f in fields) == sorted(sha256(p) for p in good)
    assert all(f.num_detections == 2 and f.provenance.objective == 100 and f.quality.focus for f in fields)


def test_rescan_skips_every_stored_field_and_adds_only_new_ones(tmp_path: Path, bundle: Path) -> None:
    write_fields(tmp_path / "fields", 5)
    with ResultsStore(tmp_path / "ws") as store:
        first = scan(store, bundle, tmp_path / "fields")
        again = scan(store, bundle, tmp_path / "fields")
        write_fields(tmp_path / "more", 1, seed=9)[0].rename(tmp_path / "fields" / "field99.jpg")
        third = scan(store, bundle, tmp_path / "fields")
        count = len(store.fields(store.slide("S-1")))
    assert (first.stored, again.stored, again.already) == (5, 0, 5)
    assert (third.stored, third.already, count) == (1, 5, 6)


def test_two_workers_store_the_same_results_as_one(tmp_path: Path, bundle: Path) -> None:
    write_fields(tmp_path / "fields", 6)
    with ResultsStore(tmp_path / "ws") as store:
        scan(store, bundle, tmp_path / "fields", "one", workers=1)
        scan(store, bundle, tmp_path / "fields", "two", workers=2, backend="openvino")
        one, two = (store.fields(store.slide(code)) for code in ("one", "two"))
        assert [f.image_sha256 for f in one] == [f.image_sha256 for f in two]  # input order kept
        for a, b in zip(one, two, strict=True):
            assert np.allclose(store.detections(a.id).xyxy, store.detections(b.id).xyxy, atol=1e-3)


def test_video_frames_are_stored_as_png_and_resume(tmp_path: Path, bundle: Path) -> None:
    video = tmp_path / "run.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 5, (128, 96))
    rng = np.random.default_rng(3)
    for _ in range(5):
        writer.write(rng.integers(0, 255, (96, 128, 3), dtype=np.uint8))
    writer.release()
    with ResultsStore(tmp_path / "ws") as store:
        first = scan(store, bundle, video)
        again = scan(store, bundle, video)
        fields = store.fields(store.slide("S-1"))
    assert (first.stored, again.already) == (5, 5)
    assert [f.provenance.frame_index for f in fields] == [0, 1, 2, 3, 4]
    assert all(f.image_path.suffix == ".png" and sha256(f.image_path) == f.image_sha256 for f in fields)


def test_cancel_stops_early_and_a_rerun_completes(tmp_path: Path, bundle: Path) -> None:
    write_fields(tmp_path / "fields", 12)
    cancel = threading.Event()
    with ResultsStore(tmp_path / "ws") as store:
        scanner = SlideScanner(store, setup_for(bundle), "S-1", cancel=cancel)
        for progress in scanner.run(tmp_path / "fields"):
            if progress.done == 2:
                cancel.set()
        assert progress.cancelled and progress.finished and progress.done < 12
        rest = scan(store, bundle, tmp_path / "fields")
        assert rest.stored == 12 - progress.stored and rest.already == progress.stored


def test_missing_demo_model_says_how_to_get_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scan_setup, "ASSET_MODELS", tmp_path / "no-models")
    with pytest.raises(ModelError) as info:
        scan_setup.prepare_scan()
    assert "make demo-model" in str(info.value) and "--model" in str(info.value)


def test_scan_cli_prints_skips_and_throughput(tmp_path: Path, bundle: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_fields(tmp_path / "fields", 3)
    (tmp_path / "fields" / "empty.png").write_bytes(b"")
    code = cli.main(["scan", str(tmp_path / "fields"), "--slide", "S-9", "--model", str(bundle),
                     "--workspace", str(tmp_path / "ws"), "--workers", "2"])
    captured = capsys.readouterr()
    assert code == 0
    assert "skipped empty.png" in captured.err and "3 stored" in captured.out and "fields/s" in captured.out
