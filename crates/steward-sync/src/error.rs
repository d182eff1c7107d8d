//! What can go wrong talking to the registry, each with what to do about it.

use std::time::Duration;

/// A registry error. Every message names the server and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The registry URL does not parse or is not http(s).
    #[error("registry URL {value:?} is not usable: {detail}; give it as http://HOST:PORT or https://HOST")]
    BadUrl {
        /// What was given.
        value: String,
        /// Why not.
        detail: String,
    },
    /// No connection could be made (refused, DNS, TLS).
    #[error("the registry at {url} is unreachable ({detail}); check the URL with `steward registry test`, or work offline: changes wait in the outbox")]
    Unreachable {
        /// The server.
        url: String,
        /// What the connection said.
        detail: String,
    },
    /// The server did not answer in time.
    #[error("the registry at {url} did not answer within {} s{}; it may be overloaded — try again later (changes wait in the outbox)", after.as_secs_f64(), if *attempts > 1 { format!(", {attempts} times in a row") } else { String::new() })]
    Timeout {
        /// The server.
        url: String,
        /// The timeout of each attempt.
        after: Duration,
        /// How many attempts timed out (retries included).
        attempts: u32,
    },
    /// 401: no or wrong credentials.
    #[error("the registry at {url} refused the credentials (HTTP 401): log in again with `steward registry login` (Steward sent {credential}); nothing was sent, the changes wait in the outbox")]
    Unauthenticated {
        /// The server.
        url: String,
        /// What was sent: `no credential`, `the password of user NAME`, `a token`.
        credential: String,
    },
    /// 403: authenticated, but not allowed.
    #[error("the registry at {url} denied {what} (HTTP 403: {message}); ask the registry's admin for {need}, or log in as a user who has it (`steward registry login --user NAME`)")]
    PermissionDenied {
        /// The server.
        url: String,
        /// The request.
        what: String,
        /// What the server said.
        message: String,
        /// The permission the request needs, on what.
        need: String,
    },
    /// The auth app says the user may not write a registered model: refused before any write.
    #[error("the registry at {url} lets user {user} only {permission} registered model {model}, and a push writes its versions, tags and aliases (EDIT); ask the registry's admin to grant {user} EDIT on {model} (MLflow: POST /api/3.0/mlflow/users/permissions/grant), or log in as a user who has it (`steward registry login --user NAME`); nothing was sent, the changes wait in the outbox")]
    ReadOnly {
        /// The server.
        url: String,
        /// The registered model.
        model: String,
        /// The user.
        user: String,
        /// The permission the server resolved (`READ`, `USE`, `NO_PERMISSIONS`, `DENY`).
        permission: String,
    },
    /// The server answered something that is not MLflow's JSON (an HTML page, a proxy).
    #[error("the server at {url} is not an MLflow registry: {what} answered {detail}; check the URL (it should be the MLflow server's root, e.g. http://host:5000)")]
    NotMlflow {
        /// The server.
        url: String,
        /// The request.
        what: String,
        /// What it answered.
        detail: String,
    },
    /// MLflow answered an error.
    #[error("the registry at {url} refused {what}: HTTP {status} {code}: {message}")]
    Api {
        /// The server.
        url: String,
        /// The request.
        what: String,
        /// HTTP status.
        status: u16,
        /// MLflow's error code.
        code: String,
        /// MLflow's message.
        message: String,
    },
    /// The operation was cancelled.
    #[error("the sync was cancelled; what was sent stays sent, the rest waits in the outbox")]
    Cancelled,
}

impl SyncError {
    /// Whether trying again may succeed: connections, timeouts, 5xx and 429.
    pub fn is_retryable(&self) -> bool {
        match self {
            SyncError::Unreachable { .. } | SyncError::Timeout { .. } => true,
            SyncError::Api { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }

    /// A short code for reports: `unreachable`, `timeout`, `unauthenticated`, …
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::BadUrl { .. } => "bad-url",
            SyncError::Unreachable { .. } => "unreachable",
            SyncError::Timeout { .. } => "timeout",
            SyncError::Unauthenticated { .. } => "unauthenticated",
            SyncError::PermissionDenied { .. } | SyncError::ReadOnly { .. } => "permission-denied",
            SyncError::NotMlflow { .. } => "not-mlflow",
            SyncError::Api { .. } => "registry-error",
            SyncError::Cancelled => "cancelled",
        }
    }
}

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, SyncError>;
