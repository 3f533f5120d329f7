"""The store's schema, as numbered migrations applied in order (`PRAGMA user_version`).

Never edit a released migration: add the next one. Each runs in one transaction. Statements are
split on ";", so no semicolon may appear inside a comment.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: slides, fields with their provenance, detections, attributes, stage positions, models.
    """
    CREATE TABLE models (
        id            TEXT PRIMARY KEY,          -- ModelCard.bundle_id
        name          TEXT NOT NULL,
        card_json     TEXT NOT NULL,
        added_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
    CREATE TABLE slides (
        id            INTEGER PRIMARY KEY,
        code          TEXT NOT NULL UNIQUE,      -- the slide id written on the slide
        sample_code   TEXT NOT NULL DEFAULT '',  -- patient / sample code
        profile_id    TEXT NOT NULL DEFAULT '',
        notes         TEXT NOT NULL DEFAULT '',
        started_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        finished_at   TEXT
    );
    CREATE TABLE fields (
        id            INTEGER PRIMARY KEY,
        slide_id      INTEGER NOT NULL REFERENCES slides(id) ON DELETE CASCADE,
        image_sha256  TEXT NOT NULL,
        image_path    TEXT NOT NULL,             -- relative to the workspace
        width         INTEGER NOT NULL,
        height        INTEGER NOT NULL,
        source_id     TEXT NOT NULL DEFAULT '',
        frame_index   INTEGER NOT NULL DEFAULT 0,
        captured_at   REAL NOT NULL,             -- unix time of capture
        profile_id    TEXT NOT NULL DEFAULT '',
        objective     INTEGER,
        model_id      TEXT REFERENCES models(id),
        app_version   TEXT NOT NULL,
        focus         REAL,                      -- normalised focus measure (1 ~ sharp)
        brightness    REAL,                      -- mean luma 0..255
        clipped       REAL,                      -- fraction of clipped pixels
        attr_count    INTEGER NOT NULL DEFAULT 0,
        attr_values   INTEGER NOT NULL DEFAULT 0,
        UNIQUE (slide_id, image_sha256)
    );
    CREATE INDEX fields_by_slide ON fields(slide_id);
    CREATE TABLE stage_positions (
        field_id      INTEGER PRIMARY KEY REFERENCES fields(id) ON DELETE CASCADE,
        x_mm          REAL NOT NULL,
        y_mm          REAL NOT NULL,
        source        TEXT NOT NULL,             -- typed | stage-camera | virtual
        snapshot_sha256 TEXT,                    -- stage-camera picture, if any
        snapshot_path TEXT
    );
    CREATE TABLE detections (
        id            INTEGER PRIMARY KEY,
        field_id      INTEGER NOT NULL REFERENCES fields(id) ON DELETE CASCADE,
        idx           INTEGER NOT NULL,          -- position within the field's Detections
        x1 REAL NOT NULL, y1 REAL NOT NULL, x2 REAL NOT NULL, y2 REAL NOT NULL,
        class_id      INTEGER NOT NULL,
        score         REAL NOT NULL,
        UNIQUE (field_id, idx)
    );
    CREATE TABLE detection_attributes (
        detection_id  INTEGER NOT NULL REFERENCES detections(id) ON DELETE CASCADE,
        attr_index    INTEGER NOT NULL,
        value_index   INTEGER NOT NULL,
        prob          REAL NOT NULL,
        PRIMARY KEY (detection_id, attr_index, value_index)
    ) WITHOUT ROWID;
    """,
    # 2: a reviewer's verdict on a detected cell, kept beside the model's output (never replacing it).
    """
    CREATE TABLE reviews (
        detection_id  INTEGER PRIMARY KEY REFERENCES detections(id) ON DELETE CASCADE,
        verdict       TEXT NOT NULL CHECK (verdict IN ('confirmed', 'corrected', 'rejected')),
        class_id      INTEGER,                   -- the reviewed class, NULL when rejected (not a cell)
        reviewer      TEXT NOT NULL DEFAULT '',
        reviewed_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
    CREATE TABLE review_attributes (
        detection_id  INTEGER NOT NULL REFERENCES reviews(detection_id) ON DELETE CASCADE,
        attr_index    INTEGER NOT NULL,
        code          INTEGER NOT NULL,          -- value index, or the taxonomy's not-annotated code
        PRIMARY KEY (detection_id, attr_index)
    ) WITHOUT ROWID;
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
