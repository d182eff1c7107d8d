//! The artifacts that pin down what a version is: the model bundle, the code commit and the
//! configuration, each by checksum.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::digest::Sha256Digest;
use crate::error::{DomainError, Result};

/// A git commit id: 7 to 64 hex digits (abbreviated, SHA-1 or SHA-256 object ids).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CodeCommit(String);

impl CodeCommit {
    /// The commit id as text, lowercase.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for CodeCommit {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self> {
        let ok = (7..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit());
        if !ok {
            return Err(DomainError::Invalid {
                field: "commit",
                input: s.to_string(),
                expected: "a git commit id of 7 to 64 hex digits".into(),
            });
        }
        Ok(CodeCommit(s.to_ascii_lowercase()))
    }
}

impl TryFrom<String> for CodeCommit {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self> {
        s.parse()
    }
}

impl From<CodeCommit> for String {
    fn from(c: CodeCommit) -> String {
        c.0
    }
}

impl fmt::Display for CodeCommit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The artifacts of one version. Any may be missing while a version is an experiment; the
/// production-eligibility checklist asks for all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artifacts {
    /// sha256 of the model bundle (image or archive).
    pub bundle_digest: Option<Sha256Digest>,
    /// Where the bundle lives (a `file://` URI for a local file, or the URI given).
    pub bundle_uri: Option<String>,
    /// The code commit the bundle was built from.
    pub code_commit: Option<CodeCommit>,
    /// sha256 of the configuration file (training and inference params, flags, prompts).
    pub config_digest: Option<Sha256Digest>,
    /// Where the configuration came from.
    pub config_uri: Option<String>,
}

impl Artifacts {
    /// The artifacts the checklist's first item asks for that this version lacks.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.bundle_digest.is_none() {
            out.push("bundle");
        }
        if self.code_commit.is_none() {
            out.push("commit");
        }
        if self.config_digest.is_none() {
            out.push("config");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits() {
        assert_eq!(
            "ABCDEF1".parse::<CodeCommit>().map(String::from),
            Ok("abcdef1".into())
        );
        assert!("abc".parse::<CodeCommit>().is_err());
        assert!("xyz1234".parse::<CodeCommit>().is_err());
        assert!("a".repeat(65).parse::<CodeCommit>().is_err());
    }

    #[test]
    fn missing_artifacts_are_listed() {
        let mut a = Artifacts::default();
        assert_eq!(a.missing(), vec!["bundle", "commit", "config"]);
        a.code_commit = Some("abcdef1".parse().expect("valid"));
        assert_eq!(a.missing(), vec!["bundle", "config"]);
    }
}
