//! The `roster_changes` table: the trust roster's signed changes, numbered from 1.
//!
//! The store keeps each change's DSSE envelope as signed and never interprets it: the roster
//! is rebuilt on every read by verifying each envelope and folding the changes, so a row
//! added here by hand (with SQL) is not trusted. Rows are append-only (triggers refuse
//! UPDATE and DELETE) and each append writes its audit entry in the same transaction.

use rusqlite::Connection;
use serde_json::json;
use steward_domain::trust::KeyId;
use steward_domain::Sha256Digest;

use crate::audit::Event;
use crate::error::{Result, StoreError};
use crate::{conflict_on_unique, now, parse_col, Actor, Store};

/// A roster change to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRosterChange<'a> {
    /// Its number: one more than the newest stored change.
    pub seq: u64,
    /// The DSSE envelope, as JSON text.
    pub envelope: &'a str,
    /// The key that signed it (already verified by the caller).
    pub signer: &'a KeyId,
    /// The operation (`init`, `add-member`, `grant`…).
    pub kind: &'a str,
}

/// A stored roster change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterChangeRow {
    /// Its number.
    pub seq: u64,
    /// The DSSE envelope, as JSON text.
    pub envelope: String,
    /// sha256 of the envelope text.
    pub envelope_sha256: Sha256Digest,
    /// The signer the row claims (the envelope decides).
    pub signer_keyid: String,
    /// The operation the row claims.
    pub kind: String,
    /// When it was stored.
    pub created_at: String,
}

fn list(c: &Connection) -> Result<Vec<RosterChangeRow>> {
    let mut stmt = c.prepare(
        "SELECT seq, envelope, envelope_sha256, signer_keyid, kind, created_at FROM roster_changes ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        out.push(RosterChangeRow {
            seq: u64::try_from(seq).unwrap_or(0),
            envelope: r.get(1)?,
            envelope_sha256: parse_col("roster envelope digest", r.get(2)?)?,
            signer_keyid: r.get(3)?,
            kind: r.get(4)?,
            created_at: r.get(5)?,
        });
    }
    Ok(out)
}

fn append(tx: &Connection, change: &NewRosterChange<'_>) -> Result<Event> {
    let newest: i64 = tx.query_row(
        "SELECT COALESCE(MAX(seq), 0) FROM roster_changes",
        [],
        |r| r.get(0),
    )?;
    let expected = u64::try_from(newest).unwrap_or(0) + 1;
    if change.seq != expected {
        return Err(StoreError::Conflict(format!(
            "roster change {} cannot be stored: the roster's next change is {expected} \
             (another change landed first); run the command again",
            change.seq
        )));
    }
    let digest = Sha256Digest::of(change.envelope.as_bytes());
    tx.execute(
        "INSERT INTO roster_changes (seq, envelope, envelope_sha256, signer_keyid, kind, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        (
            i64::try_from(change.seq).unwrap_or(i64::MAX),
            change.envelope,
            digest.to_string(),
            change.signer.as_str(),
            change.kind,
            now(),
        ),
    )
    .map_err(|e| conflict_on_unique(e, || format!("roster change {} is already stored", change.seq)))?;
    Ok(Event {
        action: "roster.change",
        subject: "roster".into(),
        detail: json!({
            "seq": change.seq,
            "kind": change.kind,
            "signer": change.signer.as_str(),
            "envelope_sha256": digest.to_string(),
        }),
    })
}

impl Store {
    /// Appends one signed roster change with its audit entry.
    pub fn append_roster_change(&self, change: &NewRosterChange<'_>, actor: &Actor) -> Result<()> {
        self.write(actor, |tx| Ok(((), append(tx, change)?)))
    }

    /// Appends several signed roster changes in one transaction: all land or none do.
    pub fn append_roster_changes(
        &self,
        changes: &[NewRosterChange<'_>],
        actor: &Actor,
    ) -> Result<()> {
        self.bulk(|| {
            for change in changes {
                self.append_roster_change(change, actor)?;
            }
            Ok::<_, StoreError>(())
        })
    }

    /// Every stored roster change, oldest first (unverified: the caller verifies each).
    pub fn roster_changes(&self) -> Result<Vec<RosterChangeRow>> {
        self.read(list)
    }
}
