//! Feedback loops (issue 12, point 4): importing in-product feedback with every text redacted
//! before the store sees it, summaries per version and prompt variant, the human review queue
//! and its labels, the weekly triage, and the export of labelled items as a dataset snapshot.
//!
//! Redaction happens here, on each field as it is read, with the policy in force; the store
//! only ever receives redacted text. Error messages are redacted too (a parser quoting a
//! value, a file name holding an address), so a refusal cannot carry personal data either.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{json, Value};
use steward_domain::feedback::{
    review_queue, summarize, triage, FeedbackFacts, FeedbackKind, Label, Redactor, DEFAULT_VARIANT,
};
use steward_domain::gate::time::parse_rfc3339;
use steward_domain::{ModelName, Version};
use steward_store::{FeedbackItemRow, NewFeedbackImport, NewFeedbackItem, StoreError};

use super::{parse, Workspace};
use crate::error::{ApiError, ErrorCode, Result};
use crate::hashing::{Cancel, NoProgress};
use crate::input::{HashingReader, MAX_RECORD_BYTES};
use crate::wire::*;
use crate::workspace::evals::bounded::Bounded;

/// The folder (under the workspace) labelled items are exported to, one subfolder a snapshot.
pub const EXPORT_DIR: &str = "feedback-exports";

/// The file of an export snapshot.
pub const EXPORT_FILE: &str = "labelled.jsonl";

/// Why reading a feedback file stopped: the file (a message naming the line), or the spool
/// the items go to before they are stored.
enum Stop {
    File(String),
    Spool(StoreError),
}

impl From<String> for Stop {
    fn from(message: String) -> Self {
        Stop::File(message)
    }
}

/// Reads one line into `buf` (without the newline); false at the end. A line longer than
/// [`MAX_RECORD_BYTES`] is refused without reading the rest of it.
fn read_line_bounded<R: BufRead>(
    r: &mut R,
    buf: &mut Vec<u8>,
    line: u64,
) -> std::result::Result<bool, String> {
    buf.clear();
    let mut any = false;
    loop {
        let avail = r.fill_buf().map_err(|e| format!("line {line}: {e}"))?;
        if avail.is_empty() {
            return Ok(any);
        }
        any = true;
        let (chunk, done) = match avail.iter().position(|&b| b == b'\n') {
            Some(i) => (&avail[..i], Some(i + 1)),
            None => (avail, None),
        };
        if buf.len() + chunk.len() > MAX_RECORD_BYTES {
            return Err(format!(
                "line {line}: the line is longer than {} MiB, the limit for one feedback item",
                MAX_RECORD_BYTES >> 20
            ));
        }
        buf.extend_from_slice(chunk);
        let used = done.unwrap_or(avail.len());
        r.consume(used);
        if done.is_some() {
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            return Ok(true);
        }
    }
}

/// One item as the file gives it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Option<Value>,
    at: Option<String>,
    kind: Option<String>,
    variant: Option<String>,
    input: Option<String>,
    output: Option<String>,
    comment: Option<String>,
    correction: Option<String>,
    #[serde(default)]
    flagged: bool,
    #[serde(default)]
    safety: bool,
}

const CSV_COLUMNS: [&str; 10] = [
    "id",
    "at",
    "kind",
    "variant",
    "input",
    "output",
    "comment",
    "correction",
    "flagged",
    "safety",
];

fn csv_bool(column: &str, text: &str) -> std::result::Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "false" | "no" | "0" => Ok(false),
        "true" | "yes" | "1" => Ok(true),
        other => Err(format!(
            "column `{column}`: {other:?} is not a yes/no value (true, false, yes, no, 1, 0 or blank)"
        )),
    }
}

struct Reader<'a> {
    redactor: &'a Redactor,
    variant: Option<&'a str>,
}

