//! The `eval_runs` and `eval_rows` tables: imported evaluation evidence.
//!
//! An import is one write: the caller streams the file and pushes each row through an
//! [`EvalRowSink`] (a cached prepared INSERT), then returns what the run is; the run row, the
//! duplicate check on the file's digest and the audit entry follow in the same transaction. A
//! failure anywhere — a bad row on line two million, a duplicate file, a cancel — rolls
//! everything back, so nothing is ever half imported.

use rusqlite::{CachedStatement, Connection, OptionalExtension};
use serde_json::json;
use steward_domain::eval::{EvalKind, EvalRow, Slice};
use steward_domain::{DatasetRef, ModelName, Sha256Digest, Version};

use crate::audit::Event;
use crate::error::{Result, StoreError};
use crate::{now, parse_col, versions, Actor, Store};

/// What the caller learned about an imported file once it has streamed it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvalRun {
    /// The kind of evaluation.
    pub kind: EvalKind,
    /// The dataset or suite it ran on.
    pub suite: DatasetRef,
    /// When it ran, if the file says.
    pub run_at: Option<String>,
    /// The file's name (no folders).
    pub file_name: String,
    /// sha256 of the file's bytes.
    pub file_digest: Sha256Digest,
    /// Its size.
    pub file_bytes: u64,
    /// `json`, `csv` or `predictions-csv`.
    pub format: &'static str,
    /// Metric declarations the file carried (JSON array text).
    pub declared: String,
}

/// A stored run.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalRunRow {
    /// Row id.
    pub id: i64,
    /// The kind.
    pub kind: EvalKind,
    /// The dataset or suite.
    pub suite: DatasetRef,
    /// When it ran, if known.
    pub run_at: Option<String>,
    /// When it was imported.
    pub imported_at: String,
    /// File name.
    pub file_name: String,
    /// Evidence digest.
    pub file_digest: Sha256Digest,
    /// File size.
    pub file_bytes: u64,
    /// Format.
    pub format: String,
    /// Number of rows.
    pub row_count: u64,
    /// Declared metrics (JSON array text).
    pub declared: String,
}

/// One row on its way in, borrowed from the parser's buffer.
#[derive(Debug, Clone, Copy, Default)]
pub struct EvalRowRef<'a> {
    /// Metric name (checked by the caller).
    pub metric: &'a str,
    /// Finite value.
    pub value: f64,
    /// Canonical slice text (`Slice::to_string`), empty for everyone.
    pub slice: &'a str,
    /// CI low bound.
    pub ci_low: Option<f64>,
    /// CI high bound.
    pub ci_high: Option<f64>,
    /// Count.
    pub n: Option<i64>,
    /// Timestamp.
    pub at: Option<&'a str>,
    /// Variant.
    pub variant: Option<&'a str>,
}

/// Where an importer pushes rows: a prepared INSERT bound to the run being written.
pub struct EvalRowSink<'c> {
    stmt: CachedStatement<'c>,
    run_id: i64,
    rows: u64,
}

impl EvalRowSink<'_> {
    /// Inserts one row.
    pub fn push(&mut self, r: &EvalRowRef<'_>) -> Result<()> {
        self.stmt.execute(rusqlite::params![
            self.run_id,
            i64::try_from(self.rows).unwrap_or(i64::MAX),
            r.metric,
            r.value,
            r.slice,
            r.ci_low,
            r.ci_high,
            r.n,
            r.at,
            r.variant
        ])?;
        self.rows += 1;
        Ok(())
    }

    /// Rows pushed so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }
}

const RUN_COLUMNS: &str = "r.id, r.kind, r.suite_name, r.suite_version, r.run_at, r.imported_at, r.file_name, r.file_digest, r.file_bytes, r.format, r.row_count, r.declared";

fn read_run(r: &rusqlite::Row<'_>) -> Result<EvalRunRow> {
    let name: String = r.get(2)?;
    let version: String = r.get(3)?;
    Ok(EvalRunRow {
        id: r.get(0)?,
        kind: parse_col("evaluation kind", r.get(1)?)?,
        suite: DatasetRef::new(&name, &version)?,
        run_at: r.get(4)?,
        imported_at: r.get(5)?,
        file_name: r.get(6)?,
        file_digest: parse_col("evaluation file digest", r.get(7)?)?,
        file_bytes: u64::try_from(r.get::<_, i64>(8)?).unwrap_or(0),
        format: r.get(9)?,
        row_count: u64::try_from(r.get::<_, i64>(10)?).unwrap_or(0),
        declared: r.get(11)?,
    })
}

fn runs(conn: &Connection, version_id: i64) -> Result<Vec<EvalRunRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {RUN_COLUMNS} FROM eval_runs r WHERE r.version_id = ?1 ORDER BY r.id"
    ))?;
    let mut rows = stmt.query([version_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(read_run(r)?);
    }
    Ok(out)
}

