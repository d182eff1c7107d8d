//! The auditor's map: every rule of the seed outline with the checks that implement it and
//! what decides their status, rendered from a policy and the checks' seed references
//! (`docs/governance.md` is this function's output for the default policy).

use std::fmt::Write as _;

use super::checks::{document_checklist, APPROVALS_CHECKLIST};
use crate::policy::{Comparator, Criterion, EvidenceKind, Policy, Reads, SEED_RULES};

struct Row {
    check: String,
    stage: String,
    source: String,
    checklist: Option<u8>,
}

fn source(c: &Criterion) -> String {
    match &c.reads {
        Reads::Metric { name, run_kind } => {
            let from = run_kind.map_or("the latest run measuring it".to_string(), |k| {
                format!("the latest {k} run measuring it")
            });
            let rule = match c.comparator {
                Comparator::AtLeast(t) => format!("≥ {t}"),
                Comparator::AtMost(t) => format!("≤ {t}"),
                Comparator::BeatsProductionBy(m) => format!("beats production by ≥ {m}"),
                Comparator::NotWorseThanProduction => "not worse than production".into(),
                Comparator::WithinTolerance(t) => format!(
                    "every group key: difference ≤ {}, min/max ratio ≥ {}",
                    t.max_difference, t.min_ratio
                ),
                Comparator::Present => "present".into(),
            };
            format!("metric `{name}` from {from}: {rule}")
        }
        Reads::Evidence {
            kind,
            run_kind,
            document,
            field,
        } => {
            let doc = document.map(|d| d.as_str()).unwrap_or("");
            match kind {
                EvidenceKind::Bundle => "artifacts: bundle digest recorded".into(),
                EvidenceKind::Config => "artifacts: config digest recorded".into(),
                EvidenceKind::CodeCommit => "artifacts: code commit recorded".into(),
                EvidenceKind::DatasetManifest => "linked dataset snapshots with manifest checksums".into(),
                EvidenceKind::DatasetProvenance => {
                    "dataset provenance: source, license, consent, retention, personal data".into()
                }
                EvidenceKind::PersonalData => {
                    "dataset provenance: no personal data unless security-privacy approved the snapshot".into()
                }
                EvidenceKind::DatasetSecurityReview => {
                    "dataset reviews: a current security-privacy signature per snapshot".into()
                }
                EvidenceKind::EvalRun => format!(
                    "evaluation runs: one of kind `{}`",
                    run_kind.map(|k| k.as_str()).unwrap_or("")
                ),
                EvidenceKind::Document => format!("document `{doc}` exists (a draft is enough)"),
                EvidenceKind::Declaration => format!(
                    "document `{doc}` front matter declares `{}`",
                    field.as_deref().unwrap_or("")
                ),
                EvidenceKind::CanaryTraffic => {
                    "rollout plan: canary share below the limit, or flagged tenants".into()
                }
                EvidenceKind::FeatureFlag => "rollout plan: feature flag named".into(),
                EvidenceKind::ShadowMode => "rollout plan: shadow mode on".into(),
                EvidenceKind::KillSwitch => "rollout plan: kill switch named".into(),
                EvidenceKind::CanaryDuration => "stage history: time in canary ≥ the minimum, or the rollout plan's canary_duration_hours when longer".into(),
                EvidenceKind::CanaryKpis => {
                    "online-kpis runs: each canary KPI not worse than production".into()
                }
                EvidenceKind::RollbackTarget => "stages: a previous production version (N-1)".into(),
                EvidenceKind::MigrationPlan => "deprecation: migration plan".into(),
                EvidenceKind::RemovalDate => "deprecation: removal date after now".into(),
            }
        }
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The Markdown map of `policy` against the seed: one table row per check, grouped by the
/// seed rule it cites; rules no check cites name where they are implemented instead.
pub fn auditor_map(policy: &Policy) -> String {
    let mut rows: Vec<(String, Row)> = Vec::new();
    for sp in &policy.stages {
        let stage = sp.stage.to_string();
        for c in &sp.criteria {
            rows.push((
                c.seed.clone(),
                Row {
                    check: c.id.clone(),
                    stage: stage.clone(),
                    source: source(c),
                    checklist: c.checklist,
                },
            ));
        }
        for d in &sp.documents {
            rows.push((
                sp.documents_seed.clone(),
                Row {
                    check: format!("{stage}.documentation.{d}"),
                    stage: stage.clone(),
                    source: format!(
                        "document `{d}` complete at its head revision (`check_document`)"
                    ),
                    checklist: Some(document_checklist(*d)),
                },
            ));
        }
        for r in &sp.approvals {
            rows.push((
                sp.approvals_seed.clone(),
                Row {
                    check: format!("{stage}.approvals.{r}"),
                    stage: stage.clone(),
                    source: format!("a current `{r}` approval of the version's review subject"),
                    checklist: Some(APPROVALS_CHECKLIST),
                },
            ));
        }
    }
    for g in &policy.guardrails {
        rows.push((
            g.seed.clone(),
            Row {
                check: g.id.clone(),
                stage: g.stage.to_string(),
                source: crate::guardrail::describe(g),
                checklist: None,
            },
        ));
    }
    let production = policy.stage(crate::stage::Stage::Production).map(|_| ());
    let mut out = String::new();
    out.push_str(
        "# Governance map\n\n\
         Every rule of the seed outline (`shared/seed/modelops-governance-v0.md`, sections 1–5) \
         with the gate checks that implement it and what decides their status. Generated from \
         the default policy (`assets/policy/default.toml`) and each check's seed reference by \
         `steward_domain::gate::auditor_map`; do not edit by hand — regenerate with \
         `STEWARD_UPDATE_GOVERNANCE=1 cargo test -p steward-domain` (a test fails when this \
         file is stale).\n\n\
         A check is pass, fail, missing evidence, or waived (a failing check covered by an \
         unexpired waiver signed by both responsible-ai-legal and model-owner, each signature \
         current). The §5 checklist items are derived from a production gate report: ✓ when every \
         check behind the item passes or is waived, ✗ when one fails, missing otherwise.\n\n",
    );
    let _ = writeln!(out, "Policy: `{}`.\n", policy.name);
    out.push_str("| Seed rule | Check id | Stage | Status source |\n|---|---|---|---|\n");
    for rule in SEED_RULES {
        let title = format!("**{}** — {}", rule.reference, rule.text);
        let checklist_no = rule
            .reference
            .strip_prefix("§5 Checklist — ")
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse::<u8>().ok());
        let mut own: Vec<&Row> = rows
            .iter()
            .filter(|(seed, _)| seed == rule.reference)
            .map(|(_, r)| r)
            .collect();
        if let (Some(n), Some(())) = (checklist_no, production) {
            let derived: Vec<&Row> = rows
                .iter()
                .map(|(_, r)| r)
                .filter(|r| r.stage == "production" && r.checklist == Some(n))
                .collect();
            let ids: Vec<String> = derived.iter().map(|r| format!("`{}`", r.check)).collect();
            let _ = writeln!(
                out,
                "| {} | {} | production | checklist item {n}, derived from these checks |",
                cell(&title),
                if ids.is_empty() {
                    "—".to_string()
                } else {
                    ids.join(", ")
                },
            );
            continue;
        }
        if own.is_empty() {
            let _ = writeln!(
                out,
                "| {} | — | — | {} |",
                cell(&title),
                cell(rule.elsewhere)
            );
            continue;
        }
        own.sort_by_key(|a| stage_rank(&a.stage));
        for (i, r) in own.iter().enumerate() {
            let first = if i == 0 { cell(&title) } else { String::new() };
            let _ = writeln!(
                out,
                "| {first} | `{}` | {} | {} |",
                r.check,
                r.stage,
                cell(&r.source)
            );
        }
        if !rule.elsewhere.is_empty() {
            let _ = writeln!(out, "| | — | — | also: {} |", cell(rule.elsewhere));
        }
    }
    out
}

fn stage_rank(stage: &str) -> usize {
    ["candidate", "canary", "production", "deprecated"]
        .iter()
        .position(|s| *s == stage)
        .unwrap_or(4)
}
