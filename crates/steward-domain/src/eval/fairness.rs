//! Fairness per group key.
//!
//! From stratified metric rows ([`by_group`]): per-group values, the largest difference, the
//! min/max ratio with the four-fifths rule, and the worst group. From raw predictions
//! ([`RateCounter`]): selection rate, true and false positive rate per group, and
//! demographic parity difference and ratio and equalized odds difference as Fairlearn defines
//! them (differences are max − min between groups, ratios min / max, equalized odds the
//! larger of the TPR and FPR differences). A test in `steward-api` checks these against
//! Fairlearn on the same fixture.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{is_baseline_variant, Catalogue, Direction, EvalRow};

/// The four-fifths rule: a group's rate below 80% of the best group's is adverse impact.
pub const FOUR_FIFTHS: f64 = 0.8;

/// How far groups may differ before a check fails (the policy will carry these; these are
/// the defaults the seed's "within tolerance" is read as until then).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Tolerance {
    /// Largest allowed max − min between groups, in the metric's unit.
    pub max_difference: f64,
    /// Smallest allowed min / max between groups.
    pub min_ratio: f64,
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance {
            max_difference: 0.1,
            min_ratio: FOUR_FIFTHS,
        }
    }
}

/// One group's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupValue {
    /// The group (the value of the key, e.g. `female`).
    pub group: String,
    /// The metric's value for it.
    pub value: f64,
    /// How many cases it rests on, when given.
    pub n: Option<u64>,
}

/// One metric across the groups of one key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupFairness {
    /// Metric name.
    pub metric: String,
    /// Which way is better.
    pub direction: Direction,
    /// Per-group values, by group.
    pub groups: Vec<GroupValue>,
    /// max − min.
    pub max_difference: f64,
    /// min / max; None when every value is zero.
    pub min_max_ratio: Option<f64>,
    /// The group worst off (lowest when higher is better or undirected, highest when lower is
    /// better).
    pub worst_group: String,
    /// Whether the difference is within tolerance.
    pub passes_difference: bool,
    /// Whether the ratio is at least the tolerance's minimum (the four-fifths rule by default).
    pub passes_ratio: bool,
}

/// Which of the two tolerance rules a metric fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum FairnessFailure {
    /// Only the difference rule (max − min above the tolerance).
    Difference,
    /// Only the ratio rule (min / max below the tolerance: the four-fifths rule by default).
    Ratio,
    /// Both.
    Both,
}

impl FairnessFailure {
    /// The failure of a metric that passes (or not) each rule; None when it passes both.
    pub fn of(passes_difference: bool, passes_ratio: bool) -> Option<FairnessFailure> {
        match (passes_difference, passes_ratio) {
            (true, true) => None,
            (false, true) => Some(FairnessFailure::Difference),
            (true, false) => Some(FairnessFailure::Ratio),
            (false, false) => Some(FairnessFailure::Both),
        }
    }

    /// Both failures together: a group failing the ratio rule in one metric and the
    /// difference rule in another fails both.
    pub fn and(self, other: FairnessFailure) -> FairnessFailure {
        if self == other {
            self
        } else {
            FairnessFailure::Both
        }
    }

    /// What the worst group fails, as words after its name (`gender=female fails …`).
    pub fn describe(self, tolerance: Tolerance) -> String {
        let ratio = if (tolerance.min_ratio - FOUR_FIFTHS).abs() < 1e-12 {
            "fails the four-fifths rule".to_string()
        } else {
            format!("falls below the min/max ratio {}", tolerance.min_ratio)
        };
        let difference = format!("differs by more than {}", tolerance.max_difference);
        match self {
            FairnessFailure::Difference => difference,
            FairnessFailure::Ratio => ratio,
            FairnessFailure::Both => format!("{ratio} and {difference}"),
        }
    }
}

/// A group that is worst off in at least one failing metric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailingGroup {
    /// The group.
    pub group: String,
    /// What it fails across those metrics together.
    pub failure: FairnessFailure,
    /// The failing metrics it is worst in, in the order given.
    pub metrics: Vec<String>,
}

