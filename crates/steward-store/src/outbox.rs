//! Registry sync's tables: the outbox (written in the same transaction as each change that must
//! reach the registry), the registry URL, the conflicts a pull found, and each sync's outcome.
//! The credential is never stored here (the OS keyring holds it).

use rusqlite::{Connection, OptionalExtension};
use serde_json::json;
use steward_domain::ModelName;

use crate::audit::Event;
use crate::error::{Result, StoreError};
use crate::{models, now, Actor, Store};

/// What an outbox row announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxKind {
    /// A release record (row of `release_records`).
    ReleaseRecord,
    /// An approval (row of `approvals`).
    Approval,
    /// A waiver signature (row of `waivers`).
    Waiver,
    /// A document revision of a version (row of `document_revisions`).
    DocumentRevision,
}

impl OutboxKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxKind::ReleaseRecord => "release-record",
            OutboxKind::Approval => "approval",
            OutboxKind::Waiver => "waiver",
            OutboxKind::DocumentRevision => "document-revision",
        }
    }
}

/// Appends an outbox row inside the caller's transaction.
pub(crate) fn enqueue(
    tx: &Connection,
    model_id: i64,
    kind: OutboxKind,
    subject: &str,
    ref_id: i64,
) -> Result<()> {
    tx.execute(
        "INSERT INTO outbox (model_id, kind, subject, ref_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        (model_id, kind.as_str(), subject, ref_id, now()),
    )?;
    Ok(())
}

/// One outbox row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    /// Row id.
    pub id: i64,
    /// The model.
    pub model: String,
    /// `release-record`, `approval`, `waiver` or `document-revision`.
    pub kind: String,
    /// `model@version`.
    pub subject: String,
    /// When the change was made.
    pub created_at: String,
    /// Push attempts so far.
    pub attempts: u32,
    /// The last attempt's error.
    pub last_error: Option<String>,
    /// When it was last attempted.
    pub last_attempt_at: Option<String>,
    /// When it reached the registry.
    pub done_at: Option<String>,
}

/// A conflict a pull found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConflict<'a> {
    /// The model.
    pub model: &'a ModelName,
    /// The Steward version.
    pub version: &'a str,
    /// `release-record`, `tampered` or `document:KIND` (two heads to merge).
    pub kind: &'a str,
    /// What this workspace holds, when it holds something.
    pub local_sha256: Option<&'a str>,
    /// What the registry holds.
    pub remote_sha256: &'a str,
    /// What differs.
    pub detail: &'a str,
}

/// How a conflict was settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    /// `ours` (this workspace's record kept), `theirs` (the registry's kept) or `gone` (a
    /// later sync no longer found it).
    pub how: String,
    /// Why, in words.
    pub detail: String,
    /// When.
    pub at: String,
}

/// A stored conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictRow {
    /// Its id.
    pub id: i64,
    /// The model.
    pub model: String,
    /// The Steward version.
    pub version: String,
    /// Kind.
    pub kind: String,
    /// Local digest.
    pub local_sha256: Option<String>,
    /// Remote digest.
    pub remote_sha256: String,
    /// What differs.
    pub detail: String,
    /// When it was first found.
    pub found_at: String,
    /// Its settlement, once settled.
    pub settled: Option<Settlement>,
}

const CONFLICT_COLUMNS: &str = "SELECT s.id, m.name, s.version, s.kind, s.local_sha256, s.remote_sha256, s.detail, s.found_at, t.how, t.detail, t.settled_at
     FROM sync_conflicts s JOIN models m ON m.id = s.model_id
     LEFT JOIN sync_conflict_settlements t ON t.conflict_id = s.id";

fn conflict_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ConflictRow> {
    let how: Option<String> = r.get(8)?;
    Ok(ConflictRow {
        id: r.get(0)?,
        model: r.get(1)?,
        version: r.get(2)?,
        kind: r.get(3)?,
        local_sha256: r.get(4)?,
        remote_sha256: r.get(5)?,
        detail: r.get(6)?,
        found_at: r.get(7)?,
        settled: match how {
            Some(how) => Some(Settlement {
                how,
                detail: r.get(9)?,
                at: r.get(10)?,
            }),
            None => None,
        },
    })
}

