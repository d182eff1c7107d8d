//! What a gate needs from an evaluation run's rows, reduced once at import.
//!
//! A [`RowSummary`] holds the parts of a [`RunSummary`] that need the rows: this version's
//! whole-population values, the production arm inside the same run (a canary KPI export
//! carries both), and each group's value per group key and metric. It does not depend on the
//! metric catalogue: a later run of the same version may declare a metric an earlier run
//! reported per group, so directions (and with them each key's worst group) are applied when a
//! gate reads it ([`RowSummary::summary`]), from groups a key holds, never from rows.
//!
//! A [`RowSummariser`] builds one a row at a time while a file streams in, and
//! [`RowSummary::to_canonical`] is the one byte form the store keeps and digests. Numbers are
//! written as Rust's shortest round-tripping decimal text, so the text reads back to the same
//! `f64`s and canonical JSON (integers only) can hold it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{KeyFairness, RunSummary};
use crate::digest::Sha256Digest;
use crate::eval::compare::{MetricValue, RunAccumulator};
use crate::eval::fairness::{group_fairness, GroupValue, Tolerance};
use crate::eval::{is_baseline_variant, Catalogue, Direction, EvalKind, EvalRow, Slice};
use crate::trust::canonical::canonical_bytes_of;
use crate::trust::TrustError;

/// The format tag of a stored row summary.
pub const ROW_SUMMARY_FORMAT: &str = "steward.run-summary/v1";

/// The parts of a run's summary that need its rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowSummary {
    /// Whole-population values of this version's arm (`eval::compare::summarize`).
    pub metrics: BTreeMap<String, MetricValue>,
    /// The same rule over the production arm (variants `production`, `baseline`, `control`).
    pub baseline: BTreeMap<String, MetricValue>,
    /// Per group key, per metric, each group's value (later rows win), groups sorted. Only
    /// single-key slices other than `feature`, without timestamp, of this version's arm —
    /// the rows `eval::fairness::by_group` reads.
    pub groups: BTreeMap<String, BTreeMap<String, Vec<GroupValue>>>,
}

/// One row as the summariser reads it (borrowed, so a streaming importer allocates nothing
/// per row).
#[derive(Debug, Clone, Copy)]
pub struct RowView<'a> {
    /// Metric name.
    pub metric: &'a str,
    /// Value.
    pub value: f64,
    /// Slice or group; empty for the whole population.
    pub slice: &'a Slice,
    /// CI low bound.
    pub ci_low: Option<f64>,
    /// CI high bound.
    pub ci_high: Option<f64>,
    /// Count.
    pub n: Option<u64>,
    /// Timestamp (KPI series).
    pub at: Option<&'a str>,
    /// Arm.
    pub variant: Option<&'a str>,
}

impl<'a> RowView<'a> {
    /// A view of a stored row.
    pub fn of(r: &'a EvalRow) -> RowView<'a> {
        RowView {
            metric: &r.metric,
            value: r.value,
            slice: &r.slice,
            ci_low: r.ci_low,
            ci_high: r.ci_high,
            n: r.n,
            at: r.at.as_deref(),
            variant: r.variant.as_deref(),
        }
    }
}

/// Each group's last value and count, by group, by metric, by group key.
type GroupValues = BTreeMap<String, BTreeMap<String, BTreeMap<String, (f64, Option<u64>)>>>;

/// Builds a [`RowSummary`] from rows pushed in file order.
#[derive(Debug, Clone, Default)]
pub struct RowSummariser {
    arm: RunAccumulator,
    baseline: RunAccumulator,
    groups: GroupValues,
}

impl RowSummariser {
    /// Takes the next row of the run.
    pub fn push(&mut self, r: &RowView<'_>) {
        let baseline = is_baseline_variant(r.variant);
        if r.slice.is_empty() {
            let acc = if baseline {
                &mut self.baseline
            } else {
                &mut self.arm
            };
            acc.push(
                r.metric,
                r.value,
                r.ci_low.zip(r.ci_high),
                r.n,
                r.at.is_some(),
            );
            return;
        }
        if baseline || r.at.is_some() {
            return;
        }
        let [(key, group)] = r.slice.pairs() else {
            return;
        };
        if key == "feature" {
            return;
        }
        // Look up before inserting, so a row of a known key, metric and group allocates nothing.
        if !self.groups.contains_key(key.as_str()) {
            self.groups.insert(key.clone(), BTreeMap::new());
        }
        let Some(metrics) = self.groups.get_mut(key.as_str()) else {
            return;
        };
        if !metrics.contains_key(r.metric) {
            metrics.insert(r.metric.to_string(), BTreeMap::new());
        }
        let Some(groups) = metrics.get_mut(r.metric) else {
            return;
        };
        match groups.get_mut(group.as_str()) {
            Some(slot) => *slot = (r.value, r.n),
            None => {
                groups.insert(group.clone(), (r.value, r.n));
            }
        }
    }

