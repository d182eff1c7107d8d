//! Compliance packs and coverage: a framework (NIST AI RMF, ISO/IEC 42001 Annex A, the EU AI
//! Act) as data — requirements, each mapped to evidence selectors — and [`coverage`], the rule
//! that says of one version which requirements its evidence satisfies, partly satisfies or
//! misses, with what it found and what to do next.
//!
//! Packs are TOML files (`assets/packs/`, or a team's own, `steward pack add FILE`) parsed by
//! [`parse_pack`]. The caller gathers a version's evidence into [`CoverageEvidence`]; nothing
//! here reads the store.

mod pack;
mod retention;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use pack::{parse_pack, PackError, PackErrorKind, SELECTOR_KEYS};
pub use retention::{add_years, retention_until, RetentionDate};

use crate::document::{normalize_title, parse_document, read_body, DocumentKind};
use crate::eval::EvalKind;
use crate::gate::CheckStatus;
use crate::stage::Stage;
use crate::trust::{Decision, Role};

/// The format tag a pack file opens with.
pub const PACK_FORMAT: &str = "steward.pack/v1";

/// The packs Steward ships (`assets/packs/`, embedded at build time), as (name, TOML text).
pub const BUILTIN_PACKS: [(&str, &str); 3] = [
    (
        "eu-ai-act",
        include_str!("../../../../assets/packs/eu-ai-act.toml"),
    ),
    (
        "iso-42001",
        include_str!("../../../../assets/packs/iso-42001.toml"),
    ),
    (
        "nist-ai-rmf",
        include_str!("../../../../assets/packs/nist-ai-rmf.toml"),
    ),
];

/// The built-in pack named `name`, parsed (a test parses every one, so this cannot fail in a
/// released binary for a name it ships).
pub fn builtin_pack(name: &str) -> Option<Result<Pack, PackError>> {
    BUILTIN_PACKS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| parse_pack(text))
}

/// A compliance framework as requirements mapped to Steward's evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pack {
    /// A slug (`eu-ai-act`), how commands name it.
    pub name: String,
    /// The framework's title.
    pub title: String,
    /// The framework's version or edition (`1.0`, `2023`, `2024/1689`).
    pub version: String,
    /// Where the framework is published.
    pub source: String,
    /// How long the technical documentation is kept after a version is placed on the market
    /// (its first promotion to production), when the framework says.
    pub retention_years: Option<u32>,
    /// The requirements, in the framework's order.
    pub requirements: Vec<Requirement>,
}

impl Pack {
    /// The requirement with id `id`.
    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.id == id)
    }
}

/// One requirement of a framework.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    /// Its identifier in the framework (`MAP 1.1`, `A.6.2.4`, `art-9`).
    pub id: String,
    /// The function, objective or chapter it belongs to (may be empty).
    pub group: String,
    /// A short title.
    pub title: String,
    /// What "satisfied" means for it.
    pub satisfied: String,
    /// What "partial" means for it.
    pub partial: String,
    /// The evidence that satisfies it, every selector needed.
    pub evidence: Vec<Selector>,
}

/// A kind of evidence Steward holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "selector", rename_all = "kebab-case")]
pub enum Selector {
    /// A document of the version (a data sheet of each linked dataset), complete — or, with a
    /// section, that section present and written.
    Document {
        /// The kind.
        kind: DocumentKind,
        /// A section title (matched as completeness matches it), when one section is the evidence.
        section: Option<String>,
    },
    /// At least one evaluation run of the kind.
    Evaluation(EvalKind),
    /// A current approval by the role.
    Approval(Role),
    /// A policy gate check that passes.
    GateCheck(String),
    /// The version's signed release records, verifying.
    ReleaseRecord,
    /// A complete post-market monitoring plan.
    MonitoringPlan,
}

impl Selector {
    /// How the selector reads in a list (`document risk-assessment § Risk register`).
    pub fn describe(&self) -> String {
        match self {
            Selector::Document {
                kind,
                section: None,
            } => format!("document {kind}"),
            Selector::Document {
                kind,
                section: Some(s),
            } => format!("document {kind} § {s}"),
            Selector::Evaluation(k) => format!("evaluation {k}"),
            Selector::Approval(r) => format!("approval {r}"),
            Selector::GateCheck(id) => format!("gate check {id}"),
            Selector::ReleaseRecord => "release record".into(),
            Selector::MonitoringPlan => "monitoring plan".into(),
        }
    }