/// Marks a failure of the caller's filler inside [`Store::write`]; never shown to anyone.
fn aborted() -> StoreError {
    StoreError::NotFound("evaluation import aborted by the importer".into())
}

impl Store {
    /// Imports one evaluation file for `model@version` in one transaction. `fill` streams the
    /// file into the sink and returns what the run is; any error it returns (or a duplicate
    /// digest) rolls back every row it pushed.
    pub fn import_eval<E: From<StoreError>>(
        &self,
        model: &ModelName,
        version: &Version,
        actor: &Actor,
        fill: impl FnOnce(&mut EvalRowSink<'_>) -> std::result::Result<NewEvalRun, E>,
    ) -> std::result::Result<EvalRunRow, E> {
        let mut failure: Option<E> = None;
        let result = self.write(actor, |tx| {
            let v = versions::get(tx, model, version)?;
            let run_id: i64 =
                tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM eval_runs", [], |r| {
                    r.get(0)
                })?;
            let stmt = tx.prepare_cached(
                "INSERT INTO eval_rows (run_id, seq, metric, value, slice, ci_low, ci_high, n, at, variant) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            let mut sink = EvalRowSink {
                stmt,
                run_id,
                rows: 0,
            };
            let run = match fill(&mut sink) {
                Ok(run) => run,
                Err(e) => {
                    failure = Some(e);
                    return Err(aborted());
                }
            };
            let rows = sink.rows;
            drop(sink);
            let digest = run.file_digest.to_string();
            let earlier: Option<(i64, String, String)> = tx
                .query_row(
                    "SELECT id, file_name, imported_at FROM eval_runs WHERE version_id = ?1 AND file_digest = ?2",
                    (v.id, &digest),
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            if let Some((id, name, at)) = earlier {
                return Err(StoreError::Conflict(format!(
                    "this file ({digest}) was already imported for {model}@{version} as run {id} ({name}, {at}); nothing was imported again"
                )));
            }
            tx.execute(
                "INSERT INTO eval_runs (id, version_id, kind, suite_name, suite_version, run_at, imported_at, file_name, file_digest, file_bytes, format, row_count, declared)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                rusqlite::params![
                    run_id, v.id, run.kind.as_str(), run.suite.name, run.suite.version, run.run_at, now(),
                    run.file_name, digest, i64::try_from(run.file_bytes).unwrap_or(i64::MAX), run.format,
                    i64::try_from(rows).unwrap_or(i64::MAX), run.declared,
                ],
            )?;
            let row = tx.query_row(
                &format!("SELECT {RUN_COLUMNS} FROM eval_runs r WHERE r.id = ?1"),
                [run_id],
                |r| Ok(read_run(r)),
            )??;
            let event = Event {
                action: "eval.import",
                subject: format!("{model}@{version}"),
                detail: json!({
                    "run": run_id, "kind": run.kind.as_str(), "suite": run.suite.to_string(),
                    "file": run.file_name, "file_digest": digest, "bytes": run.file_bytes,
                    "format": run.format, "rows": rows,
                }),
            };
            Ok((row, event))
        });
        match (result, failure) {
            (_, Some(e)) => Err(e),
            (Ok(row), None) => Ok(row),
            (Err(e), None) => Err(E::from(e)),
        }
    }

    /// The runs imported for a version, oldest first.
    pub fn eval_runs(&self, model: &ModelName, version: &Version) -> Result<Vec<EvalRunRow>> {
        self.read(|c| {
            let v = versions::get(c, model, version)?;
            runs(c, v.id)
        })
    }

    /// Every row of a version's runs, runs oldest first, with the run id.
    pub fn eval_rows(&self, model: &ModelName, version: &Version) -> Result<Vec<(i64, EvalRow)>> {
        self.read(|c| {
            let v = versions::get(c, model, version)?;
            let mut stmt = c.prepare(
                "SELECT w.run_id, w.metric, w.value, w.slice, w.ci_low, w.ci_high, w.n, w.at, w.variant
                 FROM eval_rows w JOIN eval_runs r ON r.id = w.run_id WHERE r.version_id = ?1 ORDER BY w.run_id, w.seq",
            )?;
            let mut rows = stmt.query([v.id])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                let slice_text: String = r.get(3)?;
                let slice = Slice::parse(&slice_text).map_err(|detail| StoreError::BadRow {
                    what: "evaluation slice",
                    value: slice_text.clone(),
                    detail,
                })?;
                out.push((
                    r.get(0)?,
                    EvalRow {
                        metric: r.get(1)?,
                        value: r.get(2)?,
                        slice,
                        ci_low: r.get(4)?,
                        ci_high: r.get(5)?,
                        n: r.get::<_, Option<i64>>(6)?.and_then(|n| u64::try_from(n).ok()),
                        at: r.get(7)?,
                        variant: r.get(8)?,
                    },
                ));
            }
            Ok(out)
        })
    }
}
