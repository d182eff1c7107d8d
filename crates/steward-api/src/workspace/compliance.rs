//! Compliance: packs (built in and added per workspace), the coverage of a version against a
//! pack, retention dates, and the Annex IV technical documentation file.
//!
//! Every rule is in `steward_domain::compliance`; this module gathers the evidence — documents
//! at their head revisions, evaluation runs, approvals with their trust states, the gate checks
//! a pack names, the version's release records with their verification — and calls it.

use std::collections::BTreeSet;
use std::path::Path;

use steward_domain::compliance::{
    self, coverage, parse_pack, retention_until, ApprovalFact, Coverage, CoverageEvidence,
    CoverageStatus, DocumentFacts, EvaluationFact, GateCheckFact, Pack, PackError, ReleaseFact,
    Selector, BUILTIN_PACKS,
};
use steward_domain::policy::Policy;
use steward_domain::{DocumentKind, ModelName, Sha256Digest, Stage, Version};
use steward_render::export::annex_iv::{
    annex_iv_blocks, annex_iv_html, AnnexItem, AnnexIv, AnnexPart, AttachedApproval, AttachedKey,
    AttachedRecord,
};
use steward_render::pdf::blocks_pdf;
use steward_store::DocumentTarget;

use super::{parse, parse_model_version, Workspace};
use crate::error::{ApiError, ErrorCode, Result};
use crate::wire::*;

/// The largest pack file read.
const MAX_PACK_BYTES: u64 = 1024 * 1024;

/// The two lines an auditor runs to verify an attached envelope with its signer's key alone.
pub const VERIFY_INSTRUCTION: [&str; 2] = [
    "pip install securesystemslib  # then, with KEY.json and ENVELOPE.json saved from this file:",
    "python -c \"import json,sys; from securesystemslib.dsse import Envelope; from securesystemslib.signer import SSlibKey; k=json.load(open(sys.argv[1])); key=SSlibKey(k['keyid'],k['keytype'],k['scheme'],k['keyval']); print(Envelope.from_dict(json.load(open(sys.argv[2]))).verify([key],1))\" KEY.json ENVELOPE.json",
];

