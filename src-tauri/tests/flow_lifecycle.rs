//! The lifecycle decisions of the real command set on Tauri's mock runtime, recorded into
//! ui/flows/app/lifecycle/recorded.json: the moves the core allows from each stage and why it
//! refuses the others, the changes each promotion the flows make implies (on a model whose
//! versions stand where the flows' fraud-scorer does, promoted through real gates under the
//! flows' bundle-only policy), the version the core suggests for a model without versions, its
//! answers to the models the flows create, which provenance fields and artifacts it reports
//! missing, and the order of versions. No fake replays it any more: fake-backend.ts replays
//! whole workspaces recorded by flow_models.rs; this stays as a check that these decisions
//! have not moved. A recording that differs from what the core answers now (times aside)
//! fails here; `STEWARD_UPDATE_FIXTURES=1 cargo test -p steward-desktop --test flow_documents
//! --test flow_lifecycle --test flow_models` rewrites it with the other recordings. Its own
//! test binary, because the keyring namespace is process-wide environment.

#![allow(clippy::unwrap_used)]

mod harness;

use std::path::Path;

use harness::flows::{flows_app, govern, Keyring, REGENERATE};
use harness::recording;
use harness::{harness, Harness};
use serde_json::{json, Value};

const MODEL: &str = "fraud-scorer";

/// The versions of fake-backend.ts's fraud-scorer and the stage each stands in.
const SEED: [(&str, &[&str]); 5] = [
    ("1.0.0-3", &["candidate", "canary", "production"]),
    ("1.1.0-8", &["candidate", "canary", "production"]),
    ("1.2.0-3", &["candidate", "canary"]),
    ("1.3.0-1", &["candidate"]),
    ("2.0.0-1", &[]),
];

/// Every version string of fake-backend.ts's seed models and of the version a flow adds.
/// (Added in no particular order: the core sorts them.)
const ORDERED: [&str; 14] = [
    "1.2.0-3", "1.0.0-3", "2.0.0-1", "1.1.0-8", "1.3.0-1", "1.0.1-4", "0.9.0-2", "1.0.0-1",
    "0.3.0-7", "2.2.0-1", "2.1.0-5", "1.2.0-12", "2.0.0-17", "1.3.0-15",
];

/// A workspace with Ana's key as the roster's root, the flows' bundle-only policy, and
/// fraud-scorer's versions promoted, in order, to where the fake's seed has them.
fn seeded() -> Harness {
    let h = harness();
    govern(&h);
    h.ok(
        "model_create",
        json!({"req": {"name": MODEL, "owner": "payments-risk"}}),
    );
    let bundle = h.dir.path().join("bundle.bin");
    std::fs::write(&bundle, b"weights").unwrap();
    for (version, stages) in SEED {
        let add = json!({"model": MODEL, "version": version, "bundle_file": bundle.display().to_string(), "commit": "a".repeat(40)});
        h.ok("version_add", json!({"req": add, "operation": version}));
        for stage in stages {
            h.ok(
                "stage_set",
                json!({"req": {"model": MODEL, "version": version, "stage": stage, "reason": null}}),
            );
        }
    }
    h
}

