//! The file form of a policy and its validation into [`Policy`].
//!
//! serde (with `deny_unknown_fields`) refuses unknown keys, unknown stages and wrong types,
//! and toml gives the byte span; everything the types cannot say (known metric, role,
//! document kind, comparator and threshold agreeing) is checked here with the value's span.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::{
    producing_kinds, seed_rule, CanaryRules, Category, Comparator, Criterion, EvidenceKind,
    ModelOverride, Policy, PolicyError, PolicyErrorKind, Reads, StagePolicy, Warning,
    POLICY_FORMAT,
};
use crate::document::{builtin_template, DocumentKind};
use crate::eval::fairness::Tolerance;
use crate::eval::{Catalogue, Direction, EvalKind};
use crate::feedback::{ExtraPattern, FeedbackRules};
use crate::model::check_slug;
use crate::stage::Stage;
use crate::toml_text::{self, line_of, Refusal};
use crate::trust::Role;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    format: Spanned<String>,
    name: String,
    canary: RawCanary,
    stages: RawStages,
    #[serde(default)]
    models: BTreeMap<String, RawModel>,
    #[serde(default)]
    guardrails: crate::guardrail::RawGuardrails,
    #[serde(default)]
    feedback: Option<RawFeedback>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeedback {
    max_tokens: Spanned<i64>,
    #[serde(default)]
    patterns: Vec<RawPattern>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPattern {
    name: Spanned<String>,
    pattern: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCanary {
    traffic_share_below_percent: Spanned<f64>,
    flagged_tenants_allowed: bool,
    shadow_mode_required: bool,
    min_duration_hours: u32,
    #[serde(default)]
    kpis: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStages {
    candidate: Option<RawStage>,
    canary: Option<RawStage>,
    production: Option<RawStage>,
    deprecated: Option<RawStage>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    #[serde(default)]
    documents: Vec<Spanned<String>>,
    #[serde(default)]
    documents_seed: Option<Spanned<String>>,
    #[serde(default)]
    approvals: Vec<Spanned<String>>,
    #[serde(default)]
    approvals_seed: Option<Spanned<String>>,
    #[serde(default)]
    criteria: Vec<Spanned<RawCriterion>>,
    #[serde(default)]
    packs: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    slo_latency_p99_ms: Option<f64>,
    cost_budget_per_1k_usd: Option<f64>,
    #[serde(default)]
    criteria: Vec<Spanned<RawCriterion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    id: Spanned<String>,
    category: Spanned<String>,
    seed: Spanned<String>,
    checklist: Option<Spanned<u8>>,
    metric: Option<Spanned<String>>,
    evidence: Option<Spanned<String>>,
    run_kind: Option<Spanned<String>>,
    document: Option<Spanned<String>>,
    field: Option<Spanned<String>>,
    comparator: Option<Spanned<String>>,
    threshold: Option<f64>,
    margin: Option<f64>,
    max_difference: Option<f64>,
    min_ratio: Option<f64>,
    /// Only in per-model criteria: the stage they apply to.
    stage: Option<Spanned<String>>,
}

/// The dotted key path at a byte offset: the last table header above it, with an index for
/// arrays of tables, and the key of its own line.
fn key_path_at(text: &str, offset: usize) -> String {
    key_path(text, offset, true)
}

/// The table header in force at a byte offset (`(file)` for the root table).
fn table_at(text: &str, offset: usize) -> String {
    key_path(text, offset, false)
}

fn key_path(text: &str, offset: usize, with_own_key: bool) -> String {
    let line_no = line_of(text, offset);
    let mut header = String::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut own_key = None;
    // The key of a multi-line array still open (`documents = [` … `]`).
    let mut open_array: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.split('#').next().unwrap_or("").trim();
        let key_here = t
            .split_once('=')
            .map(|(k, _)| k.trim().trim_matches('"').to_string());
        let in_array = open_array.clone();
        if in_array.is_none() {
            if let Some(name) = t.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
                let name = name.trim().to_string();
                let n = counts.entry(name.clone()).or_insert(0);
                header = format!("{name}[{n}]");
                *n += 1;
            } else if let Some(name) = t.strip_prefix('[').and_then(|r| r.split(']').next()) {
                header = name.trim().to_string();
            }
        }
        if i + 1 == line_no {
            own_key = in_array.or(key_here).filter(|_| with_own_key);
            break;
        }
        match (&open_array, &key_here) {
            (None, Some(k))
                if t.contains('[') && t.matches('[').count() > t.matches(']').count() =>
            {
                open_array = Some(k.clone());
            }
            (Some(_), _) if t.contains(']') => open_array = None,
            _ => {}
        }
    }
    match (header.is_empty(), own_key) {
        (true, Some(k)) => k,
        (false, Some(k)) => format!("{header}.{k}"),
        (false, None) => header,
        (true, None) => "(file)".into(),
    }
}

/// The class of a serde/toml refusal, the finding without its "expected …" tail, and what
/// is expected.
fn classify(message: &str, key: &str) -> (PolicyErrorKind, String, String) {
    let (refusal, found, tail) = toml_text::refusal(message);
    let stage_table = key
        .strip_prefix("stages.")
        .is_some_and(|r| !r.contains(['.', '[']));
    match refusal {
        Refusal::UnknownField if stage_table || key == "stages" => (
            PolicyErrorKind::UnknownStage,
            found,
            "one of candidate, canary, production, deprecated".into(),
        ),
        Refusal::UnknownField => (
            PolicyErrorKind::UnknownKey,
            found,
            tail.unwrap_or_else(|| "a key of the policy format".into()),
        ),
        Refusal::WrongType => (
            PolicyErrorKind::WrongType,
            found,
            tail.unwrap_or_else(|| "a value of the right type".into()),
        ),
        Refusal::MissingField => (
            PolicyErrorKind::MissingKey,
            found,
            "the key to be present".into(),
        ),
        Refusal::Syntax => (PolicyErrorKind::Syntax, found, "valid TOML".into()),
    }
}

struct Ctx<'a> {
    text: &'a str,
    warnings: Vec<Warning>,
}

