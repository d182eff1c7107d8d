//! Online guardrails (seed §3, issue 12): rules over online windows per stage, checked
//! canary against production, and what to do about a breach.
//!
//! A window file holds one value per (window start, version, metric). [`check_windows`]
//! refuses what cannot be trusted — an unknown metric, a value that is not a finite
//! non-negative number, a version that is neither the canary nor production, the same window
//! twice, a gap in a series — naming the line and the value. [`evaluate`] runs each
//! [`GuardrailRule`] over the checked windows: a canary rule reads the canary's series against
//! an absolute bound and/or a margin against production's value in the same window; a
//! production rule reads production's series against an absolute bound. A rule breaches once
//! its bound is crossed in `windows` consecutive windows. [`decide`] picks the one action the
//! breaches call for (rollback over a traffic reduction over a recommendation).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::eval::Direction;
use crate::policy::{PolicyError, PolicyErrorKind};
use crate::stage::Stage;
use crate::toml_text::line_of;
use crate::version::Version;

/// The metrics a guardrail can watch, with which way is better and the seed's group.
pub const GUARDRAIL_METRICS: &[(&str, Direction, &str)] = &[
    ("latency_p50_ms", Direction::Lower, "latency"),
    ("latency_p95_ms", Direction::Lower, "latency"),
    ("latency_p99_ms", Direction::Lower, "latency"),
    ("timeout_rate", Direction::Lower, "reliability"),
    ("error_rate", Direction::Lower, "reliability"),
    ("saturation", Direction::Lower, "capacity"),
    ("tokens_per_request", Direction::Lower, "cost"),
    ("cost_per_request_usd", Direction::Lower, "cost"),
    ("block_rate", Direction::Lower, "safety"),
    ("escalation_rate", Direction::Lower, "safety"),
    ("pii_hits", Direction::Lower, "safety"),
    ("acceptance_rate", Direction::Higher, "quality"),
    ("assist_rate", Direction::Higher, "quality"),
    ("task_success_rate", Direction::Higher, "quality"),
    ("thumbs_up_ratio", Direction::Higher, "quality"),
    ("override_rate", Direction::Lower, "quality"),
    ("drift_psi", Direction::Lower, "drift"),
    ("intent_mix_psi", Direction::Lower, "drift"),
];

/// The longest name of a sub-metric (the part after `:`).
pub const MAX_SUB_METRIC: usize = 64;

/// Splits `metric` into its guardrail metric and its sub-metric: `drift_psi:age` is
/// (`drift_psi`, Some(`age`)), `error_rate` is (`error_rate`, None). A sub-metric names one
/// series of a metric (a feature's PSI, an intent's share, a region's latency): a slug of
/// lowercase letters, digits, `.`, `_` and `-`, up to [`MAX_SUB_METRIC`] characters. None
/// when the metric is not a guardrail metric or the sub-metric is not such a slug.
pub fn split_metric(metric: &str) -> Option<(&str, Option<&str>)> {
    let (base, sub) = match metric.split_once(':') {
        Some((b, s)) => (b, Some(s)),
        None => (metric, None),
    };
    let known = GUARDRAIL_METRICS.iter().any(|(m, _, _)| *m == base);
    let sub_ok = sub.is_none_or(|s| {
        !s.is_empty()
            && s.len() <= MAX_SUB_METRIC
            && s.bytes()
                .next()
                .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
    });
    (known && sub_ok).then_some((base, sub))
}

/// Which way is better for a guardrail metric or one of its sub-metrics, if it is one.
pub fn metric_direction(metric: &str) -> Option<Direction> {
    let (base, _) = split_metric(metric)?;
    GUARDRAIL_METRICS
        .iter()
        .find(|(m, _, _)| *m == base)
        .map(|(_, d, _)| *d)
}

/// Whether a rule on `rule_metric` watches the series `series`: the series itself, or, for a
/// rule naming a metric without a sub-metric, every sub-metric of it (`drift_psi` watches
/// `drift_psi:age` and `drift_psi:tenure`).
pub fn watches(rule_metric: &str, series: &str) -> bool {
    series == rule_metric
        || (!rule_metric.contains(':')
            && series
                .strip_prefix(rule_metric)
                .is_some_and(|rest| rest.starts_with(':')))
}

