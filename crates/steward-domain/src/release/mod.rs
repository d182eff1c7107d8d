//! Release records: what every promotion, rollback and deprecation leaves behind.
//!
//! A [`ReleaseRecord`] is the predicate of an in-toto Statement about the model bundle, signed
//! as a DSSE envelope by the person who moved the version. It names everything the move rested
//! on — artifacts, dataset manifests, document revisions, evaluation evidence, the gate report,
//! the approval and waiver envelopes — the rollback target (N-1) of a production release, and
//! the digest of the model's previous record, so a model's records form a chain.
//!
//! The rules here are pure: which moves leave a record ([`records_move`]), the names of the
//! git tag and registry tags a record carries, the chain rule ([`check_chain`]) and the
//! comparison of a record against what the store holds now ([`check_against`]). Signing,
//! verification of signatures and roster standing, and reading the store are the caller's.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::digest::Sha256Digest;
use crate::gate::GateReport;
use crate::lifecycle::TransitionKind;
use crate::model::ModelName;
use crate::stage::Stage;
use crate::trust::{DatasetChecksum, DocumentRevision, EvaluationEvidence, KeyId, Role};
use crate::version::Version;

#[cfg(test)]
mod tests;

/// The format tag of a release record.
pub const RELEASE_RECORD_FORMAT: &str = "steward.release-record/v1";

/// Whether a move of kind `kind` leaves a release record: promotions, rollbacks and
/// deprecations do; demotions (rework) and the supersede a promotion implies do not (the
/// promotion's own record names the superseded version as its rollback target).
pub fn records_move(kind: TransitionKind) -> bool {
    matches!(
        kind,
        TransitionKind::Promote | TransitionKind::Rollback | TransitionKind::Deprecate
    )
}

/// The annotated git tag a record asks for: `steward/MODEL/VERSION/STAGE`.
pub fn git_tag_name(model: &ModelName, version: &Version, to: Stage) -> String {
    format!("steward/{model}/{version}/{}", to.as_str())
}

/// The registry tags and alias a record's version carries in the central registry (see
/// `docs/registry-mapping.md`): the `steward.*` model-version tags, and the alias of the stage
/// it moved to, when that stage has one.
pub fn registry_tag_names(to: Stage) -> Vec<String> {
    let mut names: Vec<String> = [
        "steward.version",
        "steward.stage",
        "steward.bundle_digest",
        "steward.release_record_digest",
        "steward.approvals",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some(alias) = registry_alias(to) {
        names.push(format!("alias:{alias}"));
    }
    names
}

/// The registry alias that points at the version serving in `stage`.
pub fn registry_alias(stage: Stage) -> Option<&'static str> {
    match stage {
        Stage::Production => Some("production"),
        Stage::Canary => Some("canary"),
        Stage::Candidate => Some("candidate"),
        Stage::RollbackTarget => Some("rollback"),
        Stage::Experiment | Stage::Deprecated => None,
    }
}

/// One version's change within the recorded move (the requested one first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedChange {
    /// The version.
    pub version: Version,
    /// Its stage before.
    pub from: Stage,
    /// Its stage after.
    pub to: Stage,
    /// The kind of change.
    pub kind: TransitionKind,
}

/// The gate the move passed, or why there was none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedGate {
    /// The policy's name.
    pub policy: String,
    /// The stored policy revision in force (none for the built-in default).
    pub policy_revision: Option<u32>,
    /// Whether the gate passed (a gated move is only recorded when it did).
    pub passed: bool,
    /// [`GateReport::digest`] of the report.
    pub digest: Sha256Digest,
    /// The report itself, every check with its evidence.
    pub report: GateReport,
}

/// A signed envelope a record rests on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EnvelopeRef {
    /// The role signed for.
    pub role: Role,
    /// The signing key.
    pub keyid: KeyId,
    /// sha256 of the envelope.
    pub digest: Sha256Digest,
}

/// A waiver a record rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedWaiver {
    /// The check waived.
    pub check_id: String,
    /// Until when.
    pub expires_at: String,
    /// Why.
    pub rationale: String,
    /// Its signatures.
    pub envelopes: Vec<EnvelopeRef>,
}

/// Who signed the record, as the signer says (verification matches the key id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordSigner {
    /// The key.
    pub keyid: KeyId,
    /// The person's name.
    pub name: String,
    /// The person's email.
    pub email: String,
}