impl Ctx<'_> {
    fn err(
        &self,
        span: Range<usize>,
        kind: PolicyErrorKind,
        detail: String,
        expected: impl Into<String>,
    ) -> PolicyError {
        PolicyError {
            line: line_of(self.text, span.start),
            key: key_path_at(self.text, span.start),
            kind,
            detail,
            expected: expected.into(),
        }
    }

    fn warn(&mut self, span: Range<usize>, message: String) {
        self.warnings.push(Warning {
            line: line_of(self.text, span.start),
            key: key_path_at(self.text, span.start),
            message,
        });
    }
}

pub(super) fn parse(text: &str) -> Result<(Policy, Vec<Warning>), PolicyError> {
    let raw: RawPolicy = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim().to_string();
        // A missing key is reported on the table that lacks it.
        let missing = message
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next());
        let key = match missing {
            Some(field) => match table_at(text, span.start) {
                table if table == "(file)" => field.to_string(),
                table => format!("{table}.{field}"),
            },
            None => key_path_at(text, span.start),
        };
        let (kind, detail, expected) = classify(&message, &key);
        PolicyError {
            line: if e.span().is_some() {
                line_of(text, span.start)
            } else {
                0
            },
            key,
            kind,
            detail,
            expected,
        }
    })?;
    let mut ctx = Ctx {
        text,
        warnings: Vec::new(),
    };
    if raw.format.get_ref() != POLICY_FORMAT {
        return Err(ctx.err(
            raw.format.span(),
            PolicyErrorKind::InvalidValue,
            format!("format {:?}", raw.format.get_ref()),
            format!("{POLICY_FORMAT:?}"),
        ));
    }
    let catalogue = Catalogue::builtin();
    let canary = canary_rules(&ctx, raw.canary, catalogue)?;
    let guardrails =
        crate::guardrail::parse_rules(text, raw.guardrails, canary.traffic_share_below_percent)?;
    let mut ids = BTreeSet::new();
    let mut stages = Vec::new();
    let pairs = [
        (Stage::Candidate, raw.stages.candidate),
        (Stage::Canary, raw.stages.canary),
        (Stage::Production, raw.stages.production),
        (Stage::Deprecated, raw.stages.deprecated),
    ];
    for (stage, rs) in pairs {
        let Some(rs) = rs else { continue };
        stages.push(stage_policy(&mut ctx, stage, rs, catalogue, &mut ids)?);
    }
    let mut models = BTreeMap::new();
    for (name, rm) in raw.models {
        if let Err(e) = check_slug("model name", &name) {
            let at = text.find(&format!("[models.{name}")).unwrap_or(0);
            return Err(ctx.err(
                at..at,
                PolicyErrorKind::InvalidValue,
                e.to_string(),
                "a model slug: [a-z0-9][a-z0-9._-]{0,63}",
            ));
        }
        let mut criteria = Vec::new();
        for rc in rm.criteria {
            let span = rc.span();
            let rc = rc.into_inner();
            let Some(stage_text) = rc.stage.clone() else {
                return Err(ctx.err(
                    span,
                    PolicyErrorKind::MissingKey,
                    "a per-model criterion without `stage`".into(),
                    "stage = \"candidate\", \"canary\", \"production\" or \"deprecated\"",
                ));
            };
            let stage = gated_stage(&ctx, &stage_text)?;
            criteria.push((stage, criterion(&mut ctx, rc, span, catalogue, &mut ids)?));
        }
        models.insert(
            name,
            ModelOverride {
                slo_latency_p99_ms: rm.slo_latency_p99_ms,
                cost_budget_per_1k_usd: rm.cost_budget_per_1k_usd,
                criteria,
            },
        );
    }
    let feedback = match raw.feedback {
        Some(rf) => feedback_rules(&ctx, rf)?,
        None => FeedbackRules::default(),
    };
    let policy = Policy {
        name: raw.name,
        canary,
        stages,
        models,
        feedback,
        guardrails,
    };
    Ok((policy, ctx.warnings))
}

