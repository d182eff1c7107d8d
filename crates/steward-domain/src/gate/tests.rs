//! Table tests for every check of the default policy: one case per criterion for pass, fail
//! and missing evidence, then waivers, the digest, the checklist and the auditor's map.

use std::collections::BTreeMap;

use super::*;
use crate::eval::compare::MetricValue;
use crate::eval::fairness::{group_fairness, GroupValue, Tolerance};
use crate::eval::Direction;
use crate::trust::{Change, SignaturePart};

const NOW: &str = "2026-12-01T09:00:00Z";
const DATASET: &str = "tickets@2026-11-01";

fn digest(seed: &str) -> Sha256Digest {
    Sha256Digest::of(seed.as_bytes())
}

fn key(n: u8) -> KeyId {
    KeyId::from_sha256([n; 32])
}

fn sig(role: Role, n: u8) -> Signature {
    Signature {
        role,
        keyid: key(n),
        state: ApprovalState::Current,
        envelope_digest: digest(&format!("envelope {role} {n}")),
    }
}

fn values(pairs: &[(&str, f64)]) -> BTreeMap<String, MetricValue> {
    pairs
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                MetricValue {
                    value: *v,
                    ci: None,
                    n: Some(1000),
                },
            )
        })
        .collect()
}

fn run(id: &str, kind: EvalKind, metrics: &[(&str, f64)]) -> RunSummary {
    RunSummary {
        id: id.to_string(),
        kind,
        evidence_digest: digest(id),
        metrics: values(metrics),
        baseline: BTreeMap::new(),
        fairness: Vec::new(),
    }
}

fn locale_fairness(es: f64) -> KeyFairness {
    let groups = [("de", 0.5), ("en", 0.52), ("es", es)]
        .iter()
        .map(|(g, v)| GroupValue {
            group: g.to_string(),
            value: *v,
            n: Some(400),
        })
        .collect();
    KeyFairness {
        key: "locale".into(),
        metrics: group_fairness(
            "selection_rate",
            Direction::None,
            groups,
            Tolerance::default(),
        )
        .into_iter()
        .collect(),
    }
}

fn doc(kind: DocumentKind, of: Option<&str>, fields: &[(&str, &str)]) -> DocumentEvidence {
    DocumentEvidence {
        kind,
        of: of.map(str::to_string),
        revision: 3,
        sha256: digest(&format!("{kind} {of:?}")),
        complete: true,
        gaps: Vec::new(),
        fields: fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

/// Evidence that meets every check of the default policy for every stage.
fn full() -> Evidence {
    let runbook = [
        "content_filters",
        "pii_detectors",
        "guardrail_tests",
        "autoscaling",
        "rate_limits",
        "dashboards",
        "alerts",
        "tracing",
        "escalation_channel",
        "oncall_team",
        "triage_cadence",
        "feedback_tagged_by_version",
        "log_redaction",
        "inference_retention",
        "secrets_managed",
        "access_roles",
    ]
    .map(|f| (f, "yes"));
    let mut online = run(
        "r-online",
        EvalKind::OnlineKpis,
        &[
            ("acceptance_rate", 0.42),
            ("task_success_rate", 0.80),
            ("error_rate", 0.004),
            ("latency_p99_ms", 1400.0),
        ],
    );
    online.baseline = values(&[
        ("acceptance_rate", 0.40),
        ("task_success_rate", 0.79),
        ("error_rate", 0.005),
        ("latency_p99_ms", 1500.0),
    ]);
    let mut fairness = run("r-fair", EvalKind::FairnessAudit, &[]);
    fairness.fairness = vec![locale_fairness(0.49)];
    Evidence {
        version: "1.1.0-2".into(),
        artifacts: crate::artifact::Artifacts {
            bundle_digest: Some(digest("bundle")),
            bundle_uri: None,
            code_commit: Some("abcdef1".parse().expect("commit")),
            config_digest: Some(digest("config")),
            config_uri: None,
        },
        datasets: vec![DatasetEvidence {
            name: DATASET.into(),
            manifest_checksum: digest("manifest"),
            provenance: Provenance {
                source: Some("crm export".into()),
                license: Some("internal".into()),
                consent: Some("terms §4".into()),
                retention: Some("24 months".into()),
                personal_data: Some(false),
            },
            reviews: vec![sig(Role::SecurityPrivacy, 3)],
        }],
        documents: vec![
            doc(DocumentKind::ModelCard, None, &[]),
            doc(DocumentKind::EvalReport, None, &[]),
            doc(DocumentKind::DataSheet, Some(DATASET), &[]),
            doc(
                DocumentKind::RiskAssessment,
                None,
                &[
                    ("fairness_mitigation", "reweighting"),
                    ("vendor_commitments", "DPA 2026"),
                ],
            ),
            doc(DocumentKind::Runbook, None, &runbook),
            doc(DocumentKind::RolloutPlan, None, &[]),
        ],
        evaluations: vec![
            run(
                "r-golden",
                EvalKind::GoldenSet,
                &[
                    ("rouge_l", 0.45),
                    ("regression_blockers", 0.0),
                    ("long_tail_accuracy", 0.80),
                    ("hallucination_rate", 0.03),
                    ("policy_adherence", 0.98),
                    ("refusal_correctness", 0.97),
                    ("pii_leak_count", 0.0),
                    ("toxicity_rate", 0.005),
                ],
            ),
            run(
                "r-redteam",
                EvalKind::RedTeam,
                &[
                    ("jailbreak_pass_rate", 0.97),
                    ("prompt_injection_pass_rate", 0.96),
                ],
            ),
            fairness,
            run(
                "r-load",
                EvalKind::LoadTest,
                &[
                    ("latency_p99_ms", 1500.0),
                    ("error_rate", 0.005),
                    ("cost_per_1k_usd", 3.0),
                ],
            ),
            online,
        ],
        production: Some(ProductionEvidence {
            version: "1.0.0-1".into(),
            evaluations: vec![run(
                "p-golden",
                EvalKind::GoldenSet,
                &[("rouge_l", 0.44), ("long_tail_accuracy", 0.79)],
            )],
        }),
        approvals: Role::ALL
            .iter()
            .enumerate()
            .map(|(i, r)| sig(*r, 10 + i as u8))
            .collect(),
        waivers: Vec::new(),
        stage_history: vec![
            StageEntry {
                stage: Stage::Experiment,
                at: "2026-11-10T09:00:00Z".into(),
            },
            StageEntry {
                stage: Stage::Candidate,
                at: "2026-11-20T09:00:00Z".into(),
            },
            StageEntry {
                stage: Stage::Canary,
                at: "2026-11-28T09:00:00Z".into(),
            },
        ],
        rollback_target: Some("1.0.0-1".into()),
        canary_plan: Some(CanaryPlan {
            share_percent: Some(2.0),
            tenants: Vec::new(),
            feature_flag: Some("copilot-v11".into()),
            shadow_mode: Some(true),
            kill_switch: Some("copilot-off (sre on call)".into()),
            duration_hours: None,
        }),
        deprecation: Some(DeprecationPlan {
            migration_plan: Some("move tenants to 2.0.0-1".into()),
            removal_date: Some("2027-01-31".into()),
        }),
        packs: Vec::new(),
        incident_suites: Vec::new(),
        run_suites: Vec::new(),
    }
}

fn policy() -> Policy {
    Policy::builtin().expect("default policy")
}

fn metric_mut<'a>(e: &'a mut Evidence, run: &str, metric: &str) -> &'a mut f64 {
    let r = e
        .evaluations
        .iter_mut()
        .find(|r| r.id == run)
        .unwrap_or_else(|| panic!("run {run}"));
    &mut r
        .metrics
        .get_mut(metric)
        .unwrap_or_else(|| panic!("{metric}"))
        .value
}

fn drop_metric(e: &mut Evidence, metric: &str) {
    for r in &mut e.evaluations {
        r.metrics.remove(metric);
        r.baseline.remove(metric);
    }
}

fn doc_mut(e: &mut Evidence, kind: DocumentKind) -> &mut DocumentEvidence {
    e.documents
        .iter_mut()
        .find(|d| d.kind == kind)
        .unwrap_or_else(|| panic!("{kind}"))
}

