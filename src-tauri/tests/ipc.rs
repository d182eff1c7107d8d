//! The shell's commands driven through Tauri's IPC handler on the mock runtime: real argument
//! decoding (camelCase JS keys), real state, a temp workspace, no window. Capabilities are not
//! enforced here; the WebDriver suite in `tests/e2e/` covers them against the real app.

#![allow(clippy::unwrap_used)]

mod harness;

use harness::{harness, Harness};
use serde_json::{json, Value};
use steward_desktop::export::Exports;
use steward_desktop::Studio;
use tauri::Manager;

/// A workspace holding `copilot` (owned by `ml-team`) with version 1.0.0-1.
fn harness_with_copilot() -> Harness {
    let h = harness();
    h.ok(
        "model_create",
        json!({"req": {"name": "copilot", "owner": "ml-team"}}),
    );
    h.ok(
        "version_add",
        json!({"req": {"model": "copilot", "version": "1.0.0-1"}, "operation": "a"}),
    );
    h
}

#[test]
fn a_model_is_created_listed_and_shown() {
    let h = harness();
    let info = h.ok("workspace_info", json!({}));
    assert_eq!(info["models"], 0);

    let req = json!({"name": "copilot", "owner": "ml-team", "title": "Copilot"});
    h.ok("model_create", json!({ "req": req }));
    let listed = h.ok("model_list", json!({"query": {"text": "copi"}}));
    assert_eq!(listed[0]["name"], "copilot");
    let page = h.ok(
        "model_page",
        json!({"query": {"text": null, "stage": null, "risk_tier": null, "limit": 50}}),
    );
    assert_eq!(page["total"], 1, "{page}");
    assert_eq!(page["models"][0]["name"], "copilot", "{page}");
    let err = h
        .invoke(
            "model_page",
            json!({"query": {"text": null, "stage": null, "risk_tier": null, "limit": 0}}),
        )
        .unwrap_err();
    assert_eq!(err["code"], "invalid_input", "{err}");
    let shown = h.ok("model_show", json!({"name": "copilot"}));
    assert_eq!(shown["model"]["title"], "Copilot");
    assert_eq!(h.ok("workspace_info", json!({}))["models"], 1);
}

#[test]
fn errors_cross_as_code_and_message() {
    let h = harness();
    let err = h
        .invoke("model_show", json!({"name": "nobody"}))
        .unwrap_err();
    assert_eq!(err["code"], "not_found", "{err}");
    assert!(err["message"].as_str().unwrap().contains("nobody"), "{err}");
}

#[test]
fn a_version_is_added_off_thread_and_its_ungoverned_promotion_is_refused() {
    let h = harness();
    let req = json!({"name": "copilot", "owner": "ml-team"});
    h.ok("model_create", json!({ "req": req }));
    let bundle = h.dir.path().join("bundle.bin");
    std::fs::write(&bundle, b"weights").unwrap();
    let req = json!({"model": "copilot", "version": "1.0.0-1", "bundle_file": bundle.display().to_string()});
    let added = h.ok("version_add", json!({"req": req, "operation": "op-1"}));
    assert_eq!(added["stage"], "experiment");
    assert!(added["artifacts"]["bundle_digest"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));

    let next = h.ok("version_next", json!({"model": "copilot", "change": "fix"}));
    assert_eq!(next["next"], "1.0.1-2", "{next}");

    // Under the default policy the candidate gate wants a config, a dataset, evaluations and
    // a model card this version lacks: the move is refused with the checks, and nothing moved.
    let set =
        json!({"model": "copilot", "version": "1.0.0-1", "stage": "candidate", "reason": "ready"});
    let err = h.invoke("stage_set", json!({ "req": set })).unwrap_err();
    assert_eq!(err["code"], "refused", "{err}");
    let message = err["message"].as_str().unwrap_or("");
    assert!(
        message.contains("the gate refuses copilot@1.0.0-1 to candidate"),
        "{message}"
    );
    assert!(message.contains("candidate.artifacts.config"), "{message}");

    let got = h.ok(
        "version_get",
        json!({"model": "copilot", "version": "1.0.0-1"}),
    );
    assert_eq!(got["stage"], "experiment");
    let log = h.ok("audit_log", json!({"limit": 1}));
    assert_eq!(log.as_array().unwrap().len(), 1);
    assert_eq!(log[0]["action"], "version.add", "{log}");
    assert_eq!(h.ok("audit_verify", json!({}))["ok"], true);
    // Nothing is running any more, so there is nothing to cancel.
    assert_eq!(
        h.ok("operation_cancel", json!({"operation": "op-1"})),
        false
    );
}

