//! What the studio's Operations screen reads (issue 12, point 5): one model's operations after
//! release gathered into one answer, and the chart of one guardrail drawn by the core.
//!
//! Everything here reads what the other capabilities already answer (`monitor`,
//! `traffic_show`, `traffic_hook_show`, `incident_list`, `feedback_summary`, `queue_list`,
//! `triage`) and the stored online windows; which windows cross or breach a guardrail is
//! `steward_domain::guardrail::window_marks`, the same bound test the evaluation applies.

use std::collections::{BTreeMap, BTreeSet};

use steward_domain::gate::time::{format_rfc3339, parse_rfc3339};
use steward_domain::guardrail::{window_marks, GuardrailRule, WindowMark};
use steward_domain::{ModelName, Stage};
use steward_render::chart::{self, GuardrailPlot, Series, Theme};

use super::{parse, Workspace};
use crate::error::{ApiError, ErrorCode, Result};
use crate::wire::*;

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The windows one guardrail reads: the watched arm's version now, its series and production's
/// beside it (from the imports made while that version served in that arm), the window length,
/// and the times of the rule's recorded events for that version.
struct RuleWindows {
    version: Option<String>,
    production: Option<String>,
    watched: Vec<(i64, f64)>,
    beside: Vec<(i64, f64)>,
    step_s: i64,
    events: Vec<i64>,
}

impl RuleWindows {
    fn marks(&self, rule: &GuardrailRule) -> Vec<WindowMark> {
        window_marks(rule, &self.watched, &self.beside, self.step_s)
    }
}

impl Workspace {
    fn rule_windows(
        &self,
        model: &ModelName,
        rule: &GuardrailRule,
        monitor: &MonitorView,
    ) -> Result<RuleWindows> {
        let canary_rule = rule.stage == Stage::Canary;
        let version = if canary_rule {
            monitor.canary.clone()
        } else {
            monitor.production.clone()
        };
        let (arm, other) = if canary_rule {
            ("canary", "production")
        } else {
            ("production", "canary")
        };
        let imports: Vec<_> = self
            .store
            .online_imports(model)?
            .into_iter()
            .filter(|i| {
                version.is_some()
                    && if canary_rule {
                        i.canary == version
                    } else {
                        i.production == version
                    }
            })
            .collect();
        // A later import's window replaces an earlier one at the same time.
        let mut watched: BTreeMap<i64, f64> = BTreeMap::new();
        let mut beside: BTreeMap<i64, f64> = BTreeMap::new();
        for i in &imports {
            watched.extend(self.store.online_series(i.id, arm, &rule.metric)?);
            if canary_rule {
                beside.extend(self.store.online_series(i.id, other, &rule.metric)?);
            }
        }
        let ids: BTreeSet<u32> = imports
            .iter()
            .map(|i| u32::try_from(i.id).unwrap_or(u32::MAX))
            .collect();
        let events = monitor
            .events
            .iter()
            .filter(|e| e.rule == rule.id && ids.contains(&e.import))
            .filter_map(|e| parse_rfc3339(&e.window))
            .collect();
        // Production beside the canary over the canary's windows only: the same windows the
        // evaluation compares, not production's whole history.
        let span = watched
            .keys()
            .next()
            .copied()
            .zip(watched.keys().last().copied());
        let beside: Vec<(i64, f64)> = match span {
            Some((first, last)) => beside.range(first..=last).map(|(t, v)| (*t, *v)).collect(),
            None => Vec::new(),
        };
        Ok(RuleWindows {
            version,
            production: imports.last().and_then(|i| i.production.clone()),
            watched: watched.into_iter().collect(),
            beside,
            step_s: imports
                .iter()
                .map(|i| i.step_s)
                .filter(|s| *s > 0)
                .min()
                .unwrap_or(0),
            events,
        })
    }

