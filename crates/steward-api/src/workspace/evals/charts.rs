//! The evaluation charts: one method per kind. Each gathers the version's evidence and what
//! the domain decided about it (verdicts, tolerance bands, the metric a chart shows) and hands
//! steward-render the numbers to draw.

use super::*;

/// A drawing failure: the numbers were drawn by our own code, so it is ours.
fn drawn(e: chart::ChartError) -> ApiError {
    ApiError::new(ErrorCode::Internal, e.to_string())
}

/// The version has none of `what` to chart.
fn no_data(name: &ModelName, version: &Version, what: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        format!("{name}@{version} has no {what} to chart; import it with `steward eval import {name}@{version} FILE`"),
    )
}

/// Every chart kind, in the order the dossier and the registry list them.
pub(in crate::workspace) const CHART_KINDS: [ChartKind; 5] = [
    ChartKind::Compare,
    ChartKind::Fairness,
    ChartKind::Latency,
    ChartKind::Kpi,
    ChartKind::Drift,
];

impl Workspace {
    /// One chart of a version as it is printed and pushed: light, every choice at its default.
    /// `Ok(Err(why))` when the version has no evidence for it; any other failure is an error.
    pub(in crate::workspace) fn printed_chart(
        &self,
        model: &ModelName,
        version: &Version,
        kind: ChartKind,
    ) -> Result<std::result::Result<ChartSvg, String>> {
        match self.eval_chart(&EvalChartRequest {
            model: model.to_string(),
            version: version.to_string(),
            kind,
            theme: ChartTheme::Light,
            against: None,
            group: None,
            metric: None,
        }) {
            Ok(chart) => Ok(Ok(chart)),
            Err(e) if e.code == ErrorCode::NotFound => Ok(Err(e.message)),
            Err(e) => Err(e),
        }
    }

    /// Draws one chart of a version's evidence as an SVG document: one method per kind, each
    /// gathering the evidence and the domain's decisions (verdicts, bands, the metric shown)
    /// for steward-render to draw.
    pub fn eval_chart(&self, req: &EvalChartRequest) -> Result<ChartSvg> {
        let name: ModelName = parse(&req.model)?;
        let version: Version = parse(&req.version)?;
        let theme = match req.theme {
            ChartTheme::Light => Theme::Light,
            ChartTheme::Dark => Theme::Dark,
        };
        let (title, svg) = match req.kind {
            ChartKind::Compare => self.chart_compare(&name, &version, req, theme)?,
            ChartKind::Fairness => self.chart_fairness(&name, &version, req, theme)?,
            ChartKind::Latency => self.chart_latency(&name, &version, req, theme)?,
            ChartKind::Kpi => self.chart_kpi(&name, &version, req, theme)?,
            ChartKind::Drift => self.chart_drift(&name, &version, theme)?,
        };
        Ok(ChartSvg {
            kind: req.kind,
            title,
            svg,
        })
    }

    /// The comparison's bars: each metric against the baseline, its threshold and margin line.
    fn chart_compare(
        &self,
        name: &ModelName,
        version: &Version,
        req: &EvalChartRequest,
        theme: Theme,
    ) -> Result<(String, String)> {
        let cmp = self.eval_compare(name.as_str(), &version.to_string(), req.against.as_deref())?;
        let bars: Vec<CompareBar> = cmp
            .metrics
            .iter()
            .filter(|m| m.candidate.is_some() && m.direction != Direction::None)
            .filter(|m| !matches!(m.verdict, Verdict::OnlyBaseline))
            .map(|m| CompareBar {
                label: if m.unit.is_empty() {
                    m.label.clone()
                } else {
                    format!("{} ({})", m.label, m.unit)
                },
                candidate: m.candidate,
                baseline: m.baseline,
                threshold: m.threshold,
                margin_line: margin_line(m.direction, m.baseline, m.margin),
                failing: m.check == Check::Fail,
            })
            .collect();
        if bars.is_empty() {
            return Err(no_data(name, version, "metrics"));
        }
        let base = cmp.baseline.clone().unwrap_or_else(|| "none".into());
        let title = format!(
            "{name} {version} vs {} {base}",
            cmp.baseline_stage.map_or("baseline", |s| s.as_str())
        );
        let svg = chart::compare_chart(
            &title,
            &format!("candidate {version}"),
            &format!("baseline {base}"),
            &bars,
            theme,
        )
        .map_err(drawn)?;
        Ok((title, svg))
    }

    /// One metric per group with the tolerance band; the title says which rule fails.
    fn chart_fairness(
        &self,
        name: &ModelName,
        version: &Version,
        req: &EvalChartRequest,
        theme: Theme,
    ) -> Result<(String, String)> {
        let ev = self.evidence(name, version)?;
        let keys = group_keys(&ev.rows);
        if keys.is_empty() {
            return Err(no_data(name, version, "per-group rows"));
        }
        let report =
            self.eval_fairness(name.as_str(), &version.to_string(), req.group.as_deref())?;
        let key = report.key.clone();
        let tolerance = Tolerance {
            max_difference: report.max_difference,
            min_ratio: report.min_ratio,
        };
        let passes: Vec<(&str, bool)> = report
            .metrics
            .iter()
            .map(|f| (f.metric.as_str(), f.passes_difference && f.passes_ratio))
            .collect();
        let pick = chart_metric(req.metric.as_deref(), &passes)
            .and_then(|i| report.metrics.get(i))
            .ok_or_else(|| no_data(name, version, "per-group metrics"))?;
        let band = ratio_band(
            pick.direction,
            pick.groups.iter().map(|g| g.value),
            tolerance,
        )
        .ok_or_else(|| no_data(name, version, "per-group metrics"))?;
        let verdict = match FairnessFailure::of(pick.passes_difference, pick.passes_ratio) {
            None => "within tolerance".to_string(),
            Some(f) => format!("{key}={} {}", pick.worst_group, f.describe(tolerance)),
        };
        let title = format!("{} by {key}, {name} {version}: {verdict}", pick.label);
        let groups: Vec<GroupBar> = pick
            .groups
            .iter()
            .map(|g| GroupBar {
                group: g.group.clone(),
                value: g.value,
                outside: g.outside_tolerance,
            })
            .collect();
        let y = if pick.unit.is_empty() {
            pick.label.clone()
        } else {
            format!("{} ({})", pick.label, pick.unit)
        };
        Ok((
            title.clone(),
            chart::fairness_chart(&title, &y, &groups, band, theme).map_err(drawn)?,
        ))
    }