/// The groups a fairness report names as outside tolerance: each worst group of a failing
/// metric, in the order first met, with the metrics it fails and what they fail together.
pub fn failing_groups(metrics: &[GroupFairness]) -> Vec<FailingGroup> {
    let mut out: Vec<FailingGroup> = Vec::new();
    for m in metrics {
        let Some(failure) = m.failure() else { continue };
        match out.iter_mut().find(|g| g.group == m.worst_group) {
            Some(g) => {
                g.failure = g.failure.and(failure);
                g.metrics.push(m.metric.clone());
            }
            None => out.push(FailingGroup {
                group: m.worst_group.clone(),
                failure,
                metrics: vec![m.metric.clone()],
            }),
        }
    }
    out
}

/// The best value among `values`: the lowest when lower is better, else the highest; None
/// when there are none.
pub fn best_value(direction: Direction, values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let pick = match direction {
        Direction::Lower => f64::min,
        _ => f64::max,
    };
    values.into_iter().reduce(pick)
}

/// Whether one group's `value` is outside tolerance against the `best` group's: more than the
/// allowed difference away from it, or below the allowed ratio of it (when lower is better:
/// the best is below the allowed ratio of the value).
pub fn outside_tolerance(
    direction: Direction,
    best: f64,
    value: f64,
    tolerance: Tolerance,
) -> bool {
    let far = (best - value).abs() > tolerance.max_difference + 1e-12;
    let low_ratio = match direction {
        Direction::Lower => value > 0.0 && best / value < tolerance.min_ratio - 1e-12,
        _ => best > 0.0 && value / best < tolerance.min_ratio - 1e-12,
    };
    far || low_ratio
}

/// The band of values the ratio rule accepts, `(low, high)`: from `min_ratio` × best up to the
/// best, or (lower is better) from the best up to best / `min_ratio`. None without values.
pub fn ratio_band(
    direction: Direction,
    values: impl IntoIterator<Item = f64>,
    tolerance: Tolerance,
) -> Option<(f64, f64)> {
    let best = best_value(direction, values)?;
    Some(match direction {
        Direction::Lower => (best, best / tolerance.min_ratio),
        _ => (best * tolerance.min_ratio, best),
    })
}

/// The group key a fairness report opens on when none is asked for: the first key (in the
/// given order) with a metric failing either rule, else the first key; None without keys.
/// A reviewer lands on the problem and learns every key from the report's list.
pub fn default_group_key<'a>(
    keys: &'a [String],
    rows: &[EvalRow],
    catalogue: &Catalogue,
    tolerance: Tolerance,
) -> Option<&'a str> {
    keys.iter()
        .find(|k| {
            by_group(rows, k, catalogue, tolerance)
                .iter()
                .any(|f| !f.passes())
        })
        .or(keys.first())
        .map(String::as_str)
}

/// Which metric a fairness chart draws, by index into `metrics` (name, passes both rules):
/// the one asked for when present, else `selection_rate` (the adverse-impact metric), else
/// the first failing either rule, else the first.
pub fn chart_metric(requested: Option<&str>, metrics: &[(&str, bool)]) -> Option<usize> {
    let find = |p: &dyn Fn(&(&str, bool)) -> bool| metrics.iter().position(p);
    requested
        .and_then(|m| find(&|(name, _)| *name == m))
        .or_else(|| find(&|(name, _)| *name == "selection_rate"))
        .or_else(|| find(&|(_, passes)| !passes))
        .or(if metrics.is_empty() { None } else { Some(0) })
}

impl GroupFairness {
    /// Whether the metric passes both rules.
    pub fn passes(&self) -> bool {
        self.passes_difference && self.passes_ratio
    }

    /// Which rules it fails, if any.
    pub fn failure(&self) -> Option<FairnessFailure> {
        FairnessFailure::of(self.passes_difference, self.passes_ratio)
    }

