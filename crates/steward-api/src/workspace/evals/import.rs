//! Streaming import of evaluation files: JSON `steward.eval/v1`, CSV in long format (one
//! metric value per row) and raw-prediction CSV (`y_true,y_pred,<group columns…>`). The
//! format is documented in `docs/eval-format.md`.
//!
//! Files are read through a hashing reader (the sha256 is computed in the same pass) and never
//! held whole: CSV with the `csv` crate record by record, JSON with a serde visitor that hands
//! each element of `rows` on as it is parsed. Each row is checked and pushed straight into the
//! store's sink (which encodes it into the current chunk of 4,096 rows and stores each full
//! chunk at once); the first bad row stops the import, and the caller's transaction rolls back
//! every chunk before it. Memory stays bounded by the distinct metric names and
//! groups (both capped), not by the file.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use rustc_hash::FxBuildHasher;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use steward_domain::eval::fairness::RateCounter;
use steward_domain::eval::{
    check_interval, check_metric_name, check_value, Catalogue, Direction, EvalKind, MetricDef,
    Slice,
};
use steward_domain::{DatasetRef, Sha256Digest};
use steward_store::EvalRowRef;
use time::format_description::well_known::Rfc3339;

use crate::error::{ApiError, ErrorCode, Result};
use crate::hashing::{Cancel, ProgressSink};
use crate::input::quote;
use crate::wire::Progress;

use super::bounded::{Bounded, TooLong};

/// The JSON format tag.
pub const FORMAT: &str = "steward.eval/v1";
/// At most this many distinct metric names per file.
const MAX_METRICS: usize = 10_000;
/// At most this many group columns in a predictions file.
pub const MAX_GROUP_KEYS: usize = 64;
/// At most this many distinct groups per key in a predictions file.
const MAX_GROUPS: usize = 10_000;
const REPORT_EVERY: u64 = 8 << 20;
const CANCEL_EVERY: u64 = 4096;

/// Where parsed rows go (the store's sink, or a collector in tests).
pub trait RowOut {
    /// Takes one checked row.
    fn push(&mut self, row: &EvalRowRef<'_>) -> Result<()>;
}

impl RowOut for steward_store::EvalRowSink {
    fn push(&mut self, row: &EvalRowRef<'_>) -> Result<()> {
        steward_store::EvalRowSink::push(self, row).map_err(ApiError::from)
    }
}

/// What the caller says about the file, overriding what it says about itself.
#[derive(Debug, Clone, Default)]
pub struct Given {
    /// The kind, from `--kind`.
    pub kind: Option<EvalKind>,
    /// The suite, from `--suite`.
    pub suite: Option<DatasetRef>,
    /// `MODEL@VERSION` being imported into, to check against a JSON file's `model`.
    pub target: String,
}

/// The file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `steward.eval/v1`.
    Json,
    /// Long CSV.
    Csv,
    /// Raw predictions CSV.
    Predictions,
}

impl Format {
    /// The name stored with the run.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Predictions => "predictions-csv",
        }
    }
}

/// What streaming the file established.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// Format.
    pub format: Format,
    /// Kind (given or from the file).
    pub kind: EvalKind,
    /// Suite (given or from the file).
    pub suite: DatasetRef,
    /// When it ran, if the file says.
    pub run_at: Option<String>,
    /// sha256 of every byte read.
    pub digest: Sha256Digest,
    /// Bytes read.
    pub bytes: u64,
    /// Rows pushed (the store counts them too).
    #[cfg_attr(not(test), allow(dead_code))]
    pub rows: u64,
    /// Metrics the file declared that the catalogue lacks.
    pub declared: Vec<MetricDef>,
}

const CHUNK: usize = 256 << 10;

/// The parser's side of the reading thread: chunks arrive through a small bounded channel
/// (so at most a few chunks are in memory), already hashed.
struct Chunks {
    rx: Receiver<std::io::Result<Vec<u8>>>,
    cur: Vec<u8>,
    pos: usize,
}