/// The words for what a metric may be, in refusals.
fn metric_choices() -> String {
    format!(
        "one of {}, optionally with a sub-metric after `:` (drift_psi:age, a slug of up to {MAX_SUB_METRIC} characters)",
        GUARDRAIL_METRICS
            .iter()
            .map(|m| m.0)
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// What a breach calls for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum GuardAction {
    /// Tell people; change nothing.
    Recommend,
    /// Cut the canary's share of traffic to `to_percent`.
    ReduceTraffic {
        /// Percent.
        to_percent: f64,
    },
    /// Roll production back to its rollback target.
    Rollback,
}

impl GuardAction {
    fn rank(&self) -> u8 {
        match self {
            GuardAction::Recommend => 0,
            GuardAction::ReduceTraffic { .. } => 1,
            GuardAction::Rollback => 2,
        }
    }
}

impl fmt::Display for GuardAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GuardAction::Recommend => f.write_str("recommend"),
            GuardAction::ReduceTraffic { to_percent } => {
                write!(f, "reduce canary traffic to {to_percent}%")
            }
            GuardAction::Rollback => f.write_str("roll production back"),
        }
    }
}

/// One guardrail of the policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuardrailRule {
    /// Unique id (`canary.guardrail.latency-p99`).
    pub id: String,
    /// The stage whose windows it watches: canary or production.
    pub stage: Stage,
    /// The metric.
    pub metric: String,
    /// Which way is better.
    pub direction: Direction,
    /// Breach above this value.
    pub max: Option<f64>,
    /// Breach below this value.
    pub min: Option<f64>,
    /// Canary rules only: breach when the canary is worse than production in the same window
    /// by more than this fraction of production's value (0.1 = 10%).
    pub worse_than_production_by: Option<f64>,
    /// Consecutive breaching windows before the rule breaches.
    pub windows: u32,
    /// What a breach calls for.
    pub action: GuardAction,
    /// The seed rule it implements.
    pub seed: String,
}

/// The `[guardrails]` section as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGuardrails {
    #[serde(default)]
    canary: Vec<Spanned<RawGuardrail>>,
    #[serde(default)]
    production: Vec<Spanned<RawGuardrail>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGuardrail {
    id: Spanned<String>,
    metric: Spanned<String>,
    #[serde(default)]
    seed: Option<String>,
    max: Option<Spanned<f64>>,
    min: Option<Spanned<f64>>,
    worse_than_production_by: Option<Spanned<f64>>,
    windows: Option<Spanned<i64>>,
    action: Spanned<String>,
    reduce_to_percent: Option<Spanned<f64>>,
}

