//! The `approvals` table: signed approvals of a version for a target stage.
//!
//! Each row keeps the DSSE envelope as signed; the other columns copy what its payload says,
//! for listing. Whether an approval counts is decided on every read by verifying the
//! envelope against the roster and comparing its review subject with the current one, never
//! by these columns. Rows are append-only; each append writes its audit entry in the same
//! transaction.

use rusqlite::Connection;
use serde_json::json;
use steward_domain::trust::{Decision, KeyId, Role};
use steward_domain::{ModelName, Sha256Digest, Stage, Version};

use crate::audit::Event;
use crate::error::Result;
use crate::{conflict_on_unique, now, parse_col, versions, Actor, Store};

/// An approval to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApproval<'a> {
    /// The model.
    pub model: &'a ModelName,
    /// The version approved.
    pub version: &'a Version,
    /// The stage it is approved for.
    pub target_stage: Stage,
    /// The role signed for.
    pub role: Role,
    /// The decision.
    pub decision: Decision,
    /// The signing key (already verified by the caller).
    pub signer: &'a KeyId,
    /// The review-subject digest signed.
    pub subject_digest: &'a Sha256Digest,
    /// The DSSE envelope, as JSON text.
    pub envelope: &'a str,
    /// When it was signed, as the payload says.
    pub signed_at: &'a str,
    /// Whether it came from a file (`approval import`) rather than `approve` here.
    pub imported: bool,
}

/// A stored approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalRow {
    /// Row id.
    pub id: i64,
    /// The stage it is for.
    pub target_stage: Stage,
    /// The role the row claims.
    pub role: Role,
    /// The decision the row claims.
    pub decision: Decision,
    /// The signer the row claims.
    pub signer_keyid: String,
    /// The subject digest the row claims.
    pub subject_digest: String,
    /// The DSSE envelope, as JSON text.
    pub envelope: String,
    /// sha256 of the envelope text.
    pub envelope_sha256: Sha256Digest,
    /// When it was signed.
    pub signed_at: String,
    /// Whether it was imported from a file.
    pub imported: bool,
    /// When it was stored.
    pub created_at: String,
}

fn list(c: &Connection, version_id: i64) -> Result<Vec<ApprovalRow>> {
    let mut stmt = c.prepare(
        "SELECT id, target_stage, role, decision, signer_keyid, subject_digest, envelope, envelope_sha256, signed_at, imported, created_at
         FROM approvals WHERE version_id = ?1 ORDER BY id",
    )?;
    let mut rows = stmt.query([version_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let imported: i64 = r.get(9)?;
        out.push(ApprovalRow {
            id: r.get(0)?,
            target_stage: parse_col("approval stage", r.get(1)?)?,
            role: parse_col("approval role", r.get(2)?)?,
            decision: parse_col("approval decision", r.get(3)?)?,
            signer_keyid: r.get(4)?,
            subject_digest: r.get(5)?,
            envelope: r.get(6)?,
            envelope_sha256: parse_col("approval envelope digest", r.get(7)?)?,
            signed_at: r.get(8)?,
            imported: imported != 0,
            created_at: r.get(10)?,
        });
    }
    Ok(out)
}

impl Store {
    /// Stores a signed approval with its audit entry; the same envelope twice is a conflict.
    pub fn add_approval(&self, a: &NewApproval<'_>, actor: &Actor) -> Result<ApprovalRow> {
        self.write(actor, |tx| {
            let v = versions::get(tx, a.model, a.version)?;
            let digest = Sha256Digest::of(a.envelope.as_bytes());
            tx.execute(
                "INSERT INTO approvals (version_id, target_stage, role, decision, signer_keyid, subject_digest, envelope, envelope_sha256, signed_at, imported, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                (
                    v.id,
                    a.target_stage.as_str(),
                    a.role.as_str(),
                    a.decision.as_str(),
                    a.signer.as_str(),
                    a.subject_digest.to_string(),
                    a.envelope,
                    digest.to_string(),
                    a.signed_at,
                    i64::from(a.imported),
                    now(),
                ),
            )
            .map_err(|e| {
                conflict_on_unique(e, || {
                    format!(
                        "this approval of {}@{} is already stored (envelope {digest})",
                        a.model, a.version
                    )
                })
            })?;
            let id = tx.last_insert_rowid();
            crate::outbox::enqueue(
                tx,
                crate::models::get(tx, a.model)?.id,
                crate::outbox::OutboxKind::Approval,
                &format!("{}@{}", a.model, a.version),
                id,
            )?;
            let row = list(tx, v.id)?
                .into_iter()
                .find(|r| r.id == id)
                .ok_or_else(|| crate::StoreError::NotFound(format!("approval {id} vanished")))?;
            let event = Event {
                action: "approval.add",
                subject: format!("{}@{}", a.model, a.version),
                detail: json!({
                    "id": id,
                    "target_stage": a.target_stage.as_str(),
                    "role": a.role.as_str(),
                    "decision": a.decision.as_str(),
                    "signer": a.signer.as_str(),
                    "subject_digest": a.subject_digest.to_string(),
                    "envelope_sha256": digest.to_string(),
                    "imported": a.imported,
                }),
            };
            Ok((row, event))
        })
    }

    /// A version's stored approvals, oldest first (unverified: the caller verifies each).
    pub fn approvals(&self, model: &ModelName, version: &Version) -> Result<Vec<ApprovalRow>> {
        self.read(|c| {
            let v = versions::get(c, model, version)?;
            list(c, v.id)
        })
    }
}