fn gated_stage(ctx: &Ctx<'_>, text: &Spanned<String>) -> Result<Stage, PolicyError> {
    let expected = "one of candidate, canary, production, deprecated";
    let stage: Stage = text.get_ref().parse().map_err(|_| {
        ctx.err(
            text.span(),
            PolicyErrorKind::UnknownStage,
            format!("stage {:?}", text.get_ref()),
            expected,
        )
    })?;
    if !super::GATED_STAGES.contains(&stage) {
        return Err(ctx.err(
            text.span(),
            PolicyErrorKind::UnknownStage,
            format!("stage {:?} is not a promotion target", text.get_ref()),
            expected,
        ));
    }
    Ok(stage)
}

fn canary_rules(
    ctx: &Ctx<'_>,
    rc: RawCanary,
    catalogue: &Catalogue,
) -> Result<CanaryRules, PolicyError> {
    let share = *rc.traffic_share_below_percent.get_ref();
    if !(share > 0.0 && share <= 100.0) {
        return Err(ctx.err(
            rc.traffic_share_below_percent.span(),
            PolicyErrorKind::InvalidValue,
            format!("traffic share {share}"),
            "a percentage above 0 and at most 100 (the seed: 5)",
        ));
    }
    let mut kpis = Vec::new();
    for k in rc.kpis {
        let def = known_metric(ctx, &k, catalogue)?;
        if def.direction == Direction::None {
            return Err(ctx.err(
                k.span(),
                PolicyErrorKind::InvalidValue,
                format!("metric {:?} has no better direction", k.get_ref()),
                "a KPI that is better higher or lower (acceptance_rate, error_rate, …)",
            ));
        }
        kpis.push(k.into_inner());
    }
    Ok(CanaryRules {
        traffic_share_below_percent: share,
        flagged_tenants_allowed: rc.flagged_tenants_allowed,
        shadow_mode_required: rc.shadow_mode_required,
        min_duration_hours: rc.min_duration_hours,
        kpis,
    })
}

