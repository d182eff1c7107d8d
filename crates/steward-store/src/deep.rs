//! The deep verify: every stored digest recomputed from the bytes it covers, and every
//! governance row compared with what the audit log explains (`steward_domain::integrity`).
//!
//! The chain walk ([`crate::AuditVerification`]) proves the log was not edited; this proves
//! the rows were not edited behind the log's back — with or without dropping a trigger, and
//! even where the row's own digest was rewritten to match (the log recorded the original).

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use steward_domain::feedback::{FeedbackRules, Redactor};
use steward_domain::integrity::{self, Basis, Entry, Mismatch, RowKey, State, NULL};
use steward_domain::{Manifest, Sha256Digest};

use crate::error::Result;
use crate::evals::{summary_from_chunks, ChunkDigest};
use crate::feedback::{item_columns, item_sha256, ItemsDigest, ITEM_FIELDS};
use crate::{audit, AuditVerification, Store};

/// The outcome of a deep verify.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeepVerification {
    /// The chain walk.
    pub chain: AuditVerification,
    /// How many rows were compared.
    pub rows: usize,
    /// Every difference found, by table and row.
    pub mismatches: Vec<Mismatch>,
}

fn opt(v: Option<String>) -> String {
    v.unwrap_or_else(|| NULL.to_string())
}

fn put(state: &mut State, table: &'static str, row: String, fields: Vec<(&'static str, String)>) {
    state.insert(RowKey { table, row }, fields.into_iter().collect());
}

/// A stored digest that does not match the bytes it covers.
fn self_check(
    out: &mut Vec<Mismatch>,
    table: &str,
    row: &str,
    field: &str,
    stored: &str,
    computed: &str,
) {
    if stored != computed {
        out.push(Mismatch {
            table: table.into(),
            row: row.into(),
            field: field.into(),
            expected: computed.into(),
            found: stored.into(),
            basis: Basis::StoredBytes,
        });
    }
}

