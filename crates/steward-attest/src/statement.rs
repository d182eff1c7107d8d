//! in-toto Statement v1: what an envelope's payload says and which artifact it is about.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use steward_domain::Sha256Digest;

use crate::canonical::canonical_bytes_of;
use crate::error::{AttestError, Result};

/// The `_type` of an in-toto Statement v1.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";

/// An in-toto Statement v1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// Always [`STATEMENT_TYPE`].
    #[serde(rename = "_type")]
    pub statement_type: String,
    /// The artifacts the statement is about (at least one).
    pub subject: Vec<Subject>,
    /// What kind of predicate follows (a URI).
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    /// The predicate itself.
    pub predicate: Value,
}

/// An artifact by name and digests (`{"sha256": HEX}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// The artifact's name.
    pub name: String,
    /// Algorithm → lowercase hex digest.
    pub digest: BTreeMap<String, String>,
}

impl Subject {
    /// A subject named `name` with one sha256 digest.
    pub fn sha256(name: impl Into<String>, digest: Sha256Digest) -> Subject {
        Subject {
            name: name.into(),
            digest: BTreeMap::from([("sha256".to_string(), digest.hex())]),
        }
    }
}

impl Statement {
    /// A statement about `subject`.
    pub fn new(subject: Vec<Subject>, predicate_type: impl Into<String>, predicate: Value) -> Self {
        Statement {
            statement_type: STATEMENT_TYPE.to_string(),
            subject,
            predicate_type: predicate_type.into(),
            predicate,
        }
    }

    /// The canonical JSON bytes signed as the envelope's payload.
    pub fn to_payload(&self) -> Result<Vec<u8>> {
        self.check()?;
        Ok(canonical_bytes_of(self)?)
    }

    /// Reads a payload, refusing anything that is not a Statement v1 with a subject.
    pub fn from_payload(payload: &[u8]) -> Result<Statement> {
        let statement: Statement =
            serde_json::from_slice(payload).map_err(|e| AttestError::Format {
                what: "in-toto statement",
                reason: format!("{e}; expected _type, subject, predicateType and predicate"),
            })?;
        statement.check()?;
        Ok(statement)
    }

    fn check(&self) -> Result<()> {
        let bad = |reason: String| AttestError::Format {
            what: "in-toto statement",
            reason,
        };
        if self.statement_type != STATEMENT_TYPE {
            return Err(bad(format!(
                "_type is {:?}; expected {STATEMENT_TYPE:?}",
                self.statement_type
            )));
        }
        if self.subject.is_empty() {
            return Err(bad("subject is empty; name at least one artifact".into()));
        }
        for (i, s) in self.subject.iter().enumerate() {
            if s.digest.is_empty() {
                return Err(bad(format!("subject {i} ({:?}) has no digest", s.name)));
            }
            if let Some(d) = s.digest.get("sha256") {
                let ok = d.len() == 64 && d.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
                if !ok {
                    return Err(bad(format!(
                        "subject {i} ({:?}) sha256 {d:?} is not 64 lowercase hex digits",
                        s.name
                    )));
                }
            }
        }
        if self.predicate_type.is_empty() {
            return Err(bad("predicateType is empty".into()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn statement() -> Statement {
        Statement::new(
            vec![Subject::sha256("fraud-scorer", Sha256Digest::of(b"bundle"))],
            "https://steward.dev/approval/v1",
            json!({"role": "sre", "decision": "approve"}),
        )
    }

    #[test]
    fn payload_is_canonical_and_reads_back() {
        let s = statement();
        let payload = s.to_payload().expect("payload");
        let text = String::from_utf8(payload.clone()).expect("utf-8");
        assert!(
            text.starts_with("{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicate\":"),
            "{text}"
        );
        assert_eq!(Statement::from_payload(&payload).expect("parse"), s);
    }

    #[test]
    fn refuses_wrong_type_and_missing_subject() {
        let mut v = serde_json::to_value(statement()).expect("json");
        v["_type"] = json!("https://in-toto.io/Statement/v0.1");
        let err = Statement::from_payload(v.to_string().as_bytes()).expect_err("type");
        assert!(err.to_string().contains("_type"), "{err}");

        let mut v = serde_json::to_value(statement()).expect("json");
        v.as_object_mut().map(|o| o.remove("subject"));
        let err = Statement::from_payload(v.to_string().as_bytes()).expect_err("subject");
        assert!(err.to_string().contains("subject"), "{err}");

        let mut v = serde_json::to_value(statement()).expect("json");
        v["subject"] = json!([]);
        let err = Statement::from_payload(v.to_string().as_bytes()).expect_err("empty");
        assert!(err.to_string().contains("subject is empty"), "{err}");
    }
}
