-- Governance records: signed waivers, signed security/privacy reviews of dataset snapshots,
-- signed release records (one per promotion, rollback and deprecation, chained per model),
-- the git tags made for them, and the local git repository a model is linked to.
--
-- As with approvals, each signed row keeps its DSSE envelope exactly as signed with the sha256
-- of its text; the other columns are copies for listing, and readers believe the envelope.
-- Every table here is append-only.

CREATE TABLE waivers (
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES versions (id),
    check_id TEXT NOT NULL,
    role TEXT NOT NULL,
    signer_keyid TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    envelope TEXT NOT NULL,
    envelope_sha256 TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (version_id, envelope_sha256)
);
CREATE INDEX waivers_version ON waivers (version_id, check_id);

CREATE TABLE dataset_reviews (
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets (id),
    role TEXT NOT NULL,
    signer_keyid TEXT NOT NULL,
    manifest_checksum TEXT NOT NULL,
    envelope TEXT NOT NULL,
    envelope_sha256 TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (dataset_id, envelope_sha256)
);

CREATE TABLE release_records (
    id INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models (id),
    seq INTEGER NOT NULL CHECK (seq >= 1),
    version_id INTEGER NOT NULL REFERENCES versions (id),
    kind TEXT NOT NULL,
    from_stage TEXT NOT NULL,
    to_stage TEXT NOT NULL,
    signer_keyid TEXT NOT NULL,
    previous_sha256 TEXT,
    envelope TEXT NOT NULL,
    envelope_sha256 TEXT NOT NULL UNIQUE,
    recorded_at TEXT NOT NULL,
    UNIQUE (model_id, seq)
);

CREATE TABLE release_tags (
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES release_records (id),
    tag TEXT NOT NULL,
    created INTEGER NOT NULL CHECK (created IN (0, 1)),
    detail TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX release_tags_record ON release_tags (record_id);

CREATE TABLE model_repos (
    id INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models (id),
    path TEXT NOT NULL,
    at TEXT NOT NULL
);

CREATE TRIGGER waivers_immutable BEFORE UPDATE ON waivers
BEGIN SELECT RAISE(ABORT, 'waivers are immutable; sign a new one'); END;
CREATE TRIGGER waivers_append_only BEFORE DELETE ON waivers
BEGIN SELECT RAISE(ABORT, 'waivers are never deleted; an expired one stops counting'); END;
CREATE TRIGGER dataset_reviews_immutable BEFORE UPDATE ON dataset_reviews
BEGIN SELECT RAISE(ABORT, 'dataset reviews are immutable; sign a new one'); END;
CREATE TRIGGER dataset_reviews_append_only BEFORE DELETE ON dataset_reviews
BEGIN SELECT RAISE(ABORT, 'dataset reviews are never deleted'); END;
CREATE TRIGGER release_records_immutable BEFORE UPDATE ON release_records
BEGIN SELECT RAISE(ABORT, 'release records are immutable'); END;
CREATE TRIGGER release_records_append_only BEFORE DELETE ON release_records
BEGIN SELECT RAISE(ABORT, 'release records are never deleted'); END;
CREATE TRIGGER release_tags_immutable BEFORE UPDATE ON release_tags
BEGIN SELECT RAISE(ABORT, 'release tag results are immutable; record a new attempt'); END;
CREATE TRIGGER release_tags_append_only BEFORE DELETE ON release_tags
BEGIN SELECT RAISE(ABORT, 'release tag results are never deleted'); END;
CREATE TRIGGER model_repos_immutable BEFORE UPDATE ON model_repos
BEGIN SELECT RAISE(ABORT, 'repository links are immutable; link again to change it'); END;
CREATE TRIGGER model_repos_append_only BEFORE DELETE ON model_repos
BEGIN SELECT RAISE(ABORT, 'repository links are never deleted; link again to change it'); END;