impl Reader<'_> {
    /// Turns one raw item into what is stored: every text redacted and cut.
    fn item(&self, raw: RawItem, line: u64) -> std::result::Result<NewFeedbackItem, String> {
        let at = raw
            .at
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .ok_or("field `at` is missing (when the feedback was given, RFC 3339)")?;
        if parse_rfc3339(&at).is_none() {
            return Err(format!(
                "field `at`: {at:?} is not an RFC 3339 time (2026-11-30T09:00:00Z)"
            ));
        }
        let kind_text = raw
            .kind
            .ok_or("field `kind` is missing (thumbs-up, thumbs-down, correction or override)")?;
        let kind: FeedbackKind = kind_text
            .parse()
            .map_err(|e| format!("field `kind`: {kind_text:?} is not {e}"))?;
        let variant = match (raw.variant.as_deref().map(str::trim), self.variant) {
            (Some(v), Some(given)) if !v.is_empty() && v != given => {
                return Err(format!(
                    "field `variant`: {v:?}, but --variant {given:?} was given for the whole file"
                ))
            }
            (Some(v), _) if !v.is_empty() => v.to_string(),
            (_, Some(given)) => given.to_string(),
            _ => DEFAULT_VARIANT.to_string(),
        };
        let id = match raw.id {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s,
            Some(Value::Number(n)) => n.to_string(),
            Some(_) => return Err("field `id`: expected a string or a number".into()),
        };
        let mut found: BTreeMap<String, u32> = BTreeMap::new();
        let mut truncated = false;
        let mut redact = |text: Option<String>| -> String {
            let Some(text) = text else {
                return String::new();
            };
            let r = self.redactor.redact(&text);
            for (k, n) in r.found {
                *found.entry(k).or_insert(0) += n;
            }
            truncated |= r.truncated;
            r.text
        };
        let external_id = redact(Some(id));
        let variant = redact(Some(variant));
        let input = redact(raw.input);
        let output = redact(raw.output);
        let comment = redact(raw.comment);
        let correction = redact(raw.correction);
        let total: u32 = found.values().sum();
        Ok(NewFeedbackItem {
            line,
            external_id,
            variant,
            kind: kind.as_str().to_string(),
            at,
            input,
            output,
            comment,
            correction,
            flagged: raw.flagged,
            safety: raw.safety,
            redactions: json!(found).to_string(),
            redaction_total: u64::from(total),
            truncated,
        })
    }

    /// Reads JSON lines, handing each item to `emit` as it is read.
    fn jsonl<R: BufRead>(
        &self,
        mut r: R,
        emit: &mut dyn FnMut(NewFeedbackItem) -> std::result::Result<(), Stop>,
    ) -> std::result::Result<(), Stop> {
        let mut buf = Vec::new();
        let mut line = 0u64;
        loop {
            line += 1;
            if !read_line_bounded(&mut r, &mut buf, line)? {
                break;
            }
            let text = std::str::from_utf8(&buf)
                .map_err(|e| format!("line {line}: not UTF-8 ({e})"))?
                .trim_start_matches('\u{feff}');
            if text.trim().is_empty() {
                continue;
            }
            let raw: RawItem = serde_json::from_str(text).map_err(|e| {
                format!(
                    "line {line}: {}",
                    e.to_string().replace(" at line 1 column", " at column")
                )
            })?;
            emit(
                self.item(raw, line)
                    .map_err(|e| format!("line {line}: {e}"))?,
            )?;
        }
        Ok(())
    }

    /// Reads CSV records, handing each item to `emit` as it is read.
    fn csv<R: Read>(
        &self,
        r: R,
        emit: &mut dyn FnMut(NewFeedbackItem) -> std::result::Result<(), Stop>,
    ) -> std::result::Result<(), Stop> {
        let mut rd = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .from_reader(r);
        let headers = rd
            .headers()
            .map_err(|e| format!("line 1: header: {e}"))?
            .clone();
        let mut columns = Vec::new();
        for h in &headers {
            let h = h.trim_start_matches('\u{feff}');
            if !CSV_COLUMNS.contains(&h) {
                return Err(format!(
                    "line 1: column {h:?} is not a feedback column (expected some of {})",
                    CSV_COLUMNS.join(", ")
                )
                .into());
            }
            if columns.contains(&h.to_string()) {
                return Err(format!("line 1: column {h:?} appears twice").into());
            }
            columns.push(h.to_string());
        }
        let mut record = csv::StringRecord::new();
        loop {
            match rd.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(0, csv::Position::line);
                    return Err(match e.kind() {
                        csv::ErrorKind::Io(io) => io.to_string(),
                        _ => format!("line {line}: {e}"),
                    }
                    .into());
                }
            }
            let line = record.position().map_or(0, csv::Position::line);
            let mut raw = RawItem::default();
            for (col, cell) in columns.iter().zip(record.iter()) {
                let text = (!cell.is_empty()).then(|| cell.to_string());
                match col.as_str() {
                    "id" => raw.id = text.map(Value::String),
                    "at" => raw.at = text,
                    "kind" => raw.kind = text,
                    "variant" => raw.variant = text,
                    "input" => raw.input = text,
                    "output" => raw.output = text,
                    "comment" => raw.comment = text,
                    "correction" => raw.correction = text,
                    "flagged" => {
                        raw.flagged =
                            csv_bool(col, cell).map_err(|e| format!("line {line}: {e}"))?;
                    }
                    _ => {
                        raw.safety = csv_bool(col, cell).map_err(|e| format!("line {line}: {e}"))?
                    }
                }
            }
            emit(
                self.item(raw, line)
                    .map_err(|e| format!("line {line}: {e}"))?,
            )?;
        }
        Ok(())
    }
}

