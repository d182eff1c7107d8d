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

-- A run's rows, in file order, as immutable chunks of up to 4,096 rows each (the last one
-- shorter). `data` is the compact columnar encoding of steward-store/src/evals/chunk.rs (a
-- per-chunk string table, then one column per field); a run's chunks are numbered from 0 and
-- their row counts add up to eval_runs.row_count. Rows are read whole per version, never
-- queried one by one, so one SQLite row per metric value would only cost import time.
CREATE TABLE eval_row_chunks (
    run_id    INTEGER NOT NULL REFERENCES eval_runs (id) DEFERRABLE INITIALLY DEFERRED,
    chunk_no  INTEGER NOT NULL CHECK (chunk_no >= 0),
    row_count INTEGER NOT NULL CHECK (row_count BETWEEN 1 AND 4096),
    data      BLOB NOT NULL,
    PRIMARY KEY (run_id, chunk_no)
);

-- Evidence is immutable once imported.
CREATE TRIGGER eval_runs_immutable BEFORE UPDATE ON eval_runs
BEGIN SELECT RAISE(ABORT, 'evaluation runs are immutable'); END;
CREATE TRIGGER eval_row_chunks_immutable BEFORE UPDATE ON eval_row_chunks
BEGIN SELECT RAISE(ABORT, 'evaluation rows are immutable'); END;
CREATE TRIGGER eval_runs_append_only BEFORE DELETE ON eval_runs
BEGIN SELECT RAISE(ABORT, 'evaluation runs are immutable'); END;
CREATE TRIGGER eval_row_chunks_append_only BEFORE DELETE ON eval_row_chunks
BEGIN SELECT RAISE(ABORT, 'evaluation rows are immutable'); END;
