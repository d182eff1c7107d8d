//! Governance operations: the workspace's policy (show, check, set, history), and gates and
//! the §5 checklist of a version.
//!
//! The policy is validated by the domain (`Policy::parse`) before the store sees it, so a
//! refused policy stores nothing and the one in force is unchanged. A workspace with no stored
//! revision uses the built-in default and says so.
//!
//! A gate gathers the version's evidence from the store into `gate::Evidence` and calls
//! `gate::evaluate`; nothing here judges evidence. Evaluation runs are read as the row
//! summaries the store kept at their import (`gate::RowSummary`), so a gate costs the same for
//! 100 rows as for 10 million; only runs imported before summaries were kept are summarised
//! from their rows.

use std::collections::BTreeMap;
use std::path::Path;
use steward_store::clock::now;

use serde_json::Value;
use steward_domain::document::parse_document;
use steward_domain::eval::fairness::Tolerance;
use steward_domain::eval::{Catalogue, EvalRow, MetricDef};
use steward_domain::gate::{
    self, CanaryPlan, CheckStatus, ChecklistMark, DatasetEvidence, DeprecationPlan,
    DocumentEvidence, Evidence, EvidenceRef, GateReport, ProductionEvidence, RunSummary, Signature,
    StageEntry, Waiver,
};
use steward_domain::policy::{Policy, PolicyError, Warning, DEFAULT_POLICY};
use steward_domain::{DocumentKind, ModelName, Sha256Digest, Stage, Version};
use steward_store::{DocumentTarget, PolicyRevisionRow, StoreError, VersionRow};

use super::{parse, Workspace};
use crate::error::{ApiError, ErrorCode, Result};
use crate::wire::*;

/// Policy files are a few kilobytes; anything past this is not a policy.
const MAX_POLICY_BYTES: u64 = 1024 * 1024;

/// The name messages give text that did not come from a file.
const NO_FILE: &str = "(text)";

fn warning_view(w: &Warning) -> PolicyWarningView {
    PolicyWarningView {
        line: u32::try_from(w.line).unwrap_or(u32::MAX),
        key: w.key.clone(),
        message: w.message.clone(),
    }
}

