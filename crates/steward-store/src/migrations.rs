//! Append-only, timestamped migrations. A shipped migration is never edited; a new one is
//! appended with a later timestamp. Each applies in its own transaction together with its row
//! in `schema_migrations`, which records the sha256 of the SQL that was applied: a database
//! whose migration was applied from different SQL than this build's (a development build's
//! edited migration) is refused by name instead of failing later on a missing table.

use std::path::Path;

use rusqlite::Connection;
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
];

/// Hex sha256 of a migration's SQL, as recorded when it is applied.
fn sql_digest(sql: &str) -> String {
    hex::encode(Sha256::digest(sql.as_bytes()))
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

pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let classify = |e: rusqlite::Error| {
        if StoreError::is_corruption(&e) {
            StoreError::Corrupt {
                path: path.to_path_buf(),
                detail: e.to_string(),
            }
        } else {
            StoreError::Sqlite(e)
        }
    };
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL, sha256 TEXT NOT NULL)",
    )
    .map_err(classify)?;
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
    for (id, name, sql) in MIGRATIONS {
        if done.iter().any(|d| d == id) {
            continue;
        }
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (id, name, applied_at, sha256) VALUES (?1, ?2, ?3, ?4)",
            (id, name, crate::now(), sql_digest(sql)),
        )?;
        tx.commit()?;
    }
    Ok(())
}
