//! The `eval_runs` and `eval_row_chunks` tables: imported evaluation evidence.
//!
//! An import is one write: the caller streams the file and pushes each row through an
//! [`EvalRowSink`], whose encoding thread encodes rows into chunks of 4,096 (see [`chunk`] for
//! the format) and spools each full one, so memory stays at a few batches whatever the file's
//! size. The caller then returns what the run is; one transaction copies the spooled chunks in
//! through a cached prepared INSERT, with the run row, the duplicate check on the file's
//! digest and the audit entry. Every row pushed also goes through a
//! [`RowSummariser`], so the run's row summary (what a gate reads instead of rows) is stored
//! with it, canonical, with its digest in the run row and the audit entry. A failure anywhere — a bad row on line two million, a
//! duplicate file, a cancel — rolls everything back, so nothing is ever half imported.

mod chunk;

use std::collections::HashMap;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

use rusqlite::{Connection, OptionalExtension};
use serde_json::json;
use steward_domain::eval::{EvalKind, EvalRow, Slice};
use steward_domain::gate::{RowSummariser, RowSummary, RowView};
use steward_domain::{DatasetRef, DomainError, ModelName, Sha256Digest, Version};

pub(crate) use self::chunk::ChunkDigest;
use self::chunk::{ChunkEncoder, CHUNK_ROWS};

use crate::audit::Event;
use crate::error::{Result, StoreError};
use crate::spool::{Spool, SpoolReader};
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
    /// The digest of the run's stored chunks ([`chunk::ChunkDigest`]), recorded at import and
    /// in its audit entry; `None` for runs imported before Steward recorded it.
    pub chunks_sha256: Option<Sha256Digest>,
    /// sha256 of the run's stored row summary ([`RowSummary::to_canonical`]), recorded at
    /// import and in its audit entry; `None` for runs imported before Steward kept one.
    pub summary_sha256: Option<Sha256Digest>,
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

/// Where an importer pushes rows: they are encoded into chunks of 4,096 and each full chunk
/// is appended to a spool file (anonymous, in the workspace folder, private to its owner and
/// gone when dropped). Parsing and encoding happen here, outside any transaction; only the
/// finished chunks are copied into the database, so an import holds the write lock for the
/// time it takes SQLite to store them, not for the time it takes to parse the file.
///
/// The encoding, the row summary and the spool writes run on a thread of their own, beside
/// the parser: [`EvalRowSink::push`] copies the row into a batch (at most 4,096 rows or 1 MiB
/// of text), and at most two batches wait, so memory stays bounded whatever the file. A row
/// the encoder refuses fails the import at the next full batch or at the end, whichever
/// comes first; nothing is stored either way.
pub struct EvalRowSink {
    rows: u64,
    batch: Batch,
    to_encoder: Option<SyncSender<Batch>>,
    /// Batches the encoder has emptied, to be filled again without allocating.
    spare: Receiver<Batch>,
    encoder: Option<JoinHandle<Result<Encoder>>>,
}

/// Rows copied out of the parser's buffer: their texts in one string, the rest by value.
#[derive(Default)]
struct Batch {
    text: String,
    rows: Vec<BatchRow>,
}

/// One row of a [`Batch`]: each text as a range of the batch's string.
struct BatchRow {
    metric: (usize, usize),
    slice: (usize, usize),
    at: Option<(usize, usize)>,
    variant: Option<(usize, usize)>,
    value: f64,
    ci_low: Option<f64>,
    ci_high: Option<f64>,
    n: Option<i64>,
}

const BATCH_TEXT_BYTES: usize = 1 << 20;

impl Batch {
    fn put(&mut self, s: &str) -> (usize, usize) {
        let start = self.text.len();
        self.text.push_str(s);
        (start, self.text.len())
    }

    fn push(&mut self, r: &EvalRowRef<'_>) {
        let row = BatchRow {
            metric: self.put(r.metric),
            slice: self.put(r.slice),
            at: r.at.map(|t| self.put(t)),
            variant: r.variant.map(|t| self.put(t)),
            value: r.value,
            ci_low: r.ci_low,
            ci_high: r.ci_high,
            n: r.n,
        };
        self.rows.push(row);
    }