/// One sync's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncRunRow {
    /// When.
    pub at: String,
    /// `push`, `pull` or `both`.
    pub direction: String,
    /// The registry.
    pub url: String,
    /// Operations sent.
    pub ops: u64,
    /// HTTP requests made.
    pub requests: u64,
    /// Why it stopped, when it failed.
    pub error: Option<String>,
}

fn outbox_rows(c: &Connection, waiting_only: bool) -> Result<Vec<OutboxRow>> {
    let mut stmt = c.prepare(
        "SELECT o.id, m.name, o.kind, o.subject, o.created_at, o.attempts, o.last_error, o.last_attempt_at, o.done_at
         FROM outbox o JOIN models m ON m.id = o.model_id
         WHERE (?1 = 0 OR o.done_at IS NULL) ORDER BY o.id",
    )?;
    let mut rows = stmt.query([i64::from(waiting_only)])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let attempts: i64 = r.get(5)?;
        out.push(OutboxRow {
            id: r.get(0)?,
            model: r.get(1)?,
            kind: r.get(2)?,
            subject: r.get(3)?,
            created_at: r.get(4)?,
            attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
            last_error: r.get(6)?,
            last_attempt_at: r.get(7)?,
            done_at: r.get(8)?,
        });
    }
    Ok(out)
}

impl Store {
    /// The outbox rows still waiting for the registry, oldest first.
    pub fn outbox_waiting(&self) -> Result<Vec<OutboxRow>> {
        self.read(|c| outbox_rows(c, true))
    }

    /// Every outbox row, oldest first.
    pub fn outbox_all(&self) -> Result<Vec<OutboxRow>> {
        self.read(|c| outbox_rows(c, false))
    }

    /// Records a push attempt of outbox rows `ids`: done when `error` is None, else counted
    /// with its error; with its audit entry.
    pub fn outbox_attempted(&self, ids: &[i64], error: Option<&str>, actor: &Actor) -> Result<()> {
        self.write(actor, |tx| {
            let at = now();
            for id in ids {
                match error {
                    None => tx.execute(
                        "UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?2, last_error = NULL, done_at = ?2 WHERE id = ?1 AND done_at IS NULL",
                        (id, &at),
                    )?,
                    Some(e) => tx.execute(
                        "UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?2, last_error = ?3 WHERE id = ?1 AND done_at IS NULL",
                        (id, &at, e),
                    )?,
                };
            }
            Ok((
                (),
                Event {
                    action: if error.is_none() { "sync.sent" } else { "sync.failed" },
                    subject: "registry".into(),
                    detail: json!({ "outbox": ids, "error": error }),
                },
            ))
        })
    }

    /// Sets the registry URL (the latest wins).
    pub fn registry_set(&self, url: &str, actor: &Actor) -> Result<()> {
        self.write(actor, |tx| {
            tx.execute(
                "INSERT INTO registry_settings (url, at) VALUES (?1, ?2)",
                (url, now()),
            )?;
            Ok((
                (),
                Event {
                    action: "registry.set",
                    subject: "registry".into(),
                    detail: json!({ "url": url }),
                },
            ))
        })
    }

