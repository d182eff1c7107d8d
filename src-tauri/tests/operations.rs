//! The Operations screen's commands through the IPC handler: a model with no windows,
//! feedback or dial changes answers an empty view (every guardrail of the policy listed with
//! no windows), a chart with nothing to draw is `not_found` naming what to import, an unknown
//! guardrail is refused by name, and labelling an item that is not in the review queue is
//! refused. Its own test binary, because the keyring namespace is process-wide environment.

#![allow(clippy::unwrap_used)]

mod harness;

use harness::harness;
use serde_json::json;

#[test]
fn the_operations_view_reads_the_core_and_refuses_what_it_lacks() {
    std::env::set_var(
        "STEWARD_KEYRING_NAMESPACE",
        format!("test-studio-operations-{}", std::process::id()),
    );
    std::env::remove_var("STEWARD_IDENTITY");
    let h = harness();
    h.ok(
        "model_create",
        json!({"req": {"name": "copilot", "owner": "ml-team"}}),
    );
    let view = h.ok("operations_view", json!({"model": "copilot"}));
    assert_eq!(view["model"], "copilot");
    assert_eq!(view["monitor"]["status"], "no-windows", "{view}");
    let series = view["series"].as_array().unwrap();
    assert!(!series.is_empty(), "every guardrail of the policy: {view}");
    assert!(series.iter().all(|s| s["windows"] == 0), "{view}");
    assert!(series
        .iter()
        .any(|s| s["rule"] == "canary.guardrail.latency-p99"));
    assert_eq!(view["traffic"]["file"], "missing");
    let flag = view["traffic"]["path"].as_str().unwrap();
    assert!(
        flag.starts_with(h.dir.path().to_str().unwrap()),
        "the flag file is in the workspace by default: {flag}"
    );
    assert_eq!(view["dial"], json!([]));
    assert_eq!(view["incidents"], json!([]));
    assert_eq!(view["queue"], json!([]));
    assert_eq!(view["queue_open"], 0);
    assert_eq!(view["triage"]["triage"]["items"], 0, "{view}");

    let none = h
        .invoke(
            "guardrail_chart",
            json!({"req": {"model": "copilot", "rule": "canary.guardrail.latency-p99", "theme": "light"}}),
        )
        .unwrap_err();
    assert_eq!(none["code"], "not_found", "{none}");
    assert!(
        none["message"]
            .as_str()
            .unwrap()
            .contains("no canary version"),
        "{none}"
    );

    let unknown = h
        .invoke(
            "guardrail_chart",
            json!({"req": {"model": "copilot", "rule": "canary.guardrail.nope", "theme": "dark"}}),
        )
        .unwrap_err();
    assert_eq!(unknown["code"], "not_found", "{unknown}");
    assert!(
        unknown["message"]
            .as_str()
            .unwrap()
            .contains("no guardrail \"canary.guardrail.nope\""),
        "{unknown}"
    );

    let missing = h
        .invoke("operations_view", json!({"model": "no-such-model"}))
        .unwrap_err();
    assert_eq!(missing["code"], "not_found", "{missing}");

    let label = h
        .invoke(
            "queue_label",
            json!({"req": {"item": 4242, "label": "wrong", "note": ""}}),
        )
        .unwrap_err();
    assert!(
        label["message"].as_str().unwrap().contains("4242"),
        "{label}"
    );
}
