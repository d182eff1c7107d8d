-- The first schema: models, versions and their artifacts, dataset snapshots, version↔dataset
-- links, stage history and the hash-chained audit log.

CREATE TABLE models (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    owner       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    risk_tier   TEXT NOT NULL CHECK (risk_tier IN ('low', 'medium', 'high')),
    created_at  TEXT NOT NULL
);

CREATE TABLE versions (
    id            INTEGER PRIMARY KEY,
    model_id      INTEGER NOT NULL REFERENCES models (id),
    version       TEXT NOT NULL,
    stage         TEXT NOT NULL CHECK (stage IN ('experiment', 'candidate', 'canary', 'production', 'rollback-target', 'deprecated')),
    bundle_digest TEXT,
    bundle_uri    TEXT,
    code_commit   TEXT,
    config_digest TEXT,
    config_uri    TEXT,
    created_at    TEXT NOT NULL,
    UNIQUE (model_id, version)
);

-- At most one version of a model serves as production.
CREATE UNIQUE INDEX versions_one_production ON versions (model_id) WHERE stage = 'production';

CREATE TABLE datasets (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL,
    version           TEXT NOT NULL,
    manifest          BLOB NOT NULL,
    manifest_checksum TEXT NOT NULL,
    file_count        INTEGER NOT NULL,
    total_bytes       INTEGER NOT NULL,
    source            TEXT,
    license           TEXT,
    consent           TEXT,
    retention         TEXT,
    personal_data     INTEGER CHECK (personal_data IN (0, 1)),
    created_at        TEXT NOT NULL,
    UNIQUE (name, version)
);

CREATE TABLE version_datasets (
    version_id INTEGER NOT NULL REFERENCES versions (id),
    dataset_id INTEGER NOT NULL REFERENCES datasets (id),
    linked_at  TEXT NOT NULL,
    PRIMARY KEY (version_id, dataset_id)
);

CREATE TABLE stage_history (
    id         INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES versions (id),
    from_stage TEXT,
    to_stage   TEXT NOT NULL,
    kind       TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX stage_history_version ON stage_history (version_id);

CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);

-- Immutable records: stage history, dataset manifests and the audit log refuse edits.
-- (A determined editor can drop these triggers; the audit hash chain still exposes the edit.)
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER stage_history_immutable BEFORE UPDATE ON stage_history
BEGIN SELECT RAISE(ABORT, 'stage history is immutable'); END;
CREATE TRIGGER datasets_manifest_immutable BEFORE UPDATE OF manifest, manifest_checksum ON datasets
BEGIN SELECT RAISE(ABORT, 'dataset manifests are immutable'); END;
