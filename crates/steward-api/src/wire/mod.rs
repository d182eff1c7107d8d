//! The wire contract: every type that crosses the boundary to the desktop front end (and the
//! CLI's `--json` output). Each derives `ts-rs`; [`typescript_bindings`] renders them all into
//! one TypeScript module, committed as `ui/src/api/bindings.ts`. A test fails when that file
//! is stale; `STEWARD_UPDATE_BINDINGS=1 cargo test -p steward-api` rewrites it.
//!
//! Versions, digests and timestamps travel as strings in their canonical text forms.
//! Each capability keeps its types in a submodule (`documents`, `evals`) that lists its
//! declarations for [`typescript_bindings`]; everything is re-exported here.

use serde::{Deserialize, Serialize};
use steward_domain::{ChangeKind, RiskTier, Stage, TransitionKind};
use ts_rs::TS;

use crate::error::{ApiError, ErrorCode};

// Each submodule's types are re-exported here (`pub use documents::*;`) once it has any.
mod compliance;
mod documents;
mod evals;
mod feedback;
mod governance;
mod operations;
mod operations_view;
mod releases;
mod sync;
mod traffic;
mod trust;
pub use compliance::*;
pub use documents::*;
pub use evals::*;
pub use feedback::*;
pub use governance::*;
pub use operations::*;
pub use operations_view::*;
pub use releases::*;
pub use sync::*;
pub use traffic::*;
pub use trust::*;

/// The open workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WorkspaceInfo {
    /// The workspace folder.
    pub path: String,
    /// The SQLite file inside it.
    pub database: String,
    /// The newest applied migration.
    pub schema: String,
    /// How many models it holds.
    pub models: u32,
    /// Problems with the workspace itself (a folder or database other users can read).
    pub warnings: Vec<String>,
}

/// A version and its stage, as listed with a model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VersionStage {
    /// `major.minor.patch-build`.
    pub version: String,
    /// Its stage.
    pub stage: Stage,
}

/// A model as listed on the home screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ModelSummary {
    /// Slug name.
    pub name: String,
    /// Human title.
    pub title: String,
    /// Owner.
    pub owner: String,
    /// Description.
    pub description: String,
    /// Risk tier.
    pub risk_tier: RiskTier,
    /// Every version with its stage, highest version first.
    pub versions: Vec<VersionStage>,
    /// The version serving production, if any.
    pub production: Option<String>,
    /// When it was created.
    pub created_at: String,
}

/// Filters for listing models. Empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ModelQuery {
    /// Case-insensitive text matched against name, title, owner and description.
    pub text: Option<String>,
    /// Only models with a version in this stage.
    pub stage: Option<Stage>,
    /// Only models of this risk tier.
    pub risk_tier: Option<RiskTier>,
    /// At most this many models (a page); every match when absent.
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    /// Skip this many matches first (by name); 0 when absent.
    #[serde(default)]
    #[ts(optional)]
    pub offset: Option<u32>,
}

/// One page of the model list: the page's models and how many match in all, so the home
/// list can size its scroll and ask for the rows it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ModelPage {
    /// How many models match the query, whatever the page.
    pub total: u32,
    /// Where this page starts among the matches (the query's offset).
    pub offset: u32,
    /// The page's models, by name: at most the query's limit.
    pub models: Vec<ModelSummary>,
}

/// What creating a model needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ModelCreate {
    /// Slug name, `[a-z0-9][a-z0-9._-]{0,63}`.
    pub name: String,
    /// Owner (person or team).
    pub owner: String,
    /// Human title; the name when absent.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Risk tier; medium when absent.
    pub risk_tier: Option<RiskTier>,
}

/// One recorded stage change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StageEvent {
    /// The version that moved.
    pub version: String,
    /// Its stage before; none when the version was added.
    pub from: Option<Stage>,
    /// Its stage after.
    pub to: Stage,
    /// `create`, `promote`, `demote`, `rollback`, `deprecate` or `supersede`.
    pub kind: String,
    /// Why.
    pub reason: String,
    /// Who.
    pub actor: String,
    /// When, RFC 3339.
    pub at: String,
}

