-- In-product feedback (issue 12, point 4). Every text column holds text the API already
-- redacted (emails, phones, cards, IBANs, IP addresses, the policy's patterns) and cut to the
-- policy's token limit: nothing unredacted reaches this file. Imports are evidenced by the
-- file's sha256 (the same bytes cannot be imported twice for a version); items are tied to
-- their model version and prompt variant; reviewer labels are appended, the latest counts.
-- All three tables are append-only.

CREATE TABLE feedback_imports (
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES versions (id),
    variant TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    items INTEGER NOT NULL CHECK (items >= 0),
    redactions INTEGER NOT NULL CHECK (redactions >= 0),
    max_tokens INTEGER NOT NULL CHECK (max_tokens > 0),
    imported_at TEXT NOT NULL,
    UNIQUE (version_id, file_sha256)
);

CREATE TABLE feedback_items (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES feedback_imports (id),
    version_id INTEGER NOT NULL REFERENCES versions (id),
    line INTEGER NOT NULL CHECK (line > 0),
    external_id TEXT NOT NULL,
    variant TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('thumbs-up', 'thumbs-down', 'correction', 'override')),
    at TEXT NOT NULL,
    input TEXT NOT NULL,
    output TEXT NOT NULL,
    comment TEXT NOT NULL,
    correction TEXT NOT NULL,
    flagged INTEGER NOT NULL CHECK (flagged IN (0, 1)),
    safety INTEGER NOT NULL CHECK (safety IN (0, 1)),
    redactions TEXT NOT NULL,
    redaction_total INTEGER NOT NULL CHECK (redaction_total >= 0),
    truncated INTEGER NOT NULL CHECK (truncated IN (0, 1))
);
CREATE INDEX feedback_items_version ON feedback_items (version_id, id);

CREATE TABLE feedback_labels (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES feedback_items (id),
    label TEXT NOT NULL CHECK (label IN ('correct', 'wrong', 'unsafe', 'other')),
    note TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX feedback_labels_item ON feedback_labels (item_id, id);

CREATE TRIGGER feedback_imports_immutable BEFORE UPDATE ON feedback_imports
BEGIN SELECT RAISE(ABORT, 'feedback imports are immutable'); END;
CREATE TRIGGER feedback_imports_append_only BEFORE DELETE ON feedback_imports
BEGIN SELECT RAISE(ABORT, 'feedback imports are never deleted'); END;
CREATE TRIGGER feedback_items_immutable BEFORE UPDATE ON feedback_items
BEGIN SELECT RAISE(ABORT, 'feedback items are immutable'); END;
CREATE TRIGGER feedback_items_append_only BEFORE DELETE ON feedback_items
BEGIN SELECT RAISE(ABORT, 'feedback items are never deleted'); END;
CREATE TRIGGER feedback_labels_immutable BEFORE UPDATE ON feedback_labels
BEGIN SELECT RAISE(ABORT, 'labels are immutable; label the item again'); END;
CREATE TRIGGER feedback_labels_append_only BEFORE DELETE ON feedback_labels
BEGIN SELECT RAISE(ABORT, 'labels are never deleted; label the item again'); END;