    fn full(&self) -> bool {
        self.rows.len() >= CHUNK_ROWS || self.text.len() >= BATCH_TEXT_BYTES
    }

    fn clear(&mut self) {
        self.text.clear();
        self.rows.clear();
    }

    fn each(&self, mut f: impl FnMut(&EvalRowRef<'_>) -> Result<()>) -> Result<()> {
        let text = |(a, b): (usize, usize)| &self.text[a..b];
        for r in &self.rows {
            f(&EvalRowRef {
                metric: text(r.metric),
                value: r.value,
                slice: text(r.slice),
                ci_low: r.ci_low,
                ci_high: r.ci_high,
                n: r.n,
                at: r.at.map(text),
                variant: r.variant.map(text),
            })?;
        }
        Ok(())
    }
}

/// The encoding side of an [`EvalRowSink`], on its own thread.
struct Encoder {
    spool: Spool,
    encoder: ChunkEncoder,
    blob: Vec<u8>,
    digest: ChunkDigest,
    summariser: RowSummariser,
    /// The last slice parsed, by its text (files repeat a slice over many rows).
    slice: (String, Slice),
}

impl Encoder {
    fn run(mut self, batches: Receiver<Batch>, spare: SyncSender<Batch>) -> Result<Encoder> {
        for mut batch in batches {
            batch.each(|r| self.push(r))?;
            batch.clear();
            // The parser may have finished and stopped taking spares back.
            let _ = spare.try_send(batch);
        }
        self.flush()?;
        Ok(self)
    }

    /// Adds one row. A NaN or infinite value or bound is refused (nothing of it is stored).
    fn push(&mut self, r: &EvalRowRef<'_>) -> Result<()> {
        self.encoder.push(r).map_err(|expected| {
            StoreError::Domain(DomainError::Invalid {
                field: "evaluation row",
                input: r.metric.to_string(),
                expected,
            })
        })?;
        if !chunk::same(self.slice.0.as_bytes(), r.slice.as_bytes()) {
            let parsed = Slice::parse(r.slice).map_err(|expected| {
                StoreError::Domain(DomainError::Invalid {
                    field: "evaluation row slice",
                    input: r.slice.to_string(),
                    expected,
                })
            })?;
            self.slice = (r.slice.to_string(), parsed);
        }
        self.summariser.push(&RowView {
            metric: r.metric,
            value: r.value,
            slice: &self.slice.1,
            ci_low: r.ci_low,
            ci_high: r.ci_high,
            // As the stored row reads back (a negative count is no count).
            n: r.n.and_then(|n| u64::try_from(n).ok()),
            at: r.at,
            variant: r.variant,
        });
        if self.encoder.rows() == CHUNK_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Spools the rows encoded so far as the next chunk.
    fn flush(&mut self) -> Result<()> {
        let rows = self.encoder.rows();
        if rows == 0 {
            return Ok(());
        }
        self.encoder.finish_into(&mut self.blob);
        self.digest.add(rows as u64, &self.blob);
        // A record is the chunk's row count (u32, little-endian), then its bytes.
        self.spool.push(&[&(rows as u32).to_le_bytes(), &self.blob])
    }
}

impl EvalRowSink {
    fn new(spool: Spool) -> Result<Self> {
        let encoder = Encoder {
            spool,
            encoder: ChunkEncoder::default(),
            blob: Vec::new(),
            digest: ChunkDigest::default(),
            summariser: RowSummariser::default(),
            slice: (String::new(), Slice::default()),
        };
        let (to_encoder, batches) = sync_channel::<Batch>(2);
        let (give_back, spare) = sync_channel::<Batch>(3);
        let handle = std::thread::Builder::new()
            .name("eval-encode".into())
            .spawn(move || encoder.run(batches, give_back))
            .map_err(|e| StoreError::Spool(format!("cannot start the encoding thread: {e}")))?;
        Ok(EvalRowSink {
            rows: 0,
            batch: Batch::default(),
            to_encoder: Some(to_encoder),
            spare,
            encoder: Some(handle),
        })
    }