fn facts(row: &FeedbackItemRow) -> Result<FeedbackFacts> {
    let kind: FeedbackKind = row.item.kind.parse().map_err(|e: String| {
        ApiError::from(StoreError::BadRow {
            what: "feedback item kind",
            value: row.item.kind.clone(),
            detail: e,
        })
    })?;
    let label = row
        .label
        .as_ref()
        .map(|l| {
            l.label.parse::<Label>().map_err(|e| {
                ApiError::from(StoreError::BadRow {
                    what: "feedback label",
                    value: l.label.clone(),
                    detail: e,
                })
            })
        })
        .transpose()?;
    Ok(FeedbackFacts {
        id: row.id,
        version: row.version.clone(),
        variant: row.item.variant.clone(),
        kind,
        at: row.item.at.clone(),
        text: row.item.comment.clone(),
        correction: row.item.correction.clone(),
        flagged: row.item.flagged,
        safety: row.item.safety,
        redactions: u32::try_from(row.item.redaction_total).unwrap_or(u32::MAX),
        truncated: row.item.truncated,
        label,
    })
}

fn id32(id: i64) -> u32 {
    u32::try_from(id).unwrap_or(u32::MAX)
}

fn queue_view(row: &FeedbackItemRow, f: &FeedbackFacts) -> QueueItemView {
    QueueItemView {
        id: id32(row.id),
        model: row.model.clone(),
        version: row.version.clone(),
        variant: row.item.variant.clone(),
        kind: f.kind,
        at: row.item.at.clone(),
        input: row.item.input.clone(),
        output: row.item.output.clone(),
        comment: row.item.comment.clone(),
        correction: row.item.correction.clone(),
        flagged: row.item.flagged,
        safety: row.item.safety,
        redactions: row.item.redaction_total,
        truncated: row.item.truncated,
        label: row
            .label
            .as_ref()
            .zip(f.label)
            .map(|(l, label)| FeedbackLabelView {
                label,
                note: l.note.clone(),
                reviewer: l.reviewer.clone(),
                at: l.at.clone(),
            }),
    }
}

fn import_view(model: &str, r: &steward_store::FeedbackImportRow) -> FeedbackImportView {
    FeedbackImportView {
        id: id32(r.id),
        model: model.to_string(),
        version: r.version.clone(),
        variant: r.variant.clone(),
        file_name: r.file_name.clone(),
        file_sha256: format!("sha256:{}", r.file_sha256),
        items: r.items,
        redactions: r.redactions,
        max_tokens: r.max_tokens,
        imported_at: r.imported_at.clone(),
    }
}

impl Workspace {
    /// The redactor of the policy in force.
    pub fn feedback_redactor(&self) -> Result<Redactor> {
        let p = self.policy_in_force()?;
        Redactor::new(&p.policy.feedback)
            .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the policy in force: {e}")))
    }

    /// Imports a JSONL or CSV file of feedback for `MODEL@VERSION`: every line read, checked
    /// and redacted as it streams into the store's spool (memory holds one line), then one
    /// transaction stores them all; the first bad line refuses the file (naming the line) and
    /// nothing is stored. A file that changes while it is read is refused too.
    pub fn feedback_import(&self, req: &FeedbackImportRequest) -> Result<FeedbackImportView> {
        self.feedback_import_at(req, Path::new(&req.file))
    }

