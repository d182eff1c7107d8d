//! Steward's domain: the types and pure rules of the governance outline
//! (`shared/seed/modelops-governance-v0.md`).
//!
//! This crate owns the vocabulary every other crate speaks — model names, `Version`
//! (`major.minor.patch-build`), lifecycle `Stage`s and the transition table, artifacts,
//! dataset manifests and provenance — and every rule of the seed as a pure function.
//!
//! It must not touch IO: no files, no clock, no SQL, no network, no async. Callers pass in
//! whatever the rule needs (bytes already hashed, the current stages of a model's versions) and
//! get back a value or a typed refusal. That keeps every rule testable as a table of cases.

pub mod artifact;
pub mod compliance;
pub mod dataset;
pub mod digest;
pub mod document;
mod error;
pub mod eval;
pub mod feedback;
pub mod gate;
pub mod guardrail;
pub mod incident;
pub mod integrity;
pub mod lifecycle;
pub mod model;
pub mod policy;
pub mod release;
pub mod stage;
mod toml_text;
pub mod traffic;
pub mod trust;
pub mod version;

pub use artifact::{Artifacts, CodeCommit};
pub use dataset::{DatasetRef, Manifest, ManifestEntry, Provenance, ProvenanceField};
pub use digest::Sha256Digest;
pub use document::{check_document, Completeness, DocumentKind};
pub use error::{DomainError, Result};
pub use lifecycle::{
    allowed_moves, plan_stage_change, Move, Refusal, StageChange, StageChangePlan, TransitionKind,
};
pub use model::{ModelName, Owner, RiskTier};
pub use stage::Stage;
pub use version::{ChangeKind, Version, VersionPart};
