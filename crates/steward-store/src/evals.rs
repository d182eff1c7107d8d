//! The `eval_runs` and `eval_row_chunks` tables: imported evaluation evidence.
//!
//! An import is one write: the caller streams the file and pushes each row through an
//! [`EvalRowSink`], which encodes rows into a chunk (see [`chunk`] for the format) and stores
//! every full chunk of 4,096 rows through a cached prepared INSERT as the file streams, so
//! memory stays at one chunk whatever the file's size. The caller then returns what the run
//! is; the last chunk, the run row, the duplicate check on the file's digest and the audit
//! entry follow in the same transaction. A failure anywhere — a bad row on line two million, a
//! duplicate file, a cancel — rolls everything back, so nothing is ever half imported.

mod chunk;

use std::collections::HashMap;

use rusqlite::{CachedStatement, Connection, OptionalExtension};
use serde_json::json;
use steward_domain::eval::{EvalKind, EvalRow, Slice};
use steward_domain::{DatasetRef, DomainError, ModelName, Sha256Digest, Version};

use self::chunk::{ChunkEncoder, CHUNK_ROWS};

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

/// Where an importer pushes rows: they are encoded into chunks of 4,096, each stored through a
/// prepared INSERT bound to the run being written as soon as it is full.
pub struct EvalRowSink<'c> {
    stmt: CachedStatement<'c>,
    run_id: i64,
    rows: u64,
    chunks: i64,
    encoder: ChunkEncoder,
    blob: Vec<u8>,
}

