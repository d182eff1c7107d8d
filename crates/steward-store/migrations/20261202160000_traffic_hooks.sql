-- The per-model hook command run after each traffic change (with the release record on its
-- standard input), and every run's outcome, tied to the change. Both append-only: the newest
-- hook row of a model is the one in force (an empty command removes the hook).

CREATE TABLE traffic_hooks (
    id INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models (id),
    command TEXT NOT NULL,
    timeout_ms INTEGER NOT NULL CHECK (timeout_ms > 0),
    at TEXT NOT NULL
);
CREATE INDEX traffic_hooks_model ON traffic_hooks (model_id, id);

CREATE TABLE traffic_hook_runs (
    id INTEGER PRIMARY KEY,
    change_id INTEGER NOT NULL REFERENCES traffic_changes (id),
    command TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'failed', 'timed-out', 'not-started')),
    exit_code INTEGER,
    output TEXT NOT NULL,
    elapsed_ms INTEGER NOT NULL CHECK (elapsed_ms >= 0),
    at TEXT NOT NULL
);
CREATE INDEX traffic_hook_runs_change ON traffic_hook_runs (change_id);

CREATE TRIGGER traffic_hooks_immutable BEFORE UPDATE ON traffic_hooks
BEGIN SELECT RAISE(ABORT, 'hooks are immutable; set the hook again to change it'); END;
CREATE TRIGGER traffic_hooks_append_only BEFORE DELETE ON traffic_hooks
BEGIN SELECT RAISE(ABORT, 'hooks are never deleted; set an empty hook to remove it'); END;
CREATE TRIGGER traffic_hook_runs_immutable BEFORE UPDATE ON traffic_hook_runs
BEGIN SELECT RAISE(ABORT, 'hook runs are immutable'); END;
CREATE TRIGGER traffic_hook_runs_append_only BEFORE DELETE ON traffic_hook_runs
BEGIN SELECT RAISE(ABORT, 'hook runs are never deleted'); END;