/// Validates the `[guardrails]` section; `share_limit` is the policy's canary share bound
/// (a reduction must go under it).
pub fn parse_rules(
    text: &str,
    raw: RawGuardrails,
    share_limit: f64,
) -> Result<Vec<GuardrailRule>, PolicyError> {
    let mut out = Vec::new();
    let mut ids = BTreeSet::new();
    for (stage, list) in [
        (Stage::Canary, raw.canary),
        (Stage::Production, raw.production),
    ] {
        for (i, r) in list.into_iter().enumerate() {
            let span = r.span();
            let r = r.into_inner();
            let at = |s: std::ops::Range<usize>| line_of(text, s.start);
            let key = |f: &str| format!("guardrails.{stage}[{i}].{f}");
            let err = |line: usize, f: &str, kind, detail: String, expected: &str| PolicyError {
                line,
                key: key(f),
                kind,
                detail,
                expected: expected.to_string(),
            };
            let id = r.id.get_ref().trim().to_string();
            if id.is_empty() || !ids.insert(id.clone()) {
                return Err(err(
                    at(r.id.span()),
                    "id",
                    PolicyErrorKind::DuplicateId,
                    format!("id {id:?}"),
                    "a non-empty id no other guardrail has",
                ));
            }
            let metric = r.metric.get_ref().clone();
            let Some(direction) = metric_direction(&metric) else {
                return Err(err(
                    at(r.metric.span()),
                    "metric",
                    PolicyErrorKind::UnknownMetric,
                    format!("metric {metric:?}"),
                    &metric_choices(),
                ));
            };
            let finite = |v: &Option<Spanned<f64>>, f: &str| -> Result<Option<f64>, PolicyError> {
                match v {
                    Some(s) if !s.get_ref().is_finite() || *s.get_ref() < 0.0 => Err(err(
                        at(s.span()),
                        f,
                        PolicyErrorKind::InvalidValue,
                        format!("{f} = {}", s.get_ref()),
                        "a finite number, 0 or more",
                    )),
                    Some(s) => Ok(Some(*s.get_ref())),
                    None => Ok(None),
                }
            };
            let max = finite(&r.max, "max")?;
            let min = finite(&r.min, "min")?;
            let margin = finite(&r.worse_than_production_by, "worse_than_production_by")?;
            if margin.is_some() && stage == Stage::Production {
                return Err(err(
                    at(span.clone()),
                    "worse_than_production_by",
                    PolicyErrorKind::InvalidValue,
                    "a margin against production on a production guardrail".into(),
                    "max or min on production guardrails (the margin is for canaries)",
                ));
            }
            if max.is_none() && min.is_none() && margin.is_none() {
                return Err(err(
                    at(span.clone()),
                    "max",
                    PolicyErrorKind::MissingKey,
                    "a guardrail with no bound".into(),
                    "max, min or worse_than_production_by",
                ));
            }
            let windows = match &r.windows {
                None => 1,
                Some(w) => match u32::try_from(*w.get_ref()) {
                    Ok(n) if (1..=10_000).contains(&n) => n,
                    _ => {
                        return Err(err(
                            at(w.span()),
                            "windows",
                            PolicyErrorKind::InvalidValue,
                            format!("windows = {}", w.get_ref()),
                            "a whole number of consecutive windows from 1 to 10000",
                        ))
                    }
                },
            };
            let action = match (r.action.get_ref().as_str(), stage, &r.reduce_to_percent) {
                ("recommend", _, None) => GuardAction::Recommend,
                ("reduce-traffic", Stage::Canary, Some(p)) => {
                    let v = *p.get_ref();
                    if !v.is_finite() || v < 0.0 || v >= share_limit {
                        return Err(err(
                            at(p.span()),
                            "reduce_to_percent",
                            PolicyErrorKind::InvalidValue,
                            format!("reduce_to_percent = {v}"),
                            &format!("a percent from 0 up to the canary bound {share_limit}"),
                        ));
                    }
                    GuardAction::ReduceTraffic { to_percent: v }
                }
                ("reduce-traffic", Stage::Canary, None) => {
                    return Err(err(
                        at(r.action.span()),
                        "reduce_to_percent",
                        PolicyErrorKind::MissingKey,
                        "reduce-traffic without reduce_to_percent".into(),
                        "reduce_to_percent = PERCENT",
                    ))
                }
                ("rollback", Stage::Production, None) => GuardAction::Rollback,
                (a, _, Some(p)) if a != "reduce-traffic" => {
                    return Err(err(
                        at(p.span()),
                        "reduce_to_percent",
                        PolicyErrorKind::InvalidValue,
                        format!("reduce_to_percent with action {a:?}"),
                        "reduce_to_percent only with action = \"reduce-traffic\"",
                    ))
                }
                (a, s, _) => {
                    return Err(err(
                        at(r.action.span()),
                        "action",
                        PolicyErrorKind::InvalidValue,
                        format!("action {a:?} on a {s} guardrail"),
                        if s == Stage::Canary {
                            "\"recommend\" or \"reduce-traffic\" (a canary is cut, production is rolled back)"
                        } else {
                            "\"recommend\" or \"rollback\""
                        },
                    ))
                }
            };
            out.push(GuardrailRule {
                id,
                stage,
                metric,
                direction,
                max,
                min,
                worse_than_production_by: margin,
                windows,
                action,
                seed: r.seed.unwrap_or_else(|| "§3 Online monitoring".into()),
            });
        }
    }
    Ok(out)
}

/// What a rule watches and does, in words (the auditor's map prints it).
pub fn describe(rule: &GuardrailRule) -> String {
    let arm = if rule.stage == Stage::Canary {
        "the canary's"
    } else {
        "production's"
    };
    let mut bounds = Vec::new();
    if let Some(m) = rule.max {
        bounds.push(format!("above {m}"));
    }
    if let Some(m) = rule.min {
        bounds.push(format!("below {m}"));
    }
    if let Some(m) = rule.worse_than_production_by {
        bounds.push(format!(
            "worse than production's same window by more than {}%",
            m * 100.0
        ));
    }
    format!(
        "online windows (`steward monitor import`): {arm} `{}` {} in {} consecutive window(s) → {}",
        rule.metric,
        bounds.join(" or "),
        rule.windows,
        rule.action
    )
}

/// Which arm of the dial a window's version is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Arm {
    /// The canary version.
    Canary,
    /// The production version.
    Production,
}

