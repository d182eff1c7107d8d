//! Evaluation evidence: the kinds of run, the metrics catalogue (unit and which direction is
//! better), metric rows and their checks, and the computations the seed's promotion criteria
//! read — candidate vs production, fairness per group, drift (PSI), latency percentiles and
//! operational rates — plus LTTB downsampling for charts.
//!
//! Everything here is pure: the importer (in `steward-api`) streams files and calls
//! [`check_value`], [`Slice::parse`] and [`Catalogue::get`] per row; the store keeps the rows;
//! these functions turn rows into the numbers a reviewer reads.

pub mod cell;
pub mod compare;
pub mod drift;
pub mod fairness;
pub mod kpi;
pub mod lttb;
pub mod model_index;
pub mod ops;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Result};

/// What kind of evaluation a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum EvalKind {
    /// Offline golden dataset with acceptance thresholds.
    GoldenSet,
    /// Scenario-based tests: hallucination, refusals, policy adherence, bias stress.
    ScenarioSuite,
    /// Red-team automation: jailbreak suites and prompt-injection cases.
    RedTeam,
    /// Demographically stratified metrics, or raw predictions with group columns.
    FairnessAudit,
    /// Load test: latency, errors, timeouts, cost.
    LoadTest,
    /// Online KPI export, usually canary vs production series.
    OnlineKpis,
}

impl EvalKind {
    /// Every kind, in the order the studio lists them.
    pub const ALL: [EvalKind; 6] = [
        EvalKind::GoldenSet,
        EvalKind::ScenarioSuite,
        EvalKind::RedTeam,
        EvalKind::FairnessAudit,
        EvalKind::LoadTest,
        EvalKind::OnlineKpis,
    ];

    /// The name used in files, on the command line and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            EvalKind::GoldenSet => "golden-set",
            EvalKind::ScenarioSuite => "scenario-suite",
            EvalKind::RedTeam => "red-team",
            EvalKind::FairnessAudit => "fairness-audit",
            EvalKind::LoadTest => "load-test",
            EvalKind::OnlineKpis => "online-kpis",
        }
    }

    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            EvalKind::GoldenSet => "Offline golden set",
            EvalKind::ScenarioSuite => "Scenario suite",
            EvalKind::RedTeam => "Red-team / jailbreak suite",
            EvalKind::FairnessAudit => "Fairness audit",
            EvalKind::LoadTest => "Load test",
            EvalKind::OnlineKpis => "Online KPIs",
        }
    }
}

impl fmt::Display for EvalKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EvalKind {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_lowercase().replace('_', "-");
        let alias = match t.as_str() {
            "golden" | "offline" => Some(EvalKind::GoldenSet),
            "scenario" | "scenarios" => Some(EvalKind::ScenarioSuite),
            "redteam" | "jailbreak" => Some(EvalKind::RedTeam),
            "fairness" => Some(EvalKind::FairnessAudit),
            "load" => Some(EvalKind::LoadTest),
            "kpi" | "kpis" | "online" => Some(EvalKind::OnlineKpis),
            _ => None,
        };
        alias
            .or_else(|| EvalKind::ALL.into_iter().find(|k| k.as_str() == t))
            .ok_or_else(|| DomainError::Invalid {
                field: "evaluation kind",
                input: s.to_string(),
                expected: format!("one of {}", EvalKind::ALL.map(EvalKind::as_str).join(", ")),
            })
    }
}

/// Which way a metric improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Higher is better (accuracy, pass rates).
    Higher,
    /// Lower is better (latency, error rates, cost).
    Lower,
    /// Neither: a descriptive value (selection rate, request count, a distribution).
    None,
}

impl Direction {
    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
            Direction::None => "none",
        }
    }
}

impl FromStr for Direction {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "higher" | "higher-is-better" | "up" => Ok(Direction::Higher),
            "lower" | "lower-is-better" | "down" => Ok(Direction::Lower),
            "none" | "neutral" => Ok(Direction::None),
            _ => Err(DomainError::Invalid {
                field: "metric direction",
                input: s.to_string(),
                expected: "higher, lower or none".into(),
            }),
        }
    }
}

/// One metric of the catalogue (or declared by an evaluation file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricDef {
    /// Name as it appears in files (`rouge_l`).
    pub name: String,
    /// Unit (`share`, `ms`, `USD`, `count`, `score`).
    pub unit: String,
    /// Which way is better.
    pub direction: Direction,
    /// Human label.
    #[serde(default)]
    pub label: String,
    /// Default acceptance threshold (minimum when higher is better, maximum when lower).
    #[serde(default)]
    pub threshold: Option<f64>,
    /// Default margin a candidate must beat production by, in the metric's unit.
    #[serde(default)]
    pub margin: Option<f64>,
}

