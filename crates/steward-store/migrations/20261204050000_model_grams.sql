-- Short model search: every one- and two-character substring of each model's name, title,
-- owner and description, so `model list --search ab` (under the trigram index's three
-- characters) is an index lookup instead of a LIKE scan of every model. Lower-cased as
-- SQLite's lower() and LIKE fold case (ASCII only), so the answers are the scan's.
--
-- Models are immutable and never deleted (the integrity triggers), so the rows are written
-- once, in the transaction that creates the model (steward-store/src/models.rs), and never
-- change. Triggers cannot hold the recursive query, so the store writes them; this fills them
-- for the models that exist.

CREATE TABLE models_grams (
    gram     TEXT    NOT NULL,
    model_id INTEGER NOT NULL REFERENCES models (id),
    PRIMARY KEY (gram, model_id)
) WITHOUT ROWID;

WITH RECURSIVE
    fields (id, t) AS (
        SELECT id, lower(name) FROM models
        UNION ALL SELECT id, lower(title) FROM models
        UNION ALL SELECT id, lower(owner) FROM models
        UNION ALL SELECT id, lower(description) FROM models
    ),
    at (id, t, i) AS (
        SELECT id, t, 1 FROM fields WHERE length(t) > 0
        UNION ALL SELECT id, t, i + 1 FROM at WHERE i < length(t)
    )
INSERT OR IGNORE INTO models_grams (gram, model_id)
SELECT substr(t, i, 1), id FROM at
UNION ALL
SELECT substr(t, i, 2), id FROM at WHERE i < length(t);

CREATE TRIGGER models_grams_no_update BEFORE UPDATE ON models_grams
BEGIN
    SELECT RAISE(ABORT, 'models_grams rows are written once, with their model');
END;

CREATE TRIGGER models_grams_no_delete BEFORE DELETE ON models_grams
BEGIN
    SELECT RAISE(ABORT, 'models_grams rows are written once, with their model');
END;
