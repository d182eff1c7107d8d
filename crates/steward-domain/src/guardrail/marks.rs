//! What a guardrail's chart shows for each window: the watched arm's value, production's in
//! the same window, the bound that applies there, and whether the window crossed it — decided
//! by the same [`crossed`](super::crossed) the evaluation reads, so the chart marks exactly the
//! windows [`evaluate`](super::evaluate) counts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{crossed, GuardrailRule};
use crate::eval::Direction;

/// One window of a guardrail's chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowMark {
    /// Window start, seconds since the epoch.
    pub at: i64,
    /// The watched arm's value (the canary's for a canary rule, production's for a production rule).
    pub value: f64,
    /// Production's value in the same window (canary rules).
    pub production: Option<f64>,
    /// The margin bound there: production's value moved by `worse_than_production_by`.
    pub relative_bound: Option<f64>,
    /// The window crosses one of the rule's bounds.
    pub crossed: bool,
    /// The window is part of a run of at least `windows` consecutive crossing windows: one the
    /// rule breaches on.
    pub breaching: bool,
}

/// Production's value moved by the rule's margin (what the canary must not be worse than).
pub fn relative_bound(rule: &GuardrailRule, production: f64) -> Option<f64> {
    rule.worse_than_production_by.map(|m| match rule.direction {
        Direction::Higher => production * (1.0 - m),
        _ => production * (1.0 + m),
    })
}

/// The marks of `watched` (the rule's arm, in any order) against `production` (production's
/// series; ignored by production rules), one per watched window in time order. A run is
/// broken by a window that does not cross and by a missing window (`step_s` apart).
pub fn window_marks(
    rule: &GuardrailRule,
    watched: &[(i64, f64)],
    production: &[(i64, f64)],
    step_s: i64,
) -> Vec<WindowMark> {
    let canary = rule.stage == crate::stage::Stage::Canary;
    let prod: BTreeMap<i64, f64> = if canary {
        production.iter().copied().collect()
    } else {
        BTreeMap::new()
    };
    let mut points: Vec<(i64, f64)> = watched.to_vec();
    points.sort_by_key(|p| p.0);
    points.dedup_by_key(|p| p.0);
    let mut out: Vec<WindowMark> = Vec::with_capacity(points.len());
    let mut run_start = 0usize;
    let mut run = 0u32;
    let mut prev: Option<i64> = None;
    for (i, &(at, value)) in points.iter().enumerate() {
        if prev.is_some_and(|p| step_s > 0 && at - p != step_s) {
            run = 0;
        }
        prev = Some(at);
        let p = prod.get(&at).copied();
        let crossed = crossed(rule, value, p).is_some();
        out.push(WindowMark {
            at,
            value,
            production: p,
            relative_bound: p.and_then(|p| relative_bound(rule, p)),
            crossed,
            breaching: false,
        });
        if crossed {
            if run == 0 {
                run_start = i;
            }
            run += 1;
            if run >= rule.windows {
                for m in &mut out[run_start..=i] {
                    m.breaching = true;
                }
            }
        } else {
            run = 0;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guardrail::{metric_direction, GuardAction};
    use crate::stage::Stage;

    fn rule(stage: Stage, metric: &str, windows: u32) -> GuardrailRule {
        GuardrailRule {
            id: "r".into(),
            stage,
            metric: metric.into(),
            direction: metric_direction(metric).expect("metric"),
            max: None,
            min: None,
            worse_than_production_by: None,
            windows,
            action: GuardAction::Recommend,
            seed: "§3".into(),
        }
    }

    fn hourly(values: &[f64]) -> Vec<(i64, f64)> {
        values
            .iter()
            .enumerate()
            .map(|(h, v)| (h as i64 * 3600, *v))
            .collect()
    }

    #[test]
    fn marks_follow_the_rule_the_evaluation_reads() {
        let max = GuardrailRule {
            max: Some(2500.0),
            ..rule(Stage::Canary, "latency_p99_ms", 1)
        };
        let margin = GuardrailRule {
            worse_than_production_by: Some(0.2),
            ..rule(Stage::Canary, "latency_p99_ms", 2)
        };
        let floor = GuardrailRule {
            min: Some(0.5),
            ..rule(Stage::Production, "acceptance_rate", 1)
        };
        let higher = GuardrailRule {
            worse_than_production_by: Some(0.1),
            ..rule(Stage::Canary, "acceptance_rate", 1)
        };
        // (case, rule, watched, production, crossed, breaching, relative bound of window 0)
        type Case<'a> = (
            &'a str,
            &'a GuardrailRule,
            Vec<f64>,
            Vec<f64>,
            Vec<bool>,
            Vec<bool>,
            Option<f64>,
        );
        let cases: Vec<Case> = vec![
            (
                "above the maximum, one window is enough",
                &max,
                vec![1800.0, 2740.0, 1790.0],
                vec![1800.0, 1800.0, 1800.0],
                vec![false, true, false],
                vec![false, true, false],
                None,
            ),
            (
                "at the maximum is not above it",
                &max,
                vec![2500.0],
                vec![1800.0],
                vec![false],
                vec![false],
                None,
            ),
            (
                "a margin needs two windows in a row; a lone one crosses without breaching",
                &margin,
                vec![1300.0, 1000.0, 1300.0, 1300.0],
                vec![1000.0, 1000.0, 1000.0, 1000.0],
                vec![true, false, true, true],
                vec![false, false, true, true],
                Some(1200.0),
            ),
            (
                "a margin without production's window crosses nothing",
                &margin,
                vec![5000.0, 5000.0],
                vec![],
                vec![false, false],
                vec![false, false],
                None,
            ),
            (
                "higher is better: the bound is below production",
                &higher,
                vec![0.5, 0.58],
                vec![0.6, 0.6],
                vec![true, false],
                vec![true, false],
                Some(0.54),
            ),
            (
                "a production floor reads production's own windows",
                &floor,
                vec![0.49, 0.51],
                vec![0.0, 0.0],
                vec![true, false],
                vec![true, false],
                None,
            ),
        ];
        for (case, rule, watched, prod, crossed, breaching, bound) in cases {
            let marks = window_marks(rule, &hourly(&watched), &hourly(&prod), 3600);
            let got: Vec<bool> = marks.iter().map(|m| m.crossed).collect();
            assert_eq!(got, crossed, "{case}: crossed");
            let got: Vec<bool> = marks.iter().map(|m| m.breaching).collect();
            assert_eq!(got, breaching, "{case}: breaching");
            let got = marks.first().and_then(|m| m.relative_bound);
            match (got, bound) {
                (Some(g), Some(b)) => assert!((g - b).abs() < 1e-9, "{case}: bound {g} vs {b}"),
                (g, b) => assert_eq!(g, b, "{case}: bound"),
            }
        }
    }

    #[test]
    fn a_missing_window_breaks_a_run() {
        let margin = GuardrailRule {
            worse_than_production_by: Some(0.2),
            ..rule(Stage::Canary, "latency_p99_ms", 2)
        };
        let watched = vec![(0, 1300.0), (7200, 1300.0)];
        let prod = vec![(0, 1000.0), (3600, 1000.0), (7200, 1000.0)];
        let marks = window_marks(&margin, &watched, &prod, 3600);
        assert!(marks.iter().all(|m| m.crossed && !m.breaching));
    }
}
