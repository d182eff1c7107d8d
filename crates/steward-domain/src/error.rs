//! The domain's error type. Messages are lowercase, name the offending value and say what
//! would be accepted instead.

use crate::lifecycle::Refusal;
use crate::version::VersionPart;

/// Everything a domain rule can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A version string that is not `major.minor.patch-build`.
    #[error("invalid version {input:?}: {reason}")]
    Version {
        /// The text as given.
        input: String,
        /// The part that is wrong, when one part is to blame.
        part: Option<VersionPart>,
        /// What is wrong and what is expected.
        reason: String,
    },
    /// A model or dataset name outside `[a-z0-9][a-z0-9._-]{0,63}`.
    #[error("invalid {what} {input:?}: {reason}")]
    Name {
        /// "model name" or "dataset name".
        what: &'static str,
        /// The text as given.
        input: String,
        /// What is wrong.
        reason: String,
    },
    /// A value that does not parse (stage, risk tier, digest, commit, change kind…).
    #[error("invalid {field} {input:?}: {expected}")]
    Invalid {
        /// The field being parsed.
        field: &'static str,
        /// The text as given.
        input: String,
        /// What would be accepted.
        expected: String,
    },
    /// The lifecycle refuses a stage change.
    #[error("{0}")]
    Lifecycle(Box<Refusal>),
    /// A dataset manifest that does not parse or is not canonical.
    #[error("invalid manifest: {0}")]
    Manifest(String),
}

/// Result with [`DomainError`].
pub type Result<T, E = DomainError> = std::result::Result<T, E>;