/// Reads every governance row into the rule's shape, with digests recomputed; stored digests
/// that disagree with their own bytes go straight into `out`.
fn observe(c: &Connection, out: &mut Vec<Mismatch>) -> Result<State> {
    let mut state = State::new();
    let mut stmt = c.prepare("SELECT name, title, owner, description, risk_tier FROM models")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        put(
            &mut state,
            "models",
            r.get(0)?,
            vec![
                ("title", r.get(1)?),
                ("owner", r.get(2)?),
                ("description", r.get(3)?),
                ("risk_tier", r.get(4)?),
            ],
        );
    }
    let mut stmt = c.prepare(
        "SELECT m.name || '@' || v.version, v.stage, v.bundle_digest, v.bundle_uri, v.code_commit, v.config_digest, v.config_uri
         FROM versions v JOIN models m ON m.id = v.model_id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        put(
            &mut state,
            "versions",
            r.get(0)?,
            vec![
                ("stage", r.get(1)?),
                ("bundle_digest", opt(r.get(2)?)),
                ("bundle_uri", opt(r.get(3)?)),
                ("code_commit", opt(r.get(4)?)),
                ("config_digest", opt(r.get(5)?)),
                ("config_uri", opt(r.get(6)?)),
            ],
        );
    }
    let mut stmt = c.prepare(
        "SELECT m.name || '@' || v.version, h.from_stage, h.to_stage, h.kind
         FROM stage_history h JOIN versions v ON v.id = h.version_id JOIN models m ON m.id = v.model_id
         ORDER BY h.version_id, h.id",
    )?;
    let mut rows = stmt.query([])?;
    let (mut last, mut n) = (String::new(), 0usize);
    while let Some(r) = rows.next()? {
        let subject: String = r.get(0)?;
        n = if subject == last { n + 1 } else { 1 };
        state.insert(
            integrity::history_key(&subject, n),
            [
                ("from_stage", opt(r.get(1)?)),
                ("to_stage", r.get(2)?),
                ("kind", r.get(3)?),
            ]
            .into_iter()
            .collect(),
        );
        last = subject;
    }
    let mut stmt = c.prepare(
        "SELECT name || '@' || version, manifest, manifest_checksum, source, license, consent, retention, personal_data FROM datasets",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let reference: String = r.get(0)?;
        let bytes: Vec<u8> = r.get(1)?;
        let stored: String = r.get(2)?;
        let computed = match Manifest::from_canonical(&bytes) {
            Ok(m) => m.checksum().to_string(),
            Err(e) => format!("unreadable manifest ({e})"),
        };
        self_check(
            out,
            "datasets",
            &reference,
            "manifest_checksum",
            &stored,
            &computed,
        );
        let personal: Option<i64> = r.get(7)?;
        put(
            &mut state,
            "datasets",
            reference,
            vec![
                ("manifest_checksum", computed),
                ("source", opt(r.get(3)?)),
                ("license", opt(r.get(4)?)),
                ("consent", opt(r.get(5)?)),
                ("retention", opt(r.get(6)?)),
                (
                    "personal_data",
                    personal.map_or_else(|| NULL.to_string(), |p| (p != 0).to_string()),
                ),
            ],
        );
    }
    let mut stmt = c.prepare(
        "SELECT m.name || '@' || v.version || ' → ' || d.name || '@' || d.version, d.manifest_checksum
         FROM version_datasets l JOIN versions v ON v.id = l.version_id JOIN models m ON m.id = v.model_id
         JOIN datasets d ON d.id = l.dataset_id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        put(
            &mut state,
            "version_datasets",
            r.get(0)?,
            vec![("manifest_checksum", r.get(1)?)],
        );
    }
    const TARGET: &str =
        "COALESCE(m.name || '@' || v.version, ds.name || '@' || ds.version) || ' ' || doc.kind";
    const JOINS: &str =
        "LEFT JOIN versions v ON v.id = doc.version_id LEFT JOIN models m ON m.id = v.model_id
         LEFT JOIN datasets ds ON ds.id = doc.dataset_id";
    let mut stmt = c.prepare(&format!(
        "SELECT {TARGET}, r.number, r.content, r.content_sha256 FROM document_revisions r
         JOIN documents doc ON doc.id = r.document_id {JOINS}"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let doc: String = r.get(0)?;
        let number: i64 = r.get(1)?;
        let row = format!("{doc} r{number}");
        let computed = Sha256Digest::of(r.get_ref(2)?.as_bytes().unwrap_or_default()).to_string();
        let stored: String = r.get(3)?;
        self_check(
            out,
            "document_revisions",
            &row,
            "content_sha256",
            &stored,
            &computed,
        );
        put(
            &mut state,
            "document_revisions",
            row,
            vec![("content_sha256", computed)],
        );
    }
    let mut stmt = c.prepare(&format!(
        "SELECT {TARGET}, h.number FROM documents doc LEFT JOIN document_revisions h ON h.id = doc.head_revision_id {JOINS}"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let head: Option<i64> = r.get(1)?;
        put(
            &mut state,
            "documents",
            r.get(0)?,
            vec![(
                "head",
                head.map_or_else(|| NULL.to_string(), |n| format!("r{n}")),
            )],
        );
    }
    let mut stmt = c.prepare(
        "SELECT m.name || '@' || v.version || ' run ' || e.id, e.id, e.file_digest, e.row_count, e.chunks_sha256,
                e.summary, e.summary_sha256
         FROM eval_runs e JOIN versions v ON v.id = e.version_id JOIN models m ON m.id = v.model_id",
    )?;
    let mut rows = stmt.query([])?;
    let mut chunks = c.prepare(
        "SELECT row_count, data FROM eval_row_chunks WHERE run_id = ?1 ORDER BY chunk_no",
    )?;
    while let Some(r) = rows.next()? {
        let row: String = r.get(0)?;
        let run_id: i64 = r.get(1)?;
        let mut digest = ChunkDigest::default();
        let mut counted = 0i64;
        let mut cs = chunks.query([run_id])?;
        while let Some(chunk) = cs.next()? {
            let n: i64 = chunk.get(0)?;
            counted += n;
            digest.add(
                u64::try_from(n).unwrap_or(0),
                chunk.get_ref(1)?.as_blob().unwrap_or_default(),
            );
        }
        let computed = digest.finish().to_string();
        let stored: Option<String> = r.get(4)?;
        if let Some(stored) = &stored {
            self_check(out, "eval_runs", &row, "chunks_sha256", stored, &computed);
        }
        let row_count: i64 = r.get(3)?;
        if counted != row_count {
            out.push(Mismatch {
                table: "eval_runs".into(),
                row: row.clone(),
                field: "row_count".into(),
                expected: row_count.to_string(),
                found: counted.to_string(),
                basis: Basis::StoredBytes,
            });
        }
        // The row summary: its digest against its text, and its text against the summary
        // its rows give now (a run imported before summaries were kept has neither).
        let summary: Option<String> = r.get(5)?;
        let summary_stored: Option<String> = r.get(6)?;
        let summary_digest = summary
            .as_ref()
            .map(|t| Sha256Digest::of(t.as_bytes()).to_string());
        if let (Some(stored), Some(computed)) = (&summary_stored, &summary_digest) {
            self_check(out, "eval_runs", &row, "summary_sha256", stored, computed);
        } else if summary_stored.is_some() != summary.is_some() {
            out.push(Mismatch {
                table: "eval_runs".into(),
                row: row.clone(),
                field: "summary".into(),
                expected: "a summary with its digest".into(),
                found: format!(
                    "summary {}, summary_sha256 {}",
                    if summary.is_some() { "present" } else { NULL },
                    summary_stored.as_deref().unwrap_or(NULL)
                ),
                basis: Basis::StoredBytes,
            });
        }
        if let Some(text) = &summary {
            let recomputed = summary_from_chunks(c, run_id).and_then(|s| {
                s.to_canonical()
                    .map_err(|e| format!("cannot write the summary: {e}"))
            });
            match recomputed {
                Ok(want) if want == *text => {}
                Ok(want) => out.push(Mismatch {
                    table: "eval_runs".into(),
                    row: row.clone(),
                    field: "summary".into(),
                    expected: format!(
                        "the summary of its rows ({})",
                        Sha256Digest::of(want.as_bytes())
                    ),
                    found: format!("a summary hashing to {}", Sha256Digest::of(text.as_bytes())),
                    basis: Basis::StoredBytes,
                }),
                Err(e) => out.push(Mismatch {
                    table: "eval_runs".into(),
                    row: row.clone(),
                    field: "summary".into(),
                    expected: "the summary of its rows".into(),
                    found: format!("rows that do not decode ({e})"),
                    basis: Basis::StoredBytes,
                }),
            }
        }
        put(
            &mut state,
            "eval_runs",
            row,
            vec![
                ("file_digest", r.get(2)?),
                ("row_count", row_count.to_string()),
                ("chunks_sha256", computed),
                ("summary_sha256", opt(summary_digest)),
            ],
        );
    }
    // Signed and versioned texts: each text against its stored digest, and the copies of its
    // payload against the log. (Whether an envelope verifies is the roster's business.)
    for t in SIGNED_TEXTS {
        digested_rows(c, out, &mut state, t)?;
    }
    Ok(state)
}

/// A table whose rows hold a text and its sha256: the query selects the row's name, the text,
/// the stored digest, then `fields` in order.
struct DigestedTable {
    table: &'static str,
    digest_field: &'static str,
    sql: &'static str,
    fields: &'static [&'static str],
}

