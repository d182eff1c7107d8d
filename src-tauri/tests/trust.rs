//! The trust commands through the IPC handler: a person with no identity is told how to make
//! one, creates it, starts the roster and signs an approval; the window never sends or gets a
//! secret. Its own test binary, because the keyring namespace is process-wide environment.

#![allow(clippy::unwrap_used)]

mod harness;

use harness::harness;
use serde_json::json;
use steward_attest::keyring::KeyStore;
use steward_desktop::export::Exports;
use tauri::Manager;

const EMAIL: &str = "ana@companyos.example";

/// Deletes the test's key from the kernel keyring, pass or fail.
struct Cleanup(String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = KeyStore::with_namespace(&self.0).forget(EMAIL);
    }
}

#[test]
fn a_new_person_creates_an_identity_starts_the_roster_and_signs_an_approval() {
    let ns = format!("test-studio-trust-{}", std::process::id());
    std::env::set_var("STEWARD_KEYRING_NAMESPACE", &ns);
    std::env::remove_var("STEWARD_IDENTITY");
    let _cleanup = Cleanup(ns.clone());
    let h = harness();

    let none = h.invoke("key_show", json!({})).unwrap_err();
    assert_eq!(none["code"], "keyring", "{none}");
    assert!(
        none["message"].as_str().unwrap().contains("key init"),
        "{none}"
    );

    let created = h.ok(
        "key_init",
        json!({"req": {"name": "Ana López", "email": EMAIL, "replace": false}}),
    );
    let keyid = created["identity"]["keyid"].as_str().unwrap().to_string();
    assert_eq!(keyid.len(), 64, "{created}");
    let shown = h.ok("key_show", json!({}));
    assert_eq!(shown["fingerprint"], created["identity"]["fingerprint"]);
    let text = shown.to_string();
    assert!(!text.contains("secret") && !text.contains("seed"), "{text}");

    let roster = h.ok("roster_init", json!({}));
    assert_eq!(roster["root"], keyid, "{roster}");
    for role in ["model-owner", "sre"] {
        h.ok(
            "roster_edit",
            json!({"edit": {"op": "grant", "keyid": keyid, "role": role}}),
        );
    }

    h.ok(
        "model_create",
        json!({"req": {"name": "copilot", "owner": "ml-team"}}),
    );
    let digest = format!("sha256:{}", "1".repeat(64));
    h.ok(
        "version_add",
        json!({"req": {"model": "copilot", "version": "1.0.0-1", "bundle_digest": digest}, "operation": "a"}),
    );
    let subject = h.ok(
        "review_subject",
        json!({"model": "copilot", "version": "1.0.0-1", "to": "candidate"}),
    );
    assert_eq!(subject["items"][0]["kind"], "bundle", "{subject}");

    let req = json!({"model": "copilot", "version": "1.0.0-1", "role": "sre", "to": "candidate",
        "decision": "request-changes", "comment": "add the runbook"});
    let signed = h.ok("approval_sign", json!({ "req": req }));
    assert_eq!(signed["state"], "current", "{signed}");
    assert_eq!(signed["subject_digest"], subject["subject_digest"]);
    let listed = h.ok(
        "approval_list",
        json!({"model": "copilot", "version": "1.0.0-1"}),
    );
    assert_eq!(listed["approvals"][0]["decision"], "request-changes");
    assert_eq!(
        listed["roster_root_fingerprint"],
        created["identity"]["fingerprint"]
    );

    // A packet goes only where the user chose in the save dialog.
    let path = h.dir.path().join("packet.json").display().to_string();
    let refused = h
        .invoke(
            "review_export",
            json!({"model": "copilot", "version": "1.0.0-1", "to": "candidate", "path": path}),
        )
        .unwrap_err();
    assert_eq!(refused["code"], "refused", "{refused}");
    assert!(!std::path::Path::new(&path).exists());

    h.window
        .state::<Exports>()
        .grant(std::path::PathBuf::from(&path))
        .unwrap();
    let packet = h.ok(
        "review_export",
        json!({"model": "copilot", "version": "1.0.0-1", "to": "candidate", "path": path}),
    );
    let opened = h.ok("review_open", json!({ "path": path }));
    assert_eq!(opened["subject_digest"], packet["subject_digest"]);
    assert_eq!(opened["approvals"][0]["role"], "sre", "{opened}");

    // Offline: the packet signed to a picked file; the public key exported for an admin.
    let out = h.dir.path().join("sre.approval.json");
    h.window.state::<Exports>().grant(out.clone()).unwrap();
    let check = h.ok(
        "review_sign",
        json!({"packet": path, "role": "model-owner", "decision": "approve", "comment": "", "path": out.display().to_string()}),
    );
    assert_eq!(check["subject_digest"], packet["subject_digest"]);
    assert!(out.is_file());
    let key = h.dir.path().join("ana.key.json");
    h.window.state::<Exports>().grant(key.clone()).unwrap();
    let exported = h.ok("key_export", json!({"path": key.display().to_string()}));
    assert_eq!(exported["keyid"], keyid.as_str());
    assert!(key.is_file() && key.with_extension("pem").is_file());
}
