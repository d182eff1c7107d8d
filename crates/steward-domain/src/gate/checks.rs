//! One rule per evidence kind and comparator: criterion + evidence → status, observed,
//! expected and the evidence read. Then waivers.

use super::time::{format_rfc3339, parse_rfc3339};
use super::{
    CanaryPlan, CheckStatus, DocumentEvidence, Evidence, EvidenceRef, GateCheck, RunSummary,
    Signature, WaiverRef,
};
use crate::document::DocumentKind;
use crate::eval::compare::{margin_line, MetricValue};
use crate::eval::fairness::{FairnessFailure, Tolerance};
use crate::eval::{Catalogue, Direction, EvalKind};
use crate::policy::{
    CanaryRules, Category, Comparator, Criterion, EvidenceKind, Policy, Reads, StagePolicy,
};
use crate::stage::Stage;
use crate::trust::{ApprovalState, Role};

/// Float noise, not evidence.
const EPS: f64 = 1e-12;

/// What one rule found.
struct Judged {
    status: CheckStatus,
    observed: String,
    expected: String,
    refs: Vec<EvidenceRef>,
}

fn judged(
    status: CheckStatus,
    observed: impl Into<String>,
    expected: impl Into<String>,
    refs: Vec<EvidenceRef>,
) -> Judged {
    Judged {
        status,
        observed: observed.into(),
        expected: expected.into(),
        refs,
    }
}

/// The worst of several statuses: fail, then missing evidence, then pass.
fn worst(statuses: impl IntoIterator<Item = CheckStatus>) -> CheckStatus {
    let mut out = CheckStatus::Pass;
    for s in statuses {
        match s {
            CheckStatus::Fail => return CheckStatus::Fail,
            CheckStatus::MissingEvidence => out = CheckStatus::MissingEvidence,
            _ => {}
        }
    }
    out
}

pub(super) fn all_checks(
    policy: &Policy,
    model: &str,
    target: Stage,
    ev: &Evidence,
    now: &str,
) -> Vec<GateCheck> {
    let Some(stage_policy) = policy.stage(target) else {
        return Vec::new();
    };
    let now = parse_rfc3339(now);
    let mut out = Vec::new();
    for c in policy.criteria_for(model, target) {
        let j = criterion(&policy.canary, &c, ev, now);
        let mut made = check(&c.id, c.category, &c.seed, c.checklist, j);
        made.clocked = matches!(
            c.reads,
            crate::policy::Reads::Evidence {
                kind: crate::policy::EvidenceKind::CanaryDuration,
                ..
            }
        );
        out.push(made);
    }
    for kind in &stage_policy.documents {
        out.push(document_check(target, stage_policy, *kind, ev));
    }
    for role in &stage_policy.approvals {
        out.push(approval_check(target, stage_policy, *role, &ev.approvals));
    }
    for pack in &stage_policy.packs {
        out.extend(super::packs::pack_checks(target, pack, &ev.packs));
    }
    if target != Stage::Deprecated {
        for r in &ev.incident_suites {
            out.push(crate::incident::suite_check(target, r, &ev.run_suites));
        }
    }
    for c in &mut out {
        apply_waivers(c, ev, now);
    }
    out
}

fn check(id: &str, category: Category, seed: &str, checklist: Option<u8>, j: Judged) -> GateCheck {
    let mut evidence = j.refs;
    evidence.sort();
    evidence.dedup();
    GateCheck {
        id: id.to_string(),
        category,
        seed: seed.to_string(),
        checklist,
        status: j.status,
        observed: j.observed,
        expected: j.expected,
        evidence,
        waiver: None,
        waiver_notes: Vec::new(),
        clocked: false,
        reads_signatures: false,
    }
}

fn run_ref(run: &RunSummary, of: &str) -> EvidenceRef {
    EvidenceRef::Run {
        id: run.id.clone(),
        of: of.to_string(),
        digest: run.evidence_digest,
    }
}

fn doc_ref(d: &DocumentEvidence) -> EvidenceRef {
    EvidenceRef::Document {
        kind: d.kind,
        of: d.of.clone(),
        revision: d.revision,
        sha256: d.sha256,
    }
}

fn envelope_ref(s: &Signature) -> EvidenceRef {
    EvidenceRef::Envelope {
        role: s.role,
        keyid: s.keyid.clone(),
        digest: s.envelope_digest,
    }
}

