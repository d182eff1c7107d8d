//! The governance commands through the IPC handler: the policy in force, live validation of
//! an edited text (line and key of the problem), setting a revision, its history and a diff,
//! and a version's gate and checklist, all as the core answers them.

#![allow(clippy::unwrap_used)]

mod harness;

use harness::harness;
use serde_json::json;

#[test]
fn the_policy_is_shown_checked_set_listed_and_diffed() {
    let h = harness();
    let shown = h.ok("policy_show", json!({}));
    assert_eq!(shown["source"], "default", "{shown}");
    assert_eq!(shown["revision"], serde_json::Value::Null);
    let text = shown["text"].as_str().unwrap().to_string();

    let broken = text.replacen("name = ", "name = = ", 1);
    let check = h.ok(
        "policy_check",
        json!({"req": {"text": broken, "file": null}}),
    );
    assert_eq!(check["valid"], false, "{check}");
    assert!(check["error"]["line"].as_u64().unwrap() > 0, "{check}");
    let ok = h.ok("policy_check", json!({"req": {"text": text, "file": null}}));
    assert_eq!(ok["valid"], true, "{ok}");

    let edited = format!("# stricter\n{text}");
    let set = h.ok(
        "policy_set",
        json!({"req": {"text": edited, "file": null, "message": "stricter"}}),
    );
    assert_eq!(set["revision"]["number"], 1, "{set}");
    assert_eq!(set["revision"]["message"], "stricter");
    let history = h.ok("policy_history", json!({}));
    assert_eq!(history["source"], "stored");
    assert_eq!(history["revisions"][0]["number"], 1);
    assert_eq!(h.ok("policy_show", json!({}))["source"], "stored");

    let diff = h.ok("policy_diff", json!({"from": 0, "to": 1}));
    assert_eq!(diff["insertions"], 1, "{diff}");
    assert_eq!(diff["deletions"], 0, "{diff}");
    let err = h
        .invoke("policy_diff", json!({"from": 1, "to": 2}))
        .unwrap_err();
    assert_eq!(err["code"], "not_found", "{err}");
}

#[test]
fn a_version_s_gate_and_checklist_come_from_the_core() {
    let h = harness();
    h.ok(
        "model_create",
        json!({"req": {"name": "copilot", "owner": "ml-team"}}),
    );
    let bundle = h.dir.path().join("bundle.bin");
    std::fs::write(&bundle, b"weights").unwrap();
    let add = json!({"model": "copilot", "version": "1.0.0-1", "bundle_file": bundle.display().to_string()});
    h.ok("version_add", json!({"req": add, "operation": "a"}));
    let gate = h.ok(
        "gate_evaluate",
        json!({"req": {"model": "copilot", "version": "1.0.0-1", "to": "production"}}),
    );
    assert_eq!(gate["target"], "production", "{gate}");
    assert_eq!(gate["passed"], false, "{gate}");
    let checks = gate["checks"].as_array().unwrap();
    let counts = &gate["counts"];
    let total: u64 = ["pass", "fail", "missing_evidence", "waived"]
        .iter()
        .map(|k| counts[k].as_u64().unwrap())
        .sum();
    assert_eq!(total, checks.len() as u64, "{gate}");
    assert!(gate["digest"].as_str().unwrap().len() >= 64, "{gate}");
    let status = |id: &str| {
        checks
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["status"].clone())
    };
    assert_eq!(
        status("production.artifacts.bundle"),
        Some(json!("pass")),
        "{gate}"
    );
    assert_eq!(
        status("production.approvals.sre"),
        Some(json!("missing-evidence")),
        "{gate}"
    );

    let list = h.ok(
        "gate_checklist",
        json!({"model": "copilot", "version": "1.0.0-1"}),
    );
    assert_eq!(list["items"].as_array().unwrap().len(), 10, "{list}");
    assert_eq!(list["eligible"], false);

    let err = h
        .invoke(
            "gate_evaluate",
            json!({"req": {"model": "copilot", "version": "9.9.9-9", "to": "candidate"}}),
        )
        .unwrap_err();
    assert_eq!(err["code"], "not_found", "{err}");
}
