//! The workspace the Chromium flows' fake-backend.ts replays (ui/flows/app/models/recorded.json),
//! recorded from the real command set on Tauri's mock runtime: a state machine. Each state is a
//! real workspace — the seed (six models with their versions, stages and artifacts, two dataset
//! snapshots of real files and their links, built through the same commands the studio sends),
//! an empty one, the seed plus 10,000 models, and each state a flow's write leads to — and holds
//! the core's answers to the reads the flows make in it. A write the flows make (a promotion, a
//! model created or refused, a version added, a snapshot taken or cancelled) is recorded with
//! the core's answer, the progress events it emitted and the name of the state it leads to. The
//! broken audit chain is the core's answer after an audit row was edited behind its back.
//!
//! A recording that differs from what the core answers now fails here — times, the workspace
//! path, and what is signed with or chained over them (keys made per run, audit hashes) aside;
//! `STEWARD_UPDATE_FIXTURES=1 cargo test -p steward-desktop --test flow_documents --test
//! flow_models` rewrites it with the document recordings. Its own test
//! binary, because the keyring namespace and rayon's thread count are process-wide.

#![allow(clippy::unwrap_used)]

#[allow(dead_code)]
mod harness;

use harness::flows::{flows_app, govern, Flow, Keyring, Machine, REGENERATE};
use harness::recording;
use serde_json::{json, Value};
use steward_api::wire::{DatasetSnapshot, ModelCreate, VersionAdd};
use steward_api::{Cancel, NoProgress, Workspace};
use steward_domain::RiskTier;

const ACTOR: &str = "ana.lopez";
/// The folder the flows' dialog answers for a snapshot; the recorder snapshots its own copy.
const FLOWS_SNAPSHOT_DIR: &str = "/home/ana/data/new-snapshot";
/// How many generated models the windowing flow's workspace holds beyond the seed.
const BULK: usize = 10_000;

/// (name, owner, title, description, risk tier, versions as (version, stage, complete)): what
/// a complete version has beyond its bundle is a commit and a config file.
type SeedModel = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, bool)],
);

const SEED: [SeedModel; 6] = [
    (
        "fraud-scorer",
        "payments-risk",
        "Card fraud scorer",
        "Scores card transactions for fraud in real time.",
        "high",
        &[
            ("1.0.0-3", "rollback-target", true),
            ("1.1.0-8", "production", true),
            ("1.2.0-3", "canary", true),
            ("1.3.0-1", "candidate", false),
            ("2.0.0-1", "experiment", false),
        ],
    ),
    (
        "support-triage",
        "cx-ml",
        "Support ticket triage",
        "Routes incoming tickets to the right queue.",
        "medium",
        &[
            ("0.9.0-2", "deprecated", true),
            ("1.0.0-1", "production", true),
            ("1.0.1-4", "candidate", true),
        ],
    ),
    (
        "churn-predictor",
        "growth-analytics",
        "Churn predictor",
        "Weekly churn propensity for subscribers.",
        "low",
        &[("0.3.0-7", "experiment", false)],
    ),
    (
        "credit-limit",
        "lending-ml",
        "Credit limit advisor",
        "Suggests credit limit changes for review by analysts.",
        "high",
        &[("2.1.0-5", "production", true), ("2.2.0-1", "canary", true)],
    ),
    (
        "search-ranker",
        "search",
        "Search ranker",
        "Learning-to-rank model for catalogue search.",
        "medium",
        &[],
    ),
    // The real demo's co-pilot; its versions carry the demo's evidence in the other fakes.
    (
        "summarize-copilot",
        "maya.chen@companyos.example",
        "Summarization co-pilot",
        "Summarizes support threads and meetings inside CompanyOS; drafts replies for agents.",
        "high",
        &[
            ("1.0.0-3", "rollback-target", true),
            ("1.1.0-8", "production", true),
            ("1.2.0-12", "canary", true),
            ("1.3.0-15", "candidate", true),
            ("2.0.0-17", "experiment", false),
        ],
    ),
];

