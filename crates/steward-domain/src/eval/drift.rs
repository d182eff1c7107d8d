//! Drift: the population stability index between a reference and a current binned
//! distribution, labelled with the usual convention — below 0.1 stable, 0.1 to 0.25
//! moderate, 0.25 and above significant.
//!
//! PSI = Σ (cᵢ − rᵢ) · ln(cᵢ / rᵢ) over bins, with r and c the shares of each distribution
//! (counts are normalized first). An empty bin would make the logarithm infinite, so shares
//! below [`EMPTY_BIN_SHARE`] are raised to it, as most monitoring tools do.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{EvalRow, Slice};

/// The share an empty bin is counted as.
pub const EMPTY_BIN_SHARE: f64 = 1e-4;
/// PSI at or above this is moderate drift.
pub const MODERATE: f64 = 0.1;
/// PSI at or above this is significant drift.
pub const SIGNIFICANT: f64 = 0.25;

/// The label of a PSI value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum DriftLevel {
    /// PSI < 0.1.
    Stable,
    /// 0.1 ≤ PSI < 0.25.
    Moderate,
    /// PSI ≥ 0.25.
    Significant,
}

impl DriftLevel {
    /// The label of `psi`.
    pub fn of(psi: f64) -> DriftLevel {
        if psi >= SIGNIFICANT {
            DriftLevel::Significant
        } else if psi >= MODERATE {
            DriftLevel::Moderate
        } else {
            DriftLevel::Stable
        }
    }

    /// The label as shown and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            DriftLevel::Stable => "stable",
            DriftLevel::Moderate => "moderate",
            DriftLevel::Significant => "significant",
        }
    }

    /// The convention, for reports.
    pub fn convention() -> &'static str {
        "PSI < 0.1 stable, 0.1–0.25 moderate, ≥ 0.25 significant"
    }
}

/// PSI between two binned distributions of the same bins (counts or shares).
pub fn psi(reference: &[f64], current: &[f64]) -> Result<f64, String> {
    if reference.len() != current.len() {
        return Err(format!(
            "the reference has {} bins and the current distribution {}",
            reference.len(),
            current.len()
        ));
    }
    if reference.is_empty() {
        return Err("no bins".into());
    }
    if reference
        .iter()
        .chain(current)
        .any(|v| *v < 0.0 || !v.is_finite())
    {
        return Err("bin values must be finite and not negative".into());
    }
    let (rs, cs): (f64, f64) = (reference.iter().sum(), current.iter().sum());
    if rs <= 0.0 || cs <= 0.0 {
        return Err("a distribution with no mass".into());
    }
    Ok(reference
        .iter()
        .zip(current)
        .map(|(r, c)| {
            let r = (r / rs).max(EMPTY_BIN_SHARE);
            let c = (c / cs).max(EMPTY_BIN_SHARE);
            (c - r) * (c / r).ln()
        })
        .sum())
}

/// One feature's drift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureDrift {
    /// Feature name.
    pub feature: String,
    /// PSI.
    pub psi: f64,
    /// Its label.
    pub level: DriftLevel,
    /// Bins as (bin, reference value, current value), when computed from distributions.
    pub bins: Vec<(String, f64, f64)>,
}

fn is_reference(variant: Option<&str>) -> Option<bool> {
    match variant {
        Some("reference" | "baseline" | "production" | "training") => Some(true),
        Some("current" | "canary" | "candidate" | "serving") => Some(false),
        _ => None,
    }
}

