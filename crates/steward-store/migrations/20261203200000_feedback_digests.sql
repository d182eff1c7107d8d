-- Digests for the feedback rows (issue 12), so `steward audit verify --deep` can tell an item
-- edited behind Steward's back. `feedback_items.content_sha256` is the sha256 of the item's
-- canonical JSON (every stored column but the ids: steward-store `feedback::item_sha256`);
-- `feedback_imports.items_sha256` digests the import's item digests in id order, and is also
-- recorded in the import's audit entry with the first item's id, so a row deleted, added or
-- rewritten together with its own digest still differs from the log. Both are NULL for rows
-- stored before they existed: the deep verify compares those imports by their item count.
-- Adding nullable columns leaves existing rows and the append-only triggers as they were.
ALTER TABLE feedback_items ADD COLUMN content_sha256 TEXT;
ALTER TABLE feedback_imports ADD COLUMN items_sha256 TEXT;