/// The seed's dataset snapshots: (name, version, provenance, files as (path, size in bytes)),
/// the version of a model linked to it.
type SeedDataset = (
    &'static str,
    &'static str,
    fn() -> Value,
    &'static [(&'static str, usize)],
    (&'static str, &'static str),
);

const DATASETS: [SeedDataset; 2] = [
    (
        "transactions-2024q4",
        "1.0",
        || json!({"source": "warehouse export payments.tx_2024q4", "license": "internal", "consent": "contract", "retention": "24 months", "personal_data": true}),
        &[
            ("train.parquet", 7_340),
            ("valid.parquet", 917),
            ("schema.json", 231),
        ],
        ("fraud-scorer", "1.2.0-3"),
    ),
    (
        "support-tickets",
        "2",
        || json!({"source": "zendesk export", "license": null, "consent": null, "retention": "12 months", "personal_data": true}),
        &[("tickets.jsonl", 4_823), ("labels.csv", 1_048)],
        ("support-triage", "1.0.1-4"),
    ),
];

/// The stages a version passes through, from experiment, to stand in `stage`; a version bound
/// for rollback-target or deprecated is promoted to production first (the next production
/// version makes it the rollback target), and deprecated after.
fn path_to(stage: &str) -> &'static [&'static str] {
    match stage {
        "experiment" => &[],
        "candidate" => &["candidate"],
        "canary" => &["candidate", "canary"],
        "production" | "rollback-target" | "deprecated" => &["candidate", "canary", "production"],
        other => panic!("no path to {other}"),
    }
}

/// `n` bytes of a file's content, the same on every run.
fn content(seed: &str, n: usize) -> Vec<u8> {
    seed.bytes().cycle().take(n).collect()
}

/// The seed: Ana's key as the roster's root and the flows' bundle-only policy (so promotions go
/// through real gates and write signed release records), then the datasets and models.
fn seeded() -> Flow {
    let f = Flow::new(ACTOR);
    let h = &f.h;
    govern(h);
    for (name, version, provenance, files, _) in DATASETS {
        let dir = f.root().join("data").join(name);
        std::fs::create_dir_all(&dir).unwrap();
        for (path, size) in files {
            std::fs::write(dir.join(path), content(path, *size)).unwrap();
        }
        let req = json!({"dir": dir.display().to_string(), "name": name, "version": version, "provenance": provenance()});
        h.ok(
            "dataset_snapshot",
            json!({"req": req, "operation": format!("seed-{name}")}),
        );
    }
    for (name, owner, title, description, risk_tier, versions) in SEED {
        h.ok(
            "model_create",
            json!({"req": {"name": name, "owner": owner, "title": title, "description": description, "risk_tier": risk_tier}}),
        );
        for (version, _, complete) in versions {
            let files = f.root().join("artifacts").join(name).join(version);
            std::fs::create_dir_all(&files).unwrap();
            let bundle = files.join("bundle.tar.zst");
            std::fs::write(
                &bundle,
                content(&format!("{name}@{version} weights "), 4_096),
            )
            .unwrap();
            let config = files.join("config.toml");
            std::fs::write(
                &config,
                format!("model = \"{name}\"\nversion = \"{version}\"\n"),
            )
            .unwrap();
            let commit = format!("{:x<40}", version.replace(['.', '-'], "")).replace('x', "0");
            let add = json!({
                "model": name,
                "version": version,
                "bundle_file": bundle.display().to_string(),
                "commit": complete.then_some(commit),
                "config_file": complete.then(|| config.display().to_string()),
            });
            h.ok(
                "version_add",
                json!({"req": add, "operation": format!("seed-{name}@{version}")}),
            );
        }
        // Promoted in version order, so each production version makes the one before it the
        // rollback target; then the versions bound for deprecated are deprecated.
        for (version, stage, _) in versions {
            for to in path_to(stage) {
                h.ok(
                    "stage_set",
                    json!({"req": {"model": name, "version": version, "stage": to, "reason": null}}),
                );
            }
        }
        for (version, stage, _) in versions.iter().filter(|v| v.1 == "deprecated") {
            h.ok(
                "stage_set",
                json!({"req": {"model": name, "version": version, "stage": stage, "reason": null}}),
            );
        }
        for (version, stage, _) in versions {
            let got = h.ok("version_get", json!({"model": name, "version": version}));
            assert_eq!(
                got["stage"], *stage,
                "{name}@{version} stands where the seed has it"
            );
        }
    }
    for (name, version, _, _, (model, linked)) in DATASETS {
        h.ok(
            "version_link_dataset",
            json!({"model": model, "version": linked, "dataset": format!("{name}@{version}")}),
        );
    }
    f
}

