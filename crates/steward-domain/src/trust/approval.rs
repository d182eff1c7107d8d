//! The approval state rule: one verdict per approval from already-checked facts.

use serde::{Deserialize, Serialize};

use super::roster::Verdict;
use super::subject::Change;

/// The part of a signed envelope that failed verification (the crypto layer decides which;
/// the domain only reports it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignaturePart {
    /// The payload is not base64, not a statement, or does not match the signature.
    Payload,
    /// The payload type is not `application/vnd.in-toto+json`.
    PayloadType,
    /// A signature is malformed or does not verify.
    Signature,
    /// The key id is empty or names no known key.
    Keyid,
    /// The envelope carries no signature at all.
    NoSignatures,
}

/// What a reviewer decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// Approved as reviewed.
    Approve,
    /// Not yet: the reviewer asks for changes.
    RequestChanges,
    /// Refused.
    Reject,
}

impl Decision {
    /// Every decision.
    pub const ALL: [Decision; 3] = [
        Decision::Approve,
        Decision::RequestChanges,
        Decision::Reject,
    ];

    /// The kebab-case name used in files, the CLI and the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::RequestChanges => "request-changes",
            Decision::Reject => "reject",
        }
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Decision {
    type Err = super::TrustError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Decision::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| super::TrustError::Invalid {
                field: "decision",
                input: s.to_string(),
                expected: "one of approve, request-changes, reject".into(),
            })
    }
}

/// What an approval counts for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum ApprovalState {
    /// Valid, by a key holding the role, over exactly the current subject.
    Current,
    /// Valid and allowed, but over a subject that has since changed.
    Stale {
        /// What changed since signing (never empty).
        changes: Vec<Change>,
    },
    /// The envelope does not verify.
    InvalidSignature {
        /// The part that failed.
        part: SignaturePart,
    },
    /// The signing key is not in the roster.
    NotInRoster,
    /// The signing key does not hold the approval's role.
    RoleNotGranted,
    /// The signing key was revoked or rotated away.
    RevokedKey,
    /// The approval is for another model or version (replayed here).
    WrongVersion,
}

impl ApprovalState {
    /// Whether the approval counts towards a gate. Only [`ApprovalState::Current`] does.
    pub fn counts(&self) -> bool {
        matches!(self, ApprovalState::Current)
    }
}

/// Decides an approval's state.
///
/// - `signature`: the envelope check, `Err(part)` naming what failed;
/// - `verdict`: the roster's [`may_sign`](super::Roster::may_sign) for the signer and role;
/// - `same_version`: whether the signed subject names the current model and version;
/// - `changes`: [`staleness`](super::staleness) of the signed subject against the current one.
///
/// Precedence: a bad signature says nothing trustworthy about the rest; a replay onto another
/// version is refused whoever signed it; then the roster; only then staleness. A stale
/// approval is never current.
pub fn approval_state(
    signature: Result<(), SignaturePart>,
    verdict: &Verdict,
    same_version: bool,
    changes: Vec<Change>,
) -> ApprovalState {
    if let Err(part) = signature {
        return ApprovalState::InvalidSignature { part };
    }
    if !same_version {
        return ApprovalState::WrongVersion;
    }
    match verdict {
        Verdict::NotInRoster => return ApprovalState::NotInRoster,
        Verdict::Revoked { .. } => return ApprovalState::RevokedKey,
        Verdict::RoleNotGranted { .. } => return ApprovalState::RoleNotGranted,
        Verdict::Allowed => {}
    }
    if changes.is_empty() {
        ApprovalState::Current
    } else {
        ApprovalState::Stale { changes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::DocumentKind;
    use crate::trust::Role;

    #[test]
    fn decisions_round_trip_and_unknown_ones_list_the_three() {
        for d in Decision::ALL {
            assert_eq!(d.as_str().parse::<Decision>(), Ok(d));
            assert_eq!(serde_json::to_string(&d).expect("json"), format!("\"{d}\""));
        }
        let err = "lgtm".parse::<Decision>().expect_err("refused").to_string();
        assert!(err.contains("approve, request-changes, reject"), "{err}");
    }

    #[test]
    fn approval_state_table() {
        let revised = vec![Change::DocumentRevised {
            kind: DocumentKind::ModelCard,
            of: None,
            signed: 3,
            current: 4,
        }];
        let allowed = Verdict::Allowed;
        type Case = (
            &'static str,
            Result<(), SignaturePart>,
            Verdict,
            bool,
            Vec<Change>,
            ApprovalState,
        );
        let cases: Vec<Case> = vec![
            (
                "all good",
                Ok(()),
                allowed.clone(),
                true,
                vec![],
                ApprovalState::Current,
            ),
            (
                "stale",
                Ok(()),
                allowed.clone(),
                true,
                revised.clone(),
                ApprovalState::Stale {
                    changes: revised.clone(),
                },
            ),
            (
                "bad signature beats everything",
                Err(SignaturePart::Signature),
                Verdict::NotInRoster,
                false,
                revised.clone(),
                ApprovalState::InvalidSignature {
                    part: SignaturePart::Signature,
                },
            ),
            (
                "payload type",
                Err(SignaturePart::PayloadType),
                allowed.clone(),
                true,
                vec![],
                ApprovalState::InvalidSignature {
                    part: SignaturePart::PayloadType,
                },
            ),
            (
                "replayed onto another version",
                Ok(()),
                allowed.clone(),
                false,
                vec![],
                ApprovalState::WrongVersion,
            ),
            (
                "replay by a stranger is still a replay",
                Ok(()),
                Verdict::NotInRoster,
                false,
                revised.clone(),
                ApprovalState::WrongVersion,
            ),
            (
                "not in roster",
                Ok(()),
                Verdict::NotInRoster,
                true,
                vec![],
                ApprovalState::NotInRoster,
            ),
            (
                "role not granted",
                Ok(()),
                Verdict::RoleNotGranted { role: Role::Sre },
                true,
                vec![],
                ApprovalState::RoleNotGranted,
            ),
            (
                "revoked key, stale too",
                Ok(()),
                Verdict::Revoked { seq: 7 },
                true,
                revised.clone(),
                ApprovalState::RevokedKey,
            ),
        ];
        for (name, sig, verdict, same, changes, want) in cases {
            let stale = !changes.is_empty();
            let got = approval_state(sig, &verdict, same, changes);
            assert_eq!(got, want, "{name}");
            if stale {
                assert!(!got.counts(), "{name}: a stale approval never counts");
            }
        }
    }
}
