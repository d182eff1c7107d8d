//! Wire types of feedback: imports, summaries, the review queue, the triage and the export.

use serde::{Deserialize, Serialize};
use steward_domain::feedback::{
    FeedbackKind, Label, LabelCounts, Triage, TriageItem, VariantSummary,
};
use ts_rs::TS;

use super::{DatasetDetail, ProvenanceView};

/// What a feedback import needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FeedbackImportRequest {
    /// The model.
    pub model: String,
    /// The version the feedback is about.
    pub version: String,
    /// The JSONL or CSV file.
    pub file: String,
    /// The prompt variant of every item (lines naming another one are refused).
    pub variant: Option<String>,
}

/// One stored import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FeedbackImportView {
    /// Import id.
    pub id: u32,
    /// The model.
    pub model: String,
    /// The version.
    pub version: String,
    /// The `--variant` given, or empty.
    pub variant: String,
    /// The file's name (redacted).
    pub file_name: String,
    /// `sha256:` of the file's bytes.
    pub file_sha256: String,
    /// Items stored.
    pub items: u64,
    /// Redactions made before storing.
    pub redactions: u64,
    /// The token limit applied.
    pub max_tokens: u64,
    /// When.
    pub imported_at: String,
}

/// A model's feedback per version and prompt variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FeedbackSummaryView {
    /// The model.
    pub model: String,
    /// Its imports, oldest first.
    pub imports: Vec<FeedbackImportView>,
    /// One summary per version and variant, newest version first.
    pub variants: Vec<VariantSummary>,
}

/// A reviewer's label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FeedbackLabelView {
    /// The label.
    pub label: Label,
    /// The note (redacted).
    pub note: String,
    /// Who.
    pub reviewer: String,
    /// When.
    pub at: String,
}

/// One interaction in the review queue (texts as stored: redacted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct QueueItemView {
    /// Item id (what `queue label` takes).
    pub id: u32,
    /// The model.
    pub model: String,
    /// The version.
    pub version: String,
    /// The prompt variant.
    pub variant: String,
    /// What the person said.
    pub kind: FeedbackKind,
    /// When.
    pub at: String,
    /// The request.
    pub input: String,
    /// The answer.
    pub output: String,
    /// The comment.
    pub comment: String,
    /// The correction.
    pub correction: String,
    /// Flagged by the person.
    pub flagged: bool,
    /// Reports a safety problem.
    pub safety: bool,
    /// Redactions made in its texts.
    pub redactions: u64,
    /// Cut to the token limit.
    pub truncated: bool,
    /// The latest label, if any.
    pub label: Option<FeedbackLabelView>,
}

/// What a label needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct QueueLabelRequest {
    /// Item id.
    pub item: u32,
    /// The label.
    pub label: Label,
    /// A note (redacted before it is stored).
    pub note: String,
}

/// The weekly triage of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TriageView {
    /// The model.
    pub model: String,
    /// The triage.
    pub triage: Triage,
}

/// What exporting labelled items as a dataset snapshot needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FeedbackExportRequest {
    /// The model whose labelled items are exported.
    pub model: String,
    /// The snapshot's dataset name.
    pub name: String,
    /// The snapshot's version.
    pub version: String,
    /// Provenance; `source` defaults to the review queue it came from.
    pub provenance: ProvenanceView,
}

/// The snapshot written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FeedbackExportView {
    /// Labelled items exported.
    pub items: u64,
    /// The folder the snapshot's files were written to.
    pub dir: String,
    /// The snapshot, as `dataset show` gives it.
    pub dataset: DatasetDetail,
}

pub(crate) fn feedback_decls(cfg: &ts_rs::Config) -> Vec<String> {
    vec![
        FeedbackKind::decl(cfg),
        Label::decl(cfg),
        LabelCounts::decl(cfg),
        VariantSummary::decl(cfg),
        TriageItem::decl(cfg),
        Triage::decl(cfg),
        FeedbackImportRequest::decl(cfg),
        FeedbackImportView::decl(cfg),
        FeedbackSummaryView::decl(cfg),
        FeedbackLabelView::decl(cfg),
        QueueItemView::decl(cfg),
        QueueLabelRequest::decl(cfg),
        TriageView::decl(cfg),
        FeedbackExportRequest::decl(cfg),
        FeedbackExportView::decl(cfg),
    ]
}
