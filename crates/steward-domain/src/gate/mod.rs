//! Promotion gates: a version's evidence judged against the policy for its target stage.
//!
//! [`evaluate`] is a pure function of (policy, model, target stage, [`Evidence`], `now`) to a
//! [`GateReport`]: one [`GateCheck`] per criterion, required document and required role,
//! each pass / fail / missing evidence / waived, with observed and expected values as text
//! and references to the exact evidence read (run digests, document revisions, envelope
//! digests). [`checklist`] derives the seed's ten production-eligibility items from a report;
//! [`auditor_map`] renders `docs/governance.md` from the policy's seed references.
//!
//! [`Evidence`] is plain data the caller gathers from the store: nothing here reads files,
//! rows or the clock, so a gate costs the same whatever the size of the evaluations behind
//! the summaries.

mod checklist;
mod checks;
pub mod inbox;
mod map;
mod packs;
pub use packs::pack_check_id;
mod summary;
pub mod time;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::artifact::Artifacts;
use crate::dataset::Provenance;
use crate::digest::Sha256Digest;
use crate::document::DocumentKind;
use crate::eval::compare::MetricValue;
use crate::eval::fairness::{GroupFairness, Tolerance};
use crate::eval::{Catalogue, EvalKind, EvalRow};
use crate::policy::{Category, Policy};
use crate::stage::Stage;
use crate::trust::canonical::canonical_digest_of;
use crate::trust::{ApprovalState, KeyId, Role, TrustError};

pub use checklist::{checklist, ChecklistItem, ChecklistMark, CHECKLIST_ITEMS};
pub use map::auditor_map;
pub use summary::{RowSummariser, RowSummary, RowView, ROW_SUMMARY_FORMAT};

/// The roles whose current signatures a waiver needs, all of them.
pub const WAIVER_ROLES: [Role; 2] = [Role::ResponsibleAiLegal, Role::ModelOwner];

/// The format tag of a gate report.
pub const GATE_REPORT_FORMAT: &str = "steward.gate-report/v1";

/// Everything a gate reads about one version, gathered by the caller.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The version under review (`1.2.0-7`), as text.
    pub version: String,
    /// Bundle and config digests, code commit.
    pub artifacts: Artifacts,
    /// Linked dataset snapshots with their provenance.
    pub datasets: Vec<DatasetEvidence>,
    /// Every document of the version (and data sheets of its datasets) at its head revision.
    pub documents: Vec<DocumentEvidence>,
    /// The version's evaluation runs, oldest first, each summarised once at import.
    pub evaluations: Vec<RunSummary>,
    /// The current production version's evidence, the baseline of comparisons.
    pub production: Option<ProductionEvidence>,
    /// Approvals of this version, with their states already decided by the trust rules.
    pub approvals: Vec<Signature>,
    /// Waivers of this version's checks.
    pub waivers: Vec<Waiver>,
    /// The version's stage history, oldest first.
    pub stage_history: Vec<StageEntry>,
    /// The version that would serve again on a rollback (the current production version when
    /// this one is promoted to production); None when there is none.
    pub rollback_target: Option<String>,
    /// The canary traffic plan from the rollout plan's front matter.
    pub canary_plan: Option<CanaryPlan>,
    /// The deprecation plan, for a version going to deprecated.
    pub deprecation: Option<DeprecationPlan>,
    /// The version's coverage against each pack the target stage enables, computed by
    /// [`crate::compliance::coverage`] with its `gate-check` selectors read from gates without
    /// pack checks ([`Policy::without_packs`]). A pack the stage enables that is absent here is
    /// not in the workspace.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packs: Vec<crate::compliance::Coverage>,
    /// Suites closed incidents' action items require of the model's promotions (issue 12).
    #[serde(default)]
    pub incident_suites: Vec<crate::incident::IncidentSuite>,
    /// The version's runs as (run id, suite `name@version`, evidence digest).
    #[serde(default)]
    pub run_suites: Vec<(String, String, Sha256Digest)>,
}

/// A linked dataset snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetEvidence {
    /// `name@version`.
    pub name: String,
    /// The manifest checksum.
    pub manifest_checksum: Sha256Digest,
    /// Source, license, consent, retention, personal data.
    pub provenance: Provenance,
    /// Security/privacy reviews of this snapshot.
    pub reviews: Vec<Signature>,
}

