//! Operations on evaluation evidence: import, comparison, fairness, drift, charts.

pub(crate) mod bounded;
mod charts;
pub(super) use charts::CHART_KINDS;
mod import;

use std::collections::BTreeMap;
use std::path::Path;

use steward_domain::eval::compare::{
    compare, margin_line, summarize, Check, MetricComparison, Verdict,
};
use steward_domain::eval::drift::{by_feature, DriftLevel};
use steward_domain::eval::fairness::{
    by_group, chart_metric, default_group_key, failing_groups, group_keys, outside_tolerance,
    parity_of, ratio_band, FairnessFailure, Tolerance,
};
use steward_domain::eval::kpi::{is_kpi_point, kpi_metric};
use steward_domain::eval::{Catalogue, Direction, EvalRow, MetricDef};
use steward_domain::{DatasetRef, ModelName, Stage, Version};
use steward_render::chart::{self, CompareBar, GroupBar, Series, Theme};
use steward_store::{EvalRunRow, StoreError};

use super::{parse, Workspace};
use crate::error::{ApiError, ErrorCode, Result};
use crate::hashing::{Cancel, ProgressSink};
use crate::wire::*;

fn run_view(model: &ModelName, version: &Version, r: &EvalRunRow) -> EvalRunView {
    EvalRunView {
        id: u32::try_from(r.id).unwrap_or(u32::MAX),
        model: model.to_string(),
        version: version.to_string(),
        kind: r.kind,
        kind_label: r.kind.label().to_string(),
        suite: r.suite.to_string(),
        run_at: r.run_at.clone(),
        imported_at: r.imported_at.clone(),
        file_name: r.file_name.clone(),
        file_digest: r.file_digest.to_string(),
        file_bytes: r.file_bytes,
        format: r.format.clone(),
        rows: r.row_count,
    }
}

fn comparison_view(c: MetricComparison) -> MetricComparisonView {
    MetricComparisonView {
        candidate: c.candidate.map(|v| v.value),
        candidate_ci: c.candidate.and_then(|v| v.ci),
        baseline: c.baseline.map(|v| v.value),
        baseline_ci: c.baseline.and_then(|v| v.ci),
        metric: c.metric,
        label: c.label,
        unit: c.unit,
        direction: c.direction,
        delta: c.delta,
        relative_delta: c.relative_delta,
        verdict: c.verdict,
        significant: c.significant,
        threshold: c.threshold,
        meets_threshold: c.meets_threshold,
        margin: c.margin,
        meets_margin: c.meets_margin,
        check: c.check,
    }
}

/// The evidence of one version: its rows (runs oldest first) and the catalogue extended with
/// what its files declared.
struct Evidence {
    rows: Vec<EvalRow>,
    /// Where each run's rows lie in `rows`, oldest run first.
    runs: Vec<std::ops::Range<usize>>,
    catalogue: Catalogue,
}

impl Evidence {
    /// Each run's rows, oldest run first.
    fn by_run(&self) -> impl Iterator<Item = &[EvalRow]> {
        self.runs.iter().map(|r| &self.rows[r.clone()])
    }
}

impl Workspace {
    /// Imports one evaluation file for a version: streamed, hashed in the same pass, stored in
    /// one transaction with its audit entry. A bad row, a duplicate file or a cancel stores
    /// nothing.
    pub fn eval_import(
        &self,
        req: &EvalImport,
        progress: &dyn ProgressSink,
        cancel: &Cancel,
    ) -> Result<EvalRunView> {
        self.eval_import_at(req, Path::new(&req.file), progress, cancel)
    }

