//! The demo workspace: the seed's summarization co-pilot and two smaller models, loaded from
//! `assets/demo/demo.json` (embedded at build time so the CLI and the studio work from any
//! folder) through the same operations a user calls, so every row, checksum and audit entry
//! is real. `scale` adds generated models for performance work.
//!
//! The demo's five reviewers get keys in the OS keyring under the namespace
//! [`keyring_namespace`] (made at the first load and used again by every later demo, so
//! loading demos neither piles up keys nor strands an earlier demo's roster), a roster, and
//! approvals: the production version fully approved, the canary with
//! four of five, and the candidate with one approval made stale by a later model-card edit.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use steward_attest::{IdentityRecord, KeyStore, Signer};
use steward_domain::feedback::Label;
use steward_domain::trust::{Decision, Role};
use steward_domain::{RiskTier, Stage};
use steward_store::clock;

use crate::error::{ApiError, ErrorCode, Result};
use crate::hashing::{Cancel, NoProgress, ProgressSink};
use crate::wire::{
    ApproveRequest, DatasetSnapshot, DemoSummary, FeedbackImportRequest, IncidentClose,
    IncidentOpen, ModelCreate, Progress, ProvenanceView, QueueLabelRequest, StageSet, VersionAdd,
};
use crate::workspace::{parse_model_version, Workspace};

const SPEC: &str = include_str!("../../../assets/demo/demo.json");

#[derive(Deserialize)]
struct Spec {
    datasets: Vec<DatasetSpec>,
    models: Vec<ModelSpec>,
    stages: Vec<(String, Stage, String)>,
    #[serde(default)]
    evaluations: Vec<EvalSpec>,
    #[serde(default)]
    documents: Vec<DocumentSpec>,
}

/// A document created from its template, then saved once per revision text. In data sheets,
/// `{{manifest_checksum}}` stands for the snapshot's checksum (known only once it is hashed).
#[derive(Deserialize)]
struct DocumentSpec {
    target: String,
    kind: steward_domain::DocumentKind,
    revisions: Vec<String>,
}

/// An evaluation file written into `demo-data/evals/` and imported like a user's file.
#[derive(Deserialize)]
struct EvalSpec {
    target: String,
    file: String,
    kind: Option<steward_domain::eval::EvalKind>,
    suite: Option<String>,
    text: String,
}

#[derive(Deserialize)]
struct DatasetSpec {
    name: String,
    version: String,
    files: BTreeMap<String, String>,
    provenance: ProvenanceView,
}

#[derive(Deserialize)]
struct ModelSpec {
    name: String,
    title: String,
    owner: String,
    risk_tier: RiskTier,
    description: String,
    versions: Vec<VersionSpec>,
}

#[derive(Deserialize)]
struct VersionSpec {
    version: String,
    commit: Option<String>,
    bundle_digest: Option<String>,
    bundle_uri: Option<String>,
    config: Option<String>,
    #[serde(default)]
    datasets: Vec<String>,
}

