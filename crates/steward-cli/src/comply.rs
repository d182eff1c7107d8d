//! `steward pack …`, `steward coverage`, `steward retention` and `steward dossier --annex-iv`:
//! compliance packs, a version's coverage against one, retention dates, and the Annex IV
//! technical documentation file. Each is one `Workspace` call and a printer.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use steward_api::wire::{CoverageView, PackSummary, RetentionView};
use steward_api::{ApiError, Workspace};
use steward_domain::compliance::CoverageStatus;

use crate::output;

#[derive(Subcommand)]
pub enum PackCmd {
    /// The packs in force: built in, and added to this workspace.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check a pack file without adding it; exits 1 naming the line and key of the problem.
    Check {
        /// The pack's TOML file.
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Validate a pack file and add it to the workspace (audited; a pack of the same name
    /// supersedes the older one).
    Add {
        /// The pack's TOML file.
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct CoverageArgs {
    /// MODEL@VERSION.
    target: String,
    /// The pack (`steward pack list`).
    #[arg(long)]
    pack: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct RetentionArgs {
    /// The model.
    model: String,
    /// The pack whose retention period applies.
    #[arg(long, default_value = "eu-ai-act")]
    pack: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

fn print_pack(p: &PackSummary) {
    out!(
        "{:<14} {:>3} requirement(s)  {} ({})  [{}{}]",
        p.name,
        p.requirements,
        p.title,
        p.version,
        p.origin,
        p.added
            .as_deref()
            .map(|a| format!(" {a}"))
            .unwrap_or_default()
    );
}

/// Runs `steward pack check FILE` (needs no workspace).
pub fn check(file: &Path, as_json: bool) -> Result<ExitCode, ApiError> {
    let text = Workspace::pack_read_file(file)?;
    let result = Workspace::pack_check(&text);
    if as_json {
        output::json(&result);
    } else if let Some(p) = &result.pack {
        out!("{}: valid", file.display());
        print_pack(p);
    } else if let Some(e) = &result.error {
        eprintln!("{}: {}", file.display(), e.message);
    }
    Ok(if result.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Runs the other `steward pack` subcommands.
pub fn run(ws: &Workspace, cmd: PackCmd) -> Result<ExitCode, ApiError> {
    match cmd {
        PackCmd::Check { file, json } => return check(&file, json),
        PackCmd::List { json } => {
            let list = ws.pack_list()?;
            if json {
                output::json(&list);
            } else {
                for p in &list {
                    print_pack(p);
                }
            }
        }
        PackCmd::Add { file, json } => {
            let text = Workspace::pack_read_file(&file)?;
            let added = ws
                .pack_add(&text)
                .map_err(|e| ApiError::new(e.code, format!("{}: {}", file.display(), e.message)))?;
            if json {
                output::json(&added);
            } else {
                out!(
                    "added pack {} {} ({})",
                    added.name,
                    added.version,
                    added.sha256
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn mark(s: CoverageStatus) -> &'static str {
    match s {
        CoverageStatus::Satisfied => "✓ satisfied",
        CoverageStatus::Partial => "◐ partial  ",
        CoverageStatus::Missing => "✗ missing  ",
    }
}

fn print_coverage(c: &CoverageView) {
    out!(
        "{}@{} ({}) against {} {}: {} satisfied, {} partial, {} missing",
        c.model,
        c.version,
        c.stage,
        c.pack.name,
        c.pack.version,
        c.counts.satisfied,
        c.counts.partial,
        c.counts.missing
    );
    for r in &c.requirements {
        out!("{} {:<12} {}", mark(r.status), r.id, r.title);
        for s in &r.selectors {
            let found: Vec<String> = s
                .found
                .iter()
                .map(|f| format!("{} ({})", f.what, f.reference))
                .collect();
            if !found.is_empty() {
                out!(
                    "      {} {}: {}",
                    mark(s.status).trim(),
                    s.selector,
                    found.join("; ")
                );
            } else {
                out!("      {} {}", mark(s.status).trim(), s.selector);
            }
            if let Some(n) = &s.next_step {
                out!("        next: {n}");
            }
        }
    }
    for n in &c.notes {
        out!("note: {n}");
    }
}

/// Runs `steward coverage MODEL@VERSION --pack NAME`.
pub fn coverage(ws: &Workspace, args: CoverageArgs) -> Result<ExitCode, ApiError> {
    let c = ws.coverage(&args.target, &args.pack)?;
    if args.json {
        output::json(&c);
    } else {
        print_coverage(&c);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_retention(r: &RetentionView) {
    out!(
        "{} under {} ({}):",
        r.model,
        r.pack,
        r.retention_years
            .map_or("no retention period".into(), |y| format!(
                "kept {y} years after placing on the market"
            ))
    );
    for v in &r.versions {
        out!(
            "  {:<12} {:<16} placed {:<10}  keep until {}",
            v.version,
            v.stage,
            v.placed_on_market.as_deref().unwrap_or("—"),
            v.keep_until.as_deref().unwrap_or("—")
        );
    }
    out!("{}", r.policy);
}

/// Runs `steward retention MODEL [--pack NAME]`.
pub fn retention(ws: &Workspace, args: RetentionArgs) -> Result<ExitCode, ApiError> {
    let r = ws.retention(&args.model, &args.pack)?;
    if args.json {
        output::json(&r);
    } else {
        print_retention(&r);
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct DossierArgs {
    /// MODEL@VERSION.
    target: String,
    /// The EU AI Act Annex IV technical documentation file (the only dossier this command
    /// writes; `steward doc export --format html` writes the release dossier).
    #[arg(long = "annex-iv", required = true)]
    annex_iv: bool,
    /// Where to write it: FILE.html or FILE.pdf.
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `steward dossier MODEL@VERSION --annex-iv -o FILE.html|FILE.pdf`.
pub fn dossier(ws: &Workspace, args: DossierArgs) -> Result<ExitCode, ApiError> {
    debug_assert!(args.annex_iv);
    let e = ws.dossier_annex_iv(&args.target, &args.output, None)?;
    if args.json {
        output::json(&e);
    } else {
        out!(
            "wrote {} ({} bytes): Annex IV items {} satisfied, {} partial, {} missing; {} release record(s) {}, {} approval(s), {} public key(s)",
            e.file,
            e.bytes,
            e.counts.satisfied,
            e.counts.partial,
            e.counts.missing,
            e.records,
            if e.records_verify { "verified" } else { "FAILING verification" },
            e.approvals,
            e.keys
        );
    }
    Ok(ExitCode::SUCCESS)
}
