//! The answers the Chromium flows' document fake replays (ui/flows/app/documents/recorded.json),
//! recorded from the real command set on Tauri's mock runtime: every `doc_*` call the flows
//! make, in the order they make it, on `steward demo` plus the flows' own models (created
//! through the same commands). Each answer is keyed by the command, its arguments and the state:
//! the document writes made so far in that flow (state 0 is the seed); a call whose answer no
//! write changes (templates, previews, risk-table edits) has no state. A recording that differs
//! from what the core answers now — times and the workspace path aside, which change from run
//! to run — fails here; `STEWARD_UPDATE_FIXTURES=1 cargo test -p steward-desktop --test
//! flow_documents --test flow_models` rewrites it with the models'. Its own test binary, because the demo's keyring namespace is process-wide
//! environment.
//!
//! The flows' models, versions, datasets and stages are replayed by fake-backend.ts from
//! flow_models.rs's recordings; where a flow creates a model there, the recorder creates it
//! here too (`setup`) before recording the document calls about it.

#![allow(clippy::unwrap_used)]

#[allow(dead_code)]
mod harness;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use harness::flows::REGENERATE;
use harness::recording::{self, canonical, scrub, stable};
use serde_json::{json, Value};
use steward_api::{demo, NoProgress, Workspace};
use tauri::test::MockRuntime;
use tauri::WebviewWindow;

const ACTOR: &str = "ana.lopez";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/flows/app/documents")
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Deletes the demo's keys from the kernel keyring, pass or fail.
struct DemoKeys(String);

impl Drop for DemoKeys {
    fn drop(&mut self) {
        let store = steward_attest::keyring::KeyStore::with_namespace(&self.0);
        for (_, email, _) in demo::REVIEWERS {
            let _ = store.forget(email);
        }
    }
}

/// Every answer recorded so far, and the states the writes lead to.
#[derive(Default)]
struct Recording {
    /// (state or `*`, command, canonical args) → the recorded entry.
    answers: BTreeMap<(String, String, String), Value>,
    /// (state, command, canonical args) of a write → the state it leads to.
    states: HashMap<(u32, String, String), u32>,
}

impl Recording {
    fn keep(&mut self, state: Option<u32>, cmd: &str, args: &Value, entry: Value) {
        let key = (
            state.map_or_else(|| "*".to_string(), |s| format!("{s:06}")),
            cmd.to_string(),
            canonical(args),
        );
        if let Some(before) = self.answers.get(&key) {
            assert_eq!(
                stable(before),
                stable(&entry),
                "{cmd} {} answered differently in two flows at the same state",
                key.2
            );
            return;
        }
        self.answers.insert(key, entry);
    }

    fn json(&self) -> Value {
        json!({
            "regenerate": REGENERATE,
            "answers": self.answers.values().collect::<Vec<_>>(),
        })
    }
}

/// One flow's calls on its own copy of the seeded workspace.
struct Flow<'r> {
    rec: &'r mut Recording,
    window: WebviewWindow<MockRuntime>,
    _app: tauri::App<MockRuntime>,
    _dir: tempfile::TempDir,
    root: String,
    state: u32,
}

