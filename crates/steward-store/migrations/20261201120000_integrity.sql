-- Integrity: every governance row is immutable once written, and a version's stage may only
-- change together with the stage-history entry that explains it.
--
-- A local editor can drop these triggers; `steward audit verify --deep` still finds what they
-- would have refused, because it checks the rows against the audit log's entries.

-- The digest of a run's stored chunks (steward-store/src/evals/chunk.rs `ChunkDigest`),
-- recorded at import and in the run's audit entry. NULL for runs imported before it existed.
ALTER TABLE eval_runs ADD COLUMN chunks_sha256 TEXT;

CREATE TRIGGER stage_history_append_only BEFORE DELETE ON stage_history
BEGIN SELECT RAISE(ABORT, 'stage history is immutable'); END;

CREATE TRIGGER models_immutable BEFORE UPDATE ON models
BEGIN SELECT RAISE(ABORT, 'models are immutable once created'); END;
CREATE TRIGGER models_append_only BEFORE DELETE ON models
BEGIN SELECT RAISE(ABORT, 'models are never deleted; deprecate their versions'); END;

CREATE TRIGGER versions_artifacts_immutable
BEFORE UPDATE OF id, model_id, version, bundle_digest, bundle_uri, code_commit, config_digest, config_uri, created_at ON versions
BEGIN SELECT RAISE(ABORT, 'a version''s artifacts are immutable; add a new version'); END;
CREATE TRIGGER versions_append_only BEFORE DELETE ON versions
BEGIN SELECT RAISE(ABORT, 'versions are never deleted; deprecate them'); END;
-- Steward writes the stage-history entry first, then moves the stage to that entry's target.
CREATE TRIGGER versions_stage_follows_history BEFORE UPDATE OF stage ON versions
WHEN NEW.stage IS NOT (SELECT to_stage FROM stage_history WHERE version_id = NEW.id ORDER BY id DESC LIMIT 1)
BEGIN SELECT RAISE(ABORT, 'a version''s stage changes only through `steward stage set`, which records why'); END;

CREATE TRIGGER datasets_immutable BEFORE UPDATE ON datasets
BEGIN SELECT RAISE(ABORT, 'dataset snapshots and their provenance are immutable; snapshot a new version'); END;
CREATE TRIGGER datasets_append_only BEFORE DELETE ON datasets
BEGIN SELECT RAISE(ABORT, 'dataset snapshots are never deleted'); END;

CREATE TRIGGER version_datasets_immutable BEFORE UPDATE ON version_datasets
BEGIN SELECT RAISE(ABORT, 'dataset links are immutable'); END;
CREATE TRIGGER version_datasets_append_only BEFORE DELETE ON version_datasets
BEGIN SELECT RAISE(ABORT, 'dataset links are never deleted'); END;

CREATE TRIGGER documents_append_only BEFORE DELETE ON documents
BEGIN SELECT RAISE(ABORT, 'documents are never deleted'); END;

-- Reads cross-check stored digests against the audit entries of their subject.
CREATE INDEX audit_log_subject ON audit_log (subject, action);
