//! The deep-verify rule: the current state of every governance row must be what the audit
//! log's entries explain.
//!
//! The audit log is hash-chained, so its entries are the record Steward trusts. Replaying them
//! ([`expected_state`]) gives, for every row the log created or changed, the values it must
//! hold now: a model's fields, a version's artifacts and current stage, each stage-history
//! entry, a dataset's manifest checksum and provenance, each link, each document revision's
//! content digest and each document's head, each evaluation run's evidence digests, each
//! governance policy revision's content digest. The store
//! reads the same rows (recomputing every digest from the bytes it holds) into the same shape,
//! and [`diff`] names every difference: a row the log never created, a row the log created that
//! is gone, a field whose value the log does not explain.
//!
//! Pure: callers pass in the entries and the rows.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One row, by table and a key a person can read (`copilot@1.2.0-3`, `tickets@v1`, …).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RowKey {
    /// The table.
    pub table: &'static str,
    /// The row within it.
    pub row: String,
}

/// Rows and their field values as text (`null` for an absent value).
pub type State = BTreeMap<RowKey, BTreeMap<&'static str, String>>;

/// One audit entry as the rule reads it.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// Its sequence number.
    pub seq: i64,
    /// `model.create`, `stage.set`, …
    pub action: &'a str,
    /// What it was done to.
    pub subject: &'a str,
    /// Its detail, parsed.
    pub detail: &'a Value,
}

/// A difference between the rows and what the audit log explains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mismatch {
    /// The table.
    pub table: String,
    /// The row.
    pub row: String,
    /// The field, or empty when the whole row is missing or unexplained.
    pub field: String,
    /// What the audit log says (`absent` for a row it never created).
    pub expected: String,
    /// What the workspace holds (`absent` for a row that is gone).
    pub found: String,
    /// What `expected` comes from.
    pub basis: Basis,
}

/// Where an expected value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// The audit log's entries.
    AuditLog,
    /// The digest recomputed from the bytes the row stores.
    StoredBytes,
    /// The redaction rule: stored feedback text holds nothing the detectors find.
    Redaction,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.basis == Basis::Redaction {
            return write!(
                f,
                "{} {}: {} holds {} that Steward redacts before anything is stored ({})",
                self.table, self.row, self.field, self.found, self.expected
            );
        }
        if self.basis == Basis::StoredBytes {
            return write!(
                f,
                "{} {}: the stored {} is {} but its bytes hash to {}",
                self.table, self.row, self.field, self.found, self.expected
            );
        }
        if self.field.is_empty() {
            write!(
                f,
                "{} {}: the row is {} where the audit log says {}",
                self.table, self.row, self.found, self.expected
            )
        } else {
            write!(
                f,
                "{} {}: {} is {} where the audit log says {}",
                self.table, self.row, self.field, self.found, self.expected
            )
        }
    }
}

/// The most items one `feedback.import` entry may name (a forged entry naming more would make
/// the verify itself unbounded; Steward's own imports stay far below it).
pub const MAX_IMPORT_ITEMS: i64 = 100_000_000;

/// An absent value, as text.
pub const NULL: &str = "null";
/// A row that does not exist, as text.
pub const ABSENT: &str = "absent";

