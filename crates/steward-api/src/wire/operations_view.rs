//! Wire types of the studio's Operations screen (issue 12, point 5): one model's operations
//! after release in one answer — the guardrails with what each chart would show, the traffic
//! dial with its history and hook outcomes, guardrail events, incidents, feedback, the review
//! queue and the weekly triage — and the guardrail chart the core draws.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{
    ChartTheme, FeedbackSummaryView, HookRunView, IncidentView, MonitorView, QueueItemView,
    TrafficChangeView, TrafficHookView, TrafficView, TriageView,
};

/// One guardrail of the policy in force and the windows its chart reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GuardrailSeriesView {
    /// The rule's id (what `guardrail_chart` takes).
    pub rule: String,
    /// `canary` or `production`.
    pub stage: String,
    /// The metric.
    pub metric: String,
    /// What it watches and does, in words.
    pub description: String,
    /// The version whose windows it reads (the canary or production now).
    pub version: Option<String>,
    /// Windows of that version stored for the metric.
    pub windows: u32,
    /// Windows that crossed one of the rule's bounds.
    pub crossed: u32,
    /// Windows the rule breaches on (part of a run of its `windows` in a row).
    pub breaching: u32,
    /// Guardrail events this rule recorded for that version.
    pub events: u32,
}

/// One change of the traffic dial with the runs of the model's hook after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DialEntryView {
    /// The change.
    pub change: TrafficChangeView,
    /// The hook's runs after it (none when no hook was set).
    pub hook_runs: Vec<HookRunView>,
}

/// Everything the Operations screen shows for one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OperationsView {
    /// The model.
    pub model: String,
    /// The guardrail state: status, guardrails, imports, events.
    pub monitor: MonitorView,
    /// One entry per guardrail of the policy, in policy order.
    pub series: Vec<GuardrailSeriesView>,
    /// The traffic dial now.
    pub traffic: TrafficView,
    /// The dial's history, newest first, each change with its hook runs.
    pub dial: Vec<DialEntryView>,
    /// The model's hook.
    pub hook: TrafficHookView,
    /// Incidents, newest first.
    pub incidents: Vec<IncidentView>,
    /// Feedback per version and prompt variant.
    pub feedback: FeedbackSummaryView,
    /// The review queue, labelled items included (the latest label shown), in queue order.
    pub queue: Vec<QueueItemView>,
    /// Items still waiting for a label.
    pub queue_open: u32,
    /// The weekly triage.
    pub triage: TriageView,
}

/// What drawing a guardrail's chart needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GuardrailChartRequest {
    /// The model.
    pub model: String,
    /// The rule's id.
    pub rule: String,
    /// Light or dark.
    pub theme: ChartTheme,
}

/// A guardrail's chart, drawn by the core.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GuardrailChartSvg {
    /// The rule.
    pub rule: String,
    /// Its title.
    pub title: String,
    /// The SVG document.
    pub svg: String,
    /// Windows drawn.
    pub windows: u32,
    /// Windows that crossed a bound.
    pub crossed: u32,
    /// Windows the rule breaches on.
    pub breaching: u32,
    /// Guardrail events drawn as lines.
    pub events: u32,
}

/// The declarations of this module.
pub(crate) fn operations_view_decls(cfg: &ts_rs::Config) -> Vec<String> {
    vec![
        GuardrailSeriesView::decl(cfg),
        DialEntryView::decl(cfg),
        OperationsView::decl(cfg),
        GuardrailChartRequest::decl(cfg),
        GuardrailChartSvg::decl(cfg),
    ]
}