/// One row of a window file, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowRow {
    /// 1-based line in the file.
    pub line: u64,
    /// Window start, seconds since the epoch.
    pub at: i64,
    /// The version the value is for.
    pub version: Version,
    /// The metric, shared between the rows that name it (a reader interns it, so a row costs
    /// no allocation).
    pub metric: Arc<str>,
    /// The value.
    pub value: f64,
}

/// Why a window file is refused: the line and what is wrong with its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct WindowError {
    /// 1-based line.
    pub line: u64,
    /// What is wrong, naming the value.
    pub message: String,
}

/// Windows that passed [`check_windows`], by arm and metric, in time order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Windows {
    /// The window length, seconds (0 when every series has one point).
    pub step_s: i64,
    /// The earliest window start.
    pub first: i64,
    /// The latest window start.
    pub last: i64,
    /// Rows read.
    pub rows: u64,
    /// (arm, metric) → (window start, value), ascending.
    pub series: BTreeMap<(Arm, String), Vec<(i64, f64)>>,
}

/// Checks a window file's rows (in file order) for the model whose canary and production
/// versions are given. A row's own faults (metric, value, version) are reported in file
/// order as the rows stream; then the first duplicate window in file order; then gaps.
/// One pass over the rows; each distinct metric is checked once.
pub fn check_windows(
    rows: impl IntoIterator<Item = WindowRow>,
    canary: Option<Version>,
    production: Option<Version>,
) -> Result<Windows, WindowError> {
    // Series by metric index × arm (canary 0, production 1): (at, value, line).
    let mut metrics: Vec<Arc<str>> = Vec::new();
    let mut metric_ix: HashMap<Arc<str>, usize> = HashMap::new();
    let mut series: Vec<Vec<(i64, f64, u64)>> = Vec::new();
    let mut last: Option<(Arc<str>, usize)> = None;
    let mut out = Windows {
        first: i64::MAX,
        last: i64::MIN,
        ..Windows::default()
    };
    for r in rows {
        out.rows += 1;
        let fail = |message: String| WindowError {
            line: r.line,
            message,
        };
        let m = match &last {
            Some((name, m)) if Arc::ptr_eq(name, &r.metric) || **name == *r.metric => *m,
            _ => {
                let m = match metric_ix.get(&r.metric) {
                    Some(m) => *m,
                    None => {
                        if metric_direction(&r.metric).is_none() {
                            return Err(fail(format!(
                                "unknown metric {:?}: a window names {}",
                                r.metric,
                                metric_choices()
                            )));
                        }
                        metrics.push(r.metric.clone());
                        series.push(Vec::new());
                        series.push(Vec::new());
                        metric_ix.insert(r.metric.clone(), metrics.len() - 1);
                        metrics.len() - 1
                    }
                };
                last = Some((r.metric.clone(), m));
                m
            }
        };
        if !r.value.is_finite() {
            return Err(fail(format!(
                "{} = {} is not a measurement: give a finite number",
                r.metric, r.value
            )));
        }
        if r.value < 0.0 {
            return Err(fail(format!(
                "{} = {} is negative: a {} cannot be below 0",
                r.metric,
                r.value,
                if r.metric.starts_with("latency") {
                    "latency"
                } else {
                    "rate, count or cost"
                }
            )));
        }
        let arm = if Some(r.version) == canary {
            0
        } else if Some(r.version) == production {
            1
        } else {
            return Err(fail(format!(
                "version {} is neither the canary ({}) nor production ({}): windows are for the versions serving now",
                r.version,
                canary.map_or("none".into(), |v| v.to_string()),
                production.map_or("none".into(), |v| v.to_string())
            )));
        };
        series[m * 2 + arm].push((r.at, r.value, r.line));
        out.first = out.first.min(r.at);
        out.last = out.last.max(r.at);
    }
    if out.rows == 0 {
        return Err(WindowError {
            line: 1,
            message: "the file has no windows".into(),
        });
    }
    let arm_of = |i: usize| {
        if i.is_multiple_of(2) {
            Arm::Canary
        } else {
            Arm::Production
        }
    };
    let version_of = |i: usize| {
        if i.is_multiple_of(2) {
            canary
        } else {
            production
        }
        .map_or("none".into(), |v| v.to_string())
    };
    // Duplicates: equal starts sit side by side once a series is in time order; the one
    // reported is the repeat that comes first in the file.
    let mut duplicate: Option<(u64, u64, usize, i64)> = None;
    for (i, s) in series.iter_mut().enumerate() {
        s.sort_unstable_by_key(|p| (p.0, p.2));
        for w in s.windows(2) {
            if w[0].0 == w[1].0 && duplicate.is_none_or(|d| w[1].2 < d.0) {
                duplicate = Some((w[1].2, w[0].2, i, w[0].0));
            }
        }
    }
    if let Some((line, first, i, at)) = duplicate {
        return Err(WindowError {
            line,
            message: format!(
                "duplicate window: {} of {} at {} is already on line {first}",
                metrics[i / 2],
                version_of(i),
                crate::gate::time::format_rfc3339(at)
            ),
        });
    }
    let step = series
        .iter()
        .flat_map(|s| s.windows(2).map(|w| w[1].0 - w[0].0))
        .min()
        .unwrap_or(0);
    out.step_s = step;
    for (i, s) in series.iter().enumerate() {
        for w in s.windows(2) {
            if w[1].0 - w[0].0 != step {
                return Err(WindowError {
                    line: w[1].2,
                    message: format!(
                        "a gap in {} of the {} windows: {} follows {} but windows are every {step} s",
                        metrics[i / 2],
                        match arm_of(i) {
                            Arm::Canary => "canary",
                            Arm::Production => "production",
                        },
                        crate::gate::time::format_rfc3339(w[1].0),
                        crate::gate::time::format_rfc3339(w[0].0),
                    ),
                });
            }
        }
    }
    out.series = series
        .into_iter()
        .enumerate()
        .filter(|(_, s)| !s.is_empty())
        .map(|(i, s)| {
            (
                (arm_of(i), metrics[i / 2].to_string()),
                s.into_iter().map(|(t, v, _)| (t, v)).collect(),
            )
        })
        .collect();
    Ok(out)
}

