//! `steward key|roster|approve|approvals|approval|review …`: identities in the OS keyring,
//! the trust roster, signed approvals and offline review packets.
//!
//! Which identity signs: the keyring entry named by `STEWARD_IDENTITY`, else the only one.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use steward_api::wire::{
    ApprovalView, ApprovalsView, ApproveRequest, IdentityView, KeyInit, RosterEdit, RosterView,
};
use steward_api::{parse_model_version, ApiError, Workspace};
use steward_domain::trust::{Decision, Role};
use steward_domain::Stage;

use crate::output;

#[derive(Subcommand)]
pub enum KeyCmd {
    /// Create your signing key in the OS keyring (the private key never leaves it).
    Init {
        /// Your name, as reviewers know you.
        #[arg(long)]
        name: String,
        /// Your email (names the keyring entry).
        #[arg(long)]
        email: String,
        /// Replace an existing key; the workspace's roster records the rotation, signed by the old key.
        #[arg(long)]
        replace: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show your identity: name, key id and the fingerprint to read aloud.
    Show {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write your public key: FILE as a securesystemslib key dictionary, and PEM beside it.
    Export {
        /// The JSON file (the PEM goes to the same name with .pem).
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum RosterCmd {
    /// Start the workspace's roster with your key as its root.
    Init,
    /// Add a member from the key file they exported (`steward key export`).
    Add {
        /// Their key file (JSON).
        file: PathBuf,
    },
    /// Let a member sign for a role.
    Grant {
        /// Key id (at least 8 hex digits) or fingerprint.
        keyid: String,
        /// model-owner, product-ux, security-privacy, responsible-ai-legal or sre.
        #[arg(value_parser = parse_role)]
        role: Role,
    },
    /// Take a role away from a member.
    Revoke {
        /// Key id (at least 8 hex digits) or fingerprint.
        keyid: String,
        /// The role.
        #[arg(value_parser = parse_role)]
        role: Role,
    },
    /// Make a member a roster admin.
    GrantAdmin {
        /// Key id (at least 8 hex digits) or fingerprint.
        keyid: String,
    },
    /// Revoke a key: it signs nothing from now on, and its approvals stop counting.
    RevokeKey {
        /// Key id (at least 8 hex digits) or fingerprint.
        keyid: String,
    },
    /// Show the roster: root fingerprint, members, roles and history.
    Show {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write the roster's signed changes to one file to share.
    Export {
        /// The file.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
    /// Import a roster file: every signature and the whole history are checked first.
    Import {
        /// The file.
        file: PathBuf,
    },
}

#[derive(Args)]
pub struct ApproveArgs {
    /// MODEL@VERSION.
    target: String,
    /// The role you sign for.
    #[arg(long, value_parser = parse_role)]
    role: Role,
    /// The stage it is approved for.
    #[arg(long, value_parser = parse_stage)]
    to: Stage,
    /// approve (default), request-changes or reject.
    #[arg(long, value_parser = parse_decision, default_value = "approve")]
    decision: Decision,
    /// A comment.
    #[arg(long, default_value = "")]
    comment: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ApprovalsArgs {
    /// MODEL@VERSION.
    target: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum ApprovalCmd {
    /// Verify an approval file: against a public key file alone, or the workspace's roster.
    Verify {
        /// The approval (DSSE envelope).
        file: PathBuf,
        /// A public key file (securesystemslib JSON or PEM); without it, the roster.
        #[arg(long, value_name = "PUBKEY")]
        key: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Import an approval file after checking its signature, signer, version and subject.
    Import {
        /// The approval file.
        file: PathBuf,
        /// The version it must be for (refuses an approval replayed from another).
        #[arg(long = "for", value_name = "MODEL@VERSION")]
        for_target: Option<String>,
    },
    /// Write a version's newest approval for a role to a file.
    Export {
        /// MODEL@VERSION.
        target: String,
        /// The role.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Only an approval for this stage.
        #[arg(long, value_parser = parse_stage)]
        to: Option<Stage>,
        /// The file.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum ReviewCmd {
    /// Sign a review packet offline (no workspace needed): writes your approval to a file to send back.
    Sign {
        /// The review packet (`steward review export`).
        packet: PathBuf,
        /// The role you sign for.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// approve (default), request-changes or reject.
        #[arg(long, value_parser = parse_decision, default_value = "approve")]
        decision: Decision,
        /// A comment.
        #[arg(long, default_value = "")]
        comment: String,
        /// The approval file to write.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show what an approval for a stage signs now: each item of the review subject and its digest.
    Subject {
        /// MODEL@VERSION.
        target: String,
        /// The stage it is reviewed for.
        #[arg(long, value_parser = parse_stage)]
        to: Stage,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write one self-contained review packet: subject, documents, evaluations, approvals.
    Export {
        /// MODEL@VERSION.
        target: String,
        /// The stage it is reviewed for.
        #[arg(long, value_parser = parse_stage)]
        to: Stage,
        /// The file.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
}

pub(crate) fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
        .map_err(|e: steward_domain::trust::TrustError| e.to_string())
}
fn parse_decision(s: &str) -> Result<Decision, String> {
    s.parse()
        .map_err(|e: steward_domain::trust::TrustError| e.to_string())
}
fn parse_stage(s: &str) -> Result<Stage, String> {
    s.parse()
        .map_err(|e: steward_domain::DomainError| e.to_string())
}

fn identity(v: &IdentityView) {
    out!("{} <{}>", v.name, v.email);
    out!("keyid:       {}", v.keyid);
    out!("fingerprint: {}", v.fingerprint);
    out!("keyring:     {} (service {})", v.backend, v.keyring_service);
}

/// `steward key …`; `ws` is the workspace when one exists (for recording a rotation).
pub fn key(cmd: KeyCmd, ws: Option<&Workspace>) -> Result<(), ApiError> {
    match cmd {
        KeyCmd::Init {
            name,
            email,
            replace,
            json,
        } => {
            let r = steward_api::key_init(
                &KeyInit {
                    name,
                    email,
                    replace,
                },
                ws,
            )?;
            if json {
                output::json(&r);
                return Ok(());
            }
            out!("created your key in the OS keyring; the private key stays there");
            identity(&r.identity);
            if let Some(old) = &r.replaced {
                out!("replaced key {old}");
            }
            if let Some(seq) = r.rotation {
                out!("roster change {seq} records the rotation, signed by the old key");
            }
        }
        KeyCmd::Show { json } => {
            let v = steward_api::key_show()?;
            if json {
                output::json(&v);
                return Ok(());
            }
            identity(&v);
        }
        KeyCmd::Export { output: path, json } => {
            let r = steward_api::key_export(&path)?;
            if json {
                output::json(&r);
                return Ok(());
            }
            out!(
                "wrote {} (securesystemslib key) and {} (PEM)",
                r.json_file,
                r.pem_file
            );
            out!("fingerprint: {}", r.fingerprint);
        }
    }
    Ok(())
}

fn roster_show(r: &RosterView) {
    out!("roster root: {}", r.root_fingerprint);
    out!("members:");
    for m in &r.members {
        let roles: Vec<&str> = m.roles.iter().map(|r| r.as_str()).collect();
        out!(
            "  {}  {} <{}>  roles: {}{}{}",
            m.fingerprint,
            m.name,
            m.email,
            if roles.is_empty() {
                "none".to_string()
            } else {
                roles.join(", ")
            },
            if m.admin { "  admin" } else { "" },
            m.retired
                .as_ref()
                .map(|r| format!("  ({r})"))
                .unwrap_or_default()
        );
    }
    out!("history:");
    for c in &r.history {
        out!(
            "  {:>3}  {}  {}  by {}",
            c.seq,
            c.signed_at,
            c.summary,
            c.signer_name
        );
    }
    for p in &r.problems {
        eprintln!("warning: {}", crate::escape_text(p, crate::Text::Line));
    }
}

/// `steward roster …`.
pub fn roster(ws: &Workspace, cmd: RosterCmd) -> Result<(), ApiError> {
    let edit = |e: RosterEdit| -> Result<(), ApiError> {
        let r = ws.roster_edit(&e)?;
        if let Some(c) = r.history.last() {
            out!("roster change {}: {}", c.seq, c.summary);
        }
        out!("roster root: {}", r.root_fingerprint);
        Ok(())
    };
    match cmd {
        RosterCmd::Init => {
            let r = ws.roster_init()?;
            out!("roster started; its root is your key");
            out!("roster root: {}", r.root_fingerprint);
        }
        RosterCmd::Add { file } => edit(RosterEdit::Add {
            file: file.display().to_string(),
        })?,
        RosterCmd::Grant { keyid, role } => edit(RosterEdit::Grant { keyid, role })?,
        RosterCmd::Revoke { keyid, role } => edit(RosterEdit::Revoke { keyid, role })?,
        RosterCmd::GrantAdmin { keyid } => edit(RosterEdit::GrantAdmin { keyid })?,
        RosterCmd::RevokeKey { keyid } => edit(RosterEdit::RevokeKey { keyid })?,
        RosterCmd::Show { json } => {
            let r = ws.roster_show()?;
            if json {
                output::json(&r);
            } else {
                roster_show(&r);
            }
        }
        RosterCmd::Export { output: path } => {
            let r = ws.roster_export(&path)?;
            out!(
                "wrote {}: {} signed changes, root {}",
                path.display(),
                r.history.len(),
                r.root_fingerprint
            );
        }
        RosterCmd::Import { file } => {
            let r = ws.roster_import(&file)?;
            out!(
                "roster holds {} verified changes; root {}",
                r.history.len(),
                r.root_fingerprint
            );
        }
    }
    Ok(())
}

fn approval_line(a: &ApprovalView) {
    let opt = |s: Option<&str>| s.unwrap_or("?").to_string();
    out!(
        "  #{}  {}  {}  for {}  by {} ({})  {}  {}",
        a.id,
        opt(a.role.map(|r| r.as_str())),
        opt(a.decision.map(|d| d.as_str())),
        opt(a.target_stage.map(|s| s.as_str())),
        a.signer_name,
        a.signer_fingerprint,
        a.signed_at,
        a.state
    );
    for r in &a.reasons {
        out!("      {r}");
    }
}

fn approvals(v: &ApprovalsView) {
    out!(
        "approvals of {}@{} (roster root {})",
        v.model,
        v.version,
        v.roster_root_fingerprint.as_deref().unwrap_or("none")
    );
    if v.approvals.is_empty() {
        out!("  none yet");
    }
    for a in &v.approvals {
        approval_line(a);
    }
}

/// `steward approve …`.
pub fn approve(ws: &Workspace, a: ApproveArgs) -> Result<(), ApiError> {
    let (model, version) = parse_model_version(&a.target)?;
    let v = ws.approve(&ApproveRequest {
        model: model.to_string(),
        version: version.to_string(),
        role: a.role,
        to: a.to,
        decision: a.decision,
        comment: a.comment,
    })?;
    if a.json {
        output::json(&v);
        return Ok(());
    }
    out!(
        "signed: {} {} of {model}@{version} for {} as {} ({})",
        a.role,
        a.decision,
        a.to.as_str(),
        v.signer_name,
        v.signer_fingerprint
    );
    out!("subject digest: {}", v.subject_digest);
    out!("state: {}", v.state);
    Ok(())
}

/// `steward approvals …`.
pub fn list(ws: &Workspace, a: ApprovalsArgs) -> Result<(), ApiError> {
    let (model, version) = parse_model_version(&a.target)?;
    let v = ws.approvals(model.as_str(), &version.to_string())?;
    if a.json {
        output::json(&v);
    } else {
        approvals(&v);
    }
    Ok(())
}

/// `steward approval …`; the workspace is opened only when the command needs it.
pub fn approval(
    cmd: ApprovalCmd,
    open: &dyn Fn() -> Result<Workspace, ApiError>,
) -> Result<(), ApiError> {
    match cmd {
        ApprovalCmd::Verify { file, key, json } => {
            let c = match key {
                Some(key) => steward_api::approval_verify_with_key(&file, &key)?,
                None => open()?.approval_verify(&file)?,
            };
            if json {
                output::json(&c);
                return Ok(());
            }
            out!(
                "ok: {} verifies: {} {} of {} for {}",
                file.display(),
                c.role,
                c.decision,
                c.target,
                c.target_stage.as_str()
            );
            out!("signed by {} ({})", c.fingerprint, c.keyid);
            out!("checked against {}", c.against);
            out!("subject digest: {}", c.subject_digest);
            if let Some(v) = &c.roster_verdict {
                out!("roster: {v}");
            }
        }
        ApprovalCmd::Import { file, for_target } => {
            let ws = open()?;
            let expected = for_target.as_deref().map(parse_model_version).transpose()?;
            let expected_text = expected
                .as_ref()
                .map(|(m, v)| (m.to_string(), v.to_string()));
            let v = ws.approval_import(
                &file,
                expected_text
                    .as_ref()
                    .map(|(m, v)| (m.as_str(), v.as_str())),
            )?;
            out!("imported {}:", file.display());
            approval_line(&v);
        }
        ApprovalCmd::Export {
            target,
            role,
            to,
            output: path,
        } => {
            let (model, version) = parse_model_version(&target)?;
            let v =
                open()?.approval_export(model.as_str(), &version.to_string(), role, to, &path)?;
            out!("wrote {}:", path.display());
            approval_line(&v);
        }
    }
    Ok(())
}

/// `steward review …`; the workspace is opened only when the command needs it.
pub fn review(
    cmd: ReviewCmd,
    open: &dyn Fn() -> Result<Workspace, ApiError>,
) -> Result<(), ApiError> {
    match cmd {
        ReviewCmd::Sign {
            packet,
            role,
            decision,
            comment,
            output: path,
            json,
        } => {
            let c = steward_api::review_sign(&packet, role, decision, &comment, &path)?;
            if json {
                output::json(&c);
                return Ok(());
            }
            out!(
                "wrote {}: {} {} of {} for {}, signed by {}",
                path.display(),
                c.role,
                c.decision,
                c.target,
                c.target_stage.as_str(),
                c.fingerprint
            );
            out!(
                "send it back; they run `steward approval import {}`",
                path.display()
            );
        }
        ReviewCmd::Subject { target, to, json } => {
            let (model, version) = parse_model_version(&target)?;
            let s = open()?.review_subject_view(model.as_str(), &version.to_string(), to)?;
            if json {
                output::json(&s);
                return Ok(());
            }
            out!(
                "review subject of {} for {}",
                s.target,
                s.target_stage.as_str()
            );
            out!("subject digest: {}", s.subject_digest);
            for i in &s.items {
                out!("  {:<12} {}  {}", i.kind, i.name, i.digest);
            }
        }
        ReviewCmd::Export {
            target,
            to,
            output: path,
        } => {
            let (model, version) = parse_model_version(&target)?;
            let p = open()?.review_export(model.as_str(), &version.to_string(), to, &path)?;
            out!(
                "wrote {}: review packet of {} for {}: {} documents, {} evaluation runs, {} approvals",
                path.display(),
                p.target,
                p.target_stage.as_str(),
                p.documents.len(),
                p.evaluations.len(),
                p.approvals.len()
            );
            out!("subject digest: {}", p.subject_digest);
        }
    }
    Ok(())
}