/// A document at its head revision, with its completeness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentEvidence {
    /// The kind.
    pub kind: DocumentKind,
    /// The dataset snapshot of a data sheet; None for the version's own documents.
    pub of: Option<String>,
    /// The head revision number.
    pub revision: u32,
    /// sha256 of that revision's content.
    pub sha256: Sha256Digest,
    /// Whether `check_document` found it complete.
    pub complete: bool,
    /// The completeness findings, as messages.
    pub gaps: Vec<String>,
    /// Scalar front-matter fields as text (lists joined with ", "; booleans `true`/`false`),
    /// read by `declaration` criteria.
    pub fields: BTreeMap<String, String>,
}

/// One evaluation run, summarised (see `eval::compare::summarize` and `eval::fairness`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// The run's id.
    pub id: String,
    /// Its kind.
    pub kind: EvalKind,
    /// sha256 of the imported evidence file.
    pub evidence_digest: Sha256Digest,
    /// Whole-population metric values of this version's arm.
    pub metrics: BTreeMap<String, MetricValue>,
    /// The production arm inside the same run (a canary KPI export carries both).
    #[serde(default)]
    pub baseline: BTreeMap<String, MetricValue>,
    /// Per group key, each metric across its groups.
    #[serde(default)]
    pub fairness: Vec<KeyFairness>,
}

impl RunSummary {
    /// Summarises one run's rows the way every other reader does: [`summarize`] for this
    /// version's arm, the same rule over the rows of the production arm (variants
    /// `production`, `baseline`, `control`), and fairness per group key against `tolerance`
    /// ([`by_group`] for every key of [`group_keys`]). It is [`RowSummary::from_rows`] then
    /// [`RowSummary::summary`]: the store keeps the row summary of each run from its import,
    /// so a gate reads no rows.
    ///
    /// [`summarize`]: crate::eval::compare::summarize
    /// [`by_group`]: crate::eval::fairness::by_group
    /// [`group_keys`]: crate::eval::fairness::group_keys
    pub fn from_rows(
        id: &str,
        kind: EvalKind,
        evidence_digest: Sha256Digest,
        rows: &[EvalRow],
        catalogue: &Catalogue,
        tolerance: Tolerance,
    ) -> RunSummary {
        RowSummary::from_rows(rows).summary(id, kind, evidence_digest, catalogue, tolerance)
    }
}

/// Fairness of one group key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyFairness {
    /// The group key (`locale`).
    pub key: String,
    /// Each metric across the key's groups.
    pub metrics: Vec<GroupFairness>,
}

/// The production baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductionEvidence {
    /// The production version, as text.
    pub version: String,
    /// Its runs, oldest first.
    pub evaluations: Vec<RunSummary>,
}

/// A signed approval (of a version, a dataset, or a waiver) with its decided state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// The role signed for.
    pub role: Role,
    /// The signing key.
    pub keyid: KeyId,
    /// What it counts for (`trust::approval_state`).
    pub state: ApprovalState,
    /// sha256 of the DSSE envelope.
    pub envelope_digest: Sha256Digest,
}

/// A signed waiver of one check for this version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiver {
    /// The check waived.
    pub check_id: String,
    /// Why.
    pub rationale: String,
    /// When it stops counting (RFC 3339).
    pub expires_at: String,
    /// Its signatures (responsible-ai-legal and model-owner are both needed).
    pub signatures: Vec<Signature>,
}

/// One entry of the stage history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageEntry {
    /// The stage entered.
    pub stage: Stage,
    /// When (RFC 3339).
    pub at: String,
}

/// The canary traffic plan from the rollout plan's front matter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CanaryPlan {
    /// Share of traffic, in percent.
    pub share_percent: Option<f64>,
    /// Flagged tenants the canary serves.
    pub tenants: Vec<String>,
    /// The feature flag gating the version.
    pub feature_flag: Option<String>,
    /// Whether shadow mode is on.
    pub shadow_mode: Option<bool>,
    /// The kill switch.
    pub kill_switch: Option<String>,
    /// How long the plan says the canary runs, in hours (`canary_duration_hours`). The gate
    /// holds a canary to the longer of this and the policy's minimum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_hours: Option<f64>,
}