    /// The gate stage a gate-check selector needs evaluated.
    pub fn gate_stage(&self) -> Option<Stage> {
        match self {
            Selector::GateCheck(id) => id.split('.').next().and_then(|s| s.parse().ok()),
            _ => None,
        }
    }
}

/// A document at its head revision, as coverage reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentFacts {
    /// The kind.
    pub kind: DocumentKind,
    /// The dataset snapshot of a data sheet; None for the version's own documents.
    pub of: Option<String>,
    /// The head revision number.
    pub revision: u32,
    /// `sha256:…` of that revision.
    pub sha256: String,
    /// Whether completeness found nothing missing.
    pub complete: bool,
    /// Its sections: title and whether it has content of its own (not guidance).
    pub sections: Vec<(String, bool)>,
}

impl DocumentFacts {
    /// The facts of a document text (`complete` from the caller's completeness check).
    pub fn read(
        kind: DocumentKind,
        of: Option<String>,
        revision: u32,
        sha256: String,
        complete: bool,
        text: &str,
    ) -> DocumentFacts {
        let sections = match parse_document(text) {
            Ok(doc) => {
                let body = read_body(doc.body, doc.body_line);
                body.sections
                    .into_iter()
                    .zip(body.filled)
                    .map(|(s, filled)| (s.title, filled))
                    .collect()
            }
            Err(_) => Vec::new(),
        };
        DocumentFacts {
            kind,
            of,
            revision,
            sha256,
            complete,
            sections,
        }
    }

    fn section(&self, title: &str) -> Option<bool> {
        let want = normalize_title(title);
        self.sections
            .iter()
            .find(|(t, _)| normalize_title(t) == want)
            .map(|(_, filled)| *filled)
    }
}

/// An evaluation run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationFact {
    /// Run id.
    pub id: u32,
    /// Kind.
    pub kind: EvalKind,
    /// `sha256:…` of the imported file.
    pub digest: String,
}

/// An approval of the version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalFact {
    /// Row id.
    pub id: u32,
    /// The role signed for.
    pub role: Role,
    /// The stage approved.
    pub stage: Stage,
    /// The decision.
    pub decision: Decision,
    /// `current`, `stale`, … as the trust rules decided.
    pub state: String,
    /// The signer's name.
    pub signer: String,
}

/// One check of a gate report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateCheckFact {
    /// Check id.
    pub id: String,
    /// Its status.
    pub status: CheckStatus,
    /// What it observed.
    pub observed: String,
    /// What it expects.
    pub expected: String,
}

/// A release record of the version, with its verification now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseFact {
    /// Position in the model's chain.
    pub seq: u32,
    /// The stage it moved the version to.
    pub to: Stage,
    /// `sha256:…` of its envelope.
    pub digest: String,
    /// When it was signed.
    pub recorded_at: String,
    /// Every problem verification found (empty: it verifies).
    pub problems: Vec<String>,
}

/// Everything coverage reads about one version, gathered by the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageEvidence {
    /// `MODEL@VERSION`, for next steps.
    pub target: String,
    /// Documents of the version and data sheets of its datasets, at their head revisions.
    pub documents: Vec<DocumentFacts>,
    /// Evaluation runs.
    pub evaluations: Vec<EvaluationFact>,
    /// Approvals.
    pub approvals: Vec<ApprovalFact>,
    /// Checks of the gates the pack names, for the stages that were evaluated.
    pub gate_checks: Vec<GateCheckFact>,
    /// The stages whose gates were evaluated (a stage the policy does not gate has none).
    pub gated_stages: Vec<Stage>,
    /// Release records of the version.
    pub release_records: Vec<ReleaseFact>,
}

/// Satisfied, partial or missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum CoverageStatus {
    /// Every selector found its evidence.
    Satisfied,
    /// Some evidence is there, not all of it.
    Partial,
    /// No evidence.
    Missing,
}

impl CoverageStatus {
    /// The name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageStatus::Satisfied => "satisfied",
            CoverageStatus::Partial => "partial",
            CoverageStatus::Missing => "missing",
        }
    }
}

/// A piece of evidence found, with what identifies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Found {
    /// What it is (`model-card revision 3`, `red-team run 4`).
    pub what: String,
    /// The digest or id that pins it (`sha256:…`, a check id).
    pub reference: String,
    /// Which record it is, for a link to it.
    pub pin: Pin,
}