#[derive(Deserialize)]
struct CatalogueFile {
    metrics: Vec<MetricDef>,
}

/// The metrics Steward knows, from `assets/metrics/catalogue.json` (embedded).
#[derive(Debug, Clone)]
pub struct Catalogue {
    by_name: HashMap<String, MetricDef>,
}

const CATALOGUE_JSON: &str = include_str!("../../../../assets/metrics/catalogue.json");

impl Catalogue {
    /// The built-in catalogue.
    pub fn builtin() -> &'static Catalogue {
        static CAT: OnceLock<Catalogue> = OnceLock::new();
        CAT.get_or_init(|| {
            // The file is part of the build and pinned by a test; an error here is a bug.
            let file: CatalogueFile =
                serde_json::from_str(CATALOGUE_JSON).unwrap_or(CatalogueFile { metrics: vec![] });
            Catalogue::from_defs(file.metrics)
        })
    }

    /// A catalogue of `defs`.
    pub fn from_defs(defs: impl IntoIterator<Item = MetricDef>) -> Catalogue {
        Catalogue {
            by_name: defs.into_iter().map(|d| (d.name.clone(), d)).collect(),
        }
    }

    /// The definition of `name`, if known.
    pub fn get(&self, name: &str) -> Option<&MetricDef> {
        self.by_name.get(name)
    }

    /// This catalogue plus `declared` (declarations win only for metrics the catalogue lacks:
    /// a file cannot flip the direction of a known metric).
    pub fn with_declared(&self, declared: &BTreeMap<String, MetricDef>) -> Catalogue {
        let mut by_name = self.by_name.clone();
        for (name, def) in declared {
            by_name.entry(name.clone()).or_insert_with(|| def.clone());
        }
        Catalogue { by_name }
    }

    /// Every metric, by name.
    pub fn all(&self) -> Vec<&MetricDef> {
        let mut v: Vec<_> = self.by_name.values().collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }
}

/// Checks a metric name: `[A-Za-z0-9_.:/-]{1,128}`.
pub fn check_metric_name(name: &str) -> std::result::Result<(), String> {
    if name.is_empty() {
        return Err("the metric name is empty".into());
    }
    if name.len() > 128 {
        return Err("the metric name is longer than 128 characters".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "_.:/-".contains(*c)))
    {
        return Err(format!(
            "{name:?} holds {c:?}; metric names use letters, digits and _ . : / -"
        ));
    }
    Ok(())
}

/// Refuses NaN and infinite numbers, naming what was given.
pub fn check_value(value: f64) -> std::result::Result<f64, String> {
    if value.is_nan() {
        return Err("NaN is not a measurement; leave the row out or fix the evaluation".into());
    }
    if value.is_infinite() {
        return Err(format!(
            "{value} is not a finite number; leave the row out or fix the evaluation"
        ));
    }
    Ok(value)
}

/// Checks a confidence interval against its value.
pub fn check_interval(
    value: f64,
    low: Option<f64>,
    high: Option<f64>,
) -> std::result::Result<(), String> {
    match (low, high) {
        (Some(l), Some(h)) if l > h => Err(format!("ci_low {l} is above ci_high {h}")),
        (Some(l), Some(h)) if value < l || value > h => Err(format!(
            "the value {value} lies outside its confidence interval [{l}, {h}]"
        )),
        (Some(_), None) | (None, Some(_)) => Err("give both ci_low and ci_high, or neither".into()),
        _ => Ok(()),
    }
}

/// A slice or group: `key=value` pairs (`gender=female,age=18-25`), kept sorted by key so
/// the same group always has the same text. The empty slice is the whole population.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slice(Vec<(String, String)>);

impl Slice {
    /// Parses `k=v,k2=v2`; the empty text is the whole population.
    pub fn parse(text: &str) -> std::result::Result<Slice, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Slice::default());
        }
        let mut pairs = Vec::new();
        for part in text.split(',') {
            let (k, v) = part.split_once('=').ok_or_else(|| {
                format!("{part:?} is not key=value (a slice looks like gender=female,age=18-25)")
            })?;
            let (k, v) = (k.trim(), v.trim());
            if k.is_empty() || v.is_empty() {
                return Err(format!("{part:?} has an empty key or value"));
            }
            if pairs.iter().any(|(pk, _): &(String, String)| pk == k) {
                return Err(format!("the key {k:?} appears twice"));
            }
            pairs.push((k.to_string(), v.to_string()));
        }
        pairs.sort();
        Ok(Slice(pairs))
    }

    /// A one-key slice.
    pub fn single(key: &str, value: &str) -> Slice {
        Slice(vec![(key.to_string(), value.to_string())])
    }

    /// The pairs, sorted by key.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// Whether this is the whole population.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value of `key`, when this slice is exactly that one key.
    pub fn only(&self, key: &str) -> Option<&str> {
        match self.0.as_slice() {
            [(k, v)] if k == key => Some(v),
            _ => None,
        }
    }

    /// The value of `key` in this slice.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Display for Slice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{k}={v}")?;
        }
        Ok(())
    }
}

