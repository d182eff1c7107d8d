//! The trust roster: which public keys may sign for which role, as a fold over signed changes.
//!
//! The roster is never stored as state. It is recomputed from the ordered list of roster
//! changes, each of which the caller has already verified as a signature by `signer`. That
//! way editing the database cannot add a signer: a row nobody signed fails verification
//! before it gets here, and a signed row by someone who is not an admin is refused here.
//!
//! Rules, in the order [`Roster::apply`] checks them:
//! 1. changes are numbered 1, 2, 3… without gaps;
//! 2. change 1 is `Init`, signed by the root key it names; no later change is `Init`;
//! 3. every later change is signed by a key of the roster that is not revoked and is an admin
//!    (the root, or a member granted admin) — except that a member may rotate their own key;
//! 4. the target of a change is a member (not revoked) where it must be, and is not one
//!    where it must not be (adding or rotating to a key the roster already knows is refused,
//!    so a key id names one person for the roster's whole history);
//! 5. no change leaves the roster without an active admin.
//!
//! A revoked or rotated-away key stays in the roster with the change that ended it, so
//! history can show who signed what and when they stopped.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::role::{KeyId, Role};

/// One roster change as signed by its author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterChange {
    /// Position in the roster's history, from 1.
    pub seq: u64,
    /// The key whose verified signature carries this change.
    pub signer: KeyId,
    /// What changes.
    pub kind: ChangeKind,
}

/// What a roster change does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum ChangeKind {
    /// Creates the roster with its root key, an admin.
    Init {
        /// The root key; must be the signer.
        root: KeyId,
        /// The root holder's name.
        name: String,
        /// The root holder's email.
        email: String,
    },
    /// Adds a person's key (from their exported key file), with no roles yet.
    AddMember {
        /// The new key.
        keyid: KeyId,
        /// The person's name.
        name: String,
        /// The person's email.
        email: String,
    },
    /// Lets a member sign for a role.
    Grant {
        /// The member.
        keyid: KeyId,
        /// The role granted.
        role: Role,
    },
    /// Takes a role away.
    Revoke {
        /// The member.
        keyid: KeyId,
        /// The role taken away.
        role: Role,
    },
    /// Lets a member change the roster.
    GrantAdmin {
        /// The member.
        keyid: KeyId,
    },
    /// Stops a member changing the roster.
    RevokeAdmin {
        /// The member.
        keyid: KeyId,
    },
    /// Revokes a key: it signs nothing from this change on.
    RevokeKey {
        /// The key revoked.
        keyid: KeyId,
    },
    /// Replaces a member's key with a new one that inherits their roles and admin; the old
    /// key is revoked by the same change and kept in the history.
    Rotate {
        /// The key being replaced.
        old: KeyId,
        /// Its replacement, not yet known to the roster.
        new: KeyId,
    },
}

impl ChangeKind {
    fn name(&self) -> &'static str {
        match self {
            ChangeKind::Init { .. } => "init",
            ChangeKind::AddMember { .. } => "add-member",
            ChangeKind::Grant { .. } => "grant",
            ChangeKind::Revoke { .. } => "revoke",
            ChangeKind::GrantAdmin { .. } => "grant-admin",
            ChangeKind::RevokeAdmin { .. } => "revoke-admin",
            ChangeKind::RevokeKey { .. } => "revoke-key",
            ChangeKind::Rotate { .. } => "rotate",
        }
    }
}

/// How a key left active service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "how", rename_all = "kebab-case")]
pub enum Retirement {
    /// Revoked by `RevokeKey` at change `seq`.
    Revoked {
        /// The change that revoked it.
        seq: u64,
    },
    /// Replaced by `new` at change `seq`.
    Rotated {
        /// The change that rotated it.
        seq: u64,
        /// The key that replaced it.
        new: KeyId,
    },
}

impl Retirement {
    /// The change that ended the key.
    pub fn seq(&self) -> u64 {
        match self {
            Retirement::Revoked { seq } | Retirement::Rotated { seq, .. } => *seq,
        }
    }
}

