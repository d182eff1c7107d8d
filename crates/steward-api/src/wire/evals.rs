//! Wire types of evaluation evidence: imported runs, comparisons, fairness, drift, charts.

use serde::{Deserialize, Serialize};
use steward_domain::eval::compare::{Check, Verdict};
use steward_domain::eval::drift::DriftLevel;
use steward_domain::eval::fairness::FairnessFailure;
use steward_domain::eval::{Direction, EvalKind};
use steward_domain::Stage;
use ts_rs::TS;

/// What importing an evaluation file needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EvalImport {
    /// The model.
    pub model: String,
    /// The version the evidence is for.
    pub version: String,
    /// The file: `.json` (`steward.eval/v1`) or `.csv` (long format or raw predictions).
    pub file: String,
    /// The kind, when the file does not say (CSV) or to override it.
    pub kind: Option<EvalKind>,
    /// The dataset or suite, `NAME@VERSION`, when the file does not say or to override it.
    pub suite: Option<String>,
}

/// One imported run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EvalRunView {
    /// Run id.
    pub id: u32,
    /// The model.
    pub model: String,
    /// The version.
    pub version: String,
    /// The kind.
    pub kind: EvalKind,
    /// Its human label.
    pub kind_label: String,
    /// The dataset or suite, `NAME@VERSION`.
    pub suite: String,
    /// When the evaluation ran, if the file says.
    pub run_at: Option<String>,
    /// When it was imported.
    pub imported_at: String,
    /// The file's name.
    pub file_name: String,
    /// `sha256:…` of the file: the evidence.
    pub file_digest: String,
    /// File size.
    pub file_bytes: u64,
    /// `json`, `csv` or `predictions-csv`.
    pub format: String,
    /// Metric rows stored.
    pub rows: u64,
}

/// One metric of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MetricComparisonView {
    /// Metric name.
    pub metric: String,
    /// Human label.
    pub label: String,
    /// Unit.
    pub unit: String,
    /// Which way is better.
    pub direction: Direction,
    /// Candidate value.
    pub candidate: Option<f64>,
    /// Candidate interval `[low, high]`.
    pub candidate_ci: Option<(f64, f64)>,
    /// Baseline value.
    pub baseline: Option<f64>,
    /// Baseline interval.
    pub baseline_ci: Option<(f64, f64)>,
    /// candidate − baseline.
    pub delta: Option<f64>,
    /// delta / |baseline|.
    pub relative_delta: Option<f64>,
    /// Better, worse, same…
    pub verdict: Verdict,
    /// Whether both intervals are given and do not overlap.
    pub significant: Option<bool>,
    /// Acceptance threshold, when known.
    pub threshold: Option<f64>,
    /// Whether the candidate meets it (colour pass/fail only where this is set).
    pub meets_threshold: Option<bool>,
    /// Margin over the baseline, when known.
    pub margin: Option<f64>,
    /// Whether the candidate beats the baseline by the margin.
    pub meets_margin: Option<bool>,
    /// The core's verdict on both checks: `fail` when a threshold or margin is missed,
    /// `pass` when one is met and none missed, `none` when neither is known.
    pub check: Check,
}

/// A version's evidence against a baseline (by default the model's production version).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EvalComparison {
    /// The model.
    pub model: String,
    /// The version compared.
    pub candidate: String,
    /// The baseline version, if there is one.
    pub baseline: Option<String>,
    /// The baseline's stage.
    pub baseline_stage: Option<Stage>,
    /// Metric by metric, by name.
    pub metrics: Vec<MetricComparisonView>,
    /// How the baseline was chosen, or why there is none.
    pub note: String,
}

/// One group's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GroupValueView {
    /// Group (value of the key).
    pub group: String,
    /// The metric's value.
    pub value: f64,
    /// Cases behind it.
    pub n: Option<u64>,
    /// Whether this is the worst group.
    pub worst: bool,
    /// Whether it falls outside the tolerance (below min_ratio × best, or more than
    /// max_difference from the best).
    pub outside_tolerance: bool,
}

/// One metric across the groups of a key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GroupFairnessView {
    /// Metric name.
    pub metric: String,
    /// Human label.
    pub label: String,
    /// Unit.
    pub unit: String,
    /// Which way is better.
    pub direction: Direction,
    /// Per group.
    pub groups: Vec<GroupValueView>,
    /// max − min.
    pub max_difference: f64,
    /// min / max.
    pub min_max_ratio: Option<f64>,
    /// The worst group.
    pub worst_group: String,
    /// Difference within tolerance.
    pub passes_difference: bool,
    /// Ratio at least the minimum (four-fifths rule).
    pub passes_ratio: bool,
    /// Which rule it fails, if any.
    pub failure: Option<FairnessFailure>,
}