impl Read for Chunks {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.cur.len() {
            match self.rx.recv() {
                Ok(Ok(chunk)) => {
                    self.cur = chunk;
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.cur.len() - self.pos);
        buf[..n].copy_from_slice(&self.cur[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Reads `reader` to the end on its own thread, hashing and counting every byte and reporting
/// progress, so the digest costs the parser nothing. Stops early when the parser hangs up
/// (it failed) or the import is cancelled.
fn read_and_hash<R: Read>(
    mut reader: R,
    tx: SyncSender<std::io::Result<Vec<u8>>>,
    total: u64,
    progress: &dyn ProgressSink,
    cancel: &Cancel,
) -> std::io::Result<(Sha256Digest, u64)> {
    let mut hasher = Sha256::new();
    let (mut bytes, mut last) = (0u64, 0u64);
    let report = |bytes: u64| {
        progress.report(&Progress {
            phase: "importing".into(),
            done_files: 0,
            total_files: 1,
            done_bytes: bytes,
            total_bytes: total.max(bytes),
        });
    };
    loop {
        if cancel.is_cancelled() {
            let _ = tx.send(Err(std::io::Error::other("cancelled")));
            return Err(std::io::Error::other("cancelled"));
        }
        let mut chunk = vec![0u8; CHUNK];
        let mut filled = 0;
        while filled < CHUNK {
            match reader.read(&mut chunk[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let kind = e.kind();
                    let text = e.to_string();
                    let _ = tx.send(Err(e));
                    return Err(std::io::Error::new(kind, text));
                }
            }
        }
        if filled == 0 {
            report(bytes);
            return Ok((Sha256Digest::from_bytes(hasher.finalize().into()), bytes));
        }
        chunk.truncate(filled);
        hasher.update(&chunk);
        bytes += filled as u64;
        if bytes >= last + REPORT_EVERY {
            last = bytes;
            report(bytes);
        }
        if tx.send(Ok(chunk)).is_err() {
            // The parser stopped; what it reported is the error that matters.
            return Err(std::io::Error::other("the parser stopped"));
        }
    }
}

fn bad(file: &str, at: &str, reason: impl fmt::Display) -> ApiError {
    ApiError::invalid(format!("{file}: {at}: {reason}; nothing was imported"))
}

/// Per-file state shared by the formats: the metrics seen (with where first) and declared.
struct Metrics<'c> {
    catalogue: &'c Catalogue,
    /// Looked up once per row: a fast non-keyed hash (`rustc_hash`).
    seen: HashMap<String, String, FxBuildHasher>,
    declared: BTreeMap<String, MetricDef>,
    last: String,
}

impl<'c> Metrics<'c> {
    fn new(catalogue: &'c Catalogue) -> Self {
        Metrics {
            catalogue,
            seen: HashMap::default(),
            declared: BTreeMap::new(),
            last: String::new(),
        }
    }

    /// Records a metric name; `at` says where, for the error if it is never given a direction.
    fn see(&mut self, name: &str, at: impl FnOnce() -> String) -> std::result::Result<(), String> {
        if name == self.last {
            return Ok(());
        }
        if !self.seen.contains_key(name) {
            check_metric_name(name)?;
            if self.seen.len() >= MAX_METRICS {
                return Err(format!(
                    "more than {MAX_METRICS} distinct metric names; split the file"
                ));
            }
            self.seen.insert(name.to_string(), at());
        }
        self.last.clear();
        self.last.push_str(name);
        Ok(())
    }

    fn declare(
        &mut self,
        name: &str,
        unit: Option<&str>,
        direction: Option<&str>,
    ) -> std::result::Result<(), String> {
        let Some(direction) = direction.filter(|d| !d.trim().is_empty()) else {
            return Ok(());
        };
        let direction: Direction = direction
            .parse()
            .map_err(|e: steward_domain::DomainError| e.to_string())?;
        if let Some(known) = self.catalogue.get(name) {
            if known.direction != direction {
                return Err(format!(
                    "the metrics catalogue says {name} is {}-is-better, the file says {}; fix the file",
                    known.direction.as_str(),
                    direction.as_str()
                ));
            }
            return Ok(());
        }
        if let Some(prev) = self.declared.get(name) {
            if prev.direction != direction {
                return Err(format!(
                    "{name} is declared both {} and {}",
                    prev.direction.as_str(),
                    direction.as_str()
                ));
            }
            return Ok(());
        }
        self.declared.insert(
            name.to_string(),
            MetricDef {
                name: name.to_string(),
                unit: unit.unwrap_or("").trim().to_string(),
                direction,
                label: String::new(),
                threshold: None,
                margin: None,
            },
        );
        Ok(())
    }

    /// Every metric seen has a direction, or the error names where the first unknown appeared.
    fn finish(self, file: &str) -> Result<Vec<MetricDef>> {
        let mut unknown: Vec<(&String, &String)> = self
            .seen
            .iter()
            .filter(|(m, _)| self.catalogue.get(m).is_none() && !self.declared.contains_key(*m))
            .collect();
        unknown.sort();
        if let Some((metric, at)) = unknown.first() {
            return Err(bad(
                file,
                at,
                format!(
                    "unknown metric {metric:?}: it is not in the metrics catalogue and the file does not say which direction is better; declare it (a `direction` column, or \"metrics\": [{{\"name\": {metric:?}, \"unit\": …, \"direction\": \"higher\"|\"lower\"|\"none\"}}] in JSON) or use a catalogued name"
                ),
            ));
        }
        Ok(self.declared.into_values().collect())
    }
}

fn check_timestamp(text: &str) -> std::result::Result<(), String> {
    time::OffsetDateTime::parse(text, &Rfc3339)
        .map(|_| ())
        .map_err(|_| {
            format!(
                "{} is not an RFC 3339 timestamp (e.g. 2026-11-01T12:00:00Z)",
                quote(text)
            )
        })
}

fn check_variant(text: &str) -> std::result::Result<(), String> {
    let ok = !text.is_empty()
        && text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{} is not a variant name (e.g. canary, production)",
            quote(text)
        ))
    }
}

/// Streams `reader` (a file of `total` bytes named `file`) into `out`.
#[allow(clippy::too_many_arguments)]
pub fn import<R: Read + Send>(
    reader: R,
    file: &str,
    total: u64,
    given: &Given,
    catalogue: &Catalogue,
    out: &mut dyn RowOut,
    progress: &dyn ProgressSink,
    cancel: &Cancel,
) -> Result<Parsed> {
    let (tx, rx) = sync_channel(4);
    let (parsed, hashed) = std::thread::scope(|scope| {
        let reading = scope.spawn(|| read_and_hash(reader, tx, total, progress, cancel));
        let mut chunks = Chunks {
            rx,
            cur: Vec::new(),
            pos: 0,
        };
        let parsed = parse_any(
            Bounded::new(&mut chunks),
            file,
            given,
            catalogue,
            out,
            cancel,
        )
        .and_then(|p| {
            // Whatever the parser left unread still belongs to the file and its digest.
            std::io::copy(&mut chunks, &mut std::io::sink()).map_err(|e| io(file, &e))?;
            Ok(p)
        });
        drop(chunks);
        let hashed = reading.join();
        (parsed, hashed)
    });
    if cancel.is_cancelled() {
        return Err(cancelled());
    }
    let (format, rows, declared, head) = parsed?;
    let (digest, bytes) = hashed
        .map_err(|_| {
            ApiError::new(
                ErrorCode::Internal,
                format!("reading {file} failed unexpectedly"),
            )
        })?
        .map_err(|e| io(file, &e))?;
    let kind = given
        .kind
        .or(head.kind)
        .or((format == Format::Predictions).then_some(EvalKind::FairnessAudit))
        .ok_or_else(|| {
            ApiError::invalid(format!(
                "{file}: the file does not say what kind of evaluation it is; pass --kind ({})",
                EvalKind::ALL.map(EvalKind::as_str).join(", ")
            ))
        })?;
    let suite = given.suite.clone().or(head.suite).ok_or_else(|| {
        ApiError::invalid(format!(
            "{file}: the file does not name the dataset or suite it ran on; pass --suite NAME@VERSION{}",
            if format == Format::Json { " or set \"suite\" in the file" } else { "" }
        ))
    })?;
    Ok(Parsed {
        format,
        kind,
        suite,
        run_at: head.run_at,
        digest,
        bytes,
        rows,
        declared,
    })
}

type ParsedBody = (Format, u64, Vec<MetricDef>, FileHead);

fn parse_any<R: Read>(
    reader: R,
    file: &str,
    given: &Given,
    catalogue: &Catalogue,
    out: &mut dyn RowOut,
    cancel: &Cancel,
) -> Result<ParsedBody> {
    let mut buffered = BufReader::with_capacity(1 << 16, reader);
    let first = buffered
        .fill_buf()
        .map_err(|e| io(file, &e))?
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    let mut head = FileHead::default();
    let (format, rows, declared) = match first {
        None => return Err(bad(file, "line 1", "the file is empty")),
        Some(b'{') => {
            let (rows, declared) = json(
                &mut buffered,
                file,
                given,
                catalogue,
                out,
                cancel,
                &mut head,
            )?;
            (Format::Json, rows, declared)
        }
        Some(_) => csv_any(&mut buffered, file, catalogue, out, cancel)?,
    };
    // The rest of the file is drained (and hashed) by the caller.
    std::io::copy(&mut buffered, &mut std::io::sink()).map_err(|e| io(file, &e))?;
    Ok((format, rows, declared, head))
}

fn io(file: &str, e: &std::io::Error) -> ApiError {
    if let Some(too_long) = e.get_ref().and_then(|i| i.downcast_ref::<TooLong>()) {
        return ApiError::invalid(format!("{file}: {too_long}; nothing was imported"));
    }
    ApiError::new(
        ErrorCode::Io,
        format!("cannot read {file}: {e}; nothing was imported"),
    )
}

fn cancelled() -> ApiError {
    ApiError::new(
        ErrorCode::Cancelled,
        "import cancelled; nothing was imported",
    )
}

// ---- CSV ----------------------------------------------------------------------------------

const CSV_COLUMNS: [&str; 10] = [
    "metric",
    "value",
    "slice",
    "ci_low",
    "ci_high",
    "n",
    "timestamp",
    "variant",
    "unit",
    "direction",
];

fn csv_error(file: &str, e: &csv::Error) -> ApiError {
    if let csv::ErrorKind::Io(io_err) = e.kind() {
        return io(file, io_err);
    }
    let line = e.position().map_or(0, csv::Position::line);
    let reason = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("{len} fields where the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { err, .. } => format!("field {} is not UTF-8 text", err.field() + 1),
        _ => e.to_string(),
    };
    bad(file, &format!("line {line}"), reason)
}

/// Reads the next record into `record` and counts it in `read`, checking every
/// [`CANCEL_EVERY`] records whether the import was cancelled; `false` at the end of the file.
fn next_record<R: Read>(
    rdr: &mut csv::Reader<R>,
    record: &mut csv::StringRecord,
    read: &mut u64,
    file: &str,
    cancel: &Cancel,
) -> Result<bool> {
    match rdr.read_record(record) {
        Ok(true) => {}
        Ok(false) => return Ok(false),
        Err(e) => return Err(csv_error(file, &e)),
    }
    *read += 1;
    if *read % CANCEL_EVERY == 0 && cancel.is_cancelled() {
        return Err(cancelled());
    }
    Ok(true)
}

fn csv_any<R: BufRead>(
    reader: R,
    file: &str,
    catalogue: &Catalogue,
    out: &mut dyn RowOut,
    cancel: &Cancel,
) -> Result<(Format, u64, Vec<MetricDef>)> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .comment(Some(b'#'))
        .from_reader(reader);
    let headers = rdr.headers().map_err(|e| csv_error(file, &e))?.clone();
    let names: Vec<String> = headers
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    if names.iter().any(|n| n == "y_true") || names.iter().any(|n| n == "y_pred") {
        let rows = predictions(rdr, &names, file, out, cancel)?;
        return Ok((Format::Predictions, rows, Vec::new()));
    }
    let mut col: [Option<usize>; 10] = [None; 10];
    for (i, name) in names.iter().enumerate() {
        let canonical = match name.as_str() {
            "group" => "slice",
            "at" | "time" => "timestamp",
            other => other,
        };
        let Some(k) = CSV_COLUMNS.iter().position(|c| *c == canonical) else {
            return Err(bad(
                file,
                &format!("line 1, column {}", i + 1),
                format!(
                    "unknown column {}; a long-format CSV has metric,value and optionally {}",
                    quote(name),
                    CSV_COLUMNS[2..].join(",")
                ),
            ));
        };
        if col[k].is_some() {
            return Err(bad(
                file,
                &format!("line 1, column {}", i + 1),
                format!("column {name:?} appears twice"),
            ));
        }
        col[k] = Some(i);
    }
    for (k, required) in [(0, "metric"), (1, "value")] {
        if col[k].is_none() {
            return Err(bad(
                file,
                "line 1",
                format!(
                    "missing column {required:?}; the header has {:?} but a long-format CSV needs metric,value (see docs/eval-format.md)",
                    headers.iter().collect::<Vec<_>>().join(",")
                ),
            ));
        }
    }
    let mut metrics = Metrics::new(catalogue);
    let mut record = csv::StringRecord::new();
    // The canonical text of the last multi-pair slice, and the text it came from: files often
    // list a slice's metrics together, so it is parsed once per run of rows, not per row.
    let mut slice_buf = String::new();
    let mut slice_raw = String::new();
    let mut rows = 0u64;
    fn field_of<'r>(
        col: &[Option<usize>; 10],
        r: &'r csv::StringRecord,
        k: usize,
    ) -> Option<&'r str> {
        // Cells are trimmed here (slicing, no copy) rather than by the reader, which would
        // rebuild every record.
        col[k]
            .and_then(|i| r.get(i))
            .map(trim)
            .filter(|s| !s.is_empty())
    }
    while next_record(&mut rdr, &mut record, &mut rows, file, cancel)? {
        let line = record.position().map_or(0, csv::Position::line);
        let fail = |k: usize, reason: String| {
            let value = field_of(&col, &record, k).unwrap_or("");
            bad(
                file,
                &format!(
                    "line {line}, column {} ({})",
                    col[k].map_or(0, |i| i + 1),
                    CSV_COLUMNS[k]
                ),
                format!("{reason} (value {})", quote(value)),
            )
        };
        let metric =
            field_of(&col, &record, 0).ok_or_else(|| fail(0, "the metric is empty".into()))?;
        metrics
            .see(metric, || {
                format!(
                    "line {line}, column {} (metric)",
                    col[0].map_or(0, |i| i + 1)
                )
            })
            .map_err(|r| fail(0, r))?;
        let number = |k: usize| -> Result<Option<f64>> {
            field_of(&col, &record, k)
                .map(|t| {
                    t.parse::<f64>()
                        .map_err(|_| fail(k, "not a number".into()))
                        .and_then(|v| check_value(v).map_err(|r| fail(k, r)))
                })
                .transpose()
        };
        let value = number(1)?.ok_or_else(|| fail(1, "the value is empty".into()))?;
        let (ci_low, ci_high) = (number(3)?, number(4)?);
        check_interval(value, ci_low, ci_high).map_err(|r| fail(3, r))?;
        let n = field_of(&col, &record, 5)
            .map(|t| {
                t.parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| fail(5, "n must be a whole number ≥ 0".into()))
            })
            .transpose()?;
        let slice: &str = match field_of(&col, &record, 2) {
            None => "",
            // One `key=value` pair is already canonical: no parse, no copy.
            Some(text) if is_single_pair(text) => text,
            Some(text) if text == slice_raw => &slice_buf,
            Some(text) => {
                let s = Slice::parse(text).map_err(|r| fail(2, r))?;
                slice_buf.clear();
                use std::fmt::Write;
                let _ = write!(slice_buf, "{s}");
                slice_raw.clear();
                slice_raw.push_str(text);
                &slice_buf
            }
        };
        let at = field_of(&col, &record, 6);
        if let Some(t) = at {
            check_timestamp(t).map_err(|r| fail(6, r))?;
        }
        let variant = field_of(&col, &record, 7);
        if let Some(v) = variant {
            check_variant(v).map_err(|r| fail(7, r))?;
        }
        if col[9].is_some() {
            metrics
                .declare(
                    metric,
                    field_of(&col, &record, 8),
                    field_of(&col, &record, 9),
                )
                .map_err(|r| fail(9, r))?;
        }
        out.push(&EvalRowRef {
            metric,
            value,
            slice,
            ci_low,
            ci_high,
            n,
            at,
            variant,
        })?;
    }
    if rows == 0 {
        return Err(bad(file, "line 2", "the file has a header but no rows"));
    }
    let declared = metrics.finish(file)?;
    Ok((Format::Csv, rows, declared))
}

