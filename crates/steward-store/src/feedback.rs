//! The `feedback_imports`, `feedback_items` and `feedback_labels` tables: in-product feedback
//! tied to a model version and prompt variant, and reviewers' labels. Every text handed to
//! this module was redacted by the caller; the audit entries carry counts and digests only.
//!
//! An import streams: the caller pushes each redacted item into a [`FeedbackSink`], which
//! spools it to a private file with its digest ([`item_sha256`]), so memory holds one item
//! whatever the file's size and no lock is held while the file is read. One transaction then
//! copies the spooled items in with the import row and its audit entry, which records the
//! first item's id and the digest of every item digest in order (`items_sha256`), so the deep
//! verify can tell an item edited, deleted or added behind Steward's back.

use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use steward_domain::trust::canonical::canonical_digest_of;
use steward_domain::{ModelName, Version};

use crate::audit::Event;
use crate::error::{Result, StoreError};
use crate::spool::Spool;
use crate::{models, now, versions, Actor, Store};

/// One import to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFeedbackImport {
    /// The `--variant` given for the file, or empty.
    pub variant: String,
    /// The file's name (redacted).
    pub file_name: String,
    /// sha256 of the file's bytes.
    pub file_sha256: String,
    /// The token limit the texts were cut to.
    pub max_tokens: u64,
}

/// One item to store (texts redacted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewFeedbackItem {
    /// Line in the file (for CSV, the record's line).
    pub line: u64,
    /// The id the product gave it (redacted), or empty.
    pub external_id: String,
    /// The prompt variant.
    pub variant: String,
    /// `thumbs-up`, `thumbs-down`, `correction` or `override`.
    pub kind: String,
    /// When (RFC 3339).
    pub at: String,
    /// The request.
    pub input: String,
    /// The model's answer.
    pub output: String,
    /// The person's comment.
    pub comment: String,
    /// The person's correction.
    pub correction: String,
    /// Flagged for review.
    pub flagged: bool,
    /// Reports a safety problem.
    pub safety: bool,
    /// Redaction counts by kind, as JSON.
    pub redactions: String,
    /// All redactions.
    pub redaction_total: u64,
    /// Cut to the token limit.
    pub truncated: bool,
}

/// A stored import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackImportRow {
    /// Row id.
    pub id: i64,
    /// The version.
    pub version: String,
    /// The `--variant` given, or empty.
    pub variant: String,
    /// The file's name.
    pub file_name: String,
    /// sha256 of its bytes.
    pub file_sha256: String,
    /// Items stored.
    pub items: u64,
    /// Redactions made.
    pub redactions: u64,
    /// The token limit applied.
    pub max_tokens: u64,
    /// When.
    pub imported_at: String,
}

/// A reviewer's label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackLabelRow {
    /// Row id.
    pub id: i64,
    /// The item.
    pub item_id: i64,
    /// `correct`, `wrong`, `unsafe` or `other`.
    pub label: String,
    /// The reviewer's note (redacted).
    pub note: String,
    /// Who.
    pub reviewer: String,
    /// When.
    pub at: String,
}

/// A stored item with its latest label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackItemRow {
    /// Row id.
    pub id: i64,
    /// The import it came in.
    pub import_id: i64,
    /// The model.
    pub model: String,
    /// The version.
    pub version: String,
    /// The rest, as stored.
    pub item: NewFeedbackItem,
    /// The latest label, if any.
    pub label: Option<FeedbackLabelRow>,
}

/// The digest of an item as stored: sha256 of its canonical JSON (every field of
/// [`NewFeedbackItem`], none of the row ids), `sha256:HEX`.
pub fn item_sha256(item: &NewFeedbackItem) -> Result<String> {
    canonical_digest_of(item)
        .map(|d| d.to_string())
        .map_err(|e| StoreError::Spool(format!("cannot digest a feedback item: {e}")))
}

/// The digest of an import's items: sha256 over each item digest and a newline, in id order.
#[derive(Default)]
pub(crate) struct ItemsDigest(Sha256);

