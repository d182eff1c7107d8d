-- Model search: a full-text index of each model's name, title, owner and description, so
-- `model list --search` and the studio's home list filter, sort and page in SQL instead of
-- loading every model and version.
--
-- The trigram tokenizer makes a quoted query match any substring of three characters or more,
-- case-insensitively: the substring search Steward always had, now through an index. The index
-- holds no copy of the text (external content: the models table). Models are immutable and
-- never deleted (the integrity triggers), so an insert trigger alone keeps it complete.

CREATE VIRTUAL TABLE models_search USING fts5 (
    name, title, owner, description,
    content = 'models', content_rowid = 'id', tokenize = 'trigram'
);

INSERT INTO models_search (models_search) VALUES ('rebuild');

CREATE TRIGGER models_search_insert AFTER INSERT ON models
BEGIN
    INSERT INTO models_search (rowid, name, title, owner, description)
    VALUES (NEW.id, NEW.name, NEW.title, NEW.owner, NEW.description);
END;

-- Listing by stage asks "does this model have a version in stage S?" once per model.
CREATE INDEX versions_model_stage ON versions (model_id, stage);