fn pack_error_view(e: &PackError) -> PackErrorView {
    PackErrorView {
        line: u32::try_from(e.line).unwrap_or(u32::MAX),
        key: e.key.clone(),
        kind: serde_json::to_value(e.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        message: e.to_string(),
    }
}

fn summary(p: &Pack, text: &str, origin: &str, added: Option<String>) -> PackSummary {
    PackSummary {
        name: p.name.clone(),
        title: p.title.clone(),
        version: p.version.clone(),
        source: p.source.clone(),
        requirements: u32::try_from(p.requirements.len()).unwrap_or(u32::MAX),
        retention_years: p.retention_years,
        origin: origin.into(),
        added,
        sha256: Sha256Digest::of(text.as_bytes()).to_string(),
    }
}

fn status_counts(c: &Coverage) -> CoverageCounts {
    let (s, p, m) = c.counts();
    let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
    CoverageCounts {
        satisfied: n(s),
        partial: n(p),
        missing: n(m),
    }
}

/// A pack in force with where it came from.
struct LoadedPack {
    pack: Pack,
    summary: PackSummary,
}

impl Workspace {
    /// Reads a pack file (at most 1 MiB, UTF-8), naming the file when it cannot.
    pub fn pack_read_file(path: &Path) -> Result<String> {
        let bytes = crate::input::read_limited(path, MAX_PACK_BYTES, |size| {
            ApiError::invalid(format!(
                "{} is {size} bytes; a pack file is at most {MAX_PACK_BYTES} bytes",
                path.display()
            ))
        })?;
        String::from_utf8(bytes).map_err(|e| {
            ApiError::invalid(format!(
                "{} is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
                path.display(),
                e.utf8_error().valid_up_to()
            ))
        })
    }

    /// Checks a pack's text without storing it.
    pub fn pack_check(text: &str) -> PackCheck {
        match parse_pack(text) {
            Ok(p) => PackCheck {
                ok: true,
                pack: Some(summary(&p, text, "file", None)),
                error: None,
            },
            Err(e) => PackCheck {
                ok: false,
                pack: None,
                error: Some(pack_error_view(&e)),
            },
        }
    }

    /// Every pack in force: the built-in ones, then those added to the workspace (the newest
    /// of a name supersedes an older one and a built-in one of that name).
    pub fn pack_list(&self) -> Result<Vec<PackSummary>> {
        Ok(self
            .packs_in_force()?
            .into_iter()
            .map(|p| p.summary)
            .collect())
    }

    fn packs_in_force(&self) -> Result<Vec<LoadedPack>> {
        let mut out: Vec<LoadedPack> = Vec::new();
        for (name, text) in BUILTIN_PACKS {
            let pack = parse_pack(text).map_err(|e| {
                ApiError::new(
                    ErrorCode::Internal,
                    format!("the built-in pack {name} does not parse: {e}"),
                )
            })?;
            out.push(LoadedPack {
                summary: summary(&pack, text, "built-in", None),
                pack,
            });
        }
        for row in self.store.packs()? {
            let pack = parse_pack(&row.content).map_err(|e| {
                ApiError::new(
                    ErrorCode::Internal,
                    format!(
                        "stored pack {} (row {}) no longer parses: {e}",
                        row.name, row.id
                    ),
                )
            })?;
            let loaded = LoadedPack {
                summary: summary(
                    &pack,
                    &row.content,
                    "workspace",
                    Some(format!("by {} at {}", row.author, row.created_at)),
                ),
                pack,
            };
            match out.iter_mut().find(|p| p.pack.name == loaded.pack.name) {
                Some(slot) => *slot = loaded,
                None => out.push(loaded),
            }
        }
        Ok(out)
    }

    fn pack_named(&self, name: &str) -> Result<LoadedPack> {
        let all = self.packs_in_force()?;
        let names: Vec<String> = all.iter().map(|p| p.pack.name.clone()).collect();
        all.into_iter()
            .find(|p| p.pack.name == name)
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::NotFound,
                    format!(
                        "no pack named {name:?}; the packs are {} (`steward pack list`)",
                        names.join(", ")
                    ),
                )
            })
    }

    /// Validates a pack's text and appends it to the workspace, audited (`pack.add`); a pack
    /// that does not validate stores nothing.
    pub fn pack_add(&self, text: &str) -> Result<PackSummary> {
        let pack =
            parse_pack(text).map_err(|e| ApiError::invalid(format!("{e}; nothing was added")))?;
        let row = self
            .store
            .add_pack(&pack.name, &pack.version, text, &self.actor)?;
        Ok(summary(
            &pack,
            text,
            "workspace",
            Some(format!("by {} at {}", row.author, row.created_at)),
        ))
    }

    /// Everything coverage reads about `model@version` for `pack`.
    fn coverage_evidence(
        &self,
        model: &ModelName,
        version: &Version,
        pack: &Pack,
        gate_policy: &Policy,
        signed: bool,
        notes: &mut Vec<String>,
    ) -> Result<CoverageEvidence> {
        self.store.version(model, version)?;
        let target = format!("{model}@{version}");
        let mut documents = Vec::new();
        let on_version = DocumentTarget::Version(model.clone(), *version);
        for row in self.store.documents(&on_version)? {
            let c = self.completeness(&on_version, row.kind, &row.head.content)?;
            documents.push(DocumentFacts::read(
                row.kind,
                None,
                row.head.meta.number,
                row.head.meta.sha256.to_string(),
                c.complete,
                &row.head.content,
            ));
        }
        for d in self.store.version_datasets(model, version)? {
            let t = DocumentTarget::Dataset(d.reference.clone());
            if let Some(row) = self.store.document(&t, DocumentKind::DataSheet)? {
                let c = self.completeness(&t, row.kind, &row.head.content)?;
                documents.push(DocumentFacts::read(
                    row.kind,
                    Some(d.reference.to_string()),
                    row.head.meta.number,
                    row.head.meta.sha256.to_string(),
                    c.complete,
                    &row.head.content,
                ));
            }
        }
        let evaluations = self
            .store
            .eval_runs(model, version)?
            .iter()
            .map(|r| EvaluationFact {
                id: u32::try_from(r.id).unwrap_or(u32::MAX),
                kind: r.kind,
                digest: r.file_digest.to_string(),
            })
            .collect();
        if !signed {
            // A review subject's gate reads only what is there before anyone signs: documents
            // and runs. Approvals, gate checks and release records are left out, as the checks
            // that read them are left out of the subject digest (and reading approval states
            // here would ask for this very digest).
            return Ok(CoverageEvidence {
                target,
                documents,
                evaluations,
                ..CoverageEvidence::default()
            });
        }
        let approvals = self
            .approvals(model.as_str(), &version.to_string())?
            .approvals
            .into_iter()
            .filter_map(|a| {
                Some(ApprovalFact {
                    id: a.id,
                    role: a.role?,
                    stage: a.target_stage?,
                    decision: a.decision?,
                    state: a.state,
                    signer: a.signer_name,
                })
            })
            .collect();
        let stages: BTreeSet<Stage> = pack
            .requirements
            .iter()
            .flat_map(|r| r.evidence.iter().filter_map(Selector::gate_stage))
            .collect();
        let mut gate_checks = Vec::new();
        let mut gated_stages = Vec::new();
        for stage in stages {
            if gate_policy.stage(stage).is_none() {
                notes.push(format!(
                    "the policy in force does not gate {stage}; its checks are missing evidence"
                ));
                continue;
            }
            gated_stages.push(stage);
            let report = self.base_gate(model, version, stage, gate_policy)?;
            gate_checks.extend(report.checks.into_iter().map(|c| GateCheckFact {
                id: c.id,
                status: c.status,
                observed: c.observed,
                expected: c.expected,
            }));
        }
        let release_records = self
            .release_list(model.as_str())?
            .records
            .into_iter()
            .filter(|r| r.version == version.to_string())
            .map(|r| ReleaseFact {
                seq: r.seq,
                to: r.to,
                digest: r.digest,
                recorded_at: r.recorded_at,
                problems: r
                    .problems
                    .iter()
                    .map(|p| format!("{}: {}", p.part.as_str(), p.message))
                    .collect(),
            })
            .collect();
        Ok(CoverageEvidence {
            target,
            documents,
            evaluations,
            approvals,
            gate_checks,
            gated_stages,
            release_records,
        })
    }

    /// The coverage of `MODEL@VERSION` against the pack `pack`: each requirement satisfied,
    /// partial or missing, with the evidence found and the next step for each gap.
    pub fn coverage(&self, target: &str, pack: &str) -> Result<CoverageView> {
        let (model, version) = parse_model_version(target)?;
        let loaded = self.pack_named(pack)?;
        let (c, notes) = self.coverage_of(&model, &version, &loaded.pack)?;
        let row = self.store.version(&model, &version)?;
        Ok(CoverageView {
            pack: loaded.summary,
            model: model.to_string(),
            version: version.to_string(),
            stage: row.stage.to_string(),
            counts: status_counts(&c),
            requirements: c.requirements.iter().map(requirement_view).collect(),
            notes,
        })
    }

    fn coverage_of(
        &self,
        model: &ModelName,
        version: &Version,
        pack: &Pack,
    ) -> Result<(Coverage, Vec<String>)> {
        let mut notes = Vec::new();
        let gate_policy = self.policy_in_force()?.policy.without_packs();
        let evidence =
            self.coverage_evidence(model, version, pack, &gate_policy, true, &mut notes)?;
        Ok((coverage(pack, &evidence), notes))
    }

    /// The coverage of `model@version` against each pack of `names` that the workspace has,
    /// for a gate that enables them; its `gate-check` selectors read gates under
    /// `gate_policy`, which enables no pack. Unless `signed`, only documents and runs are read
    /// (what a review subject's gate holds). A name the workspace lacks is left out, and the
    /// gate reports that pack as missing evidence.
    pub(super) fn pack_coverages(
        &self,
        model: &ModelName,
        version: &Version,
        names: &[String],
        gate_policy: &Policy,
        signed: bool,
        notes: &mut Vec<String>,
    ) -> Result<Vec<Coverage>> {
        let all = self.packs_in_force()?;
        let mut out = Vec::new();
        for name in names {
            let Some(loaded) = all.iter().find(|p| &p.pack.name == name) else {
                continue;
            };
            let evidence =
                self.coverage_evidence(model, version, &loaded.pack, gate_policy, signed, notes)?;
            out.push(coverage(&loaded.pack, &evidence));
        }
        Ok(out)
    }

    /// The retention date of each of `model`'s versions under `pack`.
    pub fn retention(&self, model: &str, pack: &str) -> Result<RetentionView> {
        let name: ModelName = parse(model)?;
        let loaded = self.pack_named(pack)?;
        let records = self.release_list(name.as_str())?.records;
        let versions = self
            .store
            .versions(&name)?
            .into_iter()
            .map(|v| {
                let text = v.version.to_string();
                let promotions: Vec<&str> = records
                    .iter()
                    .filter(|r| r.version == text && r.to == Stage::Production)
                    .map(|r| r.recorded_at.as_str())
                    .collect();
                let r = retention_until(&text, &promotions, loaded.pack.retention_years);
                RetentionVersionView {
                    version: r.version,
                    stage: v.stage.to_string(),
                    placed_on_market: r.placed_on_market,
                    keep_until: r.keep_until,
                }
            })
            .collect();
        Ok(RetentionView {
            model: name.to_string(),
            pack: loaded.pack.name.clone(),
            retention_years: loaded.pack.retention_years,
            versions,
            policy: "Steward removes nothing a release record references: documents, revisions, evaluation runs, approvals, release records and packs are append-only in the store (triggers refuse deletes); the only removal is discarding an unsaved document draft, which no record references".into(),
        })
    }
}