impl ItemsDigest {
    pub(crate) fn add(&mut self, item_sha256: &str) {
        self.0.update(item_sha256.as_bytes());
        self.0.update(b"\n");
    }

    pub(crate) fn finish(self) -> String {
        format!("sha256:{}", hex::encode(self.0.finalize()))
    }
}

/// Where an importer pushes redacted items, outside any transaction: each is spooled with its
/// digest, so memory holds one item whatever the file's size.
pub struct FeedbackSink {
    spool: Spool,
    redactions: u64,
    digest: ItemsDigest,
    record: Vec<u8>,
}

impl FeedbackSink {
    /// Adds one item (its texts already redacted).
    pub fn push(&mut self, item: &NewFeedbackItem) -> Result<()> {
        let sha = item_sha256(item)?;
        self.digest.add(&sha);
        self.redactions = self.redactions.saturating_add(item.redaction_total);
        self.record.clear();
        serde_json::to_writer(&mut self.record, item)
            .map_err(|e| StoreError::Spool(e.to_string()))?;
        self.spool.push(&[sha.as_bytes(), b"\n", &self.record])
    }

    /// Items pushed so far.
    pub fn items(&self) -> u64 {
        self.spool.records()
    }
}

const ITEM_COLUMNS: &str = "i.id, i.import_id, m.name, v.version, i.line, i.external_id, i.variant, i.kind, i.at,
     i.input, i.output, i.comment, i.correction, i.flagged, i.safety, i.redactions, i.redaction_total, i.truncated,
     l.id, l.label, l.note, l.reviewer, l.at";

const ITEM_FROM: &str = "FROM feedback_items i
     JOIN versions v ON v.id = i.version_id JOIN models m ON m.id = v.model_id
     LEFT JOIN feedback_labels l ON l.id = (SELECT MAX(id) FROM feedback_labels WHERE item_id = i.id)";

