//! In-product feedback (issue 12, point 4): what a feedback item is, how its text is redacted
//! before anything stores it ([`redact`]), which items need a human ([`needs_review`]), the
//! summaries per version and prompt variant ([`summarize`]) and the weekly triage
//! ([`triage()`]). Pure: callers pass the stored items and the time.

pub mod redact;
mod summary;
mod triage;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use redact::{
    compile_pattern, cut_tokens, iban_valid, luhn_valid, PiiKind, Redacted, Redactor,
};
pub use summary::{summarize, LabelCounts, VariantSummary};
pub use triage::{triage, Triage, TriageItem, TRIAGE_DAYS, TRIAGE_SAMPLES};

/// The default token limit when a policy has no `[feedback]` section.
pub const DEFAULT_MAX_TOKENS: usize = 512;

/// The largest token limit a policy may set (bounds what one item can hold).
pub const MAX_TOKENS_LIMIT: usize = 10_000;

/// The variant name used when neither the file nor the caller names one.
pub const DEFAULT_VARIANT: &str = "default";

/// One of the policy's own redaction patterns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtraPattern {
    /// A slug; the placeholder is the name in capitals (`[EMPLOYEE-ID]`).
    pub name: String,
    /// A regular expression (the Rust `regex` crate's syntax).
    pub pattern: String,
    /// Line of the pattern in the policy file.
    pub line: usize,
}

/// The policy's feedback rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackRules {
    /// Texts are cut to this many tokens (runs of non-whitespace) after redaction.
    pub max_tokens: usize,
    /// Patterns redacted besides the built-in kinds.
    pub patterns: Vec<ExtraPattern>,
}

impl Default for FeedbackRules {
    fn default() -> Self {
        FeedbackRules {
            max_tokens: DEFAULT_MAX_TOKENS,
            patterns: Vec::new(),
        }
    }
}

/// What a person said about an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum FeedbackKind {
    /// Thumbs up.
    ThumbsUp,
    /// Thumbs down.
    ThumbsDown,
    /// A free-form correction of the answer.
    Correction,
    /// The person overrode the model's answer or action.
    Override,
}

impl FeedbackKind {
    /// Every kind.
    pub const ALL: [FeedbackKind; 4] = [
        FeedbackKind::ThumbsUp,
        FeedbackKind::ThumbsDown,
        FeedbackKind::Correction,
        FeedbackKind::Override,
    ];

    /// The name in files and over the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackKind::ThumbsUp => "thumbs-up",
            FeedbackKind::ThumbsDown => "thumbs-down",
            FeedbackKind::Correction => "correction",
            FeedbackKind::Override => "override",
        }
    }

    /// A complaint: thumbs down or a correction.
    pub fn is_complaint(self) -> bool {
        matches!(self, FeedbackKind::ThumbsDown | FeedbackKind::Correction)
    }
}

impl fmt::Display for FeedbackKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FeedbackKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        FeedbackKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| "one of thumbs-up, thumbs-down, correction, override".to_string())
    }
}

/// A reviewer's verdict on a flagged interaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Label {
    /// The model's answer was right.
    Correct,
    /// The answer was wrong.
    Wrong,
    /// The answer was unsafe.
    Unsafe,
    /// Something else (the note says what).
    Other,
}

impl Label {
    /// Every label.
    pub const ALL: [Label; 4] = [Label::Correct, Label::Wrong, Label::Unsafe, Label::Other];

    /// The name in files and over the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Correct => "correct",
            Label::Wrong => "wrong",
            Label::Unsafe => "unsafe",
            Label::Other => "other",
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Label {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Label::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| "one of correct, wrong, unsafe, other".to_string())
    }
}

/// Whether an item goes to the human review queue: the person flagged it, or it reports a
/// safety problem (a safety report always gets a human).
pub fn needs_review(flagged: bool, safety: bool) -> bool {
    flagged || safety
}

/// The review queue of `items`: the ones that [`needs_review`], without a label unless
/// `with_labelled`; safety reports first, then oldest first (by id).
pub fn review_queue(items: &[FeedbackFacts], with_labelled: bool) -> Vec<&FeedbackFacts> {
    let mut out: Vec<&FeedbackFacts> = items
        .iter()
        .filter(|it| needs_review(it.flagged, it.safety))
        .filter(|it| with_labelled || it.label.is_none())
        .collect();
    out.sort_by_key(|it| (!it.safety, it.id));
    out
}

/// A stored feedback item as the rules read it (texts already redacted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackFacts {
    /// The stored item's id.
    pub id: i64,
    /// The model version it is about (`1.2.0-12`).
    pub version: String,
    /// The prompt variant.
    pub variant: String,
    /// What the person said.
    pub kind: FeedbackKind,
    /// When (RFC 3339).
    pub at: String,
    /// The comment, redacted.
    pub text: String,
    /// The correction, redacted.
    pub correction: String,
    /// Flagged for review.
    pub flagged: bool,
    /// Reports a safety problem.
    pub safety: bool,
    /// Finds redacted across the item's texts.
    pub redactions: u32,
    /// Whether any text was cut to the token limit.
    pub truncated: bool,
    /// The latest reviewer label, if any.
    pub label: Option<Label>,
}

#[cfg(test)]
mod tests;
