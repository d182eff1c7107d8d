//! The evaluation and export commands through Tauri's IPC handler on the mock runtime: real
//! argument decoding, a temp workspace, the sample files in `assets/samples/`, no window.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

mod harness;

use harness::Harness;
use serde_json::{json, Value};
use steward_desktop::export::{Exports, PATH_HEADER};
use tauri::{Listener, Manager};

const MODEL: &str = "summarize-copilot";
const VERSION: &str = "1.3.0-15";

fn sample(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/samples")
        .join(name)
        .display()
        .to_string()
}

/// A workspace with the model and the two versions the samples are imported into.
fn harness() -> Harness {
    let h = harness::harness();
    h.ok(
        "model_create",
        json!({"req": {"name": MODEL, "owner": "assist-ml"}}),
    );
    for v in ["1.1.0-8", VERSION] {
        h.ok(
            "version_add",
            json!({"req": {"model": MODEL, "version": v}, "operation": format!("add-{v}")}),
        );
    }
    h
}

impl Harness {
    fn import(&self, file: &str, kind_suite: Option<(&str, &str)>, operation: &str) -> Value {
        let (kind, suite) = kind_suite.unzip();
        let req = json!({"model": MODEL, "version": VERSION, "file": sample(file), "kind": kind, "suite": suite});
        self.ok("eval_import", json!({"req": req, "operation": operation}))
    }
}

#[test]
fn an_import_reports_progress_and_lists_with_its_digest() {
    let h = harness();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Value>::new()));
    let sink = std::sync::Arc::clone(&seen);
    h.window
        .app_handle()
        .listen_any(steward_desktop::PROGRESS_EVENT, move |event| {
            sink.lock()
                .unwrap()
                .push(serde_json::from_str(event.payload()).unwrap());
        });
    let run = h.import("golden-set.json", None, "imp-1");
    assert_eq!(run["kind"], "golden-set", "{run}");
    assert!(run["file_digest"].as_str().unwrap().starts_with("sha256:"));
    let last = seen
        .lock()
        .unwrap()
        .last()
        .cloned()
        .expect("a progress event");
    assert_eq!(last["operation"], "imp-1");
    assert_eq!(last["progress"]["phase"], "importing", "{last}");

    let listed = h.ok("eval_list", json!({"model": MODEL, "version": VERSION}));
    assert_eq!(listed[0]["file_digest"], run["file_digest"]);

    // The same bytes again are refused by digest, and nothing is added.
    let req = json!({"model": MODEL, "version": VERSION, "file": sample("golden-set.json"), "kind": null, "suite": null});
    let err = h
        .invoke("eval_import", json!({"req": req, "operation": "imp-2"}))
        .unwrap_err();
    assert_eq!(err["code"], "conflict", "{err}");
    let listed = h.ok("eval_list", json!({"model": MODEL, "version": VERSION}));
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

#[test]
fn compare_fairness_drift_and_every_chart_answer() {
    let h = harness();
    h.import("golden-set.json", None, "a");
    h.import(
        "fairness-audit.csv",
        Some(("fairness-audit", "fairness-panel@2026-10")),
        "b",
    );
    h.import(
        "canary-kpis.csv",
        Some(("online-kpis", "canary-dashboard@1.3.0-15")),
        "c",
    );
    h.import("load-test.json", None, "d");

    let cmp = h.ok(
        "eval_compare",
        json!({"model": MODEL, "version": VERSION, "against": null}),
    );
    assert_eq!(
        cmp["baseline"],
        Value::Null,
        "no production version yet: {cmp}"
    );
    assert!(
        cmp["note"].as_str().unwrap().contains("no production"),
        "{cmp}"
    );

    let fair = h.ok(
        "eval_fairness",
        json!({"model": MODEL, "version": VERSION, "key": "locale"}),
    );
    assert!(
        fair["failures"][0].as_str().unwrap().contains("locale=es"),
        "{fair}"
    );
    let drift = h.ok("eval_drift", json!({"model": MODEL, "version": VERSION}));
    assert!(!drift["features"].as_array().unwrap().is_empty(), "{drift}");

    for kind in ["compare", "fairness", "latency", "kpi", "drift"] {
        let req = json!({"model": MODEL, "version": VERSION, "kind": kind, "theme": "dark", "against": null, "group": null, "metric": null});
        let chart = h.ok("eval_chart", json!({ "req": req }));
        assert!(chart["svg"].as_str().unwrap().starts_with("<svg"), "{kind}");
    }
}

#[test]
fn exports_go_only_to_a_path_the_user_chose_and_only_once() {
    let h = harness();
    h.import(
        "fairness-audit.csv",
        Some(("fairness-audit", "fairness-panel@2026-10")),
        "a",
    );
    let svg = h.dir.path().join("fairness.svg");
    let req = json!({"model": MODEL, "version": VERSION, "kind": "fairness", "theme": "light", "against": null, "group": null, "metric": null});
    let body = json!({"req": req, "path": svg.display().to_string()});

    let err = h.invoke("eval_chart_save", body.clone()).unwrap_err();
    assert_eq!(err["code"], "refused", "{err}");
    assert!(!svg.exists());

    // What export_pick does once the user picks a path in the save dialog.
    let exports = h.window.app_handle().state::<Exports>();
    exports.grant(svg.clone()).unwrap();
    let chart = h.ok("eval_chart_save", body.clone());
    assert_eq!(
        std::fs::read_to_string(&svg).unwrap(),
        chart["svg"].as_str().unwrap()
    );
    assert_eq!(
        h.invoke("eval_chart_save", body).unwrap_err()["code"],
        "refused"
    );

    // The PNG goes as the raw body, its path (with a space and a non-ASCII letter, as a
    // person's folder may have) percent-encoded in a header.
    let png = h.dir.path().join("fairness chart é.png");
    exports.grant(png.clone()).unwrap();
    let encoded: String = png
        .display()
        .to_string()
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'/' | b'.' | b'-' | b'_' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    let header = [(PATH_HEADER, encoded.as_str())];
    let png_bytes = vec![137, 80, 78, 71, 0, 255];
    h.invoke_raw("export_write", png_bytes.clone(), &header)
        .unwrap();
    assert_eq!(std::fs::read(&png).unwrap(), png_bytes);
    // Once: the pick is used up.
    assert_eq!(
        h.invoke_raw("export_write", png_bytes.clone(), &header)
            .unwrap_err()["code"],
        "refused"
    );
    // A JSON body, or no path header, is refused as such and writes nothing.
    exports.grant(png.clone()).unwrap();
    let json_body = h
        .invoke(
            "export_write",
            json!({"path": png.display().to_string(), "bytes": [1, 2]}),
        )
        .unwrap_err();
    assert_eq!(json_body["code"], "invalid_input", "{json_body}");
    assert!(json_body["message"]
        .as_str()
        .unwrap()
        .contains("ArrayBuffer"));
    let no_header = h.invoke_raw("export_write", vec![1, 2], &[]).unwrap_err();
    assert!(
        no_header["message"].as_str().unwrap().contains(PATH_HEADER),
        "{no_header}"
    );
    assert_eq!(std::fs::read(&png).unwrap(), png_bytes, "nothing written");
}
