//! The release-document commands (issue 4): one-line adapters into the `doc_*` operations of
//! [`steward_api::Workspace`], with the same conventions as [`crate::commands`] — single-word
//! parameters (JS keys are their camelCase), errors as `{code, message}`, every command off the
//! main thread.
//!
//! The one thing done here rather than in the core is writing an export: the window has no fs
//! plugin, so the shell writes the core's text to the path the user picked in the shell's own
//! save dialog (`export_pick`). The window chooses neither what is written nor where.

use steward_api::wire::{
    DocumentDiff, DocumentDraft, DocumentExport, DocumentMergeCompose, DocumentMergeSave,
    DocumentMergeView, DocumentPreview, DocumentPreviewRequest, DocumentRef, DocumentRiskSet,
    DocumentSave, DocumentSaveResult, DocumentStatus, DocumentTemplateView, DocumentView,
    ExportFormat, RevisionView, VersionDocuments,
};
use steward_api::ApiError;
use tauri::State;

use crate::export::Exports;
use crate::Studio;

type Reply<T> = Result<T, ApiError>;

/// The built-in templates, one per kind.
#[tauri::command(async)]
pub fn doc_templates(studio: State<'_, Studio>) -> Reply<Vec<DocumentTemplateView>> {
    studio.with(|w| Ok(w.doc_templates()))
}

/// Creates a document from its kind's template as revision 1.
#[tauri::command(async)]
pub fn doc_new(studio: State<'_, Studio>, doc: DocumentRef) -> Reply<DocumentView> {
    studio.with(|w| w.doc_new(&doc))
}

/// Saves text as a new revision (refused when its base revision is stale).
#[tauri::command(async)]
pub fn doc_save(studio: State<'_, Studio>, req: DocumentSave) -> Reply<DocumentSaveResult> {
    studio.with(|w| w.doc_save(&req))
}

/// A document at its head, or at `revision`.
#[tauri::command(async)]
pub fn doc_show(
    studio: State<'_, Studio>,
    doc: DocumentRef,
    revision: Option<u32>,
) -> Reply<DocumentView> {
    studio.with(|w| w.doc_show(&doc, revision))
}

/// Renders and checks text without saving it (the editor's live preview).
#[tauri::command(async)]
pub fn doc_preview(
    studio: State<'_, Studio>,
    req: DocumentPreviewRequest,
) -> Reply<DocumentPreview> {
    studio.with(|w| w.doc_preview(&req))
}

/// Writes one risk-table edit into the text being edited (comments kept); not saved.
#[tauri::command(async)]
pub fn doc_risk_set(studio: State<'_, Studio>, req: DocumentRiskSet) -> Reply<String> {
    studio.with(|w| w.doc_risk_set(&req))
}

/// The revisions of a document, newest first.
#[tauri::command(async)]
pub fn doc_history(studio: State<'_, Studio>, doc: DocumentRef) -> Reply<Vec<RevisionView>> {
    studio.with(|w| w.doc_history(&doc))
}

/// A line diff from revision `from` to revision `to`.
#[tauri::command(async)]
pub fn doc_diff(
    studio: State<'_, Studio>,
    doc: DocumentRef,
    from: u32,
    to: u32,
) -> Reply<DocumentDiff> {
    studio.with(|w| w.doc_diff(&doc, from, to))
}

/// Makes an old revision the head again, as a new revision.
#[tauri::command(async)]
pub fn doc_restore(
    studio: State<'_, Studio>,
    doc: DocumentRef,
    revision: u32,
) -> Reply<DocumentView> {
    studio.with(|w| w.doc_restore(&doc, revision))
}

/// The two heads of a document a sync found, merged three ways.
#[tauri::command(async)]
pub fn doc_merge(studio: State<'_, Studio>, doc: DocumentRef) -> Reply<DocumentMergeView> {
    studio.with(|w| w.doc_merge(&doc))
}

/// The merged text with one choice per conflict.
#[tauri::command(async)]
pub fn doc_merge_compose(studio: State<'_, Studio>, req: DocumentMergeCompose) -> Reply<String> {
    studio.with(|w| w.doc_merge_compose(&req))
}

/// Saves a merge as a revision with both heads as parents.
#[tauri::command(async)]
pub fn doc_merge_save(
    studio: State<'_, Studio>,
    req: DocumentMergeSave,
) -> Reply<DocumentSaveResult> {
    studio.with(|w| w.doc_merge_save(&req))
}

/// Every document a release of `MODEL@VERSION` requires, with completeness.
#[tauri::command(async)]
pub fn doc_check(studio: State<'_, Studio>, target: String) -> Reply<VersionDocuments> {
    studio.with(|w| w.doc_check(&target))
}

/// The documents of a dataset snapshot (its data sheet), with completeness.
#[tauri::command(async)]
pub fn doc_list_dataset(
    studio: State<'_, Studio>,
    reference: String,
) -> Reply<Vec<DocumentStatus>> {
    studio.with(|w| w.doc_list_dataset(&reference))
}

/// Exports a version's documents; with `path`, also writes the file there — only to a path the
/// user chose in the shell's save dialog (`export_pick`), once. Without it, only answers (the
/// suggested file name, for the dialog).
#[tauri::command(async)]
pub fn doc_export(
    studio: State<'_, Studio>,
    exports: State<'_, Exports>,
    target: String,
    format: ExportFormat,
    path: Option<String>,
) -> Reply<DocumentExport> {
    let export = studio.with(|w| w.doc_export(&target, format))?;
    if let Some(path) = path {
        exports.write(&path, export.content.as_bytes())?;
    }
    Ok(export)
}

/// Keeps an unsaved edit so it survives a crash or a closed window.
#[tauri::command(async)]
pub fn doc_draft_save(studio: State<'_, Studio>, draft: DocumentDraft) -> Reply<DocumentDraft> {
    studio.with(|w| w.doc_draft_save(&draft))
}

/// The kept draft of a document, if any.
#[tauri::command(async)]
pub fn doc_draft_load(studio: State<'_, Studio>, doc: DocumentRef) -> Reply<Option<DocumentDraft>> {
    studio.with(|w| w.doc_draft_load(&doc))
}

/// Throws away the kept draft of a document; true when there was one.
#[tauri::command(async)]
pub fn doc_draft_discard(studio: State<'_, Studio>, doc: DocumentRef) -> Reply<bool> {
    studio.with(|w| w.doc_draft_discard(&doc))
}
