//! Streaming import of evaluation files: JSON `steward.eval/v1`, CSV in long format (one
//! metric value per row) and raw-prediction CSV (`y_true,y_pred,<group columns…>`). The
//! format is documented in `docs/eval-format.md`.
//!
//! Files are read through a hashing reader (the sha256 is computed in the same pass) and never
//! held whole: CSV record by record ([`records`]: the `csv` crate's dialect, with the line
//! each record starts on), JSON with a serde visitor that hands
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
use steward_domain::eval::cell;
use steward_domain::eval::fairness::RateCounter;
use steward_domain::eval::{
    check_interval, check_metric_name, check_value, Catalogue, Direction, EvalKind, MetricDef,
    Slice,
};
use steward_domain::{DatasetRef, Sha256Digest};
use steward_store::EvalRowRef;

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

mod json;
mod long;
mod metrics;
mod predictions;
mod reader;
mod records;

use json::{json, FileHead};
use long::{csv_any, next_record, no_rows};
use metrics::Metrics;
use predictions::predictions;
use reader::{read_and_hash, Chunks};
use records::{CsvRecords, RecordError};

fn bad(file: &str, at: &str, reason: impl fmt::Display) -> ApiError {
    ApiError::invalid(format!("{file}: {at}: {reason}; nothing was imported"))
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
    let (give_back, spare) = sync_channel(4);
    let (parsed, hashed) = std::thread::scope(|scope| {
        // The guard on record length runs on the reading thread too, beside the parser.
        let reading = scope.spawn(move || {
            read_and_hash(Bounded::new(reader), tx, &spare, total, progress, cancel)
        });
        let mut chunks = Chunks::new(rx, give_back);
        let parsed = parse_any(&mut chunks, file, given, catalogue, out, cancel).and_then(|p| {
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
            ("y_true,y_pred,gender\n1,2,f\n", "line 2, column 2 (y_pred): \"2\" is not a label: give 1 or 0"),
            // The line a record is on, in a Windows file and after comments and blank lines
            // (the `csv` crate named the line before).
            ("metric,value\r\nrouge_l,0.4\r\nrouge_l,abc\r\n", "line 3, column 2 (value): not a number"),
            ("metric,value\n# measured again\n\nrouge_l,abc\n", "line 4, column 2 (value): not a number"),
            ("metric,value\n\"rouge_l\",\"0.4\"\n\"rouge_l\",0.4,1\n", "line 3: 3 fields where the header has 2"),
            ("metric,value,slice\nrouge_l,0.4,\"k=v,\nj=w\"\nrouge_l,x,\n", "line 4, column 2 (value)"),
            ("metric,value\nrouge_l,0.4\nrouge_l,\u{e9}\u{301}x\n", "line 3, column 2 (value): not a number"),
            ("y_true,y_pred,gender\r\n1,1,f\r\n1,2,f\r\n", "line 3, column 2 (y_pred)"),
            // Header errors name the header's own line when comments or blank lines come first.
            ("metric,value\n", "line 2: the file has a header (line 1) but no rows"),
            ("# exported by evalkit\nmetric,value,colour\n", "line 2, column 3: unknown column \"colour\""),
            ("# exported\n\nmetric\nrouge_l\n", "line 3: missing column \"value\""),
            ("# exported\nmetric,value\n# nothing measured\n", "line 3: the file has a header (line 2) but no rows"),
            ("# exported\ny_true,y_pred\n1,1\n", "line 2: no group columns"),
            ("# exported\ny_true,y_pred,g,g2\n", "line 3: the file has a header (line 2) but no rows"),
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
