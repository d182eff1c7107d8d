//! The risk register of a risk assessment: rows in the front matter's `risks` list, scored
//! likelihood × impact on 1–5 scales, banded, and categorized by the NIST AI RMF (functions
//! GOVERN, MAP, MEASURE, MANAGE and their numbered categories) or by the NIST AI 600-1
//! generative-AI risks.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The NIST AI RMF 1.0 core functions with how many categories each has.
pub const RISK_FUNCTIONS_RMF: [(&str, u32); 4] =
    [("GOVERN", 6), ("MAP", 5), ("MEASURE", 4), ("MANAGE", 4)];

/// The twelve generative-AI risks of NIST AI 600-1, as slugs.
pub const RISK_CATEGORIES_GENAI: [&str; 12] = [
    "cbrn-information-or-capabilities",
    "confabulation",
    "dangerous-violent-or-hateful-content",
    "data-privacy",
    "environmental-impacts",
    "harmful-bias-and-homogenization",
    "human-ai-configuration",
    "information-integrity",
    "information-security",
    "intellectual-property",
    "obscene-degrading-and-or-abusive-content",
    "value-chain-and-component-integration",
];

fn slug(s: &str) -> String {
    s.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The canonical form of a risk category, or `None` when it is neither an AI RMF function or
/// category (`MEASURE`, `MEASURE 2`, `measure-2.11`) nor a 600-1 risk (`Data Privacy`,
/// `data-privacy`).
pub fn parse_risk_category(text: &str) -> Option<String> {
    let t = text.trim();
    let upper = t.to_ascii_uppercase();
    for (function, categories) in RISK_FUNCTIONS_RMF {
        if let Some(rest) = upper.strip_prefix(function) {
            let rest = rest.trim_start_matches([' ', '-', ':']);
            if rest.is_empty() {
                return Some(function.to_string());
            }
            let mut parts = rest.splitn(2, '.');
            let major: u32 = parts.next()?.parse().ok()?;
            let minor = parts.next();
            if !(1..=categories).contains(&major)
                || minor.is_some_and(|m| m.parse::<u32>().map_or(true, |n| n == 0))
            {
                return None;
            }
            return Some(match minor {
                Some(m) => format!("{function} {major}.{m}"),
                None => format!("{function} {major}"),
            });
        }
    }
    let s = slug(t);
    RISK_CATEGORIES_GENAI
        .iter()
        .find(|c| **c == s)
        .map(|c| (*c).to_string())
}

/// The points of the likelihood and impact scales (and their residuals).
pub const RISK_SCALE: [u8; 5] = [1, 2, 3, 4, 5];

/// What is done about a risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum RiskTreatment {
    /// Stop doing what causes it.
    Avoid,
    /// Reduce its likelihood or impact.
    Mitigate,
    /// Hand it to someone else (insurance, a vendor).
    Transfer,
    /// Live with it; a row so treated must say who accepted it and when.
    Accept,
}

impl RiskTreatment {
    /// Every treatment, in the order a choice lists them.
    pub const ALL: [RiskTreatment; 4] = [
        RiskTreatment::Avoid,
        RiskTreatment::Mitigate,
        RiskTreatment::Transfer,
        RiskTreatment::Accept,
    ];

    /// The name as written in the front matter.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskTreatment::Avoid => "avoid",
            RiskTreatment::Mitigate => "mitigate",
            RiskTreatment::Transfer => "transfer",
            RiskTreatment::Accept => "accept",
        }
    }

    /// The treatment named `text` (any case), if any.
    pub fn parse(text: &str) -> Option<RiskTreatment> {
        let t = text.trim();
        RiskTreatment::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(t))
    }
}

/// The severity band of a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum RiskBand {
    /// Score 1–4.
    Low,
    /// Score 5–9.
    Medium,
    /// Score 10–16.
    High,
    /// Score 20–25.
    Critical,
}

impl RiskBand {
    /// The band of `likelihood × impact`.
    pub fn of(score: u32) -> RiskBand {
        match score {
            0..=4 => RiskBand::Low,
            5..=9 => RiskBand::Medium,
            10..=16 => RiskBand::High,
            _ => RiskBand::Critical,
        }
    }

    /// The name as shown and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskBand::Low => "low",
            RiskBand::Medium => "medium",
            RiskBand::High => "high",
            RiskBand::Critical => "critical",
        }
    }
}

/// One row of the register as written, with what Steward computes from it. Fields that are
/// absent or of the wrong type are `None`; [`crate::document::check_document`] reports them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RiskRow {
    /// The row's id (`R-1`).
    pub id: Option<String>,
    /// What could go wrong.
    pub title: Option<String>,
    /// The category as written.
    pub category: Option<String>,
    /// 1–5 as written (out-of-range values are kept so they can be reported).
    pub likelihood: Option<i64>,
    /// 1–5 as written.
    pub impact: Option<i64>,
    /// `likelihood × impact` when both are in range.
    pub score: Option<u32>,
    /// The band of the score.
    pub band: Option<RiskBand>,
    /// avoid, mitigate, transfer or accept.
    pub treatment: Option<String>,
    /// What is done about it.
    pub mitigation: Option<String>,
    /// Who is accountable.
    pub owner: Option<String>,
    /// Likelihood after the mitigation.
    pub residual_likelihood: Option<i64>,
    /// Impact after the mitigation.
    pub residual_impact: Option<i64>,
    /// Residual score when both are in range.
    pub residual_score: Option<u32>,
    /// Who accepted the residual risk, and when.
    pub acceptance: Option<String>,
    /// The 1-based line of the row in the document, when found.
    pub line: Option<u32>,
}