impl EvalRowSink<'_> {
    /// Adds one row. A NaN or infinite value or bound is refused (nothing of it is stored).
    pub fn push(&mut self, r: &EvalRowRef<'_>) -> Result<()> {
        self.encoder.push(r).map_err(|expected| {
            StoreError::Domain(DomainError::Invalid {
                field: "evaluation row",
                input: r.metric.to_string(),
                expected,
            })
        })?;
        self.rows += 1;
        if self.encoder.rows() == CHUNK_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Stores the rows encoded so far as the next chunk.
    fn flush(&mut self) -> Result<()> {
        let rows = self.encoder.rows();
        if rows == 0 {
            return Ok(());
        }
        self.encoder.finish_into(&mut self.blob);
        self.stmt.execute(rusqlite::params![
            self.run_id,
            self.chunks,
            i64::try_from(rows).unwrap_or(i64::MAX),
            &self.blob[..]
        ])?;
        self.chunks += 1;
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
                "INSERT INTO eval_row_chunks (run_id, chunk_no, row_count, data) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut sink = EvalRowSink {
                stmt,
                run_id,
                rows: 0,
                chunks: 0,
                encoder: ChunkEncoder::default(),
                blob: Vec::new(),
            };
            let run = match fill(&mut sink) {
                Ok(run) => run,
                Err(e) => {
                    failure = Some(e);
                    return Err(aborted());
                }
            };
            sink.flush()?;
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

    /// Every row of a version's runs, runs oldest first and rows in file order, with the run
    /// id. Chunks are checked as they are decoded: their numbering, their row counts against
    /// the chunk's and the run's, and the encoding itself; damage is [`StoreError::BadRow`].
    pub fn eval_rows(&self, model: &ModelName, version: &Version) -> Result<Vec<(i64, EvalRow)>> {
        self.read(|c| {
            let v = versions::get(c, model, version)?;
            let expected: HashMap<i64, u64> = runs(c, v.id)?
                .into_iter()
                .map(|r| (r.id, r.row_count))
                .collect();
            let mut found: HashMap<i64, (u64, i64)> = HashMap::new();
            let mut stmt = c.prepare(
                "SELECT c.run_id, c.chunk_no, c.row_count, c.data
                 FROM eval_row_chunks c JOIN eval_runs r ON r.id = c.run_id
                 WHERE r.version_id = ?1 ORDER BY c.run_id, c.chunk_no",
            )?;
            let mut rows = stmt.query([v.id])?;
            let mut out = Vec::new();
            // Each distinct slice text is parsed once per chunk.
            let mut slices: Vec<Option<Slice>> = Vec::new();
            while let Some(r) = rows.next()? {
                let run_id: i64 = r.get(0)?;
                let chunk_no: i64 = r.get(1)?;
                let row_count: i64 = r.get(2)?;
                let damaged = |detail: String| StoreError::BadRow {
                    what: "evaluation row chunk",
                    value: format!("run {run_id}, chunk {chunk_no}"),
                    detail,
                };
                let seen = found.entry(run_id).or_insert((0, 0));
                if chunk_no != seen.1 {
                    return Err(damaged(format!("chunk {} is missing", seen.1)));
                }
                let data = r
                    .get_ref(3)?
                    .as_blob()
                    .map_err(|e| damaged(format!("its data is not a blob: {e}")))?;
                slices.clear();
                let decoded = chunk::decode(data, |d| {
                    if d.slice_id >= slices.len() {
                        slices.resize(d.slice_id + 1, None);
                    }
                    let slice = match &slices[d.slice_id] {
                        Some(s) => s.clone(),
                        None => {
                            let s = Slice::parse(d.row.slice)
                                .map_err(|e| format!("slice {:?}: {e}", d.row.slice))?;
                            slices[d.slice_id] = Some(s.clone());
                            s
                        }
                    };
                    out.push((
                        run_id,
                        EvalRow {
                            metric: d.row.metric.to_string(),
                            value: d.row.value,
                            slice,
                            ci_low: d.row.ci_low,
                            ci_high: d.row.ci_high,
                            n: d.row.n.and_then(|n| u64::try_from(n).ok()),
                            at: d.row.at.map(str::to_string),
                            variant: d.row.variant.map(str::to_string),
                        },
                    ));
                    Ok(())
                })
                .map_err(&damaged)?;
                if i64::try_from(decoded).ok() != Some(row_count) {
                    return Err(damaged(format!(
                        "it holds {decoded} rows where its row_count says {row_count}"
                    )));
                }
                seen.0 += decoded as u64;
                seen.1 += 1;
            }
            for (run_id, want) in expected {
                let got = found.get(&run_id).map_or(0, |f| f.0);
                if got != want {
                    return Err(StoreError::BadRow {
                        what: "evaluation run",
                        value: format!("run {run_id}"),
                        detail: format!("its chunks hold {got} rows where the run says {want}"),
                    });
                }
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sink_stores_full_chunks_as_rows_stream_and_the_rest_at_the_end() {
        let conn = Connection::open_in_memory().expect("db");
        conn.execute_batch(
            "CREATE TABLE eval_row_chunks (run_id INTEGER, chunk_no INTEGER, row_count INTEGER, data BLOB)",
        )
        .expect("table");
        let stmt = conn
            .prepare_cached("INSERT INTO eval_row_chunks VALUES (?1, ?2, ?3, ?4)")
            .expect("stmt");
        let mut sink = EvalRowSink {
            stmt,
            run_id: 7,
            rows: 0,
            chunks: 0,
            encoder: ChunkEncoder::default(),
            blob: Vec::new(),
        };
        let count = |c: &Connection| -> i64 {
            c.query_row("SELECT COUNT(*) FROM eval_row_chunks", [], |r| r.get(0))
                .expect("count")
        };
        for i in 0..CHUNK_ROWS * 2 + 5 {
            sink.push(&EvalRowRef {
                metric: "m",
                value: i as f64,
                ..EvalRowRef::default()
            })
            .expect("push");
            if i == CHUNK_ROWS - 2 {
                assert_eq!(count(&conn), 0);
            }
            if i == CHUNK_ROWS - 1 {
                assert_eq!(count(&conn), 1);
            }
        }
        let err = sink
            .push(&EvalRowRef {
                metric: "m",
                value: f64::NAN,
                ..EvalRowRef::default()
            })
            .expect_err("NaN");
        assert!(err.to_string().contains("finite"), "{err}");
        sink.flush().expect("flush");
        assert_eq!(sink.rows(), (CHUNK_ROWS * 2 + 5) as u64);
        drop(sink);
        let counts: Vec<(i64, i64)> = conn
            .prepare("SELECT chunk_no, row_count FROM eval_row_chunks ORDER BY chunk_no")
            .expect("select")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        assert_eq!(counts, vec![(0, 4096), (1, 4096), (2, 5)]);
    }
}
