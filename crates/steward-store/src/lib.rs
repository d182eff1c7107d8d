//! Steward's local store: one SQLite file per workspace.
//!
//! This crate owns every line of SQL in Steward. It opens the file in WAL mode with foreign
//! keys on, applies the append-only migrations in `migrations/` (recorded in
//! `schema_migrations`, refusing a database newer than the binary), and offers one function per
//! read or write. Every write runs in a transaction that also appends an entry to the
//! hash-chained audit log, so a mutation and its audit entry land together or not at all.
//!
//! It knows the domain types (and calls domain rules where a write must be checked against
//! the rows it reads in the same transaction) but nothing above: no HTTP, no UI, no files
//! other than the database.

mod approvals;
mod audit;
mod datasets;
mod deep;
mod documents;
mod error;
mod evals;
mod feedback;
mod migrations;
mod models;
mod operations;
mod outbox;
mod packs;
mod policies;
mod releases;
mod roster;
mod seals;
mod spool;
mod stages;
mod sync_findings;
mod traffic;
mod versions;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, FileControl, OpenFlags};

pub use approvals::{ApprovalRow, NewApproval};
pub use audit::{AuditEntry, AuditVerification, BrokenLink};
pub use datasets::DatasetRow;
pub use deep::DeepVerification;
pub use documents::{
    DocumentRow, DocumentTarget, NewRevision, PulledHead, PulledParent, PulledRevision,
    RevisionMeta, RevisionRow,
};
pub use error::{Result, StoreError};
pub use evals::{EvalRowRef, EvalRowSink, EvalRunRow, NewEvalRun};
pub use feedback::{
    item_sha256, FeedbackImportRow, FeedbackItemRow, FeedbackLabelRow, FeedbackSink,
    NewFeedbackImport, NewFeedbackItem,
};
pub use migrations::{latest_migration, MIGRATIONS};
pub use models::{ModelFilter, ModelRow, ModelStages, NewModel};
pub use operations::{
    GuardrailEventRow, IncidentEntryRow, IncidentRow, NewGuardrailEvent, NewOnlineImport,
    OnlineImportRow, OnlineSeries,
};
pub use outbox::{ConflictRow, NewConflict, OutboxKind, OutboxRow, Settlement, SyncRunRow};
pub use packs::PackRow;
pub use policies::PolicyRevisionRow;
pub use releases::{
    ChainHead, DatasetReviewRow, NewDatasetReview, NewRelease, NewWaiver, RecordedStageChange,
    ReleaseRow, SignedRow, TagRow, WaiverRow,
};
pub use roster::{NewRosterChange, RosterChangeRow};
pub use seals::{NewSeal, SealRow};
pub use stages::StageEventRow;
pub use sync_findings::SyncFindingsRow;
pub use traffic::{HookRunRow, NewTrafficChange, TrafficChangeRow, TrafficHookRow};
pub use versions::VersionRow;

/// The name of the database file inside a workspace folder.
pub const DB_FILE: &str = "steward.db";

/// Who performed a change, as recorded in stage history and the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(pub String);

/// An open workspace database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    busy_timeout: Duration,
}

/// How long a write waits for another writer by default: long enough for any import (which
/// parses outside the lock and holds it only to store what it parsed), short enough that a
/// stuck process is reported rather than waited on forever.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) fn classify_at(path: &Path, waited: Duration, err: StoreError) -> StoreError {
    match err {
        StoreError::Sqlite(e) if StoreError::is_corruption(&e) => StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: e.to_string(),
        },
        StoreError::Sqlite(e) if StoreError::is_busy(&e) => StoreError::Busy {
            path: path.to_path_buf(),
            waited_ms: u64::try_from(waited.as_millis()).unwrap_or(u64::MAX),
        },
        other => other,
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// Now, as RFC 3339 UTC text (the form every timestamp is stored in): [`clock::now`].
pub(crate) fn now() -> String {
    clock::now()
}

/// The clock every stored timestamp and signature time reads.
///
/// It is the system clock, except inside [`clock::at`], which sets the time seen by the calling
/// thread for the duration of a closure. The demo loader uses it to lay down a history with
/// realistic times (a canary that ran 96 hours, one that has run 30); nothing else sets it.
pub mod clock {
    use std::cell::Cell;

    use time::format_description::well_known::Rfc3339;
    use time::OffsetDateTime;

    thread_local! {
        static FIXED: Cell<Option<OffsetDateTime>> = const { Cell::new(None) };
    }

    /// The current time of this thread's clock.
    pub fn now_utc() -> OffsetDateTime {
        FIXED
            .with(Cell::get)
            .unwrap_or_else(OffsetDateTime::now_utc)
    }

    /// [`now_utc`] as RFC 3339 text.
    pub fn now() -> String {
        now_utc()
            .format(&Rfc3339)
            .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
    }

    /// Runs `f` with this thread's clock reading `at`; the previous clock is restored after,
    /// also when `f` panics.
    pub fn at<T>(at: OffsetDateTime, f: impl FnOnce() -> T) -> T {
        struct Restore(Option<OffsetDateTime>);
        impl Drop for Restore {
            fn drop(&mut self) {
                FIXED.with(|c| c.set(self.0));
            }
        }
        let _restore = Restore(FIXED.with(|c| c.replace(Some(at))));
        f()
    }
}

