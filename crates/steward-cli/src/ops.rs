//! `steward monitor …`, `steward incident …`, `steward service-key init`: online windows
//! against the policy's guardrails, incidents with their timelines and post-incident action
//! items, and the workspace's guardrail service key (issue 12).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use steward_api::wire::{
    GuardrailEventView, IncidentClose, IncidentOpen, IncidentView, MonitorImport, MonitorView,
};
use steward_api::{ApiError, Workspace};

use crate::output;

/// `steward monitor MODEL [--json]` or `steward monitor import MODEL FILE`.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct MonitorArgs {
    #[command(subcommand)]
    cmd: Option<MonitorCmd>,
    /// The model whose guardrail state to show (exits 1 on a breach).
    model: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum MonitorCmd {
    /// Import a CSV of online windows (timestamp,version,metric,value) for the canary and
    /// production versions, evaluate the policy's guardrails canary against production, and
    /// act on a breach (reduce canary traffic, or roll production back signed by the service
    /// key). A bad window stores nothing. Exits 1 on a breach.
    Import {
        /// The model.
        model: String,
        /// The window file.
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum IncidentCmd {
    /// Open an incident by hand.
    Open {
        /// The model.
        model: String,
        /// What happened.
        #[arg(long)]
        title: String,
        /// sev1 … sev4.
        #[arg(long)]
        severity: String,
        /// Versions involved (default: canary and production), comma-separated.
        #[arg(long, value_delimiter = ',')]
        versions: Vec<String>,
        /// The rollback's release record (sha256), when one was made.
        #[arg(long)]
        rollback: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Annotate an open incident's timeline.
    Note {
        /// INC-N.
        incident: String,
        /// The annotation.
        #[arg(long)]
        text: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Close an incident with its post-incident analysis; `--action "TEXT => suite:NAME"`
    /// makes every later promotion of the model require a run of suite NAME.
    Close {
        /// INC-N.
        incident: String,
        /// The post-incident analysis.
        #[arg(long)]
        analysis: String,
        /// An action item (repeatable).
        #[arg(long = "action")]
        actions: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// A model's incidents.
    List {
        /// The model.
        model: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// One incident: timeline, action items and the notification text to paste.
    Show {
        /// INC-N.
        incident: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum ServiceKeyCmd {
    /// Make the workspace's guardrail service key in the OS keyring and add it to the roster
    /// with the one role guardrail-service (you sign, as a roster admin).
    Init {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

fn event_line(e: &GuardrailEventView) -> String {
    let prod = e
        .production
        .map(|p| format!(" vs production {p}"))
        .unwrap_or_default();
    format!(
        "{} [{}] {} {} = {}{prod} at {}: {} → {} ({})",
        e.rule, e.stage, e.metric, e.bound, e.observed, e.window, e.action, e.outcome, e.detail
    )
}

fn print_monitor(v: &MonitorView, json: bool) -> ExitCode {
    if json {
        output::json(v);
    } else {
        out!(
            "{}: {} (canary {}, production {})",
            v.model,
            v.status.to_uppercase(),
            v.canary.as_deref().unwrap_or("none"),
            v.production.as_deref().unwrap_or("none")
        );
        match &v.latest {
            Some(l) => out!(
                "newest windows: {} ({} values, {}, {} → {}), policy {}",
                l.file,
                l.rows,
                if l.step_s > 0 {
                    format!("every {} s", l.step_s)
                } else {
                    "one window per series".to_string()
                },
                l.first,
                l.last,
                l.policy
            ),
            None => out!(
                "no online windows yet: import them with `steward monitor import {} FILE`",
                v.model
            ),
        }
        for e in &v.breaches {
            out!("  BREACH {}", event_line(e));
        }
        out!(
            "{} guardrails in force; {} events in all",
            v.guardrails.len(),
            v.events.len()
        );
    }
    if v.status == "breach" {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_incident(v: &IncidentView, json: bool) {
    if json {
        return output::json(v);
    }
    out!(
        "{} [{}] {} — {} ({}, {})",
        v.reference,
        v.severity,
        v.model,
        v.title,
        v.state,
        v.source
    );
    for line in v.notification.lines() {
        out!("{line}");
    }
}

/// Runs `steward monitor …`.
pub fn monitor(ws: &Workspace, args: MonitorArgs) -> Result<ExitCode, ApiError> {
    match (args.cmd, args.model) {
        (Some(MonitorCmd::Import { model, file, json }), _) => {
            let v = ws.monitor_import(&MonitorImport {
                model,
                file: file.display().to_string(),
            })?;
            Ok(print_monitor(&v, json))
        }
        (None, Some(model)) => Ok(print_monitor(&ws.monitor(&model)?, args.json)),
        (None, None) => Err(ApiError::invalid(
            "give a model (`steward monitor MODEL`) or `steward monitor import MODEL FILE`",
        )),
    }
}

/// Runs `steward incident …`.
pub fn incident(ws: &Workspace, cmd: IncidentCmd) -> Result<(), ApiError> {
    match cmd {
        IncidentCmd::Open {
            model,
            title,
            severity,
            versions,
            rollback,
            json,
        } => print_incident(
            &ws.incident_open(&IncidentOpen {
                model,
                title,
                severity,
                versions,
                rollback,
            })?,
            json,
        ),
        IncidentCmd::Note {
            incident,
            text,
            json,
        } => print_incident(&ws.incident_note(&incident, &text)?, json),
        IncidentCmd::Close {
            incident,
            analysis,
            actions,
            json,
        } => print_incident(
            &ws.incident_close(&IncidentClose {
                incident,
                analysis,
                actions,
            })?,
            json,
        ),
        IncidentCmd::List { model, json } => {
            let all = ws.incident_list(&model)?;
            if json {
                output::json(&all);
            } else if all.is_empty() {
                out!("{model}: no incidents");
            } else {
                for i in &all {
                    out!(
                        "{} [{}] {} ({}) opened {} by {}",
                        i.reference,
                        i.severity,
                        i.title,
                        i.state,
                        i.opened_at,
                        i.opened_by
                    );
                }
            }
        }
        IncidentCmd::Show { incident, json } => print_incident(&ws.incident_show(&incident)?, json),
    }
    Ok(())
}

/// Runs `steward service-key …`.
pub fn service_key(ws: &Workspace, cmd: ServiceKeyCmd) -> Result<(), ApiError> {
    match cmd {
        ServiceKeyCmd::Init { json } => {
            let v = ws.service_key_init()?;
            if json {
                output::json(&v);
            } else {
                out!(
                    "{} guardrail service key {} ({}), roster roles: {}",
                    if v.created { "made" } else { "already have" },
                    v.fingerprint,
                    v.identity,
                    if v.roles.is_empty() {
                        "none".to_string()
                    } else {
                        v.roles.join(", ")
                    }
                );
            }
        }
    }
    Ok(())
}
