//! The release commands through the IPC handler: promotions under a policy that asks only for
//! a bundle write signed release records, listed and verified; one rollback serves the N-1
//! version again with the incident named; a waiver and a dataset review are signed by the
//! keyring's identity; the review inbox answers for it. Its own test binary, because the
//! keyring namespace is process-wide environment.

#![allow(clippy::unwrap_used)]

mod harness;

use harness::harness;
use serde_json::json;
use steward_attest::keyring::KeyStore;

const EMAIL: &str = "rae@companyos.example";

/// Deletes the test's key from the kernel keyring, pass or fail.
struct Cleanup(String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = KeyStore::with_namespace(&self.0).forget(EMAIL);
    }
}

const BUNDLE_ONLY: &str = r#"format = "steward.policy/v1"
name = "bundle-only"

[canary]
traffic_share_below_percent = 5.0
flagged_tenants_allowed = true
shadow_mode_required = true
min_duration_hours = 48
kpis = ["acceptance_rate"]

[stages.candidate]
documents = []
approvals = []

[[stages.candidate.criteria]]
id = "candidate.artifacts.bundle"
category = "artifacts"
seed = "§1 Lifecycle — Candidate"
checklist = 1
evidence = "bundle"

[stages.canary]
documents = []
approvals = []

[[stages.canary.criteria]]
id = "canary.artifacts.bundle"
category = "artifacts"
seed = "§1 Lifecycle — Canary"
checklist = 1
evidence = "bundle"

[stages.production]
documents = []
approvals = []

[[stages.production.criteria]]
id = "production.artifacts.bundle"
category = "artifacts"
seed = "§1 Lifecycle — Production"
checklist = 1
evidence = "bundle"

[[stages.production.criteria]]
id = "production.artifacts.code-commit"
category = "artifacts"
seed = "§1 Lifecycle — Production"
checklist = 1
evidence = "code-commit"
"#;

