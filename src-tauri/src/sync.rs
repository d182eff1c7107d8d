//! The registry-sync commands: one-line adapters into the registry settings, the connection
//! test, the sync status and findings, and the sync itself, of `steward-api`. The token or
//! password crosses IPC once, inbound (`registry_login`), and goes to the OS keyring in the
//! core; no command answers it. Calls that wait on the registry run on a blocking thread with a
//! connection of their own ([`Studio::run_blocking`]), since the registry client blocks; a
//! sync also registers its operation id, so `operation_cancel` stops it between operations,
//! and reports how far it got as [`SYNC_PROGRESS_EVENT`]s. A sync's writes are short
//! transactions of their own, so the studio's other commands keep answering while it waits on
//! the network.

use steward_api::wire::{
    RegistrySettingsView, RegistryTestView, RemoteRecordView, SyncConflictView, SyncFindingsView,
    SyncProgressEvent, SyncReport, SyncRequest, SyncStatusView,
};
use steward_api::ApiError;
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::Studio;

type Reply<T> = std::result::Result<T, ApiError>;

/// The event a running sync reports on, with a [`SyncProgressEvent`] payload.
pub const SYNC_PROGRESS_EVENT: &str = "steward://sync-progress";

/// The registry URL and the kind of credential stored for it (never the secret).
#[tauri::command(async)]
pub fn registry_settings(studio: State<'_, Studio>) -> Reply<RegistrySettingsView> {
    studio.with(|w| w.registry_settings())
}

/// Sets the workspace's registry URL.
#[tauri::command(async)]
pub fn registry_set(studio: State<'_, Studio>, url: String) -> Reply<RegistrySettingsView> {
    studio.with(|w| w.registry_set(&url).and_then(|_| w.registry_settings()))
}

/// Clears the workspace's registry URL.
#[tauri::command(async)]
pub fn registry_clear(studio: State<'_, Studio>) -> Reply<RegistrySettingsView> {
    studio.with(|w| w.registry_clear())
}

/// Stores a token (or, with `user`, a password) for the workspace's registry in the OS keyring.
#[tauri::command(async)]
pub fn registry_login(
    studio: State<'_, Studio>,
    user: Option<String>,
    secret: String,
) -> Reply<RegistrySettingsView> {
    studio.with(|w| w.registry_login_here(user.as_deref(), &secret))
}

/// Deletes the stored credential of the workspace's registry from the OS keyring.
#[tauri::command(async)]
pub fn registry_logout(studio: State<'_, Studio>) -> Reply<RegistrySettingsView> {
    studio.with(|w| w.registry_logout())
}

/// Checks the workspace's registry: reachable, MLflow version, credential, a read, permissions.
#[tauri::command]
pub async fn registry_test(studio: State<'_, Studio>) -> Reply<RegistryTestView> {
    studio.run_blocking(|w| w.registry_test_here()).await
}

/// What waits for the registry (each with its last error), the last sync, the conflicts.
#[tauri::command(async)]
pub fn sync_status(studio: State<'_, Studio>) -> Reply<SyncStatusView> {
    studio.with(|w| w.sync_status())
}

/// The newest sync's findings and every stored conflict with the local record it stands against.
#[tauri::command(async)]
pub fn sync_findings(studio: State<'_, Studio>) -> Reply<SyncFindingsView> {
    studio.with(|w| w.sync_findings())
}

/// A conflict's remote side: the registry's record `digest` of `model@version`, verified now.
#[tauri::command]
pub async fn sync_conflict_remote(
    studio: State<'_, Studio>,
    model: String,
    version: String,
    digest: String,
) -> Reply<RemoteRecordView> {
    studio
        .run_blocking(move |w| w.sync_conflict_remote(&model, &version, &digest))
        .await
}

/// Settles `model@version`'s release-record conflict by hand, keeping this workspace's record
/// (`keep_ours`: the next push writes it) or the registry's; the settled conflicts.
#[tauri::command(async)]
pub fn sync_conflict_resolve(
    studio: State<'_, Studio>,
    model: String,
    version: String,
    keep_ours: bool,
) -> Reply<Vec<SyncConflictView>> {
    studio.with(|w| w.sync_conflict_resolve(&model, &version, keep_ours))
}

/// Syncs with the registry off the main thread, with progress under `operation`.
#[tauri::command]
pub async fn sync_run<R: Runtime>(
    app: AppHandle<R>,
    studio: State<'_, Studio>,
    req: SyncRequest,
    operation: String,
) -> Reply<SyncReport> {
    let tag = operation.clone();
    studio
        .run_cancellable(operation, move |w, cancel| {
            w.sync_observed(&req, &|| cancel.is_cancelled(), &|progress| {
                let event = SyncProgressEvent {
                    operation: tag.clone(),
                    progress: progress.clone(),
                };
                // A window that is gone or closing cannot be told; the sync carries on.
                let _ = app.emit(SYNC_PROGRESS_EVENT, event);
            })
        })
        .await
}
