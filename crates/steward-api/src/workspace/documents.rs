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
    builtin_template, edit_risks, parse_document, risk_register, CheckContext, DatasetContext,
    Finding, FindingCode, RiskRow, TemplateVars,
};
use steward_domain::{check_document, Completeness, DatasetRef, DocumentKind, ModelName, Version};
use steward_render::export::dossier::{dossier_html, Dossier, DossierChart, DossierDocument};
use steward_render::export::hf::hf_readme;
use steward_render::export::mct::{mct_json, MctInput};
use steward_render::{render_document, EvalResult, RenderedDocument, Target};
use steward_store::{DocumentRow, DocumentTarget, NewRevision, RevisionMeta, RevisionRow};

use super::{parse, parse_model_version, Workspace};
use crate::error::{ApiError, ErrorCode, Result};
use crate::wire::*;

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
        Ok(DocumentPreview {
            rendered: rendered_view(render_document(&req.text, Target::Studio)),
            completeness: check_document(req.kind, &builtin_template(req.kind), &req.text, &ctx),
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

    /// The revisions of a document, newest first.
    pub fn doc_history(&self, doc: &DocumentRef) -> Result<Vec<RevisionView>> {
        let target = self.resolve_target(&doc.target, doc.kind)?;
        let mut revs: Vec<RevisionView> = self
            .store
            .revisions(&target, doc.kind)?
            .iter()
            .map(revision_view)
            .collect();
        revs.reverse();
        Ok(revs)
    }

    /// A line diff from revision `from` to revision `to`.
    pub fn doc_diff(&self, doc: &DocumentRef, from: u32, to: u32) -> Result<DocumentDiff> {
        let target = self.resolve_target(&doc.target, doc.kind)?;
        let old = self.store.revision(&target, doc.kind, from)?;
        let new = self.store.revision(&target, doc.kind, to)?;
        let diff = line_diff(
            &old.content,
            &new.content,
            &format!("{target} {} r{from}", doc.kind),
            &format!("{target} {} r{to}", doc.kind),
        );
        Ok(DocumentDiff {
            target: target.to_string(),
            kind: doc.kind,
            from,
            to,
            insertions: diff.insertions,
            deletions: diff.deletions,
            lines: diff.lines,
            unified: diff.unified,
        })
    }

    /// Makes the text of `revision` the head again, as a new revision.
    pub fn doc_restore(&self, doc: &DocumentRef, revision: u32) -> Result<DocumentView> {
        let target = self.resolve_target(&doc.target, doc.kind)?;
        let rev = self
            .store
            .restore_revision(&target, doc.kind, revision, &self.actor)?;
        self.discard_draft_file(&target, doc.kind);
        self.document_view(&target, doc.kind, &rev, rev.meta.number)
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

    /// The evaluation results a version's exports carry: the whole-population metrics of its
    /// offline runs (golden sets, scenario suites, red-team suites), one result per metric and
    /// suite, the latest import winning. Fairness slices, load tests and online KPI series are
    /// left to the evaluation report and the dossier; a model-index entry is a headline number.
    fn export_results(&self, model: &ModelName, version: &Version) -> Result<Vec<EvalResult>> {
        use steward_domain::eval::model_index::{model_index_rows, RunRow};
        let runs = self.store.eval_runs(model, version)?;
        let rows = self.store.eval_rows(model, version)?;
        let evidence = rows.iter().filter_map(|(run_id, row)| {
            let run = runs.iter().find(|r| r.id == *run_id)?;
            Some(RunRow {
                kind: run.kind,
                suite: &run.suite,
                row,
            })
        });
        Ok(model_index_rows(evidence)
            .into_iter()
            .map(|r| EvalResult {
                task_type: r.kind.as_str().to_string(),
                task_name: Some(r.kind.label().to_string()),
                dataset_type: r.suite.name.clone(),
                dataset_name: r.suite.to_string(),
                dataset_split: None,
                metric_type: r.row.metric.clone(),
                metric_name: None,
                value: r.row.value,
                ci_low: r.row.ci_low,
                ci_high: r.row.ci_high,
            })
            .collect())
    }

    /// Exports a version's documents: `hf` (README.md from the model card), `mct` (Model Card
    /// Toolkit JSON) or `html` (a dossier of every document).
    pub fn doc_export(&self, target: &str, format: ExportFormat) -> Result<DocumentExport> {
        let (model, version) = parse_model_version(target)?;
        let v = self.store.version(&model, &version)?;
        let results = self.export_results(&model, &version)?;
        let export_error = |e: steward_render::export::ExportError| {
            ApiError::invalid(format!(
                "{e}; fix it with `steward doc edit {model}@{version} model-card`"
            ))
        };
        match format {
            ExportFormat::Hf | ExportFormat::Mct => {
                let card = self.head_of(
                    &DocumentTarget::Version(model.clone(), version),
                    DocumentKind::ModelCard,
                )?;
                if format == ExportFormat::Hf {
                    let content = hf_readme(model.as_str(), &card.head.content, &results)
                        .map_err(export_error)?;
                    return Ok(DocumentExport {
                        format,
                        file_name: "README.md".into(),
                        content,
                    });
                }
                let m = self.store.model(&model)?;
                let datasets: Vec<(String, String)> = self
                    .store
                    .version_datasets(&model, &version)?
                    .iter()
                    .map(|d| {
                        (
                            d.reference.to_string(),
                            format!(
                                "{} files, {} bytes, manifest {}",
                                d.manifest.files.len(),
                                d.manifest.total_bytes(),
                                d.manifest_checksum
                            ),
                        )
                    })
                    .collect();
                let json = mct_json(&MctInput {
                    model: model.as_str(),
                    title: &m.title,
                    version: &version.to_string(),
                    owner: &m.owner,
                    card_text: &card.head.content,
                    datasets: &datasets,
                    results: &results,
                })
                .map_err(export_error)?;
                Ok(DocumentExport {
                    format,
                    file_name: format!("{model}-{version}-model-card.json"),
                    content: serde_json::to_string_pretty(&json)
                        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?
                        + "\n",
                })
            }
            ExportFormat::Html => {
                let m = self.store.model(&model)?;
                let listing = self.version_documents(&model, &version)?;
                let mut documents = Vec::new();
                let mut missing = Vec::new();
                for status in &listing.documents {
                    let t = parse_target(&status.target, status.kind)?;
                    match self.store.document(&t, status.kind)? {
                        Some(row) => documents.push(DossierDocument {
                            kind: status.kind,
                            target: status.target.clone(),
                            revision: row.head.meta.number,
                            sha256: row.head.meta.sha256.to_string(),
                            author: row.head.meta.author.clone(),
                            saved_at: row.head.meta.created_at.clone(),
                            text: row.head.content,
                            findings: status.findings.iter().map(|f| f.message.clone()).collect(),
                        }),
                        None => {
                            missing.push(format!("{} for {}", status.kind.label(), status.target))
                        }
                    }
                }
                let (charts, chart_gaps) = self.dossier_charts(&model, &version)?;
                let content = dossier_html(&Dossier {
                    model: model.to_string(),
                    title: m.title,
                    version: version.to_string(),
                    stage: v.stage.as_str().to_string(),
                    generated_at: now(),
                    documents,
                    missing,
                    charts,
                    chart_gaps,
                });
                Ok(DocumentExport {
                    format,
                    file_name: format!("{model}-{version}-dossier.html"),
                    content,
                })
            }
        }
    }

    /// Every evaluation chart of a version for the dossier (light theme, for print). A chart
    /// without evidence is left out and named; any other failure is an error.
    fn dossier_charts(
        &self,
        model: &ModelName,
        version: &Version,
    ) -> Result<(Vec<DossierChart>, Vec<String>)> {
        let mut charts = Vec::new();
        let mut gaps = Vec::new();
        for kind in [
            ChartKind::Compare,
            ChartKind::Fairness,
            ChartKind::Latency,
            ChartKind::Kpi,
            ChartKind::Drift,
        ] {
            let request = EvalChartRequest {
                model: model.to_string(),
                version: version.to_string(),
                kind,
                theme: ChartTheme::Light,
                against: None,
                group: None,
                metric: None,
            };
            match self.eval_chart(&request) {
                Ok(chart) => charts.push(DossierChart {
                    title: chart.title,
                    svg: chart.svg,
                }),
                Err(e) if e.code == ErrorCode::NotFound => gaps.push(e.message),
                Err(e) => return Err(e),
            }
        }
        Ok((charts, gaps))
    }

    fn draft_path(&self, target: &DocumentTarget, kind: DocumentKind) -> PathBuf {
        let owner = match target {
            DocumentTarget::Version(..) => "versions",
            DocumentTarget::Dataset(_) => "datasets",
        };
        self.root
            .join("drafts")
            .join(owner)
            .join(target.to_string())
            .join(format!("{kind}.json"))
    }

    fn discard_draft_file(&self, target: &DocumentTarget, kind: DocumentKind) {
        // A draft that cannot be removed is harmless: it is offered again and can be discarded.
        let _ = std::fs::remove_file(self.draft_path(target, kind));
    }

    /// Keeps an unsaved edit so it survives a crash or a closed window (written to a temporary
    /// file and renamed, so a crash mid-write leaves the previous draft).
    pub fn doc_draft_save(&self, draft: &DocumentDraft) -> Result<DocumentDraft> {
        let target = self.resolve_target(&draft.target, draft.kind)?;
        let size = draft.text.len() as u64;
        if size > MAX_DOCUMENT_BYTES {
            return Err(ApiError::invalid(format!(
                "the draft is {}; documents are limited to {}",
                megabytes(size),
                megabytes(MAX_DOCUMENT_BYTES)
            )));
        }
        let path = self.draft_path(&target, draft.kind);
        let kept = DocumentDraft {
            target: target.to_string(),
            kind: draft.kind,
            text: draft.text.clone(),
            base_revision: draft.base_revision,
            saved_at: now(),
        };
        let io = |e: std::io::Error| {
            ApiError::new(
                ErrorCode::Io,
                format!("cannot keep the draft at {}: {e}", path.display()),
            )
        };
        if let Some(dir) = path.parent() {
            crate::private::create_dir_all(dir).map_err(io)?;
        }
        let tmp = path.with_extension("json.tmp");
        let bytes = serde_json::to_vec(&kept)
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        crate::private::write(&tmp, &bytes).map_err(io)?;
        std::fs::rename(&tmp, &path).map_err(io)?;
        Ok(kept)
    }

    /// The kept draft of a document, if any.
    pub fn doc_draft_load(&self, doc: &DocumentRef) -> Result<Option<DocumentDraft>> {
        let target = self.resolve_target(&doc.target, doc.kind)?;
        let path = self.draft_path(&target, doc.kind);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                ApiError::new(ErrorCode::Corrupt, format!("the draft at {} is unreadable ({e}); discard it with `doc_draft_discard` or delete the file", path.display()))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ApiError::new(ErrorCode::Io, format!("cannot read the draft at {}: {e}", path.display()))),
        }
    }

    /// Throws away the kept draft of a document; true when there was one.
    pub fn doc_draft_discard(&self, doc: &DocumentRef) -> Result<bool> {
        let target = self.resolve_target(&doc.target, doc.kind)?;
        let path = self.draft_path(&target, doc.kind);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(ApiError::new(
                ErrorCode::Io,
                format!("cannot remove the draft at {}: {e}", path.display()),
            )),
        }
    }
}

