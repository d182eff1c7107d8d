//! Refusals and warnings of a policy file, each naming its line and key.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What is wrong with a policy file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyErrorKind {
    /// Not TOML.
    Syntax,
    /// A key the policy format does not have.
    UnknownKey,
    /// A value of the wrong type (a threshold given as text…).
    WrongType,
    /// A required key is absent.
    MissingKey,
    /// A stage that does not exist or cannot be a gate target.
    UnknownStage,
    /// A metric the catalogue does not know.
    UnknownMetric,
    /// A role that is not one of the five.
    UnknownRole,
    /// A document kind that does not exist.
    UnknownDocument,
    /// Any other value outside what is accepted (category, comparator, evidence kind…).
    InvalidValue,
    /// A criterion id used twice.
    DuplicateId,
}

impl PolicyErrorKind {
    /// The words that open the message.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyErrorKind::Syntax => "syntax error",
            PolicyErrorKind::UnknownKey => "unknown key",
            PolicyErrorKind::WrongType => "wrong type",
            PolicyErrorKind::MissingKey => "missing key",
            PolicyErrorKind::UnknownStage => "unknown stage",
            PolicyErrorKind::UnknownMetric => "unknown metric",
            PolicyErrorKind::UnknownRole => "unknown role",
            PolicyErrorKind::UnknownDocument => "unknown document kind",
            PolicyErrorKind::InvalidValue => "invalid value",
            PolicyErrorKind::DuplicateId => "duplicate criterion id",
        }
    }
}

impl fmt::Display for PolicyErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A policy file that cannot be used: where, which key, what is wrong and what is expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("policy line {line}, {key}: {kind}: {detail}; expected {expected}")]
pub struct PolicyError {
    /// 1-based line of the offending value (0 when the file gives no position).
    pub line: usize,
    /// Dotted key path (`stages.production.criteria[2].threshold`), or `(file)`.
    pub key: String,
    /// The class of problem.
    pub kind: PolicyErrorKind,
    /// What was found.
    pub detail: String,
    /// What would be accepted.
    pub expected: String,
}

/// A policy that parses but cannot be satisfied as written (a metric no evaluation kind
/// measures, a document field no template declares, a seed reference the seed lacks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// 1-based line.
    pub line: usize,
    /// Dotted key path.
    pub key: String,
    /// What will not work, and what to do.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "policy line {}, {}: {}",
            self.line, self.key, self.message
        )
    }
}
