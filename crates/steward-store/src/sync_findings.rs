//! What each sync found (`sync_findings`): the report of a sync that reached the registry, kept
//! as JSON so the studio can list the last sync's ungoverned aliases and other findings while
//! offline. The store keeps the text only; steward-api writes and reads it as its wire type.
//! Also the registry URL's clearing, which `registry_settings` records as an empty URL.

use rusqlite::OptionalExtension;
use serde_json::json;

use crate::audit::Event;
use crate::error::Result;
use crate::{now, Actor, Store};

/// One sync's findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncFindingsRow {
    /// When the sync ran.
    pub at: String,
    /// `push`, `pull` or `both`.
    pub direction: String,
    /// The registry.
    pub url: String,
    /// False when the sync stopped part-way (its findings cover the models it reached).
    pub complete: bool,
    /// The sync's report, as JSON.
    pub report: String,
}

impl Store {
    /// Records one sync's findings, with a `sync.findings` audit entry naming how many of each.
    pub fn sync_findings_add(
        &self,
        row: &SyncFindingsRow,
        counts: serde_json::Value,
        actor: &Actor,
    ) -> Result<()> {
        self.write(actor, |tx| {
            tx.execute(
                "INSERT INTO sync_findings (at, direction, url, complete, report) VALUES (?1, ?2, ?3, ?4, ?5)",
                (&row.at, &row.direction, &row.url, i64::from(row.complete), &row.report),
            )?;
            Ok((
                (),
                Event {
                    action: "sync.findings",
                    subject: "registry".into(),
                    detail: json!({ "url": row.url, "complete": row.complete, "found": counts }),
                },
            ))
        })
    }

    /// The newest sync's findings, if a sync has reached the registry.
    pub fn last_sync_findings(&self) -> Result<Option<SyncFindingsRow>> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT at, direction, url, complete, report FROM sync_findings ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    let complete: i64 = r.get(3)?;
                    Ok(SyncFindingsRow {
                        at: r.get(0)?,
                        direction: r.get(1)?,
                        url: r.get(2)?,
                        complete: complete == 1,
                        report: r.get(4)?,
                    })
                },
            )
            .optional()?)
        })
    }

    /// Clears the registry URL: the workspace syncs nowhere until one is set again. Recorded as
    /// an empty URL (settings are append-only), which [`Store::registry_url`] reads as none.
    pub fn registry_clear(&self, actor: &Actor) -> Result<()> {
        self.write(actor, |tx| {
            tx.execute(
                "INSERT INTO registry_settings (url, at) VALUES ('', ?1)",
                [now()],
            )?;
            Ok((
                (),
                Event {
                    action: "registry.clear",
                    subject: "registry".into(),
                    detail: json!({}),
                },
            ))
        })
    }
}
