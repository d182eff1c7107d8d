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
}
