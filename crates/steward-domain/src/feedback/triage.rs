//! The weekly triage: a model's complaints, safety reports and override samples of the last
//! seven days.

use serde::{Deserialize, Serialize};

use super::{FeedbackFacts, FeedbackKind, Label};
use crate::gate::time::{format_rfc3339, parse_rfc3339};

/// The triage window, in days.
pub const TRIAGE_DAYS: i64 = 7;

/// How many complaints and overrides the triage shows (newest first); safety reports are all
/// shown.
pub const TRIAGE_SAMPLES: usize = 10;

/// One item shown in the triage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TriageItem {
    /// The stored item's id.
    pub id: i64,
    /// The model version.
    pub version: String,
    /// The prompt variant.
    pub variant: String,
    /// What the person said.
    pub kind: FeedbackKind,
    /// When.
    pub at: String,
    /// The comment or, when there is none, the correction (redacted).
    pub text: String,
    /// The reviewer's label, if any.
    pub label: Option<Label>,
}

/// A model's week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Triage {
    /// Start of the window (exclusive), RFC 3339.
    pub from: String,
    /// End of the window (inclusive): now.
    pub to: String,
    /// Items in the window.
    pub items: u64,
    /// Thumbs down and corrections in the window.
    pub complaints: u64,
    /// Safety reports in the window.
    pub safety_incidents: u64,
    /// Overrides in the window.
    pub overrides: u64,
    /// The newest complaints (up to [`TRIAGE_SAMPLES`]).
    pub complaint_samples: Vec<TriageItem>,
    /// Every safety report, newest first.
    pub safety: Vec<TriageItem>,
    /// The newest overrides (up to [`TRIAGE_SAMPLES`]).
    pub override_samples: Vec<TriageItem>,
}

fn shown(it: &FeedbackFacts) -> TriageItem {
    TriageItem {
        id: it.id,
        version: it.version.clone(),
        variant: it.variant.clone(),
        kind: it.kind,
        at: it.at.clone(),
        text: if it.text.trim().is_empty() {
            it.correction.clone()
        } else {
            it.text.clone()
        },
        label: it.label,
    }
}

/// The triage of `items` (one model's) for the seven days up to `now` (seconds since the
/// epoch): items after `now − 7 days` and not after `now`. Items whose time does not parse
/// are left out (the import never stores one).
pub fn triage(items: &[FeedbackFacts], now: i64) -> Triage {
    let from = now - TRIAGE_DAYS * 86_400;
    let mut week: Vec<(i64, &FeedbackFacts)> = items
        .iter()
        .filter_map(|it| parse_rfc3339(&it.at).map(|t| (t, it)))
        .filter(|(t, _)| *t > from && *t <= now)
        .collect();
    // Newest first; the later id first among equal times.
    week.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.id.cmp(&a.1.id)));
    let complaints: Vec<&FeedbackFacts> = week
        .iter()
        .map(|(_, it)| *it)
        .filter(|it| it.kind.is_complaint())
        .collect();
    let safety: Vec<&FeedbackFacts> = week
        .iter()
        .map(|(_, it)| *it)
        .filter(|it| it.safety)
        .collect();
    let overrides: Vec<&FeedbackFacts> = week
        .iter()
        .map(|(_, it)| *it)
        .filter(|it| it.kind == FeedbackKind::Override)
        .collect();
    Triage {
        from: format_rfc3339(from),
        to: format_rfc3339(now),
        items: week.len() as u64,
        complaints: complaints.len() as u64,
        safety_incidents: safety.len() as u64,
        overrides: overrides.len() as u64,
        complaint_samples: complaints
            .iter()
            .take(TRIAGE_SAMPLES)
            .map(|it| shown(it))
            .collect(),
        safety: safety.iter().map(|it| shown(it)).collect(),
        override_samples: overrides
            .iter()
            .take(TRIAGE_SAMPLES)
            .map(|it| shown(it))
            .collect(),
    }
}
