-- Registry sync (issue 11): the outbox of changes that must reach the central registry, the
-- registry's URL, the conflicts a pull found, and each sync's outcome.
--
-- An outbox row is written in the same transaction as the change it announces (a release
-- record, an approval, a waiver), so a change is never stored without its way out. A push
-- marks it done, or counts the attempt and keeps its last error. Push is planned from what the
-- registry holds, so a row marked done late (a crash after the send) is sent again harmlessly.
-- The credential is never here: it lives in the OS keyring.

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models (id),
    kind TEXT NOT NULL CHECK (kind IN ('release-record', 'approval', 'waiver')),
    subject TEXT NOT NULL,
    ref_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error TEXT,
    last_attempt_at TEXT,
    done_at TEXT
);
CREATE INDEX outbox_waiting ON outbox (done_at, model_id);

CREATE TABLE registry_settings (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    at TEXT NOT NULL
);

CREATE TABLE sync_conflicts (
    id INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models (id),
    version TEXT NOT NULL,
    kind TEXT NOT NULL,
    local_sha256 TEXT,
    remote_sha256 TEXT NOT NULL,
    detail TEXT NOT NULL,
    found_at TEXT NOT NULL,
    UNIQUE (model_id, version, kind, remote_sha256)
);

CREATE TABLE sync_runs (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('push', 'pull', 'both')),
    url TEXT NOT NULL,
    ops INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    error TEXT
);

CREATE TRIGGER registry_settings_immutable BEFORE UPDATE ON registry_settings
BEGIN SELECT RAISE(ABORT, 'registry settings are immutable; set the URL again to change it'); END;
CREATE TRIGGER sync_conflicts_append_only BEFORE DELETE ON sync_conflicts
BEGIN SELECT RAISE(ABORT, 'sync conflicts are never deleted'); END;
CREATE TRIGGER outbox_kept BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'outbox rows are marked done, never deleted'); END;