/// A JSON value as field text: strings bare, `null` for null, numbers and booleans as JSON.
pub fn text(v: &Value) -> String {
    match v {
        Value::Null => NULL.to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn key(table: &'static str, row: impl Into<String>) -> RowKey {
    RowKey {
        table,
        row: row.into(),
    }
}

/// A stored feedback text in which the redactor's detectors still find something (`finds`:
/// count by kind): personal data pasted in behind Steward's back, since what Steward stores
/// is redacted to a fixed point. None when nothing is found.
pub fn unredacted(
    table: &str,
    row: &str,
    field: &str,
    finds: &BTreeMap<String, u32>,
) -> Option<Mismatch> {
    if finds.is_empty() {
        return None;
    }
    let found = finds
        .iter()
        .map(|(kind, n)| format!("{n} unredacted {kind}"))
        .collect::<Vec<_>>()
        .join(", ");
    Some(Mismatch {
        table: table.into(),
        row: row.into(),
        field: field.into(),
        expected: "text with nothing the detectors find".into(),
        found,
        basis: Basis::Redaction,
    })
}

/// The row key of feedback item `id` of `subject` (`MODEL@VERSION`).
pub fn feedback_item_key(subject: &str, id: i64) -> RowKey {
    key("feedback_items", format!("{subject} item {id}"))
}

/// The stage-history row key of the `n`-th (from 1) entry of `subject`.
pub fn history_key(subject: &str, n: usize) -> RowKey {
    key("stage_history", format!("{subject} #{n}"))
}

/// What replaying `entries` (oldest first) says every row holds now, plus a mismatch for each
/// entry whose detail lacks what the rule needs (an entry Steward never writes).
pub fn expected_state(entries: &[Entry<'_>]) -> (State, Vec<Mismatch>) {
    let mut state = State::new();
    let mut unreadable = Vec::new();
    let mut history: BTreeMap<String, usize> = BTreeMap::new();
    let mut push_history =
        |state: &mut State, subject: &str, from: &Value, to: &Value, kind: &Value| {
            let n = history.entry(subject.to_string()).or_insert(0);
            *n += 1;
            state.insert(
                history_key(subject, *n),
                BTreeMap::from([
                    ("from_stage", text(from)),
                    ("to_stage", text(to)),
                    ("kind", text(kind)),
                ]),
            );
        };
    for e in entries {
        let d = e.detail;
        let field = |name: &str| d.get(name).cloned().unwrap_or(Value::Null);
        match e.action {
            "model.create" => {
                state.insert(
                    key("models", e.subject),
                    ["title", "owner", "description", "risk_tier"]
                        .into_iter()
                        .map(|f| (f, text(&field(f))))
                        .collect(),
                );
            }
            "version.add" => {
                state.insert(
                    key("versions", e.subject),
                    [
                        "bundle_digest",
                        "bundle_uri",
                        "code_commit",
                        "config_digest",
                        "config_uri",
                    ]
                    .into_iter()
                    .map(|f| (f, text(&field(f))))
                    .chain([("stage", text(&field("stage")))])
                    .collect(),
                );
                push_history(
                    &mut state,
                    e.subject,
                    &Value::Null,
                    &field("stage"),
                    &Value::String("create".into()),
                );
            }
            "stage.set" => {
                let model = e.subject.split_once('@').map_or(e.subject, |(m, _)| m);
                let Some(changes) = d.get("changes").and_then(Value::as_array) else {
                    unreadable.push(unreadable_entry(e, "changes"));
                    continue;
                };
                for c in changes {
                    let subject =
                        format!("{model}@{}", text(c.get("version").unwrap_or(&Value::Null)));
                    let to = c.get("to").cloned().unwrap_or(Value::Null);
                    state
                        .entry(key("versions", subject.clone()))
                        .or_default()
                        .insert("stage", text(&to));
                    push_history(
                        &mut state,
                        &subject,
                        c.get("from").unwrap_or(&Value::Null),
                        &to,
                        c.get("kind").unwrap_or(&Value::Null),
                    );
                }
                // A promotion, rollback or deprecation wrote its release record in the same
                // transaction.
                if let Some(r) = d.get("release") {
                    let get = |f: &str| text(r.get(f).unwrap_or(&Value::Null));
                    state.insert(
                        key("release_records", format!("{model} release {}", get("seq"))),
                        BTreeMap::from([
                            ("envelope_sha256", get("envelope_sha256")),
                            ("signer", get("signer")),
                        ]),
                    );
                }
            }
            "waiver.add" => {
                state.insert(
                    key(
                        "waivers",
                        format!("{} waiver {}", e.subject, text(&field("id"))),
                    ),
                    [
                        "envelope_sha256",
                        "signer",
                        "role",
                        "check_id",
                        "expires_at",
                    ]
                    .into_iter()
                    .map(|f| (f, text(&field(f))))
                    .collect(),
                );
            }
            "dataset.review" => {
                state.insert(
                    key(
                        "dataset_reviews",
                        format!("{} review {}", e.subject, text(&field("id"))),
                    ),
                    ["envelope_sha256", "signer", "role", "manifest_checksum"]
                        .into_iter()
                        .map(|f| (f, text(&field(f))))
                        .collect(),
                );
            }
            "dataset.snapshot" => {
                let p = field("provenance");
                let prov = |f: &str| text(p.get(f).unwrap_or(&Value::Null));
                state.insert(
                    key("datasets", e.subject),
                    BTreeMap::from([
                        ("manifest_checksum", text(&field("manifest_checksum"))),
                        ("source", prov("source")),
                        ("license", prov("license")),
                        ("consent", prov("consent")),
                        ("retention", prov("retention")),
                        ("personal_data", prov("personal_data")),
                    ]),
                );
            }
            "version.link-dataset" => {
                state.insert(
                    key(
                        "version_datasets",
                        format!("{} → {}", e.subject, text(&field("dataset"))),
                    ),
                    BTreeMap::from([("manifest_checksum", text(&field("manifest_checksum")))]),
                );
            }
            "document.create" | "document.save" | "document.restore" => {
                let (Some(kind), Some(revision)) = (
                    d.get("kind").and_then(Value::as_str),
                    d.get("revision").and_then(Value::as_u64),
                ) else {
                    unreadable.push(unreadable_entry(e, "kind and revision"));
                    continue;
                };
                let doc = format!("{} {kind}", e.subject);
                state.insert(
                    key("document_revisions", format!("{doc} r{revision}")),
                    BTreeMap::from([("content_sha256", text(&field("sha256")))]),
                );
                state.insert(
                    key("documents", doc),
                    BTreeMap::from([("head", format!("r{revision}"))]),
                );
            }
            "document.pull" => {
                let (Some(kind), Some(revisions)) = (
                    d.get("kind").and_then(Value::as_str),
                    d.get("revisions").and_then(Value::as_array),
                ) else {
                    unreadable.push(unreadable_entry(e, "kind and revisions"));
                    continue;
                };
                let doc = format!("{} {kind}", e.subject);
                for r in revisions {
                    let Some(n) = r.get("revision").and_then(Value::as_u64) else {
                        unreadable.push(unreadable_entry(e, "revisions[].revision"));
                        continue;
                    };
                    let sha = r.get("sha256").and_then(Value::as_str).unwrap_or(NULL);
                    state.insert(
                        key("document_revisions", format!("{doc} r{n}")),
                        BTreeMap::from([("content_sha256", sha.to_string())]),
                    );
                }
                if let Some(head) = d.get("head").and_then(Value::as_u64) {
                    state.insert(
                        key("documents", doc),
                        BTreeMap::from([("head", format!("r{head}"))]),
                    );
                }
            }
            "eval.import" => {
                let Some(run) = d.get("run").and_then(Value::as_i64) else {
                    unreadable.push(unreadable_entry(e, "run"));
                    continue;
                };
                let mut fields = BTreeMap::from([
                    ("file_digest", text(&field("file_digest"))),
                    ("row_count", text(&field("rows"))),
                ]);
                // Entries written before chunk digests existed do not carry one.
                if let Some(chunks) = d.get("chunks_sha256") {
                    fields.insert("chunks_sha256", text(chunks));
                }
                // Nor do entries written before run summaries were kept.
                if let Some(summary) = d.get("summary_sha256") {
                    fields.insert("summary_sha256", text(summary));
                }
                state.insert(key("eval_runs", format!("{} run {run}", e.subject)), fields);
            }
            "roster.change" => {
                state.insert(
                    key("roster_changes", format!("change {}", text(&field("seq")))),
                    ["envelope_sha256", "signer", "kind"]
                        .into_iter()
                        .map(|f| (f, text(&field(f))))
                        .collect(),
                );
            }
            "approval.add" => {
                state.insert(
                    key(
                        "approvals",
                        format!("{} approval {}", e.subject, text(&field("id"))),
                    ),
                    [
                        "envelope_sha256",
                        "signer",
                        "role",
                        "decision",
                        "target_stage",
                        "subject_digest",
                    ]
                    .into_iter()
                    .map(|f| (f, text(&field(f))))
                    .collect(),
                );
            }
            "audit.seal" => {
                state.insert(
                    key(
                        "audit_seals",
                        format!("seal of entry {}", text(&field("sealed_seq"))),
                    ),
                    ["envelope_sha256", "signer", "head_hash"]
                        .into_iter()
                        .map(|f| (f, text(&field(f))))
                        .collect(),
                );
            }
            "traffic.change" => {
                state.insert(
                    key(
                        "traffic_changes",
                        format!("{} change {}", e.subject, text(&field("id"))),
                    ),
                    BTreeMap::from([
                        ("epoch", text(&field("epoch"))),
                        ("reason", text(&field("reason"))),
                        ("release_sha256", text(&field("release_sha256"))),
                        ("file_path", text(&field("file"))),
                        ("file_sha256", text(&field("file_sha256"))),
                        ("file_note", text(&field("file_note"))),
                        ("state", text(&field("state"))),
                    ]),
                );
            }
            "traffic.hook" => {
                state.insert(
                    key(
                        "traffic_hooks",
                        format!("{} hook {}", e.subject, text(&field("id"))),
                    ),
                    ["command", "timeout_ms"]
                        .into_iter()
                        .map(|f| (f, text(&field(f))))
                        .collect(),
                );
            }
            "traffic.hook-run" => {
                state.insert(
                    key(
                        "traffic_hook_runs",
                        format!("{} hook-run {}", e.subject, text(&field("id"))),
                    ),
                    ["change", "command", "outcome", "exit_code", "output_sha256"]
                        .into_iter()
                        .map(|f| (f, text(&field(f))))
                        .collect(),
                );
            }
            "feedback.import" => {
                let Some(id) = d.get("id").and_then(Value::as_i64) else {
                    unreadable.push(unreadable_entry(e, "id"));
                    continue;
                };
                let mut fields: BTreeMap<&'static str, String> = [
                    "file_sha256",
                    "items",
                    "redactions",
                    "variant",
                    "max_tokens",
                ]
                .into_iter()
                .map(|f| {
                    let from = if f == "file_sha256" { "sha256" } else { f };
                    (f, text(&field(from)))
                })
                .collect();
                // Entries written before items carried digests name neither the items nor
                // their digest: only the count is compared for them.
                if let (Some(first), Some(items), Some(digest)) = (
                    d.get("first_item").and_then(Value::as_i64),
                    d.get("items").and_then(Value::as_i64),
                    d.get("items_sha256"),
                ) {
                    if !(0..=MAX_IMPORT_ITEMS).contains(&items) {
                        unreadable.push(unreadable_entry(e, "item count"));
                        continue;
                    }
                    fields.insert("items_sha256", text(digest));
                    for item in first..first.saturating_add(items) {
                        state.insert(
                            feedback_item_key(e.subject, item),
                            BTreeMap::from([("import", id.to_string())]),
                        );
                    }
                }
                state.insert(
                    key("feedback_imports", format!("{} import {id}", e.subject)),
                    fields,
                );
            }
            "feedback.label" => {
                let mut fields: BTreeMap<&'static str, String> = ["item", "label"]
                    .into_iter()
                    .map(|f| (f, text(&field(f))))
                    .collect();
                // Nor did labels carry their note's digest and reviewer at first.
                for f in ["note_sha256", "reviewer"] {
                    if let Some(v) = d.get(f) {
                        fields.insert(f, text(v));
                    }
                }
                state.insert(
                    key(
                        "feedback_labels",
                        format!("{} label {}", e.subject, text(&field("id"))),
                    ),
                    fields,
                );
            }
            "policy.set" => {
                let Some(revision) = d.get("revision").and_then(Value::as_u64) else {
                    unreadable.push(unreadable_entry(e, "revision"));
                    continue;
                };
                state.insert(
                    key("policy_revisions", format!("r{revision}")),
                    BTreeMap::from([("content_sha256", text(&field("sha256")))]),
                );
            }
            _ => {}
        }
    }
    (state, unreadable)
}

fn unreadable_entry(e: &Entry<'_>, what: &str) -> Mismatch {
    Mismatch {
        table: "audit_log".into(),
        row: format!("entry {}", e.seq),
        field: "detail".into(),
        expected: format!("a {} entry with its {what}", e.action),
        found: e.detail.to_string(),
        basis: Basis::AuditLog,
    }
}

/// Stage-history rows are keyed by position (`copilot@1.0.0-1 #3`), so one deleted entry would
/// shift every later one. This re-keys the found rows of each version by the longest common
/// subsequence with the expected ones: a matched row takes its expected key, an unmatched one
/// is named by its position as unexplained. Then a deletion is one missing row, an insertion
/// one unexplained row.
fn align_history(expected: &State, found: &State) -> State {
    type Rows<'a> = BTreeMap<String, Vec<(&'a RowKey, &'a BTreeMap<&'static str, String>)>>;
    fn by_subject(state: &State) -> Rows<'_> {
        let mut out: Rows<'_> = BTreeMap::new();
        for (k, v) in state.iter().filter(|(k, _)| k.table == "stage_history") {
            let subject = k.row.rsplit_once(" #").map_or(k.row.as_str(), |(s, _)| s);
            out.entry(subject.to_string()).or_default().push((k, v));
        }
        let position = |k: &RowKey| {
            k.row
                .rsplit_once(" #")
                .and_then(|(_, n)| n.parse::<usize>().ok())
                .unwrap_or(0)
        };
        for rows in out.values_mut() {
            rows.sort_by_key(|(k, _)| position(k));
        }
        out
    }
    let want = by_subject(expected);
    let have = by_subject(found);
    let mut out: State = found
        .iter()
        .filter(|(k, _)| k.table != "stage_history")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (subject, rows) in &have {
        let empty = Vec::new();
        let exp = want.get(subject).unwrap_or(&empty);
        // LCS table over "the expected fields all match".
        let same = |e: &BTreeMap<&'static str, String>, f: &BTreeMap<&'static str, String>| {
            e.iter().all(|(field, value)| f.get(field) == Some(value))
        };
        let (n, m) = (exp.len(), rows.len());
        let mut lcs = vec![vec![0usize; m + 1]; n + 1];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i][j] = if same(exp[i].1, rows[j].1) {
                    lcs[i + 1][j + 1] + 1
                } else {
                    lcs[i + 1][j].max(lcs[i][j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while j < m {
            if i < n && same(exp[i].1, rows[j].1) {
                out.insert(exp[i].0.clone(), rows[j].1.clone());
                i += 1;
                j += 1;
            } else if i < n && lcs[i + 1][j] >= lcs[i][j + 1] {
                i += 1;
            } else {
                out.insert(
                    key(
                        "stage_history",
                        format!("{subject} (unexplained entry at position {})", j + 1),
                    ),
                    rows[j].1.clone(),
                );
                j += 1;
            }
        }
    }
    out
}

/// Every difference between `expected` (from the log) and `found` (the rows): rows missing
/// from either side, and fields the log records whose value differs. Fields the log does not
/// record are not compared. Sorted by table and row.
pub fn diff(expected: &State, found: &State) -> Vec<Mismatch> {
    let aligned = align_history(expected, found);
    let found = &aligned;
    let mut out = Vec::new();
    let mismatch = |k: &RowKey, field: &str, expected: &str, found: &str| Mismatch {
        table: k.table.to_string(),
        row: k.row.clone(),
        field: field.to_string(),
        expected: expected.to_string(),
        found: found.to_string(),
        basis: Basis::AuditLog,
    };
    for (k, want) in expected {
        match found.get(k) {
            None => out.push(mismatch(k, "", "present", ABSENT)),
            Some(got) => {
                for (field, value) in want {
                    let have = got.get(field).map_or(ABSENT, String::as_str);
                    if have != value {
                        out.push(mismatch(k, field, value, have));
                    }
                }
            }
        }
    }
    for k in found.keys().filter(|k| !expected.contains_key(*k)) {
        out.push(mismatch(k, "", ABSENT, "present"));
    }
    out.sort_by(|a, b| (&a.table, &a.row, &a.field).cmp(&(&b.table, &b.row, &b.field)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(
        table: &'static str,
        r: &str,
        fields: &[(&'static str, &str)],
    ) -> (RowKey, BTreeMap<&'static str, String>) {
        (
            key(table, r),
            fields.iter().map(|(f, v)| (*f, v.to_string())).collect(),
        )
    }

    /// The log of a small workspace: a model, a version promoted once, a dataset, a document
    /// saved twice and an import.
    fn log() -> Vec<(&'static str, &'static str, Value)> {
        vec![
            (
                "model.create",
                "copilot",
                json!({"title": "Co-pilot", "owner": "ml@x", "description": "", "risk_tier": "high"}),
            ),
            (
                "version.add",
                "copilot@1.0.0-1",
                json!({"stage": "experiment", "bundle_digest": "sha256:aa", "bundle_uri": null, "code_commit": null, "config_digest": null, "config_uri": null}),
            ),
            (
                "stage.set",
                "copilot@1.0.0-1",
                json!({"to": "candidate", "changes": [{"version": "1.0.0-1", "from": "experiment", "to": "candidate", "kind": "promote"}]}),
            ),
            (
                "dataset.snapshot",
                "tickets@v1",
                json!({"manifest_checksum": "sha256:bb", "provenance": {"source": "crm", "license": null, "consent": null, "retention": null, "personal_data": false}}),
            ),
            (
                "version.link-dataset",
                "copilot@1.0.0-1",
                json!({"dataset": "tickets@v1", "manifest_checksum": "sha256:bb"}),
            ),
            (
                "document.create",
                "copilot@1.0.0-1",
                json!({"kind": "model-card", "revision": 1, "sha256": "sha256:c1"}),
            ),
            (
                "document.save",
                "copilot@1.0.0-1",
                json!({"kind": "model-card", "revision": 2, "sha256": "sha256:c2"}),
            ),
            (
                "document.pull",
                "copilot@1.0.0-1",
                json!({"kind": "runbook", "revisions": [{"revision": 1, "sha256": "sha256:b1"}, {"revision": 2, "sha256": "sha256:b2"}], "head": 2, "was": null}),
            ),
            (
                "eval.import",
                "copilot@1.0.0-1",
                json!({"run": 1, "file_digest": "sha256:dd", "rows": 10, "chunks_sha256": "sha256:ee", "summary_sha256": "sha256:e5"}),
            ),
            (
                "policy.set",
                "policy",
                json!({"revision": 1, "sha256": "sha256:f1", "name": "default", "message": ""}),
            ),
        ]
    }

    /// The rows that log explains, exactly.
    fn honest() -> State {
        State::from([
            row(
                "models",
                "copilot",
                &[
                    ("title", "Co-pilot"),
                    ("owner", "ml@x"),
                    ("description", ""),
                    ("risk_tier", "high"),
                ],
            ),
            row(
                "versions",
                "copilot@1.0.0-1",
                &[
                    ("stage", "candidate"),
                    ("bundle_digest", "sha256:aa"),
                    ("bundle_uri", NULL),
                    ("code_commit", NULL),
                    ("config_digest", NULL),
                    ("config_uri", NULL),
                ],
            ),
            row(
                "stage_history",
                "copilot@1.0.0-1 #1",
                &[
                    ("from_stage", NULL),
                    ("to_stage", "experiment"),
                    ("kind", "create"),
                ],
            ),
            row(
                "stage_history",
                "copilot@1.0.0-1 #2",
                &[
                    ("from_stage", "experiment"),
                    ("to_stage", "candidate"),
                    ("kind", "promote"),
                ],
            ),
            row(
                "datasets",
                "tickets@v1",
                &[
                    ("manifest_checksum", "sha256:bb"),
                    ("source", "crm"),
                    ("license", NULL),
                    ("consent", NULL),
                    ("retention", NULL),
                    ("personal_data", "false"),
                ],
            ),
            row(
                "version_datasets",
                "copilot@1.0.0-1 → tickets@v1",
                &[("manifest_checksum", "sha256:bb")],
            ),
            row(
                "document_revisions",
                "copilot@1.0.0-1 model-card r1",
                &[("content_sha256", "sha256:c1")],
            ),
            row(
                "document_revisions",
                "copilot@1.0.0-1 model-card r2",
                &[("content_sha256", "sha256:c2")],
            ),
            row("documents", "copilot@1.0.0-1 model-card", &[("head", "r2")]),
            row(
                "document_revisions",
                "copilot@1.0.0-1 runbook r1",
                &[("content_sha256", "sha256:b1")],
            ),
            row(
                "document_revisions",
                "copilot@1.0.0-1 runbook r2",
                &[("content_sha256", "sha256:b2")],
            ),
            row("documents", "copilot@1.0.0-1 runbook", &[("head", "r2")]),
            row(
                "eval_runs",
                "copilot@1.0.0-1 run 1",
                &[
                    ("file_digest", "sha256:dd"),
                    ("row_count", "10"),
                    ("chunks_sha256", "sha256:ee"),
                    ("summary_sha256", "sha256:e5"),
                ],
            ),
            row("policy_revisions", "r1", &[("content_sha256", "sha256:f1")]),
        ])
    }

    /// What a log of (action, subject, detail) explains, numbered from 1; every entry readable.
    fn expected_of(log: &[(&'static str, &'static str, Value)]) -> State {
        let entries: Vec<Entry<'_>> = log
            .iter()
            .enumerate()
            .map(|(i, (action, subject, detail))| Entry {
                seq: i as i64 + 1,
                action,
                subject,
                detail,
            })
            .collect();
        let (expected, unreadable) = expected_state(&entries);
        assert!(unreadable.is_empty(), "{unreadable:?}");
        expected
    }

    fn check(edit: impl FnOnce(&mut State)) -> Vec<String> {
        let expected = expected_of(&log());
        let mut found = honest();
        edit(&mut found);
        diff(&expected, &found)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn set(s: &mut State, table: &'static str, r: &str, field: &'static str, value: &str) {
        s.get_mut(&key(table, r))
            .expect("row")
            .insert(field, value.to_string());
    }

    #[test]
    fn every_edit_the_log_does_not_explain_is_named() {
        type Edit = fn(&mut State);
        let cases: &[(&str, Edit, &[&str])] = &[
            ("untouched", |_| {}, &[]),
            ("stage forced to production", |s| set(s, "versions", "copilot@1.0.0-1", "stage", "production"),
                &["versions copilot@1.0.0-1: stage is production where the audit log says candidate"]),
            ("stage history deleted", |s| { s.remove(&history_key("copilot@1.0.0-1", 2)); },
                &["stage_history copilot@1.0.0-1 #2: the row is absent where the audit log says present"]),
            ("stage history forged", |s| { s.insert(history_key("copilot@1.0.0-1", 3), BTreeMap::new()); },
                &["stage_history copilot@1.0.0-1 (unexplained entry at position 3): the row is present where the audit log says absent"]),
            ("provenance rewritten", |s| { set(s, "datasets", "tickets@v1", "license", "cc0"); set(s, "datasets", "tickets@v1", "consent", "granted"); },
                &["datasets tickets@v1: consent is granted where the audit log says null", "datasets tickets@v1: license is cc0 where the audit log says null"]),
            ("manifest replaced with its checksum", |s| set(s, "datasets", "tickets@v1", "manifest_checksum", "sha256:ff"),
                &["datasets tickets@v1: manifest_checksum is sha256:ff where the audit log says sha256:bb"]),
            ("revision content and digest replaced", |s| set(s, "document_revisions", "copilot@1.0.0-1 model-card r2", "content_sha256", "sha256:99"),
                &["document_revisions copilot@1.0.0-1 model-card r2: content_sha256 is sha256:99 where the audit log says sha256:c2"]),
            ("head moved back", |s| set(s, "documents", "copilot@1.0.0-1 model-card", "head", "r1"),
                &["documents copilot@1.0.0-1 model-card: head is r1 where the audit log says r2"]),
            ("evaluation chunk edited", |s| set(s, "eval_runs", "copilot@1.0.0-1 run 1", "chunks_sha256", "sha256:00"),
                &["eval_runs copilot@1.0.0-1 run 1: chunks_sha256 is sha256:00 where the audit log says sha256:ee"]),
            ("evaluation summary replaced with its digest", |s| set(s, "eval_runs", "copilot@1.0.0-1 run 1", "summary_sha256", "sha256:01"),
                &["eval_runs copilot@1.0.0-1 run 1: summary_sha256 is sha256:01 where the audit log says sha256:e5"]),
            ("the first of several entries deleted: only it is named", |s| {
                    let second = s.remove(&history_key("copilot@1.0.0-1", 2)).expect("#2");
                    s.remove(&history_key("copilot@1.0.0-1", 1));
                    s.insert(history_key("copilot@1.0.0-1", 1), second);
                },
                &["stage_history copilot@1.0.0-1 #1: the row is absent where the audit log says present"]),
            ("an unexplained model", |s| { s.insert(key("models", "ghost"), BTreeMap::new()); },
                &["models ghost: the row is present where the audit log says absent"]),
            ("policy revision rewritten", |s| set(s, "policy_revisions", "r1", "content_sha256", "sha256:66"),
                &["policy_revisions r1: content_sha256 is sha256:66 where the audit log says sha256:f1"]),
            ("policy revision forged", |s| { s.insert(key("policy_revisions", "r2"), BTreeMap::new()); },
                &["policy_revisions r2: the row is present where the audit log says absent"]),
            ("a link removed", |s| { s.remove(&key("version_datasets", "copilot@1.0.0-1 → tickets@v1")); },
                &["version_datasets copilot@1.0.0-1 → tickets@v1: the row is absent where the audit log says present"]),
        ];
        for (name, edit, want) in cases {
            assert_eq!(
                check(*edit),
                want.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
                "{name}"
            );
        }
    }

    /// A feedback import of two items (ids 4 and 5) and a label on item 5.
    fn feedback_log() -> Vec<(&'static str, &'static str, Value)> {
        vec![
            (
                "feedback.import",
                "copilot@1.0.0-1",
                json!({"id": 2, "file": "f.jsonl", "sha256": "ab", "items": 2, "redactions": 1,
                       "variant": "", "max_tokens": 512, "first_item": 4, "items_sha256": "sha256:17"}),
            ),
            (
                "feedback.label",
                "copilot@1.0.0-1",
                json!({"id": 1, "item": 5, "label": "wrong", "note_sha256": "sha256:n1", "reviewer": "ana"}),
            ),
        ]
    }

    fn feedback_rows() -> State {
        State::from([
            row(
                "feedback_imports",
                "copilot@1.0.0-1 import 2",
                &[
                    ("file_sha256", "ab"),
                    ("items", "2"),
                    ("redactions", "1"),
                    ("variant", ""),
                    ("max_tokens", "512"),
                    ("items_sha256", "sha256:17"),
                ],
            ),
            row(
                "feedback_items",
                "copilot@1.0.0-1 item 4",
                &[("import", "2")],
            ),
            row(
                "feedback_items",
                "copilot@1.0.0-1 item 5",
                &[("import", "2")],
            ),
            row(
                "feedback_labels",
                "copilot@1.0.0-1 label 1",
                &[
                    ("item", "5"),
                    ("label", "wrong"),
                    ("note_sha256", "sha256:n1"),
                    ("reviewer", "ana"),
                ],
            ),
        ])
    }

    #[test]
    fn feedback_rows_the_log_does_not_explain_are_named() {
        let expected = expected_of(&feedback_log());
        type Edit = fn(&mut State);
        let cases: &[(&str, Edit, &[&str])] = &[
            ("untouched", |_| {}, &[]),
            ("a label flipped", |s| set(s, "feedback_labels", "copilot@1.0.0-1 label 1", "label", "correct"),
                &["feedback_labels copilot@1.0.0-1 label 1: label is correct where the audit log says wrong"]),
            ("a label's note rewritten", |s| set(s, "feedback_labels", "copilot@1.0.0-1 label 1", "note_sha256", "sha256:n2"),
                &["feedback_labels copilot@1.0.0-1 label 1: note_sha256 is sha256:n2 where the audit log says sha256:n1"]),
            ("a label deleted", |s| { s.remove(&key("feedback_labels", "copilot@1.0.0-1 label 1")); },
                &["feedback_labels copilot@1.0.0-1 label 1: the row is absent where the audit log says present"]),
            ("an item deleted", |s| {
                    s.remove(&feedback_item_key("copilot@1.0.0-1", 4));
                    set(s, "feedback_imports", "copilot@1.0.0-1 import 2", "items", "1");
                    set(s, "feedback_imports", "copilot@1.0.0-1 import 2", "items_sha256", "sha256:18");
                },
                &[
                    "feedback_imports copilot@1.0.0-1 import 2: items is 1 where the audit log says 2",
                    "feedback_imports copilot@1.0.0-1 import 2: items_sha256 is sha256:18 where the audit log says sha256:17",
                    "feedback_items copilot@1.0.0-1 item 4: the row is absent where the audit log says present",
                ]),
            ("an item's text and digest rewritten together", |s| set(s, "feedback_imports", "copilot@1.0.0-1 import 2", "items_sha256", "sha256:19"),
                &["feedback_imports copilot@1.0.0-1 import 2: items_sha256 is sha256:19 where the audit log says sha256:17"]),
            ("an item forged", |s| { s.insert(feedback_item_key("copilot@1.0.0-1", 6), BTreeMap::from([("import", "2".to_string())])); },
                &["feedback_items copilot@1.0.0-1 item 6: the row is present where the audit log says absent"]),
            ("an item moved to another import", |s| set(s, "feedback_items", "copilot@1.0.0-1 item 5", "import", "3"),
                &["feedback_items copilot@1.0.0-1 item 5: import is 3 where the audit log says 2"]),
        ];
        for (name, edit, want) in cases {
            let mut found = feedback_rows();
            edit(&mut found);
            let got: Vec<String> = diff(&expected, &found)
                .iter()
                .map(ToString::to_string)
                .collect();
            assert_eq!(
                got,
                want.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
                "{name}"
            );
        }
    }

    #[test]
    fn feedback_entries_from_before_item_digests_compare_the_count() {
        let detail = json!({"id": 1, "file": "f.csv", "sha256": "ab", "items": 3, "redactions": 0,
                            "variant": "", "max_tokens": 512});
        let label = json!({"id": 1, "item": 2, "label": "unsafe"});
        let (state, unreadable) = expected_state(&[
            Entry {
                seq: 1,
                action: "feedback.import",
                subject: "m@1.0.0-1",
                detail: &detail,
            },
            Entry {
                seq: 2,
                action: "feedback.label",
                subject: "m@1.0.0-1",
                detail: &label,
            },
        ]);
        assert!(unreadable.is_empty());
        assert_eq!(state.len(), 2, "no item rows expected: {state:?}");
        assert_eq!(
            state[&key("feedback_imports", "m@1.0.0-1 import 1")]
                .keys()
                .copied()
                .collect::<Vec<_>>(),
            vec![
                "file_sha256",
                "items",
                "max_tokens",
                "redactions",
                "variant"
            ]
        );
        assert_eq!(
            state[&key("feedback_labels", "m@1.0.0-1 label 1")]
                .keys()
                .copied()
                .collect::<Vec<_>>(),
            vec!["item", "label"]
        );
        // A forged entry naming more items than any import holds is refused, not looped over.
        let huge =
            json!({"id": 1, "items": MAX_IMPORT_ITEMS + 1, "first_item": 1, "items_sha256": "x"});
        let (state, unreadable) = expected_state(&[Entry {
            seq: 3,
            action: "feedback.import",
            subject: "m@1.0.0-1",
            detail: &huge,
        }]);
        assert!(state.is_empty());
        assert_eq!(unreadable.len(), 1);
    }

    #[test]
    fn unredacted_text_is_named_with_what_was_found() {
        assert_eq!(
            unredacted("feedback_items", "m@1 item 3", "input", &BTreeMap::new()),
            None
        );
        let finds = BTreeMap::from([("email".to_string(), 1), ("phone".to_string(), 2)]);
        let m = unredacted("feedback_items", "m@1 item 3", "input", &finds).expect("found");
        assert_eq!(
            m.to_string(),
            "feedback_items m@1 item 3: input holds 1 unredacted email, 2 unredacted phone that Steward redacts before anything is stored (text with nothing the detectors find)"
        );
    }

    #[test]
    fn old_import_entries_without_a_chunk_digest_compare_what_they_have() {
        let detail = json!({"run": 3, "file_digest": "sha256:dd", "rows": 5});
        let (state, unreadable) = expected_state(&[Entry {
            seq: 1,
            action: "eval.import",
            subject: "m@1.0.0-1",
            detail: &detail,
        }]);
        assert!(unreadable.is_empty());
        let fields = &state[&key("eval_runs", "m@1.0.0-1 run 3")];
        assert_eq!(
            fields.keys().copied().collect::<Vec<_>>(),
            vec!["file_digest", "row_count"]
        );
    }

    #[test]
    fn entries_missing_what_the_rule_needs_are_reported() {
        let detail = json!({"to": "canary"});
        let (_, unreadable) = expected_state(&[Entry {
            seq: 7,
            action: "stage.set",
            subject: "m@1.0.0-1",
            detail: &detail,
        }]);
        assert_eq!(unreadable.len(), 1);
        assert_eq!(unreadable[0].row, "entry 7");
    }
}