fn requirement_view(r: &compliance::RequirementCoverage) -> RequirementCoverageView {
    RequirementCoverageView {
        id: r.id.clone(),
        group: r.group.clone(),
        title: r.title.clone(),
        status: r.status,
        meaning: r.meaning.clone(),
        selectors: r
            .selectors
            .iter()
            .map(|s| SelectorCoverageView {
                selector: s.label.clone(),
                status: s.status,
                found: s
                    .found
                    .iter()
                    .map(|f| FoundView {
                        what: f.what.clone(),
                        reference: f.reference.clone(),
                        pin: f.pin.clone(),
                    })
                    .collect(),
                next_step: s.next_step.clone(),
                fix: s.fix.clone(),
            })
            .collect(),
    }
}

/// The text of a document's section `title` (matched as completeness matches it), guidance
/// removed; or the whole body without front matter and guidance when `title` is None.
fn document_text(text: &str, title: Option<&str>) -> String {
    use steward_domain::document::{parse_document, sections, strip_guidance};
    let Ok(doc) = parse_document(text) else {
        return String::new();
    };
    let norm = |t: &str| {
        t.chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_lowercase()
    };
    match title {
        None => strip_guidance(doc.body).trim().to_string(),
        Some(t) => sections(doc.body, doc.body_line)
            .into_iter()
            .find(|s| norm(&s.title) == norm(t))
            .map(|s| strip_guidance(&s.text).trim().to_string())
            .unwrap_or_default(),
    }
}

