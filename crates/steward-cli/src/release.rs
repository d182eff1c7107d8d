//! `steward release …`, `steward rollback`, `steward waive`/`waivers`: a model's signed
//! release records (list, show, verify, export), the one-action rollback, and signed waivers of
//! failing gate checks. Each is one `Workspace` call and a printer; `release verify` exits 1
//! when a record or link does not hold, naming the first broken part.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use steward_api::wire::{
    ReleaseList, ReleaseView, RollbackRequest, StageSetResult, WaiverRequest, WaiverSignatureView,
};
use steward_api::{parse_model_version, ApiError, Workspace};
use steward_domain::trust::Role;

use crate::output;
use crate::trust::parse_role;

#[derive(Subcommand)]
pub enum ReleaseCmd {
    /// A model's release records, oldest first, each with its verification.
    List {
        /// The model.
        model: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// One record's signed content (the predicate of its statement), as JSON.
    Show {
        /// The model.
        model: String,
        /// The record's position in the chain (1, 2, …).
        seq: u32,
    },
    /// Verify every record of a model: signatures, the signer's roster standing when it
    /// signed, every digest against the store, and the chain. Exits 1 naming the first
    /// broken part.
    Verify {
        /// The model.
        model: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write one record's DSSE envelope to FILE, for verification with the signer's public
    /// key alone (`steward key export`).
    Export {
        /// The model.
        model: String,
        /// The record's position in the chain.
        seq: u32,
        /// Where to write the envelope.
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
}

#[derive(Args)]
pub struct RollbackArgs {
    /// The model whose production version is rolled back.
    model: String,
    /// The incident reference (ticket, page).
    #[arg(long)]
    incident: String,
    /// Why.
    #[arg(long)]
    reason: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct WaiveArgs {
    /// MODEL@VERSION.
    target: String,
    /// The gate check id (from `steward gate … --json`).
    #[arg(long = "check")]
    check_id: String,
    /// responsible-ai-legal or model-owner (both must sign for the waiver to count).
    #[arg(long, value_parser = parse_role)]
    role: Role,
    /// Why the check may be waived for this version.
    #[arg(long)]
    rationale: String,
    /// When it stops counting: YYYY-MM-DD or an RFC 3339 time.
    #[arg(long = "expires")]
    expires_at: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct WaiversArgs {
    /// MODEL@VERSION.
    target: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

fn short(digest: &str) -> &str {
    digest.get(..19).unwrap_or(digest)
}

/// One line per record.
pub fn print_record(r: &ReleaseView) {
    let gate = match r.gate_passed {
        Some(true) if r.waived_checks.is_empty() => "gate passed".to_string(),
        Some(true) => format!("gate passed with waivers: {}", r.waived_checks.join(", ")),
        Some(false) => "gate failed".to_string(),
        None => "not gated".to_string(),
    };
    out!(
        "#{:<3} {}  {} {} → {} ({})  signed by {} ({})  {}",
        r.seq,
        r.recorded_at,
        r.version,
        r.from.as_str(),
        r.to.as_str(),
        r.kind.as_str(),
        r.signer_name,
        r.signer_fingerprint,
        short(&r.digest)
    );
    let mut facts = vec![gate, format!("{} approvals", r.approvals)];
    if let Some(t) = &r.rollback_target {
        facts.push(format!("rollback target {t}"));
    }
    if let Some(i) = &r.incident {
        facts.push(format!("incident {i}"));
    }
    out!("      {}", facts.join("; "));
    match &r.tag {
        Some(t) if t.created => out!("      tag {} ({})", t.tag, t.detail),
        Some(t) => out!("      tag {} missing: {}", t.tag, t.detail),
        None => {}
    }
    for p in &r.problems {
        out!("      ✗ {}: {}", p.part.as_str(), p.message);
    }
}

fn print_list(l: &ReleaseList, as_json: bool) {
    if as_json {
        return output::json(l);
    }
    if l.records.is_empty() {
        out!(
            "{} has no release records yet: every promotion, rollback and deprecation writes one",
            l.model
        );
    }
    for r in &l.records {
        print_record(r);
    }
    match &l.first_broken {
        None if !l.records.is_empty() => out!(
            "✓ {} records of {} verify: signatures, signers, digests and the chain",
            l.records.len(),
            l.model
        ),
        None => {}
        Some(p) => out!(
            "✗ the first broken part is record {}'s {}: {}",
            p.seq,
            p.part.as_str(),
            p.message
        ),
    }
}

/// Prints a stage change and the release record it wrote.
pub fn print_stage_result(r: &StageSetResult, as_json: bool) {
    output::stage_result(r, as_json);
    if as_json {
        return;
    }
    if let Some(rel) = &r.release {
        out!("release record:");
        print_record(rel);
    }
}

/// Runs `steward release …`.
pub fn run(ws: &Workspace, cmd: ReleaseCmd) -> Result<ExitCode, ApiError> {
    match cmd {
        ReleaseCmd::List { model, json } => {
            print_list(&ws.release_list(&model)?, json);
            Ok(ExitCode::SUCCESS)
        }
        ReleaseCmd::Verify { model, json } => {
            let l = ws.release_list(&model)?;
            print_list(&l, json);
            Ok(if l.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        ReleaseCmd::Show { model, seq } => {
            output::json(&ws.release_record_json(&model, seq)?);
            Ok(ExitCode::SUCCESS)
        }
        ReleaseCmd::Export { model, seq, output } => {
            let env = ws.release_envelope(&model, seq)?;
            std::fs::write(&output, format!("{env}\n")).map_err(|e| {
                ApiError::new(
                    steward_api::ErrorCode::Io,
                    format!("cannot write {}: {e}", output.display()),
                )
            })?;
            out!(
                "wrote release record {seq} of {model} to {}",
                output.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Runs `steward rollback`.
pub fn rollback(ws: &Workspace, a: RollbackArgs) -> Result<(), ApiError> {
    let r = ws.rollback(&RollbackRequest {
        model: a.model,
        incident: a.incident,
        reason: a.reason,
    })?;
    if a.json {
        output::json(&r);
        return Ok(());
    }
    out!(
        "rolled back {}: {} serves again, {} left production ({} ms from request to signed record)",
        r.release.model,
        r.serving,
        r.rolled_back,
        r.elapsed_ms
    );
    print_record(&r.release);
    Ok(())
}

fn print_waiver(w: &WaiverSignatureView) {
    out!(
        "{}  {} by {} ({})  until {}  — {}",
        w.check_id,
        w.role.map_or("?", |r| r.as_str()),
        w.signer_name,
        w.state,
        w.expires_at,
        w.rationale
    );
    for why in &w.reasons {
        out!("    {why}");
    }
}

/// Runs `steward waive`.
pub fn waive(ws: &Workspace, a: WaiveArgs) -> Result<(), ApiError> {
    let (model, version) = parse_model_version(&a.target)?;
    let w = ws.waive(&WaiverRequest {
        model: model.to_string(),
        version: version.to_string(),
        check_id: a.check_id,
        role: a.role,
        rationale: a.rationale,
        expires_at: a.expires_at,
    })?;
    if a.json {
        output::json(&w);
    } else {
        print_waiver(&w);
    }
    Ok(())
}

/// Runs `steward waivers`.
pub fn waivers(ws: &Workspace, a: WaiversArgs) -> Result<(), ApiError> {
    let (model, version) = parse_model_version(&a.target)?;
    let all = ws.waivers(model.as_str(), &version.to_string())?;
    if a.json {
        output::json(&all);
        return Ok(());
    }
    if all.is_empty() {
        out!("{model}@{version} has no waivers");
    }
    for w in &all {
        print_waiver(w);
    }
    Ok(())
}

#[derive(Args)]
pub struct InboxArgs {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `steward inbox`.
pub fn inbox(ws: &Workspace, a: InboxArgs) -> Result<(), ApiError> {
    let v = ws.review_inbox()?;
    if a.json {
        output::json(&v);
        return Ok(());
    }
    let roles: Vec<&str> = v.roles.iter().map(|r| r.as_str()).collect();
    out!(
        "inbox of {} <{}> ({})",
        v.name,
        v.email,
        if roles.is_empty() {
            "no roles".to_string()
        } else {
            roles.join(", ")
        }
    );
    if v.awaiting.is_empty() && v.stale.is_empty() && v.failing_gates.is_empty() {
        out!("nothing waits for you");
    }
    if !v.awaiting.is_empty() {
        out!("waiting for your sign-off:");
        for s in &v.awaiting {
            out!(
                "  {}@{} ({}) → {} as {}",
                s.model,
                s.version,
                s.stage.as_str(),
                s.target.as_str(),
                s.role.as_str()
            );
        }
    }
    if !v.stale.is_empty() {
        out!("your sign-offs that no longer count:");
        for s in &v.stale {
            out!(
                "  {}@{} → {} as {}: {}",
                s.model,
                s.version,
                s.target.as_str(),
                s.role.as_str(),
                s.state
            );
            for r in &s.reasons {
                out!("      {r}");
            }
        }
    }
    if !v.failing_gates.is_empty() {
        out!("gates that stop your models:");
        for g in &v.failing_gates {
            out!(
                "  {}@{} ({}) → {}: {} check(s), first {}",
                g.model,
                g.version,
                g.stage.as_str(),
                g.target.as_str(),
                g.blocking,
                g.first.join(", ")
            );
        }
    }
    Ok(())
}
