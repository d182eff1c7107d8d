//! Operations on release documents: templates, revisions, rendering, completeness, exports.
//!
//! Every text entering the store is checked first — at most [`MAX_DOCUMENT_BYTES`], UTF-8,
//! front matter that parses — so a refused save stores nothing. Unsaved drafts are files under
//! `drafts/` in the workspace (written atomically), not database rows: they change on every
//! pause in typing and are not governance records, so they stay out of the audit log.

use std::path::{Path, PathBuf};
use steward_store::clock::now;

use serde_json::Value;
use similar::{ChangeTag, TextDiff};
use steward_domain::document::{
    builtin_template, check_document_read, edit_risks, parse_document, risk_register, CheckContext,
    DatasetContext, Finding, FindingCode, RiskRow, TemplateVars,
};
use steward_domain::{check_document, Completeness, DatasetRef, DocumentKind, ModelName, Version};
use steward_render::export::dossier::{dossier_html, Dossier, DossierChart, DossierDocument};
use steward_render::export::hf::hf_readme;
use steward_render::export::mct::{mct_json, MctInput};
use steward_render::{render_document, render_document_read, EvalResult, RenderedDocument, Target};
use steward_store::{DocumentRow, DocumentTarget, NewRevision, RevisionMeta, RevisionRow};

use super::{parse, parse_model_version, Workspace};
use crate::error::{ApiError, ErrorCode, Result};
use crate::wire::*;

mod drafts;
mod export;
mod merge;
mod revisions;

pub(super) use merge::{conflict_kind, DocRevisions};
pub(super) use revisions::line_diff;

/// The largest document Steward stores: far beyond any real card or plan, small enough that a
/// stray binary or log file is refused rather than stored and rendered.
pub const MAX_DOCUMENT_BYTES: u64 = 5 * 1024 * 1024;

