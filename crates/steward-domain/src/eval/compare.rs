//! Candidate vs production, metric by metric.
//!
//! A version's evidence is first reduced to one value per metric ([`summarize`]): the latest
//! run that measured a metric wins, whatever its kind; within a run, latency samples become
//! p50/p95/p99, request, error, timeout, cost and safety counts become rates, and KPI series
//! become their mean. [`compare`] then lines
//! two summaries up with the catalogue's direction, threshold and margin.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ops::{percentile, rate_per, Percentiles};
use super::{is_baseline_variant, Catalogue, Direction, EvalRow};

/// One metric's value for a version, with its interval and count when known.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MetricValue {
    /// The value.
    pub value: f64,
    /// Confidence interval, when given.
    pub ci: Option<(f64, f64)>,
    /// Count behind it, when given.
    pub n: Option<u64>,
}

impl MetricValue {
    fn of(v: f64) -> MetricValue {
        MetricValue {
            value: v,
            ci: None,
            n: None,
        }
    }
}

/// Reduces a version's runs (oldest first, each run's rows in file order) to one value per
/// metric.
///
/// One rule for every kind of metric: **the latest run that measured a metric wins**, and
/// nothing is pooled across runs. Within a run, a scalar's last whole-population row wins;
/// `latency_ms` samples become `latency_p50_ms`/`_p95_ms`/`_p99_ms` (percentiles the run gave
/// itself win over its samples); a KPI series (rows with a timestamp) becomes its mean; and
/// counts become rates (`errors`/`requests` → `error_rate`, `cost_usd` → `cost_per_1k_usd`, …)
/// unless the run gave the rate itself. So a second load test replaces the first one's
/// percentiles instead of mixing old and new samples into its p99.
pub fn summarize<'a>(
    runs: impl IntoIterator<Item = &'a [EvalRow]>,
) -> BTreeMap<String, MetricValue> {
    let mut out = BTreeMap::new();
    for run in runs {
        out.extend(summarize_run(run));
    }
    out
}

/// One run's summary (see [`summarize`]).
fn summarize_run(rows: &[EvalRow]) -> BTreeMap<String, MetricValue> {
    let mut acc = RunAccumulator::default();
    for r in rows {
        if !r.slice.is_empty() || is_baseline_variant(r.variant.as_deref()) {
            continue;
        }
        acc.push(
            &r.metric,
            r.value,
            r.ci_low.zip(r.ci_high),
            r.n,
            r.at.is_some(),
        );
    }
    acc.finish()
}

/// [`summarize`]'s rule for one run, fed a row at a time: what an importer keeps while a file
/// streams, so a run is summarised without holding its rows (latency samples are kept, since
/// a p99 needs them all).
///
/// Feed it only whole-population rows of one arm; the caller picks them (see
/// `summarize_run` and `gate::RowSummariser`).
#[derive(Debug, Clone, Default)]
pub struct RunAccumulator {
    scalars: BTreeMap<String, MetricValue>,
    samples: Vec<f64>,
    series: BTreeMap<String, (f64, u64)>,
}

impl RunAccumulator {
    /// One whole-population row: a `latency_ms` sample, a KPI point (`timestamped`), or a
    /// scalar (the last one of a metric wins); `distribution` rows are not summary values.
    pub fn push(
        &mut self,
        metric: &str,
        value: f64,
        ci: Option<(f64, f64)>,
        n: Option<u64>,
        timestamped: bool,
    ) {
        if metric == "latency_ms" {
            self.samples.push(value);
            return;
        }
        if metric == "distribution" {
            return;
        }
        if timestamped {
            match self.series.get_mut(metric) {
                Some(e) => {
                    e.0 += value;
                    e.1 += 1;
                }
                None => {
                    self.series.insert(metric.to_string(), (value, 1));
                }
            }
            return;
        }
        let v = MetricValue { value, ci, n };
        match self.scalars.get_mut(metric) {
            Some(slot) => *slot = v,
            None => {
                self.scalars.insert(metric.to_string(), v);
            }
        }
    }

