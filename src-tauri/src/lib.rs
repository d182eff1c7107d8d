//! Steward's desktop shell: the Tauri app that hosts the `ui/` front end.
//!
//! This crate owns the window, the IPC commands and the progress events, and nothing else.
//! Every `#[tauri::command]` in [`commands`], [`compliance`], [`documents`], [`evals`],
//! [`governance`], [`operations`], [`releases`], [`sync`] and [`trust`] is a one-line adapter into
//! [`steward_api::Workspace`] ([`export`] writes only to paths the user picked, or under the
//! WebDriver suite to [`export::SAVE_DIR_ENV`]); there is no SQL, HTTP or governance rule
//! here, and no other crate of ours may depend on Tauri. What the window may call is declared
//! twice on purpose:
//! `build.rs` lists the commands for Tauri's ACL, and `capabilities/default.json` allows them
//! one by one (plus core events and the open dialog; no fs or shell plugin).
//!
//! [`builder`] wires the commands and state onto any Tauri runtime, so the tests drive the
//! same handler through `tauri::test`'s mock runtime without a window.

pub mod commands;
pub mod compliance;
pub mod documents;
pub mod evals;
pub mod export;
pub mod governance;
pub mod operations;
pub mod releases;
pub mod rendering;
mod studio;
pub mod sync;
pub mod trust;

pub use studio::{Studio, PROGRESS_EVENT};
pub use sync::SYNC_PROGRESS_EVENT;

/// Adds Steward's plugins, state and commands to a Tauri builder.
pub fn builder<R: tauri::Runtime>(builder: tauri::Builder<R>, studio: Studio) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .manage(studio)
        .manage(export::Exports::default())
        .invoke_handler(tauri::generate_handler![
            commands::workspace_info,
            commands::workspace_open,
            commands::workspace_create,
            commands::model_list,
            commands::model_page,
            commands::model_show,
            commands::model_create,
            commands::version_get,
            commands::version_add,
            commands::version_next,
            commands::version_link_dataset,
            commands::dataset_list,
            commands::dataset_show,
            commands::dataset_snapshot,
            commands::operation_cancel,
            commands::stage_set,
            commands::audit_log,
            commands::audit_verify,
            documents::doc_templates,
            documents::doc_new,
            documents::doc_save,
            documents::doc_show,
            documents::doc_preview,
            documents::doc_risk_set,
            documents::doc_history,
            documents::doc_diff,
            documents::doc_restore,
            documents::doc_merge,
            documents::doc_merge_compose,
            documents::doc_merge_save,
            documents::doc_check,
            documents::doc_list_dataset,
            documents::doc_export,
            documents::doc_draft_save,
            documents::doc_draft_load,
            documents::doc_draft_discard,
            evals::eval_import,
            evals::eval_list,
            evals::eval_compare,
            evals::eval_fairness,
            evals::eval_drift,
            evals::eval_chart,
            evals::eval_chart_save,
            trust::key_show,
            trust::key_init,
            trust::key_export,
            trust::roster_show,
            trust::roster_init,
            trust::roster_edit,
            trust::approval_list,
            trust::approval_sign,
            trust::approval_import,
            trust::review_subject,
            trust::review_export,
            trust::review_open,
            trust::review_sign,
            governance::gate_evaluate,
            governance::gate_checklist,
            governance::policy_show,
            governance::policy_check,
            governance::policy_set,
            governance::policy_history,
            governance::policy_diff,
            releases::release_list,
            releases::rollback,
            releases::waive,
            releases::waivers,
            releases::dataset_review,
            releases::dataset_reviews,
            releases::review_inbox,
            compliance::pack_list,
            compliance::coverage,
            compliance::dossier_annex_iv,
            operations::operations_view,
            operations::guardrail_chart,
            operations::queue_label,
            export::export_pick,
            export::export_write,
            sync::registry_settings,
            sync::registry_set,
            sync::registry_clear,
            sync::registry_login,
            sync::registry_logout,
            sync::registry_test,
            sync::sync_status,
            sync::sync_findings,
            sync::sync_conflict_remote,
            sync::sync_conflict_resolve,
            sync::sync_run,
        ])
}