impl CanaryPlan {
    /// The plan from a rollout plan's front-matter fields (as [`DocumentEvidence::fields`]
    /// holds them): `canary_share_percent`, `canary_tenants` (comma-separated),
    /// `feature_flag`, `shadow_mode` (`true`/`false`), `kill_switch`,
    /// `canary_duration_hours` (`72`, `72h`). A value that does not
    /// read as its type is left out, so the check reports it missing rather than guessing.
    pub fn from_fields(fields: &BTreeMap<String, String>) -> CanaryPlan {
        let text = |k: &str| {
            fields
                .get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        CanaryPlan {
            share_percent: text("canary_share_percent")
                .and_then(|v| v.trim_end_matches('%').trim().parse::<f64>().ok())
                .filter(|v| v.is_finite() && *v >= 0.0),
            tenants: text("canary_tenants")
                .map(|v| {
                    v.split(',')
                        .map(|t| t.trim().to_string())
                        .filter(|t| !t.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            feature_flag: text("feature_flag"),
            shadow_mode: text("shadow_mode").and_then(|v| match v.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            }),
            kill_switch: text("kill_switch"),
            duration_hours: text("canary_duration_hours")
                .and_then(|v| v.trim_end_matches('h').trim().parse::<f64>().ok())
                .filter(|v| v.is_finite() && *v >= 0.0),
        }
    }
}

/// What a deprecation needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeprecationPlan {
    /// The migration plan (the newer version, or a reference to the plan).
    pub migration_plan: Option<String>,
    /// When the version is removed (RFC 3339 or a date).
    pub removal_date: Option<String>,
}

/// A check's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum CheckStatus {
    /// The evidence meets the criterion.
    Pass,
    /// The evidence misses it.
    Fail,
    /// There is no evidence to judge.
    MissingEvidence,
    /// It failed or lacked evidence, and a current, unexpired waiver signed by both
    /// responsible-ai-legal and model-owner covers it.
    Waived,
}

impl CheckStatus {
    /// The name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "fail",
            CheckStatus::MissingEvidence => "missing-evidence",
            CheckStatus::Waived => "waived",
        }
    }

    /// Whether a gate with this check may pass.
    pub fn allows(self) -> bool {
        matches!(self, CheckStatus::Pass | CheckStatus::Waived)
    }
}

impl fmt::Display for CheckStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A piece of evidence a check read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "ref", rename_all = "kebab-case")]
pub enum EvidenceRef {
    /// An artifact by digest or commit (`bundle`, `config`, `code-commit`).
    Artifact {
        /// Which artifact.
        what: String,
        /// Its digest or commit.
        value: String,
    },
    /// A dataset snapshot.
    Dataset {
        /// `name@version`.
        name: String,
        /// Manifest checksum.
        checksum: Sha256Digest,
    },
    /// A document revision.
    Document {
        /// Kind.
        kind: DocumentKind,
        /// The dataset of a data sheet.
        of: Option<String>,
        /// Revision number.
        revision: u32,
        /// Content digest.
        sha256: Sha256Digest,
    },
    /// An evaluation run.
    Run {
        /// Run id.
        id: String,
        /// Whose run: `version` or `production`.
        of: String,
        /// Evidence file digest.
        digest: Sha256Digest,
    },
    /// A signed envelope (approval, dataset review, waiver signature).
    Envelope {
        /// Role.
        role: Role,
        /// Signing key.
        keyid: KeyId,
        /// Envelope digest.
        digest: Sha256Digest,
    },
    /// A stage-history entry.
    Stage {
        /// Stage entered.
        stage: Stage,
        /// When.
        at: String,
    },
    /// Another version (the rollback target).
    Version {
        /// Version text.
        version: String,
    },
}

/// The waiver that turned a check to waived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverRef {
    /// What the check said before the waiver (fail or missing-evidence).
    pub waived_status: CheckStatus,
    /// Why.
    pub rationale: String,
    /// Until when.
    pub expires_at: String,
    /// Its signature envelopes.
    pub envelopes: Vec<EvidenceRef>,
}

