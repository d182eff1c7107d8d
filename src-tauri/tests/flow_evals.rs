//! What the Chromium flows' fake-evals.ts replays (ui/flows/app/evals/recorded.json), recorded
//! from the real command set on Tauri's mock runtime as a state machine, like flow_models.rs.
//! The state `demo` is `steward demo` itself: the Evaluations screen's reads for the demo
//! candidate (summarize-copilot@1.3.0-15: its runs, the comparison with production, the fairness
//! report of every group key, drift, every chart in both themes) and for a version without
//! evidence (the flows' fraud-scorer@2.0.0-1, added to the demo). The writes the flows make are real imports of real files: a golden set
//! large enough for the core to report progress (its answer when cancelled is recorded too),
//! and the demo's fairness audit CSV, refused without a suite and then imported as one.
//!
//! The fake decides nothing: which fairness key comes first, what a version without evidence
//! answers, what an import refuses and what it stores are the core's answers here. A recording
//! that differs from what the core answers now fails (times and the workspace's path aside);
//! the command in `harness::flows::REGENERATE` rewrites it with the other recordings.

#![allow(clippy::unwrap_used)]

#[allow(dead_code)]
mod harness;

use std::fmt::Write as _;
use std::path::Path;

use harness::flows::{flows_app, Flow, Keyring, Machine, REGENERATE};
use harness::recording;
use serde_json::{json, Value};
use steward_api::wire::EvalImport;
use steward_api::{demo, Cancel, NoProgress, Workspace};

const ACTOR: &str = "ana.lopez";
const MODEL: &str = "summarize-copilot";
/// The demo's candidate, with the demo's evidence.
const CANDIDATE: &str = "1.3.0-15";
/// A version without evidence: every demo version has some, so the recorder adds the flows'
/// fraud-scorer and its experiment (as flow_models.rs's seed has them) to the demo.
const BARE: (&str, &str) = ("fraud-scorer", "2.0.0-1");
/// Where the flows' dropped files live; the recorder imports its own copies.
const FLOWS_EVALS_DIR: &str = "/home/ana/evals";
const KINDS: [&str; 5] = ["compare", "fairness", "latency", "kpi", "drift"];
const THEMES: [&str; 2] = ["light", "dark"];

/// The demo, loaded through the core, and the version without evidence.
fn demo_flow() -> Flow {
    let f = Flow::new(ACTOR);
    let ws = Workspace::open(f.root(), ACTOR).unwrap();
    demo::load(&ws, 0, &NoProgress).unwrap();
    let (model, version) = BARE;
    f.h.ok(
        "model_create",
        json!({"req": {"name": model, "owner": "payments-risk", "title": "Card fraud scorer", "description": "Scores card transactions for fraud in real time.", "risk_tier": "high"}}),
    );
    let add = json!({"model": model, "version": version, "bundle_file": null, "commit": null, "config_file": null});
    f.h.ok("version_add", json!({"req": add, "operation": "seed"}));
    f
}

/// The Evaluations screen's reads of `version` in `state`, as the screen makes them: the runs;
/// with evidence, the comparison, the fairness report without a key and then for each other
/// key the core lists, drift, and every chart in both themes.
fn screen(m: &mut Machine, f: &Flow, state: &str, (model, version): (&str, &str)) {
    let id = json!({"model": model, "version": version});
    m.reads(f, state, &[("eval_list", id.clone())]);
    let listed = m.states[state].last().unwrap()["ok"].clone();
    if listed.as_array().is_none_or(Vec::is_empty) {
        return;
    }
    let with = |extra: Value| {
        let mut args = id.clone();
        args.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        args
    };
    m.reads(
        f,
        state,
        &[
            ("eval_compare", with(json!({"against": null}))),
            ("eval_drift", id.clone()),
            ("eval_fairness", with(json!({"key": null}))),
        ],
    );
    let first = m.states[state].last().unwrap().clone();
    if let Some(report) = first.get("ok") {
        let default = report["key"].as_str().unwrap_or_default().to_string();
        for key in report["keys"].as_array().unwrap() {
            let key = key.as_str().unwrap();
            if key != default {
                m.reads(f, state, &[("eval_fairness", with(json!({ "key": key })))]);
            }
        }
    }
    for kind in KINDS {
        for theme in THEMES {
            let req = json!({"model": model, "version": version, "kind": kind, "theme": theme, "against": null, "group": null, "metric": null});
            m.reads(f, state, &[("eval_chart", json!({ "req": req }))]);
        }
    }
}

