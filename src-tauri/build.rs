//! Declares the app's commands to Tauri's ACL, so each must be allowed one by one in
//! `capabilities/` (anything not listed there is denied to the window).

/// Every `#[tauri::command]` under `src/`; keep in step with `invoke_handler`.
const COMMANDS: &[&str] = &[
    "workspace_info",
    "workspace_open",
    "workspace_create",
    "model_list",
    "model_show",
    "model_create",
    "version_get",
    "version_add",
    "version_next",
    "version_link_dataset",
    "dataset_list",
    "dataset_show",
    "dataset_snapshot",
    "operation_cancel",
    "stage_set",
    "audit_log",
    "audit_verify",
    "doc_templates",
    "doc_new",
    "doc_save",
    "doc_show",
    "doc_preview",
    "doc_risk_set",
    "doc_history",
    "doc_diff",
    "doc_restore",
    "doc_check",
    "doc_list_dataset",
    "doc_export",
    "doc_draft_save",
    "doc_draft_load",
    "doc_draft_discard",
    "eval_import",
    "eval_list",
    "eval_compare",
    "eval_fairness",
    "eval_drift",
    "eval_chart",
    "eval_chart_save",
    "key_show",
    "key_init",
    "key_export",
    "roster_show",
    "roster_init",
    "roster_edit",
    "approval_list",
    "approval_sign",
    "approval_import",
    "review_subject",
    "review_export",
    "review_open",
    "review_sign",
    "export_pick",
    "export_write",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}
