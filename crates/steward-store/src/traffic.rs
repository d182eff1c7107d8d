//! The `traffic_changes` and `traffic_settings` tables: the history of each model's traffic
//! dial and where its flag files live. Append-only; each append writes its audit entry.

use rusqlite::{Connection, OptionalExtension};
use serde_json::json;
use steward_domain::ModelName;

use crate::audit::Event;
use crate::error::Result;
use crate::{models, now, Actor, Store};

/// A dial change to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTrafficChange<'a> {
    /// The model.
    pub model: &'a ModelName,
    /// The serving epoch after the change.
    pub epoch: u64,
    /// The state, as JSON.
    pub state: &'a str,
    /// Why.
    pub reason: &'a str,
    /// The release record behind it, if any.
    pub release_sha256: Option<&'a str>,
    /// The flag file.
    pub file_path: &'a str,
    /// sha256 of what was written; None when nothing was written.
    pub file_sha256: Option<&'a str>,
    /// Why the file was not written, or empty.
    pub file_note: &'a str,
}

/// A stored dial change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrafficChangeRow {
    /// Row id.
    pub id: i64,
    /// The serving epoch.
    pub epoch: u64,
    /// The state, as JSON.
    pub state: String,
    /// Why.
    pub reason: String,
    /// The release record behind it.
    pub release_sha256: Option<String>,
    /// The flag file.
    pub file_path: String,
    /// sha256 of what was written.
    pub file_sha256: Option<String>,
    /// Why the file was not written.
    pub file_note: String,
    /// Who.
    pub actor: String,
    /// When.
    pub at: String,
}

fn list(c: &Connection, model_id: i64) -> Result<Vec<TrafficChangeRow>> {
    let mut stmt = c.prepare(
        "SELECT t.id, t.epoch, t.state, t.reason, t.release_sha256, t.file_path, t.file_sha256, t.file_note, t.at,
                COALESCE((SELECT a.actor FROM audit_log a WHERE a.action = 'traffic.change' AND a.subject = m.name
                          AND json_extract(a.detail, '$.id') = t.id), '')
         FROM traffic_changes t JOIN models m ON m.id = t.model_id WHERE t.model_id = ?1 ORDER BY t.id",
    )?;
    let mut rows = stmt.query([model_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let epoch: i64 = r.get(1)?;
        out.push(TrafficChangeRow {
            id: r.get(0)?,
            epoch: u64::try_from(epoch).unwrap_or(0),
            state: r.get(2)?,
            reason: r.get(3)?,
            release_sha256: r.get(4)?,
            file_path: r.get(5)?,
            file_sha256: r.get(6)?,
            file_note: r.get(7)?,
            at: r.get(8)?,
            actor: r.get(9)?,
        });
    }
    Ok(out)
}

impl Store {
    /// Appends a dial change with its audit entry.
    pub fn add_traffic_change(&self, c: &NewTrafficChange<'_>, actor: &Actor) -> Result<()> {
        self.write(actor, |tx| {
            let m = models::get(tx, c.model)?;
            tx.execute(
                "INSERT INTO traffic_changes (model_id, epoch, state, reason, release_sha256, file_path, file_sha256, file_note, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                (
                    m.id,
                    i64::try_from(c.epoch).unwrap_or(i64::MAX),
                    c.state,
                    c.reason,
                    c.release_sha256,
                    c.file_path,
                    c.file_sha256,
                    c.file_note,
                    now(),
                ),
            )?;
            let id = tx.last_insert_rowid();
            Ok((
                (),
                Event {
                    action: "traffic.change",
                    subject: c.model.to_string(),
                    detail: json!({
                        "id": id, "epoch": c.epoch, "reason": c.reason, "release_sha256": c.release_sha256,
                        "file": c.file_path, "file_sha256": c.file_sha256, "file_note": c.file_note,
                    }),
                },
            ))
        })
    }

    /// A model's dial changes, oldest first.
    pub fn traffic_changes(&self, model: &ModelName) -> Result<Vec<TrafficChangeRow>> {
        self.read(|c| list(c, models::get(c, model)?.id))
    }

    /// Sets the folder flag files are written to.
    pub fn set_flag_dir(&self, dir: &str, actor: &Actor) -> Result<()> {
        self.write(actor, |tx| {
            tx.execute(
                "INSERT INTO traffic_settings (flag_dir, at) VALUES (?1, ?2)",
                (dir, now()),
            )?;
            Ok((
                (),
                Event {
                    action: "traffic.flag-dir",
                    subject: "workspace".into(),
                    detail: json!({ "dir": dir }),
                },
            ))
        })
    }

    /// The folder flag files are written to, when one was set.
    pub fn flag_dir(&self) -> Result<Option<String>> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT flag_dir FROM traffic_settings ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?)
        })
    }
}