/// A version as listed on the model screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VersionSummary {
    /// `major.minor.patch-build`.
    pub version: String,
    /// Its stage.
    pub stage: Stage,
    /// Bundle digest, if recorded.
    pub bundle_digest: Option<String>,
    /// When it was added.
    pub created_at: String,
}

/// A model with its versions and stage timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ModelDetail {
    /// The model.
    pub model: ModelSummary,
    /// Versions, highest first.
    pub versions: Vec<VersionSummary>,
    /// The version in production, if any.
    pub production: Option<String>,
    /// The rollback target (N-1), if any.
    pub rollback_target: Option<String>,
    /// Every stage change of every version, oldest first.
    pub timeline: Vec<StageEvent>,
}

/// The artifacts of a version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ArtifactsView {
    /// `sha256:…` of the model bundle.
    pub bundle_digest: Option<String>,
    /// Where the bundle lives.
    pub bundle_uri: Option<String>,
    /// Code commit.
    pub code_commit: Option<String>,
    /// `sha256:…` of the configuration.
    pub config_digest: Option<String>,
    /// Where the configuration came from.
    pub config_uri: Option<String>,
    /// Artifacts the production checklist asks for that are absent (`bundle`, `commit`, `config`).
    pub missing: Vec<String>,
}

/// A stage this version could move to, allowed or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StageMove {
    /// The stage.
    pub to: Stage,
    /// Whether the lifecycle allows it now.
    pub allowed: bool,
    /// The transition kind when allowed.
    pub kind: Option<TransitionKind>,
    /// What the move does, or why it is refused.
    pub reason: String,
}

/// A dataset snapshot as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DatasetSummary {
    /// Dataset name.
    pub name: String,
    /// Snapshot version.
    pub version: String,
    /// `sha256:…` of the canonical manifest.
    pub manifest_checksum: String,
    /// Number of files.
    pub files: u32,
    /// Total size in bytes.
    pub bytes: u64,
    /// Required provenance fields that are missing.
    pub missing_provenance: Vec<String>,
    /// When it was snapshotted.
    pub created_at: String,
}

/// One version in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VersionDetail {
    /// The model's name.
    pub model: String,
    /// `major.minor.patch-build`.
    pub version: String,
    /// Its stage.
    pub stage: Stage,
    /// Its artifacts.
    pub artifacts: ArtifactsView,
    /// Linked dataset snapshots.
    pub datasets: Vec<DatasetSummary>,
    /// Every other stage with whether it can be reached now.
    pub moves: Vec<StageMove>,
    /// This version's stage changes, oldest first.
    pub history: Vec<StageEvent>,
    /// When it was added.
    pub created_at: String,
}

/// What adding a version needs. Give either a bundle file (hashed, streaming) or a digest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VersionAdd {
    /// The model.
    pub model: String,
    /// `major.minor.patch-build`.
    pub version: String,
    /// A bundle file to hash.
    pub bundle_file: Option<String>,
    /// A bundle digest, `sha256:HEX`, when the bundle is not at hand.
    pub bundle_digest: Option<String>,
    /// Where the bundle lives, when not the file.
    pub bundle_uri: Option<String>,
    /// Code commit.
    pub commit: Option<String>,
    /// A configuration file to hash.
    pub config_file: Option<String>,
}

/// The version Steward suggests for a kind of change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NextVersion {
    /// The model.
    pub model: String,
    /// The highest existing version, if any.
    pub latest: Option<String>,
    /// The kind of change.
    pub change: ChangeKind,
    /// The suggested version.
    pub next: String,
}

/// Provenance as entered or recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProvenanceView {
    /// Where the data came from.
    pub source: Option<String>,
    /// License.
    pub license: Option<String>,
    /// Consent basis.
    pub consent: Option<String>,
    /// Retention plan.
    pub retention: Option<String>,
    /// Whether it holds personal data.
    pub personal_data: Option<bool>,
}

