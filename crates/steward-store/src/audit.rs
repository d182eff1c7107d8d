//! The audit log: append-only and hash-chained.
//!
//! Entry `n` stores `prev_hash` (entry `n-1`'s hash, or 64 zeros for the first) and
//! `hash = sha256(JSON [seq, at, actor, action, subject, detail, prev_hash])`. Editing any
//! field of an entry changes its hash; deleting an entry breaks the next entry's `prev_hash` and
//! leaves a gap in `seq`. Verification walks the chain and names the first entry that does
//! not match. (Truncating the newest entries leaves a valid shorter chain: the registry copy of
//! release records, a later issue, is the outside anchor for that.)

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::{now, Actor};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a mutation appends to the log.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub action: &'static str,
    pub subject: String,
    pub detail: serde_json::Value,
}

/// One stored audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// Who.
    pub actor: String,
    /// What kind of change (`model.create`, `stage.set`, …).
    pub action: String,
    /// What it was done to (`copilot@1.2.0-3`).
    pub subject: String,
    /// The change itself, as JSON text.
    pub detail: String,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// The first entry where the chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokenLink {
    /// The sequence number of the entry.
    pub seq: i64,
    /// What does not match.
    pub reason: String,
}

/// The outcome of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditVerification {
    /// How many entries were read.
    pub entries: i64,
    /// The first broken entry, if any.
    pub first_broken: Option<BrokenLink>,
}

fn entry_hash(
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
    prev: &str,
) -> String {
    let payload = serde_json::json!([seq, at, actor, action, subject, detail, prev]);
    hex::encode(Sha256::digest(payload.to_string().as_bytes()))
}

pub(crate) fn append(tx: &Connection, actor: &Actor, event: &Event) -> Result<()> {
    let last: Option<(i64, String)> = tx
        .query_row(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (seq, prev) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let at = now();
    let detail = event.detail.to_string();
    let hash = entry_hash(
        seq,
        &at,
        &actor.0,
        event.action,
        &event.subject,
        &detail,
        &prev,
    );
    tx.execute(
        "INSERT INTO audit_log (seq, at, actor, action, subject, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        (seq, &at, &actor.0, event.action, &event.subject, &detail, &prev, &hash),
    )?;
    Ok(())
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        subject: r.get(4)?,
        detail: r.get(5)?,
        prev_hash: r.get(6)?,
        hash: r.get(7)?,
    })
}

const COLUMNS: &str = "seq, at, actor, action, subject, detail, prev_hash, hash";

pub(crate) fn list(conn: &Connection, limit: Option<u32>) -> Result<Vec<AuditEntry>> {
    // Newest first: that is what a reader wants to see.
    let sql = format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT ?1");
    let mut stmt = conn.prepare(&sql)?;
    let limit = limit.map_or(-1, i64::from);
    let rows = stmt
        .query_map([limit], row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub(crate) fn verify(conn: &Connection) -> Result<AuditVerification> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq"))?;
    let mut rows = stmt.query([])?;
    let mut expected_seq = 1;
    let mut prev = GENESIS.to_string();
    let mut entries = 0;
    while let Some(r) = rows.next()? {
        let e = row(r)?;
        entries += 1;
        let broken = |reason: String| {
            Ok(AuditVerification {
                entries,
                first_broken: Some(BrokenLink { seq: e.seq, reason }),
            })
        };
        if e.seq != expected_seq {
            return broken(format!(
                "entry {expected_seq} is missing: the chain jumps to {}",
                e.seq
            ));
        }
        if e.prev_hash != prev {
            return broken(format!(
                "prev_hash {} does not match entry {}'s hash {}",
                e.prev_hash,
                e.seq - 1,
                prev
            ));
        }
        let want = entry_hash(
            e.seq,
            &e.at,
            &e.actor,
            &e.action,
            &e.subject,
            &e.detail,
            &e.prev_hash,
        );
        if e.hash != want {
            return broken(format!(
                "contents do not match the stored hash {} (recomputed {want})",
                e.hash
            ));
        }
        expected_seq += 1;
        prev = e.hash;
    }
    Ok(AuditVerification {
        entries,
        first_broken: None,
    })
}

impl crate::Store {
    /// Audit entries, newest first, at most `limit` when given.
    pub fn audit_log(&self, limit: Option<u32>) -> Result<Vec<AuditEntry>> {
        self.read(|c| list(c, limit))
    }

    /// Walks the whole chain and reports the first entry that does not match.
    pub fn audit_verify(&self) -> Result<AuditVerification> {
        self.read(verify)
    }
}