/// The size the WAL is cut back to after a checkpoint resets it (and at close), in bytes.
const WAL_SIZE_LIMIT: i64 = 16 << 20;

impl Store {
    /// Opens `path`, creating the file when `create` is true, and brings its schema up to date.
    pub fn open(path: &Path, create: bool) -> Result<Store> {
        if !create && !path.exists() {
            return Err(StoreError::Open {
                path: path.to_path_buf(),
                detail: "no such file".into(),
            });
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let conn = Connection::open_with_flags(path, flags).map_err(|e| StoreError::Open {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
        };
        store.configure().map_err(|e| store.classify(e))?;
        migrations::migrate(&mut store.conn, path, store.busy_timeout)?;
        Ok(store)
    }

    fn configure(&self) -> Result<()> {
        // The first read of the header happens here: a file that is not SQLite fails now.
        // The busy handler first: switching a new file to WAL already takes a lock.
        self.conn.busy_timeout(self.busy_timeout)?;
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        // The last connection to close still checkpoints the WAL into the database file, but
        // keeps the -wal and -shm files: deleting them on every close and making them again on
        // the next open cost a one-shot command (`steward model list`) a fifth of its time.
        // A WAL grown by a large import is cut back to the limit when it is reset.
        self.conn
            .file_control(Some("main"), FileControl::PersistWal(&mut 1))?;
        self.conn
            .pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT)?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(())
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Turns SQLite's corruption codes into [`StoreError::Corrupt`] and its busy codes into
    /// [`StoreError::Busy`], naming the file.
    fn classify(&self, err: StoreError) -> StoreError {
        classify_at(&self.path, self.busy_timeout, err)
    }

    /// How long a write waits for another process's write to finish before giving up.
    pub fn set_busy_timeout(&mut self, timeout: Duration) -> Result<()> {
        self.conn.busy_timeout(timeout)?;
        self.busy_timeout = timeout;
        Ok(())
    }

    /// Runs `f` in a read transaction.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        f(&self.conn).map_err(|e| self.classify(e))
    }

    /// Runs `f` in a write transaction; `f` returns its result and the audit entry to append.
    /// The mutation and its audit entry commit together. Outside [`Store::bulk`] the
    /// transaction begins IMMEDIATE, so it takes the write lock before its first read and a
    /// busy workspace waits (up to the busy timeout) instead of failing half-way with
    /// `SQLITE_BUSY`; inside `bulk` it is a savepoint of the outer transaction.
    pub(crate) fn write<T>(
        &self,
        actor: &Actor,
        f: impl FnOnce(&Connection) -> Result<(T, audit::Event)>,
    ) -> Result<T> {
        let conn = &self.conn;
        let nested = !conn.is_autocommit();
        let (begin, commit, undo) = if nested {
            (
                "SAVEPOINT steward_write",
                "RELEASE steward_write",
                "ROLLBACK TO steward_write; RELEASE steward_write",
            )
        } else {
            ("BEGIN IMMEDIATE", "COMMIT", "ROLLBACK")
        };
        let run = || -> Result<T> {
            conn.execute_batch(begin)?;
            let body = || -> Result<T> {
                let (value, event) = f(conn)?;
                audit::append(conn, actor, &event)?;
                Ok(value)
            };
            match body().and_then(|value| {
                conn.execute_batch(commit)?;
                Ok(value)
            }) {
                Ok(value) => Ok(value),
                Err(e) => {
                    // Undo the partial write; the original error is the one worth reporting.
                    if !conn.is_autocommit() {
                        let _ = conn.execute_batch(undo);
                    }
                    Err(e)
                }
            }
        };
        run().map_err(|e| self.classify(e))
    }

    /// Runs many writes in one transaction (for bulk loads): all land or none do.
    pub fn bulk<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce() -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.classify(e.into()))?;
        match f() {
            Ok(value) => {
                self.conn
                    .execute_batch("COMMIT")
                    .map_err(|e| self.classify(e.into()))?;
                Ok(value)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// The applied migrations, oldest first.
    pub fn applied_migrations(&self) -> Result<Vec<String>> {
        self.read(migrations::applied)
    }

    /// The schema as SQLite reports it (for snapshot tests and diagnostics).
    pub fn schema_sql(&self) -> Result<String> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type, name",
            )?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            let mut out = String::new();
            for row in rows {
                out.push_str(&row?);
                out.push_str(";\n");
            }
            Ok(out)
        })
    }
}

/// Maps a unique-constraint failure to [`StoreError::Conflict`] with `message`.
pub(crate) fn conflict_on_unique(
    err: rusqlite::Error,
    message: impl FnOnce() -> String,
) -> StoreError {
    match err.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => StoreError::Conflict(message()),
        _ => StoreError::Sqlite(err),
    }
}

/// Parses a stored text column with `FromStr`, naming the column when it fails.
pub(crate) fn parse_col<T: std::str::FromStr>(what: &'static str, value: String) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    value.parse::<T>().map_err(|e| StoreError::BadRow {
        what,
        detail: e.to_string(),
        value,
    })
}