    /// The best group's value.
    pub fn best(&self) -> Option<f64> {
        best_value(self.direction, self.groups.iter().map(|g| g.value))
    }
}

/// Summarizes per-group `values` of one metric.
pub fn group_fairness(
    metric: &str,
    direction: Direction,
    mut groups: Vec<GroupValue>,
    tolerance: Tolerance,
) -> Option<GroupFairness> {
    groups.sort_by(|a, b| a.group.cmp(&b.group));
    let max = groups
        .iter()
        .map(|g| g.value)
        .fold(f64::NEG_INFINITY, f64::max);
    let min = groups.iter().map(|g| g.value).fold(f64::INFINITY, f64::min);
    let worst = match direction {
        Direction::Lower => groups.iter().max_by(|a, b| a.value.total_cmp(&b.value)),
        _ => groups.iter().min_by(|a, b| a.value.total_cmp(&b.value)),
    }?
    .group
    .clone();
    let ratio = ratio(min, max);
    Some(GroupFairness {
        metric: metric.to_string(),
        direction,
        max_difference: max - min,
        min_max_ratio: ratio,
        worst_group: worst,
        passes_difference: max - min <= tolerance.max_difference + 1e-12,
        passes_ratio: ratio.is_none_or(|r| r >= tolerance.min_ratio - 1e-12),
        groups,
    })
}

fn ratio(min: f64, max: f64) -> Option<f64> {
    if max == 0.0 {
        None
    } else {
        Some(min / max)
    }
}

/// Every metric reported per group of `key` (rows whose slice is exactly that key; later
/// rows win), summarized against `tolerance`, by metric name.
pub fn by_group(
    rows: &[EvalRow],
    key: &str,
    catalogue: &Catalogue,
    tolerance: Tolerance,
) -> Vec<GroupFairness> {
    let mut values: BTreeMap<&str, BTreeMap<&str, (f64, Option<u64>)>> = BTreeMap::new();
    for r in rows {
        if r.at.is_some() || is_baseline_variant(r.variant.as_deref()) {
            continue;
        }
        if let Some(group) = r.slice.only(key) {
            values
                .entry(&r.metric)
                .or_default()
                .insert(group, (r.value, r.n));
        }
    }
    values
        .into_iter()
        .filter_map(|(metric, groups)| {
            let direction = catalogue
                .get(metric)
                .map_or(Direction::None, |d| d.direction);
            let groups = groups
                .into_iter()
                .map(|(g, (value, n))| GroupValue {
                    group: g.to_string(),
                    value,
                    n,
                })
                .collect();
            group_fairness(metric, direction, groups, tolerance)
        })
        .collect()
}

/// The group keys present in `rows` (single-key slices), sorted.
pub fn group_keys(rows: &[EvalRow]) -> Vec<String> {
    let mut keys: Vec<String> = rows
        .iter()
        .filter_map(|r| match r.slice.pairs() {
            [(k, _)] if k != "feature" => Some(k.clone()),
            _ => None,
        })
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Confusion counts of binary predictions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confusion {
    /// True positives.
    pub tp: u64,
    /// False positives.
    pub fp: u64,
    /// True negatives.
    pub tn: u64,
    /// False negatives.
    pub fn_: u64,
}

impl Confusion {
    fn add(&mut self, y_true: bool, y_pred: bool) {
        match (y_true, y_pred) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (false, false) => self.tn += 1,
            (true, false) => self.fn_ += 1,
        }
    }

    /// Cases.
    pub fn n(&self) -> u64 {
        self.tp + self.fp + self.tn + self.fn_
    }

    /// Share predicted positive.
    pub fn selection_rate(&self) -> f64 {
        div(self.tp + self.fp, self.n())
    }

    /// Share of actual positives predicted positive (0 when there are none, as scikit-learn).
    pub fn tpr(&self) -> f64 {
        div(self.tp, self.tp + self.fn_)
    }

    /// Share of actual negatives predicted positive (0 when there are none).
    pub fn fpr(&self) -> f64 {
        div(self.fp, self.fp + self.tn)
    }
}