/// A golden set of November in `steward.eval/v1`, one row per judged thread: about 20 MB, so
/// the core reports progress three times (every 8 MB, and at the end) and the flow can cancel it.
fn golden_set_nov(path: &Path) {
    let mut text = String::from(
        "{\n  \"format\": \"steward.eval/v1\",\n  \"model\": \"summarize-copilot@1.3.0-15\",\n  \"kind\": \"golden-set\",\n  \"suite\": \"support-golden@2026-11\",\n  \"run_at\": \"2026-11-20T09:30:00Z\",\n  \"notes\": \"November golden set, scored per thread.\",\n  \"rows\": [\n",
    );
    let rows = 400_000;
    for i in 0..rows {
        let rouge = 0.40 + f64::from(i % 97) / 1_000.0;
        let sep = if i + 1 == rows { "" } else { "," };
        writeln!(
            text,
            "    {{\"metric\": \"rouge_l\", \"value\": {rouge:.3}, \"n\": 1}}{sep}"
        )
        .unwrap();
    }
    text.push_str("  ]\n}\n");
    std::fs::write(path, text).unwrap();
}

/// The import the flows make of `name` (dropped from [`FLOWS_EVALS_DIR`]) as `req`, recorded in
/// `state` leading to `next` (none for a refusal).
fn import(m: &mut Machine, f: &Flow, state: &str, req: Value, next: Option<&str>) -> Value {
    let file = Path::new(req["file"].as_str().unwrap());
    let name = file.file_name().unwrap().to_string_lossy().to_string();
    let mut asked = req.clone();
    asked["file"] = json!(format!("{FLOWS_EVALS_DIR}/{name}"));
    m.write(
        f,
        state,
        "eval_import",
        &json!({"req": req, "operation": "import"}),
        Some(json!({ "req": asked })),
        next,
    )
}

/// The demo candidate's screen, then the golden set imported: cancelled (the core's answer
/// when the cancellation comes before the first chunk), then to the end.
fn candidate(m: &mut Machine) {
    let f = demo_flow();
    screen(m, &f, "demo", (MODEL, CANDIDATE));
    screen(m, &f, "demo", BARE);
    let dir = f.root().join("evals");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("golden-set-nov.json");
    golden_set_nov(&file);
    let req = json!({"model": MODEL, "version": CANDIDATE, "file": file.display().to_string(), "kind": null, "suite": null});
    let cancel = Cancel::new();
    cancel.cancel();
    let ws = Workspace::open(f.root(), ACTOR).unwrap();
    let wire: EvalImport = serde_json::from_value(req.clone()).unwrap();
    let cancelled = ws.eval_import(&wire, &NoProgress, &cancel).unwrap_err();
    let mut entry = import(m, &f, "demo", req, Some("golden-set-nov"));
    assert!(
        entry["progress"].as_array().unwrap().len() >= 3,
        "the import reports progress on the way: {}",
        entry["progress"]
    );
    // One entry per call: the cancelled answer joins the import's.
    m.states.get_mut("demo").unwrap().pop();
    entry["cancelled"] = serde_json::to_value(cancelled).unwrap();
    m.keep("demo", entry);
    screen(m, &f, "golden-set-nov", (MODEL, CANDIDATE));
}

/// The demo's fairness audit CSV dropped on the version without evidence: the core refuses it
/// while it says neither kind nor suite, then imports it as a fairness audit of the panel's
/// November suite.
fn bare(m: &mut Machine) {
    let f = demo_flow();
    let dir = f.root().join("evals");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("fairness-audit.csv");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/samples/fairness-audit.csv"),
        &file,
    )
    .unwrap();
    let file = file.display().to_string();
    let (model, version) = BARE;
    let refused = import(
        m,
        &f,
        "demo",
        json!({"model": model, "version": version, "file": file, "kind": null, "suite": null}),
        None,
    );
    assert!(
        refused["err"]["message"]
            .as_str()
            .unwrap()
            .contains("pass --kind"),
        "a CSV that does not say its kind is refused: {refused}"
    );
    import(
        m,
        &f,
        "demo",
        json!({"model": model, "version": version, "file": file, "kind": "fairness-audit", "suite": "fairness-panel@2026-11"}),
        Some("fraud-scorer@2.0.0-1 fairness audit"),
    );
    screen(m, &f, "fraud-scorer@2.0.0-1 fairness audit", BARE);
}

#[test]
fn the_evaluation_recordings_are_what_the_core_answers() {
    let _keyring = Keyring::own("flow-evals");
    let mut m = Machine::default();
    candidate(&mut m);
    bare(&mut m);
    let fresh = json!({"regenerate": REGENERATE, "states": m.states});
    let dir = flows_app().join("evals");
    recording::check(&dir.join("recorded.json"), &fresh, REGENERATE);
}
