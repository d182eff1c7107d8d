//! `steward operations MODEL [--json]` and `steward operations chart MODEL --rule ID -o OUT.svg`:
//! the studio's Operations screen as the CLI sees it — the guardrails with the windows each
//! reads, the dial and its history, incidents, feedback, the review queue and the triage — and
//! one guardrail's chart drawn by the core (issue 12, point 5).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use steward_api::wire::{ChartTheme, GuardrailChartRequest, OperationsView};
use steward_api::{ApiError, ErrorCode, Workspace};

use crate::output;

/// `steward operations MODEL [--json]` or `steward operations chart …`.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct OperationsArgs {
    #[command(subcommand)]
    cmd: Option<OperationsCmd>,
    /// The model whose operations to show.
    model: Option<String>,
    /// Print JSON (what the studio's Operations screen reads).
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum OperationsCmd {
    /// Draw one guardrail's chart: the canary against production with the rule's bounds, the
    /// windows that crossed them and the recorded breaches, as SVG.
    Chart {
        /// The model.
        model: String,
        /// The guardrail's id (`canary.guardrail.latency-p99`).
        #[arg(long)]
        rule: String,
        /// The SVG file to write.
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        /// Draw the dark variant.
        #[arg(long)]
        dark: bool,
        /// Print the chart's answer as JSON (the SVG included).
        #[arg(long)]
        json: bool,
    },
}

fn print(v: &OperationsView) {
    let m = &v.monitor;
    out!(
        "{}: guardrails {} (canary {}, production {})",
        v.model,
        m.status,
        m.canary.as_deref().unwrap_or("none"),
        m.production.as_deref().unwrap_or("none")
    );
    for s in v.series.iter().filter(|s| s.windows > 0) {
        out!(
            "  {}  {} windows of {}: {} crossed, {} breaching, {} event(s)",
            s.rule,
            s.windows,
            s.version.as_deref().unwrap_or("-"),
            s.crossed,
            s.breaching,
            s.events
        );
    }
    match &v.traffic.current {
        Some(c) => out!(
            "dial: epoch {}, serving {}, canary {} at {}%{}{} ({})",
            c.epoch,
            c.serving.as_deref().unwrap_or("none"),
            c.canary.as_deref().unwrap_or("none"),
            c.canary_percent,
            if c.shadow { ", shadow" } else { "" },
            if c.killed { ", KILLED" } else { "" },
            v.traffic.path
        ),
        None => out!("dial: no changes yet ({})", v.traffic.path),
    }
    out!(
        "incidents: {}; feedback: {} variant summaries; review queue: {} open of {}; triage: {} complaints, {} safety",
        v.incidents.len(),
        v.feedback.variants.len(),
        v.queue_open,
        v.queue.len(),
        v.triage.triage.complaints,
        v.triage.triage.safety_incidents
    );
}

/// Runs `steward operations …`.
pub fn run(ws: &Workspace, args: OperationsArgs) -> Result<(), ApiError> {
    match args.cmd {
        Some(OperationsCmd::Chart {
            model,
            rule,
            output: out,
            dark,
            json,
        }) => {
            let chart = ws.guardrail_chart(&GuardrailChartRequest {
                model,
                rule,
                theme: if dark {
                    ChartTheme::Dark
                } else {
                    ChartTheme::Light
                },
            })?;
            std::fs::write(&out, chart.svg.as_bytes()).map_err(|e| {
                ApiError::new(
                    ErrorCode::Io,
                    format!("cannot write {}: {e}", out.display()),
                )
            })?;
            if json {
                output::json(&chart);
            } else {
                out!(
                    "wrote {} ({}: {} windows, {} crossed, {} breaching, {} event(s))",
                    out.display(),
                    chart.title,
                    chart.windows,
                    chart.crossed,
                    chart.breaching,
                    chart.events
                );
            }
        }
        None => {
            let Some(model) = args.model else {
                return Err(ApiError::invalid(
                    "name the model: steward operations MODEL [--json]",
                ));
            };
            let v = ws.operations_view(&model)?;
            if args.json {
                output::json(&v);
            } else {
                print(&v);
            }
        }
    }
    Ok(())
}
