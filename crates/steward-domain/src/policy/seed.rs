//! The rules of the seed outline (sections 1–5), each with the reference a policy criterion
//! names in its `seed` key, and where a rule that is not a gate check is implemented.
//!
//! The auditor's map (`docs/governance.md`) is rendered from this list and the policy: every
//! rule appears with the checks that cite it, or with the screen, record or rule that does.

use crate::eval::EvalKind;

/// One rule of the seed outline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedRule {
    /// The reference criteria cite (`§2 Promotion criteria — Quality`).
    pub reference: &'static str,
    /// The seed's words, shortened.
    pub text: &'static str,
    /// Where it is implemented when it is not (only) a gate check; empty when checks carry it.
    pub elsewhere: &'static str,
}

const fn rule(reference: &'static str, text: &'static str, elsewhere: &'static str) -> SeedRule {
    SeedRule {
        reference,
        text,
        elsewhere,
    }
}

/// Every rule of seed sections 1–5, in the outline's order.
pub const SEED_RULES: &[SeedRule] = &[
    rule("§1 Lifecycle — Experiment", "Rapid iterations; sandboxed compute; synthetic or de-identified data only.", "The entry stage: not a promotion target, so no gate; `lifecycle.rs` lets a version start there."),
    rule("§1 Lifecycle — Candidate", "Reproducible training run with fixed dataset snapshot and config; packaged artifact; baseline offline eval complete.", ""),
    rule("§1 Lifecycle — Canary", "Deployed to <5% traffic or flagged tenants; feature flag + shadow mode supported; online metrics and safety guardrails active.", ""),
    rule("§1 Lifecycle — Production", "Default serving path; SLOs enforced; rollback target exists (previous prod version) with automated switch.", "`lifecycle.rs`: at most one production version; the previous one becomes `rollback-target`."),
    rule("§1 Lifecycle — Deprecated", "Frozen for reference; no new traffic; scheduled removal with migration plan.", "`lifecycle.rs`: deprecated is frozen (no move out of it)."),
    rule("§1 Artifacts — Datasets", "Immutable snapshots with schema/version manifest and provenance (source, consent, retention).", "`dataset.rs`: canonical manifests and their checksum; the store refuses edits."),
    rule("§1 Artifacts — Configs", "Training + inference params, feature flags, safety settings, prompts/templates.", "`artifact.rs`: the config digest."),
    rule("§1 Artifacts — Code", "Training pipelines, preprocessing, inference services, prompt builders.", "`artifact.rs`: the code commit."),
    rule("§1 Artifacts — Metrics", "Offline benchmarks, online KPIs, infra metrics.", "`eval/`: the metrics catalogue and evaluation runs."),
    rule("§1 Artifacts — Evaluations", "Test sets, red-team results, bias/fairness audits, human review notes.", "`eval/`: evaluation kinds; each run kept with its file's sha256."),
    rule("§1 Versioning — Semantic versions", "`major.minor.patch-build` (major = architecture, minor = data/config, patch = bug/safety fix).", "`version.rs`: parse, order, `suggest_next`."),
    rule("§1 Versioning — Release record", "Every stage promotion creates an immutable release record (git tag + registry tag + dataset manifest checksum).", "`release/`: every promotion, rollback and deprecation is a signed, chained release record carrying the gate report, dataset checksums, document and evidence digests, the git tag (made in a linked repository) and registry tag names; `steward release verify` checks it."),
    rule("§1 Versioning — Rollback policy", "Keep N-1 production image and config live; toggle via feature flag/traffic switch in <15 minutes.", "`steward rollback` / the studio's Rollback: the N-1 rollback target serves again in one signed action (Steward's part takes well under a second); the traffic switch itself is the operations issue's flag file."),
    rule("§2 Promotion criteria — Quality", "Offline metrics beat current prod by pre-set margins; zero-blocker regression tests; eval on long-tail and adversarial cases.", ""),
    rule("§2 Promotion criteria — Safety", "Safety classifier and content filters meet thresholds; jailbreak/red-team pass rate ≥ target; PII leak tests clean; toxicity/bias limits met.", ""),
    rule("§2 Promotion criteria — Bias/Fairness", "Demographically stratified metrics within tolerance; fairness report signed; mitigation plan for any gaps.", ""),
    rule("§2 Promotion criteria — Reliability & Cost", "Latency and p99 within SLO; cost per 1k requests within budget; autoscaling and rate limits validated.", ""),
    rule("§2 Data policy — Training data", "Documented source, license, consent, and retention plan; no unauthorized personal data.", ""),
    rule("§2 Data policy — Inference data", "Retention minimized; no unencrypted logging of sensitive fields; prompts/responses redacted and token-limited.", ""),
    rule("§2 Data policy — Vendors", "Vendors/foundational models have DP/PII commitments; no training-on-requests unless approved.", ""),
    rule("§2 Approvals — Required sign-offs", "Production needs: model owner, product/UX lead, security/privacy, responsible AI/legal, SRE.", "`trust/`: roster and approval states decide which sign-offs count."),
    rule("§2 Documentation — Docs to attach", "Model card, evaluation report, data sheet, risk assessment, playbook/runbook, rollout plan with kill-switch.", "`document/`: templates and the completeness rule."),
    rule("§3 Offline evaluation", "Golden datasets with thresholds; scenario tests; red-team automation; residual risks summarized.", ""),
    rule("§3 Online monitoring", "Quality, safety, performance and drift metrics; dashboards per stage with alerts.", "`eval/`: online KPI runs, `drift.rs` (PSI); `guardrail.rs`: the `[guardrails]` rules over imported online windows (`steward monitor`); live collection is not Steward's (it reads exports)."),
    rule("§3 Feedback loops", "Feedback tied to model version; human review queue; weekly triage.", ""),
    rule("§3 Regressions & rollback", "Guardrails trigger traffic reduction/rollback; one-click revert; post-incident analysis.", "One-click revert: `steward rollback` with its incident reference and release record. `guardrail.rs`: a breach of a `[guardrails]` rule reduces canary traffic or rolls production back (signed by the workspace service key); `incident.rs`: incidents whose post-incident action items make the next promotion's gate require a new suite."),
    rule("§4 Flow — Experiment → Candidate", "Training run with dataset snapshot; model bundle; offline benchmarks + red-team; model card draft.", ""),
    rule("§4 Flow — Candidate → Canary", "Security/Privacy reviews datasets; behind a feature flag to internal tenants; shadow mode; ≥48 hours of online metrics.", ""),
    rule("§4 Flow — Canary → Production", "Canary vs prod KPIs; SRE validates SLOs; Responsible AI signs fairness/safety; Product approves UX; release record with rollback target.", ""),
    rule("§4 Flow — Production → Deprecated", "Schedule migration to a newer model; freeze configs; retain docs and evals; remove traffic after migration.", ""),
    rule("§5 Checklist — 1 Versioned artifacts", "Code, dataset manifest, config, model image/bundle with checksums.", "`gate::checklist` item 1."),
    rule("§5 Checklist — 2 Documents published", "Model card, data sheet, risk assessment and runbook published and linked in the release record.", "`gate::checklist` item 2."),
    rule("§5 Checklist — 3 Offline quality", "Beats prod baseline; red-team and bias evaluations meet thresholds.", "`gate::checklist` item 3."),
    rule("§5 Checklist — 4 Safety systems", "Content filters, PII detectors, rate limits, guardrail prompts/tests.", "`gate::checklist` item 4."),
    rule("§5 Checklist — 5 Load tests", "Latency, reliability and cost meet SLO/SLA in load tests; autoscaling configured.", "`gate::checklist` item 5."),
    rule("§5 Checklist — 6 Observability", "Tracing, metrics, logs with redaction, dashboard + alerts per SLO.", "`gate::checklist` item 6."),
    rule("§5 Checklist — 7 Rollback plan", "Previous version available; feature flag/traffic dial tested.", "`gate::checklist` item 7."),
    rule("§5 Checklist — 8 Access controls", "Secrets managed, roles/permissions configured, data retention/TTL set.", "`gate::checklist` item 8."),
    rule("§5 Checklist — 9 Approvals", "Product, Security/Privacy, Responsible AI/Legal, SRE, Model owner.", "`gate::checklist` item 9."),
    rule("§5 Checklist — 10 Incident response", "Escalation paths, triage cadence, feedback ingestion tagged by model version.", "`gate::checklist` item 10."),
];