fn drop_doc(e: &mut Evidence, kind: DocumentKind) {
    e.documents.retain(|d| d.kind != kind);
}

fn set_field(e: &mut Evidence, kind: DocumentKind, field: &str, value: Option<&str>) {
    let d = doc_mut(e, kind);
    match value {
        Some(v) => d.fields.insert(field.into(), v.into()),
        None => d.fields.remove(field),
    };
}

fn plan(e: &mut Evidence) -> &mut CanaryPlan {
    e.canary_plan.as_mut().expect("plan")
}

fn approval_of(e: &mut Evidence, role: Role) -> &mut Signature {
    e.approvals
        .iter_mut()
        .find(|s| s.role == role)
        .expect("approval")
}

fn stale() -> ApprovalState {
    ApprovalState::Stale {
        changes: vec![Change::DocumentRevised {
            kind: DocumentKind::ModelCard,
            of: None,
            signed: 2,
            current: 3,
        }],
    }
}

type Mutation = fn(&mut Evidence);
use CheckStatus::{Fail, MissingEvidence as Missing, Pass};

/// (check id, what the evidence becomes, the status the check must report).
fn cases() -> Vec<(&'static str, Mutation, CheckStatus)> {
    vec![
        // --- candidate (§1 Candidate, §4 step 1)
        ("candidate.artifacts.bundle", |_| {}, Pass),
        (
            "candidate.artifacts.bundle",
            |e| e.artifacts.bundle_digest = None,
            Missing,
        ),
        ("candidate.artifacts.code-commit", |_| {}, Pass),
        (
            "candidate.artifacts.code-commit",
            |e| e.artifacts.code_commit = None,
            Missing,
        ),
        ("candidate.artifacts.config", |_| {}, Pass),
        (
            "candidate.artifacts.config",
            |e| e.artifacts.config_digest = None,
            Missing,
        ),
        ("candidate.artifacts.dataset-manifest", |_| {}, Pass),
        (
            "candidate.artifacts.dataset-manifest",
            |e| e.datasets.clear(),
            Missing,
        ),
        ("candidate.quality.baseline-eval", |_| {}, Pass),
        (
            "candidate.quality.baseline-eval",
            |e| e.evaluations.retain(|r| r.kind != EvalKind::GoldenSet),
            Missing,
        ),
        ("candidate.safety.red-team-run", |_| {}, Pass),
        (
            "candidate.safety.red-team-run",
            |e| e.evaluations.retain(|r| r.kind != EvalKind::RedTeam),
            Missing,
        ),
        (
            "candidate.documentation.model-card-draft",
            |e| doc_mut(e, DocumentKind::ModelCard).complete = false,
            Pass,
        ),
        (
            "candidate.documentation.model-card-draft",
            |e| drop_doc(e, DocumentKind::ModelCard),
            Missing,
        ),
        // --- canary (§1 Canary, §2 Data policy, §4 step 2)
        ("canary.data-policy.security-review", |_| {}, Pass),
        (
            "canary.data-policy.security-review",
            |e| e.datasets[0].reviews[0].state = stale(),
            Fail,
        ),
        (
            "canary.data-policy.security-review",
            |e| e.datasets[0].reviews.clear(),
            Missing,
        ),
        (
            "canary.data-policy.security-review",
            |e| e.datasets.clear(),
            Missing,
        ),
        ("canary.data-policy.provenance", |_| {}, Pass),
        (
            "canary.data-policy.provenance",
            |e| e.datasets[0].provenance.license = None,
            Fail,
        ),
        (
            "canary.data-policy.provenance",
            |e| e.datasets.clear(),
            Missing,
        ),
        ("canary.data-policy.personal-data", |_| {}, Pass),
        (
            "canary.data-policy.personal-data",
            |e| e.datasets[0].provenance.personal_data = Some(true),
            Pass,
        ),
        (
            "canary.data-policy.personal-data",
            |e| {
                e.datasets[0].provenance.personal_data = Some(true);
                e.datasets[0].reviews[0].state = ApprovalState::NotInRoster;
            },
            Fail,
        ),
        (
            "canary.data-policy.personal-data",
            |e| e.datasets[0].provenance.personal_data = None,
            Missing,
        ),
        ("canary.canary.traffic", |_| {}, Pass),
        (
            "canary.canary.traffic",
            |e| {
                plan(e).share_percent = None;
                plan(e).tenants = vec!["internal".into()];
            },
            Pass,
        ),
        (
            "canary.canary.traffic",
            |e| plan(e).share_percent = Some(5.0),
            Fail,
        ),
        (
            "canary.canary.traffic",
            |e| plan(e).share_percent = None,
            Missing,
        ),
        ("canary.canary.traffic", |e| e.canary_plan = None, Missing),
        ("canary.canary.feature-flag", |_| {}, Pass),
        (
            "canary.canary.feature-flag",
            |e| plan(e).feature_flag = Some(" ".into()),
            Missing,
        ),
        ("canary.canary.shadow-mode", |_| {}, Pass),
        (
            "canary.canary.shadow-mode",
            |e| plan(e).shadow_mode = Some(false),
            Fail,
        ),
        (
            "canary.canary.shadow-mode",
            |e| plan(e).shadow_mode = None,
            Missing,
        ),
        ("canary.canary.kill-switch", |_| {}, Pass),
        (
            "canary.canary.kill-switch",
            |e| plan(e).kill_switch = None,
            Missing,
        ),
        // --- canary: fairness before real users see it (§2 Bias/Fairness)
        ("canary.fairness.selection-rate", |_| {}, Pass),
        (
            "canary.fairness.selection-rate",
            |e| {
                let r = e
                    .evaluations
                    .iter_mut()
                    .find(|r| r.id == "r-fair")
                    .expect("run");
                r.fairness = vec![locale_fairness(0.38)];
            },
            Fail,
        ),
        (
            "canary.fairness.selection-rate",
            |e| e.evaluations.retain(|r| r.kind != EvalKind::FairnessAudit),
            Missing,
        ),
        ("canary.safety.red-team-pass-rate", |_| {}, Pass),
        (
            "canary.safety.red-team-pass-rate",
            |e| *metric_mut(e, "r-redteam", "jailbreak_pass_rate") = 0.94,
            Fail,
        ),
        (
            "canary.safety.red-team-pass-rate",
            |e| drop_metric(e, "jailbreak_pass_rate"),
            Missing,
        ),
        // --- production: artifacts (§5 item 1)
        (
            "production.artifacts.bundle",
            |e| e.artifacts.bundle_digest = None,
            Missing,
        ),
        (
            "production.artifacts.code-commit",
            |e| e.artifacts.code_commit = None,
            Missing,
        ),
        (
            "production.artifacts.config",
            |e| e.artifacts.config_digest = None,
            Missing,
        ),
        (
            "production.artifacts.dataset-manifest",
            |e| e.datasets.clear(),
            Missing,
        ),
        // --- production: quality (§2 Quality)
        ("production.quality.rouge-l", |_| {}, Pass),
        (
            "production.quality.rouge-l",
            |e| *metric_mut(e, "r-golden", "rouge_l") = 0.444,
            Fail,
        ),
        (
            "production.quality.rouge-l",
            |e| drop_metric(e, "rouge_l"),
            Missing,
        ),
        (
            "production.quality.rouge-l",
            |e| e.production = None,
            Missing,
        ),
        ("production.quality.regression-blockers", |_| {}, Pass),
        (
            "production.quality.regression-blockers",
            |e| *metric_mut(e, "r-golden", "regression_blockers") = 1.0,
            Fail,
        ),
        (
            "production.quality.regression-blockers",
            |e| drop_metric(e, "regression_blockers"),
            Missing,
        ),
        ("production.quality.long-tail", |_| {}, Pass),
        (
            "production.quality.long-tail",
            |e| *metric_mut(e, "r-golden", "long_tail_accuracy") = 0.78,
            Fail,
        ),
        (
            "production.quality.long-tail",
            |e| drop_metric(e, "long_tail_accuracy"),
            Missing,
        ),
        ("production.quality.adversarial", |_| {}, Pass),
        (
            "production.quality.adversarial",
            |e| *metric_mut(e, "r-redteam", "prompt_injection_pass_rate") = 0.9,
            Fail,
        ),
        (
            "production.quality.adversarial",
            |e| drop_metric(e, "prompt_injection_pass_rate"),
            Missing,
        ),
        ("production.quality.hallucination", |_| {}, Pass),
        (
            "production.quality.hallucination",
            |e| *metric_mut(e, "r-golden", "hallucination_rate") = 0.08,
            Fail,
        ),
        (
            "production.quality.hallucination",
            |e| drop_metric(e, "hallucination_rate"),
            Missing,
        ),
        // --- production: safety (§2 Safety, §5 item 4)
        ("production.safety.classifier", |_| {}, Pass),
        (
            "production.safety.classifier",
            |e| *metric_mut(e, "r-golden", "policy_adherence") = 0.9,
            Fail,
        ),
        (
            "production.safety.classifier",
            |e| drop_metric(e, "policy_adherence"),
            Missing,
        ),
        ("production.safety.refusals", |_| {}, Pass),
        (
            "production.safety.refusals",
            |e| *metric_mut(e, "r-golden", "refusal_correctness") = 0.9,
            Fail,
        ),
        (
            "production.safety.refusals",
            |e| drop_metric(e, "refusal_correctness"),
            Missing,
        ),
        ("production.safety.jailbreak", |_| {}, Pass),
        (
            "production.safety.jailbreak",
            |e| *metric_mut(e, "r-redteam", "jailbreak_pass_rate") = 0.5,
            Fail,
        ),
        (
            "production.safety.jailbreak",
            |e| e.evaluations.retain(|r| r.kind != EvalKind::RedTeam),
            Missing,
        ),
        ("production.safety.pii-leaks", |_| {}, Pass),
        (
            "production.safety.pii-leaks",
            |e| *metric_mut(e, "r-golden", "pii_leak_count") = 2.0,
            Fail,
        ),
        (
            "production.safety.pii-leaks",
            |e| drop_metric(e, "pii_leak_count"),
            Missing,
        ),
        ("production.safety.toxicity", |_| {}, Pass),
        (
            "production.safety.toxicity",
            |e| *metric_mut(e, "r-golden", "toxicity_rate") = 0.02,
            Fail,
        ),
        (
            "production.safety.toxicity",
            |e| drop_metric(e, "toxicity_rate"),
            Missing,
        ),
        ("production.safety.content-filters", |_| {}, Pass),
        (
            "production.safety.content-filters",
            |e| set_field(e, DocumentKind::Runbook, "content_filters", Some("false")),
            Fail,
        ),
        (
            "production.safety.content-filters",
            |e| set_field(e, DocumentKind::Runbook, "content_filters", None),
            Missing,
        ),
        (
            "production.safety.content-filters",
            |e| drop_doc(e, DocumentKind::Runbook),
            Missing,
        ),
        (
            "production.safety.pii-detectors",
            |e| set_field(e, DocumentKind::Runbook, "pii_detectors", Some("no")),
            Fail,
        ),
        (
            "production.safety.pii-detectors",
            |e| set_field(e, DocumentKind::Runbook, "pii_detectors", Some("")),
            Missing,
        ),
        (
            "production.safety.guardrail-tests",
            |e| set_field(e, DocumentKind::Runbook, "guardrail_tests", Some("[]")),
            Fail,
        ),
        (
            "production.safety.guardrail-tests",
            |e| set_field(e, DocumentKind::Runbook, "guardrail_tests", None),
            Missing,
        ),
        // --- production: fairness (§2 Bias/Fairness)
        ("production.fairness.selection-rate", |_| {}, Pass),
        (
            "production.fairness.selection-rate",
            |e| {
                let r = e
                    .evaluations
                    .iter_mut()
                    .find(|r| r.id == "r-fair")
                    .expect("run");
                r.fairness = vec![locale_fairness(0.38)];
            },
            Fail,
        ),
        (
            "production.fairness.selection-rate",
            |e| e.evaluations.retain(|r| r.kind != EvalKind::FairnessAudit),
            Missing,
        ),
        ("production.fairness.mitigation-plan", |_| {}, Pass),
        (
            "production.fairness.mitigation-plan",
            |e| set_field(e, DocumentKind::RiskAssessment, "fairness_mitigation", None),
            Missing,
        ),
        // --- production: reliability & cost (§2, §5 items 5, 6, 10)
        ("production.reliability-cost.latency-p99", |_| {}, Pass),
        (
            "production.reliability-cost.latency-p99",
            |e| *metric_mut(e, "r-online", "latency_p99_ms") = 2500.0,
            Fail,
        ),
        (
            "production.reliability-cost.latency-p99",
            |e| drop_metric(e, "latency_p99_ms"),
            Missing,
        ),
        ("production.reliability-cost.error-rate", |_| {}, Pass),
        (
            "production.reliability-cost.error-rate",
            |e| *metric_mut(e, "r-online", "error_rate") = 0.02,
            Fail,
        ),
        (
            "production.reliability-cost.error-rate",
            |e| drop_metric(e, "error_rate"),
            Missing,
        ),
        ("production.reliability-cost.cost-per-1k", |_| {}, Pass),
        (
            "production.reliability-cost.cost-per-1k",
            |e| *metric_mut(e, "r-load", "cost_per_1k_usd") = 4.5,
            Fail,
        ),
        (
            "production.reliability-cost.cost-per-1k",
            |e| drop_metric(e, "cost_per_1k_usd"),
            Missing,
        ),
        ("production.reliability-cost.load-test", |_| {}, Pass),
        (
            "production.reliability-cost.load-test",
            |e| e.evaluations.retain(|r| r.kind != EvalKind::LoadTest),
            Missing,
        ),
        (
            "production.reliability-cost.autoscaling",
            |e| set_field(e, DocumentKind::Runbook, "autoscaling", Some("false")),
            Fail,
        ),
        (
            "production.reliability-cost.autoscaling",
            |e| set_field(e, DocumentKind::Runbook, "autoscaling", None),
            Missing,
        ),
        (
            "production.reliability-cost.rate-limits",
            |e| set_field(e, DocumentKind::Runbook, "rate_limits", None),
            Missing,
        ),
        (
            "production.reliability-cost.dashboards",
            |e| set_field(e, DocumentKind::Runbook, "dashboards", None),
            Missing,
        ),
        (
            "production.reliability-cost.alerts",
            |e| set_field(e, DocumentKind::Runbook, "alerts", None),
            Missing,
        ),
        (
            "production.reliability-cost.tracing",
            |e| set_field(e, DocumentKind::Runbook, "tracing", None),
            Missing,
        ),
        (
            "production.reliability-cost.escalation",
            |e| set_field(e, DocumentKind::Runbook, "escalation_channel", None),
            Missing,
        ),
        (
            "production.reliability-cost.oncall",
            |e| set_field(e, DocumentKind::Runbook, "oncall_team", None),
            Missing,
        ),
        (
            "production.reliability-cost.triage-cadence",
            |e| set_field(e, DocumentKind::Runbook, "triage_cadence", None),
            Missing,
        ),
        (
            "production.reliability-cost.feedback-tagging",
            |e| {
                set_field(
                    e,
                    DocumentKind::Runbook,
                    "feedback_tagged_by_version",
                    Some("false"),
                )
            },
            Fail,
        ),
        // --- production: data policy (§2 Data policy, §5 item 8)
        (
            "production.data-policy.provenance",
            |e| e.datasets[0].provenance.retention = Some(" ".into()),
            Fail,
        ),
        (
            "production.data-policy.personal-data",
            |e| e.datasets[0].provenance.personal_data = None,
            Missing,
        ),
        (
            "production.data-policy.log-redaction",
            |e| set_field(e, DocumentKind::Runbook, "log_redaction", Some("false")),
            Fail,
        ),
        (
            "production.data-policy.inference-retention",
            |e| set_field(e, DocumentKind::Runbook, "inference_retention", None),
            Missing,
        ),
        (
            "production.data-policy.secrets",
            |e| set_field(e, DocumentKind::Runbook, "secrets_managed", None),
            Missing,
        ),
        (
            "production.data-policy.access-roles",
            |e| set_field(e, DocumentKind::Runbook, "access_roles", None),
            Missing,
        ),
        (
            "production.data-policy.vendor-commitments",
            |e| {
                set_field(
                    e,
                    DocumentKind::RiskAssessment,
                    "vendor_commitments",
                    Some("none"),
                )
            },
            Fail,
        ),
        // --- production: canary (§4 steps 2–3)
        ("production.canary.duration", |_| {}, Pass),
        (
            "production.canary.duration",
            |e| e.stage_history[2].at = "2026-11-30T03:00:00Z".into(),
            Fail,
        ),
        (
            "production.canary.duration",
            |e| {
                e.stage_history[2].at = "2026-11-25T00:00:00Z".into();
                e.stage_history.push(StageEntry {
                    stage: Stage::Candidate,
                    at: "2026-11-26T00:00:00Z".into(),
                });
                e.stage_history.push(StageEntry {
                    stage: Stage::Canary,
                    at: "2026-11-30T09:00:00Z".into(),
                });
            },
            Fail,
        ),
        (
            "production.canary.duration",
            |e| e.stage_history.truncate(2),
            Missing,
        ),
        // The rollout plan's own duration holds when it is longer than the policy's 48 h
        // (in canary since 2026-11-28T09:00Z: 72 h by NOW) and only then.
        (
            "production.canary.duration",
            |e| plan(e).duration_hours = Some(96.0),
            Fail,
        ),
        (
            "production.canary.duration",
            |e| plan(e).duration_hours = Some(72.0),
            Pass,
        ),
        (
            "production.canary.duration",
            |e| plan(e).duration_hours = Some(71.5),
            Pass,
        ),
        (
            "production.canary.duration",
            |e| plan(e).duration_hours = Some(72.5),
            Fail,
        ),
        (
            "production.canary.duration",
            |e| {
                plan(e).duration_hours = Some(24.0);
                e.stage_history[2].at = "2026-11-30T03:00:00Z".into();
            },
            Fail,
        ),
        (
            "production.canary.duration",
            |e| {
                plan(e).duration_hours = Some(24.0);
                e.stage_history[2].at = "2026-11-29T09:00:00Z".into();
            },
            Pass,
        ),
        ("production.canary.kpis", |_| {}, Pass),
        (
            "production.canary.kpis",
            |e| *metric_mut(e, "r-online", "acceptance_rate") = 0.39,
            Fail,
        ),
        (
            "production.canary.kpis",
            |e| *metric_mut(e, "r-online", "error_rate") = 0.006,
            Fail,
        ),
        (
            "production.canary.kpis",
            |e| {
                let r = e
                    .evaluations
                    .iter_mut()
                    .find(|r| r.id == "r-online")
                    .expect("run");
                r.baseline.clear();
            },
            Missing,
        ),
        (
            "production.canary.kpis",
            |e| e.evaluations.retain(|r| r.kind != EvalKind::OnlineKpis),
            Missing,
        ),
        (
            "production.canary.kill-switch",
            |e| plan(e).kill_switch = None,
            Missing,
        ),
        (
            "production.canary.feature-flag",
            |e| e.canary_plan = None,
            Missing,
        ),
        ("production.artifacts.rollback-target", |_| {}, Pass),
        (
            "production.artifacts.rollback-target",
            |e| e.rollback_target = None,
            Fail,
        ),
        // --- production: documents (§2 Docs to attach, §5 item 2)
        ("production.documentation.model-card", |_| {}, Pass),
        (
            "production.documentation.model-card",
            |e| {
                let d = doc_mut(e, DocumentKind::ModelCard);
                d.complete = false;
                d.gaps = vec!["section Uses is empty".into()];
            },
            Fail,
        ),
        (
            "production.documentation.model-card",
            |e| drop_doc(e, DocumentKind::ModelCard),
            Missing,
        ),
        (
            "production.documentation.eval-report",
            |e| doc_mut(e, DocumentKind::EvalReport).complete = false,
            Fail,
        ),
        (
            "production.documentation.risk-assessment",
            |e| drop_doc(e, DocumentKind::RiskAssessment),
            Missing,
        ),
        (
            "production.documentation.runbook",
            |e| doc_mut(e, DocumentKind::Runbook).complete = false,
            Fail,
        ),
        (
            "production.documentation.rollout-plan",
            |e| drop_doc(e, DocumentKind::RolloutPlan),
            Missing,
        ),
        ("production.documentation.data-sheet", |_| {}, Pass),
        (
            "production.documentation.data-sheet",
            |e| doc_mut(e, DocumentKind::DataSheet).complete = false,
            Fail,
        ),
        (
            "production.documentation.data-sheet",
            |e| doc_mut(e, DocumentKind::DataSheet).of = Some("other@v1".into()),
            Missing,
        ),
        (
            "production.documentation.data-sheet",
            |e| e.datasets.clear(),
            Missing,
        ),
        // --- production: approvals (§2 Required sign-offs, §5 item 9)
        ("production.approvals.model-owner", |_| {}, Pass),
        (
            "production.approvals.model-owner",
            |e| approval_of(e, Role::ModelOwner).state = stale(),
            Fail,
        ),
        (
            "production.approvals.model-owner",
            |e| e.approvals.retain(|s| s.role != Role::ModelOwner),
            Missing,
        ),
        (
            "production.approvals.product-ux",
            |e| approval_of(e, Role::ProductUx).state = ApprovalState::RoleNotGranted,
            Fail,
        ),
        (
            "production.approvals.security-privacy",
            |e| approval_of(e, Role::SecurityPrivacy).state = ApprovalState::RevokedKey,
            Fail,
        ),
        (
            "production.approvals.responsible-ai-legal",
            |e| {
                approval_of(e, Role::ResponsibleAiLegal).state = ApprovalState::InvalidSignature {
                    part: SignaturePart::Signature,
                }
            },
            Fail,
        ),
        (
            "production.approvals.sre",
            |e| approval_of(e, Role::Sre).state = ApprovalState::WrongVersion,
            Fail,
        ),
        ("production.approvals.sre", |e| e.approvals.clear(), Missing),
        (
            "production.approvals.sre",
            |e| {
                let mut old = sig(Role::Sre, 40);
                old.state = stale();
                e.approvals.insert(0, old);
            },
            Pass,
        ),
        // --- deprecated (§1 Deprecated, §4 step 4)
        ("deprecated.artifacts.migration-plan", |_| {}, Pass),
        (
            "deprecated.artifacts.migration-plan",
            |e| e.deprecation = None,
            Missing,
        ),
        ("deprecated.artifacts.removal-date", |_| {}, Pass),
        (
            "deprecated.artifacts.removal-date",
            |e| e.deprecation.as_mut().expect("plan").removal_date = Some("2026-11-30".into()),
            Fail,
        ),
        (
            "deprecated.artifacts.removal-date",
            |e| e.deprecation.as_mut().expect("plan").removal_date = Some("soon".into()),
            Fail,
        ),
        (
            "deprecated.artifacts.removal-date",
            |e| e.deprecation.as_mut().expect("plan").removal_date = None,
            Missing,
        ),
    ]
}

