//! Evaluation charts through the registry (`docs/registry-mapping.md`): each chart the core
//! draws for a version (compare, fairness, latency, KPI, drift; those its evidence supports) is
//! one artifact, `steward/MODEL/VERSION/charts/<kind>.svg`, drawn light as the dossier shows
//! it. Drawing is the expensive part of a push, so the version's `steward.charts` tag holds a
//! key over everything the charts are drawn from — the model's evaluation runs (every version's,
//! since a comparison draws the baseline too), each version's stage, the policy in force and
//! the drawing's format — and charts are drawn and uploaded only when the registry's tag differs.

use std::collections::BTreeMap;

use steward_domain::{ModelName, Sha256Digest, Stage, Version};

use super::evals::CHART_KINDS;
use super::Workspace;
use crate::error::Result;
use crate::wire::*;

/// The version tag holding the key the charts were drawn from.
pub const CHARTS_TAG: &str = "steward.charts";

/// Bumped when the drawing changes, so registries get the new charts.
const CHARTS_FORMAT: &str = "steward.charts/v1";

/// A chart's file name in the registry.
fn file_name(kind: ChartKind) -> &'static str {
    match kind {
        ChartKind::Compare => "compare",
        ChartKind::Fairness => "fairness",
        ChartKind::Latency => "latency",
        ChartKind::Kpi => "kpi",
        ChartKind::Drift => "drift",
    }
}

/// A version's charts as the registry should hold them.
pub(super) struct VersionCharts {
    /// The key (the tag's value).
    pub tag: String,
    /// Artifact path → SVG bytes; empty when the registry's tag already matches (nothing is
    /// drawn, and nothing is uploaded either).
    pub artifacts: BTreeMap<String, Vec<u8>>,
}

/// The model-wide part of the charts' key, read once per model.
pub(super) struct ChartsEvidence {
    /// Steward version → its stage and run digests (versions without runs are absent).
    runs: BTreeMap<String, Vec<String>>,
    /// The policy in force's digest (thresholds and bands are drawn).
    policy: String,
}

impl Workspace {
    /// The model-wide part of the charts' key: every version's runs and stage, and the policy.
    pub(super) fn charts_evidence(
        &self,
        model: &ModelName,
        versions: &[(Version, Stage)],
    ) -> Result<ChartsEvidence> {
        let mut runs = BTreeMap::new();
        for (v, stage) in versions {
            let mut digests: Vec<String> = self
                .store
                .eval_runs(model, v)?
                .iter()
                .map(|r| format!("{}:{}", r.id, r.file_digest))
                .collect();
            if digests.is_empty() {
                continue;
            }
            digests.sort();
            digests.insert(0, stage.as_str().to_string());
            runs.insert(v.to_string(), digests);
        }
        let policy = self.policy_in_force()?;
        Ok(ChartsEvidence {
            runs,
            policy: Sha256Digest::of(policy.text.as_bytes()).to_string(),
        })
    }

    /// `model@version`'s charts: None when it has no evaluation runs. `remote` is the
    /// registry's `steward.charts` tag for it; when it matches, nothing is drawn.
    pub(super) fn gather_charts(
        &self,
        model: &ModelName,
        version: &Version,
        evidence: &ChartsEvidence,
        remote: Option<&String>,
    ) -> Result<Option<VersionCharts>> {
        if !evidence.runs.contains_key(&version.to_string()) {
            return Ok(None);
        }
        let key = serde_json::json!({
            "format": CHARTS_FORMAT,
            "version": version.to_string(),
            "runs": evidence.runs,
            "policy": evidence.policy,
        });
        let tag = Sha256Digest::of(key.to_string().as_bytes()).to_string();
        let mut artifacts = BTreeMap::new();
        if remote != Some(&tag) {
            for kind in CHART_KINDS {
                // A chart the evidence does not support (no fairness slices, say) is not drawn.
                if let Ok(chart) = self.printed_chart(model, version, kind)? {
                    let path = format!("steward/{model}/{version}/charts/{}.svg", file_name(kind));
                    artifacts.insert(path, chart.svg.into_bytes());
                }
            }
            if artifacts.is_empty() {
                return Ok(None);
            }
        }
        Ok(Some(VersionCharts { tag, artifacts }))
    }
}
