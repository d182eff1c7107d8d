//! Summaries of feedback per model version and prompt variant.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{needs_review, FeedbackFacts, FeedbackKind, Label};
use crate::version::Version;

/// Labels given by reviewers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LabelCounts {
    /// `correct`.
    pub correct: u64,
    /// `wrong`.
    pub wrong: u64,
    /// `unsafe`.
    #[serde(rename = "unsafe")]
    pub unsafe_: u64,
    /// `other`.
    pub other: u64,
}

/// One version and variant's feedback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VariantSummary {
    /// The model version.
    pub version: String,
    /// The prompt variant.
    pub variant: String,
    /// Items.
    pub items: u64,
    /// Thumbs up.
    pub thumbs_up: u64,
    /// Thumbs down.
    pub thumbs_down: u64,
    /// Corrections.
    pub corrections: u64,
    /// Overrides.
    pub overrides: u64,
    /// Safety reports.
    pub safety: u64,
    /// Items in the review queue (flagged or safety), labelled or not.
    pub for_review: u64,
    /// Of those, still without a label.
    pub unlabelled: u64,
    /// Reviewer labels.
    pub labels: LabelCounts,
    /// Thumbs up ÷ (thumbs up + thumbs down); None without thumbs.
    pub thumbs_up_ratio: Option<f64>,
    /// (Overrides + corrections) ÷ items.
    pub override_rate: Option<f64>,
    /// Items with at least one redaction.
    pub redacted_items: u64,
    /// Items cut to the token limit.
    pub truncated_items: u64,
}

/// One summary per (version, variant), newest version first, variants by name.
pub fn summarize(items: &[FeedbackFacts]) -> Vec<VariantSummary> {
    let mut groups: BTreeMap<(String, String), VariantSummary> = BTreeMap::new();
    for it in items {
        let s = groups
            .entry((it.version.clone(), it.variant.clone()))
            .or_insert_with(|| VariantSummary {
                version: it.version.clone(),
                variant: it.variant.clone(),
                items: 0,
                thumbs_up: 0,
                thumbs_down: 0,
                corrections: 0,
                overrides: 0,
                safety: 0,
                for_review: 0,
                unlabelled: 0,
                labels: LabelCounts::default(),
                thumbs_up_ratio: None,
                override_rate: None,
                redacted_items: 0,
                truncated_items: 0,
            });
        s.items += 1;
        match it.kind {
            FeedbackKind::ThumbsUp => s.thumbs_up += 1,
            FeedbackKind::ThumbsDown => s.thumbs_down += 1,
            FeedbackKind::Correction => s.corrections += 1,
            FeedbackKind::Override => s.overrides += 1,
        }
        s.safety += u64::from(it.safety);
        if needs_review(it.flagged, it.safety) {
            s.for_review += 1;
            s.unlabelled += u64::from(it.label.is_none());
        }
        match it.label {
            Some(Label::Correct) => s.labels.correct += 1,
            Some(Label::Wrong) => s.labels.wrong += 1,
            Some(Label::Unsafe) => s.labels.unsafe_ += 1,
            Some(Label::Other) => s.labels.other += 1,
            None => {}
        }
        s.redacted_items += u64::from(it.redactions > 0);
        s.truncated_items += u64::from(it.truncated);
    }
    let mut out: Vec<VariantSummary> = groups
        .into_values()
        .map(|mut s| {
            let thumbs = s.thumbs_up + s.thumbs_down;
            s.thumbs_up_ratio = (thumbs > 0).then(|| ratio(s.thumbs_up, thumbs));
            s.override_rate = (s.items > 0).then(|| ratio(s.overrides + s.corrections, s.items));
            s
        })
        .collect();
    // Newest version first (numeric order), then variant name.
    out.sort_by(|a, b| {
        let va = a.version.parse::<Version>().ok();
        let vb = b.version.parse::<Version>().ok();
        vb.cmp(&va)
            .then_with(|| b.version.cmp(&a.version))
            .then_with(|| a.variant.cmp(&b.variant))
    });
    out
}

#[allow(clippy::cast_precision_loss)]
fn ratio(n: u64, d: u64) -> f64 {
    n as f64 / d as f64
}
