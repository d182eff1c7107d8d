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
    /// Appends a dial change with its audit entry; returns the change's id.
    pub fn add_traffic_change(&self, c: &NewTrafficChange<'_>, actor: &Actor) -> Result<i64> {
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
                id,
                Event {
                    action: "traffic.change",
                    subject: c.model.to_string(),
                    detail: json!({
                        "id": id, "epoch": c.epoch, "reason": c.reason, "release_sha256": c.release_sha256,
                        "file": c.file_path, "file_sha256": c.file_sha256, "file_note": c.file_note,
                        "state": c.state,
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

/// A model's hook command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrafficHookRow {
    /// The shell command (`sh -c`); never empty.
    pub command: String,
    /// How long a run may take, in milliseconds.
    pub timeout_ms: u64,
    /// When it was set.
    pub at: String,
}

/// One run of a hook, as recorded with its change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookRunRow {
    /// The change it ran after.
    pub change_id: i64,
    /// That change's serving epoch (read back; ignored when adding).
    pub epoch: u64,
    /// The command run.
    pub command: String,
    /// `ok`, `failed`, `timed-out` or `not-started`.
    pub outcome: String,
    /// The exit code, when it exited.
    pub exit_code: Option<i32>,
    /// Its output (standard output then error), cut to a bounded size.
    pub output: String,
    /// How long it ran.
    pub elapsed_ms: u64,
    /// When it was recorded.
    pub at: String,
}

impl Store {
    /// Sets (or, with an empty command, removes) a model's hook.
    pub fn set_traffic_hook(
        &self,
        model: &ModelName,
        command: &str,
        timeout_ms: u64,
        actor: &Actor,
    ) -> Result<()> {
        self.write(actor, |tx| {
            let m = models::get(tx, model)?;
            tx.execute(
                "INSERT INTO traffic_hooks (model_id, command, timeout_ms, at) VALUES (?1, ?2, ?3, ?4)",
                (m.id, command, i64::try_from(timeout_ms).unwrap_or(i64::MAX), now()),
            )?;
            let id = tx.last_insert_rowid();
            Ok((
                (),
                Event {
                    action: "traffic.hook",
                    subject: model.to_string(),
                    detail: json!({ "id": id, "command": command, "timeout_ms": timeout_ms }),
                },
            ))
        })
    }

    /// A model's hook in force, if any.
    pub fn traffic_hook(&self, model: &ModelName) -> Result<Option<TrafficHookRow>> {
        self.read(|c| {
            let m = models::get(c, model)?;
            let row = c
                .query_row(
                    "SELECT command, timeout_ms, at FROM traffic_hooks WHERE model_id = ?1 ORDER BY id DESC LIMIT 1",
                    [m.id],
                    |r| {
                        Ok(TrafficHookRow {
                            command: r.get(0)?,
                            timeout_ms: u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                            at: r.get(2)?,
                        })
                    },
                )
                .optional()?;
            Ok(row.filter(|h| !h.command.is_empty()))
        })
    }

    /// Records a hook run after change `change_id` of `model`.
    pub fn add_hook_run(&self, model: &ModelName, run: &HookRunRow, actor: &Actor) -> Result<()> {
        self.write(actor, |tx| {
            tx.execute(
                "INSERT INTO traffic_hook_runs (change_id, command, outcome, exit_code, output, elapsed_ms, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                (
                    run.change_id,
                    &run.command,
                    &run.outcome,
                    run.exit_code,
                    &run.output,
                    i64::try_from(run.elapsed_ms).unwrap_or(i64::MAX),
                    now(),
                ),
            )?;
            let id = tx.last_insert_rowid();
            Ok((
                (),
                Event {
                    action: "traffic.hook-run",
                    subject: model.to_string(),
                    detail: json!({
                        "id": id, "change": run.change_id, "command": run.command, "outcome": run.outcome,
                        "exit_code": run.exit_code, "output_sha256": sha256_text(&run.output),
                    }),
                },
            ))
        })
    }

    /// Every hook run of a model's changes, oldest first.
    pub fn hook_runs(&self, model: &ModelName) -> Result<Vec<HookRunRow>> {
        self.read(|c| {
            let m = models::get(c, model)?;
            let mut stmt = c.prepare(
                "SELECT h.change_id, h.command, h.outcome, h.exit_code, h.output, h.elapsed_ms, h.at, t.epoch
                 FROM traffic_hook_runs h JOIN traffic_changes t ON t.id = h.change_id
                 WHERE t.model_id = ?1 ORDER BY h.id",
            )?;
            let mut rows = stmt.query([m.id])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(HookRunRow {
                    change_id: r.get(0)?,
                    command: r.get(1)?,
                    outcome: r.get(2)?,
                    exit_code: r.get(3)?,
                    output: r.get(4)?,
                    elapsed_ms: u64::try_from(r.get::<_, i64>(5)?).unwrap_or(0),
                    at: r.get(6)?,
                    epoch: u64::try_from(r.get::<_, i64>(7)?).unwrap_or(0),
                });
            }
            Ok(out)
        })
    }
}

/// Hex sha256 of a text, as the audit detail and the deep verify record it.
pub(crate) fn sha256_text(text: &str) -> String {
    steward_domain::Sha256Digest::of(text.as_bytes()).to_string()
}