/// A group the core finds outside tolerance, with the words for what it fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FailingGroupView {
    /// The group (value of the report's key).
    pub group: String,
    /// What it fails across its metrics together.
    pub failure: FairnessFailure,
    /// The same as words after `key=group` (`fails the four-fifths rule`, …).
    pub verdict: String,
    /// The failing metrics it is worst in.
    pub metrics: Vec<String>,
}

/// Fairlearn-style parity, when selection and error rates per group are known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ParityView {
    /// max − min selection rate.
    pub demographic_parity_difference: f64,
    /// min / max selection rate.
    pub demographic_parity_ratio: f64,
    /// max(TPR difference, FPR difference).
    pub equalized_odds_difference: f64,
    /// min(TPR ratio, FPR ratio).
    pub equalized_odds_ratio: f64,
}

/// Fairness of a version for one group key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FairnessReport {
    /// The model.
    pub model: String,
    /// The version.
    pub version: String,
    /// The group key.
    pub key: String,
    /// Every group key the evidence has.
    pub keys: Vec<String>,
    /// Largest allowed difference.
    pub max_difference: f64,
    /// Smallest allowed ratio (0.8: the four-fifths rule).
    pub min_ratio: f64,
    /// Metric by metric.
    pub metrics: Vec<GroupFairnessView>,
    /// Parity, when known.
    pub parity: Option<ParityView>,
    /// One line per failing metric, naming the worst group.
    pub failures: Vec<String>,
    /// The groups outside tolerance, each with what it fails.
    pub failing_groups: Vec<FailingGroupView>,
}

/// One feature's drift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FeatureDriftView {
    /// Feature.
    pub feature: String,
    /// Population stability index.
    pub psi: f64,
    /// Its label.
    pub level: DriftLevel,
}

/// Drift of a version's evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DriftReport {
    /// The model.
    pub model: String,
    /// The version.
    pub version: String,
    /// The labelling convention.
    pub convention: String,
    /// Per feature.
    pub features: Vec<FeatureDriftView>,
}

/// Which chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ChartKind {
    /// Candidate vs production per metric, with threshold and margin lines.
    Compare,
    /// Per-group values with the tolerance band.
    Fairness,
    /// Latency percentiles against the SLO.
    Latency,
    /// KPI time series, canary vs production.
    Kpi,
    /// PSI per feature with the 0.1 / 0.25 bands.
    Drift,
}

/// Light or dark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ChartTheme {
    /// Dark text on white.
    #[default]
    Light,
    /// Light text on a dark background.
    Dark,
}

/// What drawing a chart needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EvalChartRequest {
    /// The model.
    pub model: String,
    /// The version.
    pub version: String,
    /// Which chart.
    pub kind: ChartKind,
    /// Light or dark.
    pub theme: ChartTheme,
    /// Baseline version for compare/latency (default: production).
    pub against: Option<String>,
    /// Group key for fairness (default: the first key with a failing metric, else the first).
    pub group: Option<String>,
    /// Metric for fairness and KPI charts (default: the most telling one present).
    pub metric: Option<String>,
}

/// A drawn chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChartSvg {
    /// Which chart.
    pub kind: ChartKind,
    /// Its title.
    pub title: String,
    /// The SVG document.
    pub svg: String,
}

/// This module's TypeScript declarations, in the order they are written.
pub(super) fn eval_decls(cfg: &ts_rs::Config) -> Vec<String> {
    vec![
        EvalKind::decl(cfg),
        Direction::decl(cfg),
        Verdict::decl(cfg),
        Check::decl(cfg),
        DriftLevel::decl(cfg),
        EvalImport::decl(cfg),
        EvalRunView::decl(cfg),
        MetricComparisonView::decl(cfg),
        EvalComparison::decl(cfg),
        GroupValueView::decl(cfg),
        FairnessFailure::decl(cfg),
        GroupFairnessView::decl(cfg),
        FailingGroupView::decl(cfg),
        ParityView::decl(cfg),
        FairnessReport::decl(cfg),
        FeatureDriftView::decl(cfg),
        DriftReport::decl(cfg),
        ChartKind::decl(cfg),
        ChartTheme::decl(cfg),
        EvalChartRequest::decl(cfg),
        ChartSvg::decl(cfg),
    ]
}