/// The release record: the predicate of the signed statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseRecord {
    /// [`RELEASE_RECORD_FORMAT`].
    pub format: String,
    /// The model.
    pub model: ModelName,
    /// Position in the model's chain, from 1.
    pub seq: u64,
    /// The version that moved.
    pub version: Version,
    /// Promote, rollback or deprecate.
    pub kind: TransitionKind,
    /// Its stage before.
    pub from: Stage,
    /// Its stage after.
    pub to: Stage,
    /// Every change the move implied, the requested one first.
    pub changes: Vec<RecordedChange>,
    /// The bundle digest (also the statement's subject).
    pub bundle_digest: Option<Sha256Digest>,
    /// The config digest.
    pub config_digest: Option<Sha256Digest>,
    /// The code commit.
    pub code_commit: Option<String>,
    /// Each linked dataset's manifest checksum.
    pub datasets: Vec<DatasetChecksum>,
    /// Each document at its head revision, with its content digest.
    pub documents: Vec<DocumentRevision>,
    /// Each evaluation run with its evidence digest.
    pub evaluations: Vec<EvaluationEvidence>,
    /// The gate passed (none for a rollback, which is not gated).
    pub gate: Option<RecordedGate>,
    /// The approvals that counted in the gate.
    pub approvals: Vec<EnvelopeRef>,
    /// The waivers that counted in the gate.
    pub waivers: Vec<RecordedWaiver>,
    /// The version that serves again if this release is rolled back (production releases).
    pub rollback_target: Option<Version>,
    /// The envelope digest of the model's previous record; none for its first.
    pub previous: Option<Sha256Digest>,
    /// The annotated git tag asked for ([`git_tag_name`]).
    pub git_tag: String,
    /// The registry tags and alias ([`registry_tag_names`]).
    pub registry_tags: Vec<String>,
    /// The incident behind a rollback.
    pub incident: Option<String>,
    /// Why, as the person gave it.
    pub reason: String,
    /// When (RFC 3339).
    pub recorded_at: String,
    /// Who signed.
    pub signer: RecordSigner,
    /// The roster change in force when it was signed.
    pub roster_seq: u64,
}

/// What the store holds now for the things a record names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreFacts {
    /// The version's bundle digest, config digest and commit; None when the version is gone.
    pub artifacts: Option<(Option<Sha256Digest>, Option<Sha256Digest>, Option<String>)>,
    /// Dataset `name@version` → manifest checksum.
    pub datasets: BTreeMap<String, Sha256Digest>,
    /// (kind, of, revision) → content digest of that stored revision.
    pub revisions: BTreeMap<(String, Option<String>, u32), Sha256Digest>,
    /// Run id → evidence digest.
    pub runs: BTreeMap<String, Sha256Digest>,
    /// Digests of every approval and waiver envelope stored for the version.
    pub envelopes: BTreeSet<Sha256Digest>,
}

/// The part of a record that does not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum RecordPart {
    /// The envelope does not parse or its signature does not verify.
    Signature,
    /// The signer was not an active roster member when it signed.
    Signer,
    /// The chain: a sequence gap, or a previous-record digest that is not the record before.
    Chain,
    /// The stored row disagrees with the signed record (model, version, stage, digest).
    Row,
    /// A bundle, config or commit differs from the version's.
    Artifact,
    /// A dataset manifest checksum differs or the dataset is gone.
    Dataset,
    /// A document revision's content differs or the revision is gone.
    Document,
    /// An evaluation run's evidence digest differs or the run is gone.
    Evaluation,
    /// An approval or waiver envelope the record rests on is not in the store.
    Envelope,
    /// The gate report's digest does not match the report it carries.
    Gate,
}

impl RecordPart {
    /// The name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordPart::Signature => "signature",
            RecordPart::Signer => "signer",
            RecordPart::Chain => "chain",
            RecordPart::Row => "row",
            RecordPart::Artifact => "artifact",
            RecordPart::Dataset => "dataset",
            RecordPart::Document => "document",
            RecordPart::Evaluation => "evaluation",
            RecordPart::Envelope => "envelope",
            RecordPart::Gate => "gate",
        }
    }
}

impl fmt::Display for RecordPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing wrong with one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordProblem {
    /// The record's position in the chain.
    pub seq: u64,
    /// Which part.
    pub part: RecordPart,
    /// What is wrong, naming the value.
    pub message: String,
}

/// One stored record's place in its chain: its position, its envelope digest, and the
/// previous digest the signed record names (None when the envelope could not be read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainLink {
    /// The stored position.
    pub seq: u64,
    /// sha256 of the stored envelope.
    pub digest: Sha256Digest,
    /// The previous-record digest the signed record names; `Some(None)` for a first record,
    /// `None` when the record could not be read.
    pub previous: Option<Option<Sha256Digest>>,
}

/// The chain rule over a model's records in stored order: positions run 1, 2, 3… without a
/// gap, and each record names the envelope digest of the one before (the first names none).
pub fn check_chain(links: &[ChainLink]) -> Vec<RecordProblem> {
    let mut out = Vec::new();
    let mut prev: Option<&ChainLink> = None;
    for (i, link) in links.iter().enumerate() {
        let want_seq = prev.map_or(1, |p| p.seq + 1);
        if link.seq != want_seq {
            out.push(RecordProblem {
                seq: link.seq,
                part: RecordPart::Chain,
                message: if i == 0 {
                    format!(
                        "the chain starts at record {} instead of 1: records before it are missing",
                        link.seq
                    )
                } else {
                    format!(
                        "record {} follows record {}: record {want_seq} is missing",
                        link.seq,
                        want_seq - 1
                    )
                },
            });
        }
        if let Some(named) = &link.previous {
            let want = prev.map(|p| p.digest);
            if *named != want {
                out.push(RecordProblem {
                    seq: link.seq,
                    part: RecordPart::Chain,
                    message: match (named, want) {
                        (None, Some(w)) => format!(
                            "record {} names no previous record, but record {} ({w}) comes before it",
                            link.seq,
                            prev.map_or(0, |p| p.seq)
                        ),
                        (Some(n), None) => format!(
                            "record {} names a previous record {n} that is not in the store",
                            link.seq
                        ),
                        (Some(n), Some(w)) => format!(
                            "record {} names previous record {n}, but the record before it is {w}",
                            link.seq
                        ),
                        (None, None) => unreachable_none(),
                    },
                });
            }
        }
        prev = Some(link);
    }
    out
}