/// One stored metric value.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalRow {
    /// Metric name.
    pub metric: String,
    /// Value (finite).
    pub value: f64,
    /// Slice or group; empty for the whole population.
    pub slice: Slice,
    /// Confidence interval low bound.
    pub ci_low: Option<f64>,
    /// Confidence interval high bound.
    pub ci_high: Option<f64>,
    /// Count behind the value.
    pub n: Option<u64>,
    /// When (KPI series), RFC 3339 text.
    pub at: Option<String>,
    /// Which arm (`canary`, `production`, `reference`, `current`).
    pub variant: Option<String>,
}

impl EvalRow {
    /// A plain whole-population value.
    pub fn plain(metric: &str, value: f64) -> EvalRow {
        EvalRow {
            metric: metric.to_string(),
            value,
            slice: Slice::default(),
            ci_low: None,
            ci_high: None,
            n: None,
            at: None,
            variant: None,
        }
    }
}

/// Variants that describe the production baseline inside a run imported for another version
/// (a canary KPI export carries both arms).
pub fn is_baseline_variant(variant: Option<&str>) -> bool {
    matches!(variant, Some("production" | "baseline" | "control"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_catalogue_parses_and_knows_the_seed_metrics() {
        let file: CatalogueFile = serde_json::from_str(CATALOGUE_JSON).expect("catalogue parses");
        assert!(file.metrics.len() > 30);
        let c = Catalogue::builtin();
        for (name, dir) in [
            ("rouge_l", Direction::Higher),
            ("latency_p99_ms", Direction::Lower),
            ("selection_rate", Direction::None),
            ("cost_per_1k_usd", Direction::Lower),
            ("jailbreak_pass_rate", Direction::Higher),
        ] {
            assert_eq!(c.get(name).map(|d| d.direction), Some(dir), "{name}");
        }
    }

    #[test]
    fn kinds_parse_with_aliases() {
        for (text, kind) in [
            ("golden-set", EvalKind::GoldenSet),
            ("red_team", EvalKind::RedTeam),
            ("jailbreak", EvalKind::RedTeam),
            ("KPI", EvalKind::OnlineKpis),
            ("load-test", EvalKind::LoadTest),
        ] {
            assert_eq!(text.parse::<EvalKind>().expect(text), kind);
        }
        let err = "bogus".parse::<EvalKind>().expect_err("refused");
        assert!(err.to_string().contains("golden-set"), "{err}");
    }

    #[test]
    fn slices_are_canonical() {
        let cases = [
            ("", Ok("")),
            ("gender=female", Ok("gender=female")),
            (" age=18-25 , gender=female", Ok("age=18-25,gender=female")),
            ("gender=female,age=18-25", Ok("age=18-25,gender=female")),
            ("gender", Err("not key=value")),
            ("a=1,a=2", Err("appears twice")),
            ("a=", Err("empty key or value")),
        ];
        for (input, want) in cases {
            match (Slice::parse(input), want) {
                (Ok(s), Ok(w)) => assert_eq!(s.to_string(), w, "{input}"),
                (Err(e), Err(w)) => assert!(e.contains(w), "{input}: {e}"),
                (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn values_and_intervals() {
        assert!(check_value(f64::NAN).is_err());
        assert!(check_value(f64::INFINITY).is_err());
        assert!(check_value(f64::NEG_INFINITY).is_err());
        assert_eq!(check_value(0.5), Ok(0.5));
        let cases = [
            (0.5, Some(0.4), Some(0.6), true),
            (0.5, Some(0.6), Some(0.4), false),
            (0.7, Some(0.4), Some(0.6), false),
            (0.5, Some(0.4), None, false),
            (0.5, None, None, true),
        ];
        for (v, l, h, ok) in cases {
            assert_eq!(check_interval(v, l, h).is_ok(), ok, "{v} {l:?} {h:?}");
        }
        assert!(check_metric_name("rouge_l").is_ok());
        assert!(check_metric_name("a b").is_err());
        assert!(check_metric_name("").is_err());
    }
}
