//! The IPC commands. Each is a one-line adapter into [`steward_api::Workspace`]; JS argument
//! names are the camelCase of the Rust parameter names, so parameters are single words.
//! Errors cross as `steward_api::ApiError`, which serializes as `{code, message}`.
//!
//! Every command is `async` to Tauri, so none runs on the main thread: a listing of 10,000
//! models or a slow disk never freezes the window. Hashing goes further and runs on a blocking
//! thread with its own connection ([`Studio::run_long`]).

use steward_api::wire::{
    AuditEntryView, AuditVerifyResult, DatasetDetail, DatasetSnapshot, DatasetSummary, ModelCreate,
    ModelDetail, ModelPage, ModelQuery, ModelSummary, NextVersion, StageSet, StageSetResult,
    VersionAdd, VersionDetail, WorkspaceInfo,
};
use steward_api::{ApiError, Workspace};
use steward_domain::ChangeKind;
use tauri::{AppHandle, Runtime, State};

use crate::Studio;

type Reply<T> = Result<T, ApiError>;

/// What is open.
#[tauri::command(async)]
pub fn workspace_info(studio: State<'_, Studio>) -> Reply<WorkspaceInfo> {
    studio.with(Workspace::info)
}

/// Opens an existing workspace folder in place of the current one.
#[tauri::command(async)]
pub fn workspace_open(studio: State<'_, Studio>, path: String) -> Reply<WorkspaceInfo> {
    studio.switch(&path, Workspace::open)
}

/// Creates a workspace in a folder (or opens it if it is one) in place of the current one.
#[tauri::command(async)]
pub fn workspace_create(studio: State<'_, Studio>, path: String) -> Reply<WorkspaceInfo> {
    studio.switch(&path, Workspace::init)
}

/// Models matching the query.
#[tauri::command(async)]
pub fn model_list(studio: State<'_, Studio>, query: ModelQuery) -> Reply<Vec<ModelSummary>> {
    studio.with(|w| w.model_list(&query))
}

/// One page of the models matching the query, with how many match in all.
#[tauri::command(async)]
pub fn model_page(studio: State<'_, Studio>, query: ModelQuery) -> Reply<ModelPage> {
    studio.with(|w| w.model_page(&query))
}

/// One model with its versions and stage timeline.
#[tauri::command(async)]
pub fn model_show(studio: State<'_, Studio>, name: String) -> Reply<ModelDetail> {
    studio.with(|w| w.model_show(&name))
}

/// Creates a model.
#[tauri::command(async)]
pub fn model_create(studio: State<'_, Studio>, req: ModelCreate) -> Reply<ModelSummary> {
    studio.with(|w| w.model_create(&req))
}

/// One version in full.
#[tauri::command(async)]
pub fn version_get(
    studio: State<'_, Studio>,
    model: String,
    version: String,
) -> Reply<VersionDetail> {
    studio.with(|w| w.version_get(&model, &version))
}

/// Adds a version, hashing its files off the main thread with progress under `operation`.
#[tauri::command]
pub async fn version_add<R: Runtime>(
    app: AppHandle<R>,
    studio: State<'_, Studio>,
    req: VersionAdd,
    operation: String,
) -> Reply<VersionDetail> {
    studio
        .run_long(app, operation, move |w, sink, cancel| {
            w.version_add(&req, sink, cancel)
        })
        .await
}

/// The version Steward suggests for a kind of change.
#[tauri::command(async)]
pub fn version_next(
    studio: State<'_, Studio>,
    model: String,
    change: ChangeKind,
) -> Reply<NextVersion> {
    studio.with(|w| w.version_next(&model, change))
}

/// Links a dataset snapshot (`NAME@VERSION`) to a version.
#[tauri::command(async)]
pub fn version_link_dataset(
    studio: State<'_, Studio>,
    model: String,
    version: String,
    dataset: String,
) -> Reply<VersionDetail> {
    studio.with(|w| w.version_link_dataset(&model, &version, &dataset))
}

/// Every dataset snapshot.
#[tauri::command(async)]
pub fn dataset_list(studio: State<'_, Studio>) -> Reply<Vec<DatasetSummary>> {
    studio.with(Workspace::dataset_list)
}

/// One dataset snapshot in full, by `NAME@VERSION`.
#[tauri::command(async)]
pub fn dataset_show(studio: State<'_, Studio>, reference: String) -> Reply<DatasetDetail> {
    studio.with(|w| w.dataset_show(&reference))
}

/// Snapshots a folder, hashing it off the main thread with progress under `operation`.
#[tauri::command]
pub async fn dataset_snapshot<R: Runtime>(
    app: AppHandle<R>,
    studio: State<'_, Studio>,
    req: DatasetSnapshot,
    operation: String,
) -> Reply<DatasetDetail> {
    studio
        .run_long(app, operation, move |w, sink, cancel| {
            w.dataset_snapshot(&req, sink, cancel)
        })
        .await
}

/// Asks a running operation to stop; answers whether one with that id was running.
#[tauri::command(async)]
pub fn operation_cancel(studio: State<'_, Studio>, operation: String) -> Reply<bool> {
    studio.cancel(&operation)
}

/// Moves a version to a stage under the lifecycle rules.
#[tauri::command(async)]
pub fn stage_set(studio: State<'_, Studio>, req: StageSet) -> Reply<StageSetResult> {
    studio.with(|w| w.stage_set(&req))
}

/// Audit entries, newest first.
#[tauri::command(async)]
pub fn audit_log(studio: State<'_, Studio>, limit: Option<u32>) -> Reply<Vec<AuditEntryView>> {
    studio.with(|w| w.audit_log(limit))
}

/// Walks the audit chain and reports the first broken link.
#[tauri::command(async)]
pub fn audit_verify(studio: State<'_, Studio>, deep: Option<bool>) -> Reply<AuditVerifyResult> {
    studio.with(|w| {
        if deep.unwrap_or(false) {
            w.audit_verify_deep()
        } else {
            w.audit_verify()
        }
    })
}