    /// Everything the Operations screen shows for `model`.
    pub fn operations_view(&self, model: &str) -> Result<OperationsView> {
        let name: ModelName = parse(model)?;
        self.store.model(&name)?;
        let monitor = self.monitor(name.as_str())?;
        let policy = self.policy_in_force()?;
        let mut series = Vec::new();
        for rule in &policy.policy.guardrails {
            let w = self.rule_windows(&name, rule, &monitor)?;
            let marks = w.marks(rule);
            series.push(GuardrailSeriesView {
                rule: rule.id.clone(),
                stage: rule.stage.to_string(),
                metric: rule.metric.clone(),
                description: steward_domain::guardrail::describe(rule),
                version: w.version.clone(),
                windows: count(marks.len()),
                crossed: count(marks.iter().filter(|m| m.crossed).count()),
                breaching: count(marks.iter().filter(|m| m.breaching).count()),
                events: count(w.events.len()),
            });
        }
        let traffic = self.traffic_show(name.as_str())?;
        let hook = self.traffic_hook_show(name.as_str())?;
        let dial = traffic
            .history
            .iter()
            .rev()
            .map(|change| DialEntryView {
                change: change.clone(),
                hook_runs: hook
                    .runs
                    .iter()
                    .filter(|r| r.epoch == change.epoch)
                    .cloned()
                    .collect(),
            })
            .collect();
        let mut incidents = self.incident_list(name.as_str())?;
        incidents.reverse();
        let queue = self.queue_list(name.as_str(), true)?;
        let queue_open = count(queue.iter().filter(|q| q.label.is_none()).count());
        Ok(OperationsView {
            model: name.to_string(),
            series,
            traffic,
            dial,
            hook,
            incidents,
            feedback: self.feedback_summary(name.as_str())?,
            queue,
            queue_open,
            triage: self.triage(name.as_str())?,
            monitor,
        })
    }

    /// The chart of one guardrail of the policy in force: the watched arm against production
    /// with the rule's bounds, the windows that crossed them and the recorded breaches.
    pub fn guardrail_chart(&self, req: &GuardrailChartRequest) -> Result<GuardrailChartSvg> {
        let name: ModelName = parse(&req.model)?;
        self.store.model(&name)?;
        let policy = self.policy_in_force()?;
        let Some(rule) = policy.policy.guardrails.iter().find(|g| g.id == req.rule) else {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                format!(
                    "the policy in force has no guardrail {:?}; it has {}",
                    req.rule,
                    policy
                        .policy
                        .guardrails
                        .iter()
                        .map(|g| g.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        let monitor = self.monitor(name.as_str())?;
        let w = self.rule_windows(&name, rule, &monitor)?;
        let marks = w.marks(rule);
        let arm = rule.stage.to_string();
        let Some(start) = marks.first().map(|m| m.at) else {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                match &w.version {
                    Some(v) => format!(
                        "{name} has no {} windows of {arm} {v} to chart for {}; import them with `steward monitor import {name} FILE`",
                        rule.metric, rule.id
                    ),
                    None => format!("{name} has no {arm} version, so {} has no windows to chart", rule.id),
                },
            ));
        };
        let x = |t: i64| (t - start) as f64 / 3600.0;
        let version = w.version.clone().unwrap_or_default();
        let production_name = w.production.clone().unwrap_or_default();
        let canary_rule = rule.stage == Stage::Canary;
        let relative: Vec<(f64, f64)> = marks
            .iter()
            .filter_map(|m| m.relative_bound.map(|b| (x(m.at), b)))
            .collect();
        let plot = GuardrailPlot {
            watched: Series {
                name: format!("{arm} {version}"),
                points: marks.iter().map(|m| (x(m.at), m.value)).collect(),
            },
            production: (canary_rule && !w.beside.is_empty()).then(|| Series {
                name: format!("production {production_name}"),
                points: w.beside.iter().map(|(t, v)| (x(*t), *v)).collect(),
            }),
            max: rule.max,
            min: rule.min,
            relative_label: rule
                .worse_than_production_by
                .map(|m| {
                    let sign = if matches!(rule.direction, steward_domain::eval::Direction::Higher)
                    {
                        "−"
                    } else {
                        "+"
                    };
                    format!("production {sign} {}%", m * 100.0)
                })
                .unwrap_or_default(),
            relative: (!relative.is_empty()).then(|| Series {
                name: "margin".into(),
                points: relative,
            }),
            crossed: marks
                .iter()
                .filter(|m| m.crossed && !m.breaching)
                .map(|m| (x(m.at), m.value))
                .collect(),
            breaching: marks
                .iter()
                .filter(|m| m.breaching)
                .map(|m| (x(m.at), m.value))
                .collect(),
            events: w.events.iter().map(|t| x(*t)).collect(),
        };
        let title = if canary_rule {
            format!(
                "{}: {} of canary {version} vs production {production_name}",
                rule.id, rule.metric
            )
        } else {
            format!("{}: {} of production {version}", rule.id, rule.metric)
        };
        let theme = match req.theme {
            ChartTheme::Light => Theme::Light,
            ChartTheme::Dark => Theme::Dark,
        };
        let svg = chart::guardrail_chart(
            &title,
            &rule.metric,
            &format!("hours since {}", format_rfc3339(start)),
            &plot,
            theme,
        )
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        Ok(GuardrailChartSvg {
            rule: rule.id.clone(),
            title,
            svg,
            windows: count(marks.len()),
            crossed: count(marks.iter().filter(|m| m.crossed).count()),
            breaching: count(marks.iter().filter(|m| m.breaching).count()),
            events: count(w.events.len()),
        })
    }
}