fn stage_of(id: &str) -> Stage {
    id.split('.')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{id}"))
}

#[test]
fn every_check_against_the_seed_wording() {
    let policy = policy();
    for (id, mutate, want) in cases() {
        let mut e = full();
        mutate(&mut e);
        let report = evaluate(&policy, "copilot", stage_of(id), &e, NOW);
        let check = report
            .check(id)
            .unwrap_or_else(|| panic!("{id}: no such check"));
        assert_eq!(check.status, want, "{id}: {check:#?}");
        assert!(
            !check.observed.is_empty() && !check.expected.is_empty(),
            "{id}"
        );
        assert!(!check.seed.is_empty(), "{id}");
        if want == Pass {
            assert!(
                // Deprecation plans are the caller's input at the move, not stored evidence.
                !check.evidence.is_empty() || id.starts_with("deprecated."),
                "{id}: a passing check names the evidence it read"
            );
        }
        // Each case starts from evidence that passes everything and changes one thing, so the
        // gate passes exactly when the case's check does.
        let blocking: Vec<&str> = report.blocking().map(|c| c.id.as_str()).collect();
        assert_eq!(report.passed, want == Pass, "{id}: blocking {blocking:?}");
    }
}

#[test]
fn every_check_of_the_default_policy_has_cases() {
    let policy = policy();
    let covered: Vec<&str> = cases().iter().map(|(id, _, _)| *id).collect();
    for stage in crate::policy::GATED_STAGES {
        let report = evaluate(&policy, "copilot", stage, &full(), NOW);
        for c in &report.checks {
            let not_pass = cases().iter().any(|(id, _, s)| *id == c.id && *s != Pass);
            assert!(
                covered.contains(&c.id.as_str()) && not_pass,
                "{} has no failing or missing case",
                c.id
            );
        }
    }
}