/// A line diff of two texts, as documents and policy revisions show it.
pub(super) struct LineDiff {
    /// Every line, in order.
    pub lines: Vec<DiffLine>,
    /// Lines added.
    pub insertions: u32,
    /// Lines removed.
    pub deletions: u32,
    /// The same as a unified diff (3 lines of context) under the two headers.
    pub unified: String,
}

/// Diffs `old` against `new` line by line; the headers name the two sides in `unified`.
pub(super) fn line_diff(old: &str, new: &str, old_header: &str, new_header: &str) -> LineDiff {
    let diff = TextDiff::from_lines(old, new);
    let line = |i: Option<usize>| i.and_then(|i| u32::try_from(i + 1).ok());
    let lines: Vec<DiffLine> = diff
        .iter_all_changes()
        .map(|c| DiffLine {
            tag: match c.tag() {
                ChangeTag::Equal => DiffTag::Equal,
                ChangeTag::Insert => DiffTag::Insert,
                ChangeTag::Delete => DiffTag::Delete,
            },
            old_line: line(c.old_index()),
            new_line: line(c.new_index()),
            text: c.value().trim_end_matches(['\n', '\r']).to_string(),
        })
        .collect();
    let count =
        |t: DiffTag| u32::try_from(lines.iter().filter(|l| l.tag == t).count()).unwrap_or(u32::MAX);
    let unified = diff
        .unified_diff()
        .context_radius(3)
        .header(old_header, new_header)
        .to_string();
    LineDiff {
        insertions: count(DiffTag::Insert),
        deletions: count(DiffTag::Delete),
        lines,
        unified,
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
