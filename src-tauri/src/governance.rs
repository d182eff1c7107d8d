//! The governance commands: one-line adapters into the gate, checklist and policy operations
//! of `steward-api`. The core evaluates every check and decides every verdict; the window only
//! shows what it answers. A gated promotion goes through `commands::stage_set` with the
//! digest of the report the person confirmed.

use steward_api::wire::{
    ChecklistView, GateReportView, GateRequest, PolicyCheck, PolicyCheckRequest, PolicyDiff,
    PolicyHistory, PolicySet, PolicySetResult, PolicyView,
};
use steward_api::{ApiError, Workspace};
use tauri::State;

use crate::Studio;

type Reply<T> = std::result::Result<T, ApiError>;

/// A version's gate for one target stage, every check evaluated now.
#[tauri::command(async)]
pub fn gate_evaluate(studio: State<'_, Studio>, req: GateRequest) -> Reply<GateReportView> {
    studio.with(|w| w.gate_evaluate(&req))
}

/// The seed's ten production-eligibility items for a version, from its production gate.
#[tauri::command(async)]
pub fn gate_checklist(
    studio: State<'_, Studio>,
    model: String,
    version: String,
) -> Reply<ChecklistView> {
    studio.with(|w| w.gate_checklist(&model, &version))
}

/// The policy in force: stored revision or built-in default, with its text and warnings.
#[tauri::command(async)]
pub fn policy_show(studio: State<'_, Studio>) -> Reply<PolicyView> {
    studio.with(Workspace::policy_show)
}

/// Validates a policy text without storing it (the editor's live validation).
#[tauri::command(async)]
pub fn policy_check(req: PolicyCheckRequest) -> PolicyCheck {
    Workspace::policy_check(&req)
}

/// Validates a policy text and stores it as the next revision.
#[tauri::command(async)]
pub fn policy_set(studio: State<'_, Studio>, req: PolicySet) -> Reply<PolicySetResult> {
    studio.with(|w| w.policy_set(&req))
}

/// Every stored policy revision, newest first.
#[tauri::command(async)]
pub fn policy_history(studio: State<'_, Studio>) -> Reply<PolicyHistory> {
    studio.with(Workspace::policy_history)
}

/// A line diff between two policy revisions (0 is the built-in default).
#[tauri::command(async)]
pub fn policy_diff(studio: State<'_, Studio>, from: u32, to: u32) -> Reply<PolicyDiff> {
    studio.with(|w| w.policy_diff(from, to))
}