fn write(path: &Path, text: &str) -> Result<()> {
    let fail = |e: std::io::Error| {
        ApiError::new(
            ErrorCode::Io,
            format!("cannot write demo file {}: {e}", path.display()),
        )
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    std::fs::write(path, text).map_err(fail)
}

fn report(progress: &dyn ProgressSink, phase: &str, done: u32, total: u32) {
    progress.report(&Progress {
        phase: phase.into(),
        done_files: done,
        total_files: total,
        done_bytes: 0,
        total_bytes: 0,
    });
}

/// Loads the demo into `ws`, plus `scale` generated models. Refuses a workspace that already
/// holds any of the demo's models.
pub fn load(ws: &Workspace, scale: u32, progress: &dyn ProgressSink) -> Result<DemoSummary> {
    load_later(ws, scale, 0, progress)
}

/// The longest [`load_later`] shift: a year.
pub const MAX_HOURS_LATER: u32 = 24 * 366;

/// [`load`] as the demo stands `hours_later` hours on: everything happened that much earlier,
/// so the current canary has run 174 + `hours_later` hours (with 18 or more it has run the
/// 192 h its rollout plan commits to, and only its missing SRE sign-off stops it).
pub fn load_later(
    ws: &Workspace,
    scale: u32,
    hours_later: u32,
    progress: &dyn ProgressSink,
) -> Result<DemoSummary> {
    if hours_later > MAX_HOURS_LATER {
        return Err(ApiError::invalid(format!(
            "--hours-later {hours_later} is more than a year ({MAX_HOURS_LATER} h)"
        )));
    }
    let spec: Spec = serde_json::from_str(SPEC).map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("the embedded demo spec is invalid: {e}"),
        )
    })?;
    let existing = ws.model_list(&Default::default())?;
    if let Some(m) = spec
        .models
        .iter()
        .find(|m| existing.iter().any(|e| e.name == m.name))
    {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!(
                "the demo is already loaded in {} (model {:?} exists); use a new --workspace",
                ws.root().display(),
                m.name
            ),
        ));
    }
    if ws.has_roster()? {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!(
                "{} already has a trust roster; load the demo into a new --workspace",
                ws.root().display()
            ),
        ));
    }
    // The demo's clock: everything is laid down at the time it happened, counted back from
    // now, so the production canary ran 96 h and the current one has run 174 h.
    let end = clock::now_utc() - time::Duration::hours(i64::from(hours_later));
    let ago = |hours: f64| end - time::Duration::seconds((hours * 3600.0) as i64);
    let mut summary = DemoSummary {
        models: 0,
        versions: 0,
        datasets: 0,
    };
    clock::at(ago(CREATED_HOURS_AGO), || {
        load_inventory(ws, &spec, &mut summary)
    })?;
    // History from before the workspace adopted its policy: not gated, no release record.
    for (subject, stage, reason) in &spec.stages {
        let Some(when) = timeline(subject, *stage) else {
            return Err(ApiError::new(
                ErrorCode::Internal,
                format!("the demo timeline has no time for {subject} → {stage}"),
            ));
        };
        if !when.governed {
            clock::at(ago(when.hours_ago), || {
                ws.record_history(subject, *stage, reason)
            })?;
        }
    }
    clock::at(ago(EVIDENCE_HOURS_AGO), || load_evidence(ws, &spec))?;
    let people = clock::at(ago(EVIDENCE_HOURS_AGO), || load_people(ws))?;
    // The governed part of the story, in time order: reviews and sign-offs, then each
    // promotion through its gate, signed by the model owner as a release record.
    let mut steps: Vec<(f64, Step)> = spec
        .stages
        .iter()
        .filter_map(|(subject, stage, reason)| {
            timeline(subject, *stage)
                .filter(|w| w.governed)
                .map(|w| (w.hours_ago, Step::Promote(subject, *stage, reason)))
        })
        .chain(SIGN_OFFS.iter().map(|s| (s.hours_ago, Step::Sign(s))))
        .chain(DATASET_REVIEWS.iter().map(|(d, h)| (*h, Step::Review(d))))
        .collect();
    steps.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (hours, step) in steps {
        clock::at(ago(hours), || run_step(ws, &people, step))?;
    }
    clock::at(ago(STALE_EDIT_HOURS_AGO), || edit_after_signing(ws))?;
    operations(ws, &ago)?;
    feedback(ws, &ago)?;
    generate(ws, scale, progress, &mut summary)?;
    Ok(summary)
}

/// When the demo's models, versions and datasets were created.
const CREATED_HOURS_AGO: f64 = 40.0 * 24.0;
/// When its documents and evaluations were written and imported, and its reviewers joined.
const EVIDENCE_HOURS_AGO: f64 = 16.0 * 24.0;
/// When the owner edits the candidate's model card after signing.
const STALE_EDIT_HOURS_AGO: f64 = 4.0;
/// When the current canary 1.2.0-12 entered canary: a week and six hours before now, so it
/// has the week of hourly online windows the operations story needs, and is 18 h short of the
/// 192 h its rollout plan commits to (the gate holds a canary to the longer of its plan and
/// the policy's 48 h); `--hours-later 18` or more lets it pass.
const CANARY_HOURS_AGO: f64 = 174.0;
/// The hourly online windows the demo holds for each arm: one week.
const WINDOW_HOURS: i64 = 168;

/// When a stage move of the demo happened, and whether it went through the gate.
#[derive(Debug, Clone, Copy)]
struct When {
    hours_ago: f64,
    governed: bool,
}

