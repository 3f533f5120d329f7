"""`ResultsStore`: one SQLite database per workspace plus its content-addressed images.

WAL mode lets the GUI read while the pipeline writes; every thread gets its own connection.
A field's image is fsynced to disk before its row is committed, and the row, its detections,
attributes and stage position commit in one transaction: a crash loses at most that field.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from edge_app import __version__
from edge_app.detections import Detections
from edge_app.errors import StoreError
from edge_app.frame import Frame, StagePosition
from edge_app.model_card import ModelCard
from edge_app.store.images import ImageStore
from edge_app.store.records import FieldProvenance, FieldQuality, FieldRecord, Slide
from edge_app.store.schema import MIGRATIONS, SCHEMA_VERSION

DB_NAME = "leuko.sqlite"
NO_PROVENANCE = FieldProvenance()
UNKNOWN_QUALITY = FieldQuality()


class ResultsStore:
    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace
        self.db_path = workspace / DB_NAME
        self.images = ImageStore(workspace / "images")
        self._local = threading.local()
        self._migrate()

    # --- connections and schema ----------------------------------------------------------
    @property
    def db(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.db_path, timeout=30.0, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")  # a power cut must not lose committed fields
            conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the results database: {exc}", where=str(self.db_path),
                             hint="is it a Leuko workspace? move the file away to start a new one") from None
        return conn

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"the workspace was written by a newer Leuko (schema {version} > {SCHEMA_VERSION})",
                             where=str(self.db_path), hint="update Leuko to open this workspace")
        for number in range(version, SCHEMA_VERSION):
            with self.transaction() as db:
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {number + 1}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def __enter__(self) -> ResultsStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    # --- models and slides ---------------------------------------------------------------
    def register_model(self, card: ModelCard) -> str:
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO models(id, name, card_json) VALUES (?, ?, ?)",
                       (card.bundle_id, card.name, card.to_json()))
        return card.bundle_id

    def model_card(self, model_id: str) -> ModelCard:
        row = self.db.execute("SELECT card_json FROM models WHERE id = ?", (model_id,)).fetchone()
        if row is None:
            raise StoreError(f"no model {model_id!r} in this workspace", where=str(self.db_path))
        return ModelCard.from_json(row[0], where=f"{self.db_path}: model {model_id}")

    def start_slide(self, code: str, sample_code: str = "", profile_id: str = "", notes: str = "") -> Slide:
        """Open (or reopen) the slide with this code."""
        code = code.strip()
        if not code:
            raise StoreError("a slide needs an id", hint="type the id written on the slide label")
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO slides(code, sample_code, profile_id, notes) VALUES (?, ?, ?, ?)",
                       (code, sample_code, profile_id, notes))
        return self.slide(code)

    def slide(self, code: str) -> Slide:
        row = self.db.execute("SELECT * FROM slides WHERE code = ?", (code,)).fetchone()
        if row is None:
            raise StoreError(f"no slide {code!r} in this workspace", where=str(self.workspace),
                             hint="list slides with `leuko slides` or scan fields into it first")
        return Slide(row["id"], row["code"], row["sample_code"], row["profile_id"], row["started_at"],
                     row["finished_at"])

    def slides(self) -> list[Slide]:
        rows = self.db.execute("SELECT code FROM slides ORDER BY id").fetchall()
        return [self.slide(r[0]) for r in rows]

    @contextmanager
    def session(self, slide_code: str, provenance: FieldProvenance = NO_PROVENANCE,
                sample_code: str = "") -> Iterator[SlideSession]:
        """A sink for one slide: `with store.session("S-12") as s: s.add(frame, dets, quality)`."""
        session = SlideSession(self, self.start_slide(slide_code, sample_code, provenance.profile_id), provenance)
        yield session

    def finish_slide(self, code: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE slides SET finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE code = ?",
                       (code,))

    # --- fields --------------------------------------------------------------------------
    def has_field(self, slide: Slide, image_sha256: str) -> bool:
        row = self.db.execute("SELECT 1 FROM fields WHERE slide_id = ? AND image_sha256 = ?",
                              (slide.id, image_sha256)).fetchone()
        return row is not None

    def add_field(
        self,
        slide: Slide,
        frame: Frame,
        detections: Detections,
        *,
        provenance: FieldProvenance = NO_PROVENANCE,
        quality: FieldQuality = UNKNOWN_QUALITY,
        image_file: Path | None = None,
        stage_snapshot: np.ndarray | None = None,
    ) -> FieldRecord:
        """Store a field: image first (fsynced), then its rows in one transaction.

        `image_file` stores a saved field as it is (batch scan: its hash is the file's);
        otherwise the frame's pixels are stored as PNG. Adding the same image to the same
        slide again returns the existing record.
        """
        sha, path = self.images.put_file(image_file) if image_file else self.images.put_array(frame.image)
        existing = self._field_id(slide, sha)
        if existing is not None:
            return self.field(existing)
        snapshot = self.images.put_array(stage_snapshot, ".jpg") if stage_snapshot is not None else None
        with self.transaction() as db:
            field_id = self._insert_field(db, slide, frame, detections, sha, path, provenance, quality)
            self._insert_detections(db, field_id, detections)
            if frame.stage is not None:
                self._insert_stage(db, field_id, frame.stage, snapshot)
        return self.field(field_id)

    def _field_id(self, slide: Slide, sha: str) -> int | None:
        row = self.db.execute("SELECT id FROM fields WHERE slide_id = ? AND image_sha256 = ?",
                              (slide.id, sha)).fetchone()
        return None if row is None else int(row[0])

    def _insert_field(self, db: sqlite3.Connection, slide: Slide, frame: Frame, dets: Detections, sha: str,
                      path: Path, prov: FieldProvenance, quality: FieldQuality) -> int:
        k = dets.attr_prob.shape[2] if dets.attr_prob.ndim == 3 else 0
        cursor = db.execute(
            """INSERT INTO fields(slide_id, image_sha256, image_path, width, height, source_id, frame_index,
                   captured_at, profile_id, objective, model_id, app_version, focus, brightness, clipped,
                   attr_count, attr_values)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (slide.id, sha, str(path.relative_to(self.workspace)), frame.width, frame.height,
             prov.source_id or frame.source_id, prov.frame_index or frame.index, frame.timestamp, prov.profile_id,
             prov.objective, prov.model_id, __version__, quality.focus, quality.brightness, quality.clipped,
             dets.num_attributes, k),
        )
        return int(cursor.lastrowid or 0)

    @staticmethod
    def _insert_detections(db: sqlite3.Connection, field_id: int, dets: Detections) -> None:
        for i in range(len(dets)):
            x1, y1, x2, y2 = (float(v) for v in dets.xyxy[i])
            cursor = db.execute(
                "INSERT INTO detections(field_id, idx, x1, y1, x2, y2, class_id, score) VALUES (?,?,?,?,?,?,?,?)",
                (field_id, i, x1, y1, x2, y2, int(dets.class_id[i]), float(dets.score[i])),
            )
            rows = [(cursor.lastrowid, a, v, float(p)) for (a, v), p in np.ndenumerate(dets.attr_prob[i]) if p > 0]
            db.executemany("INSERT INTO detection_attributes VALUES (?, ?, ?, ?)", rows)

    def _insert_stage(self, db: sqlite3.Connection, field_id: int, stage: StagePosition,
                      snapshot: tuple[str, Path] | None) -> None:
        snap_sha, snap_path = snapshot if snapshot else (None, None)
        db.execute("INSERT INTO stage_positions VALUES (?, ?, ?, ?, ?, ?)",
                   (field_id, stage.x_mm, stage.y_mm, stage.source, snap_sha,
                    str(snap_path.relative_to(self.workspace)) if snap_path else None))

    def field(self, field_id: int) -> FieldRecord:
        row = self.db.execute(
            """SELECT f.*, s.x_mm, s.y_mm, s.source AS stage_source,
                      (SELECT COUNT(*) FROM detections d WHERE d.field_id = f.id) AS n
               FROM fields f LEFT JOIN stage_positions s ON s.field_id = f.id WHERE f.id = ?""",
            (field_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"no field {field_id} in this workspace", where=str(self.db_path))
        return self._field_record(row)

    def fields(self, slide: Slide) -> list[FieldRecord]:
        ids = self.db.execute("SELECT id FROM fields WHERE slide_id = ? ORDER BY id", (slide.id,)).fetchall()
        return [self.field(r[0]) for r in ids]

    def _field_record(self, row: sqlite3.Row) -> FieldRecord:
        stage = None if row["x_mm"] is None else StagePosition(row["x_mm"], row["y_mm"], row["stage_source"])
        return FieldRecord(
            id=row["id"], slide_id=row["slide_id"], image_sha256=row["image_sha256"],
            image_path=self.workspace / row["image_path"], width=row["width"], height=row["height"],
            captured_at=row["captured_at"], app_version=row["app_version"],
            provenance=FieldProvenance(row["profile_id"], row["objective"], row["model_id"], row["source_id"],
                                       row["frame_index"]),
            quality=FieldQuality(row["focus"], row["brightness"], row["clipped"]),
            stage=stage, num_detections=row["n"],
        )

    def detections(self, field_id: int) -> Detections:
        """The field's detections exactly as stored (attribute probabilities included)."""
        shape = self.db.execute("SELECT attr_count, attr_values FROM fields WHERE id = ?", (field_id,)).fetchone()
        if shape is None:
            raise StoreError(f"no field {field_id} in this workspace", where=str(self.db_path))
        rows = self.db.execute("SELECT id, x1, y1, x2, y2, class_id, score FROM detections WHERE field_id = ? "
                               "ORDER BY idx", (field_id,)).fetchall()
        prob = np.zeros((len(rows), shape[0], shape[1]), np.float32)
        index = {r["id"]: i for i, r in enumerate(rows)}
        for det_id, a, v, p in self.db.execute(
            "SELECT a.detection_id, a.attr_index, a.value_index, a.prob FROM detection_attributes a "
            "JOIN detections d ON d.id = a.detection_id WHERE d.field_id = ?", (field_id,)):
            prob[index[det_id], a, v] = p
        xyxy = np.array([[r["x1"], r["y1"], r["x2"], r["y2"]] for r in rows], np.float32).reshape(-1, 4)
        return Detections(xyxy, [r["class_id"] for r in rows], [r["score"] for r in rows], prob)

    def missing_files(self) -> list[str]:
        """Rows whose image is not on disk (should never happen; reported by `verify`)."""
        rows = self.db.execute("SELECT id, image_path FROM fields").fetchall()
        return [f"field {r[0]}: {r[1]}" for r in rows if not (self.workspace / r[1]).is_file()]


class SlideSession:
    """Fields captured into one slide with the same provenance (profile, objective, model)."""

    def __init__(self, store: ResultsStore, slide: Slide, provenance: FieldProvenance) -> None:
        self.store = store
        self.slide = slide
        self.provenance = provenance
        self.added: list[FieldRecord] = []

    def add(self, frame: Frame, detections: Detections, quality: FieldQuality = UNKNOWN_QUALITY,
            image_file: Path | None = None, stage_snapshot: np.ndarray | None = None) -> FieldRecord:
        record = self.store.add_field(self.slide, frame, detections, provenance=self.provenance, quality=quality,
                                      image_file=image_file, stage_snapshot=stage_snapshot)
        self.added.append(record)
        return record

    def finish(self) -> None:
        self.store.finish_slide(self.slide.code)
