"""The SQLite results store: round trips, provenance, migrations, concurrency, crash safety."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from edge_app.detections import Detections
from edge_app.errors import StoreError
from edge_app.frame import Frame, StagePosition
from edge_app.model_card import ModelCard
from edge_app.store.records import FieldProvenance, FieldQuality
from edge_app.store.schema import SCHEMA_VERSION
from edge_app.store.store import ResultsStore
from edge_app.store.workspace import ENV_VAR, resolve_workspace
from edge_app.taxonomy import Taxonomy


def _frame(seed: int, stage: StagePosition | None = None) -> Frame:
    image = np.random.default_rng(seed).integers(0, 255, (48, 64, 3), dtype=np.uint8)
    return Frame(image, index=seed, source_id="replay:test", stage=stage)


def _dets(n: int = 3) -> Detections:
    rng = np.random.default_rng(n)
    xy = rng.uniform(0, 30, (n, 2))
    xyxy = np.hstack([xy, xy + rng.uniform(5, 15, (n, 2))])
    prob = rng.dirichlet([1, 1], size=(n, 7)).astype(np.float32)
    return Detections(xyxy, rng.integers(0, 14, n), rng.uniform(0.3, 1, n), prob)


def test_field_round_trip_with_provenance_and_stage(tmp_path: Path) -> None:
    card = ModelCard("demo", Taxonomy.leukemia_attri(), (320, 320))
    with ResultsStore(tmp_path) as store:
        model_id = store.register_model(card)
        prov = FieldProvenance("xsz107bn-zzcat-100x", 100, model_id)
        with store.session("S-001", prov, sample_code="P-7") as session:
            record = session.add(_frame(1, StagePosition(12.3, 4.5)), _dets(), FieldQuality(0.9, 120.0, 0.01),
                                 stage_snapshot=np.zeros((20, 40, 3), np.uint8))
        dets = store.detections(record.id)
        assert np.allclose(dets.xyxy, _dets().xyxy) and np.allclose(dets.attr_prob, _dets().attr_prob)
        assert dets.class_id.tolist() == _dets().class_id.tolist()
        assert record.stage == StagePosition(12.3, 4.5, "typed")
        assert record.provenance.model_id == model_id and record.provenance.objective == 100
        assert record.quality.focus == pytest.approx(0.9) and record.num_detections == 3
        assert record.image_path.is_file() and record.image_path.name.startswith(record.image_sha256)
        assert store.model_card(model_id) == card
        assert store.slide("S-001").sample_code == "P-7"


def test_same_image_twice_is_stored_once(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    slide = store.start_slide("S")
    first = store.add_field(slide, _frame(1), _dets())
    again = store.add_field(slide, _frame(1), _dets(5))
    assert again.id == first.id and len(store.fields(slide)) == 1


def test_saved_file_is_stored_by_its_own_hash(tmp_path: Path) -> None:
    import hashlib

    saved = tmp_path / "field.jpg"
    saved.write_bytes(b"\xff\xd8 pretend jpeg \xff\xd9")
    store = ResultsStore(tmp_path / "ws")
    record = store.add_field(store.start_slide("S"), _frame(2), _dets(0), image_file=saved)
    assert record.image_sha256 == hashlib.sha256(saved.read_bytes()).hexdigest()
    assert record.image_path.suffix == ".jpg" and store.missing_files() == []


def test_schema_is_versioned_and_newer_workspaces_are_refused(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    assert store.schema_version == SCHEMA_VERSION
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    store.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    store.close()
    with pytest.raises(StoreError, match="newer Leuko"):
        ResultsStore(tmp_path)


def test_foreign_keys_refuse_orphan_detections(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("INSERT INTO detections(field_id, idx, x1, y1, x2, y2, class_id, score) "
                         "VALUES (999, 0, 0, 0, 1, 1, 0, 1)")


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "leuko.sqlite").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open the results database"):
        ResultsStore(tmp_path)


def test_reader_thread_sees_consistent_fields_while_writer_adds(tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    slide = store.start_slide("S")
    errors: list[BaseException] = []
    done = threading.Event()

    def read_loop() -> None:
        reader = ResultsStore(tmp_path)
        try:
            while not done.is_set():
                for record in reader.fields(slide):
                    assert len(reader.detections(record.id)) == record.num_detections == 3
                    assert record.image_path.is_file()
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=read_loop)
    thread.start()
    for i in range(25):
        store.add_field(slide, _frame(100 + i), _dets())
    done.set()
    thread.join(timeout=30)
    assert not errors and len(store.fields(slide)) == 25


WRITER = textwrap.dedent("""
    import sys, numpy as np
    from pathlib import Path
    from edge_app.store.store import ResultsStore
    from edge_app.frame import Frame
    from edge_app.detections import Detections
    store = ResultsStore(Path(sys.argv[1]))
    slide = store.start_slide("S")
    dets = Detections(np.array([[1, 1, 9, 9]] * 40, np.float32), [3] * 40, [0.9] * 40, np.full((40, 7, 2), 0.5))
    i = 0
    while True:
        img = np.random.default_rng(i).integers(0, 255, (240, 320, 3), dtype=np.uint8)
        store.add_field(slide, Frame(img, index=i), dets)
        print(i, flush=True)
        i += 1
""")


def test_kill_9_mid_write_leaves_no_row_without_its_file(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for _ in range(5):
        proc.stdout.readline()
    time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    store = ResultsStore(tmp_path)
    fields = store.fields(store.slide("S"))
    assert len(fields) >= 5 and store.missing_files() == []
    assert all(len(store.detections(f.id)) == 40 for f in fields)


def test_workspace_resolution_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "from-env"))
    assert resolve_workspace() == tmp_path / "from-env"
    assert resolve_workspace(tmp_path / "explicit") == tmp_path / "explicit"
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the workspace folder"):
        resolve_workspace(blocker / "sub")
