//! The store's error type.

use std::path::PathBuf;

/// What can go wrong reading or writing a workspace database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file is not a SQLite database, or SQLite found it damaged.
    #[error("workspace database {path} is unreadable or corrupted ({detail}); restore it from a backup or open another workspace")]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        detail: String,
    },
    /// The database was written by a newer Steward.
    #[error("workspace database {path} was written by a newer Steward (schema {found}, this build knows up to {known}); upgrade Steward to open it")]
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// The newest migration found in the file.
        found: String,
        /// The newest migration this binary knows.
        known: String,
    },
    /// A migration recorded in the database was applied from different SQL than this build's.
    #[error("workspace database {path} applied migration {migration} from different SQL than this build of Steward (it was made by a development build); open it with the build that created it, or create a new workspace")]
    MigrationChanged {
        /// The database file.
        path: PathBuf,
        /// `<id>_<name>` of the migration.
        migration: String,
    },
    /// The database file cannot be opened at all.
    #[error("cannot open workspace database {path}: {detail}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// Why.
        detail: String,
    },
    /// Another process held the workspace's write lock for longer than the busy timeout.
    #[error("workspace database {path} is busy: another Steward process (the studio, a script or a sync) has been writing for {waited_ms} ms; nothing was changed, try again when it finishes")]
    Busy {
        /// The database file.
        path: PathBuf,
        /// How long this write waited.
        waited_ms: u64,
    },
    /// The temporary file an import encodes its rows into (in the workspace folder) failed.
    #[error("cannot keep the rows being imported in a temporary file in the workspace folder ({0}); free some disk space and import again — nothing was imported")]
    Spool(String),
    /// A uniqueness rule refused the write (duplicate model, version, dataset or link).
    #[error("{0}")]
    Conflict(String),
    /// The named record does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A stored value does not parse: the file was edited outside Steward.
    #[error("stored {what} {value:?} is invalid: {detail}")]
    BadRow {
        /// Which column.
        what: &'static str,
        /// The stored text.
        value: String,
        /// The parse error.
        detail: String,
    },
    /// A domain rule refused the write (an illegal stage change, say).
    #[error(transparent)]
    Domain(#[from] steward_domain::DomainError),
    /// Any other SQLite failure.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// Result with [`StoreError`].
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// Whether SQLite reports another connection holding the lock.
    pub(crate) fn is_busy(err: &rusqlite::Error) -> bool {
        matches!(
            err.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    }

    /// Whether SQLite reports the file damaged or not a database.
    pub(crate) fn is_corruption(err: &rusqlite::Error) -> bool {
        matches!(
            err.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
        )
    }
}