#[test]
fn a_refused_move_names_the_reason() {
    let h = harness();
    h.ok(
        "model_create",
        json!({"req": {"name": "copilot", "owner": "ml-team"}}),
    );
    let add = json!({"model": "copilot", "version": "1.0.0-1"});
    h.ok("version_add", json!({"req": add, "operation": "op-1"}));
    let set = json!({"model": "copilot", "version": "1.0.0-1", "stage": "production"});
    let err = h.invoke("stage_set", json!({ "req": set })).unwrap_err();
    assert_eq!(err["code"], "refused", "{err}");
}

#[test]
fn a_dataset_is_snapshotted_and_linked() {
    let h = harness_with_copilot();
    let data = h.dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("train.csv"), "a,b\n1,2\n").unwrap();
    let snap = json!({"dir": data.display().to_string(), "name": "support", "version": "2026-01", "provenance": {"source": "tickets"}});
    let detail = h.ok("dataset_snapshot", json!({"req": snap, "operation": "b"}));
    assert_eq!(detail["summary"]["files"], 1);
    assert_eq!(h.ok("dataset_list", json!({})).as_array().unwrap().len(), 1);
    let linked = h.ok(
        "version_link_dataset",
        json!({"model": "copilot", "version": "1.0.0-1", "dataset": "support@2026-01"}),
    );
    assert_eq!(linked["datasets"][0]["name"], "support");
    let shown = h.ok("dataset_show", json!({"reference": "support@2026-01"}));
    assert_eq!(shown["linked_versions"][0], "copilot@1.0.0-1");
}

#[test]
fn another_workspace_can_be_created_and_opened() {
    let h = harness();
    let other = tempfile::tempdir().unwrap();
    let path = other.path().join("ws");
    let err = h
        .invoke(
            "workspace_open",
            json!({"path": path.display().to_string()}),
        )
        .unwrap_err();
    assert_eq!(err["code"], "not_found", "{err}");
    let created = h.ok(
        "workspace_create",
        json!({"path": path.display().to_string()}),
    );
    assert_eq!(created["models"], 0);
    let opened = h.ok(
        "workspace_open",
        json!({"path": path.display().to_string()}),
    );
    assert_eq!(opened["path"], path.display().to_string());
}

#[test]
fn hashing_reports_progress_events_for_its_operation() {
    use std::sync::{Arc, Mutex};
    use tauri::{Listener, Manager};

    let h = harness();
    let seen: Arc<Mutex<Vec<Value>>> = Arc::default();
    let sink = Arc::clone(&seen);
    h.window
        .app_handle()
        .listen_any(steward_desktop::PROGRESS_EVENT, move |event| {
            let payload: Value = serde_json::from_str(event.payload()).unwrap();
            sink.lock().unwrap().push(payload);
        });
    h.ok(
        "model_create",
        json!({"req": {"name": "copilot", "owner": "ml-team"}}),
    );
    let bundle = h.dir.path().join("bundle.bin");
    std::fs::write(&bundle, vec![7u8; 3 << 20]).unwrap();
    let req = json!({"model": "copilot", "version": "1.0.0-1", "bundle_file": bundle.display().to_string()});
    h.ok("version_add", json!({"req": req, "operation": "hash-1"}));

    let seen = seen.lock().unwrap();
    let last = seen.last().expect("at least one progress event");
    assert_eq!(last["operation"], "hash-1");
    assert_eq!(last["progress"]["done_files"], 1, "{last}");
    assert_eq!(last["progress"]["done_bytes"], 3 << 20, "{last}");
}

#[test]
fn cancelling_a_running_snapshot_stores_nothing() {
    use tauri::{Listener, Manager};

    let h = harness();
    let data = h.dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    // Large enough that the first progress report (every 16 MiB) comes before the end.
    std::fs::write(data.join("big.bin"), vec![1u8; 64 << 20]).unwrap();
    let handle = h.window.app_handle().clone();
    // Cancel from the first progress event, as the window's Cancel button would.
    h.window
        .app_handle()
        .listen_any(steward_desktop::PROGRESS_EVENT, move |_| {
            handle.state::<Studio>().cancel("snap-1").unwrap();
        });
    let snap =
        json!({"dir": data.display().to_string(), "name": "big", "version": "1", "provenance": {}});
    let err = h
        .invoke(
            "dataset_snapshot",
            json!({"req": snap, "operation": "snap-1"}),
        )
        .unwrap_err();
    assert_eq!(err["code"], "cancelled", "{err}");
    assert_eq!(h.ok("dataset_list", json!({})), json!([]));
}