    /// The registry URL, when one is set (an empty URL is a cleared one).
    pub fn registry_url(&self) -> Result<Option<String>> {
        self.read(|c| {
            let url: Option<String> = c
                .query_row(
                    "SELECT url FROM registry_settings ORDER BY id DESC LIMIT 1",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(url.filter(|u| !u.is_empty()))
        })
    }

    /// Records a conflict found by a pull (the same one twice is kept once); true when new.
    pub fn sync_conflict_add(
        &self,
        c: &NewConflict<'_>,
        actor: &Actor,
    ) -> Result<(bool, ConflictRow)> {
        self.write(actor, |tx| {
            let m = models::get(tx, c.model)?;
            let n = tx.execute(
                "INSERT OR IGNORE INTO sync_conflicts (model_id, version, kind, local_sha256, remote_sha256, detail, found_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                (m.id, c.version, c.kind, c.local_sha256, c.remote_sha256, c.detail, now()),
            )?;
            let row = tx.query_row(
                &format!(
                    "{CONFLICT_COLUMNS} WHERE s.model_id = ?1 AND s.version = ?2 AND s.kind = ?3 AND s.remote_sha256 = ?4"
                ),
                (m.id, c.version, c.kind, c.remote_sha256),
                conflict_row,
            )?;
            Ok((
                (n == 1, row),
                Event {
                    action: "sync.conflict",
                    subject: format!("{}@{}", c.model, c.version),
                    detail: json!({
                        "kind": c.kind, "local_sha256": c.local_sha256,
                        "remote_sha256": c.remote_sha256, "detail": c.detail, "new": n == 1,
                    }),
                },
            ))
        })
    }

    /// Every conflict syncs have found, oldest first, each with its settlement if it has one.
    pub fn sync_conflicts(&self) -> Result<Vec<ConflictRow>> {
        self.read(|c| {
            let mut stmt = c.prepare(&format!("{CONFLICT_COLUMNS} ORDER BY s.id"))?;
            let rows = stmt.query_map([], conflict_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Settles conflict `id` (`how`: `ours`, `theirs` or `gone`). Refused when it is already
    /// settled: a settlement is never changed.
    pub fn sync_conflict_settle(
        &self,
        id: i64,
        how: &str,
        detail: &str,
        actor: &Actor,
    ) -> Result<ConflictRow> {
        self.write(actor, |tx| {
            let row = tx
                .query_row(&format!("{CONFLICT_COLUMNS} WHERE s.id = ?1"), [id], conflict_row)
                .optional()?
                .ok_or_else(|| StoreError::NotFound(format!("sync conflict {id}")))?;
            if let Some(s) = &row.settled {
                return Err(StoreError::Conflict(format!(
                    "the {} conflict of {}@{} was already settled ({}) at {}",
                    row.kind, row.model, row.version, s.how, s.at
                )));
            }
            tx.execute(
                "INSERT INTO sync_conflict_settlements (conflict_id, how, detail, settled_at) VALUES (?1, ?2, ?3, ?4)",
                (id, how, detail, now()),
            )?;
            let settled = tx.query_row(
                &format!("{CONFLICT_COLUMNS} WHERE s.id = ?1"),
                [id],
                conflict_row,
            )?;
            Ok((
                settled,
                Event {
                    action: "sync.settle",
                    subject: format!("{}@{}", row.model, row.version),
                    detail: json!({
                        "kind": row.kind, "remote_sha256": row.remote_sha256,
                        "how": how, "detail": detail,
                    }),
                },
            ))
        })
    }

    /// Records one sync's outcome.
    pub fn sync_run_add(&self, run: &SyncRunRow, actor: &Actor) -> Result<()> {
        self.write(actor, |tx| {
            tx.execute(
                "INSERT INTO sync_runs (at, direction, url, ops, requests, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                (
                    &run.at,
                    &run.direction,
                    &run.url,
                    i64::try_from(run.ops).unwrap_or(i64::MAX),
                    i64::try_from(run.requests).unwrap_or(i64::MAX),
                    &run.error,
                ),
            )?;
            Ok((
                (),
                Event {
                    action: "sync.run",
                    subject: "registry".into(),
                    detail: json!({
                        "direction": run.direction, "url": run.url, "ops": run.ops,
                        "requests": run.requests, "error": run.error,
                    }),
                },
            ))
        })
    }

    /// The latest sync's outcome.
    pub fn last_sync_run(&self) -> Result<Option<SyncRunRow>> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT at, direction, url, ops, requests, error FROM sync_runs ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    let ops: i64 = r.get(3)?;
                    let requests: i64 = r.get(4)?;
                    Ok(SyncRunRow {
                        at: r.get(0)?,
                        direction: r.get(1)?,
                        url: r.get(2)?,
                        ops: u64::try_from(ops).unwrap_or(0),
                        requests: u64::try_from(requests).unwrap_or(0),
                        error: r.get(5)?,
                    })
                },
            )
            .optional()?)
        })
    }
}