/// One check of a gate report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateCheck {
    /// Criterion id, or `<stage>.document.<kind>` / `<stage>.approval.<role>`.
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
    pub evidence: Vec<EvidenceRef>,
    /// The waiver, when waived.
    pub waiver: Option<WaiverRef>,
    /// Why waivers of this check did not count (expired, a signature missing or stale…).
    pub waiver_notes: Vec<String>,
    /// Whether its outcome depends on the time of evaluation (the canary's duration): such a
    /// check is left out of [`GateReport::subject_digest`], so approvals signed during a canary
    /// do not go stale when the clock passes its minimum duration.
    #[serde(default)]
    pub clocked: bool,
    /// Whether its outcome depends on signatures (a pack requirement that reads approvals,
    /// release records or other gate checks): left out of [`GateReport::subject_digest`] like
    /// the approval checks, so signing does not make earlier signatures stale.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reads_signatures: bool,
}

/// The gate for one version going to one stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateReport {
    /// [`GATE_REPORT_FORMAT`].
    pub format: String,
    /// The policy's name.
    pub policy: String,
    /// The model.
    pub model: String,
    /// The version.
    pub version: String,
    /// The target stage.
    pub target: Stage,
    /// When it was evaluated (the caller's `now`); not part of [`GateReport::digest`].
    pub evaluated_at: String,
    /// Whether every check passed or is waived.
    pub passed: bool,
    /// The checks, in policy order: criteria, then documents, then approvals.
    pub checks: Vec<GateCheck>,
}

impl GateReport {
    /// The checks that stop the gate.
    pub fn blocking(&self) -> impl Iterator<Item = &GateCheck> {
        self.checks.iter().filter(|c| !c.status.allows())
    }

    /// The check with `id`.
    pub fn check(&self, id: &str) -> Option<&GateCheck> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// sha256 of the report's canonical JSON without `evaluated_at`: what was decided, not
    /// when it was asked. Two evaluations that decide the same have the same digest, so an
    /// approval over a review subject holding it goes stale when the evidence or an outcome
    /// changes, not with the clock. (Time-dependent checks state times, not durations, in
    /// their observed and expected text for the same reason.)
    pub fn digest(&self) -> Result<Sha256Digest, TrustError> {
        let mut decided = self.clone();
        decided.evaluated_at = String::new();
        canonical_digest_of(&decided)
    }

    /// The digest a review subject holds: [`GateReport::digest`] of the report as it stands
    /// before anyone signs — without the approval checks, without the checks that depend on
    /// the clock (the canary's duration), and with every waiver undone (each
    /// waived check back to its own status, no waiver notes), and `passed` recomputed from
    /// what remains. Approvals and waivers are signed over the subject, so if their own
    /// outcome were in it, the last signature would make every earlier one stale.
    pub fn subject_digest(&self) -> Result<Sha256Digest, TrustError> {
        let mut unsigned = self.clone();
        unsigned.evaluated_at = String::new();
        unsigned
            .checks
            .retain(|c| c.category != Category::Approvals && !c.clocked && !c.reads_signatures);
        for c in &mut unsigned.checks {
            if let Some(w) = c.waiver.take() {
                c.status = w.waived_status;
            }
            c.waiver_notes.clear();
        }
        unsigned.passed = unsigned.checks.iter().all(|c| c.status.allows());
        canonical_digest_of(&unsigned)
    }
}

/// Judges `evidence` for `model` going to `target` against `policy`, at `now` (RFC 3339).
///
/// A stage the policy has no gate for yields a report with no checks that passes (demotion
/// and experiment are not gated). An unreadable `now` makes every time-dependent check
/// missing evidence rather than guessing.
pub fn evaluate(
    policy: &Policy,
    model: &str,
    target: Stage,
    evidence: &Evidence,
    now: &str,
) -> GateReport {
    let checks = checks::all_checks(policy, model, target, evidence, now);
    GateReport {
        format: GATE_REPORT_FORMAT.to_string(),
        policy: policy.name.clone(),
        model: model.to_string(),
        version: evidence.version.clone(),
        target,
        evaluated_at: now.to_string(),
        passed: checks.iter().all(|c| c.status.allows()),
        checks,
    }
}

#[cfg(test)]
mod tests;