fn short_key(s: &Signature) -> &str {
    s.keyid.as_str().get(..16).unwrap_or(s.keyid.as_str())
}

fn state_text(state: &ApprovalState) -> String {
    match state {
        ApprovalState::Current => "current".into(),
        ApprovalState::Stale { changes } => {
            let first = changes.first().map(|c| c.to_string()).unwrap_or_default();
            match changes.len() {
                1 => format!("stale: {first}"),
                n => format!("stale: {first} (and {} more changes)", n - 1),
            }
        }
        ApprovalState::InvalidSignature { part } => {
            format!(
                "invalid signature ({})",
                serde_json::json!(part).as_str().unwrap_or("?")
            )
        }
        ApprovalState::NotInRoster => "signed by a key not in the roster".into(),
        ApprovalState::RoleNotGranted => "signed by a key without the role".into(),
        ApprovalState::RevokedKey => "signed by a revoked key".into(),
        ApprovalState::WrongVersion => "signed for another version".into(),
    }
}

/// The latest run (of `kind`, when given) that measured `metric` in `pick`'s map.
fn latest<'a>(
    runs: &'a [RunSummary],
    metric: &str,
    kind: Option<EvalKind>,
    pick: impl Fn(&'a RunSummary) -> &'a std::collections::BTreeMap<String, MetricValue>,
) -> Option<(&'a RunSummary, MetricValue)> {
    runs.iter()
        .rev()
        .filter(|r| kind.is_none_or(|k| r.kind == k))
        .find_map(|r| pick(r).get(metric).map(|v| (r, *v)))
}

fn runs_text(kind: Option<EvalKind>) -> String {
    kind.map_or("evaluation run".into(), |k| format!("{k} run"))
}

fn criterion(rules: &CanaryRules, c: &Criterion, ev: &Evidence, now: Option<i64>) -> Judged {
    match &c.reads {
        Reads::Metric { name, run_kind } => metric(c.comparator, name, *run_kind, ev),
        Reads::Evidence {
            kind,
            run_kind,
            document,
            field,
        } => evidence(
            rules,
            *kind,
            *run_kind,
            *document,
            field.as_deref(),
            ev,
            now,
        ),
    }
}

fn direction_of(metric: &str) -> Direction {
    Catalogue::builtin()
        .get(metric)
        .map_or(Direction::None, |d| d.direction)
}

fn metric(comparator: Comparator, name: &str, kind: Option<EvalKind>, ev: &Evidence) -> Judged {
    use CheckStatus::*;
    if let Comparator::WithinTolerance(tol) = comparator {
        return fairness(name, kind, tol, ev);
    }
    let candidate = latest(&ev.evaluations, name, kind, |r| &r.metrics);
    let expected = match comparator {
        Comparator::AtLeast(t) => format!("{name} ≥ {t}"),
        Comparator::AtMost(t) => format!("{name} ≤ {t}"),
        Comparator::BeatsProductionBy(m) => format!("{name} better than production by ≥ {m}"),
        _ => format!("{name} not worse than production"),
    };
    let Some((run, v)) = candidate else {
        return judged(
            MissingEvidence,
            format!("no {} measured {name}", runs_text(kind)),
            expected,
            vec![],
        );
    };
    let mut refs = vec![run_ref(run, "version")];
    let value = v.value;
    let n_text = v.n.map(|n| format!(", n = {n}")).unwrap_or_default();
    let ci_text =
        v.ci.map(|(l, h)| format!(", CI [{l}, {h}]"))
            .unwrap_or_default();
    let observed = format!("{name} = {value}{ci_text}{n_text} (run {})", run.id);
    let (limit, higher_ok) = match comparator {
        Comparator::AtLeast(t) => (t, true),
        Comparator::AtMost(t) => (t, false),
        Comparator::BeatsProductionBy(_) | Comparator::NotWorseThanProduction => {
            let margin = match comparator {
                Comparator::BeatsProductionBy(m) => m,
                _ => 0.0,
            };
            let Some(prod) = &ev.production else {
                return judged(
                    MissingEvidence,
                    format!("{observed}; no production version to compare with"),
                    expected,
                    refs,
                );
            };
            let Some((prun, pv)) = latest(&prod.evaluations, name, kind, |r| &r.metrics) else {
                return judged(
                    MissingEvidence,
                    format!(
                        "{observed}; production {} has no {} measuring {name}",
                        prod.version,
                        runs_text(kind)
                    ),
                    expected,
                    refs,
                );
            };
            refs.push(run_ref(prun, "production"));
            let direction = direction_of(name);
            let line = margin_line(direction, Some(pv.value), Some(margin)).unwrap_or(pv.value);
            let observed = format!(
                "{observed}; production {} = {} (run {}), difference {:+}",
                prod.version,
                pv.value,
                prun.id,
                value - pv.value
            );
            let higher = direction != Direction::Lower;
            let ok = if higher {
                value >= line - EPS
            } else {
                value <= line + EPS
            };
            let bound = if higher { "at least" } else { "at most" };
            let expected = format!("{expected}: {bound} {line}");
            return judged(if ok { Pass } else { Fail }, observed, expected, refs);
        }
        Comparator::WithinTolerance(_) | Comparator::Present => {
            // Policy::parse refuses these for metrics; never pass what was not judged.
            return judged(
                Fail,
                observed,
                format!(
                    "{expected} (comparator {} cannot judge a metric)",
                    comparator.as_str()
                ),
                refs,
            );
        }
    };
    let ok = if higher_ok {
        value >= limit - EPS
    } else {
        value <= limit + EPS
    };
    judged(if ok { Pass } else { Fail }, observed, expected, refs)
}

