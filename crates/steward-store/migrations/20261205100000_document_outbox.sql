-- Document sync (issue 11): a saved, restored or merged revision of a version's document must
-- reach the registry, so the outbox takes `document-revision` rows, written in the same
-- transaction as the revision. SQLite cannot widen a CHECK in place: the table is rebuilt
-- with every row kept (DROP TABLE runs no DELETE trigger) and its index and trigger restored.

CREATE TABLE outbox_widened (
    id INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models (id),
    kind TEXT NOT NULL CHECK (kind IN ('release-record', 'approval', 'waiver', 'document-revision')),
    subject TEXT NOT NULL,
    ref_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error TEXT,
    last_attempt_at TEXT,
    done_at TEXT
);
INSERT INTO outbox_widened (id, model_id, kind, subject, ref_id, created_at, attempts, last_error, last_attempt_at, done_at)
    SELECT id, model_id, kind, subject, ref_id, created_at, attempts, last_error, last_attempt_at, done_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_widened RENAME TO outbox;
CREATE INDEX outbox_waiting ON outbox (done_at, model_id);
CREATE TRIGGER outbox_kept BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'outbox rows are marked done, never deleted'); END;
