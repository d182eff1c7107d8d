//! Trust rules: who may sign for which role, what an approval signed, and whether it still
//! counts.
//!
//! Pure: no cryptography here. The signing layer (`steward-attest`) verifies signatures and
//! hands over facts — "this change was signed by key X", "this envelope failed at its
//! payload" — and these rules decide what they mean. Canonical JSON lives here too, because
//! the review-subject digest is a domain fact and there must be exactly one canonical form:
//! `steward-attest` signs with this implementation rather than a copy.

pub mod approval;
pub mod canonical;
mod error;
pub mod role;
pub mod roster;
pub mod subject;

pub use approval::{approval_state, ApprovalState, Decision, SignaturePart};
pub use canonical::{canonical_bytes_of, canonical_digest_of, to_canonical_bytes};
pub use error::{Result, TrustError};
pub use role::{may_sign_release, KeyId, Role};
pub use roster::{
    ChangeKind, Member, RefusalReason, Retirement, Roster, RosterChange, RosterRefusal, Verdict,
};
pub use subject::{
    staleness, Artifact, Change, DatasetChecksum, DocumentRevision, EvaluationEvidence,
    ReviewSubject,
};