/// What snapshotting a dataset folder needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DatasetSnapshot {
    /// The folder to snapshot.
    pub dir: String,
    /// Dataset name.
    pub name: String,
    /// Snapshot version.
    pub version: String,
    /// Provenance.
    pub provenance: ProvenanceView,
}

/// One file of a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ManifestFile {
    /// Relative path.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// `sha256:…`.
    pub sha256: String,
}

/// A dataset snapshot in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DatasetDetail {
    /// The summary.
    pub summary: DatasetSummary,
    /// The manifest's files.
    pub files: Vec<ManifestFile>,
    /// Provenance.
    pub provenance: ProvenanceView,
    /// Versions linked to it, `model@version`.
    pub linked_versions: Vec<String>,
}

/// What a stage change asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StageSet {
    /// The model.
    pub model: String,
    /// The version.
    pub version: String,
    /// The stage to move to.
    pub stage: Stage,
    /// Why, for the record.
    pub reason: Option<String>,
    /// The digest of the gate report the person confirmed (`GateReportView::digest`). The
    /// core evaluates the gate again and refuses the move when it decides differently now, so
    /// evidence that changed between the look and the confirmation is never promoted unseen.
    #[serde(default)]
    #[ts(optional)]
    pub gate_digest: Option<String>,
    /// The incident behind a rollback, for its release record.
    #[serde(default)]
    #[ts(optional)]
    pub incident: Option<String>,
}

/// One version's change within a stage change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StageChangeView {
    /// The version.
    pub version: String,
    /// Stage before.
    pub from: Stage,
    /// Stage after.
    pub to: Stage,
    /// Kind.
    pub kind: TransitionKind,
}

/// The result of a stage change: every version that moved, and the version as it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StageSetResult {
    /// The changes, the requested one first.
    pub changes: Vec<StageChangeView>,
    /// The version after the change.
    pub version: VersionDetail,
    /// The release record the move wrote (promotions, rollbacks and deprecations).
    pub release: Option<ReleaseView>,
}

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditEntryView {
    /// Position in the chain, from 1.
    pub seq: u32,
    /// When.
    pub at: String,
    /// Who.
    pub actor: String,
    /// What kind of change.
    pub action: String,
    /// What it was done to.
    pub subject: String,
    /// The change, as JSON text.
    pub detail: String,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// The first entry where the audit chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BrokenEntry {
    /// Its sequence number.
    pub seq: u32,
    /// What does not match.
    pub reason: String,
}

/// The outcome of verifying the audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditVerifyResult {
    /// Whether every entry matched.
    pub ok: bool,
    /// How many entries were checked.
    pub entries: u32,
    /// The first broken entry.
    pub first_broken: Option<BrokenEntry>,
    /// Whether rows and digests were checked too (`audit verify --deep`).
    pub deep: bool,
    /// How many rows the deep verify compared with the audit log (0 unless `deep`).
    pub rows: u32,
    /// Every stored row or digest the audit log does not explain (empty unless `deep`).
    pub mismatches: Vec<RowMismatch>,
    /// The chain checked against its signed seals (absent when nothing is sealed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub seal: Option<SealCheck>,
}

/// A row whose current state the audit log does not explain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RowMismatch {
    /// The table.
    pub table: String,
    /// The row (`copilot@1.2.0-3`, `tickets@v1`, `copilot@1.2.0-3 model-card r2`).
    pub row: String,
    /// The field, empty when the whole row is missing or unexplained.
    pub field: String,
    /// What the audit log (or the stored bytes) say.
    pub expected: String,
    /// What the workspace holds.
    pub found: String,
    /// The whole finding as one sentence.
    pub message: String,
}

/// Progress of a long operation (hashing), sent as it goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Progress {
    /// What is happening (`hashing`).
    pub phase: String,
    /// Files finished.
    pub done_files: u32,
    /// Files in all.
    pub total_files: u32,
    /// Bytes read.
    pub done_bytes: u64,
    /// Bytes in all.
    pub total_bytes: u64,
}