fn page(text: Option<&str>, risk_tier: Option<&str>, offset: u32) -> (&'static str, Value) {
    (
        "model_page",
        json!({"query": {"text": text, "stage": null, "risk_tier": risk_tier, "offset": offset, "limit": 100}}),
    )
}

fn version_get(model: &str, version: &str) -> (&'static str, Value) {
    ("version_get", json!({"model": model, "version": version}))
}

fn model_show(name: &str) -> (&'static str, Value) {
    ("model_show", json!({"name": name}))
}

fn dataset_show(reference: &str) -> (&'static str, Value) {
    ("dataset_show", json!({"reference": reference}))
}

fn audit_log() -> (&'static str, Value) {
    ("audit_log", json!({"limit": 100}))
}

fn audit_verify() -> (&'static str, Value) {
    ("audit_verify", json!({"deep": false}))
}

fn workspace_info() -> (&'static str, Value) {
    ("workspace_info", json!({}))
}

fn dataset_list() -> (&'static str, Value) {
    ("dataset_list", json!({}))
}

/// A promotion the flows make from the seed (app.test.mjs twice, governance.test.mjs), into the
/// state `next`, with the reads the flows make after it.
fn promotion(m: &mut Machine, version: &str, stage: &str, reason: Option<&str>, next: &str) {
    let f = seeded();
    let req =
        json!({"model": "fraud-scorer", "version": version, "stage": stage, "reason": reason});
    let set = m.write(
        &f,
        "seed",
        "stage_set",
        &json!({ "req": req }),
        None,
        Some(next),
    );
    assert!(
        !set["ok"]["release"].is_null(),
        "a promotion writes a release record: {set}"
    );
    m.reads(
        &f,
        next,
        &[
            version_get("fraud-scorer", version),
            model_show("fraud-scorer"),
            workspace_info(),
            page(None, None, 0),
            audit_log(),
        ],
    );
}

