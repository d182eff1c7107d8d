//! `steward registry set|login|test`, `steward sync [--push|--pull] [--restore]`,
//! `steward sync status`, and `steward admit` (no workspace): the central registry. Each is
//! one steward-api call and a printer. `sync` exits 1 when it finds an ungoverned alias or a
//! new conflict, so a scheduled sync fails loudly; `admit` exits 0 only for an admitted version.
//!
//! A long sync shows its progress on stderr (a bar on a terminal; lines with `--progress`
//! elsewhere; stdout and `--json` stay clean). Ctrl-C (SIGINT) cancels it between two registry
//! operations: what was sent stays sent, the rest waits in the outbox for the next sync, and
//! the exit code is 130. A second Ctrl-C stops at once (also 130); the next sync resumes from
//! what the registry holds.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use steward_api::wire::{AdmitView, SyncReport, SyncRequest, SyncStatusView, UngovernedView};
use steward_api::{ApiError, ErrorCode, Workspace};

use crate::output;

#[derive(Subcommand)]
pub enum RegistryCmd {
    /// Set the workspace's registry (an MLflow server's root URL).
    Set {
        /// The URL, e.g. http://mlflow.internal:5000.
        url: String,
    },
    /// Store the registry credential in the OS keyring: a token, or with --user a password.
    /// The secret is read from $STEWARD_REGISTRY_SECRET when set, else from standard input.
    Login {
        /// The registry (default: the workspace's).
        #[arg(long)]
        url: Option<String>,
        /// Log in as this user (MLflow basic auth) instead of with a token.
        #[arg(long)]
        user: Option<String>,
    },
    /// Check the registry: reachable, MLflow version, credential, permissions.
    Test {
        /// The registry (default: the workspace's).
        #[arg(long)]
        url: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct SyncArgs {
    #[command(subcommand)]
    status: Option<SyncCmd>,
    /// Only send what waits.
    #[arg(long, conflicts_with = "pull")]
    push: bool,
    /// Only bring others' approvals back and compare records.
    #[arg(long)]
    pull: bool,
    /// Move ungoverned aliases back to the governed state.
    #[arg(long)]
    restore: bool,
    /// Also download every envelope and document revision held here and in the registry and
    /// compare the bytes: an edit made in the registry in place is reported as tampered, and a
    /// push puts the workspace's bytes back (one GET per artifact).
    #[arg(long)]
    verify: bool,
    /// Print progress lines on stderr even when it is not a terminal (on a terminal a bar is
    /// shown anyway).
    #[arg(long)]
    progress: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// The exit code of a sync cancelled by Ctrl-C (128 + SIGINT, as shells report it).
pub const CANCELLED_EXIT: u8 = 130;

/// Progress on stderr: a bar on a terminal, throttled lines with `--progress`, else nothing.
enum Shown {
    Bar(ProgressBar),
    Lines(Option<Instant>),
    Off,
}

impl Shown {
    fn new(lines: bool) -> Shown {
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} operations {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            Shown::Bar(bar)
        } else if lines {
            Shown::Lines(None)
        } else {
            Shown::Off
        }
    }

    fn show(&mut self, p: &steward_api::SyncProgress<'_>) {
        match self {
            Shown::Bar(bar) => {
                bar.set_prefix(p.model.to_string());
                bar.set_length(p.total as u64);
                bar.set_position(p.done as u64);
                bar.set_message(p.op.describe());
            }
            Shown::Lines(last) => {
                // One line a second at most, and each model's last operation.
                let due = last.is_none_or(|t| t.elapsed() >= Duration::from_secs(1));
                if due || p.done == p.total {
                    eprintln!(
                        "sync {}: {}/{} operations, {}",
                        p.model,
                        p.done,
                        p.total,
                        p.op.describe()
                    );
                    *last = Some(Instant::now());
                }
            }
            Shown::Off => {}
        }
    }
}

impl Shown {
    /// Where a retry is told: above the bar, as a line with `--progress`, else nowhere (every
    /// retry is told, unthrottled: they are what a silent wait would hide).
    fn retry_lines(&self) -> steward_api::RetryObserver {
        match self {
            Shown::Bar(bar) => {
                let bar = bar.clone();
                Arc::new(move |r| bar.println(format!("sync: {}", r.describe())))
            }
            Shown::Lines(_) => Arc::new(|r| eprintln!("sync: {}", r.describe())),
            Shown::Off => Arc::new(|_| {}),
        }
    }
}

impl Drop for Shown {
    fn drop(&mut self) {
        if let Shown::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

/// A flag Ctrl-C sets; a second Ctrl-C ends the process at once.
fn cancel_on_sigint() -> Result<Arc<AtomicBool>, ApiError> {
    let flag = Arc::new(AtomicBool::new(false));
    let sigint = signal_hook::consts::SIGINT;
    // Registered first, so it sees the flag before the second handler sets it.
    signal_hook::flag::register_conditional_shutdown(
        sigint,
        i32::from(CANCELLED_EXIT),
        flag.clone(),
    )
    .and_then(|_| signal_hook::flag::register(sigint, flag.clone()))
    .map_err(|e| ApiError::new(ErrorCode::Internal, format!("cannot watch for Ctrl-C: {e}")))?;
    // The handler itself cannot print; a watcher says at once that the first Ctrl-C was
    // heard, since the request in flight may take up to the timeout to finish.
    let seen = flag.clone();
    let _ = std::thread::Builder::new()
        .name("sigint-note".into())
        .spawn(move || loop {
            if seen.load(Ordering::SeqCst) {
                eprintln!(
                    "cancelling: stopping after the request in flight (what is not sent waits in the outbox); Ctrl-C again stops now"
                );
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        });
    Ok(flag)
}

#[derive(Subcommand)]
enum SyncCmd {
    /// What waits for the registry, each entry's last error, the last sync, the conflicts.
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Settle a version's release-record conflict: keep this workspace's record (the next
    /// push writes it over the registry's) or the registry's (left as it is).
    Resolve {
        /// MODEL@VERSION.
        target: String,
        /// Whose record stands: `ours` (this workspace's) or `theirs` (the registry's).
        #[arg(long, value_parser = ["ours", "theirs"])]
        keep: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct AdmitArgs {
    /// The registry (an MLflow server's root URL).
    #[arg(long)]
    registry: String,
    /// The registered model.
    #[arg(long)]
    model: String,
    /// The alias to admit: production, canary, candidate or rollback.
    #[arg(long, default_value = "production")]
    alias: String,
    /// The team's roster file (`steward roster export`).
    #[arg(long)]
    roster: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

fn read_secret() -> Result<String, ApiError> {
    if let Ok(s) = std::env::var("STEWARD_REGISTRY_SECRET") {
        return Ok(s);
    }
    let mut text = String::new();
    std::io::stdin()
        .take(64 * 1024)
        .read_to_string(&mut text)
        .map_err(|e| {
            ApiError::invalid(format!("cannot read the secret from standard input: {e}"))
        })?;
    Ok(text.lines().next().unwrap_or_default().to_string())
}

fn url_or_workspace(
    url: Option<String>,
    open: &dyn Fn() -> Result<Workspace, ApiError>,
) -> Result<String, ApiError> {
    match url {
        Some(u) => Ok(u),
        None => open()?.registry_url()?.ok_or_else(|| {
            ApiError::invalid("no registry is set: pass --url or run `steward registry set URL`")
        }),
    }
}

pub fn registry(
    cmd: RegistryCmd,
    open: &dyn Fn() -> Result<Workspace, ApiError>,
) -> Result<(), ApiError> {
    match cmd {
        RegistryCmd::Set { url } => {
            let url = open()?.registry_set(&url)?;
            out!("registry set to {url}; next: steward registry login, steward registry test");
        }
        RegistryCmd::Login { url, user } => {
            let url = url_or_workspace(url, open)?;
            let secret = read_secret()?;
            out!(
                "{}",
                steward_api::registry_login(&url, user.as_deref(), &secret)?
            );
        }
        RegistryCmd::Test { url, json } => {
            let url = url_or_workspace(url, open)?;
            let t = steward_api::registry_test(&url)?;
            if json {
                output::json(&t);
            } else {
                out!("registry   {}", t.url);
                out!(
                    "mlflow     {}{}",
                    t.mlflow_version,
                    if t.supported {
                        " (supported)"
                    } else {
                        " (not tested with Steward: 3.17 is)"
                    }
                );
                out!(
                    "credential {}",
                    t.credential.as_deref().unwrap_or("none (anonymous)")
                );
                out!("read       ok");
                out!("permission {}", t.permissions);
            }
        }
    }
    Ok(())
}

fn print_status(s: &SyncStatusView) {
    out!("registry: {}", s.url.as_deref().unwrap_or("not set"));
    match &s.last_sync {
        None => out!("last sync: never"),
        Some(r) => out!(
            "last sync: {} ({}, {} operations, {} requests){}",
            r.at,
            r.direction,
            r.ops,
            r.requests,
            r.error
                .as_ref()
                .map(|e| format!(" failed: {e}"))
                .unwrap_or_default()
        ),
    }
    out!("waiting: {}", s.waiting.len());
    for w in &s.waiting {
        out!(
            "  #{} {} {} (since {}, {} attempts{})",
            w.id,
            w.kind,
            w.subject,
            w.created_at,
            w.attempts,
            w.last_error
                .as_ref()
                .map(|e| format!(", last error: {e}"))
                .unwrap_or_default()
        );
    }
    for c in &s.conflicts {
        out!(
            "conflict: {}@{} {}: {}{}",
            c.model,
            c.version,
            c.kind,
            c.detail,
            if c.kind == "release-record" {
                format!(
                    " (settle it: `steward sync resolve {}@{} --keep ours|theirs`)",
                    c.model, c.version
                )
            } else {
                String::new()
            }
        );
    }
}

/// One ungoverned alias, with who and when MLflow last changed the version it points at
/// (MLflow records no author or time for an alias itself).
fn ungoverned_line(u: &UngovernedView) -> String {
    let when = u
        .last_updated_ms
        .and_then(|ms| {
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
        })
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        });
    let changed = match (&u.user_id, when) {
        (Some(who), Some(at)) => format!("; that version was last changed by {who} at {at}"),
        (Some(who), None) => format!("; that version was last changed by {who}"),
        (None, Some(at)) => format!("; that version was last changed at {at}"),
        (None, None) => String::new(),
    };
    format!(
        "{}: alias {} points at registry version {} ({}), but signed records put {} there{changed}{}",
        u.model,
        u.alias,
        u.number,
        u.points_at.as_deref().unwrap_or("not a Steward version"),
        u.governed.as_deref().unwrap_or("no version"),
        if u.restored {
            "; restored"
        } else {
            "; run `steward sync --restore` to restore the governed state"
        }
    )
}

fn print_report(r: &SyncReport) {
    out!(
        "synced {} models with {} ({}): {} operations, {} versions created, {} requests, {} outbox entries sent, {} approvals pulled",
        r.models, r.url, r.direction, r.ops, r.versions_created, r.requests, r.sent, r.pulled_approvals
    );
    for u in &r.ungoverned {
        out!("UNGOVERNED {}", ungoverned_line(u));
    }
    for c in &r.conflicts {
        out!(
            "CONFLICT {}@{} {}: {}",
            c.model,
            c.version,
            c.kind,
            c.detail
        );
    }
    for a in &r.remote_ahead {
        out!("remote ahead: {a}");
    }
    for d in &r.duplicates {
        out!("duplicate: {d}");
    }
    for x in &r.settled {
        out!("settled: {x}");
    }
    for x in &r.refused {
        out!("refused: {x}");
    }
}

pub fn sync(ws: &Workspace, args: SyncArgs) -> Result<ExitCode, ApiError> {
    if let Some(SyncCmd::Resolve { target, keep, json }) = &args.status {
        let Some((model, version)) = target.rsplit_once('@') else {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                format!("{target:?} is not MODEL@VERSION"),
            ));
        };
        let settled = ws.sync_conflict_resolve(model, version, keep == "ours")?;
        if *json || args.json {
            output::json(&settled);
        } else {
            for c in &settled {
                out!("settled {}@{} {}: {}", c.model, c.version, c.kind, c.detail);
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(SyncCmd::Status { json }) = args.status {
        let s = ws.sync_status()?;
        if json || args.json {
            output::json(&s);
        } else {
            print_status(&s);
            // What the newest sync that reached the registry found about aliases.
            let findings = ws.sync_findings()?;
            if let (Some(at), Some(report)) = (&findings.at, &findings.report) {
                for u in report.ungoverned.iter().filter(|u| !u.restored) {
                    out!("ungoverned (sync of {at}): {}", ungoverned_line(u));
                }
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let cancel = cancel_on_sigint()?;
    let mut shown = Shown::new(args.progress);
    let retrying = shown.retry_lines();
    let result = ws.sync_progress(
        &SyncRequest {
            push: args.push,
            pull: args.pull,
            restore: args.restore,
            verify: Some(args.verify),
        },
        &|| cancel.load(Ordering::SeqCst),
        &|| {
            eprintln!("waiting: another sync of this workspace is running (Ctrl-C to stop waiting)")
        },
        &mut |p| shown.show(p),
        retrying,
    );
    drop(shown);
    let report = match result {
        Err(e) if e.code == ErrorCode::Cancelled => {
            eprintln!("{}", e.message);
            return Ok(ExitCode::from(CANCELLED_EXIT));
        }
        other => other?,
    };
    if args.json {
        output::json(&report);
    } else {
        print_report(&report);
    }
    let unresolved = report.ungoverned.iter().any(|u| !u.restored) || !report.conflicts.is_empty();
    Ok(if unresolved {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_admit(a: &AdmitView) {
    if a.admitted {
        out!(
            "ADMITTED {} alias {} = registry version {} ({}): release record {} signed by {}, {} approvals verified",
            a.model,
            a.alias,
            a.number.as_deref().unwrap_or("?"),
            a.version.as_deref().unwrap_or("?"),
            a.record.as_deref().unwrap_or("?"),
            a.signer.as_deref().unwrap_or("?"),
            a.approvals
        );
    } else {
        out!("REFUSED {} alias {}:", a.model, a.alias);
        for p in &a.problems {
            out!("  {p}");
        }
    }
}

pub fn admit(args: AdmitArgs) -> Result<ExitCode, ApiError> {
    let a = steward_api::admit(&args.registry, &args.model, &args.alias, &args.roster)?;
    if args.json {
        output::json(&a);
    } else {
        print_admit(&a);
    }
    Ok(if a.admitted {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
