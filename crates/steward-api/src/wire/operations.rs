//! Wire types of operations after release (issue 12): online windows and guardrails
//! (`steward monitor`), incidents, and the workspace's guardrail service key.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Imports one file of online windows for a model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MonitorImport {
    /// The model.
    pub model: String,
    /// The CSV file: `timestamp,version,metric,value`, one value per window.
    pub file: String,
}

/// One breach of a guardrail, with what was done about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GuardrailEventView {
    /// The rule.
    pub rule: String,
    /// The stage it watches.
    pub stage: String,
    /// The metric.
    pub metric: String,
    /// The window where it breached (RFC 3339).
    pub window: String,
    /// The value there.
    pub observed: f64,
    /// Production's value in the same window (canary rules).
    pub production: Option<f64>,
    /// The bound crossed, in words.
    pub bound: String,
    /// Consecutive bad windows up to it.
    pub consecutive: u32,
    /// Bad windows in the file.
    pub bad_windows: u32,
    /// What the rule calls for (`recommend`, `reduce canary traffic to 1%`, `roll production back`).
    pub action: String,
    /// `performed`, `recommended` or `not-performed`.
    pub outcome: String,
    /// What was done, or why not.
    pub detail: String,
    /// The release record of a rollback.
    pub release: Option<String>,
    /// The serving epoch after a traffic change.
    pub traffic_epoch: Option<u32>,
    /// The incident opened (`INC-3`).
    pub incident: Option<String>,
    /// The import it came from.
    pub import: u32,
    /// When it was recorded.
    pub at: String,
}

/// One imported file of online windows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OnlineImportView {
    /// Id.
    pub id: u32,
    /// File name.
    pub file: String,
    /// sha256 of its bytes.
    pub sha256: String,
    /// Canary version then.
    pub canary: Option<String>,
    /// Production version then.
    pub production: Option<String>,
    /// Window values.
    pub rows: u32,
    /// Window length, seconds.
    pub step_s: u32,
    /// First window (RFC 3339).
    pub first: String,
    /// Last window.
    pub last: String,
    /// The policy it was evaluated under.
    pub policy: String,
    /// Who.
    pub actor: String,
    /// When.
    pub at: String,
}

/// A model's guardrail state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MonitorView {
    /// The model.
    pub model: String,
    /// `ok` (the newest import breached nothing), `breach`, or `no-windows`.
    pub status: String,
    /// The canary and production versions now.
    pub canary: Option<String>,
    /// Production.
    pub production: Option<String>,
    /// The guardrails of the policy in force, by id, with what each watches.
    pub guardrails: Vec<GuardrailRuleView>,
    /// The newest import, if any.
    pub latest: Option<OnlineImportView>,
    /// The newest import's breaches.
    pub breaches: Vec<GuardrailEventView>,
    /// Every import, oldest first.
    pub imports: Vec<OnlineImportView>,
    /// Every event, oldest first.
    pub events: Vec<GuardrailEventView>,
}

/// One guardrail of the policy, described.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GuardrailRuleView {
    /// Id.
    pub id: String,
    /// Stage.
    pub stage: String,
    /// Metric.
    pub metric: String,
    /// What it watches and does.
    pub description: String,
}

/// Opens an incident by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IncidentOpen {
    /// The model.
    pub model: String,
    /// Title.
    pub title: String,
    /// `sev1`…`sev4`.
    pub severity: String,
    /// Versions involved (default: the canary and production versions).
    #[serde(default)]
    pub versions: Vec<String>,
    /// The rollback's release record (its sha256), when one was made.
    #[serde(default)]
    #[ts(optional)]
    pub rollback: Option<String>,
}

/// Closes an incident with its post-incident analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IncidentClose {
    /// `INC-3` or `3`.
    pub incident: String,
    /// The analysis.
    pub analysis: String,
    /// Action items: `TEXT` or `TEXT => suite:NAME` (every later promotion of the model must
    /// then show a run of suite NAME).
    #[serde(default)]
    pub actions: Vec<String>,
}

/// One post-incident action item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ActionItemView {
    /// What is to be done.
    pub text: String,
    /// The suite later promotions must show a run of.
    pub requires_suite: Option<String>,
}

/// One entry of an incident's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IncidentEntryView {
    /// `note`, `rollback`, `traffic` or `close`.
    pub kind: String,
    /// Text.
    pub text: String,
    /// A release record.
    pub release: Option<String>,
    /// Who.
    pub actor: String,
    /// When.
    pub at: String,
}

/// An incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IncidentView {
    /// `INC-3`.
    pub reference: String,
    /// The model.
    pub model: String,
    /// Title.
    pub title: String,
    /// Severity.
    pub severity: String,
    /// `open` or `closed`.
    pub state: String,
    /// Versions involved.
    pub versions: Vec<String>,
    /// `manual` or `guardrail:<rule>`.
    pub source: String,
    /// The rollback's release record.
    pub rollback: Option<String>,
    /// The post-incident analysis (closed incidents).
    pub analysis: Option<String>,
    /// Action items.
    pub actions: Vec<ActionItemView>,
    /// Timeline, oldest first.
    pub timeline: Vec<IncidentEntryView>,
    /// The text to paste into the stakeholders' channel.
    pub notification: String,
    /// Who opened it.
    pub opened_by: String,
    /// When.
    pub opened_at: String,
}

/// The workspace's guardrail service key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ServiceKeyView {
    /// Its keyring entry.
    pub identity: String,
    /// Key id.
    pub keyid: String,
    /// Fingerprint.
    pub fingerprint: String,
    /// Whether this call made it (false: it existed).
    pub created: bool,
    /// Its roles in the roster now.
    pub roles: Vec<String>,
}

/// The declarations of this module.
pub(crate) fn operations_decls(cfg: &ts_rs::Config) -> Vec<String> {
    vec![
        MonitorImport::decl(cfg),
        GuardrailEventView::decl(cfg),
        OnlineImportView::decl(cfg),
        MonitorView::decl(cfg),
        GuardrailRuleView::decl(cfg),
        IncidentOpen::decl(cfg),
        IncidentClose::decl(cfg),
        ActionItemView::decl(cfg),
        IncidentEntryView::decl(cfg),
        IncidentView::decl(cfg),
        ServiceKeyView::decl(cfg),
    ]
}