fn fairness(name: &str, kind: Option<EvalKind>, tol: Tolerance, ev: &Evidence) -> Judged {
    use CheckStatus::*;
    let expected = format!(
        "{name} within tolerance on every group key: difference ≤ {}, min/max ratio ≥ {}",
        tol.max_difference, tol.min_ratio
    );
    let run = ev
        .evaluations
        .iter()
        .rev()
        .filter(|r| kind.is_none_or(|k| r.kind == k))
        .find(|r| {
            r.fairness
                .iter()
                .any(|k| k.metrics.iter().any(|m| m.metric == name))
        });
    let Some(run) = run else {
        return judged(
            MissingEvidence,
            format!("no {} reported {name} per group", runs_text(kind)),
            expected,
            vec![],
        );
    };
    let mut parts = Vec::new();
    let mut failed = false;
    for key in &run.fairness {
        let Some(m) = key.metrics.iter().find(|m| m.metric == name) else {
            continue;
        };
        let passes_difference = m.max_difference <= tol.max_difference + EPS;
        let passes_ratio = m.min_max_ratio.is_none_or(|r| r >= tol.min_ratio - EPS);
        let ratio = m
            .min_max_ratio
            .map_or("none".to_string(), |r| format!("{r}"));
        let mut part = format!(
            "{}: worst {}={}, difference {}, ratio {ratio}",
            key.key, key.key, m.worst_group, m.max_difference
        );
        if let Some(f) = FairnessFailure::of(passes_difference, passes_ratio) {
            failed = true;
            part.push_str(&format!(
                " — {}={} {}",
                key.key,
                m.worst_group,
                f.describe(tol)
            ));
        }
        parts.push(part);
    }
    judged(
        if failed { Fail } else { Pass },
        format!("{} (run {})", parts.join("; "), run.id),
        expected,
        vec![run_ref(run, "version")],
    )
}

fn blank(v: Option<&str>) -> bool {
    v.is_none_or(|s| s.trim().is_empty())
}