const SIGNED_TEXTS: &[DigestedTable] = &[
    DigestedTable {
        table: "roster_changes",
        digest_field: "envelope_sha256",
        sql: "SELECT 'change ' || seq, envelope, envelope_sha256, signer_keyid, kind FROM roster_changes",
        fields: &["signer", "kind"],
    },
    DigestedTable {
        table: "approvals",
        digest_field: "envelope_sha256",
        sql: "SELECT m.name || '@' || v.version || ' approval ' || a.id, a.envelope, a.envelope_sha256,
                     a.signer_keyid, a.role, a.decision, a.target_stage, a.subject_digest
              FROM approvals a JOIN versions v ON v.id = a.version_id JOIN models m ON m.id = v.model_id",
        fields: &["signer", "role", "decision", "target_stage", "subject_digest"],
    },
    DigestedTable {
        table: "audit_seals",
        digest_field: "envelope_sha256",
        sql: "SELECT 'seal of entry ' || sealed_seq, envelope, envelope_sha256, signer_keyid, head_hash FROM audit_seals",
        fields: &["signer", "head_hash"],
    },
    DigestedTable {
        table: "release_records",
        digest_field: "envelope_sha256",
        sql: "SELECT m.name || ' release ' || r.seq, r.envelope, r.envelope_sha256, r.signer_keyid
              FROM release_records r JOIN models m ON m.id = r.model_id",
        fields: &["signer"],
    },
    DigestedTable {
        table: "waivers",
        digest_field: "envelope_sha256",
        sql: "SELECT m.name || '@' || v.version || ' waiver ' || w.id, w.envelope, w.envelope_sha256,
                     w.signer_keyid, w.role, w.check_id, w.expires_at
              FROM waivers w JOIN versions v ON v.id = w.version_id JOIN models m ON m.id = v.model_id",
        fields: &["signer", "role", "check_id", "expires_at"],
    },
    DigestedTable {
        table: "dataset_reviews",
        digest_field: "envelope_sha256",
        sql: "SELECT d.name || '@' || d.version || ' review ' || r.id, r.envelope, r.envelope_sha256,
                     r.signer_keyid, r.role, r.manifest_checksum
              FROM dataset_reviews r JOIN datasets d ON d.id = r.dataset_id",
        fields: &["signer", "role", "manifest_checksum"],
    },
    DigestedTable {
        table: "policy_revisions",
        digest_field: "content_sha256",
        sql: "SELECT 'r' || number, content, content_sha256 FROM policy_revisions",
        fields: &[],
    },
];