/// Drift per feature from rows: `distribution` rows sliced `feature=F,bin=B` with variant
/// `reference` or `current` are binned distributions; `psi` rows sliced `feature=F` are PSI
/// values computed elsewhere (kept as given). Features sorted by name.
pub fn by_feature(rows: &[EvalRow]) -> Vec<FeatureDrift> {
    let mut bins: BTreeMap<String, BTreeMap<String, (f64, f64)>> = BTreeMap::new();
    let mut given: BTreeMap<String, f64> = BTreeMap::new();
    for r in rows {
        let Some(feature) = r.slice.get("feature") else {
            continue;
        };
        if r.metric == "psi" && r.slice.pairs().len() == 1 {
            given.insert(feature.to_string(), r.value);
        } else if r.metric == "distribution" {
            let (Some(bin), Some(is_ref)) =
                (r.slice.get("bin"), is_reference(r.variant.as_deref()))
            else {
                continue;
            };
            let e = bins
                .entry(feature.to_string())
                .or_default()
                .entry(bin.to_string())
                .or_insert((0.0, 0.0));
            if is_ref {
                e.0 = r.value;
            } else {
                e.1 = r.value;
            }
        }
    }
    let mut out: BTreeMap<String, FeatureDrift> = BTreeMap::new();
    for (feature, b) in bins {
        let (r, c): (Vec<f64>, Vec<f64>) = b.values().copied().unzip();
        if let Ok(p) = psi(&r, &c) {
            let bins = b.into_iter().map(|(k, (r, c))| (k, r, c)).collect();
            out.insert(
                feature.clone(),
                FeatureDrift {
                    feature,
                    psi: p,
                    level: DriftLevel::of(p),
                    bins,
                },
            );
        }
    }
    for (feature, p) in given {
        out.entry(feature.clone()).or_insert(FeatureDrift {
            feature,
            psi: p,
            level: DriftLevel::of(p),
            bins: Vec::new(),
        });
    }
    out.into_values().collect()
}

/// The slice a distribution row uses.
pub fn bin_slice(feature: &str, bin: &str) -> Slice {
    Slice::parse(&format!("bin={bin},feature={feature}")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psi_values_and_labels() {
        // Hand-computed: Σ (c−r)·ln(c/r).
        let cases: &[(&[f64], &[f64], f64, DriftLevel)] = &[
            (
                &[0.25, 0.25, 0.25, 0.25],
                &[0.25, 0.25, 0.25, 0.25],
                0.0,
                DriftLevel::Stable,
            ),
            (
                &[50.0, 50.0],
                &[40.0, 60.0],
                0.1 * (1.5f64).ln(),
                DriftLevel::Stable,
            ),
            (
                &[0.5, 0.5],
                &[0.3, 0.7],
                0.2 * (0.7f64 / 0.3).ln(),
                DriftLevel::Moderate,
            ),
            (
                &[0.5, 0.5],
                &[0.1, 0.9],
                0.4 * 9f64.ln(),
                DriftLevel::Significant,
            ),
            (
                &[1.0, 0.0],
                &[0.5, 0.5],
                {
                    let (r0, r1, c) = (1.0f64, EMPTY_BIN_SHARE, 0.5f64);
                    (c - r0) * (c / r0).ln() + (c - r1) * (c / r1).ln()
                },
                DriftLevel::Significant,
            ),
        ];
        for (r, c, want, level) in cases {
            let got = psi(r, c).expect("psi");
            assert!((got - want).abs() < 1e-12, "{r:?} {c:?}: {got} vs {want}");
            assert_eq!(DriftLevel::of(got), *level, "{r:?} {c:?}");
        }
        assert!(psi(&[1.0], &[1.0, 2.0]).is_err());
        assert!(psi(&[0.0, 0.0], &[1.0, 2.0]).is_err());
        assert_eq!(DriftLevel::of(0.1), DriftLevel::Moderate);
        assert_eq!(DriftLevel::of(0.25), DriftLevel::Significant);
    }

    #[test]
    fn drift_from_rows() {
        let mut rows = Vec::new();
        for (bin, r, c) in [("short", 0.5, 0.3), ("long", 0.5, 0.7)] {
            for (variant, v) in [("reference", r), ("current", c)] {
                let mut row = EvalRow::plain("distribution", v);
                row.slice = bin_slice("prompt_length", bin);
                row.variant = Some(variant.into());
                rows.push(row);
            }
        }
        let mut given = EvalRow::plain("psi", 0.31);
        given.slice = Slice::single("feature", "intent_mix");
        rows.push(given);
        let d = by_feature(&rows);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].feature, "intent_mix");
        assert_eq!(d[0].level, DriftLevel::Significant);
        assert_eq!(d[1].level, DriftLevel::Moderate);
        assert_eq!(d[1].bins.len(), 2);
    }
}