// `named == want` when both are None, so the match arm above is never taken; kept total
// without a panic.
fn unreachable_none() -> String {
    String::from("the chain link does not hold")
}

fn differs(what: &str, signed: Option<&str>, now: Option<&str>) -> Option<String> {
    (signed != now).then(|| {
        format!(
            "{what} was {} when signed, the store holds {}",
            signed.unwrap_or("none"),
            now.unwrap_or("none")
        )
    })
}

/// Compares `record` with what the store holds now; each difference names the evidence.
/// (Signature, signer and chain are checked by the caller and [`check_chain`].)
pub fn check_against(record: &ReleaseRecord, facts: &StoreFacts) -> Vec<RecordProblem> {
    let mut out = Vec::new();
    let mut push = |part: RecordPart, message: String| {
        out.push(RecordProblem {
            seq: record.seq,
            part,
            message,
        })
    };
    match &facts.artifacts {
        None => push(
            RecordPart::Artifact,
            format!("{}@{} is not in the store", record.model, record.version),
        ),
        Some((bundle, config, commit)) => {
            let text = |d: &Option<Sha256Digest>| d.map(|d| d.to_string());
            for (what, signed, now) in [
                (
                    "the bundle digest",
                    text(&record.bundle_digest),
                    text(bundle),
                ),
                (
                    "the config digest",
                    text(&record.config_digest),
                    text(config),
                ),
                (
                    "the code commit",
                    record.code_commit.clone(),
                    commit.clone(),
                ),
            ] {
                if let Some(m) = differs(what, signed.as_deref(), now.as_deref()) {
                    push(RecordPart::Artifact, m);
                }
            }
        }
    }
    for d in &record.datasets {
        match facts.datasets.get(&d.name) {
            None => push(
                RecordPart::Dataset,
                format!("dataset {} is no longer linked to the version", d.name),
            ),
            Some(c) if *c != d.checksum => push(
                RecordPart::Dataset,
                format!(
                    "dataset {} had manifest {} when signed, the store holds {c}",
                    d.name, d.checksum
                ),
            ),
            Some(_) => {}
        }
    }
    for doc in &record.documents {
        let key = (doc.kind.as_str().to_string(), doc.of.clone(), doc.revision);
        let name = match &doc.of {
            Some(of) => format!("{} of {of} revision {}", doc.kind.as_str(), doc.revision),
            None => format!("{} revision {}", doc.kind.as_str(), doc.revision),
        };
        match facts.revisions.get(&key) {
            None => push(RecordPart::Document, format!("{name} is not in the store")),
            Some(s) if *s != doc.sha256 => push(
                RecordPart::Document,
                format!(
                    "{name} had content {} when signed, the store holds {s}",
                    doc.sha256
                ),
            ),
            Some(_) => {}
        }
    }
    for run in &record.evaluations {
        match facts.runs.get(&run.id) {
            None => push(
                RecordPart::Evaluation,
                format!("evaluation run {} is not in the store", run.id),
            ),
            Some(d) if *d != run.evidence_digest => push(
                RecordPart::Evaluation,
                format!(
                    "evaluation run {} had evidence {} when signed, the store holds {d}",
                    run.id, run.evidence_digest
                ),
            ),
            Some(_) => {}
        }
    }
    let envelopes = record
        .approvals
        .iter()
        .map(|a| (format!("the {} approval", a.role), a))
        .chain(record.waivers.iter().flat_map(|w| {
            w.envelopes
                .iter()
                .map(move |e| (format!("the {} waiver of {}", e.role, w.check_id), e))
        }));
    for (what, e) in envelopes {
        if !facts.envelopes.contains(&e.digest) {
            push(
                RecordPart::Envelope,
                format!("{what} ({}) is not in the store", e.digest),
            );
        }
    }
    if let Some(g) = &record.gate {
        match g.report.digest() {
            Ok(d) if d == g.digest => {}
            Ok(d) => push(
                RecordPart::Gate,
                format!(
                    "the gate report digest is {} but the report it carries digests to {d}",
                    g.digest
                ),
            ),
            Err(e) => push(
                RecordPart::Gate,
                format!("the gate report cannot be digested: {e}"),
            ),
        }
    }
    out
}

/// The first problem by position in the chain, then by part in the order of [`RecordPart`]:
/// the one a person fixes first.
pub fn first_broken(problems: &[RecordProblem]) -> Option<&RecordProblem> {
    problems.iter().min_by_key(|p| (p.seq, p.part))
}