/// A key in the roster, active or retired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The key.
    pub keyid: KeyId,
    /// The person's name.
    pub name: String,
    /// The person's email.
    pub email: String,
    /// The roles this key may sign for (kept as they were when a key is retired).
    pub roles: BTreeSet<Role>,
    /// Whether this key may change the roster.
    pub admin: bool,
    /// The change that added the key.
    pub added: u64,
    /// Set once the key is revoked or rotated away.
    pub retired: Option<Retirement>,
    /// The key this one replaced, when it came from a rotation.
    pub rotated_from: Option<KeyId>,
}

impl Member {
    /// Whether the key may still sign.
    pub fn is_active(&self) -> bool {
        self.retired.is_none()
    }
}

/// The roster after a sequence of changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roster {
    root: KeyId,
    current_root: KeyId,
    members: BTreeMap<KeyId, Member>,
    history: Vec<RosterChange>,
}

/// Why a roster change was refused: the change, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterRefusal {
    /// The refused change's number.
    pub seq: u64,
    /// Its operation name (`grant`, `rotate`…).
    pub op: &'static str,
    /// Its signer (none when there is no change at all).
    pub signer: Option<KeyId>,
    /// What is wrong.
    pub reason: RefusalReason,
}

impl fmt::Display for RosterRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.signer {
            Some(signer) => write!(
                f,
                "roster change {} ({}) signed by {signer} is refused: {}",
                self.seq, self.op, self.reason
            ),
            None => write!(f, "{}", self.reason),
        }
    }
}

impl std::error::Error for RosterRefusal {}

/// What is wrong with a refused roster change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefusalReason {
    /// There are no changes at all.
    Empty,
    /// `seq` is not the next number.
    OutOfSequence {
        /// The number expected.
        expected: u64,
    },
    /// The first change is not `Init`.
    FirstNotInit,
    /// `Init` not signed by the root it names.
    InitNotSelfSigned,
    /// `Init` after the roster exists.
    SecondInit,
    /// The signer is not in the roster.
    SignerUnknown,
    /// The signer's key was revoked or rotated away at `seq`.
    SignerRetired {
        /// The change that ended the signer's key.
        seq: u64,
    },
    /// The signer is not an admin.
    SignerNotAdmin,
    /// The target key is not in the roster.
    NotAMember(KeyId),
    /// The target key was retired.
    TargetRetired(KeyId),
    /// The key is already in the roster (active or retired).
    AlreadyKnown(KeyId),
    /// The role or admin right is already held.
    AlreadyGranted(KeyId, String),
    /// The role or admin right is not held.
    NotGranted(KeyId, String),
    /// The change would leave nobody able to change the roster.
    LastAdmin(KeyId),
}

impl fmt::Display for RefusalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefusalReason::Empty => write!(f, "the roster has no changes; initialise it first"),
            RefusalReason::OutOfSequence { expected } => write!(
                f,
                "expected change {expected} next; a change is missing or repeated"
            ),
            RefusalReason::FirstNotInit => {
                write!(
                    f,
                    "the first change of a roster must be init by its root key"
                )
            }
            RefusalReason::InitNotSelfSigned => {
                write!(f, "init must be signed by the root key it names")
            }
            RefusalReason::SecondInit => write!(f, "the roster is already initialised"),
            RefusalReason::SignerUnknown => write!(f, "the signer is not in the roster"),
            RefusalReason::SignerRetired { seq } => {
                write!(f, "the signer's key was revoked at change {seq}")
            }
            RefusalReason::SignerNotAdmin => write!(
                f,
                "only a roster admin may change the roster; ask the root or an admin to sign it"
            ),
            RefusalReason::NotAMember(k) => write!(f, "key {k} is not in the roster; add it first"),
            RefusalReason::TargetRetired(k) => write!(f, "key {k} was revoked"),
            RefusalReason::AlreadyKnown(k) => write!(
                f,
                "key {k} is already in the roster; a key id names one person for good"
            ),
            RefusalReason::AlreadyGranted(k, what) => write!(f, "key {k} already holds {what}"),
            RefusalReason::NotGranted(k, what) => write!(f, "key {k} does not hold {what}"),
            RefusalReason::LastAdmin(k) => write!(
                f,
                "key {k} is the last active admin; grant admin to another member first"
            ),
        }
    }
}

