-- Operations after release (issue 12): imported online windows, the guardrail events their
-- evaluation wrote (with the evidence and what was done), incidents with their timelines,
-- and the workspace's guardrail service key. All append-only.

CREATE TABLE online_imports (
    id INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models (id),
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    canary TEXT,
    production TEXT,
    rows INTEGER NOT NULL CHECK (rows > 0),
    step_s INTEGER NOT NULL CHECK (step_s >= 0),
    first_at INTEGER NOT NULL,
    last_at INTEGER NOT NULL,
    policy TEXT NOT NULL,
    at TEXT NOT NULL,
    UNIQUE (model_id, file_sha256)
);

CREATE TABLE online_points (
    import_id INTEGER NOT NULL REFERENCES online_imports (id),
    arm TEXT NOT NULL CHECK (arm IN ('canary', 'production')),
    metric TEXT NOT NULL,
    at INTEGER NOT NULL,
    value REAL NOT NULL
);
CREATE INDEX online_points_import ON online_points (import_id, metric, arm, at);

CREATE TABLE guardrail_events (
    id INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models (id),
    import_id INTEGER NOT NULL REFERENCES online_imports (id),
    rule_id TEXT NOT NULL,
    evidence TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('performed', 'recommended', 'not-performed')),
    detail TEXT NOT NULL,
    release_sha256 TEXT,
    traffic_epoch INTEGER,
    incident_id INTEGER REFERENCES incidents (id),
    at TEXT NOT NULL
);
CREATE INDEX guardrail_events_model ON guardrail_events (model_id, id);

CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models (id),
    title TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('sev1', 'sev2', 'sev3', 'sev4')),
    versions TEXT NOT NULL,
    source TEXT NOT NULL,
    at TEXT NOT NULL
);

CREATE TABLE incident_entries (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    kind TEXT NOT NULL CHECK (kind IN ('note', 'rollback', 'traffic', 'close')),
    text TEXT NOT NULL,
    release_sha256 TEXT,
    action_items TEXT NOT NULL DEFAULT '[]',
    at TEXT NOT NULL
);
CREATE INDEX incident_entries_incident ON incident_entries (incident_id, id);

CREATE TABLE service_keys (
    id INTEGER PRIMARY KEY,
    identity TEXT NOT NULL,
    keyid TEXT NOT NULL,
    at TEXT NOT NULL
);

CREATE TRIGGER online_imports_immutable BEFORE UPDATE ON online_imports
BEGIN SELECT RAISE(ABORT, 'online imports are immutable'); END;
CREATE TRIGGER online_imports_append_only BEFORE DELETE ON online_imports
BEGIN SELECT RAISE(ABORT, 'online imports are never deleted'); END;
CREATE TRIGGER online_points_immutable BEFORE UPDATE ON online_points
BEGIN SELECT RAISE(ABORT, 'online windows are immutable'); END;
CREATE TRIGGER online_points_append_only BEFORE DELETE ON online_points
BEGIN SELECT RAISE(ABORT, 'online windows are never deleted'); END;
CREATE TRIGGER guardrail_events_immutable BEFORE UPDATE ON guardrail_events
BEGIN SELECT RAISE(ABORT, 'guardrail events are immutable'); END;
CREATE TRIGGER guardrail_events_append_only BEFORE DELETE ON guardrail_events
BEGIN SELECT RAISE(ABORT, 'guardrail events are never deleted'); END;
CREATE TRIGGER incidents_immutable BEFORE UPDATE ON incidents
BEGIN SELECT RAISE(ABORT, 'incidents are immutable; add a note'); END;
CREATE TRIGGER incidents_append_only BEFORE DELETE ON incidents
BEGIN SELECT RAISE(ABORT, 'incidents are never deleted'); END;
CREATE TRIGGER incident_entries_immutable BEFORE UPDATE ON incident_entries
BEGIN SELECT RAISE(ABORT, 'incident timelines are append-only'); END;
CREATE TRIGGER incident_entries_append_only BEFORE DELETE ON incident_entries
BEGIN SELECT RAISE(ABORT, 'incident timelines are append-only'); END;
CREATE TRIGGER service_keys_immutable BEFORE UPDATE ON service_keys
BEGIN SELECT RAISE(ABORT, 'service keys are immutable; make a new one'); END;
CREATE TRIGGER service_keys_append_only BEFORE DELETE ON service_keys
BEGIN SELECT RAISE(ABORT, 'service keys are never deleted; revoke the key in the roster'); END;
