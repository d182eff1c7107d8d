-- The traffic dial: every change of a model's flagd flag (who, why, which release record, the
-- state as canonical JSON, and the file written with its sha256 or why it was not written),
-- and where the flag files live. Both append-only.

CREATE TABLE traffic_changes (
    id INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models (id),
    epoch INTEGER NOT NULL CHECK (epoch >= 0),
    state TEXT NOT NULL,
    reason TEXT NOT NULL,
    release_sha256 TEXT,
    file_path TEXT NOT NULL,
    file_sha256 TEXT,
    file_note TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX traffic_changes_model ON traffic_changes (model_id, id);

CREATE TABLE traffic_settings (
    id INTEGER PRIMARY KEY,
    flag_dir TEXT NOT NULL,
    at TEXT NOT NULL
);

CREATE TRIGGER traffic_changes_immutable BEFORE UPDATE ON traffic_changes
BEGIN SELECT RAISE(ABORT, 'traffic changes are immutable; record a new one'); END;
CREATE TRIGGER traffic_changes_append_only BEFORE DELETE ON traffic_changes
BEGIN SELECT RAISE(ABORT, 'traffic changes are never deleted'); END;
CREATE TRIGGER traffic_settings_immutable BEFORE UPDATE ON traffic_settings
BEGIN SELECT RAISE(ABORT, 'settings are immutable; set again to change them'); END;
CREATE TRIGGER traffic_settings_append_only BEFORE DELETE ON traffic_settings
BEGIN SELECT RAISE(ABORT, 'settings are never deleted; set again to change them'); END;