impl Workspace {
    /// The EU AI Act Annex IV technical documentation of `MODEL@VERSION`, written to `path`
    /// as HTML or PDF (by the format given, else by its extension): the nine items from the
    /// `eu-ai-act` pack's coverage, every gap shown as one, the version's signed release
    /// records with their verification now (a failing record is marked failed), its signed
    /// approvals, the roster's public keys and the two lines that verify them.
    pub fn dossier_annex_iv(
        &self,
        target: &str,
        path: &Path,
        format: Option<DossierFormat>,
    ) -> Result<DossierExport> {
        let format = match format {
            Some(f) => f,
            None => match path
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .as_deref()
            {
                Some("html" | "htm") => DossierFormat::Html,
                Some("pdf") => DossierFormat::Pdf,
                _ => {
                    return Err(ApiError::invalid(format!(
                        "{} ends in neither .html nor .pdf; name the file FILE.html or FILE.pdf",
                        path.display()
                    )))
                }
            },
        };
        let d = self.annex_iv(target)?;
        let bytes = match format {
            DossierFormat::Html => annex_iv_html(&d).into_bytes(),
            DossierFormat::Pdf => blocks_pdf(
                &format!("{}@{} Annex IV technical documentation", d.model, d.version),
                &annex_iv_blocks(&d),
            )
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?,
        };
        std::fs::write(path, &bytes).map_err(|e| {
            ApiError::new(
                ErrorCode::Io,
                format!("cannot write {}: {e}", path.display()),
            )
        })?;
        let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        let count = |s: &str| n(d.items.iter().filter(|i| i.status == s).count());
        Ok(DossierExport {
            file: path.display().to_string(),
            format,
            bytes: bytes.len() as u64,
            counts: CoverageCounts {
                satisfied: count("satisfied"),
                partial: count("partial"),
                missing: count("missing"),
            },
            records: n(d.records.len()),
            records_verify: d.records_verify(),
            approvals: n(d.approvals.len()),
            keys: n(d.keys.len()),
        })
    }

