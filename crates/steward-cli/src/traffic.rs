//! `steward traffic …`: a model's traffic dial as a flagd flag file — show it, change it
//! within what the policy allows, and choose where the flag files live.

use std::path::PathBuf;

use clap::Subcommand;
use steward_api::wire::{
    TrafficChangeView, TrafficHookSet, TrafficHookView, TrafficSet, TrafficView,
};
use steward_api::{ApiError, Workspace};

use crate::output;

#[derive(Subcommand)]
pub enum TrafficCmd {
    /// The dial: serving version, canary share or tenants, shadow mode, kill switch, epoch,
    /// the flag file's path and whether it is as Steward wrote it, and every change.
    Show {
        /// The model.
        model: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change the dial (one of --canary, --tenants, --kill, --unkill); the flag file is
    /// rewritten atomically and the change recorded.
    Set {
        /// The model.
        model: String,
        /// Route PERCENT of traffic to the canary (under the policy's bound).
        #[arg(long, value_name = "PERCENT")]
        canary: Option<f64>,
        /// Route these tenants (comma-separated) to the canary.
        #[arg(long, value_name = "LIST", value_delimiter = ',')]
        tenants: Option<Vec<String>>,
        /// Pull the kill switch: everyone to the serving version.
        #[arg(long)]
        kill: bool,
        /// Release the kill switch.
        #[arg(long, conflicts_with = "kill")]
        unkill: bool,
        /// Why, for the record.
        #[arg(long)]
        reason: String,
        /// Replace a flag file that was changed outside Steward.
        #[arg(long)]
        overwrite: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run COMMAND (`sh -c`) after each change of MODEL's dial, with the release record as
    /// JSON on standard input (bounded by --timeout; its outcome is recorded with the change;
    /// a failing or hanging hook never blocks the change). `--command ""` removes it; without
    /// --command, shows the hook and its runs.
    Hook {
        /// The model.
        model: String,
        /// The shell command.
        #[arg(long)]
        command: Option<String>,
        /// Seconds a run may take (default 10, at most 300).
        #[arg(long, value_name = "SECONDS")]
        timeout: Option<u32>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write flag files into DIR from now on (point your flagd at it).
    Dir {
        /// The folder.
        dir: PathBuf,
    },
}

fn line(c: &TrafficChangeView) -> String {
    let mut parts = vec![format!(
        "epoch {}: serving {}",
        c.epoch,
        c.serving.as_deref().unwrap_or("nothing")
    )];
    if let Some(canary) = &c.canary {
        parts.push(format!("canary {canary} at {}%", c.canary_percent));
        if !c.tenants.is_empty() {
            parts.push(format!("tenants {}", c.tenants.join(", ")));
        }
        if c.shadow {
            parts.push("shadow mode".into());
        }
    }
    if c.killed {
        parts.push("KILLED: everyone to the serving version".into());
    }
    parts.join("; ")
}

fn print(v: &TrafficView, as_json: bool) {
    if as_json {
        return output::json(v);
    }
    out!("flag file {} ({})", v.path, v.file);
    match &v.current {
        None => out!(
            "{}: the dial has not moved yet; it follows the next promotion",
            v.model
        ),
        Some(c) => out!("{}", line(c)),
    }
    for c in &v.history {
        let mut extra = String::new();
        if let Some(r) = &c.release {
            extra.push_str(&format!(" (release {})", r.get(..19).unwrap_or(r)));
        }
        if !c.written {
            extra.push_str(&format!(" — {}", c.file_note));
        }
        out!("  {}  {}  {}{extra}", c.at, c.reason, line(c));
    }
}

fn print_hook(v: &TrafficHookView, as_json: bool) {
    if as_json {
        return output::json(v);
    }
    match &v.command {
        Some(c) => out!(
            "{}: hook `{c}` (at most {} s) runs after each traffic change",
            v.model,
            v.timeout_s.unwrap_or(0)
        ),
        None => out!("{}: no hook", v.model),
    }
    for r in &v.runs {
        let code = r
            .exit_code
            .map(|c| format!(" exit {c}"))
            .unwrap_or_default();
        out!(
            "  epoch {}  {}{code} in {} ms  `{}`",
            r.epoch,
            r.outcome,
            r.elapsed_ms,
            r.command
        );
    }
}

/// Runs `steward traffic …`.
pub fn run(ws: &Workspace, cmd: TrafficCmd) -> Result<(), ApiError> {
    match cmd {
        TrafficCmd::Show { model, json } => print(&ws.traffic_show(&model)?, json),
        TrafficCmd::Set {
            model,
            canary,
            tenants,
            kill,
            unkill,
            reason,
            overwrite,
            json,
        } => {
            let v = ws.traffic_set(&TrafficSet {
                model,
                canary_percent: canary,
                tenants,
                kill: if kill {
                    Some(true)
                } else if unkill {
                    Some(false)
                } else {
                    None
                },
                reason,
                overwrite,
            })?;
            print(&v, json);
        }
        TrafficCmd::Hook {
            model,
            command,
            timeout,
            json,
        } => {
            let v = match command {
                Some(command) => ws.traffic_hook_set(&TrafficHookSet {
                    model,
                    command,
                    timeout_s: timeout,
                })?,
                None => ws.traffic_hook_show(&model)?,
            };
            print_hook(&v, json);
        }
        TrafficCmd::Dir { dir } => {
            let d = ws.traffic_dir_set(&dir)?;
            out!("flag files are written to {d} from now on");
        }
    }
    Ok(())
}
