//! The compliance commands: one-line adapters into the packs, coverage and Annex IV file of
//! `steward-api`. The core decides every requirement's status, finds the evidence and names the
//! next step; the window only shows what it answers. The Annex IV file is written by the core
//! to the one path the user just chose in the shell's save dialog (`export_pick`).

use steward_api::wire::{CoverageView, DossierExport, DossierFormat, PackSummary};
use steward_api::ApiError;
use tauri::State;

use crate::export::Exports;
use crate::Studio;

type Reply<T> = std::result::Result<T, ApiError>;

/// Every pack in force: the built-in ones, then those the workspace added.
#[tauri::command(async)]
pub fn pack_list(studio: State<'_, Studio>) -> Reply<Vec<PackSummary>> {
    studio.with(|w| w.pack_list())
}

/// The coverage of `model@version` against the pack `pack`.
#[tauri::command(async)]
pub fn coverage(
    studio: State<'_, Studio>,
    model: String,
    version: String,
    pack: String,
) -> Reply<CoverageView> {
    studio.with(|w| w.coverage(&format!("{model}@{version}"), &pack))
}

/// Writes the EU AI Act Annex IV technical documentation of `model@version` as HTML or PDF to
/// `path`, which must be a path the user just chose with `export_pick`.
#[tauri::command(async)]
pub fn dossier_annex_iv(
    studio: State<'_, Studio>,
    exports: State<'_, Exports>,
    model: String,
    version: String,
    format: DossierFormat,
    path: String,
) -> Reply<DossierExport> {
    let path = exports.take(&path)?;
    studio.with(|w| w.dossier_annex_iv(&format!("{model}@{version}"), &path, Some(format)))
}