/// `str::trim`, without walking the text as chars when it starts and ends with an ASCII byte
/// that is not whitespace (nearly every cell).
fn trim(text: &str) -> &str {
    let plain = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii() && !(*b as char).is_whitespace());
    let bytes = text.as_bytes();
    if plain(bytes.first()) && plain(bytes.last()) {
        text
    } else {
        text.trim()
    }
}

/// Whether `text` is exactly one `key=value` with nothing to trim or reorder.
fn is_single_pair(text: &str) -> bool {
    match text.split_once('=') {
        Some((k, v)) => {
            !k.is_empty()
                && !v.is_empty()
                && !text.contains(',')
                && !v.contains('=')
                && k.trim() == k
                && v.trim() == v
        }
        None => false,
    }
}

fn label_value(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "1.0" | "true" | "yes" => Some(true),
        "0" | "0.0" | "false" | "no" => Some(false),
        _ => None,
    }
}

fn predictions<R: Read>(
    mut rdr: csv::Reader<R>,
    names: &[String],
    file: &str,
    out: &mut dyn RowOut,
    cancel: &Cancel,
) -> Result<u64> {
    let find = |n: &str| names.iter().position(|h| h == n);
    let (Some(t), Some(p)) = (find("y_true"), find("y_pred")) else {
        let missing = if find("y_true").is_none() {
            "y_true"
        } else {
            "y_pred"
        };
        return Err(bad(file, "line 1", format!("missing column {missing:?}; a predictions CSV has y_true,y_pred and one column per group key")));
    };
    let groups: Vec<(usize, &str)> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != t && *i != p)
        .map(|(i, n)| (i, n.as_str()))
        .collect();
    if groups.is_empty() {
        return Err(bad(
            file,
            "line 1",
            "no group columns; add one column per group key (e.g. gender,age_band)",
        ));
    }
    if groups.len() > MAX_GROUP_KEYS {
        return Err(bad(
            file,
            "line 1",
            format!(
                "{} group columns; a predictions file may have at most {MAX_GROUP_KEYS} (fairness and its chart are computed for every key); split the file by key",
                groups.len()
            ),
        ));
    }
    for (i, g) in &groups {
        if check_metric_name(g).is_err() || g.contains('=') {
            return Err(bad(
                file,
                &format!("line 1, column {}", i + 1),
                format!("{g:?} is not a usable group key"),
            ));
        }
    }
    let mut counter = RateCounter::default();
    let mut record = csv::StringRecord::new();
    let mut seen = 0u64;
    let mut distinct: HashMap<&str, std::collections::HashSet<String>> = HashMap::new();
    while next_record(&mut rdr, &mut record, &mut seen, file, cancel)? {
        let line = record.position().map_or(0, csv::Position::line);
        let label = |i: usize, name: &str| {
            let v = record.get(i).unwrap_or("").trim();
            label_value(v).ok_or_else(|| {
                bad(
                    file,
                    &format!("line {line}, column {} ({name})", i + 1),
                    format!("{v:?} is not 0 or 1"),
                )
            })
        };
        let (yt, yp) = (label(t, "y_true")?, label(p, "y_pred")?);
        let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(groups.len());
        for (i, g) in &groups {
            let v = record.get(*i).unwrap_or("").trim();
            if v.is_empty() || v.contains([',', '=']) {
                return Err(bad(
                    file,
                    &format!("line {line}, column {} ({g})", i + 1),
                    format!("{v:?} is not a group value (empty, or holds ',' or '=')"),
                ));
            }
            let set = distinct.entry(g).or_default();
            if !set.contains(v) {
                if set.len() >= MAX_GROUPS {
                    return Err(bad(
                        file,
                        &format!("line {line}, column {} ({g})", i + 1),
                        format!(
                            "more than {MAX_GROUPS} distinct groups; is {g} really a group key?"
                        ),
                    ));
                }
                set.insert(v.to_string());
            }
            pairs.push((g, v));
        }
        counter.add(&pairs, yt, yp);
    }
    if seen == 0 {
        return Err(bad(file, "line 2", "the file has a header but no rows"));
    }
    let mut rows = 0u64;
    let mut emit = |slice: &str, r: &steward_domain::eval::fairness::GroupRates| -> Result<()> {
        let n = i64::try_from(r.confusion.n()).unwrap_or(i64::MAX);
        for (metric, value) in [
            ("selection_rate", r.selection_rate),
            ("true_positive_rate", r.tpr),
            ("false_positive_rate", r.fpr),
        ] {
            out.push(&EvalRowRef {
                metric,
                value,
                slice,
                n: Some(n),
                ..EvalRowRef::default()
            })?;
            rows += 1;
        }
        Ok(())
    };
    emit("", &counter.overall())?;
    for (key, groups) in counter.by_key() {
        for g in groups {
            emit(&Slice::single(&key, &g.group).to_string(), &g)?;
        }
    }
    Ok(rows)
}