impl Flow<'_> {
    fn call(&self, cmd: &str, args: &Value) -> Result<Value, Value> {
        harness::invoke_on(&self.window, cmd, args.clone())
            .map(|v| scrub(v, &self.root))
            .map_err(|e| scrub(e, &self.root))
    }

    fn entry(state: Option<u32>, cmd: &str, args: &Value, answer: &Result<Value, Value>) -> Value {
        let mut e = json!({ "state": state, "cmd": cmd, "args": args });
        match answer {
            Ok(v) => e["ok"] = v.clone(),
            Err(v) => e["err"] = v.clone(),
        }
        e
    }

    /// A call whose answer depends on the documents written so far.
    fn read(&mut self, cmd: &str, args: Value) -> Result<Value, Value> {
        let answer = self.call(cmd, &args);
        let entry = Self::entry(Some(self.state), cmd, &args, &answer);
        self.rec.keep(Some(self.state), cmd, &args, entry);
        answer
    }

    /// A read that must succeed.
    fn ok(&mut self, cmd: &str, args: Value) -> Value {
        self.read(cmd, args.clone())
            .unwrap_or_else(|e| panic!("{cmd} {args}: {e}"))
    }

    /// A call whose answer no write changes.
    fn pure(&mut self, cmd: &str, args: Value) -> Value {
        let answer = self.call(cmd, &args);
        let entry = Self::entry(None, cmd, &args, &answer);
        self.rec.keep(None, cmd, &args, entry);
        answer.unwrap_or_else(|e| panic!("{cmd} {args}: {e}"))
    }

    /// A write: recorded in the current state, and the flow moves on to the state after it.
    fn write(&mut self, cmd: &str, args: Value) -> Value {
        let answer = self.call(cmd, &args);
        let key = (self.state, cmd.to_string(), canonical(&args));
        let known = self.rec.states.len() as u32 + 1;
        let next = *self.rec.states.entry(key).or_insert(known);
        let mut entry = Self::entry(Some(self.state), cmd, &args, &answer);
        entry["next"] = json!(next);
        self.rec.keep(Some(self.state), cmd, &args, entry);
        self.state = next;
        answer.unwrap_or_else(|e| panic!("{cmd} {args}: {e}"))
    }

    /// A lifecycle write the flows still make on fake-backend.ts: applied, not recorded.
    fn setup(&self, cmd: &str, args: Value) {
        if let Err(e) = self.call(cmd, &args) {
            panic!("{cmd} {args}: {e}");
        }
    }

    /// What the document screen asks for when it opens.
    fn open(&mut self, target: &str, kind: &str) -> Result<Value, Value> {
        let doc = json!({ "target": target, "kind": kind });
        let shown = self.read("doc_show", json!({ "doc": doc, "revision": null }));
        self.ok("doc_draft_load", json!({ "doc": doc }));
        if shown.is_ok() {
            self.ok("doc_history", json!({ "doc": doc }));
        }
        shown
    }

    fn draft(&mut self, target: &str, kind: &str, text: &str, base: Option<u32>) {
        let draft = json!({ "target": target, "kind": kind, "text": text, "base_revision": base, "saved_at": "" });
        self.write("doc_draft_save", json!({ "draft": draft }));
    }

    fn preview(&mut self, target: &str, kind: &str, text: &str) {
        self.pure(
            "doc_preview",
            json!({ "req": { "target": target, "kind": kind, "text": text } }),
        );
    }

    fn save(&mut self, target: &str, kind: &str, text: &str, base: u32, message: Option<&str>) {
        let req = json!({ "target": target, "kind": kind, "text": text, "base_revision": base, "merge_parent": null, "message": message });
        self.write("doc_save", json!({ "req": req }));
        self.ok(
            "doc_history",
            json!({ "doc": { "target": target, "kind": kind } }),
        );
    }
}

/// A directory of files for a dataset snapshot.
fn files(root: &Path, name: &str, files: &[(&str, &str)]) -> String {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    for (path, text) in files {
        std::fs::write(dir.join(path), text).unwrap();
    }
    dir.display().to_string()
}

/// One of the flows' own models, as fake-backend.ts lists it.
struct SeedModel {
    name: &'static str,
    owner: &'static str,
    title: &'static str,
    description: &'static str,
    tier: &'static str,
    versions: &'static [&'static str],
}