/// A rule that breached, with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Breach {
    /// The rule.
    pub rule: String,
    /// The stage it watches.
    pub stage: Stage,
    /// The metric.
    pub metric: String,
    /// The window where the rule breached (its `windows`-th consecutive bad window).
    pub at: i64,
    /// The watched arm's value there.
    pub observed: f64,
    /// Production's value in the same window (canary rules).
    pub production: Option<f64>,
    /// What was crossed, as text (`> 2000`, `worse than production 1800 by more than 10%`).
    pub bound: String,
    /// Consecutive bad windows up to `at`.
    pub consecutive: u32,
    /// Bad windows in the whole file.
    pub bad_windows: u32,
    /// What the rule calls for.
    pub action: GuardAction,
}

/// Whether `v` crosses the rule's bounds (given production's `p`); the bound crossed as text.
fn crossed(rule: &GuardrailRule, v: f64, p: Option<f64>) -> Option<String> {
    if let Some(max) = rule.max {
        if v > max {
            return Some(format!("above the maximum {max}"));
        }
    }
    if let Some(min) = rule.min {
        if v < min {
            return Some(format!("below the minimum {min}"));
        }
    }
    if let (Some(margin), Some(p)) = (rule.worse_than_production_by, p) {
        let worse = match rule.direction {
            Direction::Higher => v < p * (1.0 - margin),
            _ => v > p * (1.0 + margin),
        };
        if worse {
            return Some(format!(
                "worse than production ({p}) by more than {}%",
                margin * 100.0
            ));
        }
    }
    None
}

/// Stored windows from earlier imports, just before a file's first window, per (arm,
/// metric), ascending: where a run of bad windows that began in an earlier file continues.
pub type History = BTreeMap<(Arm, String), Vec<(i64, f64)>>;

/// How many stored windows before a file the rules read for the series `metric` (a metric
/// or a sub-metric): for a rule watching it that asks for `windows` in a row, the
/// `windows - 1` a run can carry over and one more to learn the stored windows' spacing; 0
/// when every rule on it breaches on one window.
pub fn history_needed(rules: &[GuardrailRule], metric: &str) -> u32 {
    rules
        .iter()
        .filter(|r| r.windows > 1 && watches(&r.metric, metric))
        .map(|r| r.windows)
        .max()
        .unwrap_or(0)
}

/// Runs every rule over the windows: one breach per rule at most (the first window where it
/// reached its consecutive count; for a rule watching several sub-metrics, the earliest of
/// theirs, with the bad windows of all of them), in rule order. [`evaluate_after`] with no
/// history.
pub fn evaluate(rules: &[GuardrailRule], w: &Windows) -> Vec<Breach> {
    evaluate_after(rules, w, &History::new())
}

