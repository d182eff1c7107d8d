//! The compliance commands through the IPC handler: the packs in force, the coverage of a
//! version with no evidence (every requirement missing, each gap with its words and its step),
//! a compliance document created from the studio's template moving its requirement to partial
//! with a pin to the revision, an unknown pack refused by name, and the Annex IV file written
//! only to a path the user picked, as HTML and as PDF (the PDF's path answered by the save
//! dialog's WebDriver stand-in, `STEWARD_E2E_SAVE_DIR`). Its own test binary, because the
//! keyring namespace is process-wide environment.

#![allow(clippy::unwrap_used)]

mod harness;

use harness::harness;
use serde_json::{json, Value};
use steward_desktop::export::Exports;
use tauri::Manager;

fn args(pack: &str) -> Value {
    json!({"model": "copilot", "version": "1.0.0-1", "pack": pack})
}

fn requirement<'a>(view: &'a Value, id: &str) -> &'a Value {
    view["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no requirement {id} in {view}"))
}

#[test]
fn coverage_is_read_from_the_core_and_the_annex_iv_file_goes_where_the_user_picked() {
    std::env::set_var(
        "STEWARD_KEYRING_NAMESPACE",
        format!("test-studio-compliance-{}", std::process::id()),
    );
    std::env::remove_var("STEWARD_IDENTITY");
    let h = harness();
    h.ok(
        "model_create",
        json!({"req": {"name": "copilot", "owner": "ml-team"}}),
    );
    h.ok(
        "version_add",
        json!({"req": {"model": "copilot", "version": "1.0.0-1"}, "operation": "a"}),
    );

    let packs = h.ok("pack_list", json!({}));
    let names: Vec<&str> = packs
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["eu-ai-act", "iso-42001", "nist-ai-rmf"], "{packs}");

    // No evidence at all: every requirement missing, every gap with words and a step.
    let none = h.ok("coverage", args("eu-ai-act"));
    let n = none["requirements"].as_array().unwrap().len();
    assert_eq!(n, 19, "{none}");
    assert_eq!(
        none["counts"],
        json!({"satisfied": 0, "partial": 0, "missing": 19})
    );
    for r in none["requirements"].as_array().unwrap() {
        assert_eq!(r["status"], "missing", "{r}");
        for s in r["selectors"].as_array().unwrap() {
            assert!(s["next_step"].is_string(), "{s}");
            assert!(s["fix"]["step"].is_string(), "{s}");
        }
    }
    let plan = &requirement(&none, "art-72")["selectors"][0];
    assert_eq!(
        plan["fix"],
        json!({"step": "write-document", "kind": "post-market-monitoring-plan", "section": null}),
        "{plan}"
    );

    // The studio creates the plan from its template: the requirement is partial, the plan
    // found and pinned to its revision, and it is listed with the compliance documents.
    h.ok(
        "doc_new",
        json!({"doc": {"target": "copilot@1.0.0-1", "kind": "post-market-monitoring-plan"}}),
    );
    let after = h.ok("coverage", args("eu-ai-act"));
    let art72 = requirement(&after, "art-72");
    assert_eq!(art72["status"], "partial", "{art72}");
    assert_eq!(
        art72["selectors"][0]["found"][0]["pin"],
        json!({"is": "document", "kind": "post-market-monitoring-plan", "of": null, "revision": 1})
    );
    let listing = h.ok("doc_check", json!({"target": "copilot@1.0.0-1"}));
    let compliance: Vec<(&str, bool)> = listing["compliance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["kind"].as_str().unwrap(), d["exists"] == true))
        .collect();
    assert_eq!(
        compliance,
        [
            ("ai-impact-assessment", false),
            ("post-market-monitoring-plan", true),
            ("declaration-of-conformity", false)
        ]
    );

    let unknown = h.invoke("coverage", args("sox")).unwrap_err();
    assert_eq!(unknown["code"], "not_found", "{unknown}");
    assert!(
        unknown["message"].as_str().unwrap().contains("eu-ai-act"),
        "names the packs there are: {unknown}"
    );

    // The Annex IV file: refused to a path nobody picked, written once to a picked one.
    let html = h.dir.path().join("annex-iv.html");
    let export = |format: &str, path: &std::path::Path| {
        h.invoke(
            "dossier_annex_iv",
            json!({"model": "copilot", "version": "1.0.0-1", "format": format, "path": path.display().to_string()}),
        )
    };
    let refused = export("html", &html).unwrap_err();
    assert_eq!(refused["code"], "refused", "{refused}");
    assert!(!html.exists());
    let exports = h.window.app_handle().state::<Exports>();
    exports.grant(html.clone()).unwrap();
    let wrote = export("html", &html).unwrap();
    assert_eq!(wrote["format"], "html", "{wrote}");
    assert_eq!(wrote["file"], html.display().to_string());
    let text = std::fs::read_to_string(&html).unwrap();
    assert_eq!(wrote["bytes"], text.len() as u64);
    let c = &wrote["counts"];
    assert_eq!(
        c["satisfied"].as_u64().unwrap()
            + c["partial"].as_u64().unwrap()
            + c["missing"].as_u64().unwrap(),
        9,
        "{wrote}"
    );
    let mut at = 0;
    for n in 1..=9 {
        let needle = format!("id=\"item-{n}\"><h2>Item {n}. ");
        let found = text[at..]
            .find(&needle)
            .unwrap_or_else(|| panic!("item {n} after byte {at}"));
        at += found;
    }
    assert_eq!(export("html", &html).unwrap_err()["code"], "refused");

    // Under the WebDriver suite the save dialog answers the suggested name in a folder of its
    // own (only the name: no way out of that folder), granted as a pick is.
    std::env::set_var(
        steward_desktop::export::SAVE_DIR_ENV,
        h.dir.path().display().to_string(),
    );
    let picked = h.ok(
        "export_pick",
        json!({"title": "Export", "name": "../elsewhere/annex-iv.pdf", "extension": "pdf"}),
    );
    let pdf = h.dir.path().join("annex-iv.pdf");
    assert_eq!(picked, pdf.display().to_string());
    let nameless = h
        .invoke(
            "export_pick",
            json!({"title": "Export", "name": "", "extension": "pdf"}),
        )
        .unwrap_err();
    assert_eq!(nameless["code"], "invalid_input", "{nameless}");
    let wrote = export("pdf", &pdf).unwrap();
    assert_eq!(wrote["format"], "pdf", "{wrote}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
}
