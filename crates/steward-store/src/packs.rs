//! The `packs` table: compliance packs a team added to the workspace, as immutable rows of
//! their TOML text. The caller validates the text first (`steward_domain::compliance::
//! parse_pack`), so a refused pack stores nothing; the newest row of a name is in force.

use rusqlite::Connection;
use serde_json::json;
use steward_domain::Sha256Digest;

use crate::audit::Event;
use crate::error::{Result, StoreError};
use crate::{now, parse_col, Actor, Store};

/// One stored pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackRow {
    /// Row id, in the order packs were added.
    pub id: u32,
    /// The pack's `name`.
    pub name: String,
    /// The pack's `version`.
    pub version: String,
    /// The TOML text.
    pub content: String,
    /// sha256 of the text, re-checked on read.
    pub sha256: Sha256Digest,
    /// Who added it.
    pub author: String,
    /// When, RFC 3339.
    pub created_at: String,
}

const COLUMNS: &str = "id, name, version, content, content_sha256, author, created_at";

fn read_row(r: &rusqlite::Row<'_>) -> Result<PackRow> {
    let id: i64 = r.get(0)?;
    let content: String = r.get(3)?;
    let stored: String = r.get(4)?;
    let sha256: Sha256Digest = parse_col("pack sha256", stored)?;
    let computed = Sha256Digest::of(content.as_bytes());
    if computed != sha256 {
        return Err(StoreError::BadRow {
            what: "pack",
            value: format!("{id}"),
            detail: format!(
                "its text hashes to {computed} but the stored digest is {sha256}; the workspace was edited outside Steward (`steward audit verify --deep` names what changed)"
            ),
        });
    }
    Ok(PackRow {
        id: u32::try_from(id).unwrap_or(u32::MAX),
        name: r.get(1)?,
        version: r.get(2)?,
        content,
        sha256,
        author: r.get(5)?,
        created_at: r.get(6)?,
    })
}

fn all(c: &Connection) -> Result<Vec<PackRow>> {
    let mut stmt = c.prepare(&format!("SELECT {COLUMNS} FROM packs ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(read_row(r)?);
    }
    Ok(out)
}

impl Store {
    /// Appends a pack (already validated by the caller) with its audit entry `pack.add`.
    pub fn add_pack(
        &self,
        name: &str,
        version: &str,
        content: &str,
        actor: &Actor,
    ) -> Result<PackRow> {
        let sha = Sha256Digest::of(content.as_bytes());
        self.write(actor, |tx| {
            tx.execute(
                "INSERT INTO packs (name, version, content, content_sha256, author, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                rusqlite::params![name, version, content, sha.to_string(), actor.0, now()],
            )?;
            let id = tx.last_insert_rowid();
            let row = all(tx)?
                .into_iter()
                .find(|r| i64::from(r.id) == id)
                .ok_or_else(|| StoreError::NotFound("the pack just written is missing".into()))?;
            let event = Event {
                action: "pack.add",
                subject: format!("pack:{name}"),
                detail: json!({"id": id, "name": name, "version": version, "sha256": sha.to_string()}),
            };
            Ok((row, event))
        })
    }

    /// Every stored pack, oldest first.
    pub fn packs(&self) -> Result<Vec<PackRow>> {
        self.read(all)
    }
}