    /// [`Workspace::eval_import`] of the file at `path` (which need not be UTF-8) instead of
    /// `req.file`.
    pub fn eval_import_at(
        &self,
        req: &EvalImport,
        path: &Path,
        progress: &dyn ProgressSink,
        cancel: &Cancel,
    ) -> Result<EvalRunView> {
        let name: ModelName = parse(&req.model)?;
        let version: Version = parse(&req.version)?;
        self.store.version(&name, &version)?;
        let suite = req
            .suite
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<DatasetRef>()
                    .map_err(|e| ApiError::invalid(format!("--suite: {e}")))
            })
            .transpose()?;
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| req.file.clone());
        let (file, size) = crate::input::open_regular(path)?;

        let given = import::Given {
            kind: req.kind,
            suite,
            target: format!("{name}@{version}"),
        };
        let row = self
            .store
            .import_eval(&name, &version, &self.actor, |sink| {
                let parsed = import::import(
                    file,
                    &file_name,
                    size,
                    &given,
                    Catalogue::builtin(),
                    sink,
                    progress,
                    cancel,
                )?;
                let declared = serde_json::to_string(&parsed.declared).map_err(|e| {
                    ApiError::new(
                        ErrorCode::Internal,
                        format!("cannot record declared metrics: {e}"),
                    )
                })?;
                Ok::<_, ApiError>(steward_store::NewEvalRun {
                    kind: parsed.kind,
                    suite: parsed.suite,
                    run_at: parsed.run_at,
                    file_name: file_name.clone(),
                    file_digest: parsed.digest,
                    file_bytes: parsed.bytes,
                    format: parsed.format.as_str(),
                    declared,
                })
            })?;
        Ok(run_view(&name, &version, &row))
    }

    /// The runs imported for a version, oldest first.
    pub fn eval_list(&self, model: &str, version: &str) -> Result<Vec<EvalRunView>> {
        let name: ModelName = parse(model)?;
        let version: Version = parse(version)?;
        Ok(self
            .store
            .eval_runs(&name, &version)?
            .iter()
            .map(|r| run_view(&name, &version, r))
            .collect())
    }

    fn evidence(&self, name: &ModelName, version: &Version) -> Result<Evidence> {
        let mut declared: BTreeMap<String, MetricDef> = BTreeMap::new();
        for run in self.store.eval_runs(name, version)? {
            let defs: Vec<MetricDef> = serde_json::from_str(&run.declared).map_err(|e| {
                ApiError::from(StoreError::BadRow {
                    what: "declared metrics",
                    value: run.declared.clone(),
                    detail: e.to_string(),
                })
            })?;
            for d in defs {
                declared.insert(d.name.clone(), d);
            }
        }
        let mut rows = Vec::new();
        let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
        let mut last_run = None;
        for (run, row) in self.store.eval_rows(name, version)? {
            match runs.last_mut() {
                Some(r) if last_run == Some(run) => r.end += 1,
                _ => runs.push(rows.len()..rows.len() + 1),
            }
            last_run = Some(run);
            rows.push(row);
        }
        Ok(Evidence {
            rows,
            runs,
            catalogue: Catalogue::builtin().with_declared(&declared),
        })
    }

    /// The baseline for `version`: `against` when given, else the model's production version
    /// (or, when `version` is production itself, its rollback target).
    fn baseline(
        &self,
        name: &ModelName,
        version: &Version,
        against: Option<&str>,
    ) -> Result<(Option<(Version, Stage)>, String)> {
        let versions = self.store.versions(name)?;
        if let Some(a) = against.map(str::trim).filter(|a| !a.is_empty()) {
            let v: Version = match a.split_once('@') {
                Some((m, v)) => {
                    if m != name.as_str() {
                        return Err(ApiError::invalid(format!(
                            "--against {a}: compare versions of the same model ({name})"
                        )));
                    }
                    parse(v)?
                }
                None => parse(a)?,
            };
            let row = self.store.version(name, &v)?;
            return Ok((Some((v, row.stage)), format!("against {name}@{v} as asked")));
        }
        let find = |s: Stage| versions.iter().find(|v| v.stage == s);
        match find(Stage::Production) {
            Some(p) if p.version != *version => Ok((
                Some((p.version, p.stage)),
                format!("against the production version {name}@{}", p.version),
            )),
            Some(_) => match find(Stage::RollbackTarget) {
                Some(r) => Ok((
                    Some((r.version, r.stage)),
                    format!("{name}@{version} is production; against its rollback target {}", r.version),
                )),
                None => Ok((None, format!("{name}@{version} is production and has no rollback target to compare against"))),
            },
            None => Ok((None, format!("{name} has no production version; pass --against MODEL@VERSION"))),
        }
    }

    /// A version's evidence against a baseline (default: the production version), metric by
    /// metric.
    pub fn eval_compare(
        &self,
        model: &str,
        version: &str,
        against: Option<&str>,
    ) -> Result<EvalComparison> {
        let name: ModelName = parse(model)?;
        let version: Version = parse(version)?;
        let cand = self.evidence(&name, &version)?;
        let (base, note) = self.baseline(&name, &version, against)?;
        let base_summary = match &base {
            Some((v, _)) => summarize(self.evidence(&name, v)?.by_run()),
            None => BTreeMap::new(),
        };
        let metrics = compare(&summarize(cand.by_run()), &base_summary, &cand.catalogue)
            .into_iter()
            .map(comparison_view)
            .collect();
        Ok(EvalComparison {
            model: name.to_string(),
            candidate: version.to_string(),
            baseline: base.map(|(v, _)| v.to_string()),
            baseline_stage: base.map(|(_, s)| s),
            metrics,
            note,
        })
    }

    /// Fairness of a version for one group key: per-group values, max difference, min/max
    /// ratio against the four-fifths rule, the worst group, and parity where rates are known.
    pub fn eval_fairness(
        &self,
        model: &str,
        version: &str,
        key: Option<&str>,
    ) -> Result<FairnessReport> {
        let name: ModelName = parse(model)?;
        let version: Version = parse(version)?;
        let ev = self.evidence(&name, &version)?;
        let keys = group_keys(&ev.rows);
        let tolerance = Tolerance::default();
        let key = match key.map(str::trim).filter(|k| !k.is_empty()) {
            Some(k) => k,
            None => {
                default_group_key(&keys, &ev.rows, &ev.catalogue, tolerance).unwrap_or_default()
            }
        };
        if !keys.iter().any(|k| k == key) {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                if keys.is_empty() {
                    format!("{name}@{version} has no per-group evaluation rows; import a fairness audit first (`steward eval import {name}@{version} FILE --kind fairness-audit`)")
                } else {
                    format!(
                        "{name}@{version} has no rows grouped by {key:?}; its group keys are {}",
                        keys.join(", ")
                    )
                },
            ));
        }
        let metrics = by_group(&ev.rows, key, &ev.catalogue, tolerance);
        let parity = parity_of(&metrics).map(|p| ParityView {
            demographic_parity_difference: p.demographic_parity_difference,
            demographic_parity_ratio: p.demographic_parity_ratio,
            equalized_odds_difference: p.equalized_odds_difference,
            equalized_odds_ratio: p.equalized_odds_ratio,
        });
        let failing = failing_groups(&metrics)
            .into_iter()
            .map(|g| FailingGroupView {
                verdict: g.failure.describe(tolerance),
                group: g.group,
                failure: g.failure,
                metrics: g.metrics,
            })
            .collect();
        let mut failures = Vec::new();
        let views =
            metrics
                .into_iter()
                .map(|f| {
                    let def = ev.catalogue.get(&f.metric);
                    let best = f.best().unwrap_or_default();
                    let outside = |v: f64| outside_tolerance(f.direction, best, v, tolerance);
                    if let Some(failure) = f.failure() {
                        failures.push(format!(
                        "{}: group {}={} is worst; difference {:.3} (max {}), ratio {} (min {}): {}",
                        f.metric,
                        key,
                        f.worst_group,
                        f.max_difference,
                        tolerance.max_difference,
                        f.min_max_ratio.map_or("n/a".into(), |r| format!("{r:.3}")),
                        tolerance.min_ratio,
                        failure.describe(tolerance),
                    ));
                    }
                    GroupFairnessView {
                        failure: f.failure(),
                        label: def
                            .map(|d| d.label.clone())
                            .filter(|l| !l.is_empty())
                            .unwrap_or_else(|| f.metric.clone()),
                        unit: def.map(|d| d.unit.clone()).unwrap_or_default(),
                        direction: f.direction,
                        groups: f
                            .groups
                            .iter()
                            .map(|g| GroupValueView {
                                group: g.group.clone(),
                                value: g.value,
                                n: g.n,
                                worst: g.group == f.worst_group,
                                outside_tolerance: outside(g.value),
                            })
                            .collect(),
                        max_difference: f.max_difference,
                        min_max_ratio: f.min_max_ratio,
                        worst_group: f.worst_group,
                        passes_difference: f.passes_difference,
                        passes_ratio: f.passes_ratio,
                        metric: f.metric,
                    }
                })
                .collect();
        Ok(FairnessReport {
            model: name.to_string(),
            version: version.to_string(),
            key: key.to_string(),
            keys,
            max_difference: tolerance.max_difference,
            min_ratio: tolerance.min_ratio,
            metrics: views,
            parity,
            failures,
            failing_groups: failing,
        })
    }

    /// Drift per feature (PSI) from a version's binned distributions or given PSI values.
    pub fn eval_drift(&self, model: &str, version: &str) -> Result<DriftReport> {
        let name: ModelName = parse(model)?;
        let version: Version = parse(version)?;
        let ev = self.evidence(&name, &version)?;
        Ok(DriftReport {
            model: name.to_string(),
            version: version.to_string(),
            convention: DriftLevel::convention().to_string(),
            features: by_feature(&ev.rows)
                .into_iter()
                .map(|f| FeatureDriftView {
                    feature: f.feature,
                    psi: f.psi,
                    level: f.level,
                })
                .collect(),
        })
    }
}