    /// The run's values: scalars, then series means, latency percentiles and rates from
    /// counts for what the run did not give itself.
    pub fn finish(mut self) -> BTreeMap<String, MetricValue> {
        let mut out = std::mem::take(&mut self.scalars);
        for (metric, (sum, count)) in self.series {
            out.entry(metric)
                .or_insert_with(|| MetricValue::of(sum / count as f64));
        }
        let mut samples = self.samples;
        if let Some(p) = Percentiles::from_samples(&mut samples) {
            for (name, v) in [
                ("latency_p50_ms", p.p50),
                ("latency_p95_ms", p.p95),
                ("latency_p99_ms", p.p99),
            ] {
                out.entry(name.into()).or_insert(MetricValue {
                    value: v,
                    ci: None,
                    n: Some(samples.len() as u64),
                });
            }
        }
        let get = |out: &BTreeMap<String, MetricValue>, k: &str| out.get(k).map(|m| m.value);
        if let Some(requests) = get(&out, "requests") {
            let derived = [
                ("errors", "error_rate", 1.0),
                ("timeouts", "timeout_rate", 1.0),
                ("blocked", "block_rate", 1.0),
                ("escalated", "escalation_rate", 1.0),
                ("cost_usd", "cost_per_1k_usd", 1000.0),
            ];
            for (count, rate, per) in derived {
                if let Some(v) = get(&out, count).and_then(|c| rate_per(c, requests, per)) {
                    out.entry(rate.into()).or_insert(MetricValue::of(v));
                }
            }
        }
        out
    }
}

/// How a candidate's metric stands against the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Moved the good way.
    Better,
    /// Moved the bad way.
    Worse,
    /// Unchanged.
    Same,
    /// The metric has no better direction.
    Unranked,
    /// Only the candidate measured it.
    OnlyCandidate,
    /// Only the baseline measured it.
    OnlyBaseline,
}

/// Whether a candidate's metric passes the checks the catalogue knows for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// Every known check (threshold, margin) is met.
    Pass,
    /// A threshold or a margin is missed.
    Fail,
    /// No threshold or margin is known for the metric (or it cannot be judged).
    None,
}

impl Check {
    /// Fail when either check is missed, pass when one is met and none missed, none when
    /// neither is known.
    pub fn of(meets_threshold: Option<bool>, meets_margin: Option<bool>) -> Check {
        match (meets_threshold, meets_margin) {
            (Some(false), _) | (_, Some(false)) => Check::Fail,
            (None, None) => Check::None,
            _ => Check::Pass,
        }
    }
}

/// Where a candidate must reach to beat `baseline` by `margin`: above it when higher is
/// better, below it when lower is better; None without both, or for an undirected metric.
pub fn margin_line(
    direction: Direction,
    baseline: Option<f64>,
    margin: Option<f64>,
) -> Option<f64> {
    let (b, m) = baseline.zip(margin)?;
    match direction {
        Direction::Higher => Some(b + m),
        Direction::Lower => Some(b - m),
        Direction::None => None,
    }
}

/// One line of the comparison table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricComparison {
    /// Metric name.
    pub metric: String,
    /// Human label.
    pub label: String,
    /// Unit.
    pub unit: String,
    /// Which way is better.
    pub direction: Direction,
    /// Candidate value.
    pub candidate: Option<MetricValue>,
    /// Baseline (production) value.
    pub baseline: Option<MetricValue>,
    /// candidate − baseline.
    pub delta: Option<f64>,
    /// delta / |baseline|, when the baseline is not zero.
    pub relative_delta: Option<f64>,
    /// Better, worse, same…
    pub verdict: Verdict,
    /// Whether both intervals are given and do not overlap (a difference beyond noise).
    pub significant: Option<bool>,
    /// Acceptance threshold, when known.
    pub threshold: Option<f64>,
    /// Whether the candidate meets it.
    pub meets_threshold: Option<bool>,
    /// Margin over the baseline, when known.
    pub margin: Option<f64>,
    /// Whether the candidate beats the baseline by the margin.
    pub meets_margin: Option<bool>,
    /// The two checks together: fail when either is missed.
    pub check: Check,
}

/// Differences this small count as unchanged (float noise, not evidence).
const SAME_EPS: f64 = 1e-12;

