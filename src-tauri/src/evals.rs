//! The evaluation-evidence commands: one-line adapters into the `eval_*` operations of
//! [`steward_api::Workspace`]. Importing streams and hashes the file, so it runs as a long
//! operation (progress events and `operation_cancel`, like hashing a version's files).

use steward_api::wire::{
    ChartSvg, DriftReport, EvalChartRequest, EvalComparison, EvalImport, EvalRunView,
    FairnessReport,
};
use steward_api::ApiError;
use tauri::{AppHandle, Runtime, State};

use crate::export::Exports;
use crate::Studio;

type Reply<T> = std::result::Result<T, ApiError>;

/// Imports one evaluation file off the main thread, with progress under `operation`.
#[tauri::command]
pub async fn eval_import<R: Runtime>(
    app: AppHandle<R>,
    studio: State<'_, Studio>,
    req: EvalImport,
    operation: String,
) -> Reply<EvalRunView> {
    studio
        .run_long(app, operation, move |w, sink, cancel| {
            w.eval_import(&req, sink, cancel)
        })
        .await
}

/// The runs imported for a version, oldest first.
#[tauri::command(async)]
pub fn eval_list(
    studio: State<'_, Studio>,
    model: String,
    version: String,
) -> Reply<Vec<EvalRunView>> {
    studio.with(|w| w.eval_list(&model, &version))
}

/// A version's evidence against `against`, or by default the production version.
#[tauri::command(async)]
pub fn eval_compare(
    studio: State<'_, Studio>,
    model: String,
    version: String,
    against: Option<String>,
) -> Reply<EvalComparison> {
    studio.with(|w| w.eval_compare(&model, &version, against.as_deref()))
}

/// Fairness of a version for one group key (four-fifths rule, worst group, parity); without a
/// key, the first key with a failing metric, and every key in `keys`.
#[tauri::command(async)]
pub fn eval_fairness(
    studio: State<'_, Studio>,
    model: String,
    version: String,
    key: Option<String>,
) -> Reply<FairnessReport> {
    studio.with(|w| w.eval_fairness(&model, &version, key.as_deref()))
}

/// Drift (PSI) per feature.
#[tauri::command(async)]
pub fn eval_drift(studio: State<'_, Studio>, model: String, version: String) -> Reply<DriftReport> {
    studio.with(|w| w.eval_drift(&model, &version))
}

/// One chart as an SVG document.
#[tauri::command(async)]
pub fn eval_chart(studio: State<'_, Studio>, req: EvalChartRequest) -> Reply<ChartSvg> {
    studio.with(|w| w.eval_chart(&req))
}

/// Draws a chart and writes the core's SVG to `path`, which must be a path the user just
/// chose with `export_pick`.
#[tauri::command(async)]
pub fn eval_chart_save(
    studio: State<'_, Studio>,
    exports: State<'_, Exports>,
    req: EvalChartRequest,
    path: String,
) -> Reply<ChartSvg> {
    let chart = studio.with(|w| w.eval_chart(&req))?;
    exports.write(&path, chart.svg.as_bytes())?;
    Ok(chart)
}