/// The flows' seed: `steward demo`, then the flows' own models, versions and datasets (those
/// fake-backend.ts lists) and the documents they start with, all through the real commands.
fn seed(root: &Path) {
    let ws = Workspace::init(root, ACTOR).expect("a fresh workspace");
    demo::load(&ws, 0, &NoProgress).expect("the demo loads");
    let (app, window) = harness::studio(ws, ACTOR);
    let call = |cmd: &str, args: Value| {
        harness::invoke_on(&window, cmd, args.clone())
            .unwrap_or_else(|e| panic!("{cmd} {args}: {e}"))
    };
    let models = [
        SeedModel {
            name: "fraud-scorer",
            owner: "payments-risk",
            title: "Card fraud scorer",
            description: "Scores card transactions for fraud in real time.",
            tier: "high",
            versions: &["1.0.0-3", "1.1.0-8", "1.2.0-3", "1.3.0-1", "2.0.0-1"],
        },
        SeedModel {
            name: "support-triage",
            owner: "cx-ml",
            title: "Support ticket triage",
            description: "Routes incoming tickets to the right queue.",
            tier: "medium",
            versions: &["0.9.0-2", "1.0.0-1", "1.0.1-4"],
        },
        SeedModel {
            name: "churn-predictor",
            owner: "growth-analytics",
            title: "Churn predictor",
            description: "Weekly churn propensity for subscribers.",
            tier: "low",
            versions: &["0.3.0-7"],
        },
        SeedModel {
            name: "credit-limit",
            owner: "lending-ml",
            title: "Credit limit advisor",
            description: "Suggests credit limit changes for review by analysts.",
            tier: "high",
            versions: &["2.1.0-5", "2.2.0-1"],
        },
        SeedModel {
            name: "search-ranker",
            owner: "search",
            title: "Search ranker",
            description: "Learning-to-rank model for catalogue search.",
            tier: "medium",
            versions: &[],
        },
    ];
    for m in models {
        let name = m.name;
        call(
            "model_create",
            json!({ "req": { "name": name, "owner": m.owner, "title": m.title, "description": m.description, "risk_tier": m.tier } }),
        );
        for version in m.versions {
            call(
                "version_add",
                json!({ "req": { "model": name, "version": version, "bundle_file": null, "bundle_digest": null, "bundle_uri": null, "commit": null, "config_file": null }, "operation": "seed" }),
            );
        }
    }
    let data = root.join("seed-data");
    let transactions = files(
        &data,
        "transactions",
        &[
            ("train.csv", "amount,fraud\n12.5,0\n"),
            ("schema.json", "{}"),
        ],
    );
    let tickets = files(&data, "tickets", &[("tickets.jsonl", "{}\n")]);
    for (dir, name, version, provenance) in [
        (
            transactions,
            "transactions-2024q4",
            "1.0",
            json!({ "source": "warehouse export payments.tx_2024q4", "license": "internal", "consent": "contract", "retention": "24 months", "personal_data": true }),
        ),
        (
            tickets,
            "support-tickets",
            "2",
            json!({ "source": "zendesk export", "license": null, "consent": null, "retention": "12 months", "personal_data": true }),
        ),
    ] {
        call(
            "dataset_snapshot",
            json!({ "req": { "dir": dir, "name": name, "version": version, "provenance": provenance }, "operation": "seed" }),
        );
    }
    call(
        "version_link_dataset",
        json!({ "model": "fraud-scorer", "version": "1.2.0-3", "dataset": "transactions-2024q4@1.0" }),
    );
    call(
        "version_link_dataset",
        json!({ "model": "support-triage", "version": "1.0.1-4", "dataset": "support-tickets@2" }),
    );
    // The canary's documents: its model card and runbook as the templates make them, and a
    // risk assessment with one risk left without an owner.
    let canary = "fraud-scorer@1.2.0-3";
    for kind in ["model-card", "runbook"] {
        call(
            "doc_new",
            json!({ "doc": { "target": canary, "kind": kind } }),
        );
    }
    call(
        "doc_save",
        json!({ "req": { "target": canary, "kind": "risk-assessment", "text": fixture("risk-assessment.md"), "base_revision": null, "merge_parent": null, "message": "the canary's register" } }),
    );
    drop(window);
    drop(app);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

fn flow<'r>(rec: &'r mut Recording, seeded: &Path) -> Flow<'r> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    copy_dir(seeded, &root);
    let ws = Workspace::open(&root, ACTOR).expect("the seeded workspace opens");
    let (app, window) = harness::studio(ws, ACTOR);
    Flow {
        rec,
        window,
        _app: app,
        _dir: dir,
        root: root.display().to_string(),
        state: 0,
    }
}