/// Lines up `candidate` against `baseline`, metric by metric, sorted by name.
pub fn compare(
    candidate: &BTreeMap<String, MetricValue>,
    baseline: &BTreeMap<String, MetricValue>,
    catalogue: &Catalogue,
) -> Vec<MetricComparison> {
    let mut names: Vec<&String> = candidate.keys().chain(baseline.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let def = catalogue.get(name);
            let direction = def.map_or(Direction::None, |d| d.direction);
            let c = candidate.get(name).copied();
            let b = baseline.get(name).copied();
            let delta = c.zip(b).map(|(c, b)| c.value - b.value);
            let relative_delta = delta
                .zip(b)
                .filter(|(_, b)| b.value.abs() > SAME_EPS)
                .map(|(d, b)| d / b.value.abs());
            // Improvement in the metric's good direction (positive is better).
            let gain = delta.map(|d| match direction {
                Direction::Lower => -d,
                _ => d,
            });
            let verdict = match (c, b, direction) {
                (Some(_), None, _) => Verdict::OnlyCandidate,
                (None, _, _) => Verdict::OnlyBaseline,
                (_, _, Direction::None) => Verdict::Unranked,
                _ => match gain.unwrap_or(0.0) {
                    g if g > SAME_EPS => Verdict::Better,
                    g if g < -SAME_EPS => Verdict::Worse,
                    _ => Verdict::Same,
                },
            };
            let significant = c
                .and_then(|c| c.ci)
                .zip(b.and_then(|b| b.ci))
                .map(|((cl, ch), (bl, bh))| ch < bl || bh < cl);
            let threshold = def.and_then(|d| d.threshold);
            let meets_threshold = threshold.zip(c).and_then(|(t, c)| match direction {
                Direction::Higher => Some(c.value >= t),
                Direction::Lower => Some(c.value <= t),
                Direction::None => None,
            });
            let margin = def
                .and_then(|d| d.margin)
                .filter(|_| direction != Direction::None);
            let meets_margin = margin.zip(gain).map(|(m, g)| g >= m - SAME_EPS);
            MetricComparison {
                metric: name.clone(),
                label: def
                    .map(|d| d.label.clone())
                    .filter(|l| !l.is_empty())
                    .unwrap_or_else(|| name.clone()),
                unit: def.map(|d| d.unit.clone()).unwrap_or_default(),
                direction,
                candidate: c,
                baseline: b,
                delta,
                relative_delta,
                verdict,
                significant,
                threshold,
                meets_threshold,
                margin,
                meets_margin,
                check: Check::of(meets_threshold, meets_margin),
            }
        })
        .collect()
}

