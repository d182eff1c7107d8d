//! `steward`: Steward's operations for pipelines and scripting.
//!
//! A thin layer over `steward-api`: parse arguments with clap, call one `Workspace` method,
//! print the answer (a human table by default, the wire types as JSON with `--json`). Exit codes:
//! 0 on success, 1 on a user error (bad input, not found, refused), 2 on an internal error or a
//! damaged workspace (including a broken audit chain). It holds no rules and no SQL.

/// `println!` for answers: a closed pipe (`steward … | head`) ends the program quietly
/// instead of panicking, and any other write failure is reported with exit code 2.
macro_rules! out {
    () => {
        $crate::write_stdout(format_args!(""), $crate::Text::Line)
    };
    ($($arg:tt)*) => {
        $crate::write_stdout(format_args!($($arg)*), $crate::Text::Line)
    };
}

/// `print!` for multi-line text (a document, a diff, JSON): newlines and tabs pass, other
/// control characters are escaped, with the same handling of a closed pipe as [`out!`].
macro_rules! out_raw {
    ($($arg:tt)*) => {
        $crate::write_stdout(format_args!($($arg)*), $crate::Text::Block)
    };
}

mod comply;
mod doc;
mod eval;
mod feedback;
mod govern;
mod ops;
mod ops_view;
mod output;
mod release;
mod sync;
mod traffic;
mod trust;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use steward_api::wire::{
    DatasetSnapshot, ModelCreate, ModelQuery, Progress, ProvenanceView, StageSet, VersionAdd,
};
use steward_api::{parse_model_version, ApiError, Cancel, ProgressSink, Workspace};
use steward_domain::{ChangeKind, RiskTier, Stage};

