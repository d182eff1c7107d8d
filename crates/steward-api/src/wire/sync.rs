//! Wire types of registry sync: settings, the connection test, the outbox, a sync's report,
//! ungoverned aliases, conflicts, and deploy-time admission.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What `registry test` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RegistryTestView {
    /// The registry.
    pub url: String,
    /// The server's MLflow version.
    pub mlflow_version: String,
    /// Whether Steward is tested against that version.
    pub supported: bool,
    /// The credential kind in use (`token`, `user NAME`), none when logged out.
    pub credential: Option<String>,
    /// Whether a read with that credential succeeded.
    pub authenticated: bool,
    /// What the credential may do, as the server says.
    pub permissions: String,
}

/// One change waiting for the registry (or sent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OutboxEntryView {
    /// Row id.
    pub id: u32,
    /// `release-record`, `approval` or `waiver`.
    pub kind: String,
    /// `model@version`.
    pub subject: String,
    /// When the change was made.
    pub created_at: String,
    /// Push attempts so far.
    pub attempts: u32,
    /// The last attempt's error.
    pub last_error: Option<String>,
    /// When it was last attempted.
    pub last_attempt_at: Option<String>,
}

/// A conflict or tampered item a pull found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncConflictView {
    /// The model.
    pub model: String,
    /// The Steward version.
    pub version: String,
    /// `release-record` (a different signed record for the same version), `tampered`, or
    /// `document:KIND` (two heads of a document to merge; listed while they stay unmerged).
    pub kind: String,
    /// What this workspace holds.
    pub local_sha256: Option<String>,
    /// What the registry holds.
    pub remote_sha256: String,
    /// What differs.
    pub detail: String,
    /// When it was first found.
    pub found_at: String,
}

/// One sync's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncRunView {
    /// When.
    pub at: String,
    /// `push`, `pull` or `both`.
    pub direction: String,
    /// The registry.
    pub url: String,
    /// Operations sent.
    pub ops: u32,
    /// HTTP requests made.
    pub requests: u32,
    /// Why it stopped, when it failed.
    pub error: Option<String>,
}

/// `sync status`: what waits, the last sync, the conflicts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncStatusView {
    /// The registry, when set.
    pub url: Option<String>,
    /// The last sync.
    pub last_sync: Option<SyncRunView>,
    /// Changes waiting, oldest first.
    pub waiting: Vec<OutboxEntryView>,
    /// Conflicts and tampered items found by pulls.
    pub conflicts: Vec<SyncConflictView>,
}

/// A governed alias that no signed record explains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UngovernedView {
    /// The model.
    pub model: String,
    /// The alias.
    pub alias: String,
    /// The registry version it points at.
    pub number: String,
    /// The Steward version that is (none: a version made outside Steward).
    pub points_at: Option<String>,
    /// The version signed records put in that stage (none: no version holds it).
    pub governed: Option<String>,
    /// Who last changed the version, as MLflow says (MLflow keeps no author for aliases).
    pub user_id: Option<String>,
    /// When the version last changed (ms since the epoch), as MLflow says.
    pub last_updated_ms: Option<i64>,
    /// Whether this sync moved it back to the governed state (`--restore`).
    pub restored: bool,
}

/// What to sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncRequest {
    /// Send what waits.
    pub push: bool,
    /// Bring others' approvals back and compare records.
    pub pull: bool,
    /// Move ungoverned aliases back to the governed state.
    pub restore: bool,
    /// Also download every envelope and document revision this workspace holds that the
    /// registry holds too, and compare the bytes: an in-place edit is reported as tampered (and
    /// put back by a push). One listing per folder and one GET per artifact; off by default.
    #[serde(default)]
    #[ts(optional)]
    pub verify: Option<bool>,
}

/// One sync's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncReport {
    /// The registry.
    pub url: String,
    /// `push`, `pull` or `both`.
    pub direction: String,
    /// Models looked at.
    pub models: u32,
    /// Operations sent.
    pub ops: u32,
    /// Model versions created.
    pub versions_created: u32,
    /// HTTP requests made.
    pub requests: u32,
    /// Outbox entries that reached the registry.
    pub sent: u32,
    /// Approvals pulled, verified and stored.
    pub pulled_approvals: u32,
    /// Document revisions pulled, checked and stored.
    pub pulled_revisions: u32,
    /// Pulled approvals and revisions refused or waiting (with why).
    pub refused: Vec<String>,
    /// Ungoverned aliases.
    pub ungoverned: Vec<UngovernedView>,
    /// Conflicts and tampered items this sync found that stand: new, or found before and not
    /// settled.
    pub conflicts: Vec<SyncConflictView>,
    /// Aliases moved by someone else's record this workspace does not hold.
    pub remote_ahead: Vec<String>,
    /// Registry versions carrying the same Steward version.
    pub duplicates: Vec<String>,
    /// Conflicts and tampered items found before that this sync no longer found (settled).
    pub settled: Vec<String>,
}