fn feedback_rules(ctx: &Ctx<'_>, rf: RawFeedback) -> Result<FeedbackRules, PolicyError> {
    let max = *rf.max_tokens.get_ref();
    let max_tokens = usize::try_from(max)
        .ok()
        .filter(|m| (1..=crate::feedback::MAX_TOKENS_LIMIT).contains(m))
        .ok_or_else(|| {
            ctx.err(
                rf.max_tokens.span(),
                PolicyErrorKind::InvalidValue,
                format!("token limit {max}"),
                format!(
                    "a whole number of tokens from 1 to {}",
                    crate::feedback::MAX_TOKENS_LIMIT
                ),
            )
        })?;
    let mut patterns: Vec<ExtraPattern> = Vec::new();
    for rp in rf.patterns {
        if let Err(e) = check_slug("pattern name", rp.name.get_ref()) {
            return Err(ctx.err(
                rp.name.span(),
                PolicyErrorKind::InvalidValue,
                e.to_string(),
                "a slug: [a-z0-9][a-z0-9._-]{0,63} (the placeholder is it in capitals)",
            ));
        }
        if patterns.iter().any(|p| &p.name == rp.name.get_ref()) {
            return Err(ctx.err(
                rp.name.span(),
                PolicyErrorKind::InvalidValue,
                format!("pattern name {:?} is used twice", rp.name.get_ref()),
                "a name of its own for each pattern",
            ));
        }
        if let Err(e) = crate::feedback::compile_pattern(rp.pattern.get_ref()) {
            return Err(ctx.err(
                rp.pattern.span(),
                PolicyErrorKind::InvalidValue,
                format!("pattern {:?}: {e}", rp.pattern.get_ref()),
                "a regular expression in the Rust regex syntax that matches something",
            ));
        }
        patterns.push(ExtraPattern {
            name: rp.name.into_inner(),
            line: line_of(ctx.text, rp.pattern.span().start),
            pattern: rp.pattern.into_inner(),
        });
    }
    Ok(FeedbackRules {
        max_tokens,
        patterns,
    })
}

fn known_metric<'c>(
    ctx: &Ctx<'_>,
    name: &Spanned<String>,
    catalogue: &'c Catalogue,
) -> Result<&'c crate::eval::MetricDef, PolicyError> {
    catalogue.get(name.get_ref()).ok_or_else(|| {
        ctx.err(
            name.span(),
            PolicyErrorKind::UnknownMetric,
            format!(
                "metric {:?} is not in the metrics catalogue",
                name.get_ref()
            ),
            "a metric of assets/metrics/catalogue.json (rouge_l, latency_p99_ms, …)",
        )
    })
}

fn seed_ref(ctx: &mut Ctx<'_>, seed: &Spanned<String>) {
    if seed_rule(seed.get_ref()).is_none() {
        let message = format!(
            "seed reference {:?} names no rule of the seed outline; use one of the references \
             in docs/governance.md so the auditor's map can list it",
            seed.get_ref()
        );
        ctx.warn(seed.span(), message);
    }
}

