//! Append-only, timestamped migrations. A shipped migration is never edited; a new one is
//! appended with a later timestamp. Each applies in its own transaction together with its row
//! in `schema_migrations`, which records the sha256 of the SQL that was applied: a database
//! whose migration was applied from different SQL than this build's (a development build's
//! edited migration) is refused by name instead of failing later on a missing table.

use std::path::Path;

use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};

/// Every migration this binary knows, oldest first: (id, name, SQL).
pub const MIGRATIONS: &[(&str, &str, &str)] = &[
    (
        "20261126143000",
        "init",
        include_str!("../migrations/20261126143000_init.sql"),
    ),
    (
        "20261126151000",
        "evaluations",
        include_str!("../migrations/20261126151000_evaluations.sql"),
    ),
    (
        "20261126160000",
        "documents",
        include_str!("../migrations/20261126160000_documents.sql"),
    ),
    (
        "20261201120000",
        "integrity",
        include_str!("../migrations/20261201120000_integrity.sql"),
    ),
    (
        "20261201130000",
        "trust",
        include_str!("../migrations/20261201130000_trust.sql"),
    ),
    (
        "20261201140000",
        "policy",
        include_str!("../migrations/20261201140000_policy.sql"),
    ),
    (
        "20261201210000",
        "model_search",
        include_str!("../migrations/20261201210000_model_search.sql"),
    ),
    (
        "20261202090000",
        "run_summaries",
        include_str!("../migrations/20261202090000_run_summaries.sql"),
    ),
    (
        "20261202100000",
        "releases",
        include_str!("../migrations/20261202100000_releases.sql"),
    ),
    (
        "20261202120000",
        "outbox",
        include_str!("../migrations/20261202120000_outbox.sql"),
    ),
    (
        "20261202130000",
        "packs",
        include_str!("../migrations/20261202130000_packs.sql"),
    ),
    (
        "20261202140000",
        "traffic",
        include_str!("../migrations/20261202140000_traffic.sql"),
    ),
    (
        "20261202160000",
        "traffic_hooks",
        include_str!("../migrations/20261202160000_traffic_hooks.sql"),
    ),
    (
        "20261202161000",
        "operations",
        include_str!("../migrations/20261202161000_operations.sql"),
    ),
    (
        "20261202170000",
        "feedback",
        include_str!("../migrations/20261202170000_feedback.sql"),
    ),
    (
        "20261203200000",
        "feedback_digests",
        include_str!("../migrations/20261203200000_feedback_digests.sql"),
    ),
    (
        "20261203201000",
        "online_series",
        include_str!("../migrations/20261203201000_online_series.sql"),
    ),
    (
        "20261203400000",
        "sync_findings",
        include_str!("../migrations/20261203400000_sync_findings.sql"),
    ),
    (
        "20261204050000",
        "model_grams",
        include_str!("../migrations/20261204050000_model_grams.sql"),
    ),
    (
        "20261205100000",
        "document_outbox",
        include_str!("../migrations/20261205100000_document_outbox.sql"),
    ),
    (
        "20261206100000",
        "models_page_index",
        include_str!("../migrations/20261206100000_models_page_index.sql"),
    ),
    (
        "20261207100000",
        "conflict_settlements",
        include_str!("../migrations/20261207100000_conflict_settlements.sql"),
    ),
];

/// Hex sha256 of a migration's SQL with line endings normalised to LF, as recorded when it is
/// applied: a checkout that turned the files into CRLF (Windows' `core.autocrlf`) still
/// recognises its own migrations.
fn sql_digest(sql: &str) -> String {
    hex::encode(Sha256::digest(sql.replace("\r\n", "\n").as_bytes()))
}

/// The id of the newest migration this binary knows.
pub fn latest_migration() -> &'static str {
    MIGRATIONS.last().map_or("", |m| m.0)
}

pub(crate) fn applied(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT id FROM schema_migrations ORDER BY id")?;
    let ids = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Brings the schema up to date. A database that is already current is only read; otherwise
/// the checks and every pending migration run in one IMMEDIATE transaction, so two processes
/// opening a new workspace at once apply each migration exactly once (the second waits, then
/// finds nothing left to do).
pub(crate) fn migrate(conn: &mut Connection, path: &Path, waited: Duration) -> Result<()> {
    let classify = |e: StoreError| crate::classify_at(path, waited, e);
    let table_exists = conn
        .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'")
        .and_then(|mut s| s.exists([]))
        .map_err(|e| classify(e.into()))?;
    if table_exists && check(conn, path)?.is_empty() {
        return Ok(());
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| classify(e.into()))?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL, sha256 TEXT NOT NULL)",
    )
    .map_err(|e| classify(e.into()))?;
    for (id, name, sql) in check(&tx, path)? {
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (id, name, applied_at, sha256) VALUES (?1, ?2, ?3, ?4)",
            (id, name, crate::now(), sql_digest(sql)),
        )?;
    }
    tx.commit().map_err(|e| classify(e.into()))?;
    Ok(())
}

type Migration = (&'static str, &'static str, &'static str);

/// Refuses a database migrated from other SQL or by a newer Steward; returns the migrations
/// still to apply, oldest first.
fn check(conn: &Connection, path: &Path) -> Result<Vec<Migration>> {
    let done = applied(conn)?;
    let has_digests = conn
        .prepare("SELECT 1 FROM pragma_table_info('schema_migrations') WHERE name = 'sha256'")?
        .exists([])?;
    if !has_digests {
        // Only development builds before the digest column existed wrote such a table.
        return Err(StoreError::MigrationChanged {
            path: path.to_path_buf(),
            migration: done.first().cloned().unwrap_or_default(),
        });
    }
    let recorded: Vec<(String, String)> = {
        let mut stmt = conn.prepare("SELECT id, sha256 FROM schema_migrations ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (id, digest) in &recorded {
        if let Some((_, name, sql)) = MIGRATIONS.iter().find(|m| m.0 == id.as_str()) {
            if *digest != sql_digest(sql) {
                return Err(StoreError::MigrationChanged {
                    path: path.to_path_buf(),
                    migration: format!("{id}_{name}"),
                });
            }
        }
    }
    if let Some(unknown) = done
        .iter()
        .find(|id| !MIGRATIONS.iter().any(|m| m.0 == id.as_str()))
    {
        let found = done.last().cloned().unwrap_or_else(|| unknown.clone());
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
            known: latest_migration().to_string(),
        });
    }
    Ok(MIGRATIONS
        .iter()
        .filter(|m| !done.iter().any(|d| d == m.0))
        .copied()
        .collect())
}
