//! Wire types of the trust layer: identities, the roster, approvals, review packets, seals.
//!
//! None of them carries a secret: a private key never leaves `steward-attest`, so nothing
//! here can hold one. Key ids are 64 lowercase hex digits; fingerprints are what a person
//! reads aloud (ten groups of four).

use serde::{Deserialize, Serialize};
use steward_domain::trust::{Decision, Role};
use steward_domain::Stage;
use ts_rs::TS;

use super::EvalRunView;

/// What creating an identity needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeyInit {
    /// The person's name.
    pub name: String,
    /// The person's email (also the keyring entry's name).
    pub email: String,
    /// Replace an existing key (its rotation is recorded in the workspace's roster).
    pub replace: bool,
}

/// A person's identity: who they are and their public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IdentityView {
    /// The keyring entry holding the secret key.
    pub identity: String,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// The key id (sha256 of the raw public key, hex).
    pub keyid: String,
    /// The fingerprint to read aloud.
    pub fingerprint: String,
    /// The raw public key, hex.
    pub public_key: String,
    /// The keyring service the entry is under (`steward` or `steward-<namespace>`).
    pub keyring_service: String,
    /// The keyring backend.
    pub backend: String,
}

/// What `key init` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeyInitResult {
    /// The new identity.
    pub identity: IdentityView,
    /// The key it replaced, if any.
    pub replaced: Option<String>,
    /// Roster change number recording the rotation in this workspace, when there was one.
    pub rotation: Option<u32>,
}

/// Files written by `key export`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeyExportResult {
    /// The securesystemslib key dictionary (with name and email), JSON.
    pub json_file: String,
    /// The SubjectPublicKeyInfo PEM.
    pub pem_file: String,
    /// The key id.
    pub keyid: String,
    /// The fingerprint.
    pub fingerprint: String,
}

/// One key the roster knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MemberView {
    /// Key id.
    pub keyid: String,
    /// Fingerprint.
    pub fingerprint: String,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Roles it may sign for.
    pub roles: Vec<Role>,
    /// Whether it may change the roster.
    pub admin: bool,
    /// Whether it may still sign.
    pub active: bool,
    /// How it left, when it did (`revoked at change 4`, `rotated to … at change 6`).
    pub retired: Option<String>,
    /// The change that added it.
    pub added: u32,
}

/// One entry of the roster's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RosterChangeView {
    /// Its number.
    pub seq: u32,
    /// The operation.
    pub op: String,
    /// What it did, in words.
    pub summary: String,
    /// Who signed it (key id).
    pub signer: String,
    /// Their name.
    pub signer_name: String,
    /// When it was signed.
    pub signed_at: String,
}

/// The workspace's trust roster, rebuilt from its verified, signed changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RosterView {
    /// The root key.
    pub root: String,
    /// The root's fingerprint: compare it with your team's before trusting anything.
    pub root_fingerprint: String,
    /// Every key, active or retired.
    pub members: Vec<MemberView>,
    /// Every trusted change, oldest first.
    pub history: Vec<RosterChangeView>,
    /// Stored changes that are not trusted (bad signature, refused by the roster rules);
    /// nothing after the first of them counts.
    pub problems: Vec<String>,
}

/// A roster change asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum RosterEdit {
    /// Add a member from their exported key file.
    Add {
        /// The key file (`steward key export`).
        file: String,
    },
    /// Grant a role.
    Grant {
        /// The member.
        keyid: String,
        /// The role.
        role: Role,
    },
    /// Revoke a role.
    Revoke {
        /// The member.
        keyid: String,
        /// The role.
        role: Role,
    },
    /// Make a member an admin.
    GrantAdmin {
        /// The member.
        keyid: String,
    },
    /// Revoke a key.
    RevokeKey {
        /// The key.
        keyid: String,
    },
}

/// What signing an approval needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ApproveRequest {
    /// The model.
    pub model: String,
    /// The version.
    pub version: String,
    /// The role signed for.
    pub role: Role,
    /// The stage it is approved for.
    pub to: Stage,
    /// The decision.
    pub decision: Decision,
    /// A comment.
    pub comment: String,
}

/// One item of a review subject, as a person reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SubjectItem {
    /// `bundle`, `config`, `code commit`, `dataset`, `document`, `evidence`.
    pub kind: String,
    /// What it is (`model-card r3`, `tickets@2026-11-01`, `golden-set run 4`).
    pub name: String,
    /// Its digest or commit.
    pub digest: String,
}

/// What an approval of a version for a stage would sign now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReviewSubjectView {
    /// `MODEL@VERSION`.
    pub target: String,
    /// The stage it is reviewed for.
    pub target_stage: Stage,
    /// The review-subject digest an approval signs.
    pub subject_digest: String,
    /// The subject, readable.
    pub items: Vec<SubjectItem>,
}

