-- Each evaluation run's row summary (steward-domain `gate::RowSummary`: whole-population
-- values of both arms and every group's value per key), computed once while the file streams
-- in, so a gate reads one short text per run instead of decoding its rows. `summary` is
-- canonical JSON; `summary_sha256` is its digest, also recorded in the run's audit entry and
-- recomputed from the rows by `steward audit verify --deep`. Both are NULL for runs imported
-- before they existed: those are summarised from their rows when read.
ALTER TABLE eval_runs ADD COLUMN summary TEXT;
ALTER TABLE eval_runs ADD COLUMN summary_sha256 TEXT;
