//! The Operations screen's commands (issue 12, point 5): one-line adapters into
//! `steward-api`. The core gathers the model's guardrails, dial, incidents, feedback, review
//! queue and triage, draws each guardrail's chart and stores a reviewer's label; the window
//! only shows what it answers.

use steward_api::wire::{
    GuardrailChartRequest, GuardrailChartSvg, OperationsView, QueueItemView, QueueLabelRequest,
};
use steward_api::ApiError;
use tauri::State;

use crate::Studio;

type Reply<T> = std::result::Result<T, ApiError>;

/// Everything the Operations screen shows for `model`.
#[tauri::command(async)]
pub fn operations_view(studio: State<'_, Studio>, model: String) -> Reply<OperationsView> {
    studio.with(|w| w.operations_view(&model))
}

/// One guardrail's chart, drawn by the core.
#[tauri::command(async)]
pub fn guardrail_chart(
    studio: State<'_, Studio>,
    req: GuardrailChartRequest,
) -> Reply<GuardrailChartSvg> {
    studio.with(|w| w.guardrail_chart(&req))
}

/// Labels an item of the review queue as the workspace's actor (the note is redacted).
#[tauri::command(async)]
pub fn queue_label(studio: State<'_, Studio>, req: QueueLabelRequest) -> Reply<QueueItemView> {
    studio.with(|w| w.queue_label(&req))
}
