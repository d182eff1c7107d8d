//! Candidate vs production, metric by metric.
//!
//! A version's evidence is first reduced to one value per metric ([`summarize`]): the latest
//! whole-population row wins; latency samples become p50/p95/p99; request, error, timeout,
//! cost and safety counts become rates; KPI series become their mean. [`compare`] then lines
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

/// Reduces a version's rows (runs oldest first) to one value per metric.
pub fn summarize(rows: &[EvalRow]) -> BTreeMap<String, MetricValue> {
    let mut out: BTreeMap<String, MetricValue> = BTreeMap::new();
    let mut samples: Vec<f64> = Vec::new();
    let mut series: BTreeMap<&str, (f64, u64)> = BTreeMap::new();
    for r in rows {
        if !r.slice.is_empty() || is_baseline_variant(r.variant.as_deref()) {
            continue;
        }
        if r.metric == "latency_ms" {
            samples.push(r.value);
            continue;
        }
        if r.metric == "distribution" {
            continue;
        }
        if r.at.is_some() {
            let e = series.entry(&r.metric).or_insert((0.0, 0));
            e.0 += r.value;
            e.1 += 1;
            continue;
        }
        out.insert(
            r.metric.clone(),
            MetricValue {
                value: r.value,
                ci: r.ci_low.zip(r.ci_high),
                n: r.n,
            },
        );
    }
    for (metric, (sum, count)) in series {
        out.entry(metric.to_string())
            .or_insert_with(|| MetricValue::of(sum / count as f64));
    }
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
        let s = summarize(&rows);
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
}