#[test]
fn full_evidence_passes_every_stage() {
    let policy = policy();
    for stage in crate::policy::GATED_STAGES {
        let report = evaluate(&policy, "copilot", stage, &full(), NOW);
        let blocking: Vec<_> = report.blocking().map(|c| (&c.id, &c.observed)).collect();
        assert!(report.passed, "{stage}: {blocking:#?}");
        assert!(!report.checks.is_empty(), "{stage}");
    }
    let experiment = evaluate(&policy, "copilot", Stage::Experiment, &full(), NOW);
    assert!(experiment.passed && experiment.checks.is_empty());
}

#[test]
fn observed_and_expected_say_what_a_reviewer_needs() {
    let policy = policy();
    let cases: Vec<(&str, Stage, Mutation, &str, &str)> = vec![
        (
            "production.fairness.selection-rate",
            Stage::Production,
            |e| {
                let r = e
                    .evaluations
                    .iter_mut()
                    .find(|r| r.id == "r-fair")
                    .expect("run");
                r.fairness = vec![locale_fairness(0.38)];
            },
            "locale=es fails the four-fifths rule and differs by more than 0.1",
            "difference ≤ 0.1, min/max ratio ≥ 0.8",
        ),
        (
            "production.canary.duration",
            Stage::Production,
            |e| e.stage_history[2].at = "2026-11-30T03:00:00Z".into(),
            "in canary since 2026-11-30T03:00:00Z",
            "not before 2026-12-02T03:00:00Z",
        ),
        (
            "production.canary.duration",
            Stage::Production,
            |e| plan(e).duration_hours = Some(192.0),
            "in canary since 2026-11-28T09:00:00Z",
            "at least 192 h in canary (its rollout plan; the policy's minimum is 48 h): not before 2026-12-06T09:00:00Z",
        ),
        (
            "production.quality.rouge-l",
            Stage::Production,
            |e| *metric_mut(e, "r-golden", "rouge_l") = 0.444,
            "production 1.0.0-1 = 0.44 (run p-golden)",
            "at least 0.445",
        ),
        (
            "production.approvals.model-owner",
            Stage::Production,
            |e| approval_of(e, Role::ModelOwner).state = stale(),
            "stale: model-card is at revision 3, signed at revision 2",
            "current model-owner approval",
        ),
        (
            "production.canary.kpis",
            Stage::Production,
            |e| *metric_mut(e, "r-online", "error_rate") = 0.006,
            "error_rate: 0.006 vs 0.005 (production arm of run r-online), worse",
            "acceptance_rate, task_success_rate, error_rate, latency_p99_ms",
        ),
    ];
    for (id, stage, mutate, observed, expected) in cases {
        let mut e = full();
        mutate(&mut e);
        let report = evaluate(&policy, "copilot", stage, &e, NOW);
        let c = report.check(id).expect(id);
        assert!(c.observed.contains(observed), "{id}: {}", c.observed);
        assert!(c.expected.contains(expected), "{id}: {}", c.expected);
    }
}