/// One approval and what it counts for now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ApprovalView {
    /// Row id.
    pub id: u32,
    /// The stage it approves.
    pub target_stage: Option<Stage>,
    /// The role signed for.
    pub role: Option<Role>,
    /// The decision.
    pub decision: Option<Decision>,
    /// The comment.
    pub comment: String,
    /// The signing key id (as the envelope names it).
    pub signer: String,
    /// Its fingerprint.
    pub signer_fingerprint: String,
    /// The signer's name as the roster knows it.
    pub signer_name: String,
    /// When it was signed.
    pub signed_at: String,
    /// The review-subject digest signed.
    pub subject_digest: String,
    /// `current`, `stale`, `invalid-signature`, `not-in-roster`, `role-not-granted`,
    /// `revoked-key`, `wrong-version`.
    pub state: String,
    /// Whether it counts towards a gate (only `current` does).
    pub counts: bool,
    /// Why it does not count, in words (each change for `stale`).
    pub reasons: Vec<String>,
    /// Whether it was imported from a file.
    pub imported: bool,
}

/// A version's approvals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ApprovalsView {
    /// The model.
    pub model: String,
    /// The version.
    pub version: String,
    /// The roster's root fingerprint these states were decided against (none: no roster).
    pub roster_root_fingerprint: Option<String>,
    /// Every approval, oldest first.
    pub approvals: Vec<ApprovalView>,
}

/// An envelope checked on its own (`approval verify`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ApprovalCheck {
    /// The key id whose signature verified.
    pub keyid: String,
    /// Its fingerprint.
    pub fingerprint: String,
    /// What was checked against: `key FILE` or `roster ROOT-FINGERPRINT`.
    pub against: String,
    /// The model and version approved.
    pub target: String,
    /// The stage.
    pub target_stage: Stage,
    /// The role.
    pub role: Role,
    /// The decision.
    pub decision: Decision,
    /// The review-subject digest.
    pub subject_digest: String,
    /// The roster's verdict on the signer for the role (`allowed`, `not-in-roster`, …);
    /// none when checked against a key file.
    pub roster_verdict: Option<String>,
}

/// A document as a review packet carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PacketDocument {
    /// Kind.
    pub kind: String,
    /// What it describes, for data sheets.
    pub of: Option<String>,
    /// The revision reviewed.
    pub revision: u32,
    /// sha256 of its content.
    pub sha256: String,
    /// The text.
    pub content: String,
}

/// One self-contained file holding exactly what is to be reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReviewPacket {
    /// `steward.review-packet/v1`.
    pub format: String,
    /// `MODEL@VERSION`.
    pub target: String,
    /// The stage it is reviewed for.
    pub target_stage: Stage,
    /// The review-subject digest an approval signs.
    pub subject_digest: String,
    /// The review subject, canonical JSON text (what the digest covers).
    pub subject: String,
    /// The subject, readable.
    pub items: Vec<SubjectItem>,
    /// The roster's root fingerprint.
    pub roster_root_fingerprint: Option<String>,
    /// The documents at the revisions in the subject.
    pub documents: Vec<PacketDocument>,
    /// The evaluation runs.
    pub evaluations: Vec<EvalRunView>,
    /// The approvals so far, with their states.
    pub approvals: Vec<ApprovalView>,
    /// Their envelopes (JSON text), in the same order.
    pub envelopes: Vec<String>,
}

/// A signed checkpoint of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SealView {
    /// The entry sealed.
    pub sealed_seq: u32,
    /// Its hash.
    pub head_hash: String,
    /// The signing key id.
    pub signer: String,
    /// The signer's name.
    pub signer_name: String,
    /// Its fingerprint.
    pub signer_fingerprint: String,
}

/// The audit log against its seals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SealCheck {
    /// How many seals were checked.
    pub seals: u32,
    /// The newest seal that verified.
    pub newest: Option<SealView>,
    /// Everything that does not hold (a seal that does not verify, an entry whose hash is not
    /// the sealed one).
    pub problems: Vec<String>,
}

pub(super) fn trust_decls(cfg: &ts_rs::Config) -> Vec<String> {
    vec![
        Role::decl(cfg),
        Decision::decl(cfg),
        KeyInit::decl(cfg),
        IdentityView::decl(cfg),
        KeyInitResult::decl(cfg),
        KeyExportResult::decl(cfg),
        MemberView::decl(cfg),
        RosterChangeView::decl(cfg),
        RosterView::decl(cfg),
        RosterEdit::decl(cfg),
        ApproveRequest::decl(cfg),
        SubjectItem::decl(cfg),
        ReviewSubjectView::decl(cfg),
        ApprovalView::decl(cfg),
        ApprovalsView::decl(cfg),
        ApprovalCheck::decl(cfg),
        PacketDocument::decl(cfg),
        ReviewPacket::decl(cfg),
        SealView::decl(cfg),
        SealCheck::decl(cfg),
    ]
}
