-- Compliance packs a team added to the workspace (`steward pack add FILE`), as immutable rows
-- of their TOML text. The built-in packs are not stored; a stored pack with the name of an
-- earlier one supersedes it (the newest row of a name is in force). Rows are never changed or
-- deleted, and each is written with its audit entry (`pack.add`).
CREATE TABLE packs (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    version        TEXT NOT NULL,
    content        TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    author         TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX packs_name ON packs (name, id);

CREATE TRIGGER packs_immutable BEFORE UPDATE ON packs
BEGIN SELECT RAISE(ABORT, 'packs are immutable; `steward pack add FILE` appends a new one'); END;
CREATE TRIGGER packs_append_only BEFORE DELETE ON packs
BEGIN SELECT RAISE(ABORT, 'packs are never deleted; `steward pack add FILE` appends a new one'); END;

-- Three document kinds the compliance packs ask for: an AI impact assessment, a post-market
-- monitoring plan and an EU declaration of conformity. Only the CHECK on `documents.kind`
-- changes, which alters no stored row, so the table definition is rewritten in place
-- (SQLite's documented procedure for constraint changes that leave the stored format alone)
-- rather than copied: a copy-and-rename needs `PRAGMA foreign_keys = OFF`, which is a no-op
-- inside the migration's transaction, and with foreign keys on, dropping the old table leaves
-- deferred violations from `document_revisions` that fail the commit. The table's indexes and
-- triggers (append-only, immutable identity, head stays in its document) are untouched.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(sql,
    '''runbook'', ''rollout-plan'')',
    '''runbook'', ''rollout-plan'', ''ai-impact-assessment'', ''post-market-monitoring-plan'', ''declaration-of-conformity'')')
WHERE type = 'table' AND name = 'documents';
PRAGMA writable_schema = RESET;
