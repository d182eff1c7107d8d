//! Wire types of the release documents (model cards, data sheets, risk assessments, eval
//! reports, runbooks, rollout plans).
//!
//! A document is named by `(target, kind)`: `target` is `MODEL@VERSION` for every kind but
//! data sheets, which belong to a dataset snapshot and take its `NAME@VERSION`. Revisions are
//! numbered from 1 per document. Completeness findings, risk rows and the kind itself are the
//! domain's types, declared here for TypeScript.

use serde::{Deserialize, Serialize};
use steward_domain::document::merge::{HunkKind, MergeChoice};
use steward_domain::document::{
    Finding, FindingCode, RiskBand, RiskEdit, RiskField, RiskRow, RiskTreatment, RiskValue,
    RISK_SCALE,
};
use steward_domain::{Completeness, DocumentKind};
use ts_rs::TS;

/// Names one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentRef {
    /// `MODEL@VERSION`, or the dataset snapshot's `NAME@VERSION` for a data sheet.
    pub target: String,
    /// The kind.
    pub kind: DocumentKind,
}

/// A new revision from text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentSave {
    /// `MODEL@VERSION`, or `NAME@VERSION` of a dataset for a data sheet.
    pub target: String,
    /// The kind.
    pub kind: DocumentKind,
    /// The full text (Markdown with YAML front matter).
    pub text: String,
    /// The revision the editor started from; the save is refused if the head moved since.
    /// None saves over whatever the head is.
    pub base_revision: Option<u32>,
    /// For a merge of two concurrent edits: the other revision this text combines.
    pub merge_parent: Option<u32>,
    /// Why, for the history.
    pub message: Option<String>,
}

/// One stretch of a three-way merge, as the domain found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MergeHunkView {
    /// What happened to it.
    pub kind: HunkKind,
    /// The common ancestor's text of the stretch.
    pub base: String,
    /// This workspace's head's text.
    pub ours: String,
    /// The other head's text.
    pub theirs: String,
    /// The merged text, None for a conflict.
    pub merged: Option<String>,
}

/// Two heads of one document to merge (a pull found someone else's concurrent edit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentMergeView {
    /// `MODEL@VERSION`.
    pub target: String,
    /// The kind.
    pub kind: DocumentKind,
    /// This workspace's head.
    pub ours: RevisionView,
    /// The other head.
    pub theirs: RevisionView,
    /// Their nearest common ancestor, None when they share none (then the base is empty).
    pub base: Option<RevisionView>,
    /// The stretches in order.
    pub hunks: Vec<MergeHunkView>,
    /// How many stretches conflict.
    pub conflicts: u32,
    /// The merged text with each conflict between markers.
    pub marked: String,
    /// The merged text when nothing conflicts.
    pub clean: Option<String>,
}

/// Composes a merge from one choice per conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentMergeCompose {
    /// `MODEL@VERSION`.
    pub target: String,
    /// The kind.
    pub kind: DocumentKind,
    /// The other head's revision number the merge was shown for.
    pub theirs: u32,
    /// One per conflict, in order.
    pub choices: Vec<MergeChoice>,
}

/// Saves a merge: a revision with two parents, this workspace's head and `theirs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentMergeSave {
    /// `MODEL@VERSION`.
    pub target: String,
    /// The kind.
    pub kind: DocumentKind,
    /// The head the merge was shown for; refused if it moved since.
    pub ours: u32,
    /// The other head.
    pub theirs: u32,
    /// The merged text; refused while it holds conflict markers.
    pub text: String,
    /// Why, for the history (defaults to `merge rN`).
    pub message: Option<String>,
}

/// One revision, without its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RevisionView {
    /// 1, 2, 3, … within the document.
    pub number: u32,
    /// `sha256:…` of the text.
    pub sha256: String,
    /// Size of the text in bytes.
    pub bytes: u64,
    /// Who saved it.
    pub author: String,
    /// Why, if said (`restore r1` for restores).
    pub message: String,
    /// The revision it was written over.
    pub parent: Option<u32>,
    /// The other revision of a merge.
    pub second_parent: Option<u32>,
    /// When, RFC 3339.
    pub created_at: String,
}

