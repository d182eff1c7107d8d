//! What the recorders of the flows' document, model and evaluation fakes share: the command
//! that rewrites every recording, where the flows' fixtures live, a workspace governed as the
//! flows' is (Ana's key as the roster's root, the flows' bundle-only policy) in a keyring
//! namespace of the recorder's own, and the state machine the model and evaluation fakes replay
//! ([`Flow`] makes the calls, [`Machine`] keeps their answers by state).
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use steward_api::Workspace;
use steward_attest::keyring::KeyStore;
use tauri::Listener;

use super::recording::scrub;
use super::{harness_on, Harness};

/// One command rewrites every recording of the flows' document, model and evaluation fakes.
pub const REGENERATE: &str = "STEWARD_UPDATE_FIXTURES=1 cargo test -p steward-desktop --test flow_documents --test flow_models --test flow_evals";

const EMAIL: &str = "ana@companyos.example";

/// ui/flows/app, where the flows' fakes read their recordings.
pub fn flows_app() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/flows/app")
}

/// This process's keyring namespace (named after `recorder`); dropping it deletes the key
/// [`govern`] made from the kernel keyring, pass or fail.
pub struct Keyring(String);

impl Keyring {
    /// Points the keyring at a namespace of this process's own, with no identity chosen: the
    /// namespace is process-wide environment, hence each recorder's own test binary.
    pub fn own(recorder: &str) -> Keyring {
        let ns = format!("test-{recorder}-{}", std::process::id());
        std::env::set_var("STEWARD_KEYRING_NAMESPACE", &ns);
        std::env::remove_var("STEWARD_IDENTITY");
        Keyring(ns)
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        let _ = KeyStore::with_namespace(&self.0).forget(EMAIL);
    }
}

/// Governs `h`'s workspace as the flows' is: Ana's key as the roster's root and the flows'
/// bundle-only policy, so promotions go through real gates and write signed release records.
pub fn govern(h: &Harness) {
    h.ok(
        "key_init",
        // Each governed workspace makes its own root key; the one before it has done signing.
        json!({"req": {"name": "Ana López", "email": EMAIL, "replace": true}}),
    );
    h.ok("roster_init", json!({}));
    let policy = std::fs::read_to_string(flows_app().join("governance/bundle-only.toml"))
        .expect("the flows' bundle-only policy");
    h.ok(
        "policy_set",
        json!({"req": {"text": policy, "file": null, "message": "flows"}}),
    );
}

/// The studio over a workspace, with the progress events the core emits.
pub struct Flow {
    pub h: Harness,
    progress: Arc<Mutex<Vec<Value>>>,
}

impl Flow {
    /// A new, empty workspace of `actor`'s.
    pub fn new(actor: &str) -> Flow {
        let dir = tempfile::tempdir().unwrap();
        let workspace = Workspace::init(dir.path(), actor).unwrap();
        let h = harness_on(dir, workspace, actor);
        let progress = Arc::new(Mutex::new(Vec::new()));
        let sink = progress.clone();
        h.window
            .listen_any(steward_desktop::PROGRESS_EVENT, move |event| {
                let event: Value = serde_json::from_str(event.payload()).unwrap();
                sink.lock().unwrap().push(event["progress"].clone());
            });
        Flow { h, progress }
    }

    pub fn root(&self) -> &Path {
        self.h.dir.path()
    }

    /// The call's answer as recorded: `ok` or `err`, with the workspace's path scrubbed.
    pub fn answer(&self, cmd: &str, args: &Value) -> Value {
        self.progress.lock().unwrap().clear();
        let answer = match self.h.invoke(cmd, args.clone()) {
            Ok(v) => json!({ "ok": v }),
            Err(e) => json!({ "err": e }),
        };
        scrub(answer, &self.root().display().to_string())
    }

    /// The progress events the last call emitted.
    pub fn emitted(&self) -> Vec<Value> {
        std::mem::take(&mut *self.progress.lock().unwrap())
    }
}

/// The recorded states: for each, the answers to the calls made in it.
#[derive(Default)]
pub struct Machine {
    pub states: BTreeMap<String, Vec<Value>>,
}

impl Machine {
    /// Records the answers to `reads` in `state`, as the workspace of `f` stands.
    pub fn reads(&mut self, f: &Flow, state: &str, reads: &[(&str, Value)]) {
        for (cmd, args) in reads {
            let mut entry = json!({"cmd": cmd, "args": args});
            merge(&mut entry, f.answer(cmd, args));
            self.keep(state, entry);
        }
    }

    /// Makes the write `cmd` in `state` and records its answer, the progress it emitted and
    /// the state it leads to (`None` for a refusal, which changes nothing). `asked` is the
    /// arguments as the flows send them, when the recorder's differ (its own folder, no
    /// operation id or gate digest: the fake leaves those out of the key).
    pub fn write(
        &mut self,
        f: &Flow,
        state: &str,
        cmd: &str,
        args: &Value,
        asked: Option<Value>,
        next: Option<&str>,
    ) -> Value {
        let answer = f.answer(cmd, args);
        let mut key = asked.unwrap_or_else(|| args.clone());
        if let Some(m) = key.as_object_mut() {
            m.remove("operation");
        }
        let mut entry = json!({"cmd": cmd, "args": key});
        merge(&mut entry, answer.clone());
        assert_eq!(
            entry.get("err").is_some(),
            next.is_none(),
            "{cmd} in {state}: {answer}"
        );
        if let Some(next) = next {
            entry["next"] = json!(next);
        }
        let progress = f.emitted();
        if args.get("operation").is_some() {
            entry["progress"] = Value::Array(progress);
        }
        self.keep(state, entry.clone());
        entry
    }

    pub fn keep(&mut self, state: &str, entry: Value) {
        self.states
            .entry(state.to_string())
            .or_default()
            .push(entry);
    }
}

fn merge(into: &mut Value, from: Value) {
    let (Value::Object(into), Value::Object(from)) = (into, from) else {
        unreachable!("two objects")
    };
    into.extend(from);
}
