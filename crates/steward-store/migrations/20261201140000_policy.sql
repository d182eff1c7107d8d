-- The workspace's governance policy, as numbered revisions of its TOML text. The newest
-- revision is the policy in force; a workspace with none uses the built-in default. Every
-- revision is written with its audit entry (`policy.set`), re-checked against its sha256 on
-- read, and never changed or deleted: `steward policy set FILE` appends a new one.
CREATE TABLE policy_revisions (
    number         INTEGER PRIMARY KEY CHECK (number >= 1),
    content        TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    name           TEXT NOT NULL,
    author         TEXT NOT NULL,
    message        TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
);

CREATE TRIGGER policy_revisions_immutable BEFORE UPDATE ON policy_revisions
BEGIN SELECT RAISE(ABORT, 'policy revisions are immutable; `steward policy set FILE` appends a new one'); END;
CREATE TRIGGER policy_revisions_append_only BEFORE DELETE ON policy_revisions
BEGIN SELECT RAISE(ABORT, 'policy revisions are never deleted; `steward policy set FILE` appends a new one'); END;
