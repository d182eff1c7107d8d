-- The model list's search pages: `models_page` takes the ids the text matches (FTS5 or the
-- short grams), keeps those of the asked risk tier and sorts them by name. Looked up in the
-- models table itself, each id reads a wide row (title, owner, description) from a page of
-- its own: 1,250 matches cost a fresh process hundreds of page reads. This narrow index holds
-- what the page's filter and sort read, so the same lookups stay in a few dozen pages.
CREATE INDEX models_page_order ON models (id, name, risk_tier);