/// A model, a version and a snapshot the flows add from the seed (app.test.mjs), and the model
/// name the core refuses.
fn additions(m: &mut Machine) {
    let f = seeded();
    for (name, next) in [
        ("Bad Name", None),
        ("eta-forecaster", Some("eta-forecaster")),
    ] {
        let req = json!({"name": name, "owner": "ml-platform", "title": null, "description": null, "risk_tier": "medium"});
        m.write(
            &f,
            "seed",
            "model_create",
            &json!({ "req": req }),
            None,
            next,
        );
    }
    m.reads(
        &f,
        "eta-forecaster",
        &[
            model_show("eta-forecaster"),
            (
                "version_next",
                json!({"model": "eta-forecaster", "change": "architecture"}),
            ),
        ],
    );
    let add = json!({"model": "eta-forecaster", "version": "1.0.0-1", "bundle_file": null, "bundle_digest": null, "bundle_uri": null, "commit": null, "config_file": null});
    m.write(
        &f,
        "eta-forecaster",
        "version_add",
        &json!({"req": add, "operation": "add"}),
        None,
        Some("eta-forecaster@1.0.0-1"),
    );
    m.reads(
        &f,
        "eta-forecaster@1.0.0-1",
        &[version_get("eta-forecaster", "1.0.0-1"), dataset_list()],
    );

    // The snapshot, from the seed: the core's answer when it is cancelled (the cancellation
    // asked before the first chunk is read), then taken to the end.
    let f = seeded();
    let dir = f.root().join("new-snapshot");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..12 {
        let part = format!("part-{i:04}.parquet");
        std::fs::write(dir.join(&part), content(&part, 1_024)).unwrap();
    }
    let none = json!({"source": null, "license": null, "consent": null, "retention": null, "personal_data": null});
    let req = json!({"dir": dir.display().to_string(), "name": "eta-trips", "version": "1", "provenance": none});
    let cancel = Cancel::new();
    cancel.cancel();
    let workspace = Workspace::open(f.root(), ACTOR).unwrap();
    let snapshot: DatasetSnapshot = serde_json::from_value(req.clone()).unwrap();
    let cancelled = workspace
        .dataset_snapshot(&snapshot, &NoProgress, &cancel)
        .unwrap_err();
    let mut asked = req.clone();
    asked["dir"] = json!(FLOWS_SNAPSHOT_DIR);
    let mut entry = m.write(
        &f,
        "seed",
        "dataset_snapshot",
        &json!({"req": req, "operation": "snapshot"}),
        Some(json!({ "req": asked })),
        Some("eta-trips@1"),
    );
    // The recording keeps one entry per call: the cancelled answer joins the snapshot's.
    m.states.get_mut("seed").unwrap().pop();
    entry["cancelled"] = serde_json::to_value(cancelled).unwrap();
    m.keep("seed", entry);
    m.reads(&f, "eta-trips@1", &[dataset_show("eta-trips@1")]);
}

/// The seed's reads, and the audit chain broken behind the core's back: an attacker drops the
/// append-only trigger and edits the third row's detail in the SQLite file.
fn seed_and_broken(m: &mut Machine) {
    let f = seeded();
    m.reads(
        &f,
        "seed",
        &[
            workspace_info(),
            page(None, None, 0),
            page(Some("payments"), None, 0),
            page(Some("fraud"), None, 0),
            model_show("fraud-scorer"),
            model_show("summarize-copilot"),
            version_get("fraud-scorer", "1.2.0-3"),
            version_get("fraud-scorer", "1.3.0-1"),
            version_get("support-triage", "1.0.1-4"),
            version_get("summarize-copilot", "1.1.0-8"),
            version_get("summarize-copilot", "1.2.0-12"),
            version_get("summarize-copilot", "1.3.0-15"),
            dataset_list(),
            dataset_show("support-tickets@2"),
            dataset_show("transactions-2024q4@1.0"),
            audit_log(),
            audit_verify(),
        ],
    );
    let db = f.h.ok("workspace_info", json!({}))["database"]
        .as_str()
        .unwrap()
        .to_string();
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DROP TRIGGER audit_log_append_only_update")
        .unwrap();
    let edited = conn
        .execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3", [])
        .unwrap();
    assert_eq!(edited, 1, "the third audit row was edited");
    drop(conn);
    m.reads(&f, "broken", &[audit_verify()]);
    assert_eq!(
        m.states["broken"][0]["ok"]["ok"],
        json!(false),
        "the core notices the edit"
    );
}