/// Which stored record a piece of evidence is (of the version coverage was read for).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "is", rename_all = "kebab-case")]
pub enum Pin {
    /// A document at a revision: of the version, or of the dataset snapshot `of`.
    Document {
        /// The kind.
        kind: DocumentKind,
        /// The dataset snapshot (`NAME@VERSION`) for a data sheet.
        of: Option<String>,
        /// The revision read.
        revision: u32,
    },
    /// An evaluation run.
    Run {
        /// Its id.
        id: u32,
    },
    /// An approval.
    Approval {
        /// Its id.
        id: u32,
    },
    /// A check of a stage's gate.
    GateCheck {
        /// The check id.
        id: String,
        /// The stage it gates.
        stage: Option<Stage>,
    },
    /// A signed release record of the model.
    ReleaseRecord {
        /// Its sequence number.
        seq: u32,
    },
}

/// The step that closes a gap, for a link to where it is taken (the words are in
/// [`SelectorCoverage::next_step`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "step", rename_all = "kebab-case")]
pub enum Fix {
    /// Create or complete the version's document of `kind` (`section`: the one section short).
    WriteDocument {
        /// The kind.
        kind: DocumentKind,
        /// The section to write, when one section is the evidence.
        section: Option<String>,
    },
    /// Write the data sheets of the version's dataset snapshots (or link one first).
    WriteDataSheets,
    /// Import an evaluation run of `kind`.
    ImportEvaluation {
        /// The kind.
        kind: EvalKind,
    },
    /// Ask `role` to sign the version.
    Approve {
        /// The role.
        role: Role,
    },
    /// Meet a gate check (its evidence is on the version's gate).
    MeetGateCheck {
        /// The check id.
        id: String,
        /// The stage it gates.
        stage: Option<Stage>,
    },
    /// Change the policy in force (a stage or check it does not have).
    EditPolicy,
    /// Promote the version, which signs a release record.
    Promote,
    /// Look into release records that fail verification.
    RepairReleaseRecords,
}

/// What one selector found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectorCoverage {
    /// The selector.
    pub selector: Selector,
    /// How it reads.
    pub label: String,
    /// Met, part met or not met.
    pub status: CoverageStatus,
    /// The evidence found (also for a partial: what is there).
    pub found: Vec<Found>,
    /// For anything short of met: what is wrong and what to do.
    pub next_step: Option<String>,
    /// For anything short of met: the step, for a link to where it is taken.
    pub fix: Option<Fix>,
}

/// One requirement's coverage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementCoverage {
    /// Requirement id.
    pub id: String,
    /// Its group.
    pub group: String,
    /// Its title.
    pub title: String,
    /// The status over its selectors.
    pub status: CoverageStatus,
    /// What the status means for this requirement (the pack's `satisfied` or `partial`
    /// text, or the evidence that is missing).
    pub meaning: String,
    /// What "satisfied" means for it (the pack's text), whatever its status.
    pub satisfied: String,
    /// Per selector.
    pub selectors: Vec<SelectorCoverage>,
}

/// The coverage of one version against one pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// The pack.
    pub pack: String,
    /// `MODEL@VERSION`.
    pub target: String,
    /// Per requirement, in the pack's order.
    pub requirements: Vec<RequirementCoverage>,
}

impl Coverage {
    /// (satisfied, partial, missing) counts.
    pub fn counts(&self) -> (usize, usize, usize) {
        let n = |s: CoverageStatus| self.requirements.iter().filter(|r| r.status == s).count();
        (
            n(CoverageStatus::Satisfied),
            n(CoverageStatus::Partial),
            n(CoverageStatus::Missing),
        )
    }

    /// The requirement `id`.
    pub fn requirement(&self, id: &str) -> Option<&RequirementCoverage> {
        self.requirements.iter().find(|r| r.id == id)
    }
}

/// The coverage of `evidence` against `pack`: each requirement satisfied (every selector
/// met), partial (some evidence, not all) or missing (none), with the evidence found and, for
/// a gap, the next step. A version with no evidence at all has every requirement missing.
pub fn coverage(pack: &Pack, evidence: &CoverageEvidence) -> Coverage {
    let requirements = pack
        .requirements
        .iter()
        .map(|r| {
            let selectors: Vec<SelectorCoverage> =
                r.evidence.iter().map(|s| select(s, evidence)).collect();
            let status = if selectors
                .iter()
                .all(|s| s.status == CoverageStatus::Satisfied)
            {
                CoverageStatus::Satisfied
            } else if selectors
                .iter()
                .any(|s| s.status != CoverageStatus::Missing)
            {
                CoverageStatus::Partial
            } else {
                CoverageStatus::Missing
            };
            let meaning = match status {
                CoverageStatus::Satisfied => r.satisfied.clone(),
                CoverageStatus::Partial => r.partial.clone(),
                CoverageStatus::Missing => {
                    format!("no evidence yet; satisfied means: {}", r.satisfied)
                }
            };
            RequirementCoverage {
                id: r.id.clone(),
                group: r.group.clone(),
                title: r.title.clone(),
                status,
                meaning,
                satisfied: r.satisfied.clone(),
                selectors,
            }
        })
        .collect();
    Coverage {
        pack: pack.name.clone(),
        target: evidence.target.clone(),
        requirements,
    }
}

