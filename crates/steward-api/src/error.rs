//! The error every operation returns. It crosses the IPC boundary as `{code, message}`.

use serde::{Deserialize, Serialize};
use steward_domain::DomainError;
use steward_store::StoreError;
use ts_rs::TS;

/// The kind of failure, for callers that branch on it (exit codes, UI styling).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A value the user gave does not parse or is out of range.
    InvalidInput,
    /// The named model, version, dataset or workspace does not exist.
    NotFound,
    /// The write would duplicate something that exists.
    Conflict,
    /// The lifecycle refuses the stage change.
    Refused,
    /// A file the user named cannot be read.
    Io,
    /// The operation was cancelled.
    Cancelled,
    /// The workspace database was written by a newer Steward.
    NewerSchema,
    /// The workspace database is damaged or edited outside Steward.
    Corrupt,
    /// Another Steward process held the workspace's write lock past the busy timeout;
    /// nothing was changed and trying again is safe.
    Busy,
    /// The OS keyring could not be used (unavailable, locked, no key for the identity).
    Keyring,
    /// A signature, key or roster check refused an envelope; the message names what failed.
    Untrusted,
    /// The central registry could not be used (unreachable, too slow, not MLflow, refusing
    /// the credential or the permission); nothing in the workspace changed.
    Registry,
    /// A bug or an unexpected database failure.
    Internal,
}

impl ErrorCode {
    /// Whether the user can fix this by changing what they asked (exit code 1) rather than it
    /// being damage or a bug (exit code 2).
    pub fn is_user_error(self) -> bool {
        !matches!(self, ErrorCode::Corrupt | ErrorCode::Internal)
    }
}

/// An operation's failure: a code and a message that names the file, field or value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// What kind of failure.
    pub code: ErrorCode,
    /// What went wrong and how to fix it, lowercase.
    pub message: String,
}

impl ApiError {
    /// An error with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
        }
    }

    /// A bad value the user gave.
    pub fn invalid(message: impl Into<String>) -> Self {
        ApiError::new(ErrorCode::InvalidInput, message)
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        let code = match e {
            DomainError::Lifecycle(_) => ErrorCode::Refused,
            _ => ErrorCode::InvalidInput,
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::Corrupt { .. } | StoreError::BadRow { .. } => ErrorCode::Corrupt,
            StoreError::NewerSchema { .. } | StoreError::MigrationChanged { .. } => {
                ErrorCode::NewerSchema
            }
            StoreError::Open { .. } | StoreError::Spool(_) => ErrorCode::Io,
            StoreError::Conflict(_) => ErrorCode::Conflict,
            StoreError::Busy { .. } => ErrorCode::Busy,
            StoreError::NotFound(_) => ErrorCode::NotFound,
            StoreError::Domain(d) => return ApiError::from(d.clone()),
            StoreError::Sqlite(_) => ErrorCode::Internal,
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<steward_attest::AttestError> for ApiError {
    fn from(e: steward_attest::AttestError) -> Self {
        use steward_attest::AttestError as A;
        let code = match &e {
            A::Keyring { .. } | A::NoKey { .. } => ErrorCode::Keyring,
            A::KeyExists { .. } => ErrorCode::Conflict,
            A::Envelope { .. } => ErrorCode::Untrusted,
            A::Format { .. } | A::PublicKey { .. } => ErrorCode::InvalidInput,
            A::Canonical(_) => ErrorCode::Internal,
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<steward_domain::trust::TrustError> for ApiError {
    fn from(e: steward_domain::trust::TrustError) -> Self {
        let code = match e {
            steward_domain::trust::TrustError::Invalid { .. } => ErrorCode::InvalidInput,
            _ => ErrorCode::Internal,
        };
        ApiError::new(code, e.to_string())
    }
}

/// Result with [`ApiError`].
pub type Result<T, E = ApiError> = std::result::Result<T, E>;