    /// p50/p95/p99 of the candidate (and the baseline) against the p99 SLO.
    fn chart_latency(
        &self,
        name: &ModelName,
        version: &Version,
        req: &EvalChartRequest,
        theme: Theme,
    ) -> Result<(String, String)> {
        let cmp = self.eval_compare(name.as_str(), &version.to_string(), req.against.as_deref())?;
        let get = |m: &str| cmp.metrics.iter().find(|x| x.metric == m);
        let arm = |pick: fn(&MetricComparisonView) -> Option<f64>| -> Option<[f64; 3]> {
            Some([
                pick(get("latency_p50_ms")?)?,
                pick(get("latency_p95_ms")?)?,
                pick(get("latency_p99_ms")?)?,
            ])
        };
        let mut arms = Vec::new();
        if let (Some(b), Some(v)) = (arm(|m| m.baseline), cmp.baseline.as_ref()) {
            arms.push((format!("baseline {v}"), b));
        }
        let Some(c) = arm(|m| m.candidate) else {
            return Err(no_data(
                name,
                version,
                "latency percentiles (p50/p95/p99 or latency_ms samples)",
            ));
        };
        arms.push((format!("candidate {version}"), c));
        let slo = get("latency_p99_ms").and_then(|m| m.threshold);
        let title = format!("Latency percentiles vs p99 SLO, {name} {version}");
        Ok((
            title.clone(),
            chart::latency_chart(&title, &arms, slo, theme).map_err(drawn)?,
        ))
    }

    /// An online KPI's series per variant.
    fn chart_kpi(
        &self,
        name: &ModelName,
        version: &Version,
        req: &EvalChartRequest,
        theme: Theme,
    ) -> Result<(String, String)> {
        let ev = self.evidence(name, version)?;
        let (title, svg) = kpi_chart(name, version, &ev, req.metric.as_deref(), theme)?
            .ok_or_else(|| {
                no_data(
                    name,
                    version,
                    "KPI time series (rows with timestamp and variant)",
                )
            })?;
        Ok((title, svg))
    }

    /// PSI per feature.
    fn chart_drift(
        &self,
        name: &ModelName,
        version: &Version,
        theme: Theme,
    ) -> Result<(String, String)> {
        let d = self.eval_drift(name.as_str(), &version.to_string())?;
        if d.features.is_empty() {
            return Err(no_data(name, version, "binned distributions or PSI values"));
        }
        let title = format!("Feature drift (PSI), {name} {version}");
        let f: Vec<(String, f64)> = d
            .features
            .iter()
            .map(|f| (f.feature.clone(), f.psi))
            .collect();
        Ok((
            title.clone(),
            chart::drift_chart(&title, &f, theme).map_err(drawn)?,
        ))
    }
}

fn kpi_chart(
    name: &ModelName,
    version: &Version,
    ev: &Evidence,
    metric: Option<&str>,
    theme: Theme,
) -> Result<Option<(String, String)>> {
    let timed: Vec<&EvalRow> = ev.rows.iter().filter(|r| is_kpi_point(r)).collect();
    let Some(metric) = kpi_metric(metric, &ev.rows).map(str::to_string) else {
        return Ok(None);
    };
    let mut arms: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for r in timed.iter().filter(|r| r.metric == metric) {
        let at = r.at.as_deref().unwrap_or_default();
        let t = steward_domain::eval::cell::timestamp(at).map_err(|detail| {
            ApiError::from(StoreError::BadRow {
                what: "evaluation timestamp",
                value: at.to_string(),
                detail,
            })
        })?;
        let arm = r.variant.clone().unwrap_or_else(|| version.to_string());
        arms.entry(arm).or_default().push((t as f64, r.value));
    }
    if arms.is_empty() {
        return Ok(None);
    }
    let start = arms
        .values()
        .flatten()
        .map(|p| p.0)
        .fold(f64::INFINITY, f64::min);
    let start_text = steward_domain::gate::time::format_rfc3339(start as i64);
    let series: Vec<Series> = arms
        .into_iter()
        .map(|(arm, mut pts)| {
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            Series {
                name: arm,
                points: pts
                    .into_iter()
                    .map(|(t, v)| ((t - start) / 3600.0, v))
                    .collect(),
            }
        })
        .collect();
    let def = ev.catalogue.get(&metric);
    let label = def
        .map(|d| d.label.clone())
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| metric.clone());
    let unit = def.map(|d| d.unit.clone()).unwrap_or_default();
    let title = format!("{label}, canary vs production, {name} {version}");
    let y = if unit.is_empty() {
        label
    } else {
        format!("{label} ({unit})")
    };
    let svg = chart::kpi_chart(
        &title,
        &y,
        &format!("hours since {start_text}"),
        &series,
        def.and_then(|d| d.threshold),
        theme,
    )
    .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    Ok(Some((title, svg)))
}