/// The version and dataset pages the flows open: each lists its documents.
fn pages(f: &mut Flow) {
    for target in [
        "fraud-scorer@1.0.0-3",
        "fraud-scorer@1.1.0-8",
        "fraud-scorer@1.2.0-3",
        "fraud-scorer@1.3.0-1",
        "fraud-scorer@2.0.0-1",
        "support-triage@1.0.1-4",
        "summarize-copilot@1.0.0-3",
        "summarize-copilot@1.1.0-8",
        "summarize-copilot@1.2.0-12",
        "summarize-copilot@1.3.0-15",
        "summarize-copilot@2.0.0-17",
    ] {
        f.ok("doc_check", json!({ "target": target }));
    }
    for reference in ["support-tickets@2", "transactions-2024q4@1.0"] {
        f.ok("doc_list_dataset", json!({ "reference": reference }));
    }
    f.pure("doc_templates", json!({}));
    // The dark editor screen, and the documents every keyboard or draft flow opens first.
    f.open("fraud-scorer@1.2.0-3", "model-card").unwrap();
    f.open("fraud-scorer@1.2.0-3", "runbook").unwrap();
    f.open("fraud-scorer@1.2.0-3", "risk-assessment").unwrap();
}

/// app.test.mjs: a model and a version made in the flow (on fake-backend.ts), then a snapshot.
fn created_in_the_flow(f: &mut Flow, data: &Path) {
    f.setup(
        "model_create",
        json!({ "req": { "name": "eta-forecaster", "owner": "ml-platform", "title": null, "description": null, "risk_tier": null } }),
    );
    f.setup(
        "version_add",
        json!({ "req": { "model": "eta-forecaster", "version": "1.0.0-1", "bundle_file": null, "bundle_digest": null, "bundle_uri": null, "commit": null, "config_file": null }, "operation": "seed" }),
    );
    f.ok("doc_check", json!({ "target": "eta-forecaster@1.0.0-1" }));
    let dir = files(data, "new-snapshot", &[("part-0000.parquet", "rows")]);
    f.setup(
        "dataset_snapshot",
        json!({ "req": { "dir": dir, "name": "eta-trips", "version": "1", "provenance": { "source": null, "license": null, "consent": null, "retention": null, "personal_data": null } }, "operation": "seed" }),
    );
    f.ok("doc_list_dataset", json!({ "reference": "eta-trips@1" }));
}

/// documents.test.mjs, the model card from the template: create, fill, save, diff, restore
/// twice, export, back to the version.
fn model_card(f: &mut Flow) {
    let target = "fraud-scorer@1.3.0-1";
    let doc = json!({ "target": target, "kind": "model-card" });
    f.ok("doc_check", json!({ "target": target }));
    f.write("doc_new", json!({ "doc": doc }));
    f.ok("doc_check", json!({ "target": target }));
    f.open(target, "model-card").unwrap();
    let filled = fixture("model-card-filled.md");
    f.preview(target, "model-card", &filled);
    f.draft(target, "model-card", &filled, Some(1));
    f.save(
        target,
        "model-card",
        &filled,
        1,
        Some("first complete card"),
    );
    f.ok("doc_diff", json!({ "doc": doc, "from": 1, "to": 2 }));
    for revision in [1, 2] {
        f.write("doc_restore", json!({ "doc": doc, "revision": revision }));
        f.ok("doc_history", json!({ "doc": doc }));
    }
    for format in ["hf", "mct"] {
        f.ok(
            "doc_export",
            json!({ "target": target, "format": format, "path": null }),
        );
    }
    f.ok("doc_check", json!({ "target": target }));
}

/// documents.test.mjs: a draft kept, the window reloaded, the draft restored and saved, reloaded.
fn draft_survives(f: &mut Flow) {
    let target = "fraud-scorer@1.2.0-3";
    let shown = f.open(target, "runbook").unwrap();
    assert!(
        shown["text"].as_str().unwrap().ends_with('\n'),
        "the flow types on a line of its own"
    );
    let text = format!(
        "{}Page the payments on-call first.",
        shown["text"].as_str().unwrap()
    );
    f.preview(target, "runbook", &text);
    f.draft(target, "runbook", &text, Some(1));
    f.open(target, "runbook").unwrap();
    f.save(target, "runbook", &text, 1, None);
    f.open(target, "runbook").unwrap();
}

