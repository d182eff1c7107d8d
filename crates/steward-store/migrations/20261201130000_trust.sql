-- Trust: the signed roster changes, signed approvals and signed seals of the audit chain.
--
-- Each row keeps the DSSE envelope exactly as signed, with the sha256 of its text. The store
-- never decides what a row means: the roster is rebuilt on every read by verifying each
-- envelope and folding the changes (steward-api + steward_domain::trust), so a row inserted
-- here by hand is not trusted. The other columns are copies of what the signed payload says,
-- for listing; readers believe the envelope, not them.

CREATE TABLE roster_changes (
    seq INTEGER PRIMARY KEY CHECK (seq >= 1),
    envelope TEXT NOT NULL,
    envelope_sha256 TEXT NOT NULL UNIQUE,
    signer_keyid TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE approvals (
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES versions (id),
    target_stage TEXT NOT NULL,
    role TEXT NOT NULL,
    decision TEXT NOT NULL,
    signer_keyid TEXT NOT NULL,
    subject_digest TEXT NOT NULL,
    envelope TEXT NOT NULL,
    envelope_sha256 TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    imported INTEGER NOT NULL CHECK (imported IN (0, 1)),
    created_at TEXT NOT NULL,
    UNIQUE (version_id, envelope_sha256)
);
CREATE INDEX approvals_version ON approvals (version_id, role);

CREATE TABLE audit_seals (
    id INTEGER PRIMARY KEY,
    sealed_seq INTEGER NOT NULL CHECK (sealed_seq >= 1),
    head_hash TEXT NOT NULL,
    signer_keyid TEXT NOT NULL,
    envelope TEXT NOT NULL,
    envelope_sha256 TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TRIGGER roster_changes_immutable BEFORE UPDATE ON roster_changes
BEGIN SELECT RAISE(ABORT, 'roster changes are immutable; sign a new change'); END;
CREATE TRIGGER roster_changes_append_only BEFORE DELETE ON roster_changes
BEGIN SELECT RAISE(ABORT, 'roster changes are never deleted; revoke instead'); END;
CREATE TRIGGER approvals_immutable BEFORE UPDATE ON approvals
BEGIN SELECT RAISE(ABORT, 'approvals are immutable; sign a new one'); END;
CREATE TRIGGER approvals_append_only BEFORE DELETE ON approvals
BEGIN SELECT RAISE(ABORT, 'approvals are never deleted; a newer one supersedes it'); END;
CREATE TRIGGER audit_seals_immutable BEFORE UPDATE ON audit_seals
BEGIN SELECT RAISE(ABORT, 'audit seals are immutable'); END;
CREATE TRIGGER audit_seals_append_only BEFORE DELETE ON audit_seals
BEGIN SELECT RAISE(ABORT, 'audit seals are never deleted'); END;