fn digested_rows(
    c: &Connection,
    out: &mut Vec<Mismatch>,
    state: &mut State,
    t: &DigestedTable,
) -> Result<()> {
    let mut stmt = c.prepare(t.sql)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let row: String = r.get(0)?;
        let computed = Sha256Digest::of(r.get_ref(1)?.as_bytes().unwrap_or_default()).to_string();
        let stored: String = r.get(2)?;
        self_check(out, t.table, &row, t.digest_field, &stored, &computed);
        let mut fields = vec![(t.digest_field, computed)];
        for (i, f) in t.fields.iter().enumerate() {
            fields.push((*f, r.get(3 + i)?));
        }
        put(state, t.table, row, fields);
    }
    Ok(())
}

/// The traffic dial's rows: every change, hook and hook run (issue 12).
fn traffic_rows(c: &Connection, state: &mut State) -> Result<()> {
    let mut stmt = c.prepare(
        "SELECT m.name || ' change ' || t.id, t.epoch, t.reason, t.release_sha256, t.file_path, t.file_sha256, t.file_note, t.state
         FROM traffic_changes t JOIN models m ON m.id = t.model_id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        put(
            state,
            "traffic_changes",
            r.get(0)?,
            vec![
                ("epoch", r.get::<_, i64>(1)?.to_string()),
                ("reason", r.get(2)?),
                ("release_sha256", opt(r.get(3)?)),
                ("file_path", r.get(4)?),
                ("file_sha256", opt(r.get(5)?)),
                ("file_note", r.get(6)?),
                ("state", r.get(7)?),
            ],
        );
    }
    let mut stmt = c.prepare(
        "SELECT m.name || ' hook ' || h.id, h.command, h.timeout_ms
         FROM traffic_hooks h JOIN models m ON m.id = h.model_id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        put(
            state,
            "traffic_hooks",
            r.get(0)?,
            vec![
                ("command", r.get(1)?),
                ("timeout_ms", r.get::<_, i64>(2)?.to_string()),
            ],
        );
    }
    let mut stmt = c.prepare(
        "SELECT m.name || ' hook-run ' || h.id, h.change_id, h.command, h.outcome, h.exit_code, h.output
         FROM traffic_hook_runs h JOIN traffic_changes t ON t.id = h.change_id JOIN models m ON m.id = t.model_id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let output: String = r.get(5)?;
        put(
            state,
            "traffic_hook_runs",
            r.get(0)?,
            vec![
                ("change", r.get::<_, i64>(1)?.to_string()),
                ("command", r.get(2)?),
                ("outcome", r.get(3)?),
                (
                    "exit_code",
                    r.get::<_, Option<i64>>(4)?
                        .map_or_else(|| NULL.to_string(), |c| c.to_string()),
                ),
                ("output_sha256", crate::traffic::sha256_text(&output)),
            ],
        );
    }
    Ok(())
}