/// p-th percentile of already collected samples (re-exported for callers that only want one).
pub fn sample_percentile(samples: &mut [f64], p: f64) -> Option<f64> {
    samples.sort_by(f64::total_cmp);
    percentile(samples, p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::Slice;

    fn vals(pairs: &[(&str, f64)]) -> BTreeMap<String, MetricValue> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), MetricValue::of(*v)))
            .collect()
    }

    #[test]
    fn comparison_is_direction_aware() {
        let cat = Catalogue::builtin();
        let cand = vals(&[
            ("rouge_l", 0.45),
            ("latency_p99_ms", 1900.0),
            ("hallucination_rate", 0.06),
            ("selection_rate", 0.3),
            ("new_metric", 1.0),
            ("block_rate", 0.02),
        ]);
        let base = vals(&[
            ("rouge_l", 0.42),
            ("latency_p99_ms", 1700.0),
            ("hallucination_rate", 0.06),
            ("selection_rate", 0.2),
            ("old_metric", 1.0),
            ("block_rate", 0.03),
        ]);
        let rows = compare(&cand, &base, cat);
        let by = |m: &str| rows.iter().find(|r| r.metric == m).expect(m).clone();
        // (metric, verdict, delta, meets_threshold, meets_margin)
        type Case<'a> = (&'a str, Verdict, Option<f64>, Option<bool>, Option<bool>);
        let cases: &[Case] = &[
            ("rouge_l", Verdict::Better, Some(0.03), None, Some(true)),
            (
                "latency_p99_ms",
                Verdict::Worse,
                Some(200.0),
                Some(true),
                None,
            ),
            (
                "hallucination_rate",
                Verdict::Same,
                Some(0.0),
                Some(false),
                Some(true),
            ),
            ("selection_rate", Verdict::Unranked, Some(0.1), None, None),
            ("new_metric", Verdict::OnlyCandidate, None, None, None),
            ("old_metric", Verdict::OnlyBaseline, None, None, None),
            ("block_rate", Verdict::Unranked, Some(-0.01), None, None),
        ];
        for (m, verdict, delta, thr, margin) in cases {
            let r = by(m);
            assert_eq!(r.verdict, *verdict, "{m}");
            match (r.delta, delta) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{m}: {a} vs {b}"),
                (a, b) => assert_eq!(a, *b, "{m}"),
            }
            assert_eq!(r.meets_threshold, *thr, "{m} threshold");
            assert_eq!(r.meets_margin, *margin, "{m} margin");
        }
        let r = by("rouge_l");
        assert!((r.relative_delta.expect("rel") - 0.03 / 0.42).abs() < 1e-12);
    }

    #[test]
    fn intervals_mark_significance() {
        let mut c = vals(&[("accuracy", 0.9)]);
        let mut b = vals(&[("accuracy", 0.8)]);
        c.get_mut("accuracy").expect("a").ci = Some((0.88, 0.92));
        b.get_mut("accuracy").expect("a").ci = Some((0.78, 0.82));
        assert_eq!(
            compare(&c, &b, Catalogue::builtin())[0].significant,
            Some(true)
        );
        b.get_mut("accuracy").expect("a").ci = Some((0.7, 0.89));
        assert_eq!(
            compare(&c, &b, Catalogue::builtin())[0].significant,
            Some(false)
        );
    }

    #[test]
    fn summaries_derive_percentiles_rates_and_series_means() {
        let mut rows: Vec<EvalRow> = (1..=100)
            .map(|i| EvalRow::plain("latency_ms", f64::from(i)))
            .collect();
        rows.extend([
            EvalRow::plain("requests", 10_000.0),
            EvalRow::plain("errors", 50.0),
            EvalRow::plain("timeouts", 10.0),
            EvalRow::plain("cost_usd", 32.0),
            EvalRow::plain("accuracy", 0.7),
            EvalRow::plain("accuracy", 0.8), // a later run wins
        ]);
        let mut grouped = EvalRow::plain("accuracy", 0.1);
        grouped.slice = Slice::single("gender", "female");
        rows.push(grouped);
        for (v, variant) in [(0.6, "canary"), (0.8, "canary"), (0.1, "production")] {
            let mut r = EvalRow::plain("acceptance_rate", v);
            r.at = Some("2026-11-01T00:00:00Z".into());
            r.variant = Some(variant.into());
            rows.push(r);
        }
        let s = summarize([rows.as_slice()]);
        let v = |k: &str| s.get(k).map(|m| m.value).expect(k);
        let cases = [
            ("latency_p50_ms", 50.5),
            ("latency_p95_ms", 95.05),
            ("latency_p99_ms", 99.01),
            ("error_rate", 0.005),
            ("timeout_rate", 0.001),
            ("cost_per_1k_usd", 3.2),
            ("accuracy", 0.8),
            ("acceptance_rate", 0.7),
        ];
        for (k, want) in cases {
            assert!((v(k) - want).abs() < 1e-9, "{k}: {} vs {want}", v(k));
        }
    }

    fn timed(metric: &str, v: f64) -> EvalRow {
        let mut r = EvalRow::plain(metric, v);
        r.at = Some("2026-11-01T00:00:00Z".into());
        r
    }

    fn samples(range: std::ops::RangeInclusive<i32>) -> Vec<EvalRow> {
        range
            .map(|i| EvalRow::plain("latency_ms", f64::from(i)))
            .collect()
    }

    #[test]
    fn summarize_lets_the_latest_run_win_for_every_metric_kind() {
        // (case, runs oldest first, metric, expected value)
        type Case = (&'static str, Vec<Vec<EvalRow>>, &'static str, Option<f64>);
        let cases: Vec<Case> = vec![
            (
                "scalar: a later run replaces an earlier one",
                vec![
                    vec![EvalRow::plain("accuracy", 0.7)],
                    vec![EvalRow::plain("accuracy", 0.8)],
                ],
                "accuracy",
                Some(0.8),
            ),
            (
                "scalar: a run that does not measure it keeps the earlier value",
                vec![
                    vec![EvalRow::plain("accuracy", 0.7)],
                    vec![EvalRow::plain("rouge_l", 0.4)],
                ],
                "accuracy",
                Some(0.7),
            ),
            (
                "latency samples: a second load test is not pooled with the first",
                vec![samples(1..=100), samples(1001..=1100)],
                "latency_p99_ms",
                Some(1099.01),
            ),
            (
                "latency samples: pooled within one run",
                vec![samples(1..=100)],
                "latency_p50_ms",
                Some(50.5),
            ),
            (
                "latency: a run's own percentile wins over its samples",
                vec![{
                    let mut r = samples(1..=100);
                    r.push(EvalRow::plain("latency_p99_ms", 5.0));
                    r
                }],
                "latency_p99_ms",
                Some(5.0),
            ),
            (
                "latency: later samples replace an earlier run's given percentile",
                vec![
                    vec![EvalRow::plain("latency_p99_ms", 5.0)],
                    samples(1..=100),
                ],
                "latency_p99_ms",
                Some(99.01),
            ),
            (
                "KPI series: the latest run's mean, not the mean over both",
                vec![
                    vec![timed("acceptance_rate", 0.2), timed("acceptance_rate", 0.4)],
                    vec![timed("acceptance_rate", 0.8)],
                ],
                "acceptance_rate",
                Some(0.8),
            ),
            (
                "rates: derived from the latest run's counts",
                vec![
                    vec![
                        EvalRow::plain("requests", 100.0),
                        EvalRow::plain("errors", 50.0),
                    ],
                    vec![
                        EvalRow::plain("requests", 1000.0),
                        EvalRow::plain("errors", 1.0),
                    ],
                ],
                "error_rate",
                Some(0.001),
            ),
            (
                "rates: never from one run's requests and another's errors",
                vec![
                    vec![EvalRow::plain("requests", 100.0)],
                    vec![EvalRow::plain("errors", 1.0)],
                ],
                "error_rate",
                None,
            ),
            ("no runs, no values", vec![], "accuracy", None),
        ];
        for (case, runs, metric, want) in cases {
            let s = summarize(runs.iter().map(Vec::as_slice));
            match (s.get(metric).map(|m| m.value), want) {
                (Some(got), Some(want)) => {
                    assert!((got - want).abs() < 1e-9, "{case}: {got} vs {want}")
                }
                (got, want) => assert_eq!(got, want, "{case}"),
            }
        }
    }

    #[test]
    fn checks_fail_when_a_threshold_or_a_margin_is_missed() {
        // (meets_threshold, meets_margin, check)
        let cases = [
            (None, None, Check::None),
            (Some(true), None, Check::Pass),
            (None, Some(true), Check::Pass),
            (Some(true), Some(true), Check::Pass),
            (Some(false), None, Check::Fail),
            (None, Some(false), Check::Fail),
            (Some(true), Some(false), Check::Fail),
            (Some(false), Some(true), Check::Fail),
        ];
        for (t, m, want) in cases {
            assert_eq!(Check::of(t, m), want, "{t:?} {m:?}");
        }
    }

    #[test]
    fn margin_lines_sit_on_the_better_side_of_the_baseline() {
        // (direction, baseline, margin, line)
        let cases = [
            (Direction::Higher, Some(0.8), Some(0.02), Some(0.82)),
            (Direction::Lower, Some(100.0), Some(10.0), Some(90.0)),
            (Direction::None, Some(1.0), Some(0.1), None),
            (Direction::Higher, None, Some(0.02), None),
            (Direction::Lower, Some(1.0), None, None),
        ];
        for (d, b, m, want) in cases {
            match (margin_line(d, b, m), want) {
                (Some(got), Some(want)) => assert!((got - want).abs() < 1e-12, "{d:?}"),
                (got, want) => assert_eq!(got, want, "{d:?}"),
            }
        }
    }
}
