-- Evaluation evidence: imported runs (one per file, its sha256 kept as evidence) and their
-- metric rows. Rows are written while the file streams in, before the run row exists (its
-- kind and suite may come last in a JSON file), so the foreign key is checked at commit.

CREATE TABLE eval_runs (
    id            INTEGER PRIMARY KEY,
    version_id    INTEGER NOT NULL REFERENCES versions (id),
    kind          TEXT NOT NULL CHECK (kind IN ('golden-set', 'scenario-suite', 'red-team', 'fairness-audit', 'load-test', 'online-kpis')),
    suite_name    TEXT NOT NULL,
    suite_version TEXT NOT NULL,
    run_at        TEXT,
    imported_at   TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    file_digest   TEXT NOT NULL,
    file_bytes    INTEGER NOT NULL,
    format        TEXT NOT NULL CHECK (format IN ('json', 'csv', 'predictions-csv')),
    row_count     INTEGER NOT NULL,
    declared      TEXT NOT NULL DEFAULT '[]',
    UNIQUE (version_id, file_digest)
);

-- Rows are clustered by (run, position in the file): one B-tree, appended in order, no
-- second index to maintain while a million rows stream in.
CREATE TABLE eval_rows (
    run_id  INTEGER NOT NULL REFERENCES eval_runs (id) DEFERRABLE INITIALLY DEFERRED,
    seq     INTEGER NOT NULL,
    metric  TEXT NOT NULL,
    value   REAL NOT NULL,
    slice   TEXT NOT NULL DEFAULT '',
    ci_low  REAL,
    ci_high REAL,
    n       INTEGER,
    at      TEXT,
    variant TEXT,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

-- Evidence is immutable once imported.
CREATE TRIGGER eval_runs_immutable BEFORE UPDATE ON eval_runs
BEGIN SELECT RAISE(ABORT, 'evaluation runs are immutable'); END;
CREATE TRIGGER eval_rows_immutable BEFORE UPDATE ON eval_rows
BEGIN SELECT RAISE(ABORT, 'evaluation rows are immutable'); END;
CREATE TRIGGER eval_runs_append_only BEFORE DELETE ON eval_runs
BEGIN SELECT RAISE(ABORT, 'evaluation runs are immutable'); END;
CREATE TRIGGER eval_rows_append_only BEFORE DELETE ON eval_rows
BEGIN SELECT RAISE(ABORT, 'evaluation rows are immutable'); END;
