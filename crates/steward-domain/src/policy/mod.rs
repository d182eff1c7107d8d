//! The governance policy: per target stage, the criteria a version's evidence must meet, the
//! documents that must be complete and the roles that must approve; the canary rules; and
//! per-model overrides.
//!
//! A policy is a TOML file (the default is `assets/policy/default.toml`, embedded). Every
//! criterion names the seed rule it implements (`seed`), what it reads (a catalogue metric or
//! an evidence kind), a comparator and its threshold or margin, and the checklist item it
//! stands behind. [`Policy::parse`] refuses a file it cannot use with the line, the key path
//! and what is expected, and returns [`Warning`]s for criteria that cannot be satisfied as
//! written. The gate (`crate::gate`) reads the parsed policy; nothing here looks at evidence.

mod error;
mod raw;
pub mod seed;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::document::DocumentKind;
use crate::eval::fairness::Tolerance;
use crate::eval::EvalKind;
use crate::stage::Stage;
use crate::trust::Role;

pub use error::{PolicyError, PolicyErrorKind, Warning};
pub use seed::{producing_kinds, seed_rule, SeedRule, SEED_RULES};

/// The format tag a policy file carries.
pub const POLICY_FORMAT: &str = "steward.policy/v1";

/// The default policy's text (`assets/policy/default.toml`).
pub const DEFAULT_POLICY: &str = include_str!("../../../../assets/policy/default.toml");

/// The stages a promotion can target, and so the stages a policy has gates for.
pub const GATED_STAGES: [Stage; 4] = [
    Stage::Candidate,
    Stage::Canary,
    Stage::Production,
    Stage::Deprecated,
];

/// The seed's groups of criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Offline metrics against production, regressions, long-tail and adversarial cases.
    Quality,
    /// Safety classifier, red-team, PII leaks, toxicity, safety systems.
    Safety,
    /// Stratified metrics within tolerance and the mitigation plan.
    Fairness,
    /// Latency, errors, cost, autoscaling, rate limits, observability, incident response.
    ReliabilityCost,
    /// Source, license, consent, retention, personal data, inference logging, vendors.
    DataPolicy,
    /// Required documents.
    Documentation,
    /// Required sign-offs.
    Approvals,
    /// Traffic share, flag, shadow mode, kill switch, duration, KPIs.
    Canary,
    /// Bundle, config, code commit, dataset manifests, rollback target.
    Artifacts,
}

impl Category {
    /// Every category, in the order the issue lists them.
    pub const ALL: [Category; 9] = [
        Category::Quality,
        Category::Safety,
        Category::Fairness,
        Category::ReliabilityCost,
        Category::DataPolicy,
        Category::Documentation,
        Category::Approvals,
        Category::Canary,
        Category::Artifacts,
    ];

    /// The name in policy files and over the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Quality => "quality",
            Category::Safety => "safety",
            Category::Fairness => "fairness",
            Category::ReliabilityCost => "reliability-cost",
            Category::DataPolicy => "data-policy",
            Category::Documentation => "documentation",
            Category::Approvals => "approvals",
            Category::Canary => "canary",
            Category::Artifacts => "artifacts",
        }
    }

    fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Evidence a criterion can read other than a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceKind {
    /// The model bundle's digest.
    Bundle,
    /// The config's digest.
    Config,
    /// The code commit.
    CodeCommit,
    /// At least one linked dataset snapshot with its manifest checksum.
    DatasetManifest,
    /// Every linked dataset's provenance: source, license, consent, retention, personal data.
    DatasetProvenance,
    /// No personal data unless security/privacy approved the dataset.
    PersonalData,
    /// Every linked dataset approved by security/privacy.
    DatasetSecurityReview,
    /// An evaluation run of the criterion's `run_kind`.
    EvalRun,
    /// A document of the criterion's `document` kind exists (a draft is enough).
    Document,
    /// A front-matter `field` of the criterion's `document` is declared (not blank, not false).
    Declaration,
    /// The rollout plan's canary share is under the limit, or it names flagged tenants.
    CanaryTraffic,
    /// The rollout plan names the feature flag.
    FeatureFlag,
    /// The rollout plan turns shadow mode on.
    ShadowMode,
    /// The rollout plan names the kill switch.
    KillSwitch,
    /// The version has been in canary for the minimum duration.
    CanaryDuration,
    /// The canary's online KPIs are not worse than production's.
    CanaryKpis,
    /// A previous production version exists to roll back to.
    RollbackTarget,
    /// A migration plan for a deprecation.
    MigrationPlan,
    /// A removal date in the future for a deprecation.
    RemovalDate,
}