fn u64_of(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn i64_of(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// The columns of `feedback_items` that hold a [`NewFeedbackItem`], in its field order.
pub(crate) const ITEM_FIELDS: &str = "line, external_id, variant, kind, at, input, output, comment, correction, flagged, safety, redactions, redaction_total, truncated";

/// The item from [`ITEM_FIELDS`] selected from column `at` on.
pub(crate) fn item_columns(r: &Row<'_>, at: usize) -> rusqlite::Result<NewFeedbackItem> {
    Ok(NewFeedbackItem {
        line: u64_of(r.get(at)?),
        external_id: r.get(at + 1)?,
        variant: r.get(at + 2)?,
        kind: r.get(at + 3)?,
        at: r.get(at + 4)?,
        input: r.get(at + 5)?,
        output: r.get(at + 6)?,
        comment: r.get(at + 7)?,
        correction: r.get(at + 8)?,
        flagged: r.get(at + 9)?,
        safety: r.get(at + 10)?,
        redactions: r.get(at + 11)?,
        redaction_total: u64_of(r.get(at + 12)?),
        truncated: r.get(at + 13)?,
    })
}

fn item_row(r: &Row<'_>) -> rusqlite::Result<FeedbackItemRow> {
    let id: i64 = r.get(0)?;
    let label_id: Option<i64> = r.get(18)?;
    let label = match label_id {
        Some(lid) => Some(FeedbackLabelRow {
            id: lid,
            item_id: id,
            label: r.get(19)?,
            note: r.get(20)?,
            reviewer: r.get(21)?,
            at: r.get(22)?,
        }),
        None => None,
    };
    Ok(FeedbackItemRow {
        id,
        import_id: r.get(1)?,
        model: r.get(2)?,
        version: r.get(3)?,
        item: item_columns(r, 4)?,
        label,
    })
}

fn import_row(r: &Row<'_>) -> rusqlite::Result<FeedbackImportRow> {
    Ok(FeedbackImportRow {
        id: r.get(0)?,
        version: r.get(1)?,
        variant: r.get(2)?,
        file_name: r.get(3)?,
        file_sha256: r.get(4)?,
        items: u64_of(r.get(5)?),
        redactions: u64_of(r.get(6)?),
        max_tokens: u64_of(r.get(7)?),
        imported_at: r.get(8)?,
    })
}

const IMPORT_SELECT: &str = "SELECT f.id, v.version, f.variant, f.file_name, f.file_sha256, f.items, f.redactions, f.max_tokens, f.imported_at
     FROM feedback_imports f JOIN versions v ON v.id = f.version_id";

fn item_by_id(c: &Connection, id: i64) -> Result<FeedbackItemRow> {
    c.query_row(
        &format!("SELECT {ITEM_COLUMNS} {ITEM_FROM} WHERE i.id = ?1"),
        [id],
        item_row,
    )
    .optional()?
    .ok_or_else(|| {
        StoreError::NotFound(format!(
            "no feedback item {id}; `steward queue list MODEL` shows the queue"
        ))
    })
}

impl Store {
    /// Imports one file of feedback for `model@version`. `fill` streams the file into the
    /// sink and returns what the import is; that happens before any lock is taken (the
    /// version is checked first so a typo fails at once). Then one transaction stores every
    /// spooled item, the import row and its `feedback.import` audit entry (counts, the file's
    /// digest, the first item's id and the items' digest; no text). The same bytes imported
    /// again for the version are refused; any error leaves nothing behind.
    pub fn import_feedback<E: From<StoreError>>(
        &self,
        model: &ModelName,
        version: &Version,
        actor: &Actor,
        fill: impl FnOnce(&mut FeedbackSink) -> std::result::Result<NewFeedbackImport, E>,
    ) -> std::result::Result<FeedbackImportRow, E> {
        self.read(|c| versions::get(c, model, version).map(|_| ()))?;
        let mut sink = FeedbackSink {
            spool: Spool::beside(&self.path)?,
            redactions: 0,
            digest: ItemsDigest::default(),
            record: Vec::new(),
        };
        let import = fill(&mut sink)?;
        let FeedbackSink {
            spool,
            redactions,
            digest,
            ..
        } = sink;
        let count = spool.records();
        let items_sha256 = digest.finish();
        let mut spooled = spool.rewind()?;
        let stored = self.write(actor, |tx| {
            let v = versions::get(tx, model, version)?;
            let earlier: Option<(i64, String)> = tx
                .query_row(
                    "SELECT id, imported_at FROM feedback_imports WHERE version_id = ?1 AND file_sha256 = ?2",
                    (v.id, &import.file_sha256),
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((id, at)) = earlier {
                return Err(StoreError::Conflict(format!(
                    "this file (sha256:{}) was already imported for {model}@{version} as feedback import {id} ({at}); nothing was imported again",
                    import.file_sha256
                )));
            }
            tx.execute(
                "INSERT INTO feedback_imports (version_id, variant, file_name, file_sha256, items, redactions, max_tokens, imported_at, items_sha256)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                rusqlite::params![
                    v.id,
                    import.variant,
                    import.file_name,
                    import.file_sha256,
                    i64_of(count),
                    i64_of(redactions),
                    i64_of(import.max_tokens),
                    now(),
                    items_sha256,
                ],
            )?;
            let import_id = tx.last_insert_rowid();
            // Ids are given, one after another from the highest, so the audit entry can name
            // them all by the first.
            let first_item: i64 = tx.query_row(
                "SELECT COALESCE(MAX(id), 0) + 1 FROM feedback_items",
                [],
                |r| r.get(0),
            )?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO feedback_items (id, import_id, version_id, line, external_id, variant, kind, at, input, output, comment,
                   correction, flagged, safety, redactions, redaction_total, truncated, content_sha256)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
            )?;
            let mut record = Vec::new();
            for n in 0..count {
                spooled.next_into(&mut record)?;
                let split = record.iter().position(|&b| b == b'\n').ok_or_else(|| {
                    StoreError::Spool("a spooled feedback item lost its digest".into())
                })?;
                let sha = std::str::from_utf8(&record[..split])
                    .map_err(|e| StoreError::Spool(e.to_string()))?;
                let it: NewFeedbackItem = serde_json::from_slice(&record[split + 1..])
                    .map_err(|e| StoreError::Spool(e.to_string()))?;
                insert.execute(rusqlite::params![
                    first_item + i64_of(n),
                    import_id,
                    v.id,
                    i64_of(it.line),
                    it.external_id,
                    it.variant,
                    it.kind,
                    it.at,
                    it.input,
                    it.output,
                    it.comment,
                    it.correction,
                    it.flagged,
                    it.safety,
                    it.redactions,
                    i64_of(it.redaction_total),
                    it.truncated,
                    sha,
                ])?;
            }
            drop(insert);
            let row = tx.query_row(
                &format!("{IMPORT_SELECT} WHERE f.id = ?1"),
                [import_id],
                import_row,
            )?;
            Ok((
                row,
                Event {
                    action: "feedback.import",
                    subject: format!("{model}@{version}"),
                    detail: json!({
                        "id": import_id, "file": import.file_name, "sha256": import.file_sha256,
                        "items": count, "redactions": redactions, "variant": import.variant,
                        "max_tokens": import.max_tokens, "first_item": first_item,
                        "items_sha256": items_sha256,
                    }),
                },
            ))
        })?;
        Ok(stored)
    }

    /// A model's feedback imports, oldest first.
    pub fn feedback_imports(&self, model: &ModelName) -> Result<Vec<FeedbackImportRow>> {
        self.read(|c| {
            let m = models::get(c, model)?;
            let mut stmt = c.prepare(&format!(
                "{IMPORT_SELECT} WHERE v.model_id = ?1 ORDER BY f.id"
            ))?;
            let rows = stmt.query_map([m.id], import_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// A model's feedback items with their latest labels, oldest first.
    pub fn feedback_items(&self, model: &ModelName) -> Result<Vec<FeedbackItemRow>> {
        self.read(|c| {
            let m = models::get(c, model)?;
            let mut stmt = c.prepare(&format!(
                "SELECT {ITEM_COLUMNS} {ITEM_FROM} WHERE v.model_id = ?1 ORDER BY i.id"
            ))?;
            let rows = stmt.query_map([m.id], item_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// One item with its latest label.
    pub fn feedback_item(&self, id: i64) -> Result<FeedbackItemRow> {
        self.read(|c| item_by_id(c, id))
    }

    /// Appends a reviewer's label (the note already redacted) with its `feedback.label`
    /// audit entry.
    pub fn add_feedback_label(
        &self,
        item_id: i64,
        label: &str,
        note: &str,
        actor: &Actor,
    ) -> Result<FeedbackItemRow> {
        self.write(actor, |tx| {
            let item = item_by_id(tx, item_id)?;
            tx.execute(
                "INSERT INTO feedback_labels (item_id, label, note, reviewer, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![item_id, label, note, actor.0, now()],
            )?;
            let id = tx.last_insert_rowid();
            let after = item_by_id(tx, item_id)?;
            Ok((
                after,
                Event {
                    action: "feedback.label",
                    subject: format!("{}@{}", item.model, item.version),
                    detail: json!({
                        "id": id, "item": item_id, "label": label,
                        "note_sha256": crate::traffic::sha256_text(note), "reviewer": actor.0,
                    }),
                },
            ))
        })
    }

    /// Every label of an item, oldest first.
    pub fn feedback_labels(&self, item_id: i64) -> Result<Vec<FeedbackLabelRow>> {
        self.read(|c| {
            item_by_id(c, item_id)?;
            let mut stmt = c.prepare(
                "SELECT id, item_id, label, note, reviewer, at FROM feedback_labels WHERE item_id = ?1 ORDER BY id",
            )?;
            let rows = stmt.query_map([item_id], |r| {
                Ok(FeedbackLabelRow {
                    id: r.get(0)?,
                    item_id: r.get(1)?,
                    label: r.get(2)?,
                    note: r.get(3)?,
                    reviewer: r.get(4)?,
                    at: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}
