//! The review inbox's rule: which sign-offs a person still owes a version.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::Signature;
use crate::trust::{ApprovalState, KeyId, Role};

/// What a person owes a version for one role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "due", rename_all = "kebab-case")]
pub enum Due {
    /// The stage needs this role's sign-off and nobody holding it has signed: it waits for
    /// this person (or another holder of the role).
    Awaiting {
        /// The role.
        role: Role,
    },
    /// This person signed for the role, but the signature no longer counts.
    Stale {
        /// The role.
        role: Role,
        /// Its state now (stale with its changes, revoked, …).
        state: ApprovalState,
    },
}

/// The sign-offs a person holding `mine` with key `me` owes a version whose target stage
/// requires `required`, given the version's signatures for that stage. A role another holder
/// has already signed with a current approval is not owed; a role this person signed with a
/// signature that no longer counts is owed again, as stale (with why), unless a current
/// signature for it exists — also for a role the stage does not require (a sign-off given
/// anyway that went stale is worth knowing about).
pub fn sign_offs_due(
    required: &[Role],
    mine: &BTreeSet<Role>,
    me: &KeyId,
    signatures: &[Signature],
) -> Vec<Due> {
    let mut out = Vec::new();
    // The roles owed: the stage's that this person holds, then any other they signed for.
    let mut roles: Vec<Role> = required
        .iter()
        .filter(|r| mine.contains(r))
        .copied()
        .collect();
    for s in signatures.iter().filter(|s| s.keyid == *me) {
        if !roles.contains(&s.role) {
            roles.push(s.role);
        }
    }
    for role in roles {
        let of_role: Vec<&Signature> = signatures.iter().filter(|s| s.role == role).collect();
        if of_role.iter().any(|s| s.state.counts()) {
            continue;
        }
        match of_role.iter().rev().find(|s| s.keyid == *me) {
            Some(s) => out.push(Due::Stale {
                role,
                state: s.state.clone(),
            }),
            None if required.contains(&role) => out.push(Due::Awaiting { role }),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::Sha256Digest;

    fn key(n: u8) -> KeyId {
        format!("{n:02x}").repeat(32).parse().expect("key")
    }

    fn sig(role: Role, by: u8, state: ApprovalState) -> Signature {
        Signature {
            role,
            keyid: key(by),
            state,
            envelope_digest: Sha256Digest::of(&[by]),
        }
    }

    #[test]
    fn what_a_person_owes() {
        use ApprovalState::*;
        use Role::*;
        let required = [ModelOwner, Sre, SecurityPrivacy];
        let stale = || Stale { changes: vec![] };
        type Case = (&'static str, Vec<Role>, Vec<Signature>, Vec<Due>);
        let cases: Vec<Case> = vec![
            (
                "nothing signed",
                vec![Sre],
                vec![],
                vec![Due::Awaiting { role: Sre }],
            ),
            (
                "a role the stage does not need",
                vec![ProductUx],
                vec![],
                vec![],
            ),
            (
                "someone else holding the role signed",
                vec![Sre],
                vec![sig(Sre, 2, Current)],
                vec![],
            ),
            (
                "I signed and it counts",
                vec![Sre],
                vec![sig(Sre, 1, Current)],
                vec![],
            ),
            (
                "my signature went stale",
                vec![Sre],
                vec![sig(Sre, 1, stale())],
                vec![Due::Stale {
                    role: Sre,
                    state: stale(),
                }],
            ),
            (
                "stale, but another current signature covers the role",
                vec![Sre],
                vec![sig(Sre, 1, stale()), sig(Sre, 2, Current)],
                vec![],
            ),
            (
                "someone else's stale signature: still awaiting",
                vec![Sre],
                vec![sig(Sre, 2, stale())],
                vec![Due::Awaiting { role: Sre }],
            ),
            (
                "two roles, one done",
                vec![ModelOwner, SecurityPrivacy],
                vec![sig(ModelOwner, 1, Current)],
                vec![Due::Awaiting {
                    role: SecurityPrivacy,
                }],
            ),
            (
                "my stale sign-off for a role the stage does not need",
                vec![ProductUx],
                vec![sig(ProductUx, 1, stale())],
                vec![Due::Stale {
                    role: ProductUx,
                    state: stale(),
                }],
            ),
            (
                "my key was revoked",
                vec![Sre],
                vec![sig(Sre, 1, RevokedKey)],
                vec![Due::Stale {
                    role: Sre,
                    state: RevokedKey,
                }],
            ),
        ];
        for (name, mine, sigs, want) in cases {
            let mine: BTreeSet<Role> = mine.into_iter().collect();
            assert_eq!(
                sign_offs_due(&required, &mine, &key(1), &sigs),
                want,
                "{name}"
            );
        }
    }
}