/// The rule a reference names, if the seed has it.
pub fn seed_rule(reference: &str) -> Option<&'static SeedRule> {
    SEED_RULES.iter().find(|r| r.reference == reference)
}

/// Which evaluation kinds measure `metric`. Metrics this table does not name may come from
/// any kind (an evaluation file can declare them), so they are never "unsatisfiable".
pub fn producing_kinds(metric: &str) -> &'static [EvalKind] {
    use EvalKind::*;
    match metric {
        "latency_ms" | "latency_p50_ms" | "latency_p95_ms" | "latency_p99_ms" | "requests"
        | "errors" | "timeouts" | "error_rate" | "timeout_rate" | "cost_usd"
        | "cost_per_1k_usd" | "tokens_per_request" | "saturation" => &[LoadTest, OnlineKpis],
        "jailbreak_pass_rate" | "prompt_injection_pass_rate" | "attack_success_rate" => &[RedTeam],
        "selection_rate" | "true_positive_rate" | "false_positive_rate" => &[FairnessAudit],
        "acceptance_rate" | "assist_rate" | "thumbs_up_ratio" | "override_rate" | "block_rate"
        | "escalation_rate" | "pii_detector_hits" | "blocked" | "escalated" => &[OnlineKpis],
        "refusal_correctness" | "policy_adherence" | "hallucination_rate" => {
            &[ScenarioSuite, GoldenSet]
        }
        "pii_leak_count" | "toxicity_rate" => &[ScenarioSuite, RedTeam],
        "regression_blockers" => &[GoldenSet, ScenarioSuite],
        "psi" | "distribution" => &[OnlineKpis, GoldenSet],
        _ => &EvalKind::ALL,
    }
}
