-- Settling sync conflicts (issue 11): a stored conflict or tampered item stays in
-- sync_conflicts (history); a settlement says it no longer stands, and how. `ours`: a person kept
-- this workspace's release record (the next push writes it over the registry's); `theirs`: a
-- person kept the registry's (its tags and aliases for that version stand while the registry
-- holds that record); `gone`: a later sync no longer found it in the registry (the tag was
-- written back, the artifact put back, the registry changed). One settlement a conflict, never
-- changed or removed.

CREATE TABLE sync_conflict_settlements (
    id INTEGER PRIMARY KEY,
    conflict_id INTEGER NOT NULL UNIQUE REFERENCES sync_conflicts (id),
    how TEXT NOT NULL CHECK (how IN ('ours', 'theirs', 'gone')),
    detail TEXT NOT NULL,
    settled_at TEXT NOT NULL
);

CREATE TRIGGER sync_conflict_settlements_immutable BEFORE UPDATE ON sync_conflict_settlements
BEGIN SELECT RAISE(ABORT, 'a settlement is history; it is never changed'); END;
CREATE TRIGGER sync_conflict_settlements_append_only BEFORE DELETE ON sync_conflict_settlements
BEGIN SELECT RAISE(ABORT, 'settlements are never deleted'); END;