    /// The summary of every row pushed.
    pub fn finish(self) -> RowSummary {
        RowSummary {
            metrics: self.arm.finish(),
            baseline: self.baseline.finish(),
            groups: self
                .groups
                .into_iter()
                .map(|(key, metrics)| {
                    let metrics = metrics
                        .into_iter()
                        .map(|(metric, groups)| {
                            let groups = groups
                                .into_iter()
                                .map(|(group, (value, n))| GroupValue { group, value, n })
                                .collect();
                            (metric, groups)
                        })
                        .collect();
                    (key, metrics)
                })
                .collect(),
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredValue {
    value: String,
    ci: Option<[String; 2]>,
    n: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredGroup {
    group: String,
    value: String,
    n: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    format: String,
    metrics: BTreeMap<String, StoredValue>,
    baseline: BTreeMap<String, StoredValue>,
    groups: BTreeMap<String, BTreeMap<String, Vec<StoredGroup>>>,
}

fn number(v: f64) -> String {
    format!("{v}")
}

fn read_number(text: &str, at: &str) -> Result<f64, String> {
    text.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("{at}: {text:?} is not a finite number"))
}

fn read_count(text: &str, at: &str) -> Result<u64, String> {
    text.parse::<u64>()
        .map_err(|_| format!("{at}: {text:?} is not a count"))
}

fn stored_values(m: &BTreeMap<String, MetricValue>) -> BTreeMap<String, StoredValue> {
    m.iter()
        .map(|(k, v)| {
            (
                k.clone(),
                StoredValue {
                    value: number(v.value),
                    ci: v.ci.map(|(l, h)| [number(l), number(h)]),
                    n: v.n.map(|n| n.to_string()),
                },
            )
        })
        .collect()
}

fn read_values(
    m: BTreeMap<String, StoredValue>,
    part: &str,
) -> Result<BTreeMap<String, MetricValue>, String> {
    m.into_iter()
        .map(|(k, v)| {
            let at = format!("{part}.{k}");
            let ci = match &v.ci {
                Some([l, h]) => Some((
                    read_number(l, &format!("{at}.ci"))?,
                    read_number(h, &format!("{at}.ci"))?,
                )),
                None => None,
            };
            let value = MetricValue {
                value: read_number(&v.value, &format!("{at}.value"))?,
                ci,
                n: v.n
                    .as_deref()
                    .map(|n| read_count(n, &format!("{at}.n")))
                    .transpose()?,
            };
            Ok((k, value))
        })
        .collect()
}

impl RowSummary {
    /// Summarises a run's rows in file order (one pass of a [`RowSummariser`]).
    pub fn from_rows(rows: &[EvalRow]) -> RowSummary {
        let mut s = RowSummariser::default();
        for r in rows {
            s.push(&RowView::of(r));
        }
        s.finish()
    }

    /// The canonical JSON text the store keeps (object keys sorted, no whitespace, numbers as
    /// decimal text).
    pub fn to_canonical(&self) -> Result<String, TrustError> {
        let stored = Stored {
            format: ROW_SUMMARY_FORMAT.to_string(),
            metrics: stored_values(&self.metrics),
            baseline: stored_values(&self.baseline),
            groups: self
                .groups
                .iter()
                .map(|(key, metrics)| {
                    let metrics = metrics
                        .iter()
                        .map(|(metric, groups)| {
                            let groups = groups
                                .iter()
                                .map(|g| StoredGroup {
                                    group: g.group.clone(),
                                    value: number(g.value),
                                    n: g.n.map(|n| n.to_string()),
                                })
                                .collect();
                            (metric.clone(), groups)
                        })
                        .collect();
                    (key.clone(), metrics)
                })
                .collect(),
        };
        let bytes = canonical_bytes_of(&stored)?;
        String::from_utf8(bytes).map_err(|e| TrustError::Serialize {
            what: "run summary",
            reason: e.to_string(),
        })
    }

    /// sha256 of [`RowSummary::to_canonical`].
    pub fn digest(&self) -> Result<Sha256Digest, TrustError> {
        Ok(Sha256Digest::of(self.to_canonical()?.as_bytes()))
    }

    /// Reads the stored text back; an error names the part that does not read.
    pub fn from_canonical(text: &str) -> Result<RowSummary, String> {
        let stored: Stored =
            serde_json::from_str(text).map_err(|e| format!("not a run summary: {e}"))?;
        if stored.format != ROW_SUMMARY_FORMAT {
            return Err(format!(
                "format {:?} is not {ROW_SUMMARY_FORMAT:?}",
                stored.format
            ));
        }
        let mut groups = BTreeMap::new();
        for (key, metrics) in stored.groups {
            let mut out = BTreeMap::new();
            for (metric, gs) in metrics {
                let at = format!("groups.{key}.{metric}");
                let gs = gs
                    .into_iter()
                    .map(|g| {
                        Ok(GroupValue {
                            value: read_number(&g.value, &format!("{at}.{}", g.group))?,
                            n: g.n
                                .as_deref()
                                .map(|n| read_count(n, &format!("{at}.{}.n", g.group)))
                                .transpose()?,
                            group: g.group,
                        })
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                out.insert(metric, gs);
            }
            groups.insert(key, out);
        }
        Ok(RowSummary {
            metrics: read_values(stored.metrics, "metrics")?,
            baseline: read_values(stored.baseline, "baseline")?,
            groups,
        })
    }

    /// The run's [`RunSummary`]: fairness per group key judged with the directions of
    /// `catalogue` (the builtin metrics and what the version's files declared) against
    /// `tolerance`. Costs the number of groups, not of rows.
    pub fn summary(
        &self,
        id: &str,
        kind: EvalKind,
        evidence_digest: Sha256Digest,
        catalogue: &Catalogue,
        tolerance: Tolerance,
    ) -> RunSummary {
        let fairness = self
            .groups
            .iter()
            .map(|(key, metrics)| KeyFairness {
                key: key.clone(),
                metrics: metrics
                    .iter()
                    .filter_map(|(metric, groups)| {
                        let direction = catalogue
                            .get(metric)
                            .map_or(Direction::None, |d| d.direction);
                        group_fairness(metric, direction, groups.clone(), tolerance)
                    })
                    .collect(),
            })
            .filter(|k| !k.metrics.is_empty())
            .collect();
        RunSummary {
            id: id.to_string(),
            kind,
            evidence_digest,
            metrics: self.metrics.clone(),
            baseline: self.baseline.clone(),
            fairness,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::compare::summarize;
    use crate::eval::fairness::{by_group, group_keys};
    use crate::eval::MetricDef;

    fn row(
        metric: &str,
        value: f64,
        slice: &str,
        at: Option<&str>,
        variant: Option<&str>,
    ) -> EvalRow {
        EvalRow {
            slice: Slice::parse(slice).expect("slice"),
            at: at.map(str::to_string),
            variant: variant.map(str::to_string),
            ..EvalRow::plain(metric, value)
        }
    }

    /// The summary as it was computed from rows before it was kept at import: `summarize` over
    /// each arm and `by_group` for every key of `group_keys`.
    fn reference(rows: &[EvalRow], catalogue: &Catalogue, tol: Tolerance) -> RunSummary {
        let baseline: Vec<EvalRow> = rows
            .iter()
            .filter(|r| is_baseline_variant(r.variant.as_deref()))
            .map(|r| EvalRow {
                variant: None,
                ..r.clone()
            })
            .collect();
        RunSummary {
            id: "r".into(),
            kind: EvalKind::FairnessAudit,
            evidence_digest: Sha256Digest::of(b"r"),
            metrics: summarize([rows]),
            baseline: summarize([baseline.as_slice()]),
            fairness: group_keys(rows)
                .into_iter()
                .map(|key| KeyFairness {
                    metrics: by_group(rows, &key, catalogue, tol),
                    key,
                })
                .filter(|k| !k.metrics.is_empty())
                .collect(),
        }
    }

    fn cases() -> Vec<(&'static str, Vec<EvalRow>)> {
        let t1 = Some("2026-11-18T00:00:00Z");
        let t2 = Some("2026-11-18T01:00:00Z");
        vec![
            ("empty", vec![]),
            (
                "scalars, last wins, with CI and n",
                vec![
                    EvalRow {
                        ci_low: Some(0.404),
                        ci_high: Some(0.42),
                        n: Some(1200),
                        ..row("rouge_l", 0.412, "", None, None)
                    },
                    row("rouge_l", 0.436, "", None, None),
                    row("distribution", 3.0, "", None, None),
                ],
            ),
            (
                "latency samples and counts become percentiles and rates",
                (1..=250)
                    .map(|i| row("latency_ms", 90.0 + f64::from(i) * 1.7, "", None, None))
                    .chain([
                        row("requests", 72_000.0, "", None, None),
                        row("errors", 113.0, "", None, None),
                        row("cost_usd", 207.36, "", None, None),
                        row("latency_p99_ms", 512.5, "", None, None),
                    ])
                    .collect(),
            ),
            (
                "a KPI export carries both arms; a scalar beats a series",
                vec![
                    row("acceptance_rate", 0.6444, "", t1, Some("canary")),
                    row("acceptance_rate", 0.5865, "", t1, Some("production")),
                    row("acceptance_rate", 0.6267, "", t2, Some("canary")),
                    row("acceptance_rate", 0.5854, "", t2, Some("production")),
                    row("error_rate", 0.00161, "", t1, Some("canary")),
                    row("error_rate", 0.0017, "", None, Some("canary")),
                    row("task_success_rate", 0.74, "", t1, Some("baseline")),
                    row("task_success_rate", 0.72, "", t1, Some("control")),
                ],
            ),
            (
                "groups per key: later rows win; feature, multi-key, timestamped and baseline rows are not groups",
                vec![
                    row("selection_rate", 0.41, "locale=en", None, None),
                    row("selection_rate", 0.36, "locale=es", None, None),
                    row("selection_rate", 0.38, "locale=es", None, None),
                    row("selection_rate", 0.2, "locale=de", None, Some("production")),
                    row("selection_rate", 0.2, "locale=fr", t1, None),
                    row("psi", 0.12, "feature=thread_length", None, None),
                    row("task_success_rate", 0.7, "locale=en,customer_tier=pro", None, None),
                    EvalRow {
                        n: Some(400),
                        ..row("task_success_rate", 0.76, "customer_tier=free", None, None)
                    },
                    row("task_success_rate", 0.81, "customer_tier=enterprise", None, Some("canary")),
                    row("latency_ms", 210.0, "customer_tier=free", None, None),
                    row("draft_rework_rate", 0.08, "region=eu", t1, None),
                ],
            ),
        ]
    }

    #[test]
    fn the_row_summary_gives_what_the_rows_gave() {
        let declared = BTreeMap::from([(
            "draft_rework_rate".to_string(),
            MetricDef {
                name: "draft_rework_rate".into(),
                label: "Draft rework rate".into(),
                unit: "ratio".into(),
                direction: Direction::Lower,
                threshold: None,
                margin: None,
            },
        )]);
        let catalogues = [
            Catalogue::builtin().clone(),
            Catalogue::builtin().with_declared(&declared),
        ];
        for (name, rows) in cases() {
            for catalogue in &catalogues {
                for tol in [
                    Tolerance::default(),
                    Tolerance {
                        max_difference: 0.02,
                        min_ratio: 0.95,
                    },
                ] {
                    let want = reference(&rows, catalogue, tol);
                    let kept = RowSummary::from_rows(&rows);
                    let text = kept.to_canonical().expect("canonical");
                    let read = RowSummary::from_canonical(&text).expect("reads back");
                    assert_eq!(read, kept, "{name}: the stored text reads back exactly");
                    let got = read.summary("r", want.kind, want.evidence_digest, catalogue, tol);
                    assert_eq!(got, want, "{name}");
                }
            }
        }
    }

    #[test]
    fn directions_come_from_the_catalogue_when_read_not_when_kept() {
        let rows = vec![
            row("draft_rework_rate", 0.05, "locale=en", None, None),
            row("draft_rework_rate", 0.09, "locale=es", None, None),
        ];
        let kept = RowSummary::from_rows(&rows);
        let worst = |c: &Catalogue| {
            kept.summary(
                "r",
                EvalKind::FairnessAudit,
                Sha256Digest::of(b"r"),
                c,
                Tolerance::default(),
            )
            .fairness[0]
                .metrics[0]
                .worst_group
                .clone()
        };
        // Undeclared, the lowest value is worst; once a later run declares that lower is
        // better, the highest is.
        assert_eq!(worst(Catalogue::builtin()), "en");
        let declared = BTreeMap::from([(
            "draft_rework_rate".to_string(),
            MetricDef {
                name: "draft_rework_rate".into(),
                label: "Draft rework rate".into(),
                unit: "ratio".into(),
                direction: Direction::Lower,
                threshold: None,
                margin: None,
            },
        )]);
        assert_eq!(worst(&Catalogue::builtin().with_declared(&declared)), "es");
    }

    #[test]
    fn the_canonical_text_is_stable_and_exact() {
        let rows = vec![
            EvalRow {
                ci_low: Some(0.1),
                ci_high: Some(0.30000000000000004),
                n: Some(9_007_199_254_740_993),
                ..row("rouge_l", 1e-300, "", None, None)
            },
            row("toxicity_rate", -0.0, "", None, None),
            row("selection_rate", 1e21, "locale=en", None, None),
        ];
        let kept = RowSummary::from_rows(&rows);
        let text = kept.to_canonical().expect("canonical");
        assert!(
            text.starts_with("{\"baseline\":{},\"format\":\"steward.run-summary/v1\""),
            "{text}"
        );
        assert!(text.contains("\"n\":\"9007199254740993\""), "{text}");
        assert!(
            text.contains("\"value\":\"1000000000000000000000\""),
            "{text}"
        );
        let read = RowSummary::from_canonical(&text).expect("reads");
        assert_eq!(read, kept);
        assert_eq!(read.to_canonical().expect("again"), text);
        assert_eq!(
            kept.digest().expect("digest"),
            Sha256Digest::of(text.as_bytes())
        );
    }

    #[test]
    fn a_damaged_text_is_refused_naming_the_part() {
        let kept = RowSummary::from_rows(&[
            row("rouge_l", 0.436, "", None, None),
            row("selection_rate", 0.41, "locale=en", None, None),
        ]);
        let text = kept.to_canonical().expect("canonical");
        let cases = [
            ("not JSON", "{".to_string(), "not a run summary"),
            (
                "another format",
                text.replace(ROW_SUMMARY_FORMAT, "steward.run-summary/v9"),
                "steward.run-summary/v9",
            ),
            (
                "a value that is not a number",
                text.replace("\"0.436\"", "\"high\""),
                "metrics.rouge_l.value: \"high\" is not a finite number",
            ),
            (
                "a group value that is not finite",
                text.replace("\"0.41\"", "\"NaN\""),
                "groups.locale.selection_rate.en",
            ),
            (
                "an unknown field",
                text.replace("\"format\"", "\"extra\":1,\"format\""),
                "unknown field",
            ),
        ];
        for (name, damaged, want) in cases {
            let err = RowSummary::from_canonical(&damaged).expect_err(name);
            assert!(err.contains(want), "{name}: {err}");
        }
    }
}
