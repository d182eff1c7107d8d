//! The registry-sync commands through the IPC handler: the settings panel's URL, login and
//! logout (the secret goes in once and never comes back, nor lands in the database), the
//! connection test's clear errors, a sync against an unreachable registry leaving every change
//! waiting with its error, and a sync that waits on the network without holding up the other
//! commands, then stops between operations when cancelled. Its own test binary, because the
//! keyring namespace and the registry's timeouts are process-wide environment.

mod harness;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use harness::{harness, invoke_on, Harness};
use serde_json::{json, Value};
use steward_api::{NoProgress, Workspace};
use steward_attest::keyring::KeyStore;
use steward_desktop::Studio;
use tauri::{Listener, Manager};

/// The environment below is process-wide, so the tests of this binary take turns.
static SERIAL: Mutex<()> = Mutex::new(());

/// Deletes the demo's keys from the kernel keyring, and lets the next test run.
struct Cleanup(String, #[allow(dead_code)] MutexGuard<'static, ()>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let demo = KeyStore::with_namespace(&format!("{}-demo", self.0));
        for (_, email, _) in steward_api::demo::REVIEWERS {
            let _ = demo.delete(email);
            let _ = demo.forget(email);
        }
    }
}

/// One process-wide set-up: a keyring namespace of this run's, the kernel keyring, and a
/// registry client that gives up quickly.
fn environment(test: &str) -> Cleanup {
    let turn = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let ns = format!("test-studio-sync-{test}-{}", std::process::id());
    std::env::set_var("STEWARD_KEYRING_NAMESPACE", &ns);
    std::env::set_var("STEWARD_KEYRING_BACKEND", "keyutils");
    std::env::set_var("STEWARD_REGISTRY_ATTEMPTS", "1");
    std::env::set_var("STEWARD_REGISTRY_TIMEOUT_MS", "20000");
    std::env::remove_var("STEWARD_IDENTITY");
    Cleanup(ns, turn)
}

fn closed_port() -> String {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let port = l.local_addr().expect("local addr").port();
    drop(l);
    format!("http://127.0.0.1:{port}")
}

fn demo(h: &Harness) {
    let ws = Workspace::open(h.dir.path(), "tester").expect("open the workspace");
    steward_api::demo::load(&ws, 1, &NoProgress).expect("load the demo");
}

/// A recording of the flows' fake core (ui/flows/app/sync/, written by its generate.sh).
fn recorded(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ui/flows/app/sync")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).expect("the recording is committed");
    serde_json::from_str(&text).expect("the recording is JSON")
}

/// What waits, without ids and times: (kind, subject, attempts).
fn waiting_shape(status: &Value) -> Vec<(Value, Value, Value)> {
    status["waiting"]
        .as_array()
        .expect("waiting")
        .iter()
        .map(|w| {
            (
                w["kind"].clone(),
                w["subject"].clone(),
                w["attempts"].clone(),
            )
        })
        .collect()
}

const STALE: &str = "ui/flows/app/sync is stale: run its generate.sh";

fn message(e: &Value) -> &str {
    e["message"].as_str().expect("an error message")
}