fn doc_label(d: &DocumentFacts) -> String {
    match &d.of {
        Some(of) => format!("{} of {of} revision {}", d.kind, d.revision),
        None => format!("{} revision {}", d.kind, d.revision),
    }
}

/// One selector against the evidence.
pub fn select(selector: &Selector, e: &CoverageEvidence) -> SelectorCoverage {
    use CoverageStatus::{Missing, Partial, Satisfied};
    let t = &e.target;
    let (status, found, next): (CoverageStatus, Vec<Found>, Option<(String, Fix)>) = match selector
    {
        Selector::Document { kind, section } => document(e, *kind, section.as_deref()),
        Selector::MonitoringPlan => document(e, DocumentKind::PostMarketMonitoringPlan, None),
        Selector::Evaluation(kind) => {
            let runs: Vec<Found> = e
                .evaluations
                .iter()
                .filter(|r| r.kind == *kind)
                .map(|r| Found {
                    what: format!("{kind} run {}", r.id),
                    reference: r.digest.clone(),
                    pin: Pin::Run { id: r.id },
                })
                .collect();
            if runs.is_empty() {
                (
                    Missing,
                    runs,
                    Some((
                        format!(
                            "no {kind} run; import one: `steward eval import {t} FILE --kind {kind}`"
                        ),
                        Fix::ImportEvaluation { kind: *kind },
                    )),
                )
            } else {
                (Satisfied, runs, None)
            }
        }
        Selector::Approval(role) => {
            let of_role: Vec<&ApprovalFact> =
                e.approvals.iter().filter(|a| a.role == *role).collect();
            let found = |a: &ApprovalFact| Found {
                what: format!(
                    "{} {} of {} for {} by {} ({})",
                    a.role, a.decision, t, a.stage, a.signer, a.state
                ),
                reference: format!("approval {}", a.id),
                pin: Pin::Approval { id: a.id },
            };
            let current: Vec<Found> = of_role
                .iter()
                .filter(|a| a.state == "current" && a.decision == Decision::Approve)
                .map(|a| found(a))
                .collect();
            if !current.is_empty() {
                (Satisfied, current, None)
            } else if of_role.is_empty() {
                (
                    Missing,
                    Vec::new(),
                    Some((format!(
                        "no approval by {role}; ask for one: `steward approve {t} --role {role} --to STAGE`"
                    ), Fix::Approve { role: *role })),
                )
            } else {
                let states: Vec<String> = of_role
                    .iter()
                    .map(|a| format!("{} {}", a.decision, a.state))
                    .collect();
                (
                    Partial,
                    of_role.iter().map(|a| found(a)).collect(),
                    Some((format!(
                        "the {role} approvals do not count ({}); ask {role} to sign the version as it is now",
                        states.join(", ")
                    ), Fix::Approve { role: *role })),
                )
            }
        }
        Selector::GateCheck(id) => {
            let stage = selector.gate_stage();
            let meet = || Fix::MeetGateCheck {
                id: id.clone(),
                stage,
            };
            match e.gate_checks.iter().find(|c| &c.id == id) {
                Some(c) => {
                    let f = vec![Found {
                        what: format!("{} {}: {}", c.id, c.status.as_str(), c.observed),
                        reference: c.id.clone(),
                        pin: Pin::GateCheck {
                            id: c.id.clone(),
                            stage,
                        },
                    }];
                    match c.status {
                        CheckStatus::Pass => (Satisfied, f, None),
                        CheckStatus::Waived => (
                            Partial,
                            f,
                            Some((format!("{id} passes only by a waiver; meet {} and let the waiver lapse", c.expected), meet())),
                        ),
                        CheckStatus::Fail => (
                            Missing,
                            f,
                            Some((format!("{id} fails: expected {}; `steward gate {t} --to {}` shows the evidence", c.expected, stage.map_or("STAGE".into(), |s| s.to_string())), meet())),
                        ),
                        CheckStatus::MissingEvidence => (
                            Missing,
                            f,
                            Some((format!("{id} has no evidence: expected {}", c.expected), meet())),
                        ),
                    }
                }
                None => (
                    Missing,
                    Vec::new(),
                    Some((match stage {
                        Some(s) if e.gated_stages.contains(&s) => format!(
                            "the policy in force has no check {id}; add it to the {s} gate (`steward policy set FILE`) or map this requirement to another selector"
                        ),
                        _ => format!(
                            "the policy in force does not gate {}; gate it (`steward policy set FILE`) so {id} is checked",
                            stage.map_or("that stage".into(), |s| s.to_string())
                        ),
                    }, Fix::EditPolicy)),
                ),
            }
        }
        Selector::ReleaseRecord => {
            let found: Vec<Found> = e
                .release_records
                .iter()
                .map(|r| Found {
                    what: if r.problems.is_empty() {
                        format!(
                            "release record {} to {} at {} (verifies)",
                            r.seq, r.to, r.recorded_at
                        )
                    } else {
                        format!(
                            "release record {} to {} at {} (FAILS verification: {})",
                            r.seq,
                            r.to,
                            r.recorded_at,
                            r.problems.join("; ")
                        )
                    },
                    reference: r.digest.clone(),
                    pin: Pin::ReleaseRecord { seq: r.seq },
                })
                .collect();
            let failing = e
                .release_records
                .iter()
                .filter(|r| !r.problems.is_empty())
                .count();
            if e.release_records.is_empty() {
                (
                    Missing,
                    found,
                    Some((format!(
                        "no release record; one is signed when the version is promoted: `steward stage set {t} STAGE`"
                    ), Fix::Promote)),
                )
            } else if failing > 0 {
                (
                    Partial,
                    found,
                    Some((format!(
                        "{failing} release record(s) fail verification; `steward release list MODEL` names the broken part"
                    ), Fix::RepairReleaseRecords)),
                )
            } else {
                (Satisfied, found, None)
            }
        }
    };
    let (next_step, fix) = match next {
        Some((words, fix)) => (Some(words), Some(fix)),
        None => (None, None),
    };
    SelectorCoverage {
        label: selector.describe(),
        selector: selector.clone(),
        status,
        found,
        next_step,
        fix,
    }
}