/// [`evaluate`] of a file's windows after the stored `history`: a run of bad windows counts
/// from the history on, so hourly files of one window each breach a rule that asks for two in
/// a row. Only a window of the file can breach (the history's breaches were reported when it
/// was imported), and `bad_windows` counts the file's. The window length is the file's, or,
/// for a file of one window per series, the shortest interval between the stored windows and
/// the file's (the rule a file's own windows follow); a run breaks at any other spacing (a gap
/// between files). Each series is read once per rule, beside production's series of the same
/// metric in step (both in time order).
pub fn evaluate_after(rules: &[GuardrailRule], w: &Windows, history: &History) -> Vec<Breach> {
    let mut out = Vec::new();
    let empty: Vec<(i64, f64)> = Vec::new();
    for rule in rules {
        let arm = match rule.stage {
            Stage::Canary => Arm::Canary,
            _ => Arm::Production,
        };
        let keep = usize::try_from(rule.windows.saturating_sub(1)).unwrap_or(usize::MAX);
        let mut first: Option<Breach> = None;
        let mut bad = 0u32;
        for ((a, metric), series) in &w.series {
            if *a != arm || !watches(&rule.metric, metric) {
                continue;
            }
            let key = (arm, metric.clone());
            let stored = history.get(&key).unwrap_or(&empty);
            let before = &stored[stored.len().saturating_sub(keep)..];
            // Production's windows of the same metric, stored then in the file, in time order.
            let production: Vec<(i64, f64)> = if arm == Arm::Canary {
                let p = (Arm::Production, metric.clone());
                history
                    .get(&p)
                    .into_iter()
                    .chain(w.series.get(&p))
                    .flat_map(|s| s.iter().copied())
                    .collect()
            } else {
                Vec::new()
            };
            // The window length: the file's, or for a one-window file the shortest interval
            // between the stored windows and the file's, as inside a file.
            let step = if w.step_s > 0 {
                w.step_s
            } else {
                let times: Vec<i64> = stored.iter().chain(series.first()).map(|p| p.0).collect();
                times
                    .windows(2)
                    .map(|p| p[1] - p[0])
                    .filter(|d| *d > 0)
                    .min()
                    .unwrap_or(0)
            };
            let mut p_at = 0usize;
            let mut run = 0u32;
            let mut prev: Option<i64> = None;
            let points = before
                .iter()
                .map(|p| (false, p))
                .chain(series.iter().map(|p| (true, p)));
            for (in_file, &(t, v)) in points {
                // A missing window between two points breaks a run (check_windows refuses gaps
                // inside a file; between files, or in hand-built windows, they can happen).
                if prev.is_some_and(|p| step == 0 || t - p != step) {
                    run = 0;
                }
                prev = Some(t);
                while p_at < production.len() && production[p_at].0 < t {
                    p_at += 1;
                }
                let p = production
                    .get(p_at)
                    .filter(|(pt, _)| *pt == t)
                    .map(|(_, pv)| *pv);
                match crossed(rule, v, p) {
                    Some(bound) => {
                        run += 1;
                        if !in_file {
                            continue;
                        }
                        bad += 1;
                        if run >= rule.windows && first.as_ref().is_none_or(|f| t < f.at) {
                            first = Some(Breach {
                                rule: rule.id.clone(),
                                stage: rule.stage,
                                metric: metric.clone(),
                                at: t,
                                observed: v,
                                production: p,
                                bound,
                                consecutive: run,
                                bad_windows: 0,
                                action: rule.action,
                            });
                        }
                    }
                    None => run = 0,
                }
            }
        }
        if let Some(mut b) = first {
            b.bad_windows = bad;
            out.push(b);
        }
    }
    out
}

/// The one action the breaches call for: a rollback over a traffic reduction (the lowest
/// share asked for) over a recommendation; None without breaches.
pub fn decide(breaches: &[Breach]) -> Option<GuardAction> {
    breaches
        .iter()
        .map(|b| b.action)
        .reduce(|a, b| match (a, b) {
            (
                GuardAction::ReduceTraffic { to_percent: x },
                GuardAction::ReduceTraffic { to_percent: y },
            ) => GuardAction::ReduceTraffic {
                to_percent: x.min(y),
            },
            _ if b.rank() > a.rank() => b,
            _ => a,
        })
}

mod marks;
pub use marks::{relative_bound, window_marks, WindowMark};

#[cfg(test)]
mod tests;
