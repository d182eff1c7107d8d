-- Online windows stored one row per series (issue 12): an import of a week of minute windows
-- for 50 metrics and both arms is about a million values, and a SQLite row (with its index
-- entry) per value made storing them most of an import's time. `data` is the series in time
-- order, 16 bytes a window: the start (i64, seconds since the epoch) then the value (f64),
-- both little-endian; `points` is their count and `data_sha256` the sha256 of `data`, also
-- recorded in the import's audit entry. Imports made before this migration keep their rows
-- in `online_points`, which `Store::online_series` still reads. Append-only like the rest.
CREATE TABLE online_series (
    import_id INTEGER NOT NULL REFERENCES online_imports (id),
    arm TEXT NOT NULL CHECK (arm IN ('canary', 'production')),
    metric TEXT NOT NULL,
    points INTEGER NOT NULL CHECK (points > 0),
    data BLOB NOT NULL CHECK (length(data) = 16 * points),
    data_sha256 TEXT NOT NULL,
    PRIMARY KEY (import_id, metric, arm)
);

CREATE TRIGGER online_series_immutable BEFORE UPDATE ON online_series
BEGIN SELECT RAISE(ABORT, 'online windows are immutable'); END;
CREATE TRIGGER online_series_append_only BEFORE DELETE ON online_series
BEGIN SELECT RAISE(ABORT, 'online windows are never deleted'); END;