/// Where front matter stops parsing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FrontMatterProblem {
    /// 1-based line in the document.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

/// A document rendered for reading: sanitized HTML, safe to insert into the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RenderedView {
    /// The front matter as a structured panel (the risk register as a scored table).
    pub front_matter_html: String,
    /// The Markdown body.
    pub body_html: String,
    /// Set when the front matter does not parse (the whole text is then the body).
    pub front_matter_error: Option<FrontMatterProblem>,
}

/// One document at one revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentView {
    /// `MODEL@VERSION` or the dataset's `NAME@VERSION`.
    pub target: String,
    /// The kind.
    pub kind: DocumentKind,
    /// Human title of the kind ("Model card").
    pub title: String,
    /// The revision shown.
    pub revision: RevisionView,
    /// The head revision's number (equal to `revision.number` unless an older one is shown).
    pub head: u32,
    /// The text of the revision shown.
    pub text: String,
    /// The text rendered.
    pub rendered: RenderedView,
    /// The gaps of the text shown.
    pub completeness: Completeness,
    /// The risk register with computed scores and bands (risk assessments; empty otherwise).
    pub risks: Vec<RiskRow>,
}

/// The result of a save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentSaveResult {
    /// False when the text equals the head: no revision was created.
    pub created: bool,
    /// The document at its (new) head.
    pub document: DocumentView,
}

/// Text to preview without saving (the editor's live preview).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentPreviewRequest {
    /// The document's target, so data sheets are checked against their snapshot; optional.
    pub target: Option<String>,
    /// The kind, for the completeness rules.
    pub kind: DocumentKind,
    /// The text being edited.
    pub text: String,
}

/// An edit of the risk register to write into the text being edited (the risk table's cells).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentRiskSet {
    /// The text being edited.
    pub text: String,
    /// The edit.
    pub edit: RiskEdit,
}

/// A live preview: rendered text and its gaps. Never an error for broken front matter: that is
/// a finding with its line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentPreview {
    /// The text rendered.
    pub rendered: RenderedView,
    /// Its gaps.
    pub completeness: Completeness,
    /// The risk register with computed scores and bands.
    pub risks: Vec<RiskRow>,
}

/// What a diff line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DiffTag {
    /// In both.
    Equal,
    /// Only in the newer revision.
    Insert,
    /// Only in the older revision.
    Delete,
}

/// One line of a diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DiffLine {
    /// Equal, insert or delete.
    pub tag: DiffTag,
    /// 1-based line in the older revision.
    pub old_line: Option<u32>,
    /// 1-based line in the newer revision.
    pub new_line: Option<u32>,
    /// The line, without its newline.
    pub text: String,
}

/// A line diff of two revisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentDiff {
    /// The document's target.
    pub target: String,
    /// The kind.
    pub kind: DocumentKind,
    /// The older side's revision.
    pub from: u32,
    /// The newer side's revision.
    pub to: u32,
    /// Every line, in order.
    pub lines: Vec<DiffLine>,
    /// Lines added.
    pub insertions: u32,
    /// Lines removed.
    pub deletions: u32,
    /// The same as a unified diff (3 lines of context).
    pub unified: String,
}

/// One required document of a version and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentStatus {
    /// The kind.
    pub kind: DocumentKind,
    /// `MODEL@VERSION`, or the dataset snapshot for a data sheet.
    pub target: String,
    /// Whether it exists.
    pub exists: bool,
    /// The head revision, when it exists.
    pub revision: Option<u32>,
    /// Who saved the head.
    pub author: Option<String>,
    /// When the head was saved.
    pub updated_at: Option<String>,
    /// Whether it exists and has no findings.
    pub complete: bool,
    /// Its findings (for a missing document: one saying how to create it).
    pub findings: Vec<Finding>,
}

