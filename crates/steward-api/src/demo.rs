//! The demo workspace: the seed's summarization co-pilot and two smaller models, loaded from
//! `assets/demo/demo.json` (embedded at build time so the CLI and the studio work from any
//! folder) through the same operations a user calls, so every row, checksum and audit entry
//! is real. `scale` adds generated models for performance work.
//!
//! The demo's five reviewers get keys made at load, in the OS keyring under the namespace
//! [`keyring_namespace`] (replacing the previous demo's, so loading demos does not pile up
//! keys), a roster, and approvals: the production version fully approved, the canary with
//! four of five, and the candidate with one approval made stale by a later model-card edit.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use steward_attest::{IdentityRecord, KeyStore, Signer};
use steward_domain::trust::{Decision, Role};
use steward_domain::{RiskTier, Stage};

use crate::error::{ApiError, ErrorCode, Result};
use crate::hashing::{Cancel, NoProgress, ProgressSink};
use crate::wire::{
    ApproveRequest, DatasetSnapshot, DemoSummary, ModelCreate, Progress, ProvenanceView, StageSet,
    VersionAdd,
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
    let data = ws.root().join("demo-data");
    let mut summary = DemoSummary {
        models: 0,
        versions: 0,
        datasets: 0,
    };
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
    for (subject, stage, reason) in &spec.stages {
        let (model, version) = parse_model_version(subject)?;
        ws.stage_set(&StageSet {
            model: model.to_string(),
            version: version.to_string(),
            stage: *stage,
            reason: Some(reason.clone()),
            gate_digest: None,
            incident: None,
        })?;
    }
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
    load_trust(ws)?;
    generate(ws, scale, progress, &mut summary)?;
    Ok(summary)
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

fn load_trust(ws: &Workspace) -> Result<()> {
    let ks = KeyStore::with_namespace(&keyring_namespace());
    let mut people = Vec::new();
    for (name, email, role) in REVIEWERS {
        // Keep the key made here in memory: another demo loading at the same time may
        // replace the keyring entry, and this workspace's roster holds this key's public half.
        let secret = ks.create(email, true)?;
        let who = IdentityRecord {
            identity: email.to_string(),
            name: name.to_string(),
            email: email.to_string(),
        };
        ks.remember(&who)?;
        people.push((who, Signer::new(secret), role));
    }
    ws.roster_of(&people)?;
    let sign = |target: &str, to: Stage, signers: &[usize], comment: &str| -> Result<()> {
        let (model, version) = parse_model_version(target)?;
        for &i in signers {
            let (who, signer, role) = &people[i];
            ws.approve_as(
                &ApproveRequest {
                    model: model.to_string(),
                    version: version.to_string(),
                    role: *role,
                    to,
                    decision: Decision::Approve,
                    comment: comment.to_string(),
                },
                who,
                signer,
            )?;
        }
        Ok(())
    };
    sign(
        "summarize-copilot@1.1.0-8",
        Stage::Production,
        &[0, 1, 2, 3, 4],
        "reviewed the canary evidence and the documents",
    )?;
    sign(
        "summarize-copilot@1.2.0-12",
        Stage::Production,
        &[0, 1, 2, 3],
        "ready once the canary has run its 48 hours",
    )?;
    sign(
        "summarize-copilot@1.3.0-15",
        Stage::Canary,
        &[0],
        "fine for internal tenants",
    )?;
    // The owner edits the candidate's model card after signing: that approval is now stale.
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
                    ws.stage_set(&StageSet {
                        model: name.clone(),
                        version: version.into(),
                        stage: *stage,
                        reason: None,
                        gate_digest: None,
                        incident: None,
                    })?;
                }
                summary.versions += 1;
            }
            summary.models += 1;
            if i % 500 == 0 || i == scale {
                report(progress, "generating models", i, scale);
            }
        }
        Ok(())
    })
}