fn document(
    e: &CoverageEvidence,
    kind: DocumentKind,
    section: Option<&str>,
) -> (CoverageStatus, Vec<Found>, Option<(String, Fix)>) {
    use CoverageStatus::{Missing, Partial, Satisfied};
    let t = &e.target;
    let fix = || {
        if kind.is_per_dataset() {
            Fix::WriteDataSheets
        } else {
            Fix::WriteDocument {
                kind,
                section: section.map(str::to_string),
            }
        }
    };
    let docs: Vec<&DocumentFacts> = e.documents.iter().filter(|d| d.kind == kind).collect();
    if docs.is_empty() {
        let how = if kind.is_per_dataset() {
            format!("no {kind} for the version's datasets; link a dataset snapshot and write its data sheet: `steward doc new DATASET@VERSION {kind}`")
        } else {
            format!("no {kind}; create it: `steward doc new {t} {kind}`")
        };
        return (Missing, Vec::new(), Some((how, fix())));
    }
    let found: Vec<Found> = docs
        .iter()
        .map(|d| Found {
            what: match section {
                Some(s) => format!("{} § {s}", doc_label(d)),
                None => doc_label(d),
            },
            reference: d.sha256.clone(),
            pin: Pin::Document {
                kind: d.kind,
                of: d.of.clone(),
                revision: d.revision,
            },
        })
        .collect();
    let short: Vec<String> = docs
        .iter()
        .filter_map(|d| match section {
            None if d.complete => None,
            None => Some(format!(
                "{} is incomplete; `steward doc check {t}` lists its gaps",
                doc_label(d)
            )),
            Some(s) => match d.section(s) {
                Some(true) => None,
                Some(false) => Some(format!(
                    "the section \"{s}\" of {} is empty; write it",
                    doc_label(d)
                )),
                None => Some(format!(
                    "{} has no section \"{s}\"; add `## {s}` with its content",
                    doc_label(d)
                )),
            },
        })
        .collect();
    if short.is_empty() {
        (Satisfied, found, None)
    } else {
        (Partial, found, Some((short.join("; "), fix())))
    }
}
