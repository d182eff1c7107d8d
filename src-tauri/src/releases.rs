//! The release commands: one-line adapters into the release records, rollback, waivers,
//! dataset reviews and the review inbox of `steward-api`. Signing happens in the core with the
//! keyring's key; only public views cross IPC.

use steward_api::wire::{
    DatasetReviewRequest, DatasetReviewView, InboxView, ReleaseList, RollbackRequest,
    RollbackResult, WaiverRequest, WaiverSignatureView,
};
use steward_api::{ApiError, Workspace};
use tauri::State;

use crate::Studio;

type Reply<T> = std::result::Result<T, ApiError>;

/// A model's release records, oldest first, each verified now, with the first broken part.
#[tauri::command(async)]
pub fn release_list(studio: State<'_, Studio>, model: String) -> Reply<ReleaseList> {
    studio.with(|w| w.release_list(&model))
}

/// Rolls a model's production back to its rollback target and writes the signed record.
#[tauri::command(async)]
pub fn rollback(studio: State<'_, Studio>, req: RollbackRequest) -> Reply<RollbackResult> {
    studio.with(|w| w.rollback(&req))
}

/// Signs a waiver of one gate check for one version, as the keyring's identity.
#[tauri::command(async)]
pub fn waive(studio: State<'_, Studio>, req: WaiverRequest) -> Reply<WaiverSignatureView> {
    studio.with(|w| w.waive(&req))
}

/// A version's waiver signatures, each with whether it counts now and why not.
#[tauri::command(async)]
pub fn waivers(
    studio: State<'_, Studio>,
    model: String,
    version: String,
) -> Reply<Vec<WaiverSignatureView>> {
    studio.with(|w| w.waivers(&model, &version))
}

/// Signs a security/privacy review of a dataset snapshot, as the keyring's identity.
#[tauri::command(async)]
pub fn dataset_review(
    studio: State<'_, Studio>,
    req: DatasetReviewRequest,
) -> Reply<DatasetReviewView> {
    studio.with(|w| w.dataset_review(&req))
}

/// A dataset snapshot's reviews, each with whether it counts now.
#[tauri::command(async)]
pub fn dataset_reviews(
    studio: State<'_, Studio>,
    dataset: String,
) -> Reply<Vec<DatasetReviewView>> {
    studio.with(|w| w.dataset_reviews(&dataset))
}

/// The review inbox of the person at the keyboard (the signing identity).
#[tauri::command(async)]
pub fn review_inbox(studio: State<'_, Studio>) -> Reply<InboxView> {
    studio.with(Workspace::review_inbox)
}