fn problem(file: &str, e: &PolicyError) -> PolicyProblem {
    PolicyProblem {
        line: u32::try_from(e.line).unwrap_or(u32::MAX),
        key: e.key.clone(),
        kind: serde_json::to_value(e.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        detail: e.detail.clone(),
        expected: e.expected.clone(),
        message: format!("{file}: {e}"),
    }
}

fn revision_view(r: &PolicyRevisionRow) -> PolicyRevisionView {
    PolicyRevisionView {
        number: r.number,
        sha256: r.sha256.to_string(),
        name: r.name.clone(),
        author: r.author.clone(),
        message: r.message.clone(),
        created_at: r.created_at.clone(),
    }
}

/// The policy in force, parsed, with where it came from.
pub(crate) struct PolicyInForce {
    pub policy: Policy,
    pub warnings: Vec<Warning>,
    pub text: String,
    pub revision: Option<PolicyRevisionRow>,
}

impl PolicyInForce {
    pub fn source(&self) -> PolicySource {
        if self.revision.is_some() {
            PolicySource::Stored
        } else {
            PolicySource::Default
        }
    }
}

impl Workspace {
    /// Reads a policy file: a regular file of at most 1 MiB of UTF-8.
    pub fn policy_read_file(path: &Path) -> Result<String> {
        let bytes = crate::input::read_limited(path, MAX_POLICY_BYTES, |size| {
            ApiError::invalid(format!(
                "{} is {size} bytes; a policy file is at most {MAX_POLICY_BYTES} bytes — is it the right file?",
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

    /// Validates a policy text: the first refusal (line, key, what is expected) or the
    /// warnings of a usable policy. Needs no workspace.
    pub fn policy_check(req: &PolicyCheckRequest) -> PolicyCheck {
        let file = req.file.clone().unwrap_or_else(|| NO_FILE.to_string());
        match Policy::parse(&req.text) {
            Ok((policy, warnings)) => PolicyCheck {
                valid: true,
                name: Some(policy.name.clone()),
                stages: policy.stages.iter().map(|s| s.stage).collect(),
                error: None,
                warnings: warnings.iter().map(warning_view).collect(),
                file,
            },
            Err(e) => PolicyCheck {
                valid: false,
                name: None,
                stages: Vec::new(),
                error: Some(problem(&file, &e)),
                warnings: Vec::new(),
                file,
            },
        }
    }

    /// The policy in force: the newest stored revision, else the built-in default. A stored
    /// revision this build cannot parse is reported as damage, never replaced by the default.
    pub(crate) fn policy_in_force(&self) -> Result<PolicyInForce> {
        let revision = self.store.policy_head()?;
        let text = revision
            .as_ref()
            .map_or_else(|| DEFAULT_POLICY.to_string(), |r| r.content.clone());
        let (policy, warnings) = Policy::parse(&text).map_err(|e| match &revision {
            Some(r) => ApiError::from(StoreError::BadRow {
                what: "policy revision",
                value: format!("r{}", r.number),
                detail: format!("{e}; set a valid policy with `steward policy set FILE`"),
            }),
            None => ApiError::new(
                ErrorCode::Internal,
                format!("the built-in default policy is invalid: {e}"),
            ),
        })?;
        Ok(PolicyInForce {
            policy,
            warnings,
            text,
            revision,
        })
    }

    /// The policy in force with its text and warnings.
    pub fn policy_show(&self) -> Result<PolicyView> {
        let p = self.policy_in_force()?;
        Ok(PolicyView {
            source: p.source(),
            revision: p.revision.as_ref().map(revision_view),
            name: p.policy.name.clone(),
            sha256: Sha256Digest::of(p.text.as_bytes()).to_string(),
            stages: p.policy.stages.iter().map(|s| s.stage).collect(),
            warnings: p.warnings.iter().map(warning_view).collect(),
            text: p.text,
        })
    }

    /// Validates `req.text` and stores it as the next revision. An invalid policy is refused
    /// with the file, line, key and what is expected, and nothing is stored; text equal to the
    /// revision in force stores nothing either.
    pub fn policy_set(&self, req: &PolicySet) -> Result<PolicySetResult> {
        let file = req.file.as_deref().unwrap_or(NO_FILE);
        let (policy, warnings) = Policy::parse(&req.text).map_err(|e| {
            ApiError::invalid(format!(
                "{file}: {e}; the policy in force is unchanged — fix the file (`steward policy check {file}` shows every problem in turn) and set it again"
            ))
        })?;
        let warnings = warnings.iter().map(warning_view).collect();
        if let Some(head) = self.store.policy_head()? {
            if head.content == req.text {
                return Ok(PolicySetResult {
                    revision: revision_view(&head),
                    unchanged: true,
                    warnings,
                });
            }
        }
        let message = req.message.as_deref().map(str::trim).unwrap_or("");
        let row = self
            .store
            .set_policy(&req.text, &policy.name, message, &self.actor)?;
        Ok(PolicySetResult {
            revision: revision_view(&row),
            unchanged: false,
            warnings,
        })
    }

    /// Every stored revision, newest first.
    pub fn policy_history(&self) -> Result<PolicyHistory> {
        let revisions: Vec<PolicyRevisionView> = self
            .store
            .policy_history()?
            .iter()
            .map(revision_view)
            .collect();
        Ok(PolicyHistory {
            source: if revisions.is_empty() {
                PolicySource::Default
            } else {
                PolicySource::Stored
            },
            revisions,
        })
    }
}

/// A front-matter value as the gate reads it: scalars as text, lists of scalars joined with
/// ", "; mappings and nested lists are not declarations and are left out.
fn field_text(v: &Value) -> Option<String> {
    match v {
        Value::Null | Value::Object(_) => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::Array(_) => None,
                other => field_text(other),
            })
            .collect::<Option<Vec<String>>>()
            .map(|parts| parts.join(", ")),
    }
}

/// The scalar front-matter fields of a document (the same splitter every reader uses).
pub(super) fn front_matter_fields(text: &str) -> BTreeMap<String, String> {
    parse_document(text)
        .map(|doc| {
            doc.front_matter
                .iter()
                .filter_map(|(k, v)| field_text(v).map(|t| (k.clone(), t)))
                .collect()
        })
        .unwrap_or_default()
}

fn digest_text(d: Result<Sha256Digest, steward_domain::trust::TrustError>) -> Result<String> {
    d.map(|d| d.to_string()).map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("cannot digest the gate report: {e}"),
        )
    })
}

fn evidence_ref_view(r: &EvidenceRef) -> EvidenceRefView {
    let (kind, label, digest) = match r {
        EvidenceRef::Artifact { what, value } => ("artifact", what.clone(), Some(value.clone())),
        EvidenceRef::Dataset { name, checksum } => {
            ("dataset", name.clone(), Some(checksum.to_string()))
        }
        EvidenceRef::Document {
            kind,
            of,
            revision,
            sha256,
        } => (
            "document",
            match of {
                Some(of) => format!("{kind} of {of} r{revision}"),
                None => format!("{kind} r{revision}"),
            },
            Some(sha256.to_string()),
        ),
        EvidenceRef::Run { id, of, digest } => {
            ("run", format!("{id} of {of}"), Some(digest.to_string()))
        }
        EvidenceRef::Envelope {
            role,
            keyid,
            digest,
        } => (
            "envelope",
            format!("{role} signature by {keyid}"),
            Some(digest.to_string()),
        ),
        EvidenceRef::Stage { stage, at } => ("stage", format!("entered {stage} at {at}"), None),
        EvidenceRef::Version { version } => ("version", version.clone(), None),
    };
    EvidenceRefView {
        kind: kind.to_string(),
        label,
        digest,
    }
}

fn check_view(c: &gate::GateCheck) -> GateCheckView {
    GateCheckView {
        id: c.id.clone(),
        category: c.category,
        seed: c.seed.clone(),
        checklist: c.checklist,
        status: c.status,
        observed: c.observed.clone(),
        expected: c.expected.clone(),
        evidence: c.evidence.iter().map(evidence_ref_view).collect(),
        waiver: c.waiver.as_ref().map(|w| WaiverView {
            waived_status: w.waived_status,
            rationale: w.rationale.clone(),
            expires_at: w.expires_at.clone(),
            envelopes: w.envelopes.iter().map(evidence_ref_view).collect(),
        }),
        waiver_notes: c.waiver_notes.clone(),
    }
}

fn counts(report: &GateReport) -> GateCounts {
    let mut n = GateCounts::default();
    for c in &report.checks {
        match c.status {
            CheckStatus::Pass => n.pass += 1,
            CheckStatus::Fail => n.fail += 1,
            CheckStatus::MissingEvidence => n.missing_evidence += 1,
            CheckStatus::Waived => n.waived += 1,
        }
    }
    n
}

/// Approvals of a version, security/privacy reviews of its datasets and waivers of its checks,
/// each with the state the trust rules decided.
#[derive(Default)]
struct TrustEvidence {
    approvals: Vec<Signature>,
    dataset_reviews: BTreeMap<String, Vec<Signature>>,
    waivers: Vec<Waiver>,
    /// Said in every report while this evidence cannot be read.
    note: Option<String>,
}

/// A version's evidence as the gate reads it, with what the report should say it lacked.
struct Gathered {
    row: VersionRow,
    evidence: Evidence,
    notes: Vec<String>,
}

/// The gate of one version, evaluated, with what it was evaluated against.
pub(super) struct Evaluated {
    pub(super) report: GateReport,
    pub(super) evidence: Evidence,
    stage: Stage,
    pub(super) policy: PolicyInForce,
    notes: Vec<String>,
}

impl Workspace {
    /// The signed evidence a gate to `target` reads: the version's approvals for that stage,
    /// its waivers, and the security/privacy reviews of its datasets, each with the state the
    /// trust rules decide now (only current ones count).
    ///
    /// Without `signed`, the version's own approvals and waivers are left out: that is the
    /// gate a review subject holds (`GateReport::subject_digest` drops them anyway), and
    /// deciding an approval's state reads the subject, so reading approvals here would never end.
    fn trust_evidence(
        &self,
        model: &ModelName,
        version: &Version,
        target: Stage,
        datasets: &[steward_domain::DatasetRef],
        signed: bool,
    ) -> Result<TrustEvidence> {
        Ok(TrustEvidence {
            approvals: if signed {
                self.gate_approvals(model, version, target)?
            } else {
                Vec::new()
            },
            dataset_reviews: self.gate_dataset_reviews(datasets)?,
            waivers: if signed {
                self.gate_waivers(model, version)?
            } else {
                Vec::new()
            },
            note: None,
        })
    }

    /// Each run of a version summarised, oldest first: the row summary kept at its import,
    /// judged with the catalogue of every metric the version's runs declared (a later run may
    /// declare a metric an earlier one reported per group). Runs imported before summaries
    /// were kept (`summary` NULL, before migration 20261202090000) are summarised from their
    /// stored rows, as every run was before; their rows are read only when there is one.
    fn run_summaries(&self, model: &ModelName, version: &Version) -> Result<Vec<RunSummary>> {
        let runs = self.store.eval_run_summaries(model, version)?;
        let mut declared: BTreeMap<String, MetricDef> = BTreeMap::new();
        for (run, _) in &runs {
            let defs: Vec<MetricDef> = serde_json::from_str(&run.declared).map_err(|e| {
                ApiError::from(StoreError::BadRow {
                    what: "declared metrics",
                    value: run.declared.clone(),
                    detail: e.to_string(),
                })
            })?;
            for d in defs {
                declared.insert(d.name.clone(), d);
            }
        }
        let catalogue = Catalogue::builtin().with_declared(&declared);
        let mut rows: BTreeMap<i64, Vec<EvalRow>> = BTreeMap::new();
        if runs.iter().any(|(_, kept)| kept.is_none()) {
            for (run, row) in self.store.eval_rows(model, version)? {
                rows.entry(run).or_default().push(row);
            }
        }
        Ok(runs
            .iter()
            .map(|(r, kept)| {
                let id = r.id.to_string();
                match kept {
                    Some(kept) => {
                        kept.summary(&id, r.kind, r.file_digest, &catalogue, Tolerance::default())
                    }
                    None => RunSummary::from_rows(
                        &id,
                        r.kind,
                        r.file_digest,
                        rows.get(&r.id).map_or(&[][..], Vec::as_slice),
                        &catalogue,
                        Tolerance::default(),
                    ),
                }
            })
            .collect())
    }

    /// Everything a gate reads about `model@version`, from the store.
    fn gather_evidence(
        &self,
        model: &ModelName,
        version: &Version,
        target: Stage,
        signed: bool,
    ) -> Result<Gathered> {
        let row = self.store.version(model, version)?;
        let versions = self.store.versions(model)?;
        let in_stage = |s: Stage| versions.iter().find(|v| v.stage == s).map(|v| v.version);
        // The baseline is production, or for production itself the version it replaced; the
        // rollback target is what would serve again if this version were rolled back.
        let other = if row.stage == Stage::Production {
            in_stage(Stage::RollbackTarget)
        } else {
            in_stage(Stage::Production)
        };
        let production = match other {
            Some(v) => Some(ProductionEvidence {
                version: v.to_string(),
                evaluations: self.run_summaries(model, &v)?,
            }),
            None => None,
        };
        let linked = self.store.version_datasets(model, version)?;
        let refs: Vec<steward_domain::DatasetRef> =
            linked.iter().map(|d| d.reference.clone()).collect();
        let trust = self.trust_evidence(model, version, target, &refs, signed)?;
        let datasets: Vec<DatasetEvidence> = linked
            .iter()
            .map(|d| {
                let name = d.reference.to_string();
                DatasetEvidence {
                    reviews: trust
                        .dataset_reviews
                        .get(&name)
                        .cloned()
                        .unwrap_or_default(),
                    name,
                    manifest_checksum: d.manifest_checksum,
                    provenance: d.provenance.clone(),
                }
            })
            .collect();
        let mut documents = Vec::new();
        for kind in DocumentKind::ALL {
            let targets: Vec<DocumentTarget> = if kind.is_per_dataset() {
                linked
                    .iter()
                    .map(|d| DocumentTarget::Dataset(d.reference.clone()))
                    .collect()
            } else {
                vec![DocumentTarget::Version(model.clone(), *version)]
            };
            for target in targets {
                let Some(doc) = self.store.document(&target, kind)? else {
                    continue;
                };
                let completeness = self.completeness(&target, kind, &doc.head.content)?;
                documents.push(DocumentEvidence {
                    kind,
                    of: match &target {
                        DocumentTarget::Dataset(d) => Some(d.to_string()),
                        DocumentTarget::Version(..) => None,
                    },
                    revision: doc.head.meta.number,
                    sha256: doc.head.meta.sha256,
                    complete: completeness.complete,
                    gaps: completeness
                        .findings
                        .iter()
                        .map(|f| f.message.clone())
                        .collect(),
                    fields: front_matter_fields(&doc.head.content),
                });
            }
        }
        let rollout = documents
            .iter()
            .find(|d| d.kind == DocumentKind::RolloutPlan && d.of.is_none());
        let canary_plan = rollout.map(|d| CanaryPlan::from_fields(&d.fields));
        // A deprecation's plan lives in the rollout plan's front matter until it has a record
        // of its own.
        let deprecation = rollout
            .map(|d| DeprecationPlan {
                migration_plan: d.fields.get("migration_plan").cloned(),
                removal_date: d.fields.get("removal_date").cloned(),
            })
            .filter(|p| p.migration_plan.is_some() || p.removal_date.is_some());
        let stage_history = self
            .store
            .stage_history(model, Some(version))?
            .iter()
            .map(|e| StageEntry {
                stage: e.to,
                at: e.at.clone(),
            })
            .collect();
        let evidence = Evidence {
            version: version.to_string(),
            artifacts: row.artifacts.clone(),
            datasets,
            documents,
            evaluations: self.run_summaries(model, version)?,
            production,
            approvals: trust.approvals,
            waivers: trust.waivers,
            stage_history,
            rollback_target: other.map(|v| v.to_string()),
            canary_plan,
            deprecation,
            packs: Vec::new(),
            incident_suites: self.incident_suites(model)?,
            run_suites: self.run_suites(model, version)?,
        };
        Ok(Gathered {
            row,
            evidence,
            notes: trust.note.into_iter().collect(),
        })
    }

    fn evaluate(&self, model: &str, version: &str, to: Stage) -> Result<Evaluated> {
        self.evaluate_parsed(&parse(model)?, &parse(version)?, to)
    }

    /// The gate of `model@version` to `to` under the policy in force, evaluated now.
    pub(super) fn evaluate_parsed(
        &self,
        model: &ModelName,
        version: &Version,
        to: Stage,
    ) -> Result<Evaluated> {
        let (model, version) = (model.clone(), *version);
        let policy = self.policy_in_force()?;
        let mut g = self.gather_evidence(&model, &version, to, true)?;
        let mut notes = g.notes;
        notes.extend(self.add_pack_coverage(
            &model,
            &version,
            to,
            &policy.policy,
            true,
            &mut g.evidence,
        )?);
        if policy.policy.stage(to).is_none() {
            notes.insert(
                0,
                format!(
                    "the policy has no gate for {to}: moves there (demotions, rollbacks) are not gated"
                ),
            );
        }
        let report = gate::evaluate(&policy.policy, model.as_str(), to, &g.evidence, &now());
        Ok(Evaluated {
            report,
            evidence: g.evidence,
            stage: g.row.stage,
            policy,
            notes,
        })
    }

    /// The gate digest a review subject of `model@version` going to `to` holds: the
    /// `subject_digest` of the gate under the policy in force, evaluated without the version's
    /// own approvals and waivers; None when the policy does not gate `to`.
    pub(super) fn gate_subject_digest(
        &self,
        model: &ModelName,
        version: &Version,
        to: Stage,
    ) -> Result<Option<Sha256Digest>> {
        let policy = self.policy_in_force()?;
        if policy.policy.stage(to).is_none() {
            return Ok(None);
        }
        let mut g = self.gather_evidence(model, version, to, false)?;
        self.add_pack_coverage(model, version, to, &policy.policy, false, &mut g.evidence)?;
        let report = gate::evaluate(&policy.policy, model.as_str(), to, &g.evidence, &now());
        Ok(Some(report.subject_digest()?))
    }

    /// Puts the version's coverage against the packs `policy` enables for `to` into
    /// `evidence`, read from gates that enable none; unless `signed`, from documents and runs
    /// only (the review subject's gate, whose digest leaves out the checks reading signatures).
    fn add_pack_coverage(
        &self,
        model: &ModelName,
        version: &Version,
        to: Stage,
        policy: &Policy,
        signed: bool,
        evidence: &mut Evidence,
    ) -> Result<Vec<String>> {
        let mut notes = Vec::new();
        let Some(sp) = policy.stage(to).filter(|s| !s.packs.is_empty()) else {
            return Ok(notes);
        };
        let base = policy.without_packs();
        evidence.packs =
            self.pack_coverages(model, version, &sp.packs, &base, signed, &mut notes)?;
        Ok(notes)
    }

    /// The gate of `model@version` going to `to` under `policy` as given (coverage's
    /// `gate-check` selectors read it with a policy that enables no pack).
    pub(super) fn base_gate(
        &self,
        model: &ModelName,
        version: &Version,
        to: Stage,
        policy: &Policy,
    ) -> Result<gate::GateReport> {
        let g = self.gather_evidence(model, version, to, true)?;
        Ok(gate::evaluate(
            policy,
            model.as_str(),
            to,
            &g.evidence,
            &now(),
        ))
    }

    /// The gate of `MODEL@VERSION` going to `req.to` under the policy in force: every check
    /// with its status, observed and expected values, seed rule and the evidence it read.
    pub fn gate_evaluate(&self, req: &GateRequest) -> Result<GateReportView> {
        let e = self.evaluate(&req.model, &req.version, req.to)?;
        let r = &e.report;
        Ok(GateReportView {
            format: r.format.clone(),
            model: r.model.clone(),
            version: r.version.clone(),
            stage: e.stage,
            target: r.target,
            policy: r.policy.clone(),
            policy_source: e.policy.source(),
            policy_revision: e.policy.revision.as_ref().map(|r| r.number),
            evaluated_at: r.evaluated_at.clone(),
            passed: r.passed,
            digest: digest_text(r.digest())?,
            subject_digest: digest_text(r.subject_digest())?,
            counts: counts(r),
            checks: r.checks.iter().map(check_view).collect(),
            notes: e.notes,
        })
    }

    /// The seed's ten production-eligibility items for `MODEL@VERSION`, derived from its
    /// production gate (never computed beside it).
    pub fn gate_checklist(&self, model: &str, version: &str) -> Result<ChecklistView> {
        let e = self.evaluate(model, version, Stage::Production)?;
        let r = &e.report;
        let items: Vec<ChecklistItemView> = gate::checklist(r)
            .into_iter()
            .map(|item| ChecklistItemView {
                number: item.number,
                text: item.text,
                mark: item.mark,
                symbol: item.mark.symbol().to_string(),
                checks: item
                    .checks
                    .iter()
                    .filter_map(|id| r.check(id))
                    .map(|c| ChecklistCheckView {
                        id: c.id.clone(),
                        status: c.status,
                    })
                    .collect(),
                blocking: item.blocking,
            })
            .collect();
        Ok(ChecklistView {
            model: r.model.clone(),
            version: r.version.clone(),
            stage: e.stage,
            eligible: items.iter().all(|i| i.mark == ChecklistMark::Met),
            policy: r.policy.clone(),
            policy_source: e.policy.source(),
            gate_digest: digest_text(r.digest())?,
            evaluated_at: r.evaluated_at.clone(),
            items,
            notes: e.notes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hashing::NoProgress;

    /// Each run summarised from its stored rows, as every gate did before summaries were kept
    /// at import: the catalogue of every run's declarations, `RunSummary::from_rows` per run.
    fn from_rows(ws: &Workspace, model: &ModelName, version: &Version) -> Vec<RunSummary> {
        let runs = ws.store.eval_runs(model, version).expect("runs");
        let mut declared: BTreeMap<String, MetricDef> = BTreeMap::new();
        for run in &runs {
            let defs: Vec<MetricDef> = serde_json::from_str(&run.declared).expect("declared");
            declared.extend(defs.into_iter().map(|d| (d.name.clone(), d)));
        }
        let catalogue = Catalogue::builtin().with_declared(&declared);
        let mut rows: BTreeMap<i64, Vec<EvalRow>> = BTreeMap::new();
        for (run, row) in ws.store.eval_rows(model, version).expect("rows") {
            rows.entry(run).or_default().push(row);
        }
        runs.iter()
            .map(|r| {
                RunSummary::from_rows(
                    &r.id.to_string(),
                    r.kind,
                    r.file_digest,
                    rows.get(&r.id).map_or(&[][..], Vec::as_slice),
                    &catalogue,
                    Tolerance::default(),
                )
            })
            .collect()
    }

    fn versions(ws: &Workspace) -> Vec<(ModelName, Version)> {
        ws.store
            .models_with_stages()
            .expect("models")
            .into_iter()
            .flat_map(|(m, vs)| vs.into_iter().map(move |(v, _)| (m.name.clone(), v)))
            .collect()
    }

    /// Every gate of every demo version, by digest.
    fn gate_digests(ws: &Workspace) -> Vec<String> {
        let mut out = Vec::new();
        for (m, v) in versions(ws) {
            for to in [Stage::Candidate, Stage::Canary, Stage::Production] {
                let r = ws
                    .gate_evaluate(&GateRequest {
                        model: m.to_string(),
                        version: v.to_string(),
                        to,
                    })
                    .expect("gate");
                out.push(format!("{m}@{v} → {to}: {}", r.digest));
            }
        }
        out
    }

    #[test]
    fn kept_summaries_give_the_demo_gates_what_its_rows_gave() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("ws");
        let ws = Workspace::init(&root, "tester").expect("workspace");
        crate::demo::load(&ws, 0, &NoProgress).expect("demo");
        let (mut runs, mut with_groups, mut with_baseline) = (0, 0, 0);
        for (m, v) in versions(&ws) {
            let kept = ws.store.eval_run_summaries(&m, &v).expect("kept");
            assert!(kept.iter().all(|(_, s)| s.is_some()), "{m}@{v}");
            let read = ws.run_summaries(&m, &v).expect("summaries");
            assert_eq!(read, from_rows(&ws, &m, &v), "{m}@{v}");
            runs += read.len();
            with_groups += read.iter().filter(|r| !r.fairness.is_empty()).count();
            with_baseline += read.iter().filter(|r| !r.baseline.is_empty()).count();
        }
        assert!(
            runs > 10 && with_groups > 2 && with_baseline > 2,
            "{runs} runs, {with_groups} with groups, {with_baseline} with a baseline arm"
        );

        // Runs imported before summaries were kept are summarised from their rows: with every
        // summary removed, each gate decides the same.
        let before = gate_digests(&ws);
        drop(ws);
        let conn = rusqlite::Connection::open(root.join(steward_store::DB_FILE)).expect("raw");
        conn.execute_batch(
            "DROP TRIGGER eval_runs_immutable; UPDATE eval_runs SET summary = NULL, summary_sha256 = NULL;",
        )
        .expect("forget summaries");
        drop(conn);
        let ws = Workspace::open(&root, "tester").expect("reopen");
        let (m, v) = &versions(&ws)[0];
        assert!(ws
            .store
            .eval_run_summaries(m, v)
            .expect("kept")
            .iter()
            .all(|(_, s)| s.is_none()));
        assert_eq!(gate_digests(&ws), before);
    }
}