/// Each version's (version, stage), as the fake matches a recorded plan against its own store.
fn stages(h: &Harness) -> Value {
    let shown = h.ok("model_show", json!({"name": MODEL}));
    let mut list: Vec<Value> = shown["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| json!([v["version"], v["stage"]]))
        .collect();
    list.sort_by_key(|v| v[0].as_str().unwrap().to_string());
    Value::Array(list)
}

/// One promotion a flow makes, from the seed: the core's changes, and the timeline entries it
/// adds. The request is recorded without a gate digest: the flows send the digest of the
/// governance fake's recorded report, which this workspace's gate does not share.
fn promotion(version: &str, stage: &str, reason: Option<&str>) -> Value {
    let h = seeded();
    let before = stages(&h);
    let timeline = h.ok("model_show", json!({"name": MODEL}))["timeline"]
        .as_array()
        .unwrap()
        .len();
    let req = json!({"model": MODEL, "version": version, "stage": stage, "reason": reason});
    let set = h.ok("stage_set", json!({ "req": req }));
    let after = h.ok("model_show", json!({"name": MODEL}))["timeline"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        !set["release"].is_null(),
        "a promotion writes a release record: {set}"
    );
    json!({
        "req": req,
        "stages": before,
        "changes": set["changes"],
        "timeline": after[timeline..],
    })
}

#[test]
fn the_lifecycle_recordings_are_what_the_core_decides() {
    let _keyring = Keyring::own("flow-lifecycle");

    // The promotions the flows make (app.test.mjs twice, governance.test.mjs).
    let stage_sets = vec![
        promotion(
            "1.2.0-3",
            "production",
            Some("canary held 48 h with no regressions"),
        ),
        promotion("1.2.0-3", "production", Some("keyboard promotion")),
        promotion("1.3.0-1", "canary", None),
    ];

    // The moves from each stage: five versions of the seed, then the deprecated one the
    // canary's promotion leaves behind.
    let h = seeded();
    let mut moves = serde_json::Map::new();
    let mut keep = |h: &Harness, version: &str| {
        let got = h.ok("version_get", json!({"model": MODEL, "version": version}));
        let stage = got["stage"].as_str().unwrap().to_string();
        moves.insert(stage, got["moves"].clone());
    };
    for (version, _) in SEED {
        keep(&h, version);
    }
    h.ok(
        "stage_set",
        json!({"req": {"model": MODEL, "version": "1.2.0-3", "stage": "production", "reason": null}}),
    );
    keep(&h, "1.0.0-3");
    assert_eq!(
        moves.len(),
        6,
        "a version in every stage: {:?}",
        moves.keys()
    );

    // The models app.test.mjs creates, refused and accepted, and the version the core
    // suggests for the new one (no versions yet) for each kind of change.
    let mut creates = Vec::new();
    for name in ["Bad Name", "eta-forecaster"] {
        let req = json!({"name": name, "owner": "ml-platform", "title": null, "description": null, "risk_tier": "medium"});
        let answer = h.invoke("model_create", json!({ "req": req }));
        creates.push(match answer {
            Ok(v) => json!({"req": req, "ok": v}),
            Err(e) => json!({"req": req, "err": e}),
        });
    }
    let mut next = Vec::new();
    for change in ["architecture", "data", "config", "fix"] {
        let got = h.ok(
            "version_next",
            json!({"model": "eta-forecaster", "change": change}),
        );
        next.push(json!({"versions": [], "change": change, "ok": got}));
    }

    // Which provenance fields the core reports missing: the seed's two datasets (as
    // fake-backend.ts describes them) and the snapshot app.test.mjs takes with none given.
    let mut provenance = Vec::new();
    let provenances = [
        json!({ "source": "warehouse export payments.tx_2024q4", "license": "internal", "consent": "contract", "retention": "24 months", "personal_data": true }),
        json!({ "source": "zendesk export", "license": null, "consent": null, "retention": "12 months", "personal_data": true }),
        json!({ "source": null, "license": null, "consent": null, "retention": null, "personal_data": null }),
    ];
    for (i, given) in provenances.into_iter().enumerate() {
        let dir = h.dir.path().join(format!("data-{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("part-0000.parquet"), b"rows").unwrap();
        let snap = json!({"dir": dir.display().to_string(), "name": format!("flows-{i}"), "version": "1", "provenance": given});
        let got = h.ok(
            "dataset_snapshot",
            json!({"req": snap, "operation": format!("p{i}")}),
        );
        provenance.push(json!({
            "provenance": given,
            "missing": got["summary"]["missing_provenance"],
        }));
    }

    // Which artifacts the core reports missing, for each mix the fake's versions have: none
    // (a version the flow adds with nothing), a bundle only (the seed's incomplete
    // versions), all three.
    let mut artifacts = Vec::new();
    let bundle = h.dir.path().join("bundle.bin");
    let config = h.dir.path().join("config.toml");
    std::fs::write(&config, b"seed = 1").unwrap();
    for (i, (has_bundle, has_commit, has_config)) in [
        (false, false, false),
        (true, false, false),
        (true, true, true),
    ]
    .into_iter()
    .enumerate()
    {
        let path = |yes: bool, p: &Path| yes.then(|| p.display().to_string());
        let add = json!({
            "model": "eta-forecaster",
            "version": format!("9.{i}.0-1"),
            "bundle_file": path(has_bundle, &bundle),
            "commit": has_commit.then(|| "b".repeat(40)),
            "config_file": path(has_config, &config),
        });
        let got = h.ok(
            "version_add",
            json!({"req": add, "operation": format!("a{i}")}),
        );
        artifacts.push(json!({
            "present": {"bundle": has_bundle, "commit": has_commit, "config": has_config},
            "missing": got["artifacts"]["missing"],
        }));
    }

    // The order the core lists versions in (newest first), over every version string the
    // fake's seed and flows hold: a model of them all, since the order is the same for any model.
    h.ok(
        "model_create",
        json!({"req": {"name": "every-version", "owner": "flows"}}),
    );
    for version in ORDERED {
        let add = json!({"model": "every-version", "version": version});
        h.ok("version_add", json!({"req": add, "operation": version}));
    }
    let version_order: Vec<Value> = h.ok("model_show", json!({"name": "every-version"}))
        ["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].clone())
        .collect();

    let fresh = json!({
        "regenerate": REGENERATE,
        "moves": moves,
        "stage_sets": stage_sets,
        "model_create": creates,
        "version_next": next,
        "provenance": provenance,
        "artifacts": artifacts,
        "version_order": version_order,
    });
    let dir = flows_app().join("lifecycle");
    std::fs::create_dir_all(&dir).unwrap();
    recording::check(&dir.join("recorded.json"), &fresh, REGENERATE);
}
