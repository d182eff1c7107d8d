//! The trust commands: one-line adapters into the identity, roster, approval and review-packet
//! operations of `steward-api`. Signing happens in the core, which loads the private key from
//! the OS keyring; no command takes or answers a secret, so none can cross IPC. Files come from
//! the open dialog (an approval or key file to import, a packet to read) or, for a packet to
//! write, from the shell's save dialog (`export_pick`).

use std::path::Path;

use steward_api::wire::{
    ApprovalCheck, ApprovalView, ApprovalsView, ApproveRequest, IdentityView, KeyExportResult,
    KeyInit, KeyInitResult, ReviewPacket, ReviewSubjectView, RosterEdit, RosterView,
};
use steward_api::{ApiError, Workspace};
use steward_domain::trust::{Decision, Role};
use steward_domain::Stage;
use tauri::State;

use crate::export::Exports;
use crate::Studio;

type Reply<T> = std::result::Result<T, ApiError>;

/// The identity that signs (`STEWARD_IDENTITY`, else the only one in the keyring).
#[tauri::command(async)]
pub fn key_show() -> Reply<IdentityView> {
    steward_api::key_show()
}

/// Creates the person's key in the OS keyring; a replacement is recorded in the roster.
#[tauri::command(async)]
pub fn key_init(studio: State<'_, Studio>, req: KeyInit) -> Reply<KeyInitResult> {
    studio.with(|w| steward_api::key_init(&req, Some(w)))
}

/// Writes the public key to `path` (a path the user just chose with `export_pick`) as a
/// securesystemslib key dictionary, and as PEM beside it, for a roster admin to add.
#[tauri::command(async)]
pub fn key_export(exports: State<'_, Exports>, path: String) -> Reply<KeyExportResult> {
    steward_api::key_export(&exports.take(&path)?)
}

/// The roster rebuilt from its verified, signed changes.
#[tauri::command(async)]
pub fn roster_show(studio: State<'_, Studio>) -> Reply<RosterView> {
    studio.with(Workspace::roster_show)
}

/// Starts the workspace's roster with the signing identity as its root.
#[tauri::command(async)]
pub fn roster_init(studio: State<'_, Studio>) -> Reply<RosterView> {
    studio.with(Workspace::roster_init)
}

/// One roster change (add a member from their key file, grant, revoke), signed by the
/// signing identity, which must be a roster admin.
#[tauri::command(async)]
pub fn roster_edit(studio: State<'_, Studio>, edit: RosterEdit) -> Reply<RosterView> {
    studio.with(|w| w.roster_edit(&edit))
}

/// A version's approvals, each with its state decided now.
#[tauri::command(async)]
pub fn approval_list(
    studio: State<'_, Studio>,
    model: String,
    version: String,
) -> Reply<ApprovalsView> {
    studio.with(|w| w.approvals(&model, &version))
}

/// Signs an approval (or a request for changes, or a rejection) in the core.
#[tauri::command(async)]
pub fn approval_sign(studio: State<'_, Studio>, req: ApproveRequest) -> Reply<ApprovalView> {
    studio.with(|w| w.approve(&req))
}

/// Imports an approval file for `model@version` (one signed for another version is refused).
#[tauri::command(async)]
pub fn approval_import(
    studio: State<'_, Studio>,
    model: String,
    version: String,
    file: String,
) -> Reply<ApprovalView> {
    studio.with(|w| w.approval_import(Path::new(&file), Some((&model, &version))))
}

/// What an approval of `model@version` for `to` signs now.
#[tauri::command(async)]
pub fn review_subject(
    studio: State<'_, Studio>,
    model: String,
    version: String,
    to: Stage,
) -> Reply<ReviewSubjectView> {
    studio.with(|w| w.review_subject_view(&model, &version, to))
}

/// Writes a review packet to `path`, which must be a path the user just chose with
/// `export_pick`.
#[tauri::command(async)]
pub fn review_export(
    studio: State<'_, Studio>,
    exports: State<'_, Exports>,
    model: String,
    version: String,
    to: Stage,
    path: String,
) -> Reply<ReviewPacket> {
    let path = exports.take(&path)?;
    studio.with(|w| w.review_export(&model, &version, to, &path))
}

/// Signs a review packet's subject offline (no workspace needed) and writes the approval to
/// `path`, a path the user just chose with `export_pick`, to send back for `approval_import`.
#[tauri::command(async)]
pub fn review_sign(
    exports: State<'_, Exports>,
    packet: String,
    role: Role,
    decision: Decision,
    comment: String,
    path: String,
) -> Reply<ApprovalCheck> {
    let out = exports.take(&path)?;
    steward_api::review_sign(Path::new(&packet), role, decision, &comment, &out)
}

/// Reads a review packet (checked as signing would check it; nothing is stored).
#[tauri::command(async)]
pub fn review_open(path: String) -> Reply<ReviewPacket> {
    steward_api::review_open(Path::new(&path))
}