    /// Everything the Annex IV file shows, gathered.
    fn annex_iv(&self, target: &str) -> Result<AnnexIv> {
        let (model, version) = parse_model_version(target)?;
        let loaded = self.pack_named("eu-ai-act")?;
        let pack = &loaded.pack;
        let (cov, _) = self.coverage_of(&model, &version, pack)?;
        let model_row = self.store.model(&model)?;
        let row = self.store.version(&model, &version)?;
        let on_version = DocumentTarget::Version(model.clone(), version);
        let mut docs = Vec::new();
        for d in self.store.documents(&on_version)? {
            docs.push((d.kind, None::<String>, d.head));
        }
        for ds in self.store.version_datasets(&model, &version)? {
            let t = DocumentTarget::Dataset(ds.reference.clone());
            if let Some(d) = self.store.document(&t, DocumentKind::DataSheet)? {
                docs.push((d.kind, Some(ds.reference.to_string()), d.head));
            }
        }
        let runs = self.store.eval_runs(&model, &version)?;
        let releases = self.release_list(model.as_str())?;
        let version_text = version.to_string();
        let mine: Vec<&ReleaseView> = releases
            .records
            .iter()
            .filter(|r| r.version == version_text)
            .collect();
        let mut items = Vec::new();
        for n in 1..=9u8 {
            let id = format!("annex-iv-{n}");
            let Some(req) = pack.requirement(&id) else {
                return Err(ApiError::invalid(format!(
                    "the eu-ai-act pack in force has no requirement {id}; the Annex IV file needs annex-iv-1 to annex-iv-9"
                )));
            };
            let c = cov.requirement(&id).ok_or_else(|| {
                ApiError::new(ErrorCode::Internal, format!("no coverage of {id}"))
            })?;
            let mut parts = Vec::new();
            let mut gaps = Vec::new();
            for s in &c.selectors {
                if let Some(next) = &s.next_step {
                    gaps.push(format!("{}: {next}", s.label));
                }
                if s.status == CoverageStatus::Missing {
                    continue;
                }
                match &s.selector {
                    Selector::Document { kind, section } => {
                        for (k, of, head) in docs.iter().filter(|(k, _, _)| k == kind) {
                            let text = document_text(&head.content, section.as_deref());
                            let heading = match section {
                                Some(sec) => format!("{} — {sec}", k.label()),
                                None => k.label().to_string(),
                            };
                            let source = format!(
                                "{}{} revision {}, {}",
                                k,
                                of.as_deref()
                                    .map(|o| format!(" of {o}"))
                                    .unwrap_or_default(),
                                head.meta.number,
                                head.meta.sha256
                            );
                            let text = if text.is_empty() {
                                "*(no text of its own)*".to_string()
                            } else {
                                text
                            };
                            parts.push(AnnexPart::Markdown {
                                heading,
                                source,
                                text,
                            });
                        }
                    }
                    Selector::MonitoringPlan => {
                        for (k, _, head) in docs
                            .iter()
                            .filter(|(k, _, _)| *k == DocumentKind::PostMarketMonitoringPlan)
                        {
                            parts.push(AnnexPart::Markdown {
                                heading: k.label().to_string(),
                                source: format!(
                                    "{k} revision {}, {}",
                                    head.meta.number, head.meta.sha256
                                ),
                                text: document_text(&head.content, None),
                            });
                        }
                    }
                    Selector::Evaluation(kind) => parts.push(AnnexPart::Table {
                        heading: format!("{} runs", kind.label()),
                        columns: ["run", "suite", "ran", "file", "evidence digest"]
                            .map(String::from)
                            .to_vec(),
                        rows: runs
                            .iter()
                            .filter(|r| r.kind == *kind)
                            .map(|r| {
                                vec![
                                    r.id.to_string(),
                                    r.suite.to_string(),
                                    r.run_at.clone().unwrap_or_else(|| r.imported_at.clone()),
                                    r.file_name.clone(),
                                    r.file_digest.to_string(),
                                ]
                            })
                            .collect(),
                    }),
                    Selector::ReleaseRecord => parts.push(AnnexPart::Table {
                        heading: "Lifecycle changes (signed release records)".into(),
                        columns: ["record", "change", "signed", "by", "verification", "digest"]
                            .map(String::from)
                            .to_vec(),
                        rows: mine
                            .iter()
                            .map(|r| {
                                vec![
                                    r.seq.to_string(),
                                    format!("{} → {}", r.from, r.to),
                                    r.recorded_at.clone(),
                                    r.signer_name.clone(),
                                    if r.problems.is_empty() {
                                        "verified".into()
                                    } else {
                                        format!(
                                            "FAILED: {}",
                                            r.problems
                                                .iter()
                                                .map(|p| p.message.clone())
                                                .collect::<Vec<_>>()
                                                .join("; ")
                                        )
                                    },
                                    r.digest.clone(),
                                ]
                            })
                            .collect(),
                    }),
                    Selector::GateCheck(_) | Selector::Approval(_) => {
                        parts.push(AnnexPart::Table {
                            heading: s.label.clone(),
                            columns: vec!["evidence".into(), "reference".into()],
                            rows: s
                                .found
                                .iter()
                                .map(|f| vec![f.what.clone(), f.reference.clone()])
                                .collect(),
                        })
                    }
                }
            }
            if n == 7 {
                parts.push(AnnexPart::Table {
                    heading: "Frameworks mapped in Steward (compliance packs in force)".into(),
                    columns: ["pack", "framework", "version", "source"]
                        .map(String::from)
                        .to_vec(),
                    rows: self
                        .packs_in_force()?
                        .iter()
                        .map(|p| {
                            vec![
                                p.pack.name.clone(),
                                p.pack.title.clone(),
                                p.pack.version.clone(),
                                p.pack.source.clone(),
                            ]
                        })
                        .collect(),
                });
            }
            items.push(AnnexItem {
                number: n,
                title: req.title.clone(),
                status: c.status.as_str().to_string(),
                meaning: c.meaning.clone(),
                parts,
                gaps,
            });
        }
        let envelopes = self.store.release_records(&model)?;
        let records = mine
            .iter()
            .map(|r| AttachedRecord {
                seq: r.seq,
                version: r.version.clone(),
                change: format!("{} → {}", r.from, r.to),
                recorded_at: r.recorded_at.clone(),
                signer: r.signer_name.clone(),
                digest: r.digest.clone(),
                problems: r
                    .problems
                    .iter()
                    .map(|p| format!("{}: {}", p.part.as_str(), p.message))
                    .collect(),
                envelope: envelopes
                    .iter()
                    .find(|e| e.seq == u64::from(r.seq))
                    .map(|e| e.envelope.clone())
                    .unwrap_or_default(),
            })
            .collect();
        let views = self.approvals(model.as_str(), &version_text)?.approvals;
        let approvals = self
            .store
            .approvals(&model, &version)?
            .into_iter()
            .map(|a| {
                let state = views
                    .iter()
                    .find(|v| i64::from(v.id) == a.id)
                    .map_or_else(|| "unknown".to_string(), |v| v.state.clone());
                let signer = views
                    .iter()
                    .find(|v| i64::from(v.id) == a.id)
                    .map_or_else(|| a.signer_keyid.clone(), |v| v.signer_name.clone());
                AttachedApproval {
                    role: a.role.to_string(),
                    stage: a.target_stage.to_string(),
                    decision: a.decision.to_string(),
                    signer,
                    state,
                    envelope: a.envelope,
                }
            })
            .collect();
        let state = self.trust_state()?;
        let mut keys = Vec::new();
        if let Some(roster) = &state.roster {
            for m in roster.members() {
                if let Some(k) = state.keys.get(m.keyid.as_str()) {
                    let mut dict = k.to_sslib_dict();
                    if let Some(o) = dict.as_object_mut() {
                        o.insert("name".into(), serde_json::Value::String(m.name.clone()));
                        o.insert("email".into(), serde_json::Value::String(m.email.clone()));
                    }
                    keys.push(AttachedKey {
                        name: format!("{} <{}>", m.name, m.email),
                        fingerprint: m.keyid.fingerprint(),
                        json: serde_json::to_string_pretty(&dict).unwrap_or_default(),
                    });
                }
            }
        }
        let promotions: Vec<&str> = mine
            .iter()
            .filter(|r| r.to == Stage::Production)
            .map(|r| r.recorded_at.as_str())
            .collect();
        let keep_until =
            retention_until(&version_text, &promotions, pack.retention_years).keep_until;
        Ok(AnnexIv {
            model: model.to_string(),
            title: model_row.title.clone(),
            version: version_text,
            stage: row.stage.to_string(),
            pack: format!("{} ({})", pack.title, pack.version),
            generated_at: steward_store::clock::now(),
            items,
            records,
            approvals,
            keys,
            instruction: VERIFY_INSTRUCTION.iter().map(|s| s.to_string()).collect(),
            keep_until,
        })
    }
}
