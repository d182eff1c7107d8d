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
    /// `release-record` (a different signed record for the same version) or `tampered`.
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
    /// Pulled approvals refused (with why).
    pub refused: Vec<String>,
    /// Ungoverned aliases.
    pub ungoverned: Vec<UngovernedView>,
    /// New conflicts and tampered items.
    pub conflicts: Vec<SyncConflictView>,
    /// Aliases moved by someone else's record this workspace does not hold.
    pub remote_ahead: Vec<String>,
    /// Registry versions carrying the same Steward version.
    pub duplicates: Vec<String>,
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
    ]
}