/// The demo's stage history: hours before now, and whether the move was governed (gated and
/// recorded). The co-pilot's 1.0.0-3 and the two smaller models predate the workspace's policy.
fn timeline(subject: &str, stage: Stage) -> Option<When> {
    let (hours_ago, governed) = match (subject, stage) {
        ("summarize-copilot@1.0.0-3", Stage::Candidate) => (960.0 - 24.0, false),
        ("summarize-copilot@1.0.0-3", Stage::Canary) => (900.0, false),
        ("summarize-copilot@1.0.0-3", Stage::Production) => (828.0, false),
        ("summarize-copilot@1.1.0-8", Stage::Candidate) => (330.0, true),
        ("summarize-copilot@1.1.0-8", Stage::Canary) => (296.0, true),
        ("summarize-copilot@1.1.0-8", Stage::Production) => (200.0, true),
        ("summarize-copilot@1.2.0-12", Stage::Candidate) => (190.0, true),
        ("summarize-copilot@1.2.0-12", Stage::Canary) => (CANARY_HOURS_AGO, true),
        ("summarize-copilot@1.3.0-15", Stage::Candidate) => (48.0, true),
        ("ticket-router@3.4.1-41", Stage::Candidate) => (720.0, false),
        ("ticket-router@3.4.1-41", Stage::Canary) => (700.0, false),
        ("ticket-router@3.4.1-41", Stage::Production) => (600.0, false),
        ("ticket-router@3.5.0-44", Stage::Candidate) => (300.0, false),
        ("churn-scorer@0.9.0-2", Stage::Deprecated) => (500.0, false),
        ("churn-scorer@1.0.0-5", Stage::Candidate) => (560.0, false),
        ("churn-scorer@1.0.0-5", Stage::Canary) => (540.0, false),
        ("churn-scorer@1.0.0-5", Stage::Production) => (480.0, false),
        _ => return None,
    };
    Some(When {
        hours_ago,
        governed,
    })
}

/// A sign-off of the demo: who (indexes into [`REVIEWERS`]) approved what, and when.
struct SignOff {
    target: &'static str,
    to: Stage,
    signers: &'static [usize],
    comment: &'static str,
    hours_ago: f64,
}

const SIGN_OFFS: &[SignOff] = &[
    SignOff {
        target: "summarize-copilot@1.1.0-8",
        to: Stage::Production,
        signers: &[0, 1, 2, 3, 4],
        comment: "reviewed the canary evidence and the documents",
        hours_ago: 206.0,
    },
    SignOff {
        target: "summarize-copilot@1.2.0-12",
        to: Stage::Production,
        signers: &[0, 1, 2, 3],
        comment: "ready once the canary has run its planned 8 days",
        hours_ago: 20.0,
    },
    SignOff {
        target: "summarize-copilot@1.3.0-15",
        to: Stage::Canary,
        signers: &[0],
        comment: "fine for internal tenants",
        hours_ago: 10.0,
    },
];

/// The security/privacy reviews of dataset snapshots the demo signs, and when.
const DATASET_REVIEWS: &[(&str, f64)] = &[
    ("support-threads@2026-10-01", 300.0),
    ("synthetic-summaries@v2", 299.0),
    ("meeting-notes@2026-09-15", 180.0),
];