/// Whether a key may sign an approval for a role, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum Verdict {
    /// The key is active and holds the role.
    Allowed,
    /// The roster does not know the key.
    NotInRoster,
    /// The key is active but does not hold the role.
    RoleNotGranted {
        /// The role asked for.
        role: Role,
    },
    /// The key was revoked or rotated away.
    Revoked {
        /// The change that ended it.
        seq: u64,
    },
}

impl Roster {
    /// Folds `changes` (in order) into a roster, refusing at the first bad change.
    pub fn from_changes(changes: &[RosterChange]) -> Result<Roster, RosterRefusal> {
        let Some((first, rest)) = changes.split_first() else {
            return Err(RosterRefusal {
                seq: 0,
                op: "none",
                signer: None,
                reason: RefusalReason::Empty,
            });
        };
        let mut roster = Roster::init(first)?;
        for change in rest {
            roster.apply(change)?;
        }
        Ok(roster)
    }

    /// A roster from its first change, which must be `Init` signed by its own root.
    pub fn init(change: &RosterChange) -> Result<Roster, RosterRefusal> {
        let refuse = |reason| refusal(change, reason);
        if change.seq != 1 {
            return Err(refuse(RefusalReason::OutOfSequence { expected: 1 }));
        }
        let ChangeKind::Init { root, name, email } = &change.kind else {
            return Err(refuse(RefusalReason::FirstNotInit));
        };
        if *root != change.signer {
            return Err(refuse(RefusalReason::InitNotSelfSigned));
        }
        let mut members = BTreeMap::new();
        members.insert(
            root.clone(),
            Member {
                keyid: root.clone(),
                name: name.clone(),
                email: email.clone(),
                roles: BTreeSet::new(),
                admin: true,
                added: 1,
                retired: None,
                rotated_from: None,
            },
        );
        Ok(Roster {
            root: root.clone(),
            current_root: root.clone(),
            members,
            history: vec![change.clone()],
        })
    }

    /// Applies one later change, or refuses it and leaves the roster unchanged.
    pub fn apply(&mut self, change: &RosterChange) -> Result<(), RosterRefusal> {
        let refuse = |reason| refusal(change, reason);
        let expected = self.history.len() as u64 + 1;
        if change.seq != expected {
            return Err(refuse(RefusalReason::OutOfSequence { expected }));
        }
        let signer = self
            .members
            .get(&change.signer)
            .ok_or_else(|| refuse(RefusalReason::SignerUnknown))?;
        if let Some(r) = &signer.retired {
            return Err(refuse(RefusalReason::SignerRetired { seq: r.seq() }));
        }
        let self_rotation =
            matches!(&change.kind, ChangeKind::Rotate { old, .. } if *old == change.signer);
        if !signer.admin && !self_rotation {
            return Err(refuse(RefusalReason::SignerNotAdmin));
        }

        let mut next = self.members.clone();
        let mut current_root = self.current_root.clone();
        match &change.kind {
            ChangeKind::Init { .. } => return Err(refuse(RefusalReason::SecondInit)),
            ChangeKind::AddMember { keyid, name, email } => {
                if next.contains_key(keyid) {
                    return Err(refuse(RefusalReason::AlreadyKnown(keyid.clone())));
                }
                next.insert(
                    keyid.clone(),
                    Member {
                        keyid: keyid.clone(),
                        name: name.clone(),
                        email: email.clone(),
                        roles: BTreeSet::new(),
                        admin: false,
                        added: change.seq,
                        retired: None,
                        rotated_from: None,
                    },
                );
            }
            ChangeKind::Grant { keyid, role } => {
                let m = active_mut(&mut next, keyid).map_err(refuse)?;
                if !m.roles.insert(*role) {
                    return Err(refuse(RefusalReason::AlreadyGranted(
                        keyid.clone(),
                        format!("role {role}"),
                    )));
                }
            }
            ChangeKind::Revoke { keyid, role } => {
                let m = active_mut(&mut next, keyid).map_err(refuse)?;
                if !m.roles.remove(role) {
                    return Err(refuse(RefusalReason::NotGranted(
                        keyid.clone(),
                        format!("role {role}"),
                    )));
                }
            }
            ChangeKind::GrantAdmin { keyid } => {
                let m = active_mut(&mut next, keyid).map_err(refuse)?;
                if m.admin {
                    return Err(refuse(RefusalReason::AlreadyGranted(
                        keyid.clone(),
                        "admin".into(),
                    )));
                }
                m.admin = true;
            }
            ChangeKind::RevokeAdmin { keyid } => {
                let m = active_mut(&mut next, keyid).map_err(refuse)?;
                if !m.admin {
                    return Err(refuse(RefusalReason::NotGranted(
                        keyid.clone(),
                        "admin".into(),
                    )));
                }
                m.admin = false;
            }
            ChangeKind::RevokeKey { keyid } => {
                let m = active_mut(&mut next, keyid).map_err(refuse)?;
                m.retired = Some(Retirement::Revoked { seq: change.seq });
            }
            ChangeKind::Rotate { old, new } => {
                if next.contains_key(new) {
                    return Err(refuse(RefusalReason::AlreadyKnown(new.clone())));
                }
                let m = active_mut(&mut next, old).map_err(refuse)?;
                m.retired = Some(Retirement::Rotated {
                    seq: change.seq,
                    new: new.clone(),
                });
                let successor = Member {
                    keyid: new.clone(),
                    name: m.name.clone(),
                    email: m.email.clone(),
                    roles: m.roles.clone(),
                    admin: m.admin,
                    added: change.seq,
                    retired: None,
                    rotated_from: Some(old.clone()),
                };
                next.insert(new.clone(), successor);
                if current_root == *old {
                    current_root = new.clone();
                }
            }
        }
        if !next.values().any(|m| m.admin && m.is_active()) {
            let target = match &change.kind {
                ChangeKind::RevokeKey { keyid } | ChangeKind::RevokeAdmin { keyid } => {
                    keyid.clone()
                }
                _ => change.signer.clone(),
            };
            return Err(refuse(RefusalReason::LastAdmin(target)));
        }
        self.members = next;
        self.current_root = current_root;
        self.history.push(change.clone());
        Ok(())
    }