/// `admit`: whether the version an alias points at may be deployed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AdmitView {
    /// The registry.
    pub url: String,
    /// The model.
    pub model: String,
    /// The alias.
    pub alias: String,
    /// The registry version it points at.
    pub number: Option<String>,
    /// The Steward version that is.
    pub version: Option<String>,
    /// The release record's digest.
    pub record: Option<String>,
    /// Who signed the record.
    pub signer: Option<String>,
    /// Approvals verified.
    pub approvals: u32,
    /// Whether it is admitted.
    pub admitted: bool,
    /// Why not, each naming what failed.
    pub problems: Vec<String>,
}

/// The registry settings the studio shows: the URL and which credential the OS keyring holds
/// for it. Never the secret itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RegistrySettingsView {
    /// The workspace's registry, when set.
    pub url: Option<String>,
    /// The credential kind stored for it (`token`, `user NAME`); none when logged out.
    pub credential: Option<String>,
    /// The keyring backend the credential lives in (`keyutils`, `secret-service`).
    pub keyring: String,
}

/// How far a running sync has got, for the studio's progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncProgress {
    /// `connecting` (checking the registry), `reading` (one model: its registry state and
    /// the pull) or `sending` (that model's operations).
    pub phase: String,
    /// The model being synced, once there is one.
    pub model: Option<String>,
    /// Models finished.
    pub models_done: u32,
    /// Models in all.
    pub models_total: u32,
    /// Operations sent for the current model.
    pub ops_done: u32,
    /// Operations planned for the current model.
    pub ops_total: u32,
}

/// A sync's progress tagged with the operation it belongs to (the desktop shell emits these as
/// `steward://sync-progress` events; the caller picks the operation id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncProgressEvent {
    /// The caller's id for the sync.
    pub operation: String,
    /// The report.
    pub progress: SyncProgress,
}

/// A stored conflict with the release record this workspace holds for it, as it verifies here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncConflictDetail {
    /// The conflict as the pull stored it.
    pub conflict: SyncConflictView,
    /// The workspace's record named by `local_sha256` (none for a tampered item, or a record
    /// this workspace no longer lists).
    pub local: Option<crate::wire::ReleaseView>,
}

/// What the studio's conflicts and ungoverned-changes screens list: every stored conflict and
/// tampered item, and the findings of the newest sync that reached the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncFindingsView {
    /// When that sync ran (none: no sync has reached the registry yet).
    pub at: Option<String>,
    /// Its direction.
    pub direction: Option<String>,
    /// The registry it read.
    pub url: Option<String>,
    /// False when it stopped part-way, so its findings cover only the models it reached.
    pub complete: bool,
    /// Its report (ungoverned aliases, remote-ahead aliases, duplicates, refused approvals).
    pub report: Option<SyncReport>,
    /// Every conflict and tampered item pulls have found, oldest first.
    pub conflicts: Vec<SyncConflictDetail>,
}

/// The registry's side of a conflict: the record it holds, downloaded and verified now against
/// this workspace's roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RemoteRecordView {
    /// The digest asked for.
    pub digest: String,
    /// Whether it is there, matches its digest and verifies.
    pub verified: bool,
    /// Why not, when it does not.
    pub problem: Option<String>,
    /// Promote, rollback or deprecate.
    pub kind: Option<steward_domain::TransitionKind>,
    /// The stage before.
    pub from: Option<steward_domain::Stage>,
    /// The stage after.
    pub to: Option<steward_domain::Stage>,
    /// When it was signed.
    pub recorded_at: Option<String>,
    /// Who signed it, as the record says.
    pub signer_name: Option<String>,
    /// The signer's key fingerprint.
    pub signer_fingerprint: Option<String>,
    /// Why, as the record says.
    pub reason: Option<String>,
}

/// The TypeScript declarations of this module's types.
pub(crate) fn sync_decls(cfg: &ts_rs::Config) -> Vec<String> {
    vec![
        RegistryTestView::decl(cfg),
        OutboxEntryView::decl(cfg),
        SyncConflictView::decl(cfg),
        SyncRunView::decl(cfg),
        SyncStatusView::decl(cfg),
        UngovernedView::decl(cfg),
        SyncRequest::decl(cfg),
        SyncReport::decl(cfg),
        AdmitView::decl(cfg),
        RegistrySettingsView::decl(cfg),
        SyncProgress::decl(cfg),
        SyncProgressEvent::decl(cfg),
        SyncConflictDetail::decl(cfg),
        SyncFindingsView::decl(cfg),
        RemoteRecordView::decl(cfg),
    ]
}