#[test]
fn the_settings_panel_sets_the_url_logs_in_and_out_and_the_secret_never_comes_back() {
    let _cleanup = environment("settings");
    let h = harness();
    let fresh = h.ok("registry_settings", json!({}));
    assert_eq!(fresh["url"], Value::Null, "{fresh}");
    assert_eq!(fresh["credential"], Value::Null, "{fresh}");
    assert!(
        fresh["keyring"]
            .as_str()
            .is_some_and(|k| k.contains("keyutils")),
        "{fresh}"
    );
    let untested = h
        .invoke("registry_test", json!({}))
        .expect_err("no registry is set");
    assert_eq!(untested["code"], "not_found", "{untested}");

    let bad = h
        .invoke("registry_set", json!({"url": "ftp://x"}))
        .expect_err("ftp is refused");
    assert_eq!(bad["code"], "invalid_input", "{bad}");
    assert!(
        message(&bad).contains("\"ftp://x\""),
        "names the value: {bad}"
    );
    let login_first = h
        .invoke("registry_login", json!({"user": null, "secret": "t0ken"}))
        .expect_err("no registry to log in to");
    assert_eq!(login_first["code"], "not_found", "{login_first}");

    let url = closed_port();
    let set = h.ok("registry_set", json!({"url": url}));
    assert_eq!(set["url"], format!("{url}/"), "{set}");

    let secret = "s3cret-token-that-must-not-leak";
    let token = h.ok("registry_login", json!({"user": null, "secret": secret}));
    assert_eq!(token["credential"], "token", "{token}");
    let empty = h
        .invoke("registry_login", json!({"user": null, "secret": "\n"}))
        .expect_err("an empty secret is refused");
    assert_eq!(empty["code"], "invalid_input", "{empty}");
    let nameless = h
        .invoke("registry_login", json!({"user": " ", "secret": secret}))
        .expect_err("an empty user name is refused");
    assert_eq!(nameless["code"], "invalid_input", "{nameless}");
    let user = h.ok("registry_login", json!({"user": "ann", "secret": secret}));
    assert_eq!(user["credential"], "user ann", "{user}");
    let shown = h.ok("registry_settings", json!({}));
    assert_eq!(shown["credential"], "user ann", "{shown}");
    for answer in [&token, &user, &shown] {
        assert!(!answer.to_string().contains(secret), "{answer}");
    }
    for file in ["steward.db", "steward.db-wal"] {
        let bytes = std::fs::read(h.dir.path().join(file)).unwrap_or_default();
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "the secret is in {file}"
        );
    }

    // The connection test names the closed port as unreachable, and changes nothing.
    let unreachable = h
        .invoke("registry_test", json!({}))
        .expect_err("nothing listens there");
    assert_eq!(unreachable["code"], "registry", "{unreachable}");
    assert!(
        message(&unreachable).contains("is unreachable"),
        "{unreachable}"
    );
    assert!(!unreachable.to_string().contains(secret));

    let out = h.ok("registry_logout", json!({}));
    assert_eq!(out["credential"], Value::Null, "{out}");
    let again = h
        .invoke("registry_logout", json!({}))
        .expect_err("nothing left to log out of");
    assert_eq!(again["code"], "not_found", "{again}");

    let cleared = h.ok("registry_clear", json!({}));
    assert_eq!(cleared["url"], Value::Null, "{cleared}");
    let status = h.ok("sync_status", json!({}));
    assert_eq!(status["url"], Value::Null, "{status}");
    let nowhere = h
        .invoke(
            "sync_run",
            json!({"req": {"push": true, "pull": true, "restore": false}, "operation": "s"}),
        )
        .expect_err("no registry to sync with");
    assert_eq!(nowhere["code"], "not_found", "{nowhere}");
}

