//! Wire types of release records, rollbacks, waivers, dataset reviews, repository links and
//! the review inbox.

use serde::{Deserialize, Serialize};
use steward_domain::release::RecordPart;
use steward_domain::trust::Role;
use steward_domain::{Stage, TransitionKind};
use ts_rs::TS;

/// One attempt at a release record's git tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReleaseTagView {
    /// `steward/MODEL/VERSION/STAGE`.
    pub tag: String,
    /// Whether it was made.
    pub created: bool,
    /// The repository and commit, or why there is no tag.
    pub detail: String,
    /// When.
    pub at: String,
}

/// A problem with one record, naming the part that does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RecordProblemView {
    /// The record's position in its chain.
    pub seq: u32,
    /// Which part.
    pub part: RecordPart,
    /// What is wrong.
    pub message: String,
}

/// One release record, as its signed envelope says, with its verification now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReleaseView {
    /// Position in the model's chain, from 1.
    pub seq: u32,
    /// The model.
    pub model: String,
    /// The version that moved.
    pub version: String,
    /// Promote, rollback or deprecate.
    pub kind: TransitionKind,
    /// Its stage before.
    pub from: Stage,
    /// Its stage after.
    pub to: Stage,
    /// When it was signed.
    pub recorded_at: String,
    /// The signer's name, as the record says.
    pub signer_name: String,
    /// The signer's key fingerprint.
    pub signer_fingerprint: String,
    /// `sha256:…` of the envelope: what the next record and the git tag name.
    pub digest: String,
    /// The previous record's digest, if any.
    pub previous: Option<String>,
    /// The version that serves again on a rollback of this release.
    pub rollback_target: Option<String>,
    /// Whether the gate passed (none for a rollback, which is not gated).
    pub gate_passed: Option<bool>,
    /// The gate report's digest.
    pub gate_digest: Option<String>,
    /// Checks that passed only by a waiver.
    pub waived_checks: Vec<String>,
    /// How many approvals counted.
    pub approvals: u32,
    /// The incident behind a rollback.
    pub incident: Option<String>,
    /// Why.
    pub reason: String,
    /// The git tag asked for.
    pub git_tag: String,
    /// The newest attempt at it, if the model is linked to a repository.
    pub tag: Option<ReleaseTagView>,
    /// Every problem verification found with this record (empty when it holds).
    pub problems: Vec<RecordProblemView>,
}

/// A model's release records and the verification of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReleaseList {
    /// The model.
    pub model: String,
    /// Oldest first.
    pub records: Vec<ReleaseView>,
    /// Whether every record and link holds.
    pub ok: bool,
    /// The first broken part, in chain order, when one does not hold.
    pub first_broken: Option<RecordProblemView>,
}

/// A one-action rollback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RollbackRequest {
    /// The model whose production version is rolled back.
    pub model: String,
    /// The incident reference (ticket, page).
    pub incident: String,
    /// Why.
    pub reason: String,
}

/// What a rollback did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RollbackResult {
    /// The version that serves again.
    pub serving: String,
    /// The version rolled back from.
    pub rolled_back: String,
    /// The record written.
    pub release: ReleaseView,
    /// Milliseconds from the request to the committed record.
    pub elapsed_ms: u32,
}

/// A request to sign a waiver of one failing check for one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WaiverRequest {
    /// The model.
    pub model: String,
    /// The version.
    pub version: String,
    /// The gate check id (`production.fairness.selection-rate`).
    pub check_id: String,
    /// The role signed for: responsible-ai-legal or model-owner.
    pub role: Role,
    /// Why the check may be waived for this version.
    pub rationale: String,
    /// When it stops counting (RFC 3339 or `YYYY-MM-DD`).
    pub expires_at: String,
}

/// One stored waiver signature, with whether it counts now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WaiverSignatureView {
    /// The check.
    pub check_id: String,
    /// The role.
    pub role: Option<Role>,
    /// The signer's name.
    pub signer_name: String,
    /// Why.
    pub rationale: String,
    /// Until when.
    pub expires_at: String,
    /// When signed.
    pub signed_at: String,
    /// `current`, `expired`, `stale`, `not-in-roster`, `role-not-granted`, `revoked-key`,
    /// `invalid-signature`.
    pub state: String,
    /// Why it does not count, when it does not.
    pub reasons: Vec<String>,
    /// `sha256:…` of the envelope.
    pub digest: String,
}

/// A security/privacy review of a dataset snapshot to sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DatasetReviewRequest {
    /// `name@version`.
    pub dataset: String,
    /// What was checked.
    pub comment: String,
}

/// A stored dataset review, with whether it counts now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DatasetReviewView {
    /// `name@version`.
    pub dataset: String,
    /// The signer's name.
    pub signer_name: String,
    /// When signed.
    pub signed_at: String,
    /// `current`, `stale` (the manifest changed), `not-in-roster`, `role-not-granted`, …
    pub state: String,
    /// Why it does not count, when it does not.
    pub reasons: Vec<String>,
    /// `sha256:…` of the envelope.
    pub digest: String,
}

/// The TypeScript declarations of this module's types.
pub(crate) fn release_decls(cfg: &ts_rs::Config) -> Vec<String> {
    vec![
        RecordPart::decl(cfg),
        ReleaseTagView::decl(cfg),
        RecordProblemView::decl(cfg),
        ReleaseView::decl(cfg),
        ReleaseList::decl(cfg),
        RollbackRequest::decl(cfg),
        RollbackResult::decl(cfg),
        WaiverRequest::decl(cfg),
        WaiverSignatureView::decl(cfg),
        DatasetReviewRequest::decl(cfg),
        DatasetReviewView::decl(cfg),
    ]
}

/// A sign-off the person at the keyboard owes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InboxSignOff {
    /// The model.
    pub model: String,
    /// The version.
    pub version: String,
    /// Its stage now.
    pub stage: Stage,
    /// The stage the sign-off is for.
    pub target: Stage,
    /// The role owed.
    pub role: Role,
    /// `awaiting`, or the state of this person's signature that no longer counts (`stale`,
    /// `revoked-key`, …).
    pub state: String,
    /// Why it no longer counts (what changed since signing), when stale.
    pub reasons: Vec<String>,
}

/// A failing gate of a model the person owns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InboxGate {
    /// The model.
    pub model: String,
    /// The version.
    pub version: String,
    /// Its stage now.
    pub stage: Stage,
    /// Its next promotion.
    pub target: Stage,
    /// How many checks stop it.
    pub blocking: u32,
    /// The first few of them, by id.
    pub first: Vec<String>,
}

/// The review inbox of the person at the keyboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InboxView {
    /// Who (the signing identity).
    pub name: String,
    /// Their email.
    pub email: String,
    /// The roles the roster grants their key.
    pub roles: Vec<Role>,
    /// Sign-offs waiting for one of their roles.
    pub awaiting: Vec<InboxSignOff>,
    /// Their sign-offs that no longer count, with why.
    pub stale: Vec<InboxSignOff>,
    /// Failing gates of the models they own (the model's owner is their email or name).
    pub failing_gates: Vec<InboxGate>,
}

/// The inbox's declarations.
pub(crate) fn inbox_decls(cfg: &ts_rs::Config) -> Vec<String> {
    vec![
        InboxSignOff::decl(cfg),
        InboxGate::decl(cfg),
        InboxView::decl(cfg),
    ]
}
