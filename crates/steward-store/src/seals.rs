//! The `audit_seals` table: signed checkpoints of the audit chain's head.
//!
//! A seal is a DSSE envelope over "entry `sealed_seq` has hash `head_hash`", signed by a
//! roster member. Someone who rewrites the database can re-chain the whole audit log, but
//! cannot re-sign the seal, so `audit verify` compares the chain with the newest seal.
//! The seal's own audit entry comes after the entry it seals.

use rusqlite::{Connection, OptionalExtension};
use serde_json::json;
use steward_domain::trust::KeyId;
use steward_domain::Sha256Digest;

use crate::audit::Event;
use crate::error::{Result, StoreError};
use crate::{now, Actor, Store};

/// A seal to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSeal<'a> {
    /// The audit entry sealed (the head when it was signed).
    pub sealed_seq: i64,
    /// That entry's hash.
    pub head_hash: &'a str,
    /// The signing key.
    pub signer: &'a KeyId,
    /// The DSSE envelope, as JSON text.
    pub envelope: &'a str,
}

/// A stored seal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealRow {
    /// Row id.
    pub id: i64,
    /// The audit entry sealed.
    pub sealed_seq: i64,
    /// Its hash, as the row claims (the envelope decides).
    pub head_hash: String,
    /// The signer, as the row claims.
    pub signer_keyid: String,
    /// The DSSE envelope, as JSON text.
    pub envelope: String,
    /// When it was stored.
    pub created_at: String,
}

fn head(c: &Connection) -> Result<Option<(i64, String)>> {
    Ok(c.query_row(
        "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?)
}

impl Store {
    /// The audit chain's newest entry: (seq, hash), none for an empty log.
    pub fn audit_head(&self) -> Result<Option<(i64, String)>> {
        self.read(head)
    }

    /// The stored hash of audit entry `seq`.
    pub fn audit_hash_at(&self, seq: i64) -> Result<Option<String>> {
        self.read(|c| {
            Ok(
                c.query_row("SELECT hash FROM audit_log WHERE seq = ?1", [seq], |r| {
                    r.get(0)
                })
                .optional()?,
            )
        })
    }

    /// Stores a seal of the current head, refusing when the head moved since it was read.
    pub fn add_seal(&self, seal: &NewSeal<'_>, actor: &Actor) -> Result<SealRow> {
        self.write(actor, |tx| {
            let current = head(tx)?;
            if current.as_ref().map(|(s, h)| (*s, h.as_str()))
                != Some((seal.sealed_seq, seal.head_hash))
            {
                return Err(StoreError::Conflict(format!(
                    "the audit log moved while entry {} was being sealed; run `steward audit seal` again",
                    seal.sealed_seq
                )));
            }
            let digest = Sha256Digest::of(seal.envelope.as_bytes());
            let created_at = now();
            tx.execute(
                "INSERT INTO audit_seals (sealed_seq, head_hash, signer_keyid, envelope, envelope_sha256, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                (seal.sealed_seq, seal.head_hash, seal.signer.as_str(), seal.envelope, digest.to_string(), &created_at),
            )?;
            let row = SealRow {
                id: tx.last_insert_rowid(),
                sealed_seq: seal.sealed_seq,
                head_hash: seal.head_hash.to_string(),
                signer_keyid: seal.signer.to_string(),
                envelope: seal.envelope.to_string(),
                created_at,
            };
            let event = Event {
                action: "audit.seal",
                subject: "audit".into(),
                detail: json!({
                    "sealed_seq": seal.sealed_seq,
                    "head_hash": seal.head_hash,
                    "signer": seal.signer.as_str(),
                    "envelope_sha256": digest.to_string(),
                }),
            };
            Ok((row, event))
        })
    }

    /// Every seal, oldest first (unverified).
    pub fn seals(&self) -> Result<Vec<SealRow>> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT id, sealed_seq, head_hash, signer_keyid, envelope, created_at FROM audit_seals ORDER BY id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(SealRow {
                    id: r.get(0)?,
                    sealed_seq: r.get(1)?,
                    head_hash: r.get(2)?,
                    signer_keyid: r.get(3)?,
                    envelope: r.get(4)?,
                    created_at: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }
}