#[test]
fn a_sync_while_the_registry_is_unreachable_keeps_every_change_waiting_with_its_error() {
    let _cleanup = environment("offline");
    let h = harness();
    demo(&h);
    let seen: Arc<Mutex<Vec<Value>>> = Arc::default();
    let sink = Arc::clone(&seen);
    h.window
        .app_handle()
        .listen_any(steward_desktop::SYNC_PROGRESS_EVENT, move |event| {
            let payload: Value = serde_json::from_str(event.payload()).expect("a JSON payload");
            sink.lock().expect("events").push(payload);
        });
    let before = h.ok("sync_status", json!({}));
    let waiting = before["waiting"].as_array().expect("waiting").len();
    assert!(
        waiting > 0,
        "the demo's records and approvals wait: {before}"
    );
    assert_eq!(before["last_sync"], Value::Null);
    assert_eq!(
        waiting_shape(&before),
        waiting_shape(&recorded("demo-status")),
        "{STALE}"
    );

    let url = closed_port();
    h.ok("registry_set", json!({"url": url}));
    // The flows' recordings say what the core says here, but for the port.
    let recorded_url = recorded("closed-settings")["url"]
        .as_str()
        .expect("a url")
        .to_string();
    let as_here = |v: &Value| {
        v.as_str()
            .expect("text")
            .replace(&recorded_url, &format!("{url}/"))
    };
    let tested = h
        .invoke("registry_test", json!({}))
        .expect_err("the registry is unreachable");
    let was = recorded("closed-test");
    assert_eq!(tested["code"], was["code"], "{STALE}");
    assert_eq!(message(&tested), as_here(&was["message"]), "{STALE}");
    let failed = h
        .invoke(
            "sync_run",
            json!({"req": {"push": false, "pull": false, "restore": false}, "operation": "sync-1"}),
        )
        .expect_err("the registry is unreachable");
    assert_eq!(failed["code"], "registry", "{failed}");
    assert!(message(&failed).contains("is unreachable"), "{failed}");
    assert_eq!(
        message(&failed),
        as_here(&recorded("closed-sync")["error"]["message"]),
        "{STALE}"
    );
    let events = seen.lock().expect("events").clone();
    assert_eq!(
        events
            .first()
            .map(|e| (&e["operation"], &e["progress"]["phase"])),
        Some((&json!("sync-1"), &json!("connecting"))),
        "{events:?}"
    );

    let after = h.ok("sync_status", json!({}));
    assert_eq!(
        waiting_shape(&after),
        waiting_shape(&recorded("closed-status")),
        "{STALE}"
    );
    let list = after["waiting"].as_array().expect("waiting");
    assert_eq!(list.len(), waiting, "nothing is lost: {after}");
    for w in list {
        assert_eq!(w["attempts"], 1, "{w}");
        assert!(
            w["last_error"]
                .as_str()
                .is_some_and(|e| e.contains("is unreachable")),
            "{w}"
        );
    }
    assert!(
        after["last_sync"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("is unreachable")),
        "{after}"
    );
    // Nor can the registry's side of a conflict be read.
    let remote = h
        .invoke(
            "sync_conflict_remote",
            json!({"model": "summarize-copilot", "version": "1.0.0-3", "digest": format!("sha256:{}", "ab".repeat(32))}),
        )
        .expect_err("the registry is unreachable");
    assert_eq!(remote["code"], "registry", "{remote}");
    let named = h
        .invoke(
            "sync_conflict_remote",
            json!({"model": "summarize-copilot", "version": "1.0", "digest": "x"}),
        )
        .expect_err("not a version");
    assert_eq!(named["code"], "invalid_input", "{named}");
    // Nothing reached the registry, so there are no findings to show.
    let findings = h.ok("sync_findings", json!({}));
    assert_eq!(findings["at"], Value::Null, "{findings}");
    assert_eq!(findings["report"], Value::Null, "{findings}");
    assert_eq!(findings["conflicts"], json!([]), "{findings}");
}

/// A server that answers every request with an empty MLflow JSON object, after `gate` lets it.
fn canned_registry(gate: mpsc::Receiver<()>, accepted: mpsc::Sender<()>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "http://127.0.0.1:{}",
        listener.local_addr().expect("addr").port()
    );
    std::thread::spawn(move || {
        let mut first = true;
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            if first {
                first = false;
                let _ = accepted.send(());
                if gate.recv_timeout(Duration::from_secs(60)).is_err() {
                    return;
                }
            }
            answer(&mut stream);
        }
    });
    url
}