    /// Adds one row. A NaN or infinite value or bound is refused (nothing of it is stored):
    /// here or, since the encoder runs beside the parser, at a later push or at the end.
    pub fn push(&mut self, r: &EvalRowRef<'_>) -> Result<()> {
        self.batch.push(r);
        self.rows += 1;
        if self.batch.full() {
            self.send()?;
        }
        Ok(())
    }

    /// Hands the batch to the encoder and takes an empty one; when the encoder has stopped on
    /// an error, that error.
    fn send(&mut self) -> Result<()> {
        let next = self.spare.try_recv().unwrap_or_default();
        let full = std::mem::replace(&mut self.batch, next);
        let sent = self.to_encoder.as_ref().map(|tx| tx.send(full));
        match sent {
            Some(Ok(())) => Ok(()),
            _ => Err(self
                .join()
                .err()
                .unwrap_or_else(|| StoreError::Spool("the encoding thread stopped".into()))),
        }
    }

    /// Waits for the encoder to finish what it was sent.
    fn join(&mut self) -> Result<Encoder> {
        self.to_encoder = None;
        let handle = self
            .encoder
            .take()
            .ok_or_else(|| StoreError::Spool("the encoding thread already stopped".into()))?;
        handle
            .join()
            .map_err(|_| StoreError::Spool("the encoding thread panicked".into()))?
    }