fn stage_policy(
    ctx: &mut Ctx<'_>,
    stage: Stage,
    rs: RawStage,
    catalogue: &Catalogue,
    ids: &mut BTreeSet<String>,
) -> Result<StagePolicy, PolicyError> {
    let mut documents = Vec::new();
    for d in &rs.documents {
        documents.push(document_kind(ctx, d)?);
    }
    let mut approvals = Vec::new();
    for r in &rs.approvals {
        // The service key's role is no review role: a policy cannot ask for it.
        let role: Role = r
            .get_ref()
            .parse::<Role>()
            .ok()
            .filter(|x| Role::ALL.contains(x))
            .ok_or(())
            .map_err(|_| {
                ctx.err(
                    r.span(),
                    PolicyErrorKind::UnknownRole,
                    format!("role {:?}", r.get_ref()),
                    format!("one of {}", Role::ALL.map(Role::as_str).join(", ")),
                )
            })?;
        approvals.push(role);
    }
    let seed_or = |ctx: &mut Ctx<'_>, s: &Option<Spanned<String>>, default: &str| match s {
        Some(s) => {
            seed_ref(ctx, s);
            s.get_ref().clone()
        }
        None => default.to_string(),
    };
    let documents_seed = seed_or(ctx, &rs.documents_seed, "§2 Documentation — Docs to attach");
    let approvals_seed = seed_or(ctx, &rs.approvals_seed, "§2 Approvals — Required sign-offs");
    let mut criteria = Vec::new();
    for rc in rs.criteria {
        let span = rc.span();
        let rc = rc.into_inner();
        if let Some(s) = &rc.stage {
            return Err(ctx.err(
                s.span(),
                PolicyErrorKind::UnknownKey,
                "`stage` inside a stage's criteria".into(),
                "no `stage` key here (the table says the stage)",
            ));
        }
        criteria.push(criterion(ctx, rc, span, catalogue, ids)?);
    }
    let mut packs: Vec<String> = Vec::new();
    for p in &rs.packs {
        let name = p.get_ref();
        if check_slug("pack name", name).is_err() {
            return Err(ctx.err(
                p.span(),
                PolicyErrorKind::InvalidValue,
                format!("pack name {name:?}"),
                "a pack's name: lowercase letters, digits and dashes (eu-ai-act, iso-42001, nist-ai-rmf, or a team pack's)",
            ));
        }
        if packs.contains(name) {
            return Err(ctx.err(
                p.span(),
                PolicyErrorKind::InvalidValue,
                format!("pack {name:?} listed twice"),
                "each pack once",
            ));
        }
        if !crate::compliance::BUILTIN_PACKS
            .iter()
            .any(|(n, _)| n == name)
        {
            let message = format!(
                "pack {name:?} is not built in: the gate finds it only in a workspace that has \
                 added it (`steward pack add FILE`), and reports it missing elsewhere"
            );
            ctx.warn(p.span(), message);
        }
        packs.push(name.clone());
    }
    Ok(StagePolicy {
        stage,
        criteria,
        documents,
        documents_seed,
        approvals,
        approvals_seed,
        packs,
    })
}

fn document_kind(ctx: &Ctx<'_>, d: &Spanned<String>) -> Result<DocumentKind, PolicyError> {
    d.get_ref().parse().map_err(|_| {
        ctx.err(
            d.span(),
            PolicyErrorKind::UnknownDocument,
            format!("document kind {:?}", d.get_ref()),
            format!(
                "one of {}",
                DocumentKind::ALL.map(DocumentKind::as_str).join(", ")
            ),
        )
    })
}

fn run_kind(ctx: &Ctx<'_>, r: &Option<Spanned<String>>) -> Result<Option<EvalKind>, PolicyError> {
    let Some(r) = r else { return Ok(None) };
    let canonical = EvalKind::ALL
        .into_iter()
        .find(|k| k.as_str() == r.get_ref().as_str());
    canonical.map(Some).ok_or_else(|| {
        ctx.err(
            r.span(),
            PolicyErrorKind::InvalidValue,
            format!("run kind {:?}", r.get_ref()),
            format!("one of {}", EvalKind::ALL.map(EvalKind::as_str).join(", ")),
        )
    })
}