/// documents.test.mjs, keyboard only: a line typed at the end (the text ends with a newline), kept as a draft, Ctrl+S.
fn keyboard_save(f: &mut Flow) {
    let target = "fraud-scorer@1.2.0-3";
    f.ok("doc_check", json!({ "target": target }));
    let shown = f.open(target, "model-card").unwrap();
    assert!(
        shown["text"].as_str().unwrap().ends_with('\n'),
        "the flow types on a line of its own"
    );
    let text = format!("{}Reviewed by keyboard.", shown["text"].as_str().unwrap());
    f.preview(target, "model-card", &text);
    f.draft(target, "model-card", &text, Some(1));
    f.save(target, "model-card", &text, 1, None);
}

/// documents.test.mjs, the risk register: four edits through the core, each previewed and
/// kept as a draft.
fn risk_register(f: &mut Flow) {
    let target = "fraud-scorer@1.2.0-3";
    let kind = "risk-assessment";
    let mut text = f.open(target, kind).unwrap()["text"]
        .as_str()
        .unwrap()
        .to_string();
    let edits = [
        json!({ "op": "set", "index": 0, "field": "likelihood", "value": 5 }),
        json!({ "op": "set", "index": 1, "field": "owner", "value": "payments-risk" }),
        json!({ "op": "set", "index": 1, "field": "mitigation", "value": "weekly PSI check on BIN ranges" }),
        json!({ "op": "add" }),
    ];
    for edit in edits {
        let next = f.pure(
            "doc_risk_set",
            json!({ "req": { "text": text, "edit": edit } }),
        );
        text = next.as_str().unwrap().to_string();
        f.preview(target, kind, &text);
        f.draft(target, kind, &text, Some(1));
    }
}

/// compliance.test.mjs: the missing monitoring plan of the demo's production version, created.
fn monitoring_plan(f: &mut Flow) {
    let target = "summarize-copilot@1.1.0-8";
    let kind = "post-market-monitoring-plan";
    assert!(f.open(target, kind).is_err(), "the demo has no plan yet");
    f.write(
        "doc_new",
        json!({ "doc": { "target": target, "kind": kind } }),
    );
    f.ok(
        "doc_history",
        json!({ "doc": { "target": target, "kind": kind } }),
    );
}

#[test]
fn the_document_recordings_are_what_the_core_answers() {
    let ns = format!(
        "test-flow-documents-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    std::env::set_var("STEWARD_KEYRING_NAMESPACE", &ns);
    let _keys = DemoKeys(demo::keyring_namespace());
    let seeded = tempfile::tempdir().unwrap();
    seed(&seeded.path().join("ws"));
    let data = tempfile::tempdir().unwrap();

    let mut rec = Recording::default();
    pages(&mut flow(&mut rec, &seeded.path().join("ws")));
    created_in_the_flow(&mut flow(&mut rec, &seeded.path().join("ws")), data.path());
    model_card(&mut flow(&mut rec, &seeded.path().join("ws")));
    draft_survives(&mut flow(&mut rec, &seeded.path().join("ws")));
    keyboard_save(&mut flow(&mut rec, &seeded.path().join("ws")));
    risk_register(&mut flow(&mut rec, &seeded.path().join("ws")));
    monitoring_plan(&mut flow(&mut rec, &seeded.path().join("ws")));

    recording::check(&fixtures().join("recorded.json"), &rec.json(), REGENERATE);
}

#[test]
fn placeholders_hide_only_times() {
    let cases = [
        ("at 2026-12-01T16:00:00Z (1)", "at <time> (1)"),
        ("2026-12-02T02:55:20.417145636Z", "<time>"),
        ("2026-12-02T02:55:20+00:00", "<time>"),
        ("2026-12-01 16:00", "2026-12-01 16:00"),
        (
            &*format!("sha256:{}", "ab".repeat(32)),
            &*format!("sha256:{}", "ab".repeat(32)),
        ),
        ("r2 of 3", "r2 of 3"),
    ];
    for (text, want) in cases {
        assert_eq!(recording::placeholders(text), want, "{text}");
    }
}