#[test]
fn a_document_is_written_previewed_revised_diffed_restored_and_exported() {
    let h = harness_with_copilot();
    let doc = json!({"target": "copilot@1.0.0-1", "kind": "model-card"});
    // The six release documents and the three compliance ones (impact assessment,
    // post-market monitoring plan, declaration of conformity).
    let templates = h.ok("doc_templates", json!({}));
    let kinds: Vec<&str> = templates
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["kind"].as_str())
        .collect();
    assert_eq!(kinds.len(), 9, "{kinds:?}");
    assert!(kinds.contains(&"model-card") && kinds.contains(&"declaration-of-conformity"));
    let created = h.ok("doc_new", json!({ "doc": doc }));
    assert_eq!(created["revision"]["number"], 1);
    assert_eq!(created["completeness"]["complete"], false);

    let text = format!("{}\nMore.\n", created["text"].as_str().unwrap());
    let preview = h.ok(
        "doc_preview",
        json!({"req": {"target": "copilot@1.0.0-1", "kind": "model-card", "text": text}}),
    );
    assert!(preview["rendered"]["body_html"]
        .as_str()
        .unwrap()
        .contains("More."));

    let edited = h.ok(
        "doc_risk_set",
        json!({"req": {"text": "---\nrisks: []\n---\n", "edit": {"op": "add"}}}),
    );
    assert!(edited.as_str().unwrap().contains("- id: R-1"));

    let draft = json!({"target": "copilot@1.0.0-1", "kind": "model-card", "text": text, "base_revision": 1, "saved_at": ""});
    h.ok("doc_draft_save", json!({ "draft": draft }));
    assert_eq!(
        h.ok("doc_draft_load", json!({ "doc": doc }))["text"],
        text.as_str()
    );
    let save = json!({"target": "copilot@1.0.0-1", "kind": "model-card", "text": text, "base_revision": 1, "merge_parent": null, "message": "more"});
    let saved = h.ok("doc_save", json!({ "req": save }));
    assert_eq!(saved["document"]["revision"]["number"], 2);
    assert_eq!(
        h.ok("doc_draft_load", json!({ "doc": doc })),
        Value::Null,
        "a save discards the draft"
    );
    assert_eq!(h.ok("doc_draft_discard", json!({ "doc": doc })), false);

    let history = h.ok("doc_history", json!({ "doc": doc }));
    assert_eq!(history[0]["number"], 2);
    let diff = h.ok("doc_diff", json!({"doc": doc, "from": 1, "to": 2}));
    assert_eq!(diff["insertions"], 2, "{diff}");
    let restored = h.ok("doc_restore", json!({"doc": doc, "revision": 1}));
    assert_eq!(restored["revision"]["number"], 3);
    let old = h.ok("doc_show", json!({"doc": doc, "revision": 2}));
    assert_eq!(old["head"], 3);

    let check = h.ok("doc_check", json!({"target": "copilot@1.0.0-1"}));
    assert_eq!(check["documents"][0]["kind"], "model-card");
    assert_eq!(check["documents"][0]["exists"], true);

    // Without a path the export only answers; with one, the shell writes it there, but only
    // to a path the user picked in the save dialog, and only once.
    let answered = h.ok(
        "doc_export",
        json!({"target": "copilot@1.0.0-1", "format": "hf", "path": null}),
    );
    assert_eq!(answered["file_name"], "README.md");
    let out = h.dir.path().join("README.md");
    let body =
        json!({"target": "copilot@1.0.0-1", "format": "hf", "path": out.display().to_string()});
    let err = h.invoke("doc_export", body.clone()).unwrap_err();
    assert_eq!(err["code"], "refused", "{err}");
    assert!(
        !out.exists(),
        "nothing is written to a path the user did not pick"
    );
    let exports = h.window.app_handle().state::<Exports>();
    exports.grant(out.clone()).unwrap();
    h.ok("doc_export", body.clone());
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written, answered["content"].as_str().unwrap());
    assert_eq!(
        h.invoke("doc_export", body).unwrap_err()["code"],
        "refused",
        "a pick is good for one write"
    );
    let nowhere = h.dir.path().join("no/such/dir/README.md");
    exports.grant(nowhere.clone()).unwrap();
    let err = h
        .invoke(
            "doc_export",
            json!({"target": "copilot@1.0.0-1", "format": "hf", "path": nowhere.display().to_string()}),
        )
        .unwrap_err();
    assert_eq!(err["code"], "io", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("no/such/dir"),
        "{err}"
    );
}

#[test]
fn a_data_sheet_is_listed_per_dataset_snapshot() {
    let h = harness();
    let data = h.dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("train.csv"), "a,b\n1,2\n").unwrap();
    let snap = json!({"dir": data.display().to_string(), "name": "support", "version": "2026-01", "provenance": {"source": "tickets"}});
    h.ok("dataset_snapshot", json!({"req": snap, "operation": "s"}));
    let listed = h.ok("doc_list_dataset", json!({"reference": "support@2026-01"}));
    assert_eq!(listed[0]["kind"], "data-sheet");
    assert_eq!(listed[0]["exists"], false);
    h.ok(
        "doc_new",
        json!({"doc": {"target": "support@2026-01", "kind": "data-sheet"}}),
    );
    let listed = h.ok("doc_list_dataset", json!({"reference": "support@2026-01"}));
    assert_eq!(listed[0]["exists"], true);
}
