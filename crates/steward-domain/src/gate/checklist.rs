//! The seed's §5 production-eligibility checklist, derived from a gate report's checks: an
//! item is ✓ when every check behind it passes or is waived, ✗ when one fails, and missing
//! when one lacks evidence or no check stands behind it. Nothing is computed twice.

use serde::{Deserialize, Serialize};

use super::{CheckStatus, GateReport};

/// The ten items, in the seed's order and words.
pub const CHECKLIST_ITEMS: [&str; 10] = [
    "Versioned artifacts exist: code, dataset manifest, config, model image/bundle with checksums.",
    "Model card, data sheet, risk assessment, and runbook published and linked in release record.",
    "Offline quality beats prod baseline; red-team and bias evaluations meet thresholds.",
    "Safety systems enabled: content filters, PII detectors, rate limits, guardrail prompts/tests.",
    "Latency, reliability, and cost meet SLO/SLA in load tests; autoscaling configured.",
    "Observability wired: tracing, metrics, logs with redaction, dashboard + alerts per SLO.",
    "Rollback plan verified: previous version available; feature flag/traffic dial tested.",
    "Access controls set: secrets managed, roles/permissions configured, data retention/TTL set.",
    "Stakeholder approvals recorded: Product, Security/Privacy, Responsible AI/Legal, SRE, Model owner.",
    "Incident response and feedback loops ready: escalation paths, triage cadence, feedback ingestion tagged by model version.",
];

/// An item's mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum ChecklistMark {
    /// ✓ — every check behind it passes or is waived.
    Met,
    /// ✗ — a check behind it fails.
    NotMet,
    /// A check behind it lacks evidence, or none stands behind it.
    Missing,
}

impl ChecklistMark {
    /// ✓, ✗ or "missing".
    pub fn symbol(self) -> &'static str {
        match self {
            ChecklistMark::Met => "✓",
            ChecklistMark::NotMet => "✗",
            ChecklistMark::Missing => "missing",
        }
    }
}

/// One checklist item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    /// 1–10.
    pub number: u8,
    /// The seed's words.
    pub text: String,
    /// The mark.
    pub mark: ChecklistMark,
    /// The checks behind it, in report order.
    pub checks: Vec<String>,
    /// The ids of the checks that stop it (failing or missing evidence).
    pub blocking: Vec<String>,
}

/// The ten items from `report` (a production gate report carries a check for each).
pub fn checklist(report: &GateReport) -> Vec<ChecklistItem> {
    (1..=10u8)
        .map(|number| {
            let behind: Vec<_> = report
                .checks
                .iter()
                .filter(|c| c.checklist == Some(number))
                .collect();
            let statuses = behind.iter().map(|c| c.status);
            let mark = if behind.is_empty() {
                ChecklistMark::Missing
            } else if statuses.clone().any(|s| s == CheckStatus::Fail) {
                ChecklistMark::NotMet
            } else if statuses.clone().any(|s| s == CheckStatus::MissingEvidence) {
                ChecklistMark::Missing
            } else {
                ChecklistMark::Met
            };
            ChecklistItem {
                number,
                text: CHECKLIST_ITEMS[usize::from(number - 1)].to_string(),
                mark,
                checks: behind.iter().map(|c| c.id.clone()).collect(),
                blocking: behind
                    .iter()
                    .filter(|c| !c.status.allows())
                    .map(|c| c.id.clone())
                    .collect(),
            }
        })
        .collect()
}
