//! KPI time series: which metric a KPI chart shows when none is asked for.

use super::EvalRow;

/// The KPIs a canary chart prefers, in order: the seed's acceptance and task-success rates,
/// then the error rate.
pub const KPI_PREFERENCE: [&str; 3] = ["acceptance_rate", "task_success_rate", "error_rate"];

/// Whether a row is a point of a whole-population KPI series (it has a timestamp and no slice).
pub fn is_kpi_point(row: &EvalRow) -> bool {
    row.at.is_some() && row.slice.is_empty()
}

/// The metric a KPI chart draws: `requested` when given (even if it has no points, so the
/// caller can say so), else the first of [`KPI_PREFERENCE`] with series points, else the
/// alphabetically first metric with series points; None when there are no points.
pub fn kpi_metric<'a>(requested: Option<&'a str>, rows: &'a [EvalRow]) -> Option<&'a str> {
    if let Some(m) = requested {
        return Some(m);
    }
    let mut names: Vec<&str> = rows
        .iter()
        .filter(|r| is_kpi_point(r))
        .map(|r| r.metric.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    KPI_PREFERENCE
        .into_iter()
        .find(|m| names.contains(m))
        .or(names.first().copied())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::Slice;

    fn point(metric: &str) -> EvalRow {
        let mut r = EvalRow::plain(metric, 1.0);
        r.at = Some("2026-11-01T00:00:00Z".into());
        r
    }

    #[test]
    fn kpi_charts_prefer_the_seed_kpis_then_the_first_series() {
        let sliced = {
            let mut r = point("acceptance_rate");
            r.slice = Slice::single("region", "eu");
            r
        };
        // (case, requested, rows, metric)
        type Case = (
            &'static str,
            Option<&'static str>,
            Vec<EvalRow>,
            Option<&'static str>,
        );
        let cases: Vec<Case> = vec![
            (
                "asked for",
                Some("latency_ms"),
                vec![point("acceptance_rate")],
                Some("latency_ms"),
            ),
            (
                "acceptance before error rate",
                None,
                vec![point("error_rate"), point("acceptance_rate")],
                Some("acceptance_rate"),
            ),
            (
                "task success before error rate",
                None,
                vec![point("error_rate"), point("task_success_rate")],
                Some("task_success_rate"),
            ),
            (
                "else the first by name",
                None,
                vec![point("zeta"), point("alpha")],
                Some("alpha"),
            ),
            (
                "untimed rows are no series",
                None,
                vec![EvalRow::plain("acceptance_rate", 0.5), point("zeta")],
                Some("zeta"),
            ),
            ("sliced points are no series", None, vec![sliced], None),
            ("nothing timed", None, vec![EvalRow::plain("a", 1.0)], None),
        ];
        for (case, requested, rows, want) in cases {
            assert_eq!(kpi_metric(requested, &rows), want, "{case}");
        }
    }
}