// ---- JSON ---------------------------------------------------------------------------------

#[derive(Default)]
struct FileHead {
    kind: Option<EvalKind>,
    suite: Option<DatasetRef>,
    run_at: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRow {
    metric: String,
    value: f64,
    #[serde(default)]
    slice: Option<serde_json::Value>,
    #[serde(default, alias = "group")]
    group_: Option<serde_json::Value>,
    #[serde(default)]
    ci_low: Option<f64>,
    #[serde(default)]
    ci_high: Option<f64>,
    #[serde(default)]
    n: Option<u64>,
    #[serde(default, alias = "at")]
    timestamp: Option<String>,
    #[serde(default)]
    variant: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonMetric {
    name: String,
    #[serde(default)]
    unit: Option<String>,
    direction: String,
}

struct JsonCtx<'a, 'c> {
    file: &'a str,
    given: &'a Given,
    metrics: Metrics<'c>,
    out: &'a mut dyn RowOut,
    cancel: &'a Cancel,
    head: &'a mut FileHead,
    rows: u64,
    format_seen: bool,
    /// The real error behind a serde custom error (its code and text), completed with the
    /// line and column serde_json knows.
    failure: Option<ApiError>,
    slice_buf: String,
}

impl JsonCtx<'_, '_> {
    fn fail<E: de::Error>(&mut self, err: ApiError) -> E {
        let msg = err.message.clone();
        self.failure = Some(err);
        E::custom(msg)
    }

    fn row(&mut self, r: JsonRow) -> std::result::Result<(), (String, String)> {
        let i = self.rows;
        let at = |f: &str| format!("rows[{i}].{f}");
        check_value(r.value).map_err(|e| (at("value"), e))?;
        self.metrics
            .see(&r.metric, || format!("rows[{i}].metric"))
            .map_err(|e| (at("metric"), e))?;
        check_interval(r.value, r.ci_low, r.ci_high).map_err(|e| (at("ci_low"), e))?;
        for v in [r.ci_low, r.ci_high].into_iter().flatten() {
            check_value(v).map_err(|e| (at("ci_low"), e))?;
        }
        let slice_value = match (r.slice, r.group_) {
            (Some(_), Some(_)) => {
                return Err((at("slice"), "give slice or group, not both".into()))
            }
            (s, g) => s.or(g),
        };
        let slice = match slice_value {
            None | Some(serde_json::Value::Null) => Slice::default(),
            Some(serde_json::Value::String(s)) => Slice::parse(&s).map_err(|e| (at("slice"), e))?,
            Some(serde_json::Value::Object(m)) => {
                let text = m
                    .iter()
                    .map(|(k, v)| match v {
                        serde_json::Value::String(s) => Ok(format!("{k}={s}")),
                        other => Ok(format!("{k}={other}")),
                    })
                    .collect::<std::result::Result<Vec<_>, String>>()
                    .map_err(|e| (at("slice"), e))?
                    .join(",");
                Slice::parse(&text).map_err(|e| (at("slice"), e))?
            }
            Some(other) => {
                return Err((
                    at("slice"),
                    format!("{other} is not \"key=value,…\" or an object"),
                ))
            }
        };
        self.slice_buf.clear();
        {
            use std::fmt::Write;
            let _ = write!(self.slice_buf, "{slice}");
        }
        if let Some(t) = &r.timestamp {
            check_timestamp(t).map_err(|e| (at("timestamp"), e))?;
        }
        if let Some(v) = &r.variant {
            check_variant(v).map_err(|e| (at("variant"), e))?;
        }
        let n = r.n.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
        let row = EvalRowRef {
            metric: &r.metric,
            value: r.value,
            slice: &self.slice_buf,
            ci_low: r.ci_low,
            ci_high: r.ci_high,
            n,
            at: r.timestamp.as_deref(),
            variant: r.variant.as_deref(),
        };
        self.out
            .push(&row)
            .map_err(|e| (String::new(), e.message))?;
        self.rows += 1;
        Ok(())
    }
}

struct Doc<'x, 'a, 'c>(&'x mut JsonCtx<'a, 'c>);
struct Rows<'x, 'a, 'c>(&'x mut JsonCtx<'a, 'c>);