fn text(row: &Map<String, Value>, key: &str) -> Option<String> {
    match row.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn int(row: &Map<String, Value>, key: &str) -> Option<i64> {
    match row.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Whether a likelihood or impact is on the 1–5 scale.
pub(crate) fn in_scale(v: Option<i64>) -> bool {
    v.is_some_and(|v| RISK_SCALE.iter().any(|&p| i64::from(p) == v))
}

fn score(a: Option<i64>, b: Option<i64>) -> Option<u32> {
    if in_scale(a) && in_scale(b) {
        u32::try_from(a? * b?).ok()
    } else {
        None
    }
}

/// The 1-based lines where the items of the top-level `risks:` list start, given the front
/// matter text starting on document line 2.
fn row_lines(front_matter_text: &str) -> Vec<u32> {
    let mut out = Vec::new();
    let mut in_risks = false;
    let mut item_indent: Option<usize> = None;
    for (i, line) in front_matter_text.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        let t = line.trim_start();
        if indent == 0 && !t.is_empty() && !t.starts_with('#') && !t.starts_with('-') {
            in_risks = t.starts_with("risks:");
            item_indent = None;
            continue;
        }
        if in_risks
            && (t.starts_with("- ") || t == "-")
            && item_indent.is_none_or(|ii| ii == indent)
        {
            item_indent = Some(indent);
            out.push(u32::try_from(i + 2).unwrap_or(u32::MAX));
        }
    }
    out
}

/// The rows of the `risks` list in `front_matter`. Entries that are not mappings become empty
/// rows, so they are reported rather than silently dropped.
pub fn risk_register(front_matter: &Map<String, Value>, front_matter_text: &str) -> Vec<RiskRow> {
    let Some(Value::Array(items)) = front_matter.get("risks") else {
        return Vec::new();
    };
    let lines = row_lines(front_matter_text);
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let empty = Map::new();
            let row = item.as_object().unwrap_or(&empty);
            let likelihood = int(row, "likelihood");
            let impact = int(row, "impact");
            let residual_likelihood = int(row, "residual_likelihood");
            let residual_impact = int(row, "residual_impact");
            let s = score(likelihood, impact);
            RiskRow {
                id: text(row, "id"),
                title: text(row, "title"),
                category: text(row, "category"),
                likelihood,
                impact,
                score: s,
                band: s.map(RiskBand::of),
                treatment: text(row, "treatment").map(|t| t.to_ascii_lowercase()),
                mitigation: text(row, "mitigation"),
                owner: text(row, "owner"),
                residual_likelihood,
                residual_impact,
                residual_score: score(residual_likelihood, residual_impact),
                acceptance: text(row, "acceptance"),
                line: lines.get(i).copied(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands() {
        let cases = [
            (1, RiskBand::Low),
            (4, RiskBand::Low),
            (5, RiskBand::Medium),
            (9, RiskBand::Medium),
            (10, RiskBand::High),
            (16, RiskBand::High),
            (20, RiskBand::Critical),
            (25, RiskBand::Critical),
        ];
        for (score, band) in cases {
            assert_eq!(RiskBand::of(score), band, "{score}");
        }
    }

    #[test]
    fn categories() {
        let cases: [(&str, Option<&str>); 12] = [
            ("MEASURE", Some("MEASURE")),
            ("measure 2", Some("MEASURE 2")),
            ("MEASURE-2.11", Some("MEASURE 2.11")),
            ("GOVERN 6", Some("GOVERN 6")),
            ("GOVERN 7", None),
            ("MAP 0", None),
            ("MANAGE 2.0", None),
            ("Data Privacy", Some("data-privacy")),
            (
                "Harmful Bias and Homogenization",
                Some("harmful-bias-and-homogenization"),
            ),
            (
                "Obscene, Degrading, and/or Abusive Content",
                Some("obscene-degrading-and-or-abusive-content"),
            ),
            ("confabulation", Some("confabulation")),
            ("vibes", None),
        ];
        for (input, want) in cases {
            assert_eq!(parse_risk_category(input).as_deref(), want, "{input}");
        }
    }

    #[test]
    fn rows_are_scored_and_located() {
        let fm = "assessor: a\nrisks:\n  - id: R-1\n    likelihood: 4\n    impact: 5\n  - id: R-2\n    likelihood: 7\n    impact: 2\n    residual_likelihood: 1\n    residual_impact: 2\n";
        let map: Map<String, Value> = serde_yaml_ng::from_str(fm).expect("yaml");
        let rows = risk_register(&map, fm);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].score, rows[0].band),
            (Some(20), Some(RiskBand::Critical))
        );
        assert_eq!(rows[0].line, Some(4));
        assert_eq!((rows[1].score, rows[1].residual_score), (None, Some(2)));
        assert_eq!(rows[1].line, Some(7));
    }
}
