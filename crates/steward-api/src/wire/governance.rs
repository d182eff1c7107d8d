//! Wire types of governance: the policy (show, check, set, history), gate reports and the §5
//! production-eligibility checklist.
//!
//! Gate reports mirror `steward_domain::gate::GateReport` with digests and evidence references
//! as text; `digest` and `subject_digest` are the domain's, computed from the report itself.

use serde::{Deserialize, Serialize};
use steward_domain::gate::{CheckStatus, ChecklistMark};
use steward_domain::policy::Category;
use steward_domain::Stage;
use ts_rs::TS;

/// Where the policy in force comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum PolicySource {
    /// No policy was set in this workspace: the built-in default (`assets/policy/default.toml`).
    Default,
    /// The workspace's newest stored revision.
    Stored,
}

/// One stored policy revision, without its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PolicyRevisionView {
    /// 1, 2, 3, …
    pub number: u32,
    /// `sha256:…` of the TOML text.
    pub sha256: String,
    /// The policy's `name`.
    pub name: String,
    /// Who set it.
    pub author: String,
    /// Why, if said.
    pub message: String,
    /// When.
    pub created_at: String,
}

/// Why a policy file cannot be used: where, which key, what is wrong, what is expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PolicyProblem {
    /// 1-based line (0 when the file gives no position).
    pub line: u32,
    /// Dotted key path (`stages.production.criteria[2].threshold`).
    pub key: String,
    /// The class of problem (`syntax`, `unknown-metric`, `wrong-type`, `unknown-stage`, …).
    pub kind: String,
    /// What was found.
    pub detail: String,
    /// What would be accepted.
    pub expected: String,
    /// The whole message, naming the file.
    pub message: String,
}

/// A criterion that parses but cannot be satisfied as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PolicyWarningView {
    /// 1-based line.
    pub line: u32,
    /// Dotted key path.
    pub key: String,
    /// What will not work, and what to do.
    pub message: String,
}

/// The policy in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PolicyView {
    /// Stored revision or built-in default.
    pub source: PolicySource,
    /// The revision in force, when stored.
    pub revision: Option<PolicyRevisionView>,
    /// The policy's `name`.
    pub name: String,
    /// `sha256:…` of the text.
    pub sha256: String,
    /// The TOML text.
    pub text: String,
    /// The stages it gates, in lifecycle order.
    pub stages: Vec<Stage>,
    /// Its warnings.
    pub warnings: Vec<PolicyWarningView>,
}

/// A policy text to validate (the studio's live validation, `steward policy check FILE`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PolicyCheckRequest {
    /// The TOML text.
    pub text: String,
    /// The file it came from, named in messages (`policy.toml`); none for text being edited.
    pub file: Option<String>,
}

/// The outcome of validating a policy text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PolicyCheck {
    /// The file checked, or `(text)`.
    pub file: String,
    /// Whether it can be set.
    pub valid: bool,
    /// The policy's `name`, when valid.
    pub name: Option<String>,
    /// The stages it gates, when valid.
    pub stages: Vec<Stage>,
    /// Why it cannot be used.
    pub error: Option<PolicyProblem>,
    /// Criteria that cannot be satisfied as written.
    pub warnings: Vec<PolicyWarningView>,
}

/// What setting the workspace's policy needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PolicySet {
    /// The TOML text.
    pub text: String,
    /// The file it came from, named in messages.
    pub file: Option<String>,
    /// Why, for the record.
    pub message: Option<String>,
}

/// A policy that was set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PolicySetResult {
    /// The revision in force now.
    pub revision: PolicyRevisionView,
    /// True when the text equals the revision in force, so nothing was written.
    pub unchanged: bool,
    /// Its warnings.
    pub warnings: Vec<PolicyWarningView>,
}

/// Every stored policy revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PolicyHistory {
    /// What is in force now.
    pub source: PolicySource,
    /// The revisions, newest first (empty when the default is in force).
    pub revisions: Vec<PolicyRevisionView>,
}

/// Which gate to evaluate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GateRequest {
    /// The model.
    pub model: String,
    /// The version.
    pub version: String,
    /// The target stage.
    pub to: Stage,
}

/// A piece of evidence a check read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EvidenceRefView {
    /// `artifact`, `dataset`, `document`, `run`, `envelope`, `stage` or `version`.
    pub kind: String,
    /// What it is, for a person (`model-card r2`, `run 14 of production`).
    pub label: String,
    /// Its digest or commit, when it has one.
    pub digest: Option<String>,
}

/// The waiver that turned a check to waived. `GateWaiverView` in TypeScript, where the
/// release records' `WaiverView` (a stored waiver signature) already has the plain name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "GateWaiverView")]
pub struct WaiverView {
    /// What the check said before the waiver.
    pub waived_status: CheckStatus,
    /// Why.
    pub rationale: String,
    /// Until when.
    pub expires_at: String,
    /// Its signature envelopes.
    pub envelopes: Vec<EvidenceRefView>,
}