/// Sizes in binary megabytes, the unit the limit is set in (5 MiB reads as "5.0 MiB").
fn megabytes(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Parses a document's target: a dataset snapshot for data sheets, a model version otherwise.
pub(crate) fn parse_target(target: &str, kind: DocumentKind) -> Result<DocumentTarget> {
    if kind.is_per_dataset() {
        let reference: DatasetRef = target.parse().map_err(|e| {
            ApiError::invalid(format!(
                "{e}; data sheets belong to a dataset snapshot: give its NAME@VERSION (e.g. support-threads@2026-10-01)"
            ))
        })?;
        Ok(DocumentTarget::Dataset(reference))
    } else {
        let (m, v) = parse_model_version(target)?;
        Ok(DocumentTarget::Version(m, v))
    }
}

fn revision_view(m: &RevisionMeta) -> RevisionView {
    RevisionView {
        number: m.number,
        sha256: m.sha256.to_string(),
        bytes: m.bytes,
        author: m.author.clone(),
        message: m.message.clone(),
        parent: m.parent,
        second_parent: m.second_parent,
        created_at: m.created_at.clone(),
    }
}

fn rendered_view(r: RenderedDocument) -> RenderedView {
    RenderedView {
        front_matter_html: r.front_matter_html,
        body_html: r.body_html,
        front_matter_error: r.front_matter_error.map(|e| FrontMatterProblem {
            line: e.line,
            column: e.column,
            message: e.message,
        }),
    }
}

fn risks_of(kind: DocumentKind, text: &str) -> Vec<RiskRow> {
    match (kind, parse_document(text)) {
        (DocumentKind::RiskAssessment, Ok(doc)) => {
            risk_register(&doc.front_matter, doc.front_matter_text)
        }
        _ => Vec::new(),
    }
}

/// Refuses text Steward will not store, naming `what` (a file or "the document text").
fn check_text(what: &str, text: &str) -> Result<()> {
    let size = text.len() as u64;
    if size > MAX_DOCUMENT_BYTES {
        return Err(ApiError::invalid(format!(
            "{what} is {} ({size} bytes); documents are limited to {} — keep large evidence (eval outputs, logs) as evaluation imports or dataset snapshots and link them",
            megabytes(size),
            megabytes(MAX_DOCUMENT_BYTES)
        )));
    }
    parse_document(text).map_err(|e| {
        ApiError::invalid(format!(
            "{what}: front matter is not valid YAML at line {}, column {}: {}; nothing was saved",
            e.line, e.column, e.message
        ))
    })?;
    Ok(())
}

/// Reads a document file: refuses files over the limit before reading them, and bytes that are
/// not UTF-8 with where the first bad byte is.
fn read_document_file(path: &Path) -> Result<String> {
    let bytes = crate::input::read_limited(path, MAX_DOCUMENT_BYTES, |size| {
        ApiError::invalid(format!(
            "{} is {} ({size} bytes); documents are limited to {} — nothing was saved",
            path.display(),
            megabytes(size),
            megabytes(MAX_DOCUMENT_BYTES)
        ))
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
        ApiError::invalid(format!(
            "{} is not UTF-8 text: byte 0x{:02x} at offset {at} (line {line}) is invalid; save the file as UTF-8 — nothing was saved",
            path.display(),
            bytes.get(at).copied().unwrap_or(0)
        ))
    })
}

impl Workspace {
    /// Reads a document file the way saves do: refused over the size limit (before reading),
    /// or when not UTF-8, with the file named.
    pub fn doc_read_file(path: &Path) -> Result<String> {
        read_document_file(path)
    }

    /// The built-in templates, one per kind.
    pub fn doc_templates(&self) -> Vec<DocumentTemplateView> {
        DocumentKind::ALL
            .into_iter()
            .map(|kind| {
                let t = builtin_template(kind);
                DocumentTemplateView {
                    kind,
                    title: t.title,
                    required_sections: t.required_sections,
                    required_fields: t.required_fields,
                    text: t.text,
                }
            })
            .collect()
    }

    /// Parses a document's target, and for a data sheet named by a model version (a common
    /// slip: `MODEL@VERSION` also parses as a dataset reference) says which snapshots to use.
    fn resolve_target(&self, target: &str, kind: DocumentKind) -> Result<DocumentTarget> {
        let parsed = parse_target(target, kind)?;
        if let DocumentTarget::Dataset(reference) = &parsed {
            if self.store.dataset(reference).is_err() {
                if let Ok((m, v)) = parse_model_version(target) {
                    if self.store.version(&m, &v).is_ok() {
                        let linked: Vec<String> = self
                            .store
                            .version_datasets(&m, &v)?
                            .iter()
                            .map(|d| d.reference.to_string())
                            .collect();
                        return Err(ApiError::invalid(format!(
                            "{target} is a model version, but data sheets belong to a dataset snapshot: give its NAME@VERSION ({})",
                            if linked.is_empty() { "this version has no linked snapshots; `steward version link-dataset` links one".to_string() } else { format!("linked: {}", linked.join(", ")) }
                        )));
                    }
                }
            }
        }
        Ok(parsed)
    }

    /// What the completeness rules read besides the text (the snapshot of a data sheet).
    fn check_context(&self, target: &DocumentTarget) -> Result<CheckContext> {
        let mut ctx = CheckContext::default();
        if let DocumentTarget::Dataset(reference) = target {
            let row = self.store.dataset(reference)?;
            ctx.dataset = Some(DatasetContext {
                reference: reference.to_string(),
                manifest_checksum: row.manifest_checksum.to_string(),
                provenance: row.provenance,
            });
        }
        Ok(ctx)
    }

    pub(super) fn completeness(
        &self,
        target: &DocumentTarget,
        kind: DocumentKind,
        text: &str,
    ) -> Result<Completeness> {
        let ctx = self.check_context(target)?;
        Ok(check_document(kind, &builtin_template(kind), text, &ctx))
    }

    fn document_view(
        &self,
        target: &DocumentTarget,
        kind: DocumentKind,
        rev: &RevisionRow,
        head: u32,
    ) -> Result<DocumentView> {
        Ok(DocumentView {
            target: target.to_string(),
            kind,
            title: kind.label().to_string(),
            revision: revision_view(&rev.meta),
            head,
            text: rev.content.clone(),
            rendered: rendered_view(render_document(&rev.content, Target::Studio)),
            completeness: self.completeness(target, kind, &rev.content)?,
            risks: risks_of(kind, &rev.content),
        })
    }

    fn head_of(&self, target: &DocumentTarget, kind: DocumentKind) -> Result<DocumentRow> {
        self.store.document(target, kind)?.ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                format!("{target} has no {kind} yet; `steward doc new {target} {kind}` creates it from the template"),
            )
        })
    }

    /// The values a new document's template placeholders are filled with.
    fn template_vars(&self, target: &DocumentTarget) -> Result<TemplateVars> {
        let mut vars = TemplateVars::new();
        match target {
            DocumentTarget::Version(m, v) => {
                self.store.version(m, v)?;
                vars.insert("model".into(), Value::from(m.to_string()));
                vars.insert("version".into(), Value::from(v.to_string()));
            }
            DocumentTarget::Dataset(reference) => {
                let row = self.store.dataset(reference)?;
                let p = row.provenance;
                vars.insert("dataset".into(), Value::from(reference.to_string()));
                vars.insert(
                    "manifest_checksum".into(),
                    Value::from(row.manifest_checksum.to_string()),
                );
                vars.insert("source".into(), p.source.map_or(Value::Null, Value::from));
                vars.insert("license".into(), p.license.map_or(Value::Null, Value::from));
                vars.insert("consent".into(), p.consent.map_or(Value::Null, Value::from));
                vars.insert(
                    "retention".into(),
                    p.retention.map_or(Value::Null, Value::from),
                );
                vars.insert(
                    "personal_data".into(),
                    p.personal_data.map_or(Value::Null, Value::from),
                );
            }
        }
        Ok(vars)
    }

    /// Creates a document from its kind's template (placeholders filled: model and version, or
    /// the snapshot's provenance for a data sheet) as revision 1.
    pub fn doc_new(&self, doc: &DocumentRef) -> Result<DocumentView> {
        let target = self.resolve_target(&doc.target, doc.kind)?;
        let text = builtin_template(doc.kind).instantiate(&self.template_vars(&target)?);
        let row =
            self.store
                .create_document(&target, doc.kind, &text, "from template", &self.actor)?;
        self.document_view(&target, doc.kind, &row.head, row.head.meta.number)
    }

    /// Saves text as a new revision (creating the document if it does not exist yet). Text
    /// equal to the head creates nothing. Refuses, storing nothing, text over the size limit
    /// or with front matter that does not parse, and a save whose base revision is stale.
    pub fn doc_save(&self, req: &DocumentSave) -> Result<DocumentSaveResult> {
        self.save_text("the document text", req)
    }

    fn save_text(&self, what: &str, req: &DocumentSave) -> Result<DocumentSaveResult> {
        let target = self.resolve_target(&req.target, req.kind)?;
        check_text(what, &req.text)?;
        let message = req.message.as_deref().unwrap_or("").trim();
        let Some(current) = self.store.document(&target, req.kind)? else {
            let row =
                self.store
                    .create_document(&target, req.kind, &req.text, message, &self.actor)?;
            self.discard_draft_file(&target, req.kind);
            return Ok(DocumentSaveResult {
                created: true,
                document: self.document_view(&target, req.kind, &row.head, row.head.meta.number)?,
            });
        };
        if current.head.content == req.text && req.merge_parent.is_none() {
            self.discard_draft_file(&target, req.kind);
            let n = current.head.meta.number;
            return Ok(DocumentSaveResult {
                created: false,
                document: self.document_view(&target, req.kind, &current.head, n)?,
            });
        }
        let rev = self.store.save_revision(
            &target,
            req.kind,
            &NewRevision {
                content: &req.text,
                message,
                base: req.base_revision,
                second_parent: req.merge_parent,
            },
            &self.actor,
        )?;
        self.discard_draft_file(&target, req.kind);
        Ok(DocumentSaveResult {
            created: true,
            document: self.document_view(&target, req.kind, &rev, rev.meta.number)?,
        })
    }

    /// Saves a file as a new revision: refused when over the size limit (before reading it),
    /// not UTF-8, or with broken front matter — each error names the file.
    pub fn doc_save_file(
        &self,
        doc: &DocumentRef,
        path: &Path,
        message: Option<String>,
    ) -> Result<DocumentSaveResult> {
        let text = read_document_file(path)?;
        self.save_text(
            &path.display().to_string(),
            &DocumentSave {
                target: doc.target.clone(),
                kind: doc.kind,
                text,
                base_revision: None,
                merge_parent: None,
                message,
            },
        )
    }

    /// A document at its head, or at `revision`.
    pub fn doc_show(&self, doc: &DocumentRef, revision: Option<u32>) -> Result<DocumentView> {
        let target = self.resolve_target(&doc.target, doc.kind)?;
        let row = self.head_of(&target, doc.kind)?;
        let head = row.head.meta.number;
        let rev = match revision {
            Some(n) if n != head => self.store.revision(&target, doc.kind, n)?,
            _ => row.head,
        };
        self.document_view(&target, doc.kind, &rev, head)
    }

    /// Renders and checks text without saving it (the editor's live preview). Broken front
    /// matter is a finding with its line, not an error.
    pub fn doc_preview(&self, req: &DocumentPreviewRequest) -> Result<DocumentPreview> {
        let ctx = match req.target.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(t) => self.check_context(&parse_target(t, req.kind)?)?,
            None => CheckContext::default(),
        };
        // One parse of the body serves the render and the check.
        let (rendered, body) = render_document_read(&req.text, Target::Studio);
        let template = builtin_template(req.kind);
        let completeness = check_document_read(req.kind, &template, &req.text, body, &ctx);
        Ok(DocumentPreview {
            rendered: rendered_view(rendered),
            completeness,
            risks: risks_of(req.kind, &req.text),
        })
    }

    /// Writes one risk-table edit into the text being edited and returns the new text: only
    /// the edited value (or row) changes, comments and the rest of the front matter are kept
    /// (`steward_domain::document::edit_risks`). The text is not saved; the editor shows it and
    /// the preview scores it.
    pub fn doc_risk_set(&self, req: &DocumentRiskSet) -> Result<String> {
        edit_risks(&req.text, &req.edit).map_err(|e| ApiError::invalid(e.to_string()))
    }

    fn status(&self, target: &DocumentTarget, kind: DocumentKind) -> Result<DocumentStatus> {
        Ok(match self.store.document(target, kind)? {
            Some(row) => {
                let c = self.completeness(target, kind, &row.head.content)?;
                DocumentStatus {
                    kind,
                    target: target.to_string(),
                    exists: true,
                    revision: Some(row.head.meta.number),
                    author: Some(row.head.meta.author.clone()),
                    updated_at: Some(row.head.meta.created_at.clone()),
                    complete: c.complete,
                    findings: c.findings,
                }
            }
            None => DocumentStatus {
                kind,
                target: target.to_string(),
                exists: false,
                revision: None,
                author: None,
                updated_at: None,
                complete: false,
                findings: vec![Finding {
                    code: FindingCode::MissingSection,
                    message: format!("there is no {kind} for {target}; `steward doc new {target} {kind}` creates it from the template"),
                    line: None,
                }],
            },
        })
    }

    /// Every document a release of `MODEL@VERSION` requires — its model card, eval report,
    /// risk assessment, runbook and rollout plan, and a data sheet for each linked dataset
    /// snapshot — with completeness; missing ones are listed as such. Beside them, the three
    /// compliance documents packs ask for, which do not count towards `complete`.
    pub fn doc_check(&self, target: &str) -> Result<VersionDocuments> {
        let (model, version) = parse_model_version(target)?;
        self.version_documents(&model, &version)
    }

    fn version_documents(&self, model: &ModelName, version: &Version) -> Result<VersionDocuments> {
        self.store.version(model, version)?;
        let on_version = DocumentTarget::Version(model.clone(), *version);
        let datasets = self.store.version_datasets(model, version)?;
        let mut documents = Vec::new();
        // The seed's six: the compliance documents are asked for by packs (`steward coverage`).
        for kind in steward_domain::document::RELEASE_DOCUMENTS {
            if kind.is_per_dataset() {
                for d in &datasets {
                    documents
                        .push(self.status(&DocumentTarget::Dataset(d.reference.clone()), kind)?);
                }
            } else {
                documents.push(self.status(&on_version, kind)?);
            }
        }
        let compliance = steward_domain::document::COMPLIANCE_DOCUMENTS
            .into_iter()
            .map(|kind| self.status(&on_version, kind))
            .collect::<Result<Vec<_>>>()?;
        Ok(VersionDocuments {
            model: model.to_string(),
            version: version.to_string(),
            complete: documents.iter().all(|d| d.complete),
            documents,
            compliance,
        })
    }

    /// The documents of a dataset snapshot (its data sheet), with completeness.
    pub fn doc_list_dataset(&self, reference: &str) -> Result<Vec<DocumentStatus>> {
        let reference: DatasetRef = parse(reference)?;
        self.store.dataset(&reference)?;
        Ok(vec![self.status(
            &DocumentTarget::Dataset(reference),
            DocumentKind::DataSheet,
        )?])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hashing::{Cancel, NoProgress};

    fn workspace(dir: &Path) -> Workspace {
        let ws = Workspace::init(dir, "maya").expect("init");
        ws.model_create(&ModelCreate {
            name: "copilot".into(),
            owner: "maya@example.com".into(),
            title: None,
            description: None,
            risk_tier: None,
        })
        .expect("model");
        ws.version_add(
            &VersionAdd {
                model: "copilot".into(),
                version: "1.0.0-1".into(),
                ..VersionAdd::default()
            },
            &NoProgress,
            &Cancel::new(),
        )
        .expect("version");
        ws
    }

    fn card() -> DocumentRef {
        DocumentRef {
            target: "copilot@1.0.0-1".into(),
            kind: DocumentKind::ModelCard,
        }
    }

    fn save(text: &str, base: Option<u32>) -> DocumentSave {
        DocumentSave {
            target: "copilot@1.0.0-1".into(),
            kind: DocumentKind::ModelCard,
            text: text.into(),
            base_revision: base,
            merge_parent: None,
            message: None,
        }
    }

    #[test]
    fn preview_reports_broken_front_matter_as_a_finding() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ws = workspace(dir.path());
        let p = ws
            .doc_preview(&DocumentPreviewRequest {
                target: None,
                kind: DocumentKind::RolloutPlan,
                text: "---\nkill_switch: [\n---\n# Plan\n".into(),
            })
            .expect("a preview, not an error");
        assert_eq!(
            p.completeness.findings[0].code,
            FindingCode::BrokenFrontMatter
        );
        assert_eq!(p.completeness.findings[0].line, Some(3));
        assert_eq!(p.rendered.front_matter_error.map(|e| e.line), Some(3));
        assert!(p.rendered.body_html.contains("Plan"));
    }

    #[test]
    fn drafts_survive_until_saved_or_discarded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ws = workspace(dir.path());
        ws.doc_new(&card()).expect("new");
        assert_eq!(ws.doc_draft_load(&card()).expect("load"), None);
        let kept = ws
            .doc_draft_save(&DocumentDraft {
                target: "copilot@1.0.0-1".into(),
                kind: DocumentKind::ModelCard,
                text: "half typed".into(),
                base_revision: Some(1),
                saved_at: String::new(),
            })
            .expect("keep");
        assert!(!kept.saved_at.is_empty());
        // Another process (the studio after a crash) finds it.
        let reopened = Workspace::open(dir.path(), "maya").expect("reopen");
        let loaded = reopened
            .doc_draft_load(&card())
            .expect("load")
            .expect("draft");
        assert_eq!(
            (loaded.text.as_str(), loaded.base_revision),
            ("half typed", Some(1))
        );
        assert!(reopened.doc_draft_discard(&card()).expect("discard"));
        assert!(!reopened.doc_draft_discard(&card()).expect("discard twice"));
        reopened
            .doc_draft_save(&DocumentDraft {
                text: "---\na: 1\n---\nmore".into(),
                ..loaded
            })
            .expect("keep again");
        reopened
            .doc_save(&save("---\na: 1\n---\nmore", Some(1)))
            .expect("save");
        assert_eq!(
            reopened.doc_draft_load(&card()).expect("load"),
            None,
            "a save discards the draft"
        );
    }

    #[test]
    fn stale_saves_are_refused_and_merges_record_both_parents() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ws = workspace(dir.path());
        ws.doc_new(&card()).expect("new");
        ws.doc_save(&save("laptop A\n", Some(1)))
            .expect("A saves r2");
        let before = ws.audit_log(None).expect("audit").len();
        let err = ws
            .doc_save(&save("laptop B\n", Some(1)))
            .expect_err("B is stale");
        assert_eq!(err.code, ErrorCode::Conflict);
        assert_eq!(ws.audit_log(None).expect("audit").len(), before);
        let merged = ws
            .doc_save(&DocumentSave {
                merge_parent: Some(1),
                ..save("laptop A\nlaptop B\n", Some(2))
            })
            .expect("merge");
        assert_eq!(merged.document.revision.parent, Some(2));
        assert_eq!(merged.document.revision.second_parent, Some(1));
        let diff = ws.doc_diff(&card(), 2, 3).expect("diff");
        assert_eq!((diff.insertions, diff.deletions), (1, 0));
        assert_eq!(diff.lines[1].tag, DiffTag::Insert);
        assert_eq!(diff.lines[1].new_line, Some(2));
        let too_big = "x".repeat(MAX_DOCUMENT_BYTES as usize + 1);
        let err = ws.doc_save(&save(&too_big, None)).expect_err("too big");
        assert!(
            err.message.contains("documents are limited to 5.0 MiB"),
            "{}",
            err.message
        );
    }
}