enum Step<'a> {
    Promote(&'a str, Stage, &'a str),
    Sign(&'a SignOff),
    Review(&'a str),
}

type People = Vec<(IdentityRecord, Signer, Role)>;

fn run_step(ws: &Workspace, people: &People, step: Step<'_>) -> Result<()> {
    let owner = &people[0];
    match step {
        Step::Promote(subject, stage, reason) => {
            let (model, version) = parse_model_version(subject)?;
            ws.stage_set_as(
                &StageSet {
                    model: model.to_string(),
                    version: version.to_string(),
                    stage,
                    reason: Some(reason.to_string()),
                    gate_digest: None,
                    incident: None,
                },
                &owner.0,
                &owner.1,
            )
            .map_err(|e| {
                ApiError::new(
                    e.code,
                    format!(
                        "the demo's promotion of {subject} to {stage} was refused: {}",
                        e.message
                    ),
                )
            })?;
        }
        Step::Sign(s) => {
            let (model, version) = parse_model_version(s.target)?;
            for &i in s.signers {
                let (who, signer, role) = &people[i];
                ws.approve_as(
                    &ApproveRequest {
                        model: model.to_string(),
                        version: version.to_string(),
                        role: *role,
                        to: s.to,
                        decision: Decision::Approve,
                        comment: s.comment.to_string(),
                    },
                    who,
                    signer,
                )?;
            }
        }
        Step::Review(dataset) => {
            let (who, signer, _) = people
                .iter()
                .find(|p| p.2 == Role::SecurityPrivacy)
                .ok_or_else(|| {
                    ApiError::new(ErrorCode::Internal, "the demo has no security reviewer")
                })?;
            ws.dataset_review_as(
                &crate::wire::DatasetReviewRequest {
                    dataset: dataset.to_string(),
                    comment: "provenance, consent basis and PII scan checked".into(),
                },
                who,
                signer,
            )?;
        }
    }
    Ok(())
}

fn load_inventory(ws: &Workspace, spec: &Spec, summary: &mut DemoSummary) -> Result<()> {
    let data = ws.root().join("demo-data");
    for d in &spec.datasets {
        let dir = data.join(format!("{}@{}", d.name, d.version));
        for (rel, text) in &d.files {
            write(&dir.join(rel), text)?;
        }
        ws.dataset_snapshot(
            &DatasetSnapshot {
                dir: dir.display().to_string(),
                name: d.name.clone(),
                version: d.version.clone(),
                provenance: d.provenance.clone(),
            },
            &NoProgress,
            &Cancel::new(),
        )?;
        summary.datasets += 1;
    }
    for m in &spec.models {
        ws.model_create(&ModelCreate {
            name: m.name.clone(),
            owner: m.owner.clone(),
            title: Some(m.title.clone()),
            description: Some(m.description.clone()),
            risk_tier: Some(m.risk_tier),
        })?;
        summary.models += 1;
        for v in &m.versions {
            let config_file = match &v.config {
                Some(text) => {
                    let path = data
                        .join("configs")
                        .join(format!("{}@{}.yaml", m.name, v.version));
                    write(&path, text)?;
                    Some(path.display().to_string())
                }
                None => None,
            };
            ws.version_add(
                &VersionAdd {
                    model: m.name.clone(),
                    version: v.version.clone(),
                    bundle_digest: v.bundle_digest.clone(),
                    bundle_uri: v.bundle_uri.clone(),
                    commit: v.commit.clone(),
                    config_file,
                    ..VersionAdd::default()
                },
                &NoProgress,
                &Cancel::new(),
            )?;
            summary.versions += 1;
            for dataset in &v.datasets {
                ws.version_link_dataset(&m.name, &v.version, dataset)?;
            }
        }
    }
    Ok(())
}

fn load_evidence(ws: &Workspace, spec: &Spec) -> Result<()> {
    let data = ws.root().join("demo-data");
    for d in &spec.documents {
        load_document(ws, d)?;
    }
    for e in &spec.evaluations {
        let (model, version) = parse_model_version(&e.target)?;
        let path = data.join("evals").join(&e.target).join(&e.file);
        write(&path, &e.text)?;
        ws.eval_import(
            &crate::wire::EvalImport {
                model: model.to_string(),
                version: version.to_string(),
                file: path.display().to_string(),
                kind: e.kind,
                suite: e.suite.clone(),
            },
            &NoProgress,
            &Cancel::new(),
        )?;
    }
    Ok(())
}

/// The keyring namespace of the demo's reviewers: `<STEWARD_KEYRING_NAMESPACE>-demo`, or
/// `demo` (service `steward-demo`) when none is set. Act as one of them with
/// `STEWARD_KEYRING_NAMESPACE=<this> STEWARD_IDENTITY=<their email>`.
pub fn keyring_namespace() -> String {
    match std::env::var(steward_attest::keyring::NAMESPACE_ENV) {
        Ok(ns) if !ns.is_empty() => format!("{ns}-demo"),
        _ => "demo".to_string(),
    }
}

/// The demo's reviewers, one per role; the first is the roster's root.
pub const REVIEWERS: [(&str, &str, Role); 5] = [
    ("Priya Raman", "priya@companyos.example", Role::ModelOwner),
    ("Diego Alvarez", "diego@companyos.example", Role::ProductUx),
    (
        "Hana Suzuki",
        "hana@companyos.example",
        Role::SecurityPrivacy,
    ),
    (
        "Amara Okafor",
        "amara@companyos.example",
        Role::ResponsibleAiLegal,
    ),
    ("Tom Becker", "tom@companyos.example", Role::Sre),
];

fn load_people(ws: &Workspace) -> Result<People> {
    let ks = KeyStore::with_namespace(&keyring_namespace());
    let mut people = Vec::new();
    for (name, email, role) in REVIEWERS {
        // Keep the key made here in memory: another demo loading at the same time may
        // replace the keyring entry, and this workspace's roster holds this key's public half.
        // A reviewer's key already in the namespace (an earlier demo) is used again: making a
        // new one would leave every earlier demo workspace with a roster whose keys are gone.
        let secret = match ks.load(email) {
            Ok(key) => key,
            Err(_) => ks.create(email, true)?,
        };
        let who = IdentityRecord {
            identity: email.to_string(),
            name: name.to_string(),
            email: email.to_string(),
        };
        ks.remember(&who)?;
        people.push((who, Signer::new(secret), role));
    }
    ws.roster_of(&people)?;
    Ok(people)
}

/// The owner edits the candidate's model card after signing: that approval is now stale.
fn edit_after_signing(ws: &Workspace) -> Result<()> {
    let card = crate::wire::DocumentRef {
        target: "summarize-copilot@1.3.0-15".into(),
        kind: steward_domain::DocumentKind::ModelCard,
    };
    let head = ws.doc_show(&card, None)?;
    ws.doc_save(&crate::wire::DocumentSave {
        target: card.target.clone(),
        kind: card.kind,
        text: format!(
            "{}\nTemperature lowered from 0.7 to 0.4 after the red-team review.\n",
            head.text.trim_end()
        ),
        base_revision: Some(head.head),
        merge_parent: None,
        message: Some("note the temperature change".into()),
    })?;
    Ok(())
}

fn load_document(ws: &Workspace, d: &DocumentSpec) -> Result<()> {
    let doc = crate::wire::DocumentRef {
        target: d.target.clone(),
        kind: d.kind,
    };
    let created = ws.doc_new(&doc)?;
    let checksum = match d.kind {
        steward_domain::DocumentKind::DataSheet => {
            ws.dataset_show(&d.target)?.summary.manifest_checksum
        }
        _ => String::new(),
    };
    let mut base = created.revision.number;
    for text in &d.revisions {
        let saved = ws.doc_save(&crate::wire::DocumentSave {
            target: d.target.clone(),
            kind: d.kind,
            text: text.replace("{{manifest_checksum}}", &checksum),
            base_revision: Some(base),
            merge_parent: None,
            message: Some("written by the owner".into()),
        })?;
        base = saved.document.revision.number;
    }
    Ok(())
}

/// Adds `scale` generated models, each with a production version, a canary and an experiment.
fn generate(
    ws: &Workspace,
    scale: u32,
    progress: &dyn ProgressSink,
    summary: &mut DemoSummary,
) -> Result<()> {
    const TIERS: [RiskTier; 3] = [RiskTier::Low, RiskTier::Medium, RiskTier::High];
    const AREAS: [&str; 8] = [
        "search", "ranking", "fraud", "support", "pricing", "forecast", "vision", "speech",
    ];
    ws.store().bulk(|| {
        for i in 1..=scale {
            let name = format!("perf-model-{i:05}");
            let area = AREAS[i as usize % AREAS.len()];
            ws.model_create(&ModelCreate {
                name: name.clone(),
                owner: format!("{area}-team-{:02}@companyos.example", i % 40),
                title: Some(format!("Generated {area} model {i}")),
                description: Some(format!(
                    "Generated by `steward demo --scale` for performance work ({area})."
                )),
                risk_tier: Some(TIERS[i as usize % TIERS.len()]),
            })?;
            let plan: [(&str, &[Stage]); 3] = [
                (
                    "1.0.0-1",
                    &[Stage::Candidate, Stage::Canary, Stage::Production],
                ),
                ("1.1.0-2", &[Stage::Candidate, Stage::Canary]),
                ("1.2.0-3", &[]),
            ];
            for (version, stages) in plan {
                ws.version_add(
                    &VersionAdd {
                        model: name.clone(),
                        version: version.into(),
                        ..VersionAdd::default()
                    },
                    &NoProgress,
                    &Cancel::new(),
                )?;
                for stage in stages {
                    ws.record_history(&format!("{name}@{version}"), *stage, "")?;
                }
                summary.versions += 1;
            }
            summary.models += 1;
            if i % 500 == 0 || i == scale {
                report(progress, "generating models", i, scale);
            }
        }
        // In the same transaction: an interrupted demo leaves neither models nor a half-merged index.
        ws.store().compact_model_search()?;
        Ok(())
    })
}

/// When the demo's online windows were imported (the breach cut the canary's traffic then).
const WINDOWS_HOURS_AGO: f64 = 2.5;
/// The canary's window whose p99 latency breached its guardrail, hours before the import.
const BREACH_WINDOW_HOURS_BEFORE: i64 = 9;

/// The co-pilot's online windows: a week of hourly windows for production and the canary, with
/// one canary window whose p99 latency breaches the policy's guardrail (so the import cut the
/// canary's traffic), then the incident the on-call SRE opened, annotated and closed with an
/// action item.
fn operations(ws: &Workspace, ago: &dyn Fn(f64) -> time::OffsetDateTime) -> Result<()> {
    let model = parse_model_version("summarize-copilot@1.0.0-3")?.0;
    let (canary, production) = ("1.2.0-12", "1.1.0-8");
    let import_at = ago(WINDOWS_HOURS_AGO);
    let last = import_at.unix_timestamp() - import_at.unix_timestamp() % 3600 - 3600;
    let mut csv = String::from("timestamp,version,metric,value\n");
    // A small deterministic wobble, so the charts are not flat lines.
    let wobble = |h: i64, k: i64| ((h * 7919 + k * 104_729) % 1000) as f64 / 1000.0 - 0.5;
    for h in (0..WINDOW_HOURS).rev() {
        let at = steward_domain::gate::time::format_rfc3339(last - h * 3600);
        for (version, is_canary) in [(production, 0.0), (canary, 1.0)] {
            let p99 = if is_canary > 0.0 && h == BREACH_WINDOW_HOURS_BEFORE {
                2740.0
            } else {
                1820.0 + 60.0 * wobble(h, 1) - 30.0 * is_canary
            };
            let rows = [
                ("latency_p99_ms", format!("{p99:.0}")),
                (
                    "error_rate",
                    format!("{:.5}", 0.0021 + 0.0004 * wobble(h, 2)),
                ),
                (
                    "acceptance_rate",
                    format!("{:.4}", 0.58 + 0.02 * is_canary + 0.01 * wobble(h, 3)),
                ),
                (
                    "task_success_rate",
                    format!("{:.4}", 0.70 + 0.01 * is_canary + 0.008 * wobble(h, 4)),
                ),
            ];
            for (metric, value) in rows {
                csv.push_str(&format!("{at},{version},{metric},{value}\n"));
            }
        }
    }
    let monitor = clock::at(import_at, || {
        ws.monitor_import_bytes(&model, "copilot-online-week.csv", csv.as_bytes())
    })?;
    if monitor.status != "breach" {
        return Err(ApiError::new(
            ErrorCode::Internal,
            format!(
                "the demo's online week should breach the canary's p99 guardrail, but the import says {}",
                monitor.status
            ),
        ));
    }
    let incident = clock::at(ago(WINDOWS_HOURS_AGO - 0.25), || {
        ws.incident_open(&IncidentOpen {
            model: model.to_string(),
            title: "canary p99 latency above 2.5 s".into(),
            severity: "sev3".into(),
            versions: vec![canary.into(), production.into()],
            rollback: None,
        })
    })?;
    clock::at(ago(WINDOWS_HOURS_AGO - 0.5), || {
        ws.incident_note(
            &incident.reference,
            "the guardrail cut the canary to 1%; long meeting transcripts hit the 8k-token path",
        )
    })?;
    clock::at(ago(1.0), || {
        ws.incident_close(&IncidentClose {
            incident: incident.reference.clone(),
            analysis: "transcripts over 6,000 tokens took the slow summarisation path; the canary's share kept the impact to 1% of requests".into(),
            actions: vec!["add transcripts over 6,000 tokens to the load test".into()],
        })
    })?;
    Ok(())
}

/// When the demo's feedback was imported, and when a reviewer worked through the queue's head.
const FEEDBACK_HOURS_AGO: f64 = 0.75;
const LABELS_HOURS_AGO: f64 = 0.5;

/// What people asked the co-pilot, some with personal data the import must redact.
const ASKS: &[&str] = &[
    "Summarise the weekly sync with the Lisbon support team",
    "Summarise this call; the customer asked to be called back on +44 20 7946 0958",
    "Give me the action items from the incident review",
    "Summarise the thread with jane.doe@example.com about the renewal",
    "Summarise the escalation; the card on file is 4111 1111 1111 1111",
    "What did we decide about the 1.2.0-12 rollout on 2026-11-28?",
    "Summarise the outage notes: the gateway at 10.20.30.40 dropped requests",
    "Summarise the 8,000-token transcript of the quarterly planning meeting",
];

/// The co-pilot's in-product feedback: two prompt variants of the canary (`concise` and
/// `detailed`) and production's `default`, each over the week, written
/// as JSONL files into `demo-data/feedback/` and imported through the real import (so every
/// text is redacted before it is stored); then a reviewer labels the head of the review queue.
fn feedback(ws: &Workspace, ago: &dyn Fn(f64) -> time::OffsetDateTime) -> Result<()> {
    let model = "summarize-copilot";
    let data = ws.root().join("demo-data").join("feedback");
    // (version, variant, items, hours they span, thumbs-down every n-th, override every n-th)
    let files: [(&str, &str, u32, f64, u32, u32); 3] = [
        ("1.2.0-12", "concise", 130, 160.0, 7, 11),
        ("1.2.0-12", "detailed", 130, 160.0, 4, 13),
        ("1.1.0-8", "default", 90, 160.0, 6, 9),
    ];
    for (k, (version, variant, n, span, down, over)) in files.iter().enumerate() {
        let mut text = String::new();
        for i in 0..*n {
            let hours = FEEDBACK_HOURS_AGO + 0.1 + span * f64::from(i) / f64::from(*n);
            let at = steward_domain::gate::time::format_rfc3339(ago(hours).unix_timestamp());
            let ask = ASKS[(i as usize + k * 3) % ASKS.len()];
            let (kind, comment, correction) = if i % over == 5 {
                (
                    "override",
                    "the agent rewrote the summary before sending it",
                    "",
                )
            } else if i % 17 == 3 {
                (
                    "correction",
                    "the owner of the first action item is wrong",
                    "Owner: the support lead, not the account manager",
                )
            } else if i % down == 1 {
                ("thumbs-down", "it missed the decision we took", "")
            } else {
                ("thumbs-up", "", "")
            };
            let safety = i % 61 == 17;
            let flagged = safety || i % 15 == 2;
            let comment = if safety {
                "the summary repeated the customer's card number and phone"
            } else {
                comment
            };
            let line = serde_json::json!({
                "id": format!("{variant}-{i}"),
                "at": at,
                "kind": kind,
                "variant": variant,
                "input": ask,
                "output": "Summary: the team agreed the next steps and owners; see the action items.",
                "comment": comment,
                "correction": correction,
                "flagged": flagged,
                "safety": safety,
            });
            text.push_str(&line.to_string());
            text.push('\n');
        }
        let path = data.join(format!("{model}@{version}-{variant}.jsonl"));
        write(&path, &text)?;
        clock::at(ago(FEEDBACK_HOURS_AGO), || {
            ws.feedback_import(&FeedbackImportRequest {
                model: model.into(),
                version: (*version).into(),
                file: path.display().to_string(),
                variant: Some((*variant).into()),
            })
        })?;
    }
    // The reviewer's first pass: the oldest safety report, then the three oldest flagged items.
    let queue = ws.queue_list(model, false)?;
    let safety = queue.iter().filter(|q| q.safety).take(1).map(|q| {
        (
            q.id,
            Label::Unsafe,
            "card number and phone echoed back: fix the prompt template",
        )
    });
    let flagged = queue.iter().filter(|q| !q.safety).take(3).zip([
        (Label::Wrong, "missed the decision"),
        (Label::Correct, ""),
        (Label::Other, "asked for a translation, not a summary"),
    ]);
    let picked: Vec<(u32, Label, &str)> = safety
        .chain(flagged.map(|(q, (label, note))| (q.id, label, note)))
        .collect();
    for (item, label, note) in picked {
        clock::at(ago(LABELS_HOURS_AGO), || {
            ws.queue_label(&QueueLabelRequest {
                item,
                label,
                note: note.into(),
            })
        })?;
    }
    Ok(())
}