/// One check of a gate report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GateCheckView {
    /// Criterion id, or `<stage>.documentation.<kind>` / `<stage>.approvals.<role>`.
    pub id: String,
    /// The seed's group.
    pub category: Category,
    /// The seed rule it implements.
    pub seed: String,
    /// The §5 checklist item it stands behind.
    pub checklist: Option<u8>,
    /// The outcome.
    pub status: CheckStatus,
    /// What the evidence shows.
    pub observed: String,
    /// What the policy expects.
    pub expected: String,
    /// The evidence read.
    pub evidence: Vec<EvidenceRefView>,
    /// The waiver, when waived.
    pub waiver: Option<WaiverView>,
    /// Why waivers of this check did not count.
    pub waiver_notes: Vec<String>,
}

/// How many checks ended how.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GateCounts {
    /// Passed.
    pub pass: u32,
    /// Failed.
    pub fail: u32,
    /// Lacked evidence.
    pub missing_evidence: u32,
    /// Waived.
    pub waived: u32,
}

/// A version's gate for one target stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GateReportView {
    /// `steward.gate-report/v1`.
    pub format: String,
    /// The model.
    pub model: String,
    /// The version.
    pub version: String,
    /// Its current stage.
    pub stage: Stage,
    /// The target stage.
    pub target: Stage,
    /// The policy's `name`.
    pub policy: String,
    /// Stored revision or built-in default.
    pub policy_source: PolicySource,
    /// The stored revision in force, if any.
    pub policy_revision: Option<u32>,
    /// When it was evaluated (not part of `digest`).
    pub evaluated_at: String,
    /// Whether every check passed or is waived.
    pub passed: bool,
    /// sha256 of the report's canonical JSON without `evaluated_at`.
    pub digest: String,
    /// The digest a review subject holds: without approvals, waivers undone.
    pub subject_digest: String,
    /// How many checks ended how.
    pub counts: GateCounts,
    /// The checks, in policy order.
    pub checks: Vec<GateCheckView>,
    /// What the report could not yet read (approvals and waivers before the trust tables).
    pub notes: Vec<String>,
}

/// A check behind a checklist item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChecklistCheckView {
    /// The check id.
    pub id: String,
    /// Its outcome.
    pub status: CheckStatus,
}

/// One §5 item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChecklistItemView {
    /// 1–10.
    pub number: u8,
    /// The seed's words.
    pub text: String,
    /// ✓ met, ✗ not met, or missing evidence.
    pub mark: ChecklistMark,
    /// ✓, ✗ or `missing`.
    pub symbol: String,
    /// The checks behind it, in report order.
    pub checks: Vec<ChecklistCheckView>,
    /// The ids of the checks that stop it.
    pub blocking: Vec<String>,
}

/// The seed's production-eligibility checklist for a version, derived from its production gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChecklistView {
    /// The model.
    pub model: String,
    /// The version.
    pub version: String,
    /// Its current stage.
    pub stage: Stage,
    /// Whether every item is met.
    pub eligible: bool,
    /// The policy's `name`.
    pub policy: String,
    /// Stored revision or built-in default.
    pub policy_source: PolicySource,
    /// The production gate's digest the items were derived from.
    pub gate_digest: String,
    /// When the gate was evaluated.
    pub evaluated_at: String,
    /// The ten items.
    pub items: Vec<ChecklistItemView>,
    /// What the gate could not yet read.
    pub notes: Vec<String>,
}

pub(super) fn governance_decls(cfg: &ts_rs::Config) -> Vec<String> {
    vec![
        Category::decl(cfg),
        CheckStatus::decl(cfg),
        ChecklistMark::decl(cfg),
        PolicySource::decl(cfg),
        PolicyRevisionView::decl(cfg),
        PolicyProblem::decl(cfg),
        PolicyWarningView::decl(cfg),
        PolicyView::decl(cfg),
        PolicyCheckRequest::decl(cfg),
        PolicyCheck::decl(cfg),
        PolicySet::decl(cfg),
        PolicySetResult::decl(cfg),
        PolicyHistory::decl(cfg),
        GateRequest::decl(cfg),
        EvidenceRefView::decl(cfg),
        WaiverView::decl(cfg),
        GateCheckView::decl(cfg),
        GateCounts::decl(cfg),
        GateReportView::decl(cfg),
        ChecklistCheckView::decl(cfg),
        ChecklistItemView::decl(cfg),
        ChecklistView::decl(cfg),
        PolicyDiff::decl(cfg),
    ]
}

/// A line diff between two policy texts (the policy screen's history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PolicyDiff {
    /// The older side: a stored revision, or 0 for the built-in default.
    pub from: u32,
    /// The newer side: a stored revision, or 0 for the built-in default.
    pub to: u32,
    /// Every line, in order.
    pub lines: Vec<super::DiffLine>,
    /// Lines added.
    pub insertions: u32,
    /// Lines removed.
    pub deletions: u32,
    /// The same as a unified diff (3 lines of context).
    pub unified: String,
}