    /// The key that initialised the roster (its fingerprint is shown wherever trust is
    /// decided).
    pub fn root(&self) -> &KeyId {
        &self.root
    }

    /// The root's current key: the root key, or what it was rotated to.
    pub fn current_root(&self) -> &KeyId {
        &self.current_root
    }

    /// Every key the roster has known, active or retired, by key id.
    pub fn members(&self) -> impl Iterator<Item = &Member> {
        self.members.values()
    }

    /// One key's entry.
    pub fn member(&self, keyid: &KeyId) -> Option<&Member> {
        self.members.get(keyid)
    }

    /// The changes the roster was built from, in order.
    pub fn history(&self) -> &[RosterChange] {
        &self.history
    }

    /// Whether `keyid` may sign an approval for `role` now.
    pub fn may_sign(&self, keyid: &KeyId, role: Role) -> Verdict {
        match self.members.get(keyid) {
            None => Verdict::NotInRoster,
            Some(m) => match &m.retired {
                Some(r) => Verdict::Revoked { seq: r.seq() },
                None if m.roles.contains(&role) => Verdict::Allowed,
                None => Verdict::RoleNotGranted { role },
            },
        }
    }
}

fn refusal(change: &RosterChange, reason: RefusalReason) -> RosterRefusal {
    RosterRefusal {
        seq: change.seq,
        op: change.kind.name(),
        signer: Some(change.signer.clone()),
        reason,
    }
}