/// A progress report tagged with the operation it belongs to (the desktop shell emits these
/// as `steward://progress` events; the caller picks the operation id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProgressEvent {
    /// The caller's id for the operation.
    pub operation: String,
    /// The report.
    pub progress: Progress,
}

/// What loading the demo created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DemoSummary {
    /// Models created.
    pub models: u32,
    /// Versions created.
    pub versions: u32,
    /// Dataset snapshots created.
    pub datasets: u32,
}

/// Renders every wire type as one TypeScript module.
pub fn typescript_bindings() -> String {
    let cfg = ts_rs::Config::new().with_large_int("number");
    let decls = [
        ErrorCode::decl(&cfg),
        ApiError::decl(&cfg),
        Stage::decl(&cfg),
        RiskTier::decl(&cfg),
        TransitionKind::decl(&cfg),
        ChangeKind::decl(&cfg),
        WorkspaceInfo::decl(&cfg),
        VersionStage::decl(&cfg),
        ModelSummary::decl(&cfg),
        ModelQuery::decl(&cfg),
        ModelPage::decl(&cfg),
        ModelCreate::decl(&cfg),
        StageEvent::decl(&cfg),
        VersionSummary::decl(&cfg),
        ModelDetail::decl(&cfg),
        ArtifactsView::decl(&cfg),
        StageMove::decl(&cfg),
        DatasetSummary::decl(&cfg),
        VersionDetail::decl(&cfg),
        VersionAdd::decl(&cfg),
        NextVersion::decl(&cfg),
        ProvenanceView::decl(&cfg),
        DatasetSnapshot::decl(&cfg),
        ManifestFile::decl(&cfg),
        DatasetDetail::decl(&cfg),
        StageSet::decl(&cfg),
        StageChangeView::decl(&cfg),
        StageSetResult::decl(&cfg),
        AuditEntryView::decl(&cfg),
        BrokenEntry::decl(&cfg),
        RowMismatch::decl(&cfg),
        AuditVerifyResult::decl(&cfg),
        Progress::decl(&cfg),
        ProgressEvent::decl(&cfg),
        DemoSummary::decl(&cfg),
    ];
    let decls = decls
        .into_iter()
        .chain(documents::document_decls(&cfg))
        .chain(evals::eval_decls(&cfg))
        .chain(trust::trust_decls(&cfg))
        .chain(governance::governance_decls(&cfg))
        .chain(releases::release_decls(&cfg))
        .chain(releases::inbox_decls(&cfg))
        .chain(sync::sync_decls(&cfg))
        .chain(traffic::traffic_decls(&cfg))
        .chain(feedback::feedback_decls(&cfg))
        .chain(operations::operations_decls(&cfg))
        .chain(operations_view::operations_view_decls(&cfg))
        .chain(compliance::compliance_decls(&cfg));
    let mut out = String::from(
        "// Generated by steward-api (crates/steward-api/src/wire.rs). Do not edit by hand:\n// run `STEWARD_UPDATE_BINDINGS=1 cargo test -p steward-api` to regenerate.\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(d.trim());
        out.push_str("\n\n");
    }
    out.push_str(&documents::document_values());
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_bindings_are_current() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/api/bindings.ts");
        let fresh = typescript_bindings();
        if std::env::var_os("STEWARD_UPDATE_BINDINGS").is_some() {
            std::fs::create_dir_all(path.parent().expect("has parent")).expect("create ui/src/api");
            std::fs::write(&path, &fresh).expect("write bindings");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "{} is stale: run `STEWARD_UPDATE_BINDINGS=1 cargo test -p steward-api` and commit it",
            path.display()
        );
    }

    #[test]
    fn errors_cross_as_code_and_message() {
        let e = ApiError::new(ErrorCode::NotFound, "no model named \"x\"");
        assert_eq!(
            serde_json::to_string(&e).expect("json"),
            r#"{"code":"not_found","message":"no model named \"x\""}"#
        );
    }
}