fn answer(stream: &mut TcpStream) {
    let mut buf = [0u8; 8192];
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.read(&mut buf);
    let body = "{}";
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

#[test]
fn a_sync_waiting_on_the_registry_holds_up_no_other_command_and_cancel_stops_it_between_operations()
{
    let _cleanup = environment("cancel");
    let h = harness();
    demo(&h);
    let (open_gate, gate) = mpsc::channel();
    let (accepted_tx, accepted) = mpsc::channel();
    let url = canned_registry(gate, accepted_tx);
    h.ok("registry_set", json!({"url": url}));
    let waiting = h.ok("sync_status", json!({}))["waiting"]
        .as_array()
        .expect("waiting")
        .len();

    // Cancel as the window's Cancel button would, once the sync reads its first model.
    let handle = h.window.app_handle().clone();
    h.window
        .app_handle()
        .listen_any(steward_desktop::SYNC_PROGRESS_EVENT, move |event| {
            let payload: Value = serde_json::from_str(event.payload()).expect("a JSON payload");
            if payload["progress"]["phase"] == "reading" {
                handle
                    .state::<Studio>()
                    .cancel("sync-2")
                    .expect("cancel the sync");
            }
        });
    let window = h.window.clone();
    std::thread::scope(|scope| {
        let sync = scope.spawn(move || {
            invoke_on(
                &window,
                "sync_run",
                json!({"req": {"push": true, "pull": false, "restore": false}, "operation": "sync-2"}),
            )
        });
        accepted
            .recv_timeout(Duration::from_secs(60))
            .expect("the sync reaches the registry");
        // The sync is waiting on the network: the studio's reads and writes still answer.
        h.ok("workspace_info", json!({}));
        let made = h.ok(
            "model_create",
            json!({"req": {"name": "while-syncing", "owner": "ml-team"}}),
        );
        assert_eq!(made["name"], "while-syncing", "{made}");
        assert!(!sync.is_finished(), "the sync was still waiting");
        open_gate.send(()).expect("let the registry answer");
        let stopped = sync
            .join()
            .expect("the sync thread")
            .expect_err("the sync was cancelled");
        assert_eq!(stopped["code"], "cancelled", "{stopped}");
    });
    let status = h.ok("sync_status", json!({}));
    assert_eq!(
        status["waiting"].as_array().map(Vec::len),
        Some(waiting),
        "a cancelled sync sends nothing it did not finish: {status}"
    );
    // It reached the registry, so what it found so far is kept, marked incomplete.
    let findings = h.ok("sync_findings", json!({}));
    assert_eq!(findings["complete"], false, "{findings}");
    assert_eq!(findings["direction"], "push", "{findings}");
    assert_eq!(findings["report"]["ungoverned"], json!([]), "{findings}");
}

#[test]
fn the_merge_commands_are_allowed_and_answer_in_the_cores_words() {
    let _cleanup = environment("merge");
    let h = harness();
    demo(&h);
    let doc = json!({"target": "summarize-copilot@1.3.0-15", "kind": "model-card"});
    let none = h
        .invoke("doc_merge", json!({ "doc": doc }))
        .expect_err("the demo's card has one head");
    assert_eq!(none["code"], "not_found", "{none}");
    assert!(message(&none).contains("has one head"), "{none}");
    let compose = h
        .invoke(
            "doc_merge_compose",
            json!({"req": {"target": "summarize-copilot@1.3.0-15", "kind": "model-card", "theirs": 1, "choices": ["theirs"]}}),
        )
        .expect_err("nothing to compose");
    assert_eq!(compose["code"], "not_found", "{compose}");
    let history = h.ok("doc_history", json!({ "doc": doc }));
    let marked = "a\n<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs\n";
    let refused = h
        .invoke(
            "doc_merge_save",
            json!({"req": {"target": "summarize-copilot@1.3.0-15", "kind": "model-card", "ours": 2, "theirs": 1, "text": marked, "message": null}}),
        )
        .expect_err("markers are refused");
    assert_eq!(refused["code"], "invalid_input", "{refused}");
    assert!(
        message(&refused).contains("line 2 still holds a conflict"),
        "{refused}"
    );
    assert_eq!(
        h.ok("doc_history", json!({ "doc": doc })),
        history,
        "nothing was saved"
    );
}