/// The feedback rows (issue 12): each import with its item count and the digest of its
/// items' digests recomputed from their columns, each item with its own digest checked against
/// its columns, each label; and every stored text read by the redactor's built-in detectors,
/// which find nothing in what Steward stored (policy patterns are left out: the policy in
/// force may not be the one the import ran under).
fn feedback_rows(c: &Connection, out: &mut Vec<Mismatch>, state: &mut State) -> Result<()> {
    let detectors = Redactor::new(&FeedbackRules::default()).map_err(|e| {
        crate::error::StoreError::Spool(format!("the built-in redaction detectors: {e}"))
    })?;
    let scan = |out: &mut Vec<Mismatch>, table: &str, row: &str, fields: &[(&str, &str)]| {
        for (field, text) in fields {
            if let Some(m) = integrity::unredacted(table, row, field, &detectors.finds(text)) {
                out.push(m);
            }
        }
    };
    // Imports first, so each item can add to its import's count and digest.
    let mut imports: std::collections::BTreeMap<i64, (String, i64, ItemsDigest, bool)> =
        Default::default();
    let mut stmt = c.prepare(
        "SELECT f.id, m.name || '@' || v.version, f.file_sha256, f.redactions, f.variant, f.max_tokens, f.items_sha256, f.file_name
         FROM feedback_imports f JOIN versions v ON v.id = f.version_id JOIN models m ON m.id = v.model_id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let subject: String = r.get(1)?;
        let row = format!("{subject} import {id}");
        let variant: String = r.get(4)?;
        let file_name: String = r.get(7)?;
        scan(
            out,
            "feedback_imports",
            &row,
            &[("variant", &variant), ("file_name", &file_name)],
        );
        let digested = r.get::<_, Option<String>>(6)?.is_some();
        put(
            state,
            "feedback_imports",
            row,
            vec![
                ("file_sha256", r.get(2)?),
                ("redactions", r.get::<_, i64>(3)?.to_string()),
                ("variant", variant),
                ("max_tokens", r.get::<_, i64>(5)?.to_string()),
            ],
        );
        imports.insert(id, (subject, 0, ItemsDigest::default(), digested));
    }
    let columns = ITEM_FIELDS
        .split(", ")
        .map(|c| format!("i.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut stmt = c.prepare(&format!(
        "SELECT i.id, m.name || '@' || v.version, i.import_id, {columns}, i.content_sha256
         FROM feedback_items i JOIN versions v ON v.id = i.version_id JOIN models m ON m.id = v.model_id
         ORDER BY i.id"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let subject: String = r.get(1)?;
        let import_id: i64 = r.get(2)?;
        let item = item_columns(r, 3)?;
        let stored: Option<String> = r.get(17)?;
        let key = integrity::feedback_item_key(&subject, id);
        scan(
            out,
            key.table,
            &key.row,
            &[
                ("external_id", &item.external_id),
                ("variant", &item.variant),
                ("input", &item.input),
                ("output", &item.output),
                ("comment", &item.comment),
                ("correction", &item.correction),
            ],
        );
        let computed = item_sha256(&item).unwrap_or_else(|e| e.to_string());
        let import = imports.get_mut(&import_id);
        let legacy = import.as_ref().is_some_and(|(_, _, _, digested)| !digested);
        if let Some((_, n, digest, _)) = import {
            *n += 1;
            digest.add(&computed);
        }
        match stored {
            Some(stored) => self_check(
                out,
                key.table,
                &key.row,
                "content_sha256",
                &stored,
                &computed,
            ),
            // Stored before items carried digests: its import is compared by its count.
            None if legacy => continue,
            None => out.push(Mismatch {
                table: key.table.into(),
                row: key.row.clone(),
                field: "content_sha256".into(),
                expected: "the digest stored at import".into(),
                found: NULL.into(),
                basis: Basis::StoredBytes,
            }),
        }
        state.insert(
            key,
            [("import", import_id.to_string())].into_iter().collect(),
        );
    }
    for (id, (subject, n, digest, digested)) in imports {
        if let Some(fields) = state.get_mut(&RowKey {
            table: "feedback_imports",
            row: format!("{subject} import {id}"),
        }) {
            fields.insert("items", n.to_string());
            if digested {
                fields.insert("items_sha256", digest.finish());
            } else {
                fields.insert("items_sha256", NULL.to_string());
            }
        }
    }
    let mut stmt = c.prepare(
        "SELECT m.name || '@' || v.version || ' label ' || l.id, l.item_id, l.label, l.note, l.reviewer
         FROM feedback_labels l JOIN feedback_items i ON i.id = l.item_id
         JOIN versions v ON v.id = i.version_id JOIN models m ON m.id = v.model_id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let row: String = r.get(0)?;
        let note: String = r.get(3)?;
        scan(out, "feedback_labels", &row, &[("note", &note)]);
        put(
            state,
            "feedback_labels",
            row,
            vec![
                ("item", r.get::<_, i64>(1)?.to_string()),
                ("label", r.get(2)?),
                ("note_sha256", crate::traffic::sha256_text(&note)),
                ("reviewer", r.get(4)?),
            ],
        );
    }
    Ok(())
}

pub(crate) fn verify(c: &Connection) -> Result<DeepVerification> {
    let chain = audit::verify(c)?;
    let log = audit::list(c, None)?;
    let details: Vec<serde_json::Value> = log
        .iter()
        .rev()
        .map(|e| serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null))
        .collect();
    let entries: Vec<Entry<'_>> = log
        .iter()
        .rev()
        .zip(&details)
        .map(|(e, detail)| Entry {
            seq: e.seq,
            action: &e.action,
            subject: &e.subject,
            detail,
        })
        .collect();
    let (expected, mut mismatches) = integrity::expected_state(&entries);
    let mut found = observe(c, &mut mismatches)?;
    traffic_rows(c, &mut found)?;
    feedback_rows(c, &mut mismatches, &mut found)?;
    mismatches.extend(integrity::diff(&expected, &found));
    Ok(DeepVerification {
        chain,
        rows: found.len(),
        mismatches,
    })
}

impl Store {
    /// Walks the audit chain, recomputes every stored digest and checks every governance row
    /// against what the audit log explains. Reads in one transaction, so the rows are one
    /// consistent snapshot even while other processes write.
    pub fn audit_verify_deep(&self) -> Result<DeepVerification> {
        self.read(|c| {
            c.execute_batch("BEGIN")?;
            let out = verify(c);
            let _ = c.execute_batch("COMMIT");
            out
        })
    }
}
