//! `steward eval …`: import evaluation evidence, list runs, compare with production, fairness
//! by group, drift (PSI), charts.

use std::path::PathBuf;

use clap::Subcommand;
use steward_api::wire::{
    ChartKind, ChartTheme, DriftReport, EvalChartRequest, EvalComparison, EvalImport,
    FairnessReport,
};
use steward_api::{parse_model_version, ApiError, Cancel, ErrorCode, Workspace};
use steward_domain::eval::compare::Verdict;
use steward_domain::eval::EvalKind;

use crate::output;
use crate::Bar;

#[derive(Subcommand)]
pub enum EvalCmd {
    /// Import an evaluation file (JSON steward.eval/v1, long CSV, or raw predictions CSV).
    Import {
        /// MODEL@VERSION the evidence is for.
        target: String,
        /// The file.
        file: PathBuf,
        /// golden-set, scenario-suite, red-team, fairness-audit, load-test or online-kpis
        /// (required for CSV unless it holds predictions).
        #[arg(long, value_parser = parse_kind)]
        kind: Option<EvalKind>,
        /// The dataset or suite it ran on, NAME@VERSION (required unless the file says).
        #[arg(long, value_name = "NAME@VERSION")]
        suite: Option<String>,
        /// Print JSON instead of a summary.
        #[arg(long)]
        json: bool,
    },
    /// List the runs imported for a version.
    List {
        /// MODEL@VERSION.
        target: String,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Compare a version's evidence with production (or --against), metric by metric.
    Compare {
        /// MODEL@VERSION.
        target: String,
        /// The baseline, MODEL@VERSION (default: the model's production version).
        #[arg(long, value_name = "MODEL@VERSION")]
        against: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Fairness for one group key: per-group values, max difference, ratio (four-fifths rule).
    Fairness {
        /// MODEL@VERSION.
        target: String,
        /// The group key (e.g. gender, age_band). Default: the first key with a metric outside
        /// tolerance, else the first key; the answer lists every key.
        #[arg(long, value_name = "KEY")]
        group: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Drift per feature: the population stability index between the reference and current
    /// distributions in a version's evidence, labelled stable, moderate or significant.
    Drift {
        /// MODEL@VERSION.
        target: String,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Draw a chart of a version's evidence as SVG.
    Chart {
        /// MODEL@VERSION.
        target: String,
        /// compare, fairness, latency, kpi or drift.
        #[arg(long, value_parser = parse_chart)]
        kind: ChartKind,
        /// Where to write the SVG.
        #[arg(short = 'o', long = "output", value_name = "OUT.svg")]
        output: PathBuf,
        /// Dark variant.
        #[arg(long)]
        dark: bool,
        /// Baseline for compare and latency charts, MODEL@VERSION.
        #[arg(long, value_name = "MODEL@VERSION")]
        against: Option<String>,
        /// Group key for the fairness chart.
        #[arg(long, value_name = "KEY")]
        group: Option<String>,
        /// Metric for fairness and KPI charts.
        #[arg(long)]
        metric: Option<String>,
    },
}

fn parse_kind(s: &str) -> Result<EvalKind, String> {
    s.parse()
        .map_err(|e: steward_domain::DomainError| e.to_string())
}

fn parse_chart(s: &str) -> Result<ChartKind, String> {
    match s {
        "compare" => Ok(ChartKind::Compare),
        "fairness" => Ok(ChartKind::Fairness),
        "latency" => Ok(ChartKind::Latency),
        "kpi" => Ok(ChartKind::Kpi),
        "drift" => Ok(ChartKind::Drift),
        _ => Err(format!(
            "{s:?} is not a chart kind: compare, fairness, latency, kpi or drift"
        )),
    }
}

fn num(v: Option<f64>) -> String {
    v.map_or_else(
        || "—".into(),
        |v| {
            if v.abs() >= 100.0 {
                format!("{v:.1}")
            } else {
                format!("{v:.4}")
            }
        },
    )
}

/// Runs one `steward eval` command.
pub fn run(ws: &Workspace, cmd: EvalCmd) -> Result<(), ApiError> {
    match cmd {
        EvalCmd::Import {
            target,
            file,
            kind,
            suite,
            json,
        } => {
            let (m, v) = parse_model_version(&target)?;
            let bar = Bar::new();
            let run = ws.eval_import_at(
                &EvalImport {
                    model: m.to_string(),
                    version: v.to_string(),
                    file: file.display().to_string(),
                    kind,
                    suite,
                },
                &file,
                &bar,
                &Cancel::new(),
            )?;
            drop(bar);
            if json {
                output::json(&run);
            } else {
                out!(
                    "imported {} ({}, {} on {}) for {}@{}: {} rows, run {}",
                    run.file_name,
                    run.format,
                    run.kind.as_str(),
                    run.suite,
                    run.model,
                    run.version,
                    run.rows,
                    run.id
                );
                out!("evidence {}", run.file_digest);
            }
        }
        EvalCmd::List { target, json } => {
            let (m, v) = parse_model_version(&target)?;
            let runs = ws.eval_list(m.as_str(), &v.to_string())?;
            if json {
                return {
                    output::json(&runs);
                    Ok(())
                };
            }
            if runs.is_empty() {
                out!("no evaluation runs for {target}; import one with `steward eval import {target} FILE`");
                return Ok(());
            }
            out!(
                "{:>4}  {:14}  {:28}  {:>8}  {:20}  EVIDENCE",
                "RUN",
                "KIND",
                "SUITE",
                "ROWS",
                "IMPORTED"
            );
            for r in runs {
                out!(
                    "{:>4}  {:14}  {:28}  {:>8}  {:20}  {}  {}",
                    r.id,
                    r.kind.as_str(),
                    r.suite,
                    r.rows,
                    r.imported_at.get(..19).unwrap_or(&r.imported_at),
                    r.file_digest,
                    r.file_name
                );
            }
        }
        EvalCmd::Compare {
            target,
            against,
            json,
        } => {
            let (m, v) = parse_model_version(&target)?;
            let c = ws.eval_compare(m.as_str(), &v.to_string(), against.as_deref())?;
            if json {
                output::json(&c);
            } else {
                compare_table(&c);
            }
        }
        EvalCmd::Fairness {
            target,
            group,
            json,
        } => {
            let (m, v) = parse_model_version(&target)?;
            let f = ws.eval_fairness(m.as_str(), &v.to_string(), group.as_deref())?;
            if json {
                output::json(&f);
            } else {
                fairness_table(&f);
            }
        }
        EvalCmd::Drift { target, json } => {
            let (m, v) = parse_model_version(&target)?;
            let d = ws.eval_drift(m.as_str(), &v.to_string())?;
            if json {
                output::json(&d);
            } else {
                drift_table(&d);
            }
        }
        EvalCmd::Chart {
            target,
            kind,
            output: out,
            dark,
            against,
            group,
            metric,
        } => {
            let (m, v) = parse_model_version(&target)?;
            let chart = ws.eval_chart(&EvalChartRequest {
                model: m.to_string(),
                version: v.to_string(),
                kind,
                theme: if dark {
                    ChartTheme::Dark
                } else {
                    ChartTheme::Light
                },
                against,
                group,
                metric,
            })?;
            std::fs::write(&out, chart.svg.as_bytes()).map_err(|e| {
                ApiError::new(
                    ErrorCode::Io,
                    format!("cannot write {}: {e}", out.display()),
                )
            })?;
            out!(
                "wrote {} ({}, {} bytes)",
                out.display(),
                chart.title,
                chart.svg.len()
            );
        }
    }
    Ok(())
}

fn compare_table(c: &EvalComparison) {
    out!(
        "{}@{} vs {} — {}",
        c.model,
        c.candidate,
        c.baseline.as_deref().unwrap_or("nothing"),
        c.note
    );
    let width = c
        .metrics
        .iter()
        .map(|m| m.metric.len())
        .max()
        .unwrap_or(6)
        .max(6);
    out!(
        "{:width$}  {:>10}  {:>10}  {:>10}  {:>8}  {:14}  CHECK",
        "METRIC",
        "CANDIDATE",
        "BASELINE",
        "DELTA",
        "REL",
        "VERDICT"
    );
    for m in &c.metrics {
        let verdict = match m.verdict {
            Verdict::Better => "better",
            Verdict::Worse => "worse",
            Verdict::Same => "same",
            Verdict::Unranked => "—",
            Verdict::OnlyCandidate => "candidate only",
            Verdict::OnlyBaseline => "baseline only",
        };
        let mut checks = Vec::new();
        if let (Some(t), Some(ok)) = (m.threshold, m.meets_threshold) {
            checks.push(format!(
                "threshold {t}: {}",
                if ok { "pass" } else { "FAIL" }
            ));
        }
        if let (Some(mg), Some(ok)) = (m.margin, m.meets_margin) {
            checks.push(format!("margin {mg}: {}", if ok { "pass" } else { "FAIL" }));
        }
        out!(
            "{:width$}  {:>10}  {:>10}  {:>10}  {:>8}  {:14}  {}",
            m.metric,
            num(m.candidate),
            num(m.baseline),
            num(m.delta),
            m.relative_delta
                .map_or("—".into(), |r| format!("{:+.1}%", r * 100.0)),
            verdict,
            checks.join("; ")
        );
    }
}

fn drift_table(d: &DriftReport) {
    out!("{}@{} drift ({})", d.model, d.version, d.convention);
    if d.features.is_empty() {
        out!(
            "no binned distributions or PSI values; import drift evidence with `steward eval import {}@{} FILE`",
            d.model,
            d.version
        );
        return;
    }
    let width = d
        .features
        .iter()
        .map(|f| f.feature.len())
        .max()
        .unwrap_or(7)
        .max(7);
    out!("{:width$}  {:>8}  level", "feature", "PSI");
    for f in &d.features {
        out!("{:width$}  {:>8.4}  {}", f.feature, f.psi, f.level.as_str());
    }
}

fn fairness_table(f: &FairnessReport) {
    out!(
        "{}@{} by {} (groups: {}); tolerance: difference ≤ {}, ratio ≥ {} (four-fifths rule)",
        f.model,
        f.version,
        f.key,
        f.keys.join(", "),
        f.max_difference,
        f.min_ratio
    );
    for m in &f.metrics {
        out!();
        out!(
            "{} ({}): max difference {:.4}, ratio {}, worst group {} — {}",
            m.metric,
            if m.unit.is_empty() { "-" } else { &m.unit },
            m.max_difference,
            m.min_max_ratio.map_or("n/a".into(), |r| format!("{r:.4}")),
            m.worst_group,
            if m.passes_difference && m.passes_ratio {
                "within tolerance"
            } else {
                "OUTSIDE TOLERANCE"
            }
        );
        for g in &m.groups {
            out!(
                "  {:16} {:>10.4}  {:>8}  {}",
                g.group,
                g.value,
                g.n.map_or(String::new(), |n| format!("n={n}")),
                if g.outside_tolerance {
                    "✗ outside"
                } else {
                    ""
                }
            );
        }
    }
    if let Some(p) = &f.parity {
        out!();
        out!(
            "demographic parity difference {:.4}, ratio {:.4}; equalized odds difference {:.4}",
            p.demographic_parity_difference,
            p.demographic_parity_ratio,
            p.equalized_odds_difference
        );
    }
    if !f.failures.is_empty() {
        out!();
        for line in &f.failures {
            out!("FAIL {line}");
        }
    }
}