fn active_mut<'a>(
    members: &'a mut BTreeMap<KeyId, Member>,
    keyid: &KeyId,
) -> Result<&'a mut Member, RefusalReason> {
    let m = members
        .get_mut(keyid)
        .ok_or_else(|| RefusalReason::NotAMember(keyid.clone()))?;
    if m.retired.is_some() {
        return Err(RefusalReason::TargetRetired(keyid.clone()));
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(n: u8) -> KeyId {
        format!("{n:02x}").repeat(32).parse().expect("key id")
    }

    fn init(root: u8) -> RosterChange {
        RosterChange {
            seq: 1,
            signer: k(root),
            kind: ChangeKind::Init {
                root: k(root),
                name: "Root".into(),
                email: "root@example.org".into(),
            },
        }
    }

    fn add(n: u8) -> ChangeKind {
        ChangeKind::AddMember {
            keyid: k(n),
            name: format!("Member {n}"),
            email: format!("m{n}@example.org"),
        }
    }

    /// Numbers the changes 2, 3, … after `init(1)`.
    fn history(changes: Vec<(u8, ChangeKind)>) -> Vec<RosterChange> {
        let mut out = vec![init(1)];
        for (i, (signer, kind)) in changes.into_iter().enumerate() {
            out.push(RosterChange {
                seq: i as u64 + 2,
                signer: k(signer),
                kind,
            });
        }
        out
    }

    #[test]
    fn refusals_name_the_bad_change() {
        use ChangeKind::*;
        use RefusalReason as R;
        let grant = |n, role| Grant { keyid: k(n), role };
        let cases: Vec<(&str, Vec<RosterChange>, u64, RefusalReason)> = vec![
            ("empty", vec![], 0, R::Empty),
            (
                "first change is not init",
                vec![RosterChange {
                    seq: 1,
                    signer: k(1),
                    kind: add(2),
                }],
                1,
                R::FirstNotInit,
            ),
            (
                "init signed by another key",
                vec![RosterChange {
                    signer: k(2),
                    ..init(1)
                }],
                1,
                R::InitNotSelfSigned,
            ),
            (
                "second init",
                history(vec![(1, init(1).kind)]),
                2,
                R::SecondInit,
            ),
            (
                "unknown signer",
                history(vec![(9, add(2))]),
                2,
                R::SignerUnknown,
            ),
            (
                "member without admin adds someone",
                history(vec![(1, add(2)), (2, add(3))]),
                3,
                R::SignerNotAdmin,
            ),
            (
                "grant to a stranger",
                history(vec![(1, grant(2, Role::Sre))]),
                2,
                R::NotAMember(k(2)),
            ),
            (
                "grant twice",
                history(vec![
                    (1, add(2)),
                    (1, grant(2, Role::Sre)),
                    (1, grant(2, Role::Sre)),
                ]),
                4,
                R::AlreadyGranted(k(2), "role sre".into()),
            ),
            (
                "revoke a role never granted",
                history(vec![
                    (1, add(2)),
                    (
                        1,
                        Revoke {
                            keyid: k(2),
                            role: Role::Sre,
                        },
                    ),
                ]),
                3,
                R::NotGranted(k(2), "role sre".into()),
            ),
            (
                "add a key twice",
                history(vec![(1, add(2)), (1, add(2))]),
                3,
                R::AlreadyKnown(k(2)),
            ),
            (
                "revoked admin signs after revocation",
                history(vec![
                    (1, add(2)),
                    (1, GrantAdmin { keyid: k(2) }),
                    (1, RevokeKey { keyid: k(2) }),
                    (2, add(3)),
                ]),
                5,
                R::SignerRetired { seq: 4 },
            ),
            (
                "rotated-away key signs",
                history(vec![
                    (1, add(2)),
                    (
                        1,
                        Rotate {
                            old: k(1),
                            new: k(3),
                        },
                    ),
                    (1, add(4)),
                ]),
                4,
                R::SignerRetired { seq: 3 },
            ),
            (
                "grant to a revoked key",
                history(vec![
                    (1, add(2)),
                    (1, RevokeKey { keyid: k(2) }),
                    (1, grant(2, Role::Sre)),
                ]),
                4,
                R::TargetRetired(k(2)),
            ),
            (
                "rotate to a key already known",
                history(vec![
                    (1, add(2)),
                    (
                        1,
                        Rotate {
                            old: k(1),
                            new: k(2),
                        },
                    ),
                ]),
                3,
                R::AlreadyKnown(k(2)),
            ),
            (
                "root revokes itself as the last admin",
                history(vec![(1, RevokeKey { keyid: k(1) })]),
                2,
                R::LastAdmin(k(1)),
            ),
            (
                "root drops its own admin",
                history(vec![(1, RevokeAdmin { keyid: k(1) })]),
                2,
                R::LastAdmin(k(1)),
            ),
            (
                "a gap in the numbering",
                {
                    let mut h = history(vec![(1, add(2)), (1, add(3))]);
                    h[2].seq = 4;
                    h
                },
                4,
                R::OutOfSequence { expected: 3 },
            ),
        ];
        for (name, changes, seq, reason) in cases {
            let refusal = Roster::from_changes(&changes).expect_err(name);
            assert_eq!((refusal.seq, &refusal.reason), (seq, &reason), "{name}");
            assert!(!refusal.to_string().is_empty());
        }
    }

    #[test]
    fn may_sign_gives_a_reason() {
        use ChangeKind::*;
        let roster = Roster::from_changes(&history(vec![
            (1, add(2)),
            (
                1,
                Grant {
                    keyid: k(2),
                    role: Role::Sre,
                },
            ),
            (1, add(3)),
            (
                1,
                Grant {
                    keyid: k(3),
                    role: Role::ModelOwner,
                },
            ),
            (1, RevokeKey { keyid: k(3) }),
            (1, add(4)),
            (
                1,
                Grant {
                    keyid: k(4),
                    role: Role::ProductUx,
                },
            ),
            (
                1,
                Revoke {
                    keyid: k(4),
                    role: Role::ProductUx,
                },
            ),
        ]))
        .expect("roster");
        let cases = [
            (k(2), Role::Sre, Verdict::Allowed),
            (
                k(2),
                Role::ModelOwner,
                Verdict::RoleNotGranted {
                    role: Role::ModelOwner,
                },
            ),
            (k(3), Role::ModelOwner, Verdict::Revoked { seq: 6 }),
            (
                k(4),
                Role::ProductUx,
                Verdict::RoleNotGranted {
                    role: Role::ProductUx,
                },
            ),
            (k(9), Role::Sre, Verdict::NotInRoster),
            (k(1), Role::Sre, Verdict::RoleNotGranted { role: Role::Sre }),
        ];
        for (key, role, want) in cases {
            assert_eq!(roster.may_sign(&key, role), want, "{key} {role}");
        }
    }

    #[test]
    fn rotation_keeps_history_and_carries_roles() {
        use ChangeKind::*;
        let roster = Roster::from_changes(&history(vec![
            (1, add(2)),
            (
                1,
                Grant {
                    keyid: k(2),
                    role: Role::SecurityPrivacy,
                },
            ),
            // A member may rotate their own key without being an admin.
            (
                2,
                Rotate {
                    old: k(2),
                    new: k(5),
                },
            ),
            (
                1,
                Rotate {
                    old: k(1),
                    new: k(6),
                },
            ),
            (
                6,
                Grant {
                    keyid: k(5),
                    role: Role::Sre,
                },
            ),
        ]))
        .expect("roster");
        assert_eq!(
            roster.may_sign(&k(5), Role::SecurityPrivacy),
            Verdict::Allowed
        );
        assert_eq!(roster.may_sign(&k(5), Role::Sre), Verdict::Allowed);
        assert_eq!(
            roster.may_sign(&k(2), Role::SecurityPrivacy),
            Verdict::Revoked { seq: 4 }
        );
        let old = roster.member(&k(2)).expect("old key kept");
        assert_eq!(old.retired, Some(Retirement::Rotated { seq: 4, new: k(5) }));
        assert_eq!(
            roster.member(&k(5)).and_then(|m| m.rotated_from.clone()),
            Some(k(2))
        );
        assert_eq!(roster.root(), &k(1));
        assert_eq!(roster.current_root(), &k(6));
        assert!(roster.member(&k(6)).is_some_and(|m| m.admin));
        assert_eq!(roster.history().len(), 6);
        assert_eq!(roster.members().count(), 4);
    }

    #[test]
    fn a_refused_change_leaves_the_roster_as_it_was() {
        let mut roster = Roster::from_changes(&history(vec![(1, add(2))])).expect("roster");
        let before = roster.clone();
        let bad = RosterChange {
            seq: 3,
            signer: k(2),
            kind: add(3),
        };
        assert!(roster.apply(&bad).is_err());
        assert_eq!(roster, before);
    }
}