fn rollout_refs(ev: &Evidence) -> Vec<EvidenceRef> {
    ev.documents
        .iter()
        .filter(|d| d.kind == DocumentKind::RolloutPlan)
        .map(doc_ref)
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn evidence(
    rules: &CanaryRules,
    kind: EvidenceKind,
    run_kind: Option<EvalKind>,
    document: Option<DocumentKind>,
    field: Option<&str>,
    ev: &Evidence,
    now: Option<i64>,
) -> Judged {
    use CheckStatus::*;
    use EvidenceKind as K;
    let artifact = |what: &str, value: Option<String>| match value {
        Some(v) => judged(
            Pass,
            format!("{what} {v}"),
            format!("a recorded {what}"),
            vec![EvidenceRef::Artifact {
                what: what.to_string(),
                value: v,
            }],
        ),
        None => judged(
            MissingEvidence,
            format!("no {what} recorded"),
            format!("a recorded {what}"),
            vec![],
        ),
    };
    let dataset_refs = || -> Vec<EvidenceRef> {
        ev.datasets
            .iter()
            .map(|d| EvidenceRef::Dataset {
                name: d.name.clone(),
                checksum: d.manifest_checksum,
            })
            .collect()
    };
    let no_datasets = |expected: &str| {
        judged(
            MissingEvidence,
            "no dataset snapshot linked",
            expected.to_string(),
            vec![],
        )
    };
    match kind {
        K::Bundle => artifact(
            "bundle digest",
            ev.artifacts.bundle_digest.map(|d| d.to_string()),
        ),
        K::Config => artifact(
            "config digest",
            ev.artifacts.config_digest.map(|d| d.to_string()),
        ),
        K::CodeCommit => artifact(
            "code commit",
            ev.artifacts.code_commit.as_ref().map(|c| c.to_string()),
        ),
        K::DatasetManifest => {
            let expected = "at least one dataset snapshot with its manifest checksum";
            if ev.datasets.is_empty() {
                return no_datasets(expected);
            }
            let names: Vec<String> = ev
                .datasets
                .iter()
                .map(|d| format!("{} {}", d.name, d.manifest_checksum))
                .collect();
            judged(Pass, names.join("; "), expected, dataset_refs())
        }
        K::DatasetProvenance => {
            let expected = "every dataset documents source, license, consent, retention and \
                            personal data";
            if ev.datasets.is_empty() {
                return no_datasets(expected);
            }
            let mut parts = Vec::new();
            let mut status = Pass;
            for d in &ev.datasets {
                let missing = d.provenance.missing();
                if missing.is_empty() {
                    parts.push(format!("{}: complete", d.name));
                } else {
                    status = Fail;
                    let names: Vec<&str> = missing.iter().map(|f| f.as_str()).collect();
                    parts.push(format!("{} lacks {}", d.name, names.join(", ")));
                }
            }
            judged(status, parts.join("; "), expected, dataset_refs())
        }
        K::PersonalData => {
            let expected = "no personal data, or personal data approved by security-privacy";
            if ev.datasets.is_empty() {
                return no_datasets(expected);
            }
            let mut parts = Vec::new();
            let mut statuses = Vec::new();
            let mut refs = dataset_refs();
            for d in &ev.datasets {
                let review = d
                    .reviews
                    .iter()
                    .find(|r| r.role == Role::SecurityPrivacy && r.state.counts());
                let (s, text) = match (d.provenance.personal_data, review) {
                    (None, _) => (
                        MissingEvidence,
                        format!("{}: personal data not stated", d.name),
                    ),
                    (Some(false), _) => (Pass, format!("{}: no personal data", d.name)),
                    (Some(true), Some(r)) => {
                        refs.push(envelope_ref(r));
                        (
                            Pass,
                            format!(
                                "{}: personal data, approved by security-privacy {}",
                                d.name,
                                short_key(r)
                            ),
                        )
                    }
                    (Some(true), None) => (
                        Fail,
                        format!(
                            "{}: personal data without a current security-privacy review",
                            d.name
                        ),
                    ),
                };
                statuses.push(s);
                parts.push(text);
            }
            judged(worst(statuses), parts.join("; "), expected, refs)
        }
        K::DatasetSecurityReview => {
            let expected = "every dataset snapshot approved by security-privacy (current)";
            if ev.datasets.is_empty() {
                return no_datasets(expected);
            }
            let mut parts = Vec::new();
            let mut statuses = Vec::new();
            let mut refs = dataset_refs();
            for d in &ev.datasets {
                let reviews: Vec<&Signature> = d
                    .reviews
                    .iter()
                    .filter(|r| r.role == Role::SecurityPrivacy)
                    .collect();
                refs.extend(reviews.iter().map(|r| envelope_ref(r)));
                let (s, text) = match reviews.iter().find(|r| r.state.counts()) {
                    Some(r) => (Pass, format!("{}: approved by {}", d.name, short_key(r))),
                    None => match reviews.last() {
                        Some(r) => (
                            Fail,
                            format!(
                                "{}: review by {} is {}",
                                d.name,
                                short_key(r),
                                state_text(&r.state)
                            ),
                        ),
                        None => (
                            MissingEvidence,
                            format!("{}: no security-privacy review", d.name),
                        ),
                    },
                };
                statuses.push(s);
                parts.push(text);
            }
            judged(worst(statuses), parts.join("; "), expected, refs)
        }
        K::EvalRun => {
            let expected = format!("a {}", runs_text(run_kind));
            let runs: Vec<&RunSummary> = ev
                .evaluations
                .iter()
                .filter(|r| run_kind.is_none_or(|k| r.kind == k))
                .collect();
            if runs.is_empty() {
                return judged(
                    MissingEvidence,
                    format!("no {}", runs_text(run_kind)),
                    expected,
                    vec![],
                );
            }
            let ids: Vec<&str> = runs.iter().map(|r| r.id.as_str()).collect();
            judged(
                Pass,
                format!("{} run(s): {}", runs.len(), ids.join(", ")),
                expected,
                runs.iter().map(|r| run_ref(r, "version")).collect(),
            )
        }
        K::Document => {
            // Policy::parse requires `document` here; never judge a document nobody named.
            let Some(kind) = document else {
                return judged(
                    Fail,
                    "the criterion names no document",
                    "a document kind",
                    vec![],
                );
            };
            let expected = format!("a {kind} (a draft is enough)");
            match ev.documents.iter().rev().find(|d| d.kind == kind) {
                Some(d) => {
                    let state = if d.complete {
                        "complete".to_string()
                    } else {
                        format!("draft, {} gap(s)", d.gaps.len())
                    };
                    judged(
                        Pass,
                        format!("{kind} revision {} ({state})", d.revision),
                        expected,
                        vec![doc_ref(d)],
                    )
                }
                None => judged(MissingEvidence, format!("no {kind}"), expected, vec![]),
            }
        }
        K::Declaration => {
            let (Some(kind), Some(field)) = (document, field) else {
                return judged(
                    Fail,
                    "the criterion names no document or field",
                    "a document kind and a front-matter field",
                    vec![],
                );
            };
            let expected = format!("{kind} declares {field}");
            let Some(d) = ev
                .documents
                .iter()
                .rev()
                .find(|d| d.kind == kind && d.of.is_none())
            else {
                return judged(MissingEvidence, format!("no {kind}"), expected, vec![]);
            };
            let refs = vec![doc_ref(d)];
            match d.fields.get(field).map(|v| v.trim()) {
                None | Some("") => judged(
                    MissingEvidence,
                    format!("{kind} revision {} does not declare {field}", d.revision),
                    expected,
                    refs,
                ),
                Some(v)
                    if matches!(
                        v.to_ascii_lowercase().as_str(),
                        "false" | "no" | "none" | "[]"
                    ) =>
                {
                    judged(
                        Fail,
                        format!("{field} = {v} ({kind} revision {})", d.revision),
                        expected,
                        refs,
                    )
                }
                Some(v) => judged(
                    Pass,
                    format!("{field} = {v} ({kind} revision {})", d.revision),
                    expected,
                    refs,
                ),
            }
        }
        K::CanaryTraffic => {
            let max = rules.traffic_share_below_percent;
            let expected = if rules.flagged_tenants_allowed {
                format!("a canary share below {max}% of traffic, or flagged tenants")
            } else {
                format!("a canary share below {max}% of traffic")
            };
            let Some(plan) = &ev.canary_plan else {
                return judged(
                    MissingEvidence,
                    "no rollout plan",
                    expected,
                    rollout_refs(ev),
                );
            };
            let tenants = (rules.flagged_tenants_allowed && !plan.tenants.is_empty())
                .then(|| plan.tenants.join(", "));
            match (plan.share_percent, tenants) {
                (Some(s), _) if s < max => judged(
                    Pass,
                    format!("canary share {s}%"),
                    expected,
                    rollout_refs(ev),
                ),
                (Some(s), _) => judged(
                    Fail,
                    format!("canary share {s}%"),
                    expected,
                    rollout_refs(ev),
                ),
                (None, Some(t)) => judged(
                    Pass,
                    format!("flagged tenants: {t}"),
                    expected,
                    rollout_refs(ev),
                ),
                (None, None) => judged(
                    MissingEvidence,
                    "the rollout plan names no canary share or flagged tenants",
                    expected,
                    rollout_refs(ev),
                ),
            }
        }
        K::FeatureFlag | K::KillSwitch => {
            let what = if kind == K::FeatureFlag {
                "feature flag"
            } else {
                "kill switch"
            };
            let expected = format!("the rollout plan names the {what}");
            let Some(plan) = &ev.canary_plan else {
                return judged(
                    MissingEvidence,
                    "no rollout plan",
                    expected,
                    rollout_refs(ev),
                );
            };
            let value = if kind == K::FeatureFlag {
                &plan.feature_flag
            } else {
                &plan.kill_switch
            };
            match value.as_deref() {
                v if blank(v) => judged(
                    MissingEvidence,
                    format!("the rollout plan names no {what}"),
                    expected,
                    rollout_refs(ev),
                ),
                v => judged(
                    Pass,
                    format!("{what} {}", v.unwrap_or_default()),
                    expected,
                    rollout_refs(ev),
                ),
            }
        }
        K::ShadowMode => {
            if !rules.shadow_mode_required {
                return judged(
                    Pass,
                    "not required",
                    "shadow mode (not required by the policy)",
                    vec![],
                );
            }
            let expected = "shadow mode on";
            let Some(plan) = &ev.canary_plan else {
                return judged(
                    MissingEvidence,
                    "no rollout plan",
                    expected,
                    rollout_refs(ev),
                );
            };
            match plan.shadow_mode {
                Some(true) => judged(Pass, "shadow mode on", expected, rollout_refs(ev)),
                Some(false) => judged(Fail, "shadow mode off", expected, rollout_refs(ev)),
                None => judged(
                    MissingEvidence,
                    "the rollout plan does not say whether shadow mode is on",
                    expected,
                    rollout_refs(ev),
                ),
            }
        }
        K::CanaryDuration => canary_duration(rules, ev, now),
        K::CanaryKpis => canary_kpis(rules, ev),
        K::RollbackTarget => {
            let expected =
                "a previous production version kept live to roll back to (N-1); a first release \
                 needs a waiver";
            match &ev.rollback_target {
                Some(v) => judged(
                    Pass,
                    format!("rollback target {v}"),
                    expected,
                    vec![EvidenceRef::Version { version: v.clone() }],
                ),
                None => judged(Fail, "no previous production version", expected, vec![]),
            }
        }
        K::MigrationPlan => {
            let expected = "a migration plan";
            match ev
                .deprecation
                .as_ref()
                .and_then(|d| d.migration_plan.as_deref())
            {
                v if blank(v) => judged(MissingEvidence, "no migration plan", expected, vec![]),
                v => judged(
                    Pass,
                    format!("migration plan: {}", v.unwrap_or_default()),
                    expected,
                    vec![],
                ),
            }
        }
        K::RemovalDate => {
            let expected = "a scheduled removal date after now";
            let date = ev
                .deprecation
                .as_ref()
                .and_then(|d| d.removal_date.as_deref());
            let Some(date) = date.filter(|d| !d.trim().is_empty()) else {
                return judged(MissingEvidence, "no removal date", expected, vec![]);
            };
            match (parse_rfc3339(date), now) {
                (None, _) => judged(
                    Fail,
                    format!("removal date {date:?} is not a date"),
                    expected,
                    vec![],
                ),
                (Some(_), None) => judged(
                    MissingEvidence,
                    format!("removal date {date}; the time of evaluation is unreadable"),
                    expected,
                    vec![],
                ),
                (Some(t), Some(n)) if t > n => {
                    judged(Pass, format!("removal on {date}"), expected, vec![])
                }
                (Some(_), Some(_)) => judged(
                    Fail,
                    format!("removal date {date} has passed"),
                    expected,
                    vec![],
                ),
            }
        }
    }
}

/// How long a canary must run: the policy's minimum, or its rollout plan's
/// `canary_duration_hours` when that is longer (a team that plans a week is held to its week),
/// in whole hours rounded up, with the text that says where the figure comes from.
fn required_canary_hours(rules: &CanaryRules, plan: Option<&CanaryPlan>) -> (i64, String) {
    let min = i64::from(rules.min_duration_hours);
    match plan.and_then(|p| p.duration_hours) {
        Some(h) if h.ceil() as i64 > min => {
            let hours = h.ceil() as i64;
            (
                hours,
                format!("at least {hours} h in canary (its rollout plan; the policy's minimum is {min} h)"),
            )
        }
        _ => (min, format!("at least {min} h in canary")),
    }
}

fn canary_duration(rules: &CanaryRules, ev: &Evidence, now: Option<i64>) -> Judged {
    use CheckStatus::*;
    let (min, at_least) = required_canary_hours(rules, ev.canary_plan.as_ref());
    let entered = ev
        .stage_history
        .iter()
        .enumerate()
        .rev()
        .find(|(_, e)| e.stage == Stage::Canary);
    let Some((i, entry)) = entered else {
        return judged(MissingEvidence, "never in canary", at_least.clone(), vec![]);
    };
    let mut refs = vec![EvidenceRef::Stage {
        stage: entry.stage,
        at: entry.at.clone(),
    }];
    let Some(start) = parse_rfc3339(&entry.at) else {
        return judged(
            MissingEvidence,
            format!("canary entry time {:?} is unreadable", entry.at),
            at_least.clone(),
            refs,
        );
    };
    let ready = start + min * 3600;
    let expected = format!("{at_least}: not before {}", format_rfc3339(ready));
    let left = ev.stage_history.get(i + 1);
    let (end, observed) = match left {
        Some(next) => {
            refs.push(EvidenceRef::Stage {
                stage: next.stage,
                at: next.at.clone(),
            });
            (
                parse_rfc3339(&next.at),
                format!("in canary from {} to {}", entry.at, next.at),
            )
        }
        None => (now, format!("in canary since {}", entry.at)),
    };
    match end {
        None => judged(
            MissingEvidence,
            format!("{observed}; the time of evaluation is unreadable"),
            expected,
            refs,
        ),
        Some(end) if end >= ready => judged(Pass, observed, expected, refs),
        Some(_) => judged(Fail, observed, expected, refs),
    }
}

fn canary_kpis(rules: &CanaryRules, ev: &Evidence) -> Judged {
    use CheckStatus::*;
    let expected = format!(
        "canary online KPIs not worse than production: {}",
        rules.kpis.join(", ")
    );
    if rules.kpis.is_empty() {
        return judged(Pass, "the policy names no canary KPIs", expected, vec![]);
    }
    let kind = Some(EvalKind::OnlineKpis);
    let mut parts = Vec::new();
    let mut statuses = Vec::new();
    let mut refs = Vec::new();
    for kpi in &rules.kpis {
        let Some((run, v)) = latest(&ev.evaluations, kpi, kind, |r| &r.metrics) else {
            statuses.push(MissingEvidence);
            parts.push(format!("{kpi}: no canary value"));
            continue;
        };
        refs.push(run_ref(run, "version"));
        let baseline = run
            .baseline
            .get(kpi)
            .map(|b| (*b, format!("production arm of run {}", run.id)))
            .or_else(|| {
                let prod = ev.production.as_ref()?;
                let (prun, pv) = latest(&prod.evaluations, kpi, kind, |r| &r.metrics)?;
                refs.push(run_ref(prun, "production"));
                Some((pv, format!("production {} run {}", prod.version, prun.id)))
            });
        let Some((b, source)) = baseline else {
            statuses.push(MissingEvidence);
            parts.push(format!("{kpi}: {} with no production value", v.value));
            continue;
        };
        let gain = match direction_of(kpi) {
            Direction::Lower => b.value - v.value,
            _ => v.value - b.value,
        };
        let worse = gain < -EPS;
        statuses.push(if worse { Fail } else { Pass });
        parts.push(format!(
            "{kpi}: {} vs {} ({source}){}",
            v.value,
            b.value,
            if worse { ", worse" } else { "" }
        ));
    }
    judged(worst(statuses), parts.join("; "), expected, refs)
}

/// The §5 item approvals stand behind.
pub(super) const APPROVALS_CHECKLIST: u8 = 9;

/// The §5 item a required document stands behind.
pub(super) fn document_checklist(kind: DocumentKind) -> u8 {
    match kind {
        DocumentKind::EvalReport => 3,
        DocumentKind::RolloutPlan => 7,
        _ => 2,
    }
}

fn document_check(target: Stage, sp: &StagePolicy, kind: DocumentKind, ev: &Evidence) -> GateCheck {
    use CheckStatus::*;
    let id = format!("{target}.documentation.{kind}");
    let describe = |d: &DocumentEvidence| -> (CheckStatus, String) {
        let name = match &d.of {
            Some(of) => format!("{kind} of {of}"),
            None => kind.to_string(),
        };
        if d.complete {
            (Pass, format!("{name} revision {}: complete", d.revision))
        } else {
            let first = d.gaps.first().map(|g| format!(": {g}")).unwrap_or_default();
            (
                Fail,
                format!(
                    "{name} revision {}: {} gap(s){first}",
                    d.revision,
                    d.gaps.len()
                ),
            )
        }
    };
    let j = if kind.is_per_dataset() {
        let expected = format!("a complete {kind} for every linked dataset snapshot");
        if ev.datasets.is_empty() {
            judged(
                MissingEvidence,
                "no dataset snapshot linked",
                expected,
                vec![],
            )
        } else {
            let mut statuses = Vec::new();
            let mut parts = Vec::new();
            let mut refs = Vec::new();
            for ds in &ev.datasets {
                let doc = ev
                    .documents
                    .iter()
                    .rev()
                    .find(|d| d.kind == kind && d.of.as_deref() == Some(ds.name.as_str()));
                match doc {
                    Some(d) => {
                        let (s, text) = describe(d);
                        refs.push(doc_ref(d));
                        statuses.push(s);
                        parts.push(text);
                    }
                    None => {
                        statuses.push(MissingEvidence);
                        parts.push(format!("no {kind} for {}", ds.name));
                    }
                }
            }
            judged(worst(statuses), parts.join("; "), expected, refs)
        }
    } else {
        let expected = format!("a complete {kind}");
        match ev
            .documents
            .iter()
            .rev()
            .find(|d| d.kind == kind && d.of.is_none())
        {
            Some(d) => {
                let (s, text) = describe(d);
                judged(s, text, expected, vec![doc_ref(d)])
            }
            None => judged(MissingEvidence, format!("no {kind}"), expected, vec![]),
        }
    };
    check(
        &id,
        Category::Documentation,
        &sp.documents_seed,
        Some(document_checklist(kind)),
        j,
    )
}

fn approval_check(
    target: Stage,
    sp: &StagePolicy,
    role: Role,
    approvals: &[Signature],
) -> GateCheck {
    use CheckStatus::*;
    let id = format!("{target}.approvals.{role}");
    let expected = format!("a current {role} approval of this version's subject");
    let sigs: Vec<&Signature> = approvals.iter().filter(|s| s.role == role).collect();
    let refs: Vec<EvidenceRef> = sigs.iter().map(|s| envelope_ref(s)).collect();
    let j = match sigs.iter().find(|s| s.state.counts()) {
        Some(s) => judged(
            Pass,
            format!("approved by {} (current)", short_key(s)),
            expected,
            refs,
        ),
        None => match sigs.last() {
            Some(s) => judged(
                Fail,
                format!("approval by {} is {}", short_key(s), state_text(&s.state)),
                expected,
                refs,
            ),
            None => judged(
                MissingEvidence,
                format!("no {role} approval"),
                expected,
                refs,
            ),
        },
    };
    check(
        &id,
        Category::Approvals,
        &sp.approvals_seed,
        Some(APPROVALS_CHECKLIST),
        j,
    )
}

/// Why a waiver does not count, or None when it does.
fn waiver_refusal(w: &super::Waiver, now: Option<i64>) -> Option<String> {
    let Some(expires) = parse_rfc3339(&w.expires_at) else {
        return Some(format!("its expiry {:?} is not a time", w.expires_at));
    };
    let Some(now) = now else {
        return Some("the time of evaluation is unreadable".into());
    };
    if expires <= now {
        return Some(format!("it expired at {}", w.expires_at));
    }
    for role in super::WAIVER_ROLES {
        let sigs: Vec<&Signature> = w.signatures.iter().filter(|s| s.role == role).collect();
        if sigs.iter().any(|s| s.state.counts()) {
            continue;
        }
        return Some(match sigs.last() {
            Some(s) => format!("its {role} signature is {}", state_text(&s.state)),
            None => format!("it lacks a {role} signature"),
        });
    }
    None
}

fn apply_waivers(c: &mut GateCheck, ev: &Evidence, now: Option<i64>) {
    if c.status.allows() {
        return;
    }
    let mut refusals = Vec::new();
    for w in ev.waivers.iter().filter(|w| w.check_id == c.id) {
        match waiver_refusal(w, now) {
            None => {
                let mut envelopes: Vec<EvidenceRef> =
                    w.signatures.iter().map(envelope_ref).collect();
                envelopes.sort();
                let waived_status = c.status;
                c.status = CheckStatus::Waived;
                c.waiver = Some(WaiverRef {
                    waived_status,
                    rationale: w.rationale.clone(),
                    expires_at: w.expires_at.clone(),
                    envelopes,
                });
                return;
            }
            Some(why) => refusals.push(why),
        }
    }
    c.waiver_notes = refusals
        .into_iter()
        .map(|why| format!("a waiver does not count: {why}"))
        .collect();
}