#[test]
fn promotions_write_records_a_rollback_is_recorded_and_waivers_reviews_and_the_inbox_are_signed() {
    let ns = format!("test-studio-releases-{}", std::process::id());
    std::env::set_var("STEWARD_KEYRING_NAMESPACE", &ns);
    std::env::remove_var("STEWARD_IDENTITY");
    let _cleanup = Cleanup(ns.clone());
    let h = harness();

    // Before anyone has a key, the inbox says how to make one.
    let none = h.invoke("review_inbox", json!({})).unwrap_err();
    assert_eq!(none["code"], "keyring", "{none}");

    let created = h.ok(
        "key_init",
        json!({"req": {"name": "Rae Kim", "email": EMAIL, "replace": false}}),
    );
    let keyid = created["identity"]["keyid"].as_str().unwrap().to_string();
    h.ok("roster_init", json!({}));
    for role in ["model-owner", "responsible-ai-legal", "security-privacy"] {
        h.ok(
            "roster_edit",
            json!({"edit": {"op": "grant", "keyid": keyid, "role": role}}),
        );
    }
    h.ok(
        "policy_set",
        json!({"req": {"text": BUNDLE_ONLY, "file": null, "message": "bundle only"}}),
    );
    h.ok(
        "model_create",
        json!({"req": {"name": "copilot", "owner": EMAIL}}),
    );
    let bundle = h.dir.path().join("bundle.bin");
    std::fs::write(&bundle, b"weights").unwrap();
    let commit = "a".repeat(40);
    for v in ["1.0.0-1", "1.1.0-1"] {
        let add = json!({"model": "copilot", "version": v, "bundle_file": bundle.display().to_string(), "commit": commit});
        h.ok("version_add", json!({"req": add, "operation": v}));
        for stage in ["candidate", "canary", "production"] {
            let set = h.ok(
                "stage_set",
                json!({"req": {"model": "copilot", "version": v, "stage": stage, "reason": null}}),
            );
            assert_eq!(set["release"]["to"], stage, "{set}");
        }
    }

    let list = h.ok("release_list", json!({"model": "copilot"}));
    let records = list["records"].as_array().unwrap();
    assert_eq!(records.len(), 6, "{list}");
    assert_eq!(list["ok"], true, "{list}");
    assert_eq!(list["first_broken"], serde_json::Value::Null);
    let last = &records[5];
    assert_eq!(last["seq"], 6);
    assert_eq!(last["version"], "1.1.0-1");
    assert_eq!(last["rollback_target"], "1.0.0-1", "{last}");
    assert_eq!(last["previous"], records[4]["digest"]);
    assert_eq!(last["signer_name"], "Rae Kim");

    let back = h.ok(
        "rollback",
        json!({"req": {"model": "copilot", "incident": "INC-7", "reason": "latency page"}}),
    );
    assert_eq!(back["serving"], "1.0.0-1", "{back}");
    assert_eq!(back["rolled_back"], "1.1.0-1");
    assert_eq!(back["release"]["kind"], "rollback");
    assert_eq!(back["release"]["incident"], "INC-7");
    assert_eq!(back["release"]["seq"], 7);
    let after = h.ok("release_list", json!({"model": "copilot"}));
    assert_eq!(after["records"].as_array().unwrap().len(), 7);
    assert_eq!(
        h.ok("model_show", json!({"name": "copilot"}))["production"],
        "1.0.0-1"
    );
    let again = h
        .invoke(
            "rollback",
            json!({"req": {"model": "nobody", "incident": "INC-8", "reason": "x"}}),
        )
        .unwrap_err();
    assert_eq!(again["code"], "not_found", "{again}");

    // A version without a commit fails production.artifacts.code-commit: one role waives it.
    let add = json!({"model": "copilot", "version": "1.2.0-1", "bundle_file": bundle.display().to_string()});
    h.ok("version_add", json!({"req": add, "operation": "c"}));
    let waiver = json!({"model": "copilot", "version": "1.2.0-1", "check_id": "production.artifacts.code-commit",
        "role": "model-owner", "rationale": "built from a tagged release", "expires_at": "2999-01-01"});
    let signed = h.ok("waive", json!({ "req": waiver }));
    assert_eq!(signed["signer_name"], "Rae Kim", "{signed}");
    assert_eq!(signed["role"], "model-owner");
    let listed = h.ok("waivers", json!({"model": "copilot", "version": "1.2.0-1"}));
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    let gate = h.ok(
        "gate_evaluate",
        json!({"req": {"model": "copilot", "version": "1.2.0-1", "to": "production"}}),
    );
    let check = gate["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "production.artifacts.code-commit")
        .unwrap()
        .clone();
    assert_ne!(
        check["status"], "waived",
        "one role's waiver does not count: {check}"
    );
    assert!(
        !check["waiver_notes"].as_array().unwrap().is_empty(),
        "{check}"
    );
    let bad = json!({"model": "copilot", "version": "1.2.0-1", "check_id": "production.artifacts.code-commit",
        "role": "sre", "rationale": "x", "expires_at": "2999-01-01"});
    let err = h.invoke("waive", json!({ "req": bad })).unwrap_err();
    assert_eq!(err["code"], "invalid_input", "{err}");

    let data = h.dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("train.csv"), "a,b\n1,2\n").unwrap();
    let snap = json!({"dir": data.display().to_string(), "name": "support", "version": "1", "provenance": {"source": "tickets"}});
    h.ok("dataset_snapshot", json!({"req": snap, "operation": "d"}));
    let review = h.ok(
        "dataset_review",
        json!({"req": {"dataset": "support@1", "comment": "PII columns dropped"}}),
    );
    assert_eq!(review["state"], "current", "{review}");
    let reviews = h.ok("dataset_reviews", json!({"dataset": "support@1"}));
    assert_eq!(reviews[0]["digest"], review["digest"], "{reviews}");

    let inbox = h.ok("review_inbox", json!({}));
    assert_eq!(inbox["email"], EMAIL, "{inbox}");
    assert!(inbox["roles"]
        .as_array()
        .unwrap()
        .contains(&json!("model-owner")));
    let text = inbox.to_string();
    assert!(!text.contains("secret") && !text.contains("seed"), "{text}");
}