impl EvidenceKind {
    /// Every kind.
    pub const ALL: [EvidenceKind; 19] = [
        EvidenceKind::Bundle,
        EvidenceKind::Config,
        EvidenceKind::CodeCommit,
        EvidenceKind::DatasetManifest,
        EvidenceKind::DatasetProvenance,
        EvidenceKind::PersonalData,
        EvidenceKind::DatasetSecurityReview,
        EvidenceKind::EvalRun,
        EvidenceKind::Document,
        EvidenceKind::Declaration,
        EvidenceKind::CanaryTraffic,
        EvidenceKind::FeatureFlag,
        EvidenceKind::ShadowMode,
        EvidenceKind::KillSwitch,
        EvidenceKind::CanaryDuration,
        EvidenceKind::CanaryKpis,
        EvidenceKind::RollbackTarget,
        EvidenceKind::MigrationPlan,
        EvidenceKind::RemovalDate,
    ];

    /// The name in policy files.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Bundle => "bundle",
            EvidenceKind::Config => "config",
            EvidenceKind::CodeCommit => "code-commit",
            EvidenceKind::DatasetManifest => "dataset-manifest",
            EvidenceKind::DatasetProvenance => "dataset-provenance",
            EvidenceKind::PersonalData => "personal-data",
            EvidenceKind::DatasetSecurityReview => "dataset-security-review",
            EvidenceKind::EvalRun => "eval-run",
            EvidenceKind::Document => "document",
            EvidenceKind::Declaration => "declaration",
            EvidenceKind::CanaryTraffic => "canary-traffic",
            EvidenceKind::FeatureFlag => "feature-flag",
            EvidenceKind::ShadowMode => "shadow-mode",
            EvidenceKind::KillSwitch => "kill-switch",
            EvidenceKind::CanaryDuration => "canary-duration",
            EvidenceKind::CanaryKpis => "canary-kpis",
            EvidenceKind::RollbackTarget => "rollback-target",
            EvidenceKind::MigrationPlan => "migration-plan",
            EvidenceKind::RemovalDate => "removal-date",
        }
    }

    fn parse(s: &str) -> Option<EvidenceKind> {
        EvidenceKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for EvidenceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a criterion reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reads {
    /// A catalogue metric, from the latest run that measured it (of `run_kind` when given).
    Metric {
        /// The metric name.
        name: String,
        /// Only runs of this kind count.
        run_kind: Option<EvalKind>,
    },
    /// Another kind of evidence.
    Evidence {
        /// The kind.
        kind: EvidenceKind,
        /// For `eval-run`: the run kind required.
        run_kind: Option<EvalKind>,
        /// For `document` and `declaration`: the document kind.
        document: Option<DocumentKind>,
        /// For `declaration`: the front-matter field.
        field: Option<String>,
    },
}

/// How a metric is judged, with its threshold or margin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Comparator {
    /// `>=` threshold.
    AtLeast(f64),
    /// `<=` threshold.
    AtMost(f64),
    /// Better than production by at least the margin (direction from the catalogue).
    BeatsProductionBy(f64),
    /// Not worse than production (direction from the catalogue).
    NotWorseThanProduction,
    /// Every group key's max difference and min/max ratio within tolerance.
    WithinTolerance(Tolerance),
    /// The evidence exists and says yes (every evidence kind).
    Present,
}

impl Comparator {
    /// The name in policy files.
    pub fn as_str(&self) -> &'static str {
        match self {
            Comparator::AtLeast(_) => ">=",
            Comparator::AtMost(_) => "<=",
            Comparator::BeatsProductionBy(_) => "beats-production-by",
            Comparator::NotWorseThanProduction => "not-worse-than-production",
            Comparator::WithinTolerance(_) => "within-tolerance",
            Comparator::Present => "present",
        }
    }
}

/// One promotion criterion: becomes one check of the gate report.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    /// Stable id (`production.quality.rouge-l`).
    pub id: String,
    /// The seed's group.
    pub category: Category,
    /// The seed rule it implements (`§2 Promotion criteria — Quality`).
    pub seed: String,
    /// The §5 checklist item (1–10) it stands behind, if any.
    pub checklist: Option<u8>,
    /// What it reads.
    pub reads: Reads,
    /// How it is judged.
    pub comparator: Comparator,
    /// Line of the criterion in the policy file.
    pub line: usize,
}