impl<'de> DeserializeSeed<'de> for Doc<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Doc<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {FORMAT} object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let ctx = self.0;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => {
                    let f: String = map.next_value()?;
                    if f != FORMAT {
                        let e = bad(ctx.file, "format", format!("{f:?} is not {FORMAT:?}"));
                        return Err(ctx.fail(e));
                    }
                    ctx.format_seen = true;
                }
                "kind" => {
                    let k: String = map.next_value()?;
                    match k.parse::<EvalKind>() {
                        Ok(k) => ctx.head.kind = Some(k),
                        Err(e) => {
                            let e = bad(ctx.file, "kind", e);
                            return Err(ctx.fail(e));
                        }
                    }
                }
                "suite" | "dataset" => {
                    let s: String = map.next_value()?;
                    match s.parse::<DatasetRef>() {
                        Ok(s) => ctx.head.suite = Some(s),
                        Err(e) => {
                            let e = bad(ctx.file, "suite", e);
                            return Err(ctx.fail(e));
                        }
                    }
                }
                "run_at" => {
                    let t: String = map.next_value()?;
                    if let Err(r) = check_timestamp(&t) {
                        let e = bad(ctx.file, "run_at", r);
                        return Err(ctx.fail(e));
                    }
                    ctx.head.run_at = Some(t);
                }
                "model" => {
                    let m: String = map.next_value()?;
                    if !ctx.given.target.is_empty() && m != ctx.given.target {
                        let e = bad(
                            ctx.file,
                            "model",
                            format!(
                                "the file is for {m}, not {}; import it into {m} or fix the file",
                                ctx.given.target
                            ),
                        );
                        return Err(ctx.fail(e));
                    }
                }
                "metrics" => {
                    let defs: Vec<JsonMetric> = map.next_value()?;
                    for (i, d) in defs.iter().enumerate() {
                        if let Err(r) = check_metric_name(&d.name).and_then(|()| {
                            ctx.metrics
                                .declare(&d.name, d.unit.as_deref(), Some(&d.direction))
                        }) {
                            let e = bad(ctx.file, &format!("metrics[{i}]"), r);
                            return Err(ctx.fail(e));
                        }
                    }
                }
                "notes" | "description" | "source" | "tool" => {
                    map.next_value::<de::IgnoredAny>()?;
                }
                "rows" => map.next_value_seed(Rows(&mut *ctx))?,
                other => {
                    let e = bad(
                        ctx.file,
                        other,
                        format!("unknown field {other:?}; {FORMAT} has format, model, kind, suite, run_at, metrics, rows, notes"),
                    );
                    return Err(ctx.fail(e));
                }
            }
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Rows<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Rows<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of metric rows")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let ctx = self.0;
        loop {
            if ctx.rows % CANCEL_EVERY == 0 && ctx.cancel.is_cancelled() {
                return Err(ctx.fail(cancelled()));
            }
            let i = ctx.rows;
            let row: JsonRow = match seq.next_element() {
                Ok(Some(r)) => r,
                Ok(None) => break,
                Err(e) => {
                    let text = e.to_string();
                    let reason = text.split(" at line ").next().unwrap_or(&text);
                    let e = ApiError::invalid(format!(
                        "malformed JSON or metric row at rows[{i}]: {reason}"
                    ));
                    return Err(ctx.fail(e));
                }
            };
            if let Err((field, reason)) = ctx.row(row) {
                let e = if field.is_empty() {
                    ApiError::new(ErrorCode::Internal, reason)
                } else {
                    ApiError::invalid(format!("{field}: {reason}"))
                };
                return Err(ctx.fail(e));
            }
        }
        Ok(())
    }
}

