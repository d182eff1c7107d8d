-- Release documents: one row per (version, kind) or (dataset snapshot, kind) for data sheets,
-- and their immutable revisions. A revision names its parent (the head it was written over)
-- and, for a merge of two concurrent edits, a second parent. The head pointer is the only
-- column of a document that ever changes, and it only moves to a revision of that document.

CREATE TABLE documents (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('model-card', 'data-sheet', 'risk-assessment', 'eval-report', 'runbook', 'rollout-plan')),
    version_id       INTEGER REFERENCES versions (id),
    dataset_id       INTEGER REFERENCES datasets (id),
    head_revision_id INTEGER REFERENCES document_revisions (id),
    created_at       TEXT NOT NULL,
    -- Data sheets belong to a dataset snapshot; every other kind to a model version.
    CHECK ((kind = 'data-sheet' AND dataset_id IS NOT NULL AND version_id IS NULL)
        OR (kind <> 'data-sheet' AND version_id IS NOT NULL AND dataset_id IS NULL))
);
CREATE UNIQUE INDEX documents_version_kind ON documents (version_id, kind) WHERE version_id IS NOT NULL;
CREATE UNIQUE INDEX documents_dataset_kind ON documents (dataset_id, kind) WHERE dataset_id IS NOT NULL;

CREATE TABLE document_revisions (
    id                 INTEGER PRIMARY KEY,
    document_id        INTEGER NOT NULL REFERENCES documents (id),
    number             INTEGER NOT NULL CHECK (number >= 1),
    content            TEXT NOT NULL,
    content_sha256     TEXT NOT NULL,
    author             TEXT NOT NULL,
    message            TEXT NOT NULL DEFAULT '',
    parent_id          INTEGER REFERENCES document_revisions (id),
    second_parent_id   INTEGER REFERENCES document_revisions (id),
    created_at         TEXT NOT NULL,
    UNIQUE (document_id, number)
);

CREATE TRIGGER document_revisions_immutable BEFORE UPDATE ON document_revisions
BEGIN SELECT RAISE(ABORT, 'document revisions are immutable; save a new revision'); END;
CREATE TRIGGER document_revisions_append_only BEFORE DELETE ON document_revisions
BEGIN SELECT RAISE(ABORT, 'document revisions are never deleted; restore creates a new revision'); END;
CREATE TRIGGER documents_identity_immutable BEFORE UPDATE OF id, kind, version_id, dataset_id, created_at ON documents
BEGIN SELECT RAISE(ABORT, 'a document keeps its kind and owner; only its head moves'); END;
CREATE TRIGGER documents_head_stays_in_document BEFORE UPDATE OF head_revision_id ON documents
WHEN (SELECT document_id FROM document_revisions WHERE id = NEW.head_revision_id) IS NOT NEW.id
BEGIN SELECT RAISE(ABORT, 'a document head must be one of its own revisions'); END;
