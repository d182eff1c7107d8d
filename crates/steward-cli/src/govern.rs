//! `steward policy …`, `steward gate` and `steward checklist`: the governance policy, a
//! version's promotion gate and its §5 production-eligibility checklist. Each is one
//! `Workspace` call and a printer; `gate` exits 1 when the gate fails, for pipelines.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use steward_api::wire::{
    ChecklistView, GateCheckView, GateReportView, GateRequest, PolicyCheck, PolicyCheckRequest,
    PolicyHistory, PolicySet, PolicySetResult, PolicySource, PolicyView, PolicyWarningView,
};
use steward_api::{parse_model_version, ApiError, Workspace};
use steward_domain::gate::CheckStatus;
use steward_domain::policy::Category;
use steward_domain::Stage;

use crate::output;

#[derive(Subcommand)]
pub enum PolicyCmd {
    /// Print the policy in force: the workspace's newest revision, or the built-in default.
    Show {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Validate a policy file; exits 1 naming the line, key and what is expected, 0 (with any
    /// warnings printed) when it can be set.
    Check {
        /// The TOML file.
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Validate a policy file and make it the workspace's policy (a new revision); an invalid
    /// file is refused and the policy in force stays as it is.
    Set {
        /// The TOML file.
        file: PathBuf,
        /// Why, for the history.
        #[arg(long, short)]
        message: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the workspace's policy revisions, newest first.
    History {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show what changed between two policy revisions as a unified diff (0 is the built-in
    /// default).
    Diff {
        /// The older revision.
        from: u32,
        /// The newer revision.
        to: u32,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs `steward policy check` (no workspace needed).
pub fn check(file: &Path, as_json: bool) -> Result<ExitCode, ApiError> {
    let text = Workspace::policy_read_file(file)?;
    let result = Workspace::policy_check(&PolicyCheckRequest {
        text,
        file: Some(file.display().to_string()),
    });
    print_check(&result, as_json);
    Ok(if result.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Runs the other `steward policy` subcommands.
pub fn run(ws: &Workspace, cmd: PolicyCmd) -> Result<ExitCode, ApiError> {
    match cmd {
        PolicyCmd::Show { json } => print_show(&ws.policy_show()?, json),
        PolicyCmd::Check { file, json } => return check(&file, json),
        PolicyCmd::Set {
            file,
            message,
            json,
        } => {
            let text = Workspace::policy_read_file(&file)?;
            let result = ws.policy_set(&PolicySet {
                text,
                file: Some(file.display().to_string()),
                message,
            })?;
            print_set(&result, json);
        }
        PolicyCmd::History { json } => print_history(&ws.policy_history()?, json),
        PolicyCmd::Diff { from, to, json } => {
            let diff = ws.policy_diff(from, to)?;
            if json {
                output::json(&diff);
            } else if diff.unified.is_empty() {
                out!("no differences between {from} and {to}");
            } else {
                out!("{}", diff.unified.trim_end());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn warning_line(w: &PolicyWarningView) -> String {
    format!("policy line {}, {}: {}", w.line, w.key, w.message)
}

fn print_check(c: &PolicyCheck, as_json: bool) {
    if as_json {
        return output::json(c);
    }
    match &c.error {
        Some(e) => eprintln!(
            "error: {}",
            crate::escape_text(&e.message, crate::Text::Line)
        ),
        None => {
            let stages: Vec<&str> = c.stages.iter().map(|s| s.as_str()).collect();
            out!(
                "{}: valid policy {:?} gating {}; {} warning(s)",
                c.file,
                c.name.as_deref().unwrap_or(""),
                stages.join(", "),
                c.warnings.len()
            );
            for w in &c.warnings {
                out!("warning: {}", warning_line(w));
            }
        }
    }
}

fn print_show(p: &PolicyView, as_json: bool) {
    if as_json {
        return output::json(p);
    }
    match (&p.source, &p.revision) {
        (PolicySource::Stored, Some(r)) => out!(
            "# policy {:?}, revision {} ({}), set by {} at {}{}",
            p.name,
            r.number,
            r.sha256,
            r.author,
            r.created_at,
            if r.message.is_empty() {
                String::new()
            } else {
                format!(": {}", r.message)
            }
        ),
        _ => out!(
            "# policy {:?}: the built-in default ({}); this workspace has not set one — `steward policy set FILE` does",
            p.name,
            p.sha256
        ),
    }
    out_raw!("{}", p.text);
    if !p.text.ends_with('\n') {
        out!();
    }
    for w in &p.warnings {
        eprintln!(
            "warning: {}",
            crate::escape_text(&warning_line(w), crate::Text::Line)
        );
    }
}

fn print_set(r: &PolicySetResult, as_json: bool) {
    if as_json {
        return output::json(r);
    }
    if r.unchanged {
        out!(
            "policy unchanged: the file is revision {} ({}), already in force",
            r.revision.number,
            r.revision.sha256
        );
    } else {
        out!(
            "policy {:?} set as revision {} ({})",
            r.revision.name,
            r.revision.number,
            r.revision.sha256
        );
    }
    for w in &r.warnings {
        eprintln!(
            "warning: {}",
            crate::escape_text(&warning_line(w), crate::Text::Line)
        );
    }
}

fn print_history(h: &PolicyHistory, as_json: bool) {
    if as_json {
        return output::json(h);
    }
    if h.revisions.is_empty() {
        out!("no policy revisions: the built-in default is in force (`steward policy show` prints it, `steward policy set FILE` replaces it)");
        return;
    }
    out!("REV  NAME                 SHA256                                                                   AUTHOR            AT                    MESSAGE");
    for r in &h.revisions {
        out!(
            "{:<4} {:<20} {:<72} {:<17} {:<21} {}",
            r.number,
            r.name,
            r.sha256,
            r.author,
            r.created_at,
            r.message
        );
    }
}

/// Runs `steward gate MODEL@VERSION --to STAGE`: exit 0 when the gate passes, 1 when it fails.
pub fn gate(ws: &Workspace, target: &str, to: Stage, as_json: bool) -> Result<ExitCode, ApiError> {
    let (model, version) = parse_model_version(target)?;
    let report = ws.gate_evaluate(&GateRequest {
        model: model.to_string(),
        version: version.to_string(),
        to,
    })?;
    if as_json {
        output::json(&report);
    } else {
        print_gate(&report);
    }
    Ok(if report.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Runs `steward checklist MODEL@VERSION`.
pub fn checklist(ws: &Workspace, target: &str, as_json: bool) -> Result<ExitCode, ApiError> {
    let (model, version) = parse_model_version(target)?;
    let list = ws.gate_checklist(model.as_str(), &version.to_string())?;
    if as_json {
        output::json(&list);
    } else {
        print_checklist(&list);
    }
    Ok(ExitCode::SUCCESS)
}

fn status_mark(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Pass => "✓ pass",
        CheckStatus::Fail => "✗ fail",
        CheckStatus::MissingEvidence => "? missing",
        CheckStatus::Waived => "~ waived",
    }
}

fn policy_line(name: &str, source: PolicySource, revision: Option<u32>) -> String {
    match (source, revision) {
        (PolicySource::Stored, Some(n)) => format!("policy {name:?} revision {n}"),
        _ => format!("policy {name:?} (built-in default)"),
    }
}

fn print_gate_check(c: &GateCheckView) {
    let item = c
        .checklist
        .map(|n| format!(", §5 item {n}"))
        .unwrap_or_default();
    out!(
        "  {:10} {}  [{}{item}]",
        status_mark(c.status),
        c.id,
        c.seed
    );
    out!("               observed: {}", c.observed);
    out!("               expected: {}", c.expected);
    for e in &c.evidence {
        match &e.digest {
            Some(d) => out!("               evidence: {} {} {}", e.kind, e.label, d),
            None => out!("               evidence: {} {}", e.kind, e.label),
        }
    }
    if let Some(w) = &c.waiver {
        out!(
            "               waived until {} (was {}): {}",
            w.expires_at,
            w.waived_status.as_str(),
            w.rationale
        );
    }
    for n in &c.waiver_notes {
        out!("               {n}");
    }
}

fn print_gate(r: &GateReportView) {
    let n = &r.counts;
    out!(
        "gate {}@{} ({}) → {}: {} — {} pass, {} fail, {} missing evidence, {} waived; {}",
        r.model,
        r.version,
        r.stage.as_str(),
        r.target.as_str(),
        if r.passed { "PASS" } else { "FAIL" },
        n.pass,
        n.fail,
        n.missing_evidence,
        n.waived,
        policy_line(&r.policy, r.policy_source, r.policy_revision)
    );
    out!("digest {}", r.digest);
    for category in Category::ALL {
        let checks: Vec<&GateCheckView> =
            r.checks.iter().filter(|c| c.category == category).collect();
        if checks.is_empty() {
            continue;
        }
        out!();
        out!("{category}");
        // What stops the gate first, then what passes.
        for c in checks.iter().filter(|c| !c.status.allows()) {
            print_gate_check(c);
        }
        for c in checks.iter().filter(|c| c.status.allows()) {
            print_gate_check(c);
        }
    }
    for note in &r.notes {
        out!();
        out!("note: {note}");
    }
}

fn print_checklist(l: &ChecklistView) {
    out!(
        "production-eligibility checklist for {}@{} ({}): {} — {}",
        l.model,
        l.version,
        l.stage.as_str(),
        if l.eligible {
            "eligible"
        } else {
            "not eligible"
        },
        policy_line(&l.policy, l.policy_source, None)
    );
    out!("derived from the production gate {}", l.gate_digest);
    for item in &l.items {
        out!();
        out!("{:>7} {:>2}. {}", item.symbol, item.number, item.text);
        if item.checks.is_empty() {
            out!("             no check of the policy stands behind this item");
        }
        for c in &item.checks {
            out!("             {:10} {}", status_mark(c.status), c.id);
        }
    }
    for note in &l.notes {
        out!();
        out!("note: {note}");
    }
}
