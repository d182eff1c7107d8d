//! The trust rules' error type. Messages are lowercase, name the offending value and say what
//! would be accepted instead.

/// Everything the trust rules can refuse while parsing or canonicalising.
///
/// Refusals of a roster change are not errors of this kind: they are
/// [`RosterRefusal`](super::RosterRefusal)s, which name the change that was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    /// A value that canonical JSON cannot represent without ambiguity.
    #[error("cannot write canonical JSON at {path}: {reason}")]
    Canonical {
        /// Where in the value, as a JSON pointer (`/predicate/score`); empty for the root.
        path: String,
        /// What is wrong and what to write instead.
        reason: String,
    },
    /// A value that does not serialize to JSON at all.
    #[error("cannot serialize {what} to JSON: {reason}")]
    Serialize {
        /// What was being serialized.
        what: &'static str,
        /// serde_json's explanation.
        reason: String,
    },
    /// A value that does not parse (role, key id…).
    #[error("invalid {field} {input:?}: {expected}")]
    Invalid {
        /// The field being parsed.
        field: &'static str,
        /// The text as given.
        input: String,
        /// What would be accepted.
        expected: String,
    },
}

/// Result with [`TrustError`].
pub type Result<T, E = TrustError> = std::result::Result<T, E>;