/// The seed plus 10,000 models written in one transaction through the core's API: only the
/// pages the windowing flow asks for are recorded.
fn bulk(m: &mut Machine) {
    let f = seeded();
    let workspace = Workspace::open(f.root(), ACTOR).unwrap();
    const OWNERS: [&str; 7] = [
        "payments-risk",
        "cx-ml",
        "growth-analytics",
        "lending-ml",
        "search",
        "vision",
        "platform-ml",
    ];
    const TIERS: [RiskTier; 3] = [RiskTier::Low, RiskTier::Medium, RiskTier::High];
    workspace
        .store()
        .bulk(|| {
            for i in 0..BULK {
                let name = format!("bulk-model-{i:05}");
                workspace.model_create(&ModelCreate {
                    name: name.clone(),
                    owner: OWNERS[i % OWNERS.len()].into(),
                    title: Some(format!("Bulk model {i}")),
                    description: Some("Generated for the windowing flow.".into()),
                    risk_tier: Some(TIERS[i % TIERS.len()]),
                })?;
                workspace.version_add(
                    &VersionAdd {
                        model: name,
                        version: format!("1.{}.0-{}", i % 7, i % 11 + 1),
                        ..VersionAdd::default()
                    },
                    &NoProgress,
                    &Cancel::new(),
                )?;
            }
            Ok::<_, steward_api::ApiError>(())
        })
        .unwrap();
    drop(workspace);
    let last = u32::try_from(BULK).unwrap();
    m.reads(
        &f,
        "bulk",
        &[
            workspace_info(),
            page(None, None, 0),
            page(None, None, last - 100),
            page(None, None, last),
            page(None, Some("high"), 0),
        ],
    );
}

#[test]
fn the_model_recordings_are_what_the_core_answers() {
    // One hashing thread, so a snapshot's progress events come in the same order every run.
    std::env::set_var("RAYON_NUM_THREADS", "1");
    let _keyring = Keyring::own("flow-models");

    let mut m = Machine::default();
    seed_and_broken(&mut m);
    promotion(
        &mut m,
        "1.2.0-3",
        "production",
        Some("canary held 48 h with no regressions"),
        "fraud-scorer@1.2.0-3 production, canary held",
    );
    promotion(
        &mut m,
        "1.2.0-3",
        "production",
        Some("keyboard promotion"),
        "fraud-scorer@1.2.0-3 production, keyboard",
    );
    promotion(
        &mut m,
        "1.3.0-1",
        "canary",
        None,
        "fraud-scorer@1.3.0-1 canary",
    );
    additions(&mut m);
    bulk(&mut m);
    let empty = Flow::new(ACTOR);
    m.reads(
        &empty,
        "empty",
        &[
            workspace_info(),
            page(None, None, 0),
            dataset_list(),
            audit_log(),
        ],
    );

    let fresh = json!({"regenerate": REGENERATE, "states": m.states});
    let dir = flows_app().join("models");
    std::fs::create_dir_all(&dir).unwrap();
    recording::check_masked(&dir.join("recorded.json"), &fresh, REGENERATE, volatile);
}

/// `v` without what changes on every run beyond times: an audit entry's hashes (chained over
/// the times) and the hex digests and key ids in its detail, a release record's digests and
/// signer (the recorder's key is made per run), and the hashes a broken chain's reason names.
fn volatile(v: &Value) -> Value {
    match v {
        Value::Object(m) => m
            .iter()
            .map(|(k, x)| {
                let audit = m.contains_key("prev_hash");
                let release = m.contains_key("signer_fingerprint");
                let hidden = match k.as_str() {
                    "hash" | "prev_hash" if audit => Some(json!("<chained>")),
                    "digest" | "previous" | "signer_fingerprint" if release => {
                        Some(json!("<signed>"))
                    }
                    "detail" | "reason" => x.as_str().map(|s| json!(hex_runs(s))),
                    _ => None,
                };
                (k.clone(), hidden.unwrap_or_else(|| volatile(x)))
            })
            .collect(),
        Value::Array(a) => a.iter().map(volatile).collect(),
        other => other.clone(),
    }
}

/// `s` with every run of 16 or more hex digits as `<hex>`.
fn hex_runs(s: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    for c in s.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_hexdigit() {
            run.push(c);
            continue;
        }
        out.push_str(if run.len() >= 16 { "<hex>" } else { &run });
        run.clear();
        out.push(c);
    }
    out.pop();
    out
}