fn div(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Rates of one group (or of everyone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRates {
    /// The group value; empty for everyone.
    pub group: String,
    /// Counts.
    pub confusion: Confusion,
    /// Selection rate.
    pub selection_rate: f64,
    /// True positive rate.
    pub tpr: f64,
    /// False positive rate.
    pub fpr: f64,
}

impl GroupRates {
    fn of(group: &str, c: Confusion) -> GroupRates {
        GroupRates {
            group: group.to_string(),
            selection_rate: c.selection_rate(),
            tpr: c.tpr(),
            fpr: c.fpr(),
            confusion: c,
        }
    }
}

/// Parity between the groups of one key.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Parity {
    /// max − min selection rate.
    pub demographic_parity_difference: f64,
    /// min / max selection rate (0 when the max is 0, as Fairlearn).
    pub demographic_parity_ratio: f64,
    /// max(TPR difference, FPR difference).
    pub equalized_odds_difference: f64,
    /// min(TPR ratio, FPR ratio).
    pub equalized_odds_ratio: f64,
}

fn spread(values: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let max = values.clone().fold(f64::NEG_INFINITY, f64::max);
    let min = values.fold(f64::INFINITY, f64::min);
    (max - min, ratio(min, max).unwrap_or(0.0))
}

/// Parity over per-group rates.
pub fn parity(groups: &[GroupRates]) -> Option<Parity> {
    if groups.is_empty() {
        return None;
    }
    let (dp_d, dp_r) = spread(groups.iter().map(|g| g.selection_rate));
    let (tpr_d, tpr_r) = spread(groups.iter().map(|g| g.tpr));
    let (fpr_d, fpr_r) = spread(groups.iter().map(|g| g.fpr));
    Some(Parity {
        demographic_parity_difference: dp_d,
        demographic_parity_ratio: dp_r,
        equalized_odds_difference: tpr_d.max(fpr_d),
        equalized_odds_ratio: tpr_r.min(fpr_r),
    })
}

/// Parity from per-group `selection_rate`, `true_positive_rate` and `false_positive_rate`
/// summaries of one key (as imported from predictions); None without selection rates.
pub fn parity_of(metrics: &[GroupFairness]) -> Option<Parity> {
    let get = |m: &str| metrics.iter().find(|f| f.metric == m);
    let sel = get("selection_rate")?;
    let diff = |m: &str| get(m).map_or(0.0, |f| f.max_difference);
    let ratio = |m: &str| get(m).map_or(1.0, |f| f.min_max_ratio.unwrap_or(0.0));
    Some(Parity {
        demographic_parity_difference: sel.max_difference,
        demographic_parity_ratio: sel.min_max_ratio.unwrap_or(0.0),
        equalized_odds_difference: diff("true_positive_rate").max(diff("false_positive_rate")),
        equalized_odds_ratio: ratio("true_positive_rate").min(ratio("false_positive_rate")),
    })
}

/// Accumulates raw predictions (streaming: one call per row) into confusion counts per group
/// of each key and overall.
#[derive(Debug, Clone, Default)]
pub struct RateCounter {
    overall: Confusion,
    groups: BTreeMap<String, BTreeMap<String, Confusion>>,
}

impl RateCounter {
    /// Adds one prediction with its group values (`[("gender", "female"), …]`).
    pub fn add(&mut self, groups: &[(&str, &str)], y_true: bool, y_pred: bool) {
        self.overall.add(y_true, y_pred);
        for (k, v) in groups {
            let by_key = match self.groups.get_mut(*k) {
                Some(m) => m,
                None => self.groups.entry((*k).to_string()).or_default(),
            };
            match by_key.get_mut(*v) {
                Some(c) => c.add(y_true, y_pred),
                None => {
                    let mut c = Confusion::default();
                    c.add(y_true, y_pred);
                    by_key.insert((*v).to_string(), c);
                }
            }
        }
    }

    /// Everyone's rates.
    pub fn overall(&self) -> GroupRates {
        GroupRates::of("", self.overall)
    }

    /// Per-group rates for each key, keys and groups sorted.
    pub fn by_key(&self) -> BTreeMap<String, Vec<GroupRates>> {
        self.groups
            .iter()
            .map(|(k, gs)| {
                (
                    k.clone(),
                    gs.iter().map(|(g, c)| GroupRates::of(g, *c)).collect(),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::Slice;

    fn row(metric: &str, slice: &str, v: f64) -> EvalRow {
        let mut r = EvalRow::plain(metric, v);
        r.slice = Slice::parse(slice).expect("slice");
        r
    }

    #[test]
    fn group_summaries_follow_direction_and_the_four_fifths_rule() {
        let t = Tolerance::default();
        // (direction, values, max_difference, ratio, worst, passes_difference, passes_ratio)
        type Case = (
            Direction,
            &'static [(&'static str, f64)],
            f64,
            Option<f64>,
            &'static str,
            bool,
            bool,
        );
        let cases: &[Case] = &[
            (
                Direction::None,
                &[("a", 0.50), ("b", 0.38)],
                0.12,
                Some(0.76),
                "b",
                false,
                false,
            ),
            (
                Direction::None,
                &[("a", 0.50), ("b", 0.45)],
                0.05,
                Some(0.9),
                "b",
                true,
                true,
            ),
            (
                Direction::Higher,
                &[("a", 0.9), ("b", 0.85), ("c", 0.8)],
                0.1,
                Some(0.8 / 0.9),
                "c",
                true,
                true,
            ),
            (
                Direction::Lower,
                &[("a", 0.02), ("b", 0.05)],
                0.03,
                Some(0.4),
                "b",
                true,
                false,
            ),
            (
                Direction::None,
                &[("a", 0.0), ("b", 0.0)],
                0.0,
                None,
                "a",
                true,
                true,
            ),
        ];
        for (dir, vals, diff, ratio, worst, pd, pr) in cases {
            let groups = vals
                .iter()
                .map(|(g, v)| GroupValue {
                    group: (*g).into(),
                    value: *v,
                    n: None,
                })
                .collect();
            let f = group_fairness("m", *dir, groups, t).expect("some");
            assert!((f.max_difference - diff).abs() < 1e-12, "{vals:?}");
            match (f.min_max_ratio, ratio) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-12, "{vals:?}"),
                (a, b) => assert_eq!(a, *b),
            }
            assert_eq!(f.worst_group, *worst, "{vals:?}");
            assert_eq!(
                (f.passes_difference, f.passes_ratio),
                (*pd, *pr),
                "{vals:?}"
            );
        }
    }

    #[test]
    fn by_group_reads_single_key_slices_only() {
        let rows = vec![
            row("selection_rate", "gender=female", 0.3),
            row("selection_rate", "gender=male", 0.5),
            row("selection_rate", "age=18-25,gender=male", 0.9),
            row("selection_rate", "age=18-25", 0.1),
            row("selection_rate", "", 0.4),
        ];
        let f = by_group(&rows, "gender", Catalogue::builtin(), Tolerance::default());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].groups.len(), 2);
        assert_eq!(f[0].worst_group, "female");
        assert!(!f[0].passes_ratio);
        assert_eq!(group_keys(&rows), ["age", "gender"]);
    }

    #[test]
    fn prediction_rates_and_parity() {
        let mut c = RateCounter::default();
        // group a: TP, FP, TN, FN ; group b: TP, TP, TN, TN
        let data = [
            ("a", true, true),
            ("a", false, true),
            ("a", false, false),
            ("a", true, false),
            ("b", true, true),
            ("b", true, true),
            ("b", false, false),
            ("b", false, false),
        ];
        for (g, t, p) in data {
            c.add(&[("group", g)], t, p);
        }
        let by = c.by_key();
        let g = &by["group"];
        assert_eq!((g[0].selection_rate, g[0].tpr, g[0].fpr), (0.5, 0.5, 0.5));
        assert_eq!((g[1].selection_rate, g[1].tpr, g[1].fpr), (0.5, 1.0, 0.0));
        let p = parity(g).expect("parity");
        assert_eq!(p.demographic_parity_difference, 0.0);
        assert_eq!(p.demographic_parity_ratio, 1.0);
        assert_eq!(p.equalized_odds_difference, 0.5);
        assert_eq!(c.overall().confusion.n(), 8);
    }

    #[test]
    fn default_group_key_misses_no_key_that_fails_only_the_difference_rule() {
        // Regression: without `--group`, the key was the first failing the ratio rule only.
        // (case, rows, expected key)
        type Case = (&'static str, Vec<EvalRow>, Option<&'static str>);
        let cases: Vec<Case> = vec![
            (
                "a key failing only the difference rule is chosen",
                vec![
                    // age: within tolerance
                    row("accuracy", "age=young", 0.90),
                    row("accuracy", "age=old", 0.88),
                    // region: difference 0.15 > 0.1, ratio 0.83 ≥ 0.8
                    row("accuracy", "region=north", 0.90),
                    row("accuracy", "region=south", 0.75),
                ],
                Some("region"),
            ),
            (
                "a key failing only the ratio rule is chosen",
                vec![
                    row("accuracy", "age=young", 0.90),
                    row("accuracy", "age=old", 0.88),
                    // ratio 0.05 / 0.1 = 0.5, difference 0.05
                    row("error_rate", "region=north", 0.05),
                    row("error_rate", "region=south", 0.10),
                ],
                Some("region"),
            ),
            (
                "the first failing key in order",
                vec![
                    row("accuracy", "age=young", 0.90),
                    row("accuracy", "age=old", 0.70),
                    row("accuracy", "region=north", 0.90),
                    row("accuracy", "region=south", 0.60),
                ],
                Some("age"),
            ),
            (
                "nothing fails: the first key",
                vec![
                    row("accuracy", "age=young", 0.90),
                    row("accuracy", "age=old", 0.89),
                    row("accuracy", "region=north", 0.90),
                    row("accuracy", "region=south", 0.88),
                ],
                Some("age"),
            ),
            ("no keys", vec![row("accuracy", "", 0.9)], None),
        ];
        for (case, rows, want) in cases {
            let keys = group_keys(&rows);
            let got = default_group_key(&keys, &rows, Catalogue::builtin(), Tolerance::default());
            assert_eq!(got, want, "{case}");
        }
    }

    #[test]
    fn failures_name_the_rule_that_fails() {
        let t = Tolerance::default();
        // (passes_difference, passes_ratio, description)
        let cases = [
            (true, true, None),
            (false, true, Some("differs by more than 0.1")),
            (true, false, Some("fails the four-fifths rule")),
            (
                false,
                false,
                Some("fails the four-fifths rule and differs by more than 0.1"),
            ),
        ];
        for (pd, pr, want) in cases {
            let got = FairnessFailure::of(pd, pr).map(|f| f.describe(t));
            assert_eq!(got.as_deref(), want, "{pd} {pr}");
        }
        let strict = Tolerance {
            max_difference: 0.05,
            min_ratio: 0.9,
        };
        assert_eq!(
            FairnessFailure::Both.describe(strict),
            "falls below the min/max ratio 0.9 and differs by more than 0.05"
        );
    }

    #[test]
    fn groups_outside_tolerance_and_the_ratio_band_follow_direction() {
        let t = Tolerance::default();
        // (direction, best, value, outside)
        let cases = [
            (Direction::Higher, 0.9, 0.85, false),
            (Direction::Higher, 0.9, 0.75, true), // difference 0.15
            (Direction::Higher, 0.3, 0.2, true),  // ratio 0.67
            (Direction::None, 0.5, 0.45, false),
            (Direction::Lower, 0.02, 0.05, true), // ratio 0.4
            (Direction::Lower, 0.10, 0.12, false),
            (Direction::Lower, 0.0, 0.0, false),
            (Direction::Higher, 0.9, 0.8, false), // exactly at the difference limit
        ];
        for (d, best, v, want) in cases {
            assert_eq!(outside_tolerance(d, best, v, t), want, "{d:?} {best} {v}");
        }
        // (direction, values, band)
        let bands = [
            (Direction::Higher, vec![0.5, 0.9], Some((0.72, 0.9))),
            (Direction::None, vec![0.5, 0.25], Some((0.4, 0.5))),
            (Direction::Lower, vec![0.08, 0.2], Some((0.08, 0.1))),
            (Direction::Higher, vec![], None),
        ];
        for (d, values, want) in bands {
            let got = ratio_band(d, values.iter().copied(), t);
            match (got, want) {
                (Some((a, b)), Some((c, e))) => {
                    assert!(
                        (a - c).abs() < 1e-12 && (b - e).abs() < 1e-12,
                        "{d:?} {values:?}"
                    )
                }
                (got, want) => assert_eq!(got, want, "{d:?}"),
            }
        }
    }

    #[test]
    fn fairness_charts_draw_the_asked_metric_else_selection_rate_else_a_failing_one() {
        // (requested, metrics (name, passes), index)
        type Case = (
            Option<&'static str>,
            &'static [(&'static str, bool)],
            Option<usize>,
        );
        let cases: &[Case] = &[
            (Some("tpr"), &[("accuracy", true), ("tpr", true)], Some(1)),
            (
                Some("missing"),
                &[("accuracy", false), ("selection_rate", true)],
                Some(1),
            ),
            (
                None,
                &[("accuracy", true), ("selection_rate", true)],
                Some(1),
            ),
            (None, &[("accuracy", true), ("error_rate", false)], Some(1)),
            (None, &[("accuracy", true), ("error_rate", true)], Some(0)),
            (None, &[], None),
        ];
        for (requested, metrics, want) in cases {
            assert_eq!(
                chart_metric(*requested, metrics),
                *want,
                "{requested:?} {metrics:?}"
            );
        }
    }

    #[test]
    fn failing_groups_name_what_each_group_fails_across_metrics() {
        let m = |metric: &str, worst: &str, pd: bool, pr: bool| GroupFairness {
            metric: metric.into(),
            direction: Direction::Higher,
            groups: Vec::new(),
            max_difference: 0.0,
            min_max_ratio: None,
            worst_group: worst.into(),
            passes_difference: pd,
            passes_ratio: pr,
        };
        use FairnessFailure::*;
        type Expected<'a> = Vec<(&'a str, FairnessFailure, Vec<&'a str>)>;
        // (metrics, expected (group, failure, metrics))
        let cases: Vec<(Vec<GroupFairness>, Expected)> = vec![
            (vec![m("recall", "a", true, true)], vec![]),
            // Regression: a group failing only the difference rule was worded as failing
            // the four-fifths rule.
            (
                vec![m("recall", "a", false, true)],
                vec![("a", Difference, vec!["recall"])],
            ),
            (
                vec![
                    m("recall", "a", false, true),
                    m("precision", "a", true, false),
                ],
                vec![("a", Both, vec!["recall", "precision"])],
            ),
            (
                vec![
                    m("recall", "a", true, false),
                    m("precision", "b", false, true),
                    m("f1", "a", true, false),
                ],
                vec![
                    ("a", Ratio, vec!["recall", "f1"]),
                    ("b", Difference, vec!["precision"]),
                ],
            ),
        ];
        for (metrics, expected) in cases {
            let got: Vec<(String, FairnessFailure, Vec<String>)> = failing_groups(&metrics)
                .into_iter()
                .map(|g| (g.group, g.failure, g.metrics))
                .collect();
            let expected: Vec<(String, FairnessFailure, Vec<String>)> = expected
                .into_iter()
                .map(|(g, f, ms)| (g.to_string(), f, ms.into_iter().map(String::from).collect()))
                .collect();
            assert_eq!(got, expected);
        }
    }
}