fn waiver(check: &str, signers: &[(Role, ApprovalState)], expires: &str) -> Waiver {
    Waiver {
        check_id: check.into(),
        rationale: "first release: there is no previous production version".into(),
        expires_at: expires.into(),
        signatures: signers
            .iter()
            .enumerate()
            .map(|(i, (role, state))| Signature {
                state: state.clone(),
                ..sig(*role, 60 + i as u8)
            })
            .collect(),
    }
}

#[test]
fn waivers_count_only_signed_by_both_roles_current_and_unexpired() {
    use ApprovalState::Current;
    let both = [
        (Role::ResponsibleAiLegal, Current),
        (Role::ModelOwner, Current),
    ];
    let id = "production.artifacts.rollback-target";
    let cases: Vec<(&str, Vec<Waiver>, CheckStatus, &str)> = vec![
        (
            "both roles, current, unexpired",
            vec![waiver(id, &both, "2026-12-31T00:00:00Z")],
            CheckStatus::Waived,
            "",
        ),
        (
            "only responsible-ai-legal",
            vec![waiver(id, &both[..1], "2026-12-31T00:00:00Z")],
            Fail,
            "lacks a model-owner signature",
        ),
        (
            "only model-owner",
            vec![waiver(id, &both[1..], "2026-12-31T00:00:00Z")],
            Fail,
            "lacks a responsible-ai-legal signature",
        ),
        (
            "a key not in the roster",
            vec![waiver(
                id,
                &[
                    (Role::ResponsibleAiLegal, Current),
                    (Role::ModelOwner, ApprovalState::NotInRoster),
                ],
                "2026-12-31T00:00:00Z",
            )],
            Fail,
            "model-owner signature is signed by a key not in the roster",
        ),
        (
            "a stale signature",
            vec![waiver(
                id,
                &[
                    (Role::ResponsibleAiLegal, stale()),
                    (Role::ModelOwner, Current),
                ],
                "2026-12-31T00:00:00Z",
            )],
            Fail,
            "responsible-ai-legal signature is stale",
        ),
        (
            "expired",
            vec![waiver(id, &both, "2026-12-01T08:59:59Z")],
            Fail,
            "expired at 2026-12-01T08:59:59Z",
        ),
        (
            "expiring now",
            vec![waiver(id, &both, NOW)],
            Fail,
            "expired",
        ),
        (
            "an unreadable expiry",
            vec![waiver(id, &both, "next year")],
            Fail,
            "is not a time",
        ),
        (
            "another check",
            vec![waiver(
                "production.quality.rouge-l",
                &both,
                "2026-12-31T00:00:00Z",
            )],
            Fail,
            "",
        ),
        (
            "one bad and one good waiver",
            vec![
                waiver(id, &both[..1], "2026-12-31T00:00:00Z"),
                waiver(id, &both, "2026-12-31T00:00:00Z"),
            ],
            CheckStatus::Waived,
            "",
        ),
    ];
    let policy = policy();
    for (name, waivers, want, note) in cases {
        let mut e = full();
        e.rollback_target = None;
        e.waivers = waivers;
        let report = evaluate(&policy, "copilot", Stage::Production, &e, NOW);
        let c = report.check(id).expect(id);
        assert_eq!(c.status, want, "{name}: {c:#?}");
        let notes = c.waiver_notes.join("; ");
        assert!(notes.contains(note), "{name}: {notes}");
        assert_eq!(
            notes.is_empty(),
            note.is_empty() || want == CheckStatus::Waived,
            "{name}"
        );
        assert_eq!(report.passed, want == CheckStatus::Waived, "{name}");
        match want {
            CheckStatus::Waived => {
                let w = c.waiver.as_ref().expect("waiver ref");
                assert_eq!(w.envelopes.len(), 2, "{name}");
                assert_eq!(w.waived_status, Fail, "{name}");
            }
            _ => assert!(c.waiver.is_none(), "{name}"),
        }
    }
    // A waiver never touches a passing check.
    let mut e = full();
    e.waivers = vec![waiver(id, &both, "2026-12-31T00:00:00Z")];
    let report = evaluate(&policy, "copilot", Stage::Production, &e, NOW);
    assert_eq!(report.check(id).map(|c| c.status), Some(Pass));
}

