//! The five review roles the seed names, and the key ids that sign for them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::{Result, TrustError};

/// A role whose approval a release may need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Owns the model: accountable for what ships.
    ModelOwner,
    /// Product and user experience.
    ProductUx,
    /// Security and privacy.
    SecurityPrivacy,
    /// Responsible AI and legal.
    ResponsibleAiLegal,
    /// Site reliability: can it be run, watched and rolled back.
    Sre,
    /// Not a person: the workspace's guardrail service key, which may sign only the rollback
    /// a guardrail breach performs (issue 12). Not one of the review roles in [`Role::ALL`].
    GuardrailService,
}

impl Role {
    /// Every role, in the order the seed lists them.
    pub const ALL: [Role; 5] = [
        Role::ModelOwner,
        Role::ProductUx,
        Role::SecurityPrivacy,
        Role::ResponsibleAiLegal,
        Role::Sre,
    ];

    /// The kebab-case name used in files, the CLI and the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::ModelOwner => "model-owner",
            Role::ProductUx => "product-ux",
            Role::SecurityPrivacy => "security-privacy",
            Role::ResponsibleAiLegal => "responsible-ai-legal",
            Role::Sre => "sre",
            Role::GuardrailService => "guardrail-service",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = TrustError;
    fn from_str(s: &str) -> Result<Self> {
        Role::ALL
            .into_iter()
            .chain([Role::GuardrailService])
            .find(|r| r.as_str() == s)
            .ok_or_else(|| TrustError::Invalid {
                field: "role",
                input: s.to_string(),
                expected: format!("one of {}", Role::ALL.map(Role::as_str).join(", ")),
            })
    }
}

/// Whether a roster member holding `roles` may sign a release record of `kind`: people (any
/// review role, or none) may sign any; a key holding `guardrail-service` may sign only a
/// rollback, and only when it holds no other role — the service key's one right.
pub fn may_sign_release(
    roles: &std::collections::BTreeSet<Role>,
    kind: crate::TransitionKind,
) -> std::result::Result<(), String> {
    if !roles.contains(&Role::GuardrailService) {
        return Ok(());
    }
    if roles.len() > 1 {
        return Err(format!(
            "the key holds guardrail-service and also {}: a service key holds that one role only; revoke the others",
            roles
                .iter()
                .filter(|r| **r != Role::GuardrailService)
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if kind != crate::TransitionKind::Rollback {
        return Err(format!(
            "a guardrail-service key may sign only rollbacks, not a {kind}"
        ));
    }
    Ok(())
}

/// A public key's id: lowercase hex sha256 of the raw 32-byte ed25519 public key, the `keyid`
/// of DSSE signatures and securesystemslib key dictionaries.
///
/// The domain never sees the key itself; it compares ids of keys whose signatures the caller
/// has already verified.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KeyId(String);

impl KeyId {
    /// The key id for a finished sha256 of a raw public key (the signing layer hashes).
    pub fn from_sha256(digest: [u8; 32]) -> KeyId {
        KeyId(hex::encode(digest))
    }

    /// The 64 lowercase hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A fingerprint a person can read aloud and compare: the first 20 bytes of the key id
    /// as ten groups of four uppercase hex digits (`1A2B 3C4D …`).
    pub fn fingerprint(&self) -> String {
        let upper = self.0[..40].to_ascii_uppercase();
        upper
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", self.0)
    }
}

impl FromStr for KeyId {
    type Err = TrustError;
    fn from_str(s: &str) -> Result<Self> {
        let ok = s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !ok {
            return Err(TrustError::Invalid {
                field: "key id",
                input: s.to_string(),
                expected: "64 lowercase hex digits (sha256 of the raw ed25519 public key)".into(),
            });
        }
        Ok(KeyId(s.to_string()))
    }
}

impl TryFrom<String> for KeyId {
    type Error = TrustError;
    fn try_from(s: String) -> Result<Self> {
        s.parse()
    }
}

impl From<KeyId> for String {
    fn from(k: KeyId) -> String {
        k.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_text_and_serde() {
        for role in Role::ALL {
            assert_eq!(role.to_string().parse::<Role>(), Ok(role));
            let json = serde_json::to_string(&role).expect("json");
            assert_eq!(json, format!("\"{role}\""));
            assert_eq!(serde_json::from_str::<Role>(&json).expect("parse"), role);
        }
    }

    #[test]
    fn unknown_role_lists_the_five() {
        let err = "legal".parse::<Role>().expect_err("refused").to_string();
        assert_eq!(
            err,
            "invalid role \"legal\": one of model-owner, product-ux, security-privacy, \
             responsible-ai-legal, sre"
        );
    }

    #[test]
    fn key_ids_are_64_lowercase_hex() {
        let good = "ab".repeat(32);
        assert!(good.parse::<KeyId>().is_ok());
        for bad in [
            "",
            "AB".repeat(32).as_str(),
            &"ab".repeat(31),
            &"zz".repeat(32),
        ] {
            assert!(bad.parse::<KeyId>().is_err(), "{bad}");
        }
        let id: KeyId = "0123456789abcdef".repeat(4).parse().expect("id");
        assert_eq!(
            id.fingerprint(),
            "0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567"
        );
    }
}

#[cfg(test)]
mod service_tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::TransitionKind;

    #[test]
    fn the_service_key_signs_only_rollbacks() {
        let service = BTreeSet::from([Role::GuardrailService]);
        let both = BTreeSet::from([Role::GuardrailService, Role::Sre]);
        let person = BTreeSet::from([Role::Sre]);
        // (case, roles, kind, allowed)
        let cases = [
            ("service rollback", &service, TransitionKind::Rollback, true),
            (
                "service promotion",
                &service,
                TransitionKind::Promote,
                false,
            ),
            (
                "service deprecation",
                &service,
                TransitionKind::Deprecate,
                false,
            ),
            (
                "service with another role",
                &both,
                TransitionKind::Rollback,
                false,
            ),
            ("a person promotes", &person, TransitionKind::Promote, true),
            (
                "a person without roles",
                &BTreeSet::new(),
                TransitionKind::Rollback,
                true,
            ),
        ];
        for (case, roles, kind, allowed) in cases {
            assert_eq!(may_sign_release(roles, kind).is_ok(), allowed, "{case}");
        }
        assert_eq!(
            "guardrail-service".parse::<Role>(),
            Ok(Role::GuardrailService)
        );
        assert!(!Role::ALL.contains(&Role::GuardrailService));
    }
}