    /// Rows pushed so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Encodes the last rows, rewinds the spool for reading; with the row summary.
    fn finish(mut self) -> Result<(SpoolReader, i64, u64, Sha256Digest, RowSummary)> {
        if !self.batch.rows.is_empty() {
            self.send()?;
        }
        let encoder = self.join()?;
        let chunks = i64::try_from(encoder.spool.records()).unwrap_or(i64::MAX);
        Ok((
            encoder.spool.rewind()?,
            chunks,
            self.rows,
            encoder.digest.finish(),
            encoder.summariser.finish(),
        ))
    }
}

impl Drop for EvalRowSink {
    fn drop(&mut self) {
        // An import that failed: stop the encoder and wait for it, so its spool is gone too.
        self.to_encoder = None;
        if let Some(handle) = self.encoder.take() {
            let _ = handle.join();
        }
    }
}

/// Reads the next spooled chunk into `record`: its row count, then its encoded bytes from
/// `record[4..]`.
fn next_spooled(spool: &mut SpoolReader, record: &mut Vec<u8>) -> Result<i64> {
    spool.next_into(record)?;
    let rows: [u8; 4] = record
        .get(..4)
        .and_then(|r| r.try_into().ok())
        .ok_or_else(|| StoreError::Spool("a spooled chunk lost its row count".into()))?;
    Ok(i64::from(u32::from_le_bytes(rows)))
}

const RUN_COLUMNS: &str = "r.id, r.kind, r.suite_name, r.suite_version, r.run_at, r.imported_at, r.file_name, r.file_digest, r.file_bytes, r.format, r.row_count, r.declared, r.chunks_sha256, r.summary_sha256";

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
        chunks_sha256: r
            .get::<_, Option<String>>(12)?
            .map(|d| parse_col("evaluation chunks digest", d))
            .transpose()?,
        summary_sha256: r
            .get::<_, Option<String>>(13)?
            .map(|d| parse_col("evaluation summary digest", d))
            .transpose()?,
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

/// The row summary of one run recomputed from its stored chunks (decoded one at a time, in
/// order), for the deep verify; an error says which chunk does not decode.
pub(crate) fn summary_from_chunks(
    c: &Connection,
    run_id: i64,
) -> std::result::Result<RowSummary, String> {
    let mut stmt = c
        .prepare("SELECT chunk_no, data FROM eval_row_chunks WHERE run_id = ?1 ORDER BY chunk_no")
        .map_err(|e| e.to_string())?;
    let mut rows = stmt.query([run_id]).map_err(|e| e.to_string())?;
    let mut summariser = RowSummariser::default();
    let mut slices: Vec<Option<Slice>> = Vec::new();
    while let Some(r) = rows.next().map_err(|e| e.to_string())? {
        let chunk_no: i64 = r.get(0).map_err(|e| e.to_string())?;
        let data = r
            .get_ref(1)
            .map_err(|e| e.to_string())?
            .as_blob()
            .map_err(|e| format!("chunk {chunk_no}: {e}"))?;
        slices.clear();
        chunk::decode(data, |d| {
            if d.slice_id >= slices.len() {
                slices.resize(d.slice_id + 1, None);
            }
            if slices[d.slice_id].is_none() {
                slices[d.slice_id] = Some(
                    Slice::parse(d.row.slice)
                        .map_err(|e| format!("slice {:?}: {e}", d.row.slice))?,
                );
            }
            let Some(slice) = slices[d.slice_id].as_ref() else {
                return Err(format!("slice {:?} did not parse", d.row.slice));
            };
            summariser.push(&RowView {
                metric: d.row.metric,
                value: d.row.value,
                slice,
                ci_low: d.row.ci_low,
                ci_high: d.row.ci_high,
                n: d.row.n.and_then(|n| u64::try_from(n).ok()),
                at: d.row.at,
                variant: d.row.variant,
            });
            Ok(())
        })
        .map_err(|e| format!("chunk {chunk_no}: {e}"))?;
    }
    Ok(summariser.finish())
}

/// Recomputes each run's chunk digest before anything is decoded, so an edited chunk is
/// reported as altered (naming its run) rather than as whatever its bytes now decode to.
fn check_chunk_digests(
    c: &Connection,
    version_id: i64,
    expected: &HashMap<i64, (u64, Option<Sha256Digest>)>,
) -> Result<()> {
    let mut stmt = c.prepare(
        "SELECT c.run_id, c.row_count, c.data FROM eval_row_chunks c JOIN eval_runs r ON r.id = c.run_id
         WHERE r.version_id = ?1 ORDER BY c.run_id, c.chunk_no",
    )?;
    let mut rows = stmt.query([version_id])?;
    let mut digests: HashMap<i64, ChunkDigest> = HashMap::new();
    while let Some(r) = rows.next()? {
        let run_id: i64 = r.get(0)?;
        let row_count: i64 = r.get(1)?;
        let data = r.get_ref(2)?.as_blob().unwrap_or_default();
        digests
            .entry(run_id)
            .or_default()
            .add(u64::try_from(row_count).unwrap_or(0), data);
    }
    for (run_id, (_, recorded)) in expected {
        let Some(recorded) = recorded else { continue };
        let computed = digests.remove(run_id).unwrap_or_default().finish();
        if computed != *recorded {
            return Err(StoreError::BadRow {
                what: "evaluation run",
                value: format!("run {run_id}"),
                detail: format!(
                    "its chunks hash to {computed} but {recorded} was recorded at import; the rows were altered outside Steward"
                ),
            });
        }
    }
    Ok(())
}

impl Store {
    /// Imports one evaluation file for `model@version`. `fill` streams the file into the sink
    /// and returns what the run is; that happens before any lock is taken (the version is
    /// checked first so a typo fails at once). Then one write transaction stores the spooled
    /// chunks, the run row with the chunks' digest, and the audit entry; any error of `fill`,
    /// a duplicate digest or a failure while storing leaves nothing behind.
    pub fn import_eval<E: From<StoreError>>(
        &self,
        model: &ModelName,
        version: &Version,
        actor: &Actor,
        fill: impl FnOnce(&mut EvalRowSink) -> std::result::Result<NewEvalRun, E>,
    ) -> std::result::Result<EvalRunRow, E> {
        self.read(|c| versions::get(c, model, version).map(|_| ()))?;
        let mut sink = EvalRowSink::new(Spool::beside(&self.path)?)?;
        let run = fill(&mut sink)?;
        let (mut spool, chunks, rows, chunks_digest, summary) = sink.finish()?;
        let summary = summary.to_canonical().map_err(|e| {
            StoreError::from(DomainError::Invalid {
                field: "evaluation run summary",
                input: run.file_name.clone(),
                expected: e.to_string(),
            })
        })?;
        let summary_sha256 = Sha256Digest::of(summary.as_bytes()).to_string();
        let stored = self.write(actor, |tx| {
            let v = versions::get(tx, model, version)?;
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
            let run_id: i64 =
                tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM eval_runs", [], |r| {
                    r.get(0)
                })?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO eval_row_chunks (run_id, chunk_no, row_count, data) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut blob = Vec::new();
            for chunk_no in 0..chunks {
                let row_count = next_spooled(&mut spool, &mut blob)?;
                insert.execute(rusqlite::params![run_id, chunk_no, row_count, &blob[4..]])?;
            }
            drop(insert);
            let chunks_sha256 = chunks_digest.to_string();
            tx.execute(
                "INSERT INTO eval_runs (id, version_id, kind, suite_name, suite_version, run_at, imported_at, file_name, file_digest, file_bytes, format, row_count, declared, chunks_sha256, summary, summary_sha256)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                rusqlite::params![
                    run_id, v.id, run.kind.as_str(), run.suite.name, run.suite.version, run.run_at, now(),
                    run.file_name, digest, i64::try_from(run.file_bytes).unwrap_or(i64::MAX), run.format,
                    i64::try_from(rows).unwrap_or(i64::MAX), run.declared, chunks_sha256,
                    summary, summary_sha256,
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
                    "format": run.format, "rows": rows, "chunks_sha256": chunks_sha256,
                    "summary_sha256": summary_sha256,
                }),
            };
            Ok((row, event))
        })?;
        Ok(stored)
    }

    /// The runs imported for a version, oldest first.
    pub fn eval_runs(&self, model: &ModelName, version: &Version) -> Result<Vec<EvalRunRow>> {
        self.read(|c| {
            let v = versions::get(c, model, version)?;
            runs(c, v.id)
        })
    }

    /// The runs imported for a version, oldest first, each with the row summary kept at its
    /// import. A summary is checked against its recorded digest and read back; one that does
    /// not match or read is [`StoreError::BadRow`] naming the run. Runs imported before
    /// summaries were kept have `None`: their summary is only in their rows.
    pub fn eval_run_summaries(
        &self,
        model: &ModelName,
        version: &Version,
    ) -> Result<Vec<(EvalRunRow, Option<RowSummary>)>> {
        self.read(|c| {
            let v = versions::get(c, model, version)?;
            let mut stmt = c.prepare(&format!(
                "SELECT {RUN_COLUMNS}, r.summary FROM eval_runs r WHERE r.version_id = ?1 ORDER BY r.id"
            ))?;
            let mut rows = stmt.query([v.id])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                let run = read_run(r)?;
                let text: Option<String> = r.get(14)?;
                let damaged = |detail: String| StoreError::BadRow {
                    what: "evaluation run summary",
                    value: format!("{model}@{version} run {}", run.id),
                    detail,
                };
                let summary = match (&text, run.summary_sha256) {
                    (None, None) => None,
                    (None, Some(_)) | (Some(_), None) => {
                        return Err(damaged(
                            "its summary and summary digest are not both present; the run was altered outside Steward".into(),
                        ))
                    }
                    (Some(text), Some(recorded)) => {
                        let computed = Sha256Digest::of(text.as_bytes());
                        if computed != recorded {
                            return Err(damaged(format!(
                                "its summary hashes to {computed} but {recorded} was recorded at import; the run was altered outside Steward"
                            )));
                        }
                        Some(RowSummary::from_canonical(text).map_err(damaged)?)
                    }
                };
                out.push((run, summary));
            }
            Ok(out)
        })
    }

    /// Every row of a version's runs, runs oldest first and rows in file order, with the run
    /// id. Chunks are checked as they are decoded: their numbering, their row counts against
    /// the chunk's and the run's, and the encoding itself; damage is [`StoreError::BadRow`].
    pub fn eval_rows(&self, model: &ModelName, version: &Version) -> Result<Vec<(i64, EvalRow)>> {
        self.read(|c| {
            let v = versions::get(c, model, version)?;
            let expected: HashMap<i64, (u64, Option<Sha256Digest>)> = runs(c, v.id)?
                .into_iter()
                .map(|r| (r.id, (r.row_count, r.chunks_sha256)))
                .collect();
            check_chunk_digests(c, v.id, &expected)?;
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
            for (run_id, (want, _)) in expected {
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