#[test]
fn reports_are_deterministic_and_their_digest_follows_the_decision() {
    let policy = policy();
    let e = full();
    let a = evaluate(&policy, "copilot", Stage::Production, &e, NOW);
    let b = evaluate(&policy, "copilot", Stage::Production, &e, NOW);
    assert_eq!(a, b);
    let da = a.digest().expect("canonical");
    assert_eq!(da, b.digest().expect("canonical"));
    // Asked an hour later, nothing decided differently: the same digest.
    let later = evaluate(
        &policy,
        "copilot",
        Stage::Production,
        &e,
        "2026-12-01T10:00:00Z",
    );
    assert_ne!(later.evaluated_at, a.evaluated_at);
    assert_eq!(later.digest().expect("canonical"), da);
    // Evidence gathered in another order reads the same.
    let mut shuffled = e.clone();
    shuffled.approvals.reverse();
    let s = evaluate(&policy, "copilot", Stage::Production, &shuffled, NOW);
    assert_eq!(s.digest().expect("canonical"), da);
    // Changed evidence, a changed digest.
    let mut revised = e.clone();
    doc_mut(&mut revised, DocumentKind::ModelCard).revision = 4;
    let r = evaluate(&policy, "copilot", Stage::Production, &revised, NOW);
    assert!(r.passed);
    assert_ne!(r.digest().expect("canonical"), da);
    // The canonical form holds no floats: every value a reviewer reads is text.
    let bytes = crate::trust::canonical_bytes_of(&a).expect("canonical");
    assert!(String::from_utf8(bytes)
        .expect("utf8")
        .contains("\"target\":\"production\""));
}

#[test]
fn per_model_overrides_reach_the_gate() {
    let text = format!(
        "{DEFAULT_POLICY}\n[models.copilot]\nslo_latency_p99_ms = 1000\ncost_budget_per_1k_usd = 2.5\n",
        DEFAULT_POLICY = crate::policy::DEFAULT_POLICY
    );
    let (policy, _) = Policy::parse(&text).expect("parses");
    let report = evaluate(&policy, "copilot", Stage::Production, &full(), NOW);
    let latency = report
        .check("production.reliability-cost.latency-p99")
        .expect("latency");
    assert_eq!(
        (latency.status, latency.expected.as_str()),
        (Fail, "latency_p99_ms ≤ 1000")
    );
    let cost = report
        .check("production.reliability-cost.cost-per-1k")
        .expect("cost");
    assert_eq!(cost.status, Fail);
    let other = evaluate(&policy, "summarizer", Stage::Production, &full(), NOW);
    assert!(other.passed);
}

#[test]
fn checklist_is_derived_from_the_report() {
    let policy = policy();
    type Case = (&'static str, Mutation, Vec<(u8, ChecklistMark)>);
    use ChecklistMark::{Met, Missing as Gap, NotMet};
    let all_met = |except: &[(u8, ChecklistMark)]| -> Vec<(u8, ChecklistMark)> {
        (1..=10)
            .map(|n| {
                except
                    .iter()
                    .find(|(m, _)| *m == n)
                    .copied()
                    .unwrap_or((n, Met))
            })
            .collect()
    };
    let cases: Vec<Case> = vec![
        ("full evidence", |_| {}, all_met(&[])),
        (
            "no bundle",
            |e| e.artifacts.bundle_digest = None,
            all_met(&[(1, Gap)]),
        ),
        (
            "an incomplete runbook",
            |e| doc_mut(e, DocumentKind::Runbook).complete = false,
            all_met(&[(2, NotMet)]),
        ),
        (
            "rouge_l below the margin",
            |e| *metric_mut(e, "r-golden", "rouge_l") = 0.44,
            all_met(&[(3, NotMet)]),
        ),
        (
            "no PII detectors declared",
            |e| set_field(e, DocumentKind::Runbook, "pii_detectors", None),
            all_met(&[(4, Gap)]),
        ),
        (
            "over the cost budget",
            |e| *metric_mut(e, "r-load", "cost_per_1k_usd") = 9.0,
            all_met(&[(5, NotMet)]),
        ),
        (
            "logs not redacted",
            |e| set_field(e, DocumentKind::Runbook, "log_redaction", Some("false")),
            all_met(&[(6, NotMet)]),
        ),
        (
            "no rollback target",
            |e| e.rollback_target = None,
            all_met(&[(7, NotMet)]),
        ),
        (
            "no retention",
            |e| e.datasets[0].provenance.retention = None,
            all_met(&[(8, NotMet)]),
        ),
        (
            "an SRE approval missing",
            |e| e.approvals.retain(|s| s.role != Role::Sre),
            all_met(&[(9, Gap)]),
        ),
        (
            "no triage cadence",
            |e| set_field(e, DocumentKind::Runbook, "triage_cadence", None),
            all_met(&[(10, Gap)]),
        ),
        (
            "a failure beats a gap in one item",
            |e| {
                e.artifacts.bundle_digest = None;
                e.datasets.clear();
            },
            all_met(&[(1, Gap), (2, Gap), (8, Gap)]),
        ),
    ];
    for (name, mutate, want) in cases {
        let mut e = full();
        mutate(&mut e);
        let report = evaluate(&policy, "copilot", Stage::Production, &e, NOW);
        let items = checklist(&report);
        let got: Vec<(u8, ChecklistMark)> = items.iter().map(|i| (i.number, i.mark)).collect();
        assert_eq!(got, want, "{name}");
        for item in &items {
            assert!(!item.checks.is_empty(), "{name}: item {}", item.number);
            for id in item.checks.iter().chain(&item.blocking) {
                assert!(report.check(id).is_some(), "{name}: {id}");
            }
            assert_eq!(
                item.mark == Met,
                item.blocking.is_empty(),
                "{name}: {}",
                item.number
            );
        }
    }
    // A waived check counts as met; a report without checks leaves every item missing.
    let mut e = full();
    e.rollback_target = None;
    let both = [
        (Role::ResponsibleAiLegal, ApprovalState::Current),
        (Role::ModelOwner, ApprovalState::Current),
    ];
    e.waivers = vec![waiver(
        "production.artifacts.rollback-target",
        &both,
        "2027-01-01",
    )];
    let items = checklist(&evaluate(&policy, "copilot", Stage::Production, &e, NOW));
    assert_eq!(items[6].mark, Met);
    let empty = checklist(&evaluate(&policy, "copilot", Stage::Experiment, &e, NOW));
    assert!(empty.iter().all(|i| i.mark == Gap && i.checks.is_empty()));
    assert_eq!(empty[0].text, CHECKLIST_ITEMS[0]);
}

#[test]
fn committed_governance_map_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/governance.md");
    let fresh = auditor_map(&policy());
    if std::env::var_os("STEWARD_UPDATE_GOVERNANCE").is_some() {
        std::fs::write(&path, &fresh).expect("write docs/governance.md");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale: run `STEWARD_UPDATE_GOVERNANCE=1 cargo test -p steward-domain` and commit it",
        path.display()
    );
}

#[test]
fn the_map_lists_every_seed_rule() {
    let map = auditor_map(&policy());
    for rule in crate::policy::SEED_RULES {
        assert!(
            map.contains(&format!("**{}**", rule.reference)),
            "{}",
            rule.reference
        );
    }
    assert!(map.contains("`production.fairness.selection-rate`"));
    assert!(map.contains("checklist item 9, derived from these checks"));
}

#[test]
fn run_summaries_come_from_rows_with_the_shared_rules() {
    use crate::eval::{EvalRow, Slice};
    let row = |metric: &str, value: f64, slice: &str, variant: Option<&str>| EvalRow {
        slice: Slice::parse(slice).expect("slice"),
        variant: variant.map(str::to_string),
        ..EvalRow::plain(metric, value)
    };
    let mut rows: Vec<EvalRow> = (1..=100)
        .map(|i| row("latency_ms", f64::from(i), "", None))
        .collect();
    rows.extend([
        row("acceptance_rate", 0.42, "", Some("canary")),
        row("acceptance_rate", 0.40, "", Some("production")),
        row("selection_rate", 0.50, "locale=en", None),
        row("selection_rate", 0.30, "locale=es", None),
    ]);
    let s = RunSummary::from_rows(
        "r1",
        EvalKind::OnlineKpis,
        digest("r1"),
        &rows,
        crate::eval::Catalogue::builtin(),
        Tolerance::default(),
    );
    assert_eq!(
        s.metrics.get("acceptance_rate").map(|v| v.value),
        Some(0.42)
    );
    assert_eq!(
        s.baseline.get("acceptance_rate").map(|v| v.value),
        Some(0.40)
    );
    assert!(s.metrics.contains_key("latency_p99_ms"));
    assert_eq!(s.fairness.len(), 1);
    assert_eq!(s.fairness[0].key, "locale");
    assert_eq!(s.fairness[0].metrics[0].worst_group, "es");
}