/// The documents of a version (and the data sheets of its dataset snapshots) with their
/// completeness: the list screen and `steward doc check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VersionDocuments {
    /// The model.
    pub model: String,
    /// The version.
    pub version: String,
    /// Whether every required document exists and is complete.
    pub complete: bool,
    /// Every required document, present or not, in the seed's order.
    pub documents: Vec<DocumentStatus>,
    /// The compliance documents (AI impact assessment, post-market monitoring plan, EU
    /// declaration of conformity), present or not: packs ask for them, a release does not, so
    /// they do not count towards `complete`.
    pub compliance: Vec<DocumentStatus>,
}

/// A template as the studio shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentTemplateView {
    /// The kind.
    pub kind: DocumentKind,
    /// Human title.
    pub title: String,
    /// Sections a complete document has.
    pub required_sections: Vec<String>,
    /// Front-matter fields a complete document has.
    pub required_fields: Vec<String>,
    /// The template text (with its `template:` block).
    pub text: String,
}

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// Hugging Face `README.md` with `model-index`.
    Hf,
    /// Model Card Toolkit JSON (schema v0.0.2).
    Mct,
    /// A self-contained HTML dossier of every document of the version.
    Html,
}

/// An export, ready to write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentExport {
    /// The format.
    pub format: ExportFormat,
    /// A suggested file name (`README.md`, `model-card.json`, `…-dossier.html`).
    pub file_name: String,
    /// The file's text.
    pub content: String,
}

/// An unsaved draft, kept so an edit survives a crash or a closed window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentDraft {
    /// The document's target.
    pub target: String,
    /// The kind.
    pub kind: DocumentKind,
    /// The text being edited.
    pub text: String,
    /// The revision the edit started from (none for a document not yet saved).
    pub base_revision: Option<u32>,
    /// When it was kept, RFC 3339 (set by the core; ignored on save).
    pub saved_at: String,
}

/// This module's TypeScript declarations, in the order they are written.
pub(super) fn document_decls(cfg: &ts_rs::Config) -> Vec<String> {
    vec![
        DocumentKind::decl(cfg),
        FindingCode::decl(cfg),
        Finding::decl(cfg),
        Completeness::decl(cfg),
        RiskBand::decl(cfg),
        RiskRow::decl(cfg),
        RiskTreatment::decl(cfg),
        RiskField::decl(cfg),
        RiskValue::decl(cfg),
        RiskEdit::decl(cfg),
        DocumentRef::decl(cfg),
        DocumentSave::decl(cfg),
        RevisionView::decl(cfg),
        FrontMatterProblem::decl(cfg),
        RenderedView::decl(cfg),
        DocumentView::decl(cfg),
        DocumentSaveResult::decl(cfg),
        DocumentPreviewRequest::decl(cfg),
        DocumentPreview::decl(cfg),
        DocumentRiskSet::decl(cfg),
        DiffTag::decl(cfg),
        DiffLine::decl(cfg),
        DocumentDiff::decl(cfg),
        DocumentStatus::decl(cfg),
        VersionDocuments::decl(cfg),
        DocumentTemplateView::decl(cfg),
        ExportFormat::decl(cfg),
        DocumentExport::decl(cfg),
        DocumentDraft::decl(cfg),
        HunkKind::decl(cfg),
        MergeChoice::decl(cfg),
        MergeHunkView::decl(cfg),
        DocumentMergeView::decl(cfg),
        DocumentMergeCompose::decl(cfg),
        DocumentMergeSave::decl(cfg),
    ]
}

/// The choices the risk table offers, as TypeScript values generated from the domain's
/// constants, so the studio lists exactly what the completeness check accepts.
pub(crate) fn document_values() -> String {
    let treatments: Vec<&str> = RiskTreatment::ALL.iter().map(|t| t.as_str()).collect();
    format!(
        "/** The treatments a risk row may name, in the order a choice lists them. */\nexport const RISK_TREATMENTS: readonly RiskTreatment[] = {};\n\n/** The points of the likelihood and impact scales. */\nexport const RISK_SCALE: readonly number[] = {};",
        serde_json::to_string(&treatments).unwrap_or_default(),
        serde_json::to_string(&RISK_SCALE).unwrap_or_default(),
    )
}
