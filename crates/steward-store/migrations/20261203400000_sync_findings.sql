-- Registry sync in the studio (issue 11, point 9): what each sync found, kept so the studio
-- can show the last sync's ungoverned aliases, remote-ahead aliases, duplicates and refused
-- approvals without asking the registry again (conflicts and tampered items already live in
-- sync_conflicts). One row per sync that reached the registry; `report` is the sync's report
-- as JSON (the wire type `SyncReport`), `complete` is 0 when the sync stopped part-way, so its
-- findings cover only the models it got to. Append-only: a finding is history, not state.

CREATE TABLE sync_findings (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('push', 'pull', 'both')),
    url TEXT NOT NULL,
    complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
    report TEXT NOT NULL
);

CREATE TRIGGER sync_findings_immutable BEFORE UPDATE ON sync_findings
BEGIN SELECT RAISE(ABORT, 'sync findings are history; a later sync adds its own'); END;
CREATE TRIGGER sync_findings_append_only BEFORE DELETE ON sync_findings
BEGIN SELECT RAISE(ABORT, 'sync findings are never deleted'); END;