#[test]
fn canary_plans_read_the_rollout_plan_front_matter() {
    let fields = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let cases: Vec<(BTreeMap<String, String>, CanaryPlan)> = vec![
        (
            fields(&[
                ("canary_share_percent", "2"),
                ("feature_flag", "copilot-v11"),
                ("shadow_mode", "true"),
                ("kill_switch", "copilot-off"),
                ("canary_tenants", "acme, internal ,"),
            ]),
            CanaryPlan {
                share_percent: Some(2.0),
                tenants: vec!["acme".into(), "internal".into()],
                feature_flag: Some("copilot-v11".into()),
                shadow_mode: Some(true),
                kill_switch: Some("copilot-off".into()),
                duration_hours: None,
            },
        ),
        (
            fields(&[
                ("canary_share_percent", "lots"),
                ("shadow_mode", "maybe"),
                ("feature_flag", " "),
            ]),
            CanaryPlan::default(),
        ),
        (
            fields(&[("canary_share_percent", "-1")]),
            CanaryPlan::default(),
        ),
        (
            fields(&[("canary_share_percent", "4.5%")]),
            CanaryPlan {
                share_percent: Some(4.5),
                ..CanaryPlan::default()
            },
        ),
        (
            fields(&[("canary_duration_hours", "192")]),
            CanaryPlan {
                duration_hours: Some(192.0),
                ..CanaryPlan::default()
            },
        ),
        (
            fields(&[("canary_duration_hours", "72h")]),
            CanaryPlan {
                duration_hours: Some(72.0),
                ..CanaryPlan::default()
            },
        ),
        (
            fields(&[("canary_duration_hours", "a week")]),
            CanaryPlan::default(),
        ),
        (
            fields(&[("canary_duration_hours", "NaN")]),
            CanaryPlan::default(),
        ),
    ];
    for (input, want) in cases {
        assert_eq!(CanaryPlan::from_fields(&input), want, "{input:?}");
    }
}

#[test]
fn signing_does_not_change_the_subject_digest_evidence_does() {
    let policy = policy();
    let both = [
        (Role::ResponsibleAiLegal, ApprovalState::Current),
        (Role::ModelOwner, ApprovalState::Current),
    ];
    let mut unsigned = full();
    unsigned.approvals.clear();
    unsigned.rollback_target = None;
    let gate = |e: &Evidence| evaluate(&policy, "copilot", Stage::Production, e, NOW);
    let base = gate(&unsigned);
    let subject = base.subject_digest().expect("canonical");
    let cases: Vec<(&str, Mutation, bool)> = vec![
        (
            "the last of five approvals signed",
            |e| e.approvals = full().approvals,
            false,
        ),
        (
            "one approval signed, then stale",
            |e| {
                let mut s = sig(Role::Sre, 9);
                s.state = stale();
                e.approvals = vec![s];
            },
            false,
        ),
        (
            "a waiver signed",
            |e| {
                let both = [
                    (Role::ResponsibleAiLegal, ApprovalState::Current),
                    (Role::ModelOwner, ApprovalState::Current),
                ];
                e.waivers = vec![waiver(
                    "production.artifacts.rollback-target",
                    &both,
                    "2027-01-01",
                )];
            },
            false,
        ),
        (
            "a waiver that does not count",
            |e| {
                e.waivers = vec![waiver(
                    "production.artifacts.rollback-target",
                    &[],
                    "2027-01-01",
                )]
            },
            false,
        ),
        (
            "a document revised",
            |e| doc_mut(e, DocumentKind::Runbook).revision = 9,
            true,
        ),
        (
            // A run no check reads leaves the report alone (the subject lists runs itself).
            "an unread scenario run",
            |e| {
                e.evaluations
                    .push(run("r-extra", EvalKind::ScenarioSuite, &[]))
            },
            false,
        ),
        (
            "a new load-test run",
            |e| e.evaluations.push(run("r-extra", EvalKind::LoadTest, &[])),
            true,
        ),
        (
            "a metric moved across its threshold",
            |e| *metric_mut(e, "r-golden", "toxicity_rate") = 0.5,
            true,
        ),
    ];
    for (name, mutate, changes) in cases {
        let mut e = unsigned.clone();
        mutate(&mut e);
        let report = gate(&e);
        let moved = report.subject_digest().expect("canonical") != subject;
        assert_eq!(moved, changes, "{name}");
    }
    // The full digest does record signatures and waivers (the release record's copy).
    let mut signed = unsigned.clone();
    signed.waivers = vec![waiver(
        "production.artifacts.rollback-target",
        &both,
        "2027-01-01",
    )];
    assert_ne!(
        gate(&signed).digest().expect("canonical"),
        base.digest().expect("canonical")
    );
}

#[test]
fn an_unreadable_now_makes_time_checks_missing_and_waivers_void() {
    let policy = policy();
    let mut e = full();
    e.rollback_target = None;
    let both = [
        (Role::ResponsibleAiLegal, ApprovalState::Current),
        (Role::ModelOwner, ApprovalState::Current),
    ];
    e.waivers = vec![waiver(
        "production.artifacts.rollback-target",
        &both,
        "2027-01-01",
    )];
    let report = evaluate(&policy, "copilot", Stage::Production, &e, "tuesday");
    let status = |id: &str| report.check(id).map(|c| c.status);
    assert_eq!(status("production.canary.duration"), Some(Missing));
    assert_eq!(status("production.artifacts.rollback-target"), Some(Fail));
    let gone = evaluate(&policy, "copilot", Stage::Deprecated, &e, "tuesday");
    assert_eq!(
        gone.check("deprecated.artifacts.removal-date")
            .map(|c| c.status),
        Some(Missing)
    );
}

#[test]
fn the_subject_digest_does_not_move_with_the_clock_but_the_report_digest_does() {
    let policy = policy();
    let mut e = full();
    // Entered canary at 08:00: at 09:00 the 48 h rule fails, two days later it passes.
    for entry in &mut e.stage_history {
        if entry.stage == Stage::Canary {
            entry.at = "2026-12-01T08:00:00Z".into();
        }
    }
    e.stage_history.retain(|s| s.stage != Stage::Production);
    let early = evaluate(
        &policy,
        "copilot",
        Stage::Production,
        &e,
        "2026-12-01T09:00:00Z",
    );
    let late = evaluate(
        &policy,
        "copilot",
        Stage::Production,
        &e,
        "2026-12-03T09:00:00Z",
    );
    let clocked: Vec<&GateCheck> = early.checks.iter().filter(|c| c.clocked).collect();
    assert!(!clocked.is_empty(), "the canary duration check is clocked");
    assert!(
        clocked.iter().all(|c| c.status == CheckStatus::Fail),
        "{clocked:?}"
    );
    assert!(late
        .checks
        .iter()
        .filter(|c| c.clocked)
        .all(|c| c.status == CheckStatus::Pass));
    assert_ne!(
        early.digest().expect("digest"),
        late.digest().expect("digest")
    );
    assert_eq!(
        early.subject_digest().expect("digest"),
        late.subject_digest().expect("digest")
    );
    // Evidence that changes still moves it.
    let mut revised = e.clone();
    doc_mut(&mut revised, DocumentKind::ModelCard).revision = 9;
    let r = evaluate(
        &policy,
        "copilot",
        Stage::Production,
        &revised,
        "2026-12-03T09:00:00Z",
    );
    assert_ne!(
        r.subject_digest().expect("digest"),
        late.subject_digest().expect("digest")
    );
}

fn pack_policy(packs: &str) -> Policy {
    let text = crate::policy::DEFAULT_POLICY.replacen(
        "[stages.production]\n",
        &format!("[stages.production]\npacks = {packs}\n"),
        1,
    );
    Policy::parse(&text).expect("parses").0
}

const TEST_PACK: &str = "format = \"steward.pack/v1\"\nname = \"t\"\ntitle = \"T\"\nversion = \"1\"\nsource = \"s\"\n\n\
[[requirement]]\nid = \"R-doc\"\ntitle = \"uses written\"\nsatisfied = \"the uses are written\"\npartial = \"p\"\n\
evidence = [ { document = \"model-card\", section = \"Uses\" } ]\n\n\
[[requirement]]\nid = \"R-eval\"\ntitle = \"red team\"\nsatisfied = \"a red-team run\"\npartial = \"p\"\n\
evidence = [ { evaluation = \"red-team\" } ]\n\n\
[[requirement]]\nid = \"R-sign\"\ntitle = \"sre signed\"\nsatisfied = \"sre approved\"\npartial = \"p\"\n\
evidence = [ { approval = \"sre\" } ]\n";