fn criterion(
    ctx: &mut Ctx<'_>,
    rc: RawCriterion,
    span: Range<usize>,
    catalogue: &Catalogue,
    ids: &mut BTreeSet<String>,
) -> Result<Criterion, PolicyError> {
    let id = rc.id.get_ref().clone();
    let id_ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if !id_ok {
        return Err(ctx.err(
            rc.id.span(),
            PolicyErrorKind::InvalidValue,
            format!("id {id:?}"),
            "lowercase letters, digits, '.', '_' or '-' (production.quality.rouge-l)",
        ));
    }
    if !ids.insert(id.clone()) {
        return Err(ctx.err(
            rc.id.span(),
            PolicyErrorKind::DuplicateId,
            format!("id {id:?} is used twice"),
            "a unique id per criterion",
        ));
    }
    let category = Category::parse(rc.category.get_ref()).ok_or_else(|| {
        ctx.err(
            rc.category.span(),
            PolicyErrorKind::InvalidValue,
            format!("category {:?}", rc.category.get_ref()),
            format!("one of {}", Category::ALL.map(Category::as_str).join(", ")),
        )
    })?;
    seed_ref(ctx, &rc.seed);
    let checklist = match &rc.checklist {
        Some(n) if !(1..=10).contains(n.get_ref()) => {
            return Err(ctx.err(
                n.span(),
                PolicyErrorKind::InvalidValue,
                format!("checklist item {}", n.get_ref()),
                "an item of the seed's §5 checklist, 1 to 10",
            ))
        }
        Some(n) => Some(*n.get_ref()),
        None => None,
    };
    let run_kind = run_kind(ctx, &rc.run_kind)?;
    let comparator_text = rc.comparator.as_ref().map(|c| c.get_ref().as_str());
    let comparator_span = rc.comparator.as_ref().map_or(span.clone(), |c| c.span());
    let number = |ctx: &Ctx<'_>, v: Option<f64>, key: &str| {
        v.ok_or_else(|| {
            ctx.err(
                comparator_span.clone(),
                PolicyErrorKind::MissingKey,
                format!(
                    "comparator {:?} without `{key}`",
                    comparator_text.unwrap_or("")
                ),
                format!("{key} = <number>"),
            )
        })
    };
    let (reads, comparator) = match (&rc.metric, &rc.evidence) {
        (Some(_), Some(e)) => {
            return Err(ctx.err(
                e.span(),
                PolicyErrorKind::InvalidValue,
                "both `metric` and `evidence`".into(),
                "one of them",
            ))
        }
        (Some(m), None) => {
            let def = known_metric(ctx, m, catalogue)?;
            let comparator = match comparator_text {
                Some(">=") => Comparator::AtLeast(number(ctx, rc.threshold, "threshold")?),
                Some("<=") => Comparator::AtMost(number(ctx, rc.threshold, "threshold")?),
                Some("beats-production-by") => {
                    Comparator::BeatsProductionBy(number(ctx, rc.margin, "margin")?)
                }
                Some("not-worse-than-production") => Comparator::NotWorseThanProduction,
                Some("within-tolerance") => {
                    let tolerance = Tolerance {
                        max_difference: number(ctx, rc.max_difference, "max_difference")?,
                        min_ratio: number(ctx, rc.min_ratio, "min_ratio")?,
                    };
                    let sane = tolerance.max_difference >= 0.0
                        && tolerance.min_ratio > 0.0
                        && tolerance.min_ratio <= 1.0;
                    if !sane {
                        return Err(ctx.err(
                            comparator_span,
                            PolicyErrorKind::InvalidValue,
                            format!(
                                "tolerance max_difference {} min_ratio {}",
                                tolerance.max_difference, tolerance.min_ratio
                            ),
                            "max_difference ≥ 0 and 0 < min_ratio ≤ 1 (the four-fifths rule: 0.8)",
                        ));
                    }
                    Comparator::WithinTolerance(tolerance)
                }
                other => {
                    return Err(ctx.err(
                        comparator_span,
                        if other.is_none() {
                            PolicyErrorKind::MissingKey
                        } else {
                            PolicyErrorKind::InvalidValue
                        },
                        format!("comparator {:?} for a metric", other.unwrap_or("")),
                        "one of >=, <=, beats-production-by, not-worse-than-production, \
                         within-tolerance",
                    ))
                }
            };
            let against_production = matches!(
                comparator,
                Comparator::BeatsProductionBy(_) | Comparator::NotWorseThanProduction
            );
            if against_production && def.direction == Direction::None {
                return Err(ctx.err(
                    m.span(),
                    PolicyErrorKind::InvalidValue,
                    format!("metric {:?} has no better direction", m.get_ref()),
                    "a metric that is better higher or lower, to compare with production",
                ));
            }
            if let Some(kind) = run_kind {
                if !producing_kinds(m.get_ref()).contains(&kind) {
                    let producers = producing_kinds(m.get_ref()).iter().map(|k| k.as_str());
                    ctx.warn(
                        m.span(),
                        format!(
                            "no {kind} run measures {:?} (it comes from {}); this criterion \
                             can never pass",
                            m.get_ref(),
                            producers.collect::<Vec<_>>().join(", ")
                        ),
                    );
                }
            }
            (
                Reads::Metric {
                    name: m.get_ref().clone(),
                    run_kind,
                },
                comparator,
            )
        }
        (None, Some(e)) => {
            let kind = EvidenceKind::parse(e.get_ref()).ok_or_else(|| {
                ctx.err(
                    e.span(),
                    PolicyErrorKind::InvalidValue,
                    format!("evidence kind {:?}", e.get_ref()),
                    format!(
                        "one of {}",
                        EvidenceKind::ALL.map(EvidenceKind::as_str).join(", ")
                    ),
                )
            })?;
            if let Some(c) = comparator_text.filter(|c| *c != "present") {
                return Err(ctx.err(
                    comparator_span,
                    PolicyErrorKind::InvalidValue,
                    format!("comparator {c:?} for evidence {:?}", e.get_ref()),
                    "\"present\" (or no comparator) for evidence",
                ));
            }
            let stray = [
                (
                    "run_kind",
                    rc.run_kind.as_ref(),
                    kind != EvidenceKind::EvalRun,
                ),
                (
                    "document",
                    rc.document.as_ref(),
                    !matches!(kind, EvidenceKind::Document | EvidenceKind::Declaration),
                ),
            ];
            if let Some((key, Some(v), _)) = stray.iter().find(|(_, v, bad)| v.is_some() && *bad) {
                return Err(ctx.err(
                    v.span(),
                    PolicyErrorKind::UnknownKey,
                    format!("`{key}` for evidence {:?}", e.get_ref()),
                    format!("no `{key}` here: it is read only by the evidence kinds that use it"),
                ));
            }
            let document = match &rc.document {
                Some(d) => Some(document_kind(ctx, d)?),
                None => None,
            };
            let needs_document = matches!(kind, EvidenceKind::Document | EvidenceKind::Declaration);
            if needs_document && document.is_none() {
                return Err(ctx.err(
                    e.span(),
                    PolicyErrorKind::MissingKey,
                    format!("evidence {:?} without `document`", e.get_ref()),
                    "document = \"model-card\" (or another document kind)",
                ));
            }
            if kind == EvidenceKind::EvalRun && run_kind.is_none() {
                return Err(ctx.err(
                    e.span(),
                    PolicyErrorKind::MissingKey,
                    "evidence \"eval-run\" without `run_kind`".into(),
                    "run_kind = \"golden-set\" (or another evaluation kind)",
                ));
            }
            let field = match (kind, &rc.field, document) {
                (EvidenceKind::Declaration, Some(f), Some(doc)) => {
                    let template = builtin_template(doc);
                    if !template.declares(f.get_ref()) {
                        ctx.warn(
                            f.span(),
                            format!(
                                "the {doc} template does not declare the field {:?}, so \
                                 authors are not asked for it; add it to \
                                 assets/templates/{doc}.md or this criterion stays missing",
                                f.get_ref()
                            ),
                        );
                    }
                    Some(f.get_ref().clone())
                }
                (EvidenceKind::Declaration, None, _) => {
                    return Err(ctx.err(
                        e.span(),
                        PolicyErrorKind::MissingKey,
                        "evidence \"declaration\" without `field`".into(),
                        "field = \"<front-matter field of the document>\"",
                    ))
                }
                (_, Some(f), _) => {
                    return Err(ctx.err(
                        f.span(),
                        PolicyErrorKind::UnknownKey,
                        format!("`field` for evidence {:?}", e.get_ref()),
                        "`field` only with evidence = \"declaration\"",
                    ))
                }
                _ => None,
            };
            (
                Reads::Evidence {
                    kind,
                    run_kind,
                    document,
                    field,
                },
                Comparator::Present,
            )
        }
        (None, None) => {
            return Err(ctx.err(
                rc.id.span(),
                PolicyErrorKind::MissingKey,
                format!("criterion {id:?} reads nothing"),
                "metric = \"<catalogue metric>\" or evidence = \"<evidence kind>\"",
            ))
        }
    };
    Ok(Criterion {
        id,
        category,
        seed: rc.seed.into_inner(),
        checklist,
        reads,
        comparator,
        line: line_of(ctx.text, span.start),
    })
}