    /// [`Workspace::feedback_import`] of the file at `path` instead of `req.file`.
    pub fn feedback_import_at(
        &self,
        req: &FeedbackImportRequest,
        path: &Path,
    ) -> Result<FeedbackImportView> {
        let redactor = self.feedback_redactor()?;
        // Whatever goes wrong, the message is redacted before it leaves.
        let scrub = |e: ApiError| ApiError::new(e.code, redactor.redact(&e.message).text);
        let name: ModelName = parse(&req.model)?;
        let version: Version = parse(&req.version)?;
        self.store
            .version(&name, &version)
            .map_err(ApiError::from)?;
        let variant = req
            .variant
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty());
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| req.file.clone());
        let (file, opened) = crate::input::open_regular_meta(path).map_err(scrub)?;
        let reader = Reader {
            redactor: &redactor,
            variant,
        };
        let refused =
            |e: String| ApiError::invalid(format!("{file_name}: {e}; nothing was imported"));
        let row = self
            .store
            .import_feedback(&name, &version, &self.actor, |sink| {
                let mut hashing = HashingReader::new(&file);
                let mut emit = |item: NewFeedbackItem| sink.push(&item).map_err(Stop::Spool);
                let parsed = {
                    let mut buffered = BufReader::with_capacity(64 * 1024, &mut hashing);
                    let first = buffered
                        .fill_buf()
                        .map_err(|e| ApiError::new(ErrorCode::Io, format!("cannot read: {e}")))?
                        .iter()
                        .copied()
                        .find(|b| !b.is_ascii_whitespace() && !matches!(b, 0xEF | 0xBB | 0xBF));
                    let parsed = match first {
                        None => Err(Stop::File("the file holds no feedback".to_string())),
                        Some(b'{') => reader.jsonl(&mut buffered, &mut emit),
                        Some(_) => reader.csv(Bounded::new(&mut buffered), &mut emit),
                    };
                    // Read to the end so the digest covers the whole file.
                    match parsed {
                        Ok(()) => std::io::copy(&mut buffered, &mut std::io::sink())
                            .map(|_| ())
                            .map_err(|e| Stop::File(format!("cannot read: {e}"))),
                        Err(e) => Err(e),
                    }
                };
                // A file still being written explains any refusal better than the line it
                // broke on.
                let whole = parsed.is_ok().then_some(hashing.bytes_read());
                crate::input::unchanged_while_read(path, &file, &opened, whole)?;
                match parsed {
                    Ok(()) => {}
                    Err(Stop::File(e)) => return Err(refused(e)),
                    Err(Stop::Spool(e)) => return Err(ApiError::from(e)),
                }
                if sink.items() == 0 {
                    return Err(refused("the file holds no feedback items".into()));
                }
                let digest = hashing.hex();
                Ok(NewFeedbackImport {
                    variant: variant.map(|v| redactor.redact(v).text).unwrap_or_default(),
                    file_name: redactor.redact(&file_name).text,
                    file_sha256: digest,
                    max_tokens: redactor.max_tokens() as u64,
                })
            })
            .map_err(scrub)?;
        Ok(import_view(name.as_str(), &row))
    }

    fn feedback_facts(
        &self,
        name: &ModelName,
    ) -> Result<(Vec<FeedbackItemRow>, Vec<FeedbackFacts>)> {
        let rows = self.store.feedback_items(name)?;
        let facts = rows.iter().map(facts).collect::<Result<Vec<_>>>()?;
        Ok((rows, facts))
    }

    /// A model's feedback per version and prompt variant, with its imports.
    pub fn feedback_summary(&self, model: &str) -> Result<FeedbackSummaryView> {
        let name: ModelName = parse(model)?;
        let (_, facts) = self.feedback_facts(&name)?;
        Ok(FeedbackSummaryView {
            model: name.to_string(),
            imports: self
                .store
                .feedback_imports(&name)?
                .iter()
                .map(|r| import_view(name.as_str(), r))
                .collect(),
            variants: summarize(&facts),
        })
    }

    /// The review queue of a model: flagged items and safety reports without a label (with
    /// `all`, labelled ones too), safety reports first, then oldest first.
    pub fn queue_list(&self, model: &str, all: bool) -> Result<Vec<QueueItemView>> {
        let name: ModelName = parse(model)?;
        let (rows, facts) = self.feedback_facts(&name)?;
        let by_id: BTreeMap<i64, &FeedbackItemRow> = rows.iter().map(|r| (r.id, r)).collect();
        Ok(review_queue(&facts, all)
            .into_iter()
            .filter_map(|f| by_id.get(&f.id).map(|r| queue_view(r, f)))
            .collect())
    }

    /// Labels an item of the review queue as the workspace's actor; the note is redacted
    /// before it is stored. Labelling again appends a label; the latest counts.
    pub fn queue_label(&self, req: &QueueLabelRequest) -> Result<QueueItemView> {
        let redactor = self.feedback_redactor()?;
        let row = self.store.feedback_item(i64::from(req.item))?;
        if !steward_domain::feedback::needs_review(row.item.flagged, row.item.safety) {
            return Err(ApiError::new(
                ErrorCode::Refused,
                format!(
                    "feedback item {} is not in the review queue (neither flagged nor a safety report); `steward queue list {}` shows the queue",
                    req.item, row.model
                ),
            ));
        }
        let note = redactor.redact(req.note.trim()).text;
        let after = self.store.add_feedback_label(
            i64::from(req.item),
            req.label.as_str(),
            &note,
            &self.actor,
        )?;
        let f = facts(&after)?;
        Ok(queue_view(&after, &f))
    }

    /// The weekly triage of a model at the wall clock.
    pub fn triage(&self, model: &str) -> Result<TriageView> {
        let name: ModelName = parse(model)?;
        let (_, facts) = self.feedback_facts(&name)?;
        let now = steward_store::clock::now_utc().unix_timestamp();
        Ok(TriageView {
            model: name.to_string(),
            triage: triage(&facts, now),
        })
    }

    /// Writes a model's labelled items to `feedback-exports/NAME@VERSION/labelled.jsonl` in
    /// the workspace and snapshots that folder as the dataset `NAME@VERSION` (manifest +
    /// provenance), which `eval import --suite NAME@VERSION` can then name.
    pub fn feedback_export(&self, req: &FeedbackExportRequest) -> Result<FeedbackExportView> {
        let name: ModelName = parse(&req.model)?;
        let reference = steward_domain::DatasetRef::new(&req.name, &req.version)?;
        if self.store.dataset(&reference).is_ok() {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                format!("dataset snapshot {reference} already exists; snapshots are immutable, use a new --version"),
            ));
        }
        let (rows, facts) = self.feedback_facts(&name)?;
        let mut lines = String::new();
        let mut versions = std::collections::BTreeSet::new();
        let mut count = 0u64;
        for (row, f) in rows.iter().zip(&facts) {
            let (Some(l), Some(label)) = (&row.label, f.label) else {
                continue;
            };
            versions.insert(row.version.clone());
            count += 1;
            let line = json!({
                "id": row.id, "model": row.model, "version": row.version,
                "variant": row.item.variant, "kind": f.kind.as_str(), "at": row.item.at,
                "input": row.item.input, "output": row.item.output,
                "comment": row.item.comment, "correction": row.item.correction,
                "safety": row.item.safety, "label": label.as_str(), "note": l.note,
                "reviewer": l.reviewer, "labelled_at": l.at,
            });
            lines.push_str(&line.to_string());
            lines.push('\n');
        }
        if count == 0 {
            return Err(ApiError::new(
                ErrorCode::Refused,
                format!("{name} has no labelled feedback to export; label items with `steward queue label ITEM LABEL`"),
            ));
        }
        let dir: PathBuf = self
            .root
            .join(EXPORT_DIR)
            .join(format!("{}@{}", reference.name, reference.version));
        if dir.exists() {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                format!(
                    "{} already exists; export under a new --version",
                    dir.display()
                ),
            ));
        }
        crate::private::create_dir_all(&dir).map_err(|e| {
            ApiError::new(
                ErrorCode::Io,
                format!("cannot create {}: {e}", dir.display()),
            )
        })?;
        let file = dir.join(EXPORT_FILE);
        std::fs::write(&file, lines.as_bytes()).map_err(|e| {
            ApiError::new(
                ErrorCode::Io,
                format!("cannot write {}: {e}", file.display()),
            )
        })?;
        let mut provenance = req.provenance.clone();
        if provenance
            .source
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
        {
            provenance.source = Some(format!(
                "steward review queue of {name}: {count} reviewer-labelled feedback items of {}, redacted at import",
                versions.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        let dataset = self.dataset_snapshot_at(
            &DatasetSnapshot {
                dir: dir.display().to_string(),
                name: req.name.clone(),
                version: req.version.clone(),
                provenance,
            },
            &dir,
            &NoProgress,
            &Cancel::new(),
        )?;
        Ok(FeedbackExportView {
            items: count,
            dir: dir.display().to_string(),
            dataset,
        })
    }
}
