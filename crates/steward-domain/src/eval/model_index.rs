//! Which evaluation rows a Hugging Face `model-index` carries.
//!
//! The index is Steward's, built from evidence, never typed: only offline runs (golden set,
//! scenario suite, red team) count, only whole-population rows without a timestamp or a
//! variant, and of those the latest import per kind, suite and metric.

use super::{EvalKind, EvalRow};
use crate::DatasetRef;

/// Whether runs of this kind are offline benchmarks a model index reports.
pub fn is_model_index_kind(kind: EvalKind) -> bool {
    matches!(
        kind,
        EvalKind::GoldenSet | EvalKind::ScenarioSuite | EvalKind::RedTeam
    )
}

/// One row of evidence with the run it came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunRow<'a> {
    /// The run's kind.
    pub kind: EvalKind,
    /// The run's suite or dataset.
    pub suite: &'a DatasetRef,
    /// The row.
    pub row: &'a EvalRow,
}

/// The rows a model index carries, from a version's rows in import order (runs oldest first):
/// one per kind, suite and metric, the latest winning, in the order each was first seen.
pub fn model_index_rows<'a>(rows: impl IntoIterator<Item = RunRow<'a>>) -> Vec<RunRow<'a>> {
    let mut out: Vec<RunRow<'a>> = Vec::new();
    for r in rows {
        let row = r.row;
        if !is_model_index_kind(r.kind)
            || !row.slice.is_empty()
            || row.at.is_some()
            || row.variant.is_some()
        {
            continue;
        }
        match out
            .iter_mut()
            .find(|o| o.kind == r.kind && o.suite == r.suite && o.row.metric == row.metric)
        {
            Some(existing) => *existing = r,
            None => out.push(r),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::Slice;

    #[test]
    fn a_model_index_carries_the_latest_offline_whole_population_rows() {
        let golden: DatasetRef = "support-threads@2026-10-01".parse().expect("ref");
        let other: DatasetRef = "support-threads@2026-11-01".parse().expect("ref");
        let plain = |m: &str, v: f64| EvalRow::plain(m, v);
        let sliced = {
            let mut r = plain("accuracy", 0.1);
            r.slice = Slice::single("gender", "female");
            r
        };
        let timed = {
            let mut r = plain("accuracy", 0.2);
            r.at = Some("2026-11-01T00:00:00Z".into());
            r
        };
        let variant = {
            let mut r = plain("accuracy", 0.3);
            r.variant = Some("canary".into());
            r
        };
        let (acc1, acc2, rouge, blocked) = (
            plain("accuracy", 0.8),
            plain("accuracy", 0.9),
            plain("rouge_l", 0.4),
            plain("block_rate", 0.02),
        );
        let lat = plain("latency_p99_ms", 900.0);
        let g = EvalKind::GoldenSet;
        // (case, rows in import order, expected (metric, suite, value) in order)
        type Case<'a> = (
            &'a str,
            Vec<RunRow<'a>>,
            Vec<(&'a str, &'a DatasetRef, f64)>,
        );
        let at = |kind, suite, row| RunRow { kind, suite, row };
        let cases: Vec<Case> = vec![
            (
                "the latest import per metric and suite wins, first-seen order kept",
                vec![
                    at(g, &golden, &acc1),
                    at(g, &golden, &rouge),
                    at(g, &golden, &acc2),
                ],
                vec![("accuracy", &golden, 0.9), ("rouge_l", &golden, 0.4)],
            ),
            (
                "another suite is another row",
                vec![at(g, &golden, &acc1), at(g, &other, &acc2)],
                vec![("accuracy", &golden, 0.8), ("accuracy", &other, 0.9)],
            ),
            (
                "scenario and red-team runs count",
                vec![
                    at(EvalKind::ScenarioSuite, &golden, &rouge),
                    at(EvalKind::RedTeam, &golden, &blocked),
                ],
                vec![("rouge_l", &golden, 0.4), ("block_rate", &golden, 0.02)],
            ),
            (
                "online runs do not",
                vec![
                    at(EvalKind::LoadTest, &golden, &lat),
                    at(EvalKind::OnlineKpis, &golden, &acc1),
                    at(EvalKind::FairnessAudit, &golden, &acc1),
                ],
                vec![],
            ),
            (
                "sliced, timed and variant rows do not",
                vec![
                    at(g, &golden, &sliced),
                    at(g, &golden, &timed),
                    at(g, &golden, &variant),
                ],
                vec![],
            ),
        ];
        for (case, rows, want) in cases {
            let got: Vec<(&str, &DatasetRef, f64)> = model_index_rows(rows)
                .into_iter()
                .map(|r| (r.row.metric.as_str(), r.suite, r.row.value))
                .collect();
            assert_eq!(got, want, "{case}");
        }
    }
}