fn json<R: Read>(
    reader: R,
    file: &str,
    given: &Given,
    catalogue: &Catalogue,
    out: &mut dyn RowOut,
    cancel: &Cancel,
    head: &mut FileHead,
) -> Result<(u64, Vec<MetricDef>)> {
    let mut ctx = JsonCtx {
        file,
        given,
        metrics: Metrics::new(catalogue),
        out,
        cancel,
        head,
        rows: 0,
        format_seen: false,
        failure: None,
        slice_buf: String::new(),
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let parsed = Doc(&mut ctx).deserialize(&mut de).and_then(|()| de.end());
    if let Err(e) = parsed {
        let place = format!("line {}, column {}", e.line(), e.column());
        return Err(match ctx.failure.take() {
            Some(f) if f.code == ErrorCode::InvalidInput => {
                let reason = f
                    .message
                    .trim_end_matches("; nothing was imported")
                    .to_string();
                let reason = reason
                    .strip_prefix(&format!("{file}: "))
                    .unwrap_or(&reason)
                    .to_string();
                bad(file, &place, reason)
            }
            Some(f) => f,
            None if e.is_io() => ApiError::new(
                ErrorCode::Io,
                format!("cannot read {file}: {e}; nothing was imported"),
            ),
            None => {
                let text = e.to_string();
                let reason = text.split(" at line ").next().unwrap_or(&text).to_string();
                bad(file, &place, format!("malformed JSON: {reason}"))
            }
        });
    }
    if !ctx.format_seen {
        return Err(bad(
            file,
            "format",
            format!("missing \"format\": {FORMAT:?}; is this a Steward evaluation file?"),
        ));
    }
    if ctx.rows == 0 {
        return Err(bad(
            file,
            "rows",
            "no rows; an evaluation file holds at least one metric value",
        ));
    }
    let rows = ctx.rows;
    let declared = ctx.metrics.finish(file)?;
    Ok((rows, declared))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hashing::NoProgress;

    /// Collects rows, remembering how far the reader had got when the first row arrived.
    #[derive(Default)]
    struct Collect {
        rows: Vec<(String, f64, String)>,
        count: u64,
        consumed_at_first: Option<u64>,
        consumed: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    }

    impl RowOut for Collect {
        fn push(&mut self, r: &EvalRowRef<'_>) -> Result<()> {
            if self.consumed_at_first.is_none() {
                self.consumed_at_first = self
                    .consumed
                    .as_ref()
                    .map(|c| c.load(std::sync::atomic::Ordering::SeqCst));
            }
            self.count += 1;
            if self.rows.len() < 100 {
                self.rows.push((r.metric.into(), r.value, r.slice.into()));
            }
            Ok(())
        }
    }

    fn given() -> Given {
        Given {
            kind: Some(EvalKind::GoldenSet),
            suite: Some("golden@v1".parse().expect("suite")),
            target: "copilot@1.0.0-1".into(),
        }
    }

    fn run(text: &str) -> Result<(Parsed, Collect)> {
        let mut c = Collect::default();
        let p = import(
            text.as_bytes(),
            "f",
            text.len() as u64,
            &given(),
            Catalogue::builtin(),
            &mut c,
            &NoProgress,
            &Cancel::new(),
        )?;
        Ok((p, c))
    }

    #[test]
    fn formats_parse() {
        let (p, c) = run("metric,value,slice\nrouge_l,0.5,\naccuracy,0.9,\"gender=f , age=1\"\n")
            .expect("csv");
        assert_eq!((p.format, p.rows), (Format::Csv, 2));
        assert_eq!(c.rows[1].2, "age=1,gender=f");
        assert_eq!(
            p.digest,
            Sha256Digest::of(
                b"metric,value,slice\nrouge_l,0.5,\naccuracy,0.9,\"gender=f , age=1\"\n"
            )
        );
        let json = r#"{"rows":[{"metric":"rouge_l","value":0.5,"slice":{"gender":"f"}}],"format":"steward.eval/v1","kind":"red-team","suite":"x@1"}"#;
        let (p, c) = run(json).expect("json");
        assert_eq!(
            (p.format, p.rows, p.kind),
            (Format::Json, 1, EvalKind::GoldenSet)
        );
        assert_eq!(c.rows[0].2, "gender=f");
        let (p, c) = run("y_true,y_pred,gender\n1,1,f\n0,1,m\n").expect("predictions");
        assert_eq!(p.format, Format::Predictions);
        assert_eq!(c.count, 9);
    }

    #[test]
    fn bad_rows_name_line_column_and_value() {
        let cases: &[(&str, &str)] = &[
            ("metric,value\nrouge_l,abc\n", "line 2, column 2 (value): not a number (value \"abc\")"),
            ("metric,value\nrouge_l,NaN\n", "line 2, column 2 (value): NaN"),
            ("metric,value\nrouge_l,0.4\nrouge_l,inf\n", "line 3, column 2 (value): inf is not a finite"),
            ("metric\nrouge_l\n", "missing column \"value\""),
            ("metric,value\nmystery,1\n", "line 2, column 1 (metric): unknown metric \"mystery\""),
            ("metric,value,direction\nmystery,1,sideways\n", "line 2, column 3 (direction)"),
            ("metric,value,direction\nrouge_l,1,lower\n", "catalogue says rouge_l is higher"),
            ("metric,value\nrouge_l,0.4,9\n", "line 2: 3 fields where the header has 2"),
            ("metric,value,colour\n", "unknown column \"colour\""),
            ("{\"format\":\"steward.eval/v1\",\"rows\":[{\"metric\":\"rouge_l\",\"value\":0.4},\n{\"metric\":\"rouge_l\",\"value\":\"x\"}]}", "line 2, column"),
            ("{\"format\":\"steward.eval/v1\",\"rows\":[{\"metric\":\"rouge_l\",\"value\":0.4}", "malformed JSON"),
            ("{\"format\":\"steward.eval/v1\",\"rows\":[{\"metric\":\"rouge_l\",\"value\":1e999}]}", "line 1, column"),
            ("{\"format\":\"steward.eval/v1\",\"rows\":[{\"metric\":\"zz\",\"value\":1}]}", "unknown metric \"zz\""),
            ("{\"format\":\"steward.eval/v1\",\"model\":\"other@1.0.0-1\",\"rows\":[]}", "the file is for other@1.0.0-1"),
            ("y_true,y_pred,gender\n1,2,f\n", "line 2, column 2 (y_pred): \"2\" is not 0 or 1"),
        ];
        for (input, want) in cases {
            let err = run(input)
                .err()
                .unwrap_or_else(|| panic!("accepted {input:?}"));
            assert!(
                err.message.contains(want),
                "{input:?}\n  got: {}\n want: {want}",
                err.message
            );
            assert!(
                err.message.contains("nothing was imported"),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn declared_metrics_are_accepted() {
        let (p, _) = run("metric,value,unit,direction\nmystery,1,pts,higher\nmystery,2,,\n")
            .expect("declared");
        assert_eq!(p.declared.len(), 1);
        assert_eq!(p.declared[0].direction, Direction::Higher);
        let json = r#"{"format":"steward.eval/v1","rows":[{"metric":"zz","value":1}],"metrics":[{"name":"zz","unit":"x","direction":"lower"}]}"#;
        assert_eq!(run(json).expect("json declared").0.declared.len(), 1);
    }

    /// A generated CSV of `rows` rows, produced as it is read (never held whole).
    struct Generated {
        rows: u64,
        next: u64,
        buf: Vec<u8>,
        pos: usize,
        consumed: std::sync::Arc<std::sync::atomic::AtomicU64>,
        json: bool,
    }

    impl Read for Generated {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            if self.pos == self.buf.len() {
                self.buf.clear();
                self.pos = 0;
                if self.next == 0 {
                    self.buf.extend_from_slice(if self.json {
                        b"{\"format\":\"steward.eval/v1\",\"rows\":[" as &[u8]
                    } else {
                        b"metric,value,slice\n"
                    });
                }
                while self.buf.len() < 8192 && self.next < self.rows {
                    let i = self.next;
                    let line = if self.json {
                        format!("{}{{\"metric\":\"latency_ms\",\"value\":{}.5,\"slice\":\"region=r{}\"}}\n", if i == 0 { "" } else { "," }, i % 997, i % 7)
                    } else {
                        format!("latency_ms,{}.5,region=r{}\n", i % 997, i % 7)
                    };
                    self.buf.extend_from_slice(line.as_bytes());
                    self.next += 1;
                }
                if self.next == self.rows && self.json {
                    self.buf.extend_from_slice(b"]}");
                    self.next += 1;
                }
            }
            let n = out.len().min(self.buf.len() - self.pos);
            out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
            self.pos += n;
            self.consumed
                .fetch_add(n as u64, std::sync::atomic::Ordering::SeqCst);
            Ok(n)
        }
    }

    #[test]
    fn large_files_stream_with_bounded_memory() {
        for json in [false, true] {
            let consumed = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
            let rows = 600_000;
            let reader = Generated {
                rows,
                next: 0,
                buf: Vec::new(),
                pos: 0,
                consumed: consumed.clone(),
                json,
            };
            let mut c = Collect {
                consumed: Some(consumed.clone()),
                ..Collect::default()
            };
            let p = import(
                reader,
                "big",
                0,
                &given(),
                Catalogue::builtin(),
                &mut c,
                &NoProgress,
                &Cancel::new(),
            )
            .expect("imports");
            assert_eq!(p.rows, rows);
            assert_eq!(c.count, rows);
            let total = consumed.load(std::sync::atomic::Ordering::SeqCst);
            assert!(total > 15_000_000, "a large input ({total} bytes)");
            let first = c.consumed_at_first.expect("rows arrived");
            // The first row reached the store after the reading thread's few chunks of
            // read-ahead (bounded, whatever the file's size), not after the whole file was
            // read: the import streams.
            assert!(
                first <= 2 << 20,
                "json={json}: first row after {first} of {total} bytes"
            );
            assert_eq!(p.bytes, total);
        }
    }

    #[test]
    fn cancel_stops_the_import() {
        let cancel = Cancel::new();
        cancel.cancel();
        let text = "metric,value\n".to_string() + &"rouge_l,0.5\n".repeat(10_000);
        let err = import(
            text.as_bytes(),
            "f",
            0,
            &given(),
            Catalogue::builtin(),
            &mut Collect::default(),
            &NoProgress,
            &cancel,
        )
        .expect_err("cancelled");
        assert_eq!(err.code, ErrorCode::Cancelled);
    }
}