#[derive(Parser)]
#[command(
    name = "steward",
    version,
    about = "Steward: model governance from the command line"
)]
struct Cli {
    /// Workspace folder (holds steward.db). Default: $STEWARD_WORKSPACE, else the per-user data directory.
    #[arg(long, global = true, value_name = "DIR")]
    workspace: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the workspace (folder and database) if it does not exist.
    Init,
    /// Load the demo workspace: the seed's summarization co-pilot and two smaller models.
    Demo {
        /// Also generate N models with versions, for performance work.
        #[arg(long, default_value_t = 0)]
        scale: u32,
        /// Load the demo as it stands H hours on (its current canary then has run 174 + H
        /// hours; 18 or more passes the 192 h its rollout plan commits to).
        #[arg(long, value_name = "H", default_value_t = 0)]
        hours_later: u32,
    },
    /// Models.
    #[command(subcommand)]
    Model(ModelCmd),
    /// Versions of a model.
    #[command(subcommand)]
    Version(VersionCmd),
    /// Dataset snapshots.
    #[command(subcommand)]
    Dataset(DatasetCmd),
    /// Lifecycle stages.
    #[command(subcommand)]
    Stage(StageCmd),
    /// The hash-chained audit log.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Evaluation evidence: import, list, compare with production, fairness, charts.
    #[command(subcommand)]
    Eval(eval::EvalCmd),
    /// Release documents: model cards, data sheets, risk assessments, eval reports, runbooks, rollout plans.
    #[command(subcommand)]
    Doc(doc::DocCmd),
    /// Your identity: a signing key in the OS keyring (STEWARD_IDENTITY picks one).
    #[command(subcommand)]
    Key(trust::KeyCmd),
    /// The trust roster: which keys may sign for which role.
    #[command(subcommand)]
    Roster(trust::RosterCmd),
    /// Sign an approval of MODEL@VERSION for a stage with your key.
    Approve(trust::ApproveArgs),
    /// List a version's approvals and whether each still counts.
    Approvals(trust::ApprovalsArgs),
    /// One approval file: verify, import, export.
    #[command(subcommand)]
    Approval(trust::ApprovalCmd),
    /// Offline review packets.
    #[command(subcommand)]
    Review(trust::ReviewCmd),
    /// The governance policy: show, check, set, history.
    #[command(subcommand)]
    Policy(govern::PolicyCmd),
    /// Evaluate a version's promotion gate; exits 0 when it passes, 1 when it fails.
    Gate {
        /// MODEL@VERSION.
        target: String,
        /// The target stage: candidate, canary, production or deprecated.
        #[arg(long, value_parser = parse_stage)]
        to: Stage,
        #[command(flatten)]
        json: Json,
    },
    /// The central registry (MLflow): set its URL, log in (OS keyring), test the connection.
    #[command(subcommand)]
    Registry(sync::RegistryCmd),
    /// Sync with the registry: pull others' approvals and compare records, then push what
    /// waits; `sync status` shows the outbox. Exits 1 on an ungoverned alias or a conflict.
    Sync(sync::SyncArgs),
    /// Deploy-time admission (no workspace): exits 0 only when the version the alias points at
    /// has a valid signed release record for that stage, verified against the roster file.
    Admit(sync::AdmitArgs),
    /// A model's signed release records: list, show, verify, export.
    #[command(subcommand)]
    Release(release::ReleaseCmd),
    /// Roll a model's production back to its rollback target in one action, with a signed
    /// release record naming the incident.
    Rollback(release::RollbackArgs),
    /// Sign a waiver of one failing gate check for one version (responsible-ai-legal and
    /// model-owner must both sign; it stops counting at its expiry).
    Waive(release::WaiveArgs),
    /// A version's waivers and whether each counts now.
    Waivers(release::WaiversArgs),
    /// The traffic dial as an OpenFeature flagd flag file: show, set, hook, dir.
    #[command(subcommand)]
    Traffic(traffic::TrafficCmd),
    /// In-product feedback, redacted before it is stored: import, summary, export.
    #[command(subcommand)]
    Feedback(feedback::FeedbackCmd),
    /// The human review queue of flagged interactions: list, label.
    #[command(subcommand)]
    Queue(feedback::QueueCmd),
    /// The weekly triage: complaints, safety incidents and override samples of the last 7 days.
    Triage {
        /// The model.
        model: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Online guardrails: `monitor MODEL` shows the state (exits 1 on a breach), `monitor
    /// import MODEL FILE` evaluates a file of online windows and acts on a breach.
    Monitor(ops::MonitorArgs),
    /// Incidents: open, note, close (with post-incident action items), list, show.
    #[command(subcommand)]
    Incident(ops::IncidentCmd),
    /// A model's operations after release as the studio shows them (`operations MODEL`), and
    /// one guardrail's chart (`operations chart MODEL --rule ID -o OUT.svg`).
    Operations(ops_view::OperationsArgs),
    /// The workspace's guardrail service key, which signs automatic rollbacks only.
    #[command(subcommand, name = "service-key")]
    ServiceKey(ops::ServiceKeyCmd),
    /// What waits for you: sign-offs your roles owe, your sign-offs that went stale, and the
    /// failing gates of the models you own.
    Inbox(release::InboxArgs),
    /// Compliance packs (NIST AI RMF, ISO/IEC 42001 Annex A, EU AI Act, your own): list, check, add.
    #[command(subcommand)]
    Pack(comply::PackCmd),
    /// A version's coverage against a pack: each requirement satisfied, partial or missing,
    /// with the evidence found and the next step for each gap.
    Coverage(comply::CoverageArgs),
    /// The retention date of each version of a model under a pack (EU AI Act: ten years).
    Retention(comply::RetentionArgs),
    /// The EU AI Act Annex IV technical documentation file of a version (HTML or PDF), with
    /// its signed records, approvals and the public keys that verify them.
    Dossier(comply::DossierArgs),
    /// The seed's production-eligibility checklist for a version, from its production gate.
    Checklist {
        /// MODEL@VERSION.
        target: String,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Args)]
struct Json {
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum ModelCmd {
    /// Add a model.
    Add {
        /// Slug name: lowercase letters, digits, '.', '_' or '-'.
        name: String,
        /// Owner (person or team).
        #[arg(long)]
        owner: String,
        /// Human title.
        #[arg(long)]
        title: Option<String>,
        /// Description.
        #[arg(long)]
        description: Option<String>,
        /// Risk tier: low, medium (default) or high.
        #[arg(long, value_parser = parse_tier)]
        risk_tier: Option<RiskTier>,
    },
    /// List models.
    List {
        /// Only models whose name, title, owner or description contains TEXT.
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        /// Only models with a version in STAGE.
        #[arg(long, value_parser = parse_stage)]
        stage: Option<Stage>,
        /// Only models of this risk tier.
        #[arg(long, value_parser = parse_tier)]
        risk_tier: Option<RiskTier>,
        /// At most N models (a page).
        #[arg(long, value_name = "N")]
        limit: Option<u32>,
        /// Skip the first N matches.
        #[arg(long, value_name = "N")]
        offset: Option<u32>,
        #[command(flatten)]
        json: Json,
    },
    /// Show a model, its versions and stage timeline.
    Show {
        /// Model name.
        name: String,
        #[command(flatten)]
        json: Json,
    },
    /// Link a model to its local git repository: each release record is then tagged there
    /// (`steward/MODEL/VERSION/STAGE`, an annotated tag carrying the record's digest).
    LinkRepo {
        /// Model name.
        name: String,
        /// A folder inside the repository.
        path: PathBuf,
    },
}

#[derive(Subcommand)]
enum VersionCmd {
    /// Add a version (it starts in the experiment stage).
    Add {
        /// Model name.
        model: String,
        /// major.minor.patch-build, e.g. 1.4.0-12.
        version: String,
        /// Model bundle file to hash (streamed).
        #[arg(long, value_name = "FILE", conflicts_with = "bundle_digest")]
        bundle: Option<PathBuf>,
        /// Bundle digest when the bundle is elsewhere.
        #[arg(long, value_name = "sha256:HEX")]
        bundle_digest: Option<String>,
        /// Where the bundle lives (default: the file's path).
        #[arg(long, value_name = "URI")]
        bundle_uri: Option<String>,
        /// Code commit the bundle was built from.
        #[arg(long, value_name = "SHA")]
        commit: Option<String>,
        /// Configuration file to hash (training + inference params, flags, prompts).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Suggest the next version for a kind of change.
    Next {
        /// Model name.
        model: String,
        /// architecture (major), data or config (minor), fix (patch).
        #[arg(long, value_parser = parse_change)]
        change: ChangeKind,
        #[command(flatten)]
        json: Json,
    },
    /// List a model's versions, highest first.
    List {
        /// Model name.
        model: String,
        #[command(flatten)]
        json: Json,
    },
    /// Show one version: artifacts, datasets, stage and allowed moves.
    Show {
        /// MODEL@VERSION.
        target: String,
        #[command(flatten)]
        json: Json,
    },
    /// Link a dataset snapshot to a version.
    LinkDataset {
        /// MODEL@VERSION.
        target: String,
        /// NAME@VERSION of the dataset snapshot.
        dataset: String,
    },
}

#[derive(Subcommand)]
enum DatasetCmd {
    /// Snapshot a folder: hash every file and record the manifest with provenance.
    Snapshot {
        /// The folder.
        dir: PathBuf,
        /// Dataset name.
        #[arg(long)]
        name: String,
        /// Snapshot version (e.g. 2026-11-01).
        #[arg(long)]
        version: String,
        #[command(flatten)]
        provenance: ProvenanceArgs,
        #[command(flatten)]
        json: Json,
    },
    /// Show a snapshot's manifest and provenance.
    Show {
        /// NAME@VERSION.
        reference: String,
        #[command(flatten)]
        json: Json,
    },
    /// List snapshots.
    List {
        #[command(flatten)]
        json: Json,
    },
    /// Sign a security/privacy review of a snapshot's manifest with your key (the canary gate
    /// asks for one per dataset).
    Review {
        /// NAME@VERSION.
        reference: String,
        /// What was checked.
        #[arg(long, default_value = "")]
        comment: String,
        #[command(flatten)]
        json: Json,
    },
    /// A snapshot's security/privacy reviews and whether each counts now.
    Reviews {
        /// NAME@VERSION.
        reference: String,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Subcommand)]
enum StageCmd {
    /// Move a version to a stage under the lifecycle rules.
    Set {
        /// MODEL@VERSION.
        target: String,
        /// experiment, candidate, canary, production or deprecated.
        #[arg(value_parser = parse_stage)]
        stage: Stage,
        /// Why, for the record.
        #[arg(long)]
        reason: Option<String>,
        /// Promote only if the gate still decides what this digest (from `steward gate
        /// --json`) says: evidence that changed since is refused, not promoted unseen.
        #[arg(long, value_name = "DIGEST")]
        gate_digest: Option<String>,
        /// The incident behind a rollback, for its release record.
        #[arg(long, value_name = "REF")]
        incident: Option<String>,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Show audit entries, newest first.
    Log {
        /// At most N entries.
        #[arg(long)]
        limit: Option<u32>,
        #[command(flatten)]
        json: Json,
    },
    /// Sign the chain's head with your key, so a rewrite of the whole log is detected.
    Seal {
        #[command(flatten)]
        json: Json,
    },
    /// Verify the hash chain (and its signed seals); exits 2 naming the first broken entry.
    Verify {
        /// Also recompute every stored digest and check every row against the audit log;
        /// exits 2 naming each mismatch (table, row, expected, found).
        #[arg(long)]
        deep: bool,
        #[command(flatten)]
        json: Json,
    },
}

fn parse_stage(s: &str) -> Result<Stage, String> {
    s.parse()
        .map_err(|e: steward_domain::DomainError| e.to_string())
}
fn parse_tier(s: &str) -> Result<RiskTier, String> {
    s.parse()
        .map_err(|e: steward_domain::DomainError| e.to_string())
}
fn parse_change(s: &str) -> Result<ChangeKind, String> {
    s.parse()
        .map_err(|e: steward_domain::DomainError| e.to_string())
}
/// A dataset snapshot's provenance flags, shared by `dataset snapshot` and `feedback export`.
#[derive(Args)]
pub(crate) struct ProvenanceArgs {
    /// Where the data came from.
    #[arg(long)]
    source: Option<String>,
    /// License it is used under.
    #[arg(long)]
    license: Option<String>,
    /// Consent basis.
    #[arg(long)]
    consent: Option<String>,
    /// Retention plan.
    #[arg(long)]
    retention: Option<String>,
    /// Whether it holds personal data: yes or no.
    #[arg(long, value_parser = parse_yes_no)]
    personal_data: Option<bool>,
}

impl ProvenanceArgs {
    pub(crate) fn view(self) -> ProvenanceView {
        ProvenanceView {
            source: self.source,
            license: self.license,
            consent: self.consent,
            retention: self.retention,
            personal_data: self.personal_data,
        }
    }
}

fn parse_yes_no(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "yes" | "true" | "y" => Ok(true),
        "no" | "false" | "n" => Ok(false),
        _ => Err(format!("{s:?} is not yes or no")),
    }
}

/// Draws hashing progress on a terminal; indicatif hides itself when stderr is not one.
struct Bar(ProgressBar);

impl Bar {
    fn new() -> Bar {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        Bar(bar)
    }
}

impl ProgressSink for Bar {
    fn report(&self, p: &Progress) {
        if p.total_bytes > 0 {
            self.0.set_length(p.total_bytes);
            self.0.set_position(p.done_bytes);
        } else {
            self.0.set_length(u64::from(p.total_files));
            self.0.set_position(u64::from(p.done_files));
        }
        self.0.set_message(format!(
            "{} {}/{} files",
            p.phase, p.done_files, p.total_files
        ));
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// Writes to standard output; see [`out!`].
/// How [`write_stdout`] treats control characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Text {
    /// One line of a table or message: every control character is escaped (so a newline in a
    /// file name cannot add a row), then a newline ends it.
    Line,
    /// Text that has lines of its own: newlines and tabs pass, the rest is escaped (so no
    /// escape sequence reaches the terminal).
    Block,
}

/// `text` with control characters shown as escapes (`\n`, `\u{1b}`); in `Block` mode,
/// newlines and tabs are kept.
pub(crate) fn escape_text(text: &str, mode: Text) -> std::borrow::Cow<'_, str> {
    let keep = |c: char| mode == Text::Block && (c == '\n' || c == '\t');
    if !text.chars().any(|c| c.is_control() && !keep(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && !keep(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

pub(crate) fn write_stdout(args: std::fmt::Arguments<'_>, mode: Text) {
    use std::io::Write;
    let text = args.to_string();
    let mut shown = escape_text(&text, mode).into_owned();
    if mode == Text::Line {
        shown.push('\n');
    }
    if let Err(e) = std::io::stdout().lock().write_all(shown.as_bytes()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(2);
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(1),
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", escape_text(&e.message, Text::Line));
            ExitCode::from(if e.code.is_user_error() { 1 } else { 2 })
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, ApiError> {
    let root = cli
        .workspace
        .clone()
        .unwrap_or_else(steward_api::default_workspace_dir);
    let actor = steward_api::current_actor();
    let open = || {
        let ws = Workspace::open(&root, &actor)?;
        for warning in ws.warnings() {
            eprintln!("warning: {}", escape_text(&warning, Text::Line));
        }
        Ok::<_, ApiError>(ws)
    };
    match cli.command {
        Command::Init => {
            let ws = Workspace::init(&root, &actor)?;
            out!("workspace ready at {}", ws.root().display());
        }
        Command::Demo { scale, hours_later } => {
            let ws = Workspace::init(&root, &actor)?;
            let bar = Bar::new();
            let s = steward_api::demo::load_later(&ws, scale, hours_later, &bar)?;
            drop(bar);
            out!(
                "demo loaded into {}: {} models, {} versions, {} dataset snapshots",
                ws.root().display(),
                s.models,
                s.versions,
                s.datasets
            );
            out!(
                "five reviewers signed approvals; their keys are in the OS keyring under namespace {:?} (act as one with STEWARD_KEYRING_NAMESPACE={} STEWARD_IDENTITY={})",
                steward_api::demo::keyring_namespace(),
                steward_api::demo::keyring_namespace(),
                steward_api::demo::REVIEWERS[0].1
            );
            out!(
                "next: steward --workspace {} model list",
                ws.root().display()
            );
        }
        Command::Model(cmd) => model(&open()?, cmd)?,
        Command::Version(cmd) => version(&open()?, cmd)?,
        Command::Dataset(cmd) => dataset(&open()?, cmd)?,
        Command::Stage(StageCmd::Set {
            target,
            stage,
            reason,
            gate_digest,
            incident,
            json,
        }) => {
            let ws = open()?;
            let (model, version) = parse_model_version(&target)?;
            let result = ws.stage_set(&StageSet {
                model: model.to_string(),
                version: version.to_string(),
                stage,
                reason,
                gate_digest,
                incident,
            })?;
            release::print_stage_result(&result, json.json);
        }
        Command::Doc(cmd) => return doc::run(&open()?, cmd),
        Command::Release(cmd) => return release::run(&open()?, cmd),
        Command::Registry(cmd) => sync::registry(cmd, &open)?,
        Command::Sync(args) => return sync::sync(&open()?, args),
        Command::Admit(args) => return sync::admit(args),
        Command::Rollback(args) => release::rollback(&open()?, args)?,
        Command::Waive(args) => release::waive(&open()?, args)?,
        Command::Waivers(args) => release::waivers(&open()?, args)?,
        Command::Inbox(args) => release::inbox(&open()?, args)?,
        Command::Traffic(cmd) => traffic::run(&open()?, cmd)?,
        Command::Feedback(cmd) => feedback::run(&open()?, cmd)?,
        Command::Queue(cmd) => feedback::queue(&open()?, cmd)?,
        Command::Triage { model, json } => feedback::triage(&open()?, &model, json)?,
        Command::Monitor(args) => return ops::monitor(&open()?, args),
        Command::Incident(cmd) => ops::incident(&open()?, cmd)?,
        Command::Operations(args) => ops_view::run(&open()?, args)?,
        Command::ServiceKey(cmd) => ops::service_key(&open()?, cmd)?,
        Command::Policy(govern::PolicyCmd::Check { file, json }) => {
            return govern::check(&file, json)
        }
        Command::Policy(cmd) => return govern::run(&open()?, cmd),
        Command::Pack(comply::PackCmd::Check { file, json }) => return comply::check(&file, json),
        Command::Pack(cmd) => return comply::run(&open()?, cmd),
        Command::Coverage(args) => return comply::coverage(&open()?, args),
        Command::Retention(args) => return comply::retention(&open()?, args),
        Command::Dossier(args) => return comply::dossier(&open()?, args),
        Command::Gate { target, to, json } => {
            return govern::gate(&open()?, &target, to, json.json)
        }
        Command::Checklist { target, json } => {
            return govern::checklist(&open()?, &target, json.json)
        }
        Command::Eval(cmd) => eval::run(&open()?, cmd)?,
        Command::Key(cmd) => trust::key(cmd, Workspace::open(&root, &actor).ok().as_ref())?,
        Command::Roster(cmd) => trust::roster(&open()?, cmd)?,
        Command::Approve(args) => trust::approve(&open()?, args)?,
        Command::Approvals(args) => trust::list(&open()?, args)?,
        Command::Approval(cmd) => trust::approval(cmd, &open)?,
        Command::Review(cmd) => trust::review(cmd, &open)?,
        Command::Audit(AuditCmd::Seal { json }) => {
            let seal = open()?.audit_seal()?;
            if json.json {
                output::json(&seal);
            } else {
                out!(
                    "sealed audit entry {} (hash {}) as {} ({})",
                    seal.sealed_seq,
                    seal.head_hash,
                    seal.signer_name,
                    seal.signer_fingerprint
                );
            }
        }
        Command::Audit(AuditCmd::Log { limit, json }) => {
            output::audit_log(&open()?.audit_log(limit)?, json.json)
        }
        Command::Audit(AuditCmd::Verify { deep, json }) => {
            let ws = open()?;
            let result = if deep {
                ws.audit_verify_deep()?
            } else {
                ws.audit_verify()?
            };
            output::audit_verify(&result, json.json);
            if !result.ok {
                return Ok(ExitCode::from(2));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn model(ws: &Workspace, cmd: ModelCmd) -> Result<(), ApiError> {
    match cmd {
        ModelCmd::Add {
            name,
            owner,
            title,
            description,
            risk_tier,
        } => {
            let m = ws.model_create(&ModelCreate {
                name,
                owner,
                title,
                description,
                risk_tier,
            })?;
            out!(
                "added model {} ({}, owner {}, risk {})",
                m.name,
                m.title,
                m.owner,
                m.risk_tier.as_str()
            );
        }
        ModelCmd::LinkRepo { name, path } => {
            let root = ws.model_link_repo(&name, &path)?;
            out!("linked {name} to the git repository at {root}: release records are tagged there");
        }
        ModelCmd::List {
            search,
            stage,
            risk_tier,
            limit,
            offset,
            json,
        } => {
            let query = ModelQuery {
                text: search,
                stage,
                risk_tier,
                limit,
                offset,
            };
            let models = ws.model_list(&query)?;
            // An empty answer to a filtered query is not an empty workspace: say how many
            // models there are, so "nothing matches" and "nothing here" read differently.
            let filtered = query != ModelQuery::default();
            let total = if models.is_empty() && filtered && !json.json {
                Some(
                    ws.model_page(&ModelQuery {
                        limit: Some(1),
                        ..ModelQuery::default()
                    })?
                    .total,
                )
            } else {
                None
            };
            output::model_list(&models, json.json, ws.root(), &query, total);
        }
        ModelCmd::Show { name, json } => output::model_show(&ws.model_show(&name)?, json.json),
    }
    Ok(())
}

fn path_text(p: Option<&PathBuf>) -> Option<String> {
    p.map(|p| p.display().to_string())
}

fn version(ws: &Workspace, cmd: VersionCmd) -> Result<(), ApiError> {
    match cmd {
        VersionCmd::Add {
            model,
            version,
            bundle,
            bundle_digest,
            bundle_uri,
            commit,
            config,
        } => {
            let bar = Bar::new();
            let v = ws.version_add_at(
                &VersionAdd {
                    model,
                    version,
                    bundle_file: path_text(bundle.as_ref()),
                    bundle_digest,
                    bundle_uri,
                    commit,
                    config_file: path_text(config.as_ref()),
                },
                bundle.as_deref(),
                config.as_deref(),
                &bar,
                &Cancel::new(),
            )?;
            drop(bar);
            out!(
                "added {}@{} in stage {}",
                v.model,
                v.version,
                v.stage.as_str()
            );
            output::artifacts(&v.artifacts);
        }
        VersionCmd::Next {
            model,
            change,
            json,
        } => {
            let n = ws.version_next(&model, change)?;
            if json.json {
                output::json(&n);
            } else {
                out!("{}", n.next);
            }
        }
        VersionCmd::List { model, json } => {
            output::version_list(&ws.version_list(&model)?, json.json)
        }
        VersionCmd::Show { target, json } => {
            let (m, v) = parse_model_version(&target)?;
            output::version_show(&ws.version_get(m.as_str(), &v.to_string())?, json.json);
        }
        VersionCmd::LinkDataset { target, dataset } => {
            let (m, v) = parse_model_version(&target)?;
            let detail = ws.version_link_dataset(m.as_str(), &v.to_string(), &dataset)?;
            out!("linked {dataset} to {}@{}", detail.model, detail.version);
        }
    }
    Ok(())
}

fn dataset(ws: &Workspace, cmd: DatasetCmd) -> Result<(), ApiError> {
    match cmd {
        DatasetCmd::Snapshot {
            dir,
            name,
            version,
            provenance,
            json,
        } => {
            let bar = Bar::new();
            let d = ws.dataset_snapshot_at(
                &DatasetSnapshot {
                    dir: dir.display().to_string(),
                    name,
                    version,
                    provenance: provenance.view(),
                },
                &dir,
                &bar,
                &Cancel::new(),
            )?;
            drop(bar);
            output::dataset_show(&d, json.json);
        }
        DatasetCmd::Show { reference, json } => {
            output::dataset_show(&ws.dataset_show(&reference)?, json.json)
        }
        DatasetCmd::List { json } => output::dataset_list(&ws.dataset_list()?, json.json),
        DatasetCmd::Review {
            reference,
            comment,
            json,
        } => {
            let r = ws.dataset_review(&steward_api::wire::DatasetReviewRequest {
                dataset: reference,
                comment,
            })?;
            if json.json {
                output::json(&r);
            } else {
                out!(
                    "signed the security/privacy review of {} ({}): {}",
                    r.dataset,
                    r.digest,
                    r.state
                );
            }
        }
        DatasetCmd::Reviews { reference, json } => {
            let all = ws.dataset_reviews(&reference)?;
            if json.json {
                output::json(&all);
            } else {
                if all.is_empty() {
                    out!("{reference} has no security/privacy reviews");
                }
                for r in &all {
                    out!(
                        "{}  by {}  {}  {}",
                        r.signed_at,
                        r.signer_name,
                        r.state,
                        r.reasons.join("; ")
                    );
                }
            }
        }
    }
    Ok(())
}