/// The canary rules of the seed (§1 Canary, §4 Candidate → Canary).
#[derive(Debug, Clone, PartialEq)]
pub struct CanaryRules {
    /// The canary's share of traffic must be below this percentage (5 in the seed).
    pub traffic_share_below_percent: f64,
    /// Whether naming flagged tenants satisfies the traffic rule instead of a share.
    pub flagged_tenants_allowed: bool,
    /// Whether shadow mode must be on.
    pub shadow_mode_required: bool,
    /// Minimum hours in canary before production (48 in the seed).
    pub min_duration_hours: u32,
    /// The online KPIs the canary must not be worse than production on.
    pub kpis: Vec<String>,
}

/// What a policy asks of versions going to one stage.
#[derive(Debug, Clone, PartialEq)]
pub struct StagePolicy {
    /// The target stage.
    pub stage: Stage,
    /// The criteria, in file order.
    pub criteria: Vec<Criterion>,
    /// Documents that must be complete.
    pub documents: Vec<DocumentKind>,
    /// The seed rule the documents implement.
    pub documents_seed: String,
    /// Roles whose current approval is required.
    pub approvals: Vec<Role>,
    /// The seed rule the approvals implement.
    pub approvals_seed: String,
    /// Compliance packs enabled for this stage (`packs = ["eu-ai-act"]`): each requirement of
    /// each becomes a gate check that passes only when its coverage is satisfied.
    pub packs: Vec<String>,
}

/// One model's own limits and extra criteria.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelOverride {
    /// Replaces the `<=` threshold of every `latency_p99_ms` criterion.
    pub slo_latency_p99_ms: Option<f64>,
    /// Replaces the `<=` threshold of every `cost_per_1k_usd` criterion.
    pub cost_budget_per_1k_usd: Option<f64>,
    /// Extra criteria, by target stage.
    pub criteria: Vec<(Stage, Criterion)>,
}

/// A parsed, validated policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// The policy's name.
    pub name: String,
    /// The canary rules.
    pub canary: CanaryRules,
    /// One entry per gated stage present in the file, in lifecycle order.
    pub stages: Vec<StagePolicy>,
    /// Per-model overrides, by model name.
    pub models: BTreeMap<String, ModelOverride>,
    /// How feedback text is redacted and cut (`[feedback]`; the defaults without one).
    pub feedback: crate::feedback::FeedbackRules,
    /// Online guardrails over canary and production windows (`[guardrails]`, issue 12).
    pub guardrails: Vec<crate::guardrail::GuardrailRule>,
}

impl Policy {
    /// Parses and validates a policy file. Refusals name the line, the key and what is
    /// expected; warnings name criteria that no evidence can satisfy as written.
    pub fn parse(text: &str) -> Result<(Policy, Vec<Warning>), PolicyError> {
        raw::parse(text)
    }

    /// The built-in default policy (`assets/policy/default.toml`).
    pub fn builtin() -> Result<Policy, PolicyError> {
        Policy::parse(DEFAULT_POLICY).map(|(p, _)| p)
    }

    /// The same policy with no pack enabled at any stage: the gate whose checks a pack's
    /// `gate-check` selectors read, so a pack check never reads pack checks.
    pub fn without_packs(&self) -> Policy {
        let mut p = self.clone();
        for s in &mut p.stages {
            s.packs.clear();
        }
        p
    }

    /// Whether any stage enables a pack.
    pub fn enables_packs(&self) -> bool {
        self.stages.iter().any(|s| !s.packs.is_empty())
    }

    /// The policy for `stage`, if the file has one.
    pub fn stage(&self, stage: Stage) -> Option<&StagePolicy> {
        self.stages.iter().find(|s| s.stage == stage)
    }

    /// The criteria for `model` going to `stage`: the stage's, with the model's SLO and cost
    /// budget applied, then the model's own extra criteria.
    pub fn criteria_for(&self, model: &str, stage: Stage) -> Vec<Criterion> {
        let mut out: Vec<Criterion> = self
            .stage(stage)
            .map(|s| s.criteria.clone())
            .unwrap_or_default();
        let Some(over) = self.models.get(model) else {
            return out;
        };
        for c in &mut out {
            let Reads::Metric { name, .. } = &c.reads else {
                continue;
            };
            let limit = match name.as_str() {
                "latency_p99_ms" => over.slo_latency_p99_ms,
                "cost_per_1k_usd" => over.cost_budget_per_1k_usd,
                _ => None,
            };
            if let (Some(limit), Comparator::AtMost(_)) = (limit, c.comparator) {
                c.comparator = Comparator::AtMost(limit);
            }
        }
        out.extend(
            over.criteria
                .iter()
                .filter(|(s, _)| *s == stage)
                .map(|(_, c)| c.clone()),
        );
        out
    }
}

#[cfg(test)]
mod tests;
