//! The `feedback_imports`, `feedback_items` and `feedback_labels` tables: in-product feedback
//! tied to a model version and prompt variant, and reviewers' labels. Every text handed to
//! this module was redacted by the caller; the audit entries carry counts and digests only.

use rusqlite::{Connection, OptionalExtension, Row};
use serde_json::json;
use steward_domain::{ModelName, Version};

use crate::audit::Event;
use crate::error::{Result, StoreError};
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
        item: NewFeedbackItem {
            line: u64_of(r.get(4)?),
            external_id: r.get(5)?,
            variant: r.get(6)?,
            kind: r.get(7)?,
            at: r.get(8)?,
            input: r.get(9)?,
            output: r.get(10)?,
            comment: r.get(11)?,
            correction: r.get(12)?,
            flagged: r.get(13)?,
            safety: r.get(14)?,
            redactions: r.get(15)?,
            redaction_total: u64_of(r.get(16)?),
            truncated: r.get(17)?,
        },
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
    /// Stores one file's items in one transaction with its `feedback.import` audit entry
    /// (counts and the file's digest, no text). The same bytes imported again for the version
    /// are refused.
    pub fn import_feedback(
        &self,
        model: &ModelName,
        version: &Version,
        import: &NewFeedbackImport,
        items: &[NewFeedbackItem],
        actor: &Actor,
    ) -> Result<FeedbackImportRow> {
        self.write(actor, |tx| {
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
            let redactions: u64 = items.iter().map(|i| i.redaction_total).sum();
            tx.execute(
                "INSERT INTO feedback_imports (version_id, variant, file_name, file_sha256, items, redactions, max_tokens, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                rusqlite::params![
                    v.id,
                    import.variant,
                    import.file_name,
                    import.file_sha256,
                    i64_of(items.len() as u64),
                    i64_of(redactions),
                    i64_of(import.max_tokens),
                    now()
                ],
            )?;
            let import_id = tx.last_insert_rowid();
            let mut insert = tx.prepare_cached(
                "INSERT INTO feedback_items (import_id, version_id, line, external_id, variant, kind, at, input, output, comment,
                   correction, flagged, safety, redactions, redaction_total, truncated)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            )?;
            for it in items {
                insert.execute(rusqlite::params![
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
                    it.truncated
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
                        "items": items.len(), "redactions": redactions, "variant": import.variant,
                        "max_tokens": import.max_tokens,
                    }),
                },
            ))
        })
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
                    detail: json!({ "id": id, "item": item_id, "label": label }),
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