/// Coverage of the test pack: the model card's Uses written or not, a red-team run or not,
/// an SRE approval current or stale.
fn test_coverage(uses: bool, red_team: bool, sre: &str) -> crate::compliance::Coverage {
    use crate::compliance::{
        coverage, parse_pack, ApprovalFact, CoverageEvidence, DocumentFacts, EvaluationFact,
    };
    let pack = parse_pack(TEST_PACK).expect("test pack");
    let e = CoverageEvidence {
        target: "copilot@1.2.0-7".into(),
        documents: vec![DocumentFacts {
            kind: DocumentKind::ModelCard,
            of: None,
            revision: 3,
            sha256: digest("card").to_string(),
            complete: uses,
            sections: vec![("Uses".into(), uses)],
        }],
        evaluations: if red_team {
            vec![EvaluationFact {
                id: 4,
                kind: EvalKind::RedTeam,
                digest: digest("rt").to_string(),
            }]
        } else {
            Vec::new()
        },
        approvals: vec![ApprovalFact {
            id: 9,
            role: Role::Sre,
            stage: Stage::Production,
            decision: crate::trust::Decision::Approve,
            state: sre.into(),
            signer: "sam".into(),
        }],
        ..CoverageEvidence::default()
    };
    coverage(&pack, &e)
}

#[test]
fn an_enabled_pack_turns_each_requirement_into_a_check() {
    let policy = pack_policy("[\"t\"]");
    // (case, uses written, red-team run, sre state, R-doc, R-eval, R-sign)
    let cases: Vec<(
        &str,
        bool,
        bool,
        &str,
        CheckStatus,
        CheckStatus,
        CheckStatus,
    )> = vec![
        ("all satisfied", true, true, "current", Pass, Pass, Pass),
        (
            "section empty: partial fails",
            false,
            true,
            "current",
            Fail,
            Pass,
            Pass,
        ),
        (
            "no run: missing evidence",
            true,
            false,
            "current",
            Pass,
            Missing,
            Pass,
        ),
        (
            "stale approval: partial fails",
            true,
            true,
            "stale",
            Pass,
            Pass,
            Fail,
        ),
    ];
    for (name, uses, rt, sre, doc, eval, sign) in cases {
        let mut ev = full();
        ev.packs = vec![test_coverage(uses, rt, sre)];
        let report = evaluate(&policy, "copilot", Stage::Production, &ev, NOW);
        let status = |id: &str| {
            report
                .check(&format!("production.pack.t.{id}"))
                .unwrap_or_else(|| panic!("{name}: {id}"))
                .status
        };
        assert_eq!(
            (status("R-doc"), status("R-eval"), status("R-sign")),
            (doc, eval, sign),
            "{name}"
        );
        assert_eq!(
            report.passed,
            doc == Pass && eval == Pass && sign == Pass,
            "{name}"
        );
    }
    let mut ev = full();
    ev.packs = vec![test_coverage(false, false, "current")];
    let report = evaluate(&policy, "copilot", Stage::Production, &ev, NOW);
    let doc = report.check("production.pack.t.R-doc").expect("R-doc");
    assert!(
        doc.observed
            .starts_with("partial: model-card revision 3 § Uses"),
        "{}",
        doc.observed
    );
    assert!(
        doc.observed.contains("next: the section \"Uses\""),
        "{}",
        doc.observed
    );
    assert_eq!(doc.expected, "satisfied: the uses are written");
    assert_eq!(doc.category, Category::Documentation);
    let eval = report.check("production.pack.t.R-eval").expect("R-eval");
    assert!(
        eval.observed
            .contains("steward eval import copilot@1.2.0-7"),
        "{}",
        eval.observed
    );
    // The other stages do not enable it.
    let canary = evaluate(&policy, "copilot", Stage::Canary, &ev, NOW);
    assert!(canary.checks.iter().all(|c| !c.id.contains(".pack.")));
}

#[test]
fn an_enabled_pack_the_workspace_lacks_is_missing_evidence() {
    let policy = pack_policy("[\"acme-rules\", \"t\"]");
    let mut ev = full();
    ev.packs = vec![test_coverage(true, true, "current")];
    let report = evaluate(&policy, "copilot", Stage::Production, &ev, NOW);
    let c = report
        .check("production.pack.acme-rules")
        .expect("one check for the absent pack");
    assert_eq!(c.status, Missing);
    assert!(
        c.observed.contains("not in this workspace"),
        "{}",
        c.observed
    );
    assert!(!report.passed);
    assert!(report.check("production.pack.t.R-sign").is_some());
}

#[test]
fn a_pack_check_can_be_waived_and_signatures_stay_out_of_the_subject() {
    use ApprovalState::Current;
    let policy = pack_policy("[\"t\"]");
    let mut ev = full();
    ev.packs = vec![test_coverage(true, false, "current")];
    ev.waivers = vec![waiver(
        "production.pack.t.R-eval",
        &[
            (Role::ResponsibleAiLegal, Current),
            (Role::ModelOwner, Current),
        ],
        "2027-01-01T00:00:00Z",
    )];
    let report = evaluate(&policy, "copilot", Stage::Production, &ev, NOW);
    let c = report.check("production.pack.t.R-eval").expect("R-eval");
    assert_eq!(c.status, CheckStatus::Waived);
    assert!(report.passed);

    // An approval going stale changes the signature-reading check, not the subject digest.
    let subject = |uses: bool, sre: &str| {
        let mut ev = full();
        ev.packs = vec![test_coverage(uses, true, sre)];
        evaluate(&policy, "copilot", Stage::Production, &ev, NOW)
    };
    let (a, b) = (subject(true, "current"), subject(true, "stale"));
    assert_ne!(
        a.digest().expect("in the test"),
        b.digest().expect("in the test")
    );
    assert_eq!(
        a.subject_digest().expect("in the test"),
        b.subject_digest().expect("in the test")
    );
    assert!(
        a.check("production.pack.t.R-sign")
            .expect("in the test")
            .reads_signatures
    );
    // A document gap is in the subject.
    let c = subject(false, "current");
    assert_ne!(
        a.subject_digest().expect("in the test"),
        c.subject_digest().expect("in the test")
    );
    // A report with no pack check digests as before the field existed.
    let plain = evaluate(
        &super::tests::policy(),
        "copilot",
        Stage::Production,
        &full(),
        NOW,
    );
    let json = serde_json::to_string(&plain).expect("in the test");
    assert!(!json.contains("reads_signatures"), "{json}");
}

#[test]
fn a_closed_incident_s_suite_is_required_of_every_promotion() {
    let mut e = full();
    let base = evaluate(&policy(), "copilot", Stage::Production, &e, NOW);
    e.incident_suites = vec![crate::incident::IncidentSuite {
        incident: "INC-1".into(),
        item: "add long prompts".into(),
        suite: "long-prompts".into(),
    }];
    let r = evaluate(&policy(), "copilot", Stage::Production, &e, NOW);
    let c = r
        .checks
        .iter()
        .find(|c| c.id == "production.incident.INC-1.long-prompts")
        .expect("the suite check");
    assert_eq!(c.status, CheckStatus::MissingEvidence);
    assert!(base.passed || !r.passed, "the check can only add a refusal");
    assert!(!r.passed, "a missing required suite blocks the promotion");
    e.run_suites = vec![(
        "r-long".into(),
        "long-prompts@2026-12".into(),
        digest("long"),
    )];
    let r = evaluate(&policy(), "copilot", Stage::Production, &e, NOW);
    let c = r
        .checks
        .iter()
        .find(|c| c.id == "production.incident.INC-1.long-prompts")
        .expect("the suite check");
    assert_eq!(c.status, CheckStatus::Pass);
    assert_eq!(r.passed, base.passed);
    let d = evaluate(&policy(), "copilot", Stage::Deprecated, &e, NOW);
    assert!(d.checks.iter().all(|c| !c.id.contains(".incident.")));
}
