//! Registry sync against a real MLflow server on loopback (issue 11): push the demo and read
//! it back with MLflow's own client; a re-push creates nothing; a second workspace pulls a new
//! approval; an alias set by hand is ungoverned until restored; `steward admit` gates on it
//! and on a tampered tag; work done while the registry is unreachable waits in the outbox and
//! goes out later. Errors from servers that are not a usable MLflow change nothing locally.

use steward_tests::mlflow::{canned_server, free_port, Mlflow};
use steward_tests::registry::{self, namespace};
use steward_tests::{Run, Steward};

/// `steward args…` with the keyring namespace `ns` (the demo's people live in `ns-demo`).
fn run(s: &Steward, ns: &str, identity: Option<&str>, args: &[&str]) -> Run {
    let mut cmd = registry::command(s, args);
    cmd.env("STEWARD_KEYRING_NAMESPACE", ns)
        .env("STEWARD_KEYRING_BACKEND", "keyutils");
    if let Some(id) = identity {
        cmd.env("STEWARD_IDENTITY", id);
    }
    registry::output(cmd)
}

fn ok(s: &Steward, ns: &str, args: &[&str]) -> Run {
    let r = run(s, ns, None, args);
    assert_eq!(r.code, 0, "steward {args:?}: {}{}", r.stdout, r.stderr);
    r
}

/// `steward args…` that must exit 1 with `needle` in its error; the run, for more checks.
fn fails(s: &Steward, ns: &str, args: &[&str], needle: &str) -> Run {
    let r = run(s, ns, None, args);
    assert_eq!(r.code, 1, "steward {args:?}: {}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(needle),
        "steward {args:?}: stderr lacks {needle:?}: {}",
        r.stderr
    );
    r
}

const READ_BACK: &str = r#"
import json
from mlflow import MlflowClient
from mlflow.artifacts import list_artifacts
c = MlflowClient()
out = {}
for m in c.search_registered_models():
    full = c.get_registered_model(m.name)
    versions = c.search_model_versions(f"name='{m.name}'")
    out[m.name] = {
        "owner": full.tags.get("steward.owner"),
        "aliases": {a: full.aliases[a] for a in full.aliases} if isinstance(full.aliases, dict) else {},
        "versions": {v.tags.get("steward.version"): {"number": v.version, "tags": v.tags} for v in versions},
        "count": len(versions),
    }
    for a, n in out[m.name]["aliases"].items():
        v = c.get_model_version_by_alias(m.name, a)
        out[m.name]["aliases"][a] = v.tags.get("steward.version")
print(json.dumps(out))
"#;

fn artifacts_of(server: &Mlflow, path: &str) -> Vec<String> {
    let script = format!(
        r#"
import json, urllib.request, os
u = os.environ["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow-artifacts/artifacts?path={path}"
print(json.dumps([f["path"] for f in json.load(urllib.request.urlopen(u)).get("files", [])]))
"#
    );
    server
        .python(&script)
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_demo_reaches_mlflow_once_and_the_registry_is_governed() {
    let server = Mlflow::start();
    let ns = namespace("demo");
    let a = Steward::new();
    ok(&a, &ns, &["demo"]);
    let waiting = ok(&a, &ns, &["sync", "status", "--json"]).json();
    let queued = waiting["waiting"].as_array().map_or(0, Vec::len);
    assert!(
        queued > 0,
        "the demo's records and approvals wait: {waiting}"
    );

    ok(&a, &ns, &["registry", "set", &server.url]);
    let test = ok(&a, &ns, &["registry", "test", "--json"]).json();
    assert_eq!(test["mlflow_version"], "3.17.2");
    assert_eq!(test["supported"], true);

    let first = ok(&a, &ns, &["sync", "--push", "--json"]).json();
    assert_eq!(first["models"], 3);
    assert_eq!(first["versions_created"], 9, "{first}");
    assert_eq!(first["sent"].as_u64(), Some(queued as u64));
    let status = ok(&a, &ns, &["sync", "status", "--json"]).json();
    assert_eq!(
        status["waiting"].as_array().map(Vec::len),
        Some(0),
        "{status}"
    );

    // MLflow's own client sees the mapping: models, versions with steward tags, aliases.
    let seen = server.python(READ_BACK);
    let copilot = &seen["summarize-copilot"];
    assert_eq!(copilot["owner"], "priya@companyos.example");
    assert_eq!(copilot["count"], 5);
    assert_eq!(copilot["aliases"]["production"], "1.1.0-8");
    assert_eq!(copilot["aliases"]["canary"], "1.2.0-12");
    assert_eq!(copilot["aliases"]["candidate"], "1.3.0-15");
    assert_eq!(copilot["aliases"]["rollback"], "1.0.0-3");
    let prod = &copilot["versions"]["1.1.0-8"]["tags"];
    assert_eq!(prod["steward.stage"], "production");
    let record = prod["steward.release_record_digest"]
        .as_str()
        .expect("record tag");
    let files = artifacts_of(&server, "steward/summarize-copilot/1.1.0-8/records");
    assert!(
        files
            .iter()
            .any(|f| record.ends_with(f.trim_end_matches(".dsse.json"))),
        "the record {record} is uploaded: {files:?}"
    );
    assert!(!artifacts_of(&server, "steward/summarize-copilot/1.1.0-8/approvals").is_empty());

    // The charts the core draws go up once, as SVG, keyed on their evidence.
    let charts = artifacts_of(&server, "steward/summarize-copilot/1.2.0-12/charts");
    assert!(
        charts.iter().any(|f| f.ends_with("compare.svg")),
        "the canary's comparison chart is uploaded: {charts:?}"
    );
    let svg = server.python(
        r#"
import json, os, urllib.request
u = os.environ["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow-artifacts/artifacts/steward/summarize-copilot/1.2.0-12/charts/compare.svg"
print(json.dumps(urllib.request.urlopen(u).read().decode()[:200]))
"#,
    );
    assert!(svg.as_str().is_some_and(|t| t.contains("<svg")), "{svg}");
    assert!(
        copilot["versions"]["1.2.0-12"]["tags"]["steward.charts"]
            .as_str()
            .is_some_and(|t| t.starts_with("sha256:")),
        "the charts' key is a tag"
    );

    // A re-push creates nothing and sends nothing (no chart is drawn again).
    let again = ok(&a, &ns, &["sync", "--push", "--json"]).json();
    assert_eq!(again["ops"], 0, "{again}");
    assert_eq!(again["versions_created"], 0);
    assert_eq!(server.python(READ_BACK)["summarize-copilot"]["count"], 5);

    // A create whose answer was lost and that committed after Steward searched leaves a second
    // version with the same steward.version: the next push reports it and deletes it.
    server.python(
        "from mlflow import MlflowClient; v = MlflowClient().create_model_version('summarize-copilot', 'steward://summarize-copilot/1.1.0-8', tags={'steward.version': '1.1.0-8'}); print('{}')",
    );
    assert_eq!(server.python(READ_BACK)["summarize-copilot"]["count"], 6);
    let healed = ok(&a, &ns, &["sync", "--push", "--json"]).json();
    let dup = healed["duplicates"][0]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        dup.contains("summarize-copilot@1.1.0-8") && dup.contains("deleting its own extra"),
        "{healed}"
    );
    assert_eq!(server.python(READ_BACK)["summarize-copilot"]["count"], 5);
    assert_eq!(
        ok(&a, &ns, &["sync", "--push", "--json"]).json()["duplicates"],
        serde_json::json!([])
    );

    // Deploy-time admission passes for the governed production version.
    let roster = a.path("roster.json");
    ok(
        &a,
        &ns,
        &["roster", "export", "-o", &roster.display().to_string()],
    );
    let roster = roster.display().to_string();
    let admit = |s: &Steward| {
        run(
            s,
            &ns,
            None,
            &[
                "admit",
                "--registry",
                &server.url,
                "--model",
                "summarize-copilot",
                "--alias",
                "production",
                "--roster",
                &roster,
                "--json",
            ],
        )
    };
    let passed = admit(&a);
    assert_eq!(passed.code, 0, "{}{}", passed.stdout, passed.stderr);
    assert_eq!(passed.json()["version"], "1.1.0-8");

    // Someone points production at the experiment by hand in MLflow.
    let experiment = copilot["versions"]["2.0.0-17"]["number"]
        .as_str()
        .expect("number")
        .to_string();
    server.python(&format!(
        "from mlflow import MlflowClient; MlflowClient().set_registered_model_alias('summarize-copilot', 'production', '{experiment}'); print('{{}}')"
    ));
    let caught = run(&a, &ns, None, &["sync", "--json"]);
    assert_eq!(
        caught.code, 1,
        "an ungoverned alias fails the sync: {}",
        caught.stderr
    );
    let report = caught.json();
    let ung = &report["ungoverned"][0];
    assert_eq!(ung["alias"], "production");
    assert_eq!(ung["points_at"], "2.0.0-17");
    assert_eq!(ung["governed"], "1.1.0-8");
    assert_eq!(ung["restored"], false);
    // `sync status` shows it too, with when MLflow last changed that version.
    let status = ok(&a, &ns, &["sync", "status"]).stdout;
    assert!(
        status.contains("ungoverned (sync of")
            && status.contains("alias production points at registry version")
            && status.contains("last changed at 20"),
        "{status}"
    );
    let refused = admit(&a);
    assert_eq!(
        refused.code, 1,
        "admit refuses a hand-set alias: {}",
        refused.stdout
    );
    assert!(
        refused.stdout.contains("no steward.release_record_digest")
            || refused.stdout.contains("not production"),
        "{}",
        refused.stdout
    );
    // Restoring puts the governed version back; admit passes again.
    let restored = ok(&a, &ns, &["sync", "--restore", "--json"]).json();
    assert_eq!(restored["ungoverned"][0]["restored"], true);
    assert_eq!(
        server.python(READ_BACK)["summarize-copilot"]["aliases"]["production"],
        "1.1.0-8"
    );
    assert_eq!(admit(&a).code, 0);

    // A tampered record tag is refused by admit, and the next push sets it back.
    let number = copilot["versions"]["1.1.0-8"]["number"]
        .as_str()
        .expect("number")
        .to_string();
    let forged = format!("sha256:{}", "ab".repeat(32));
    server.python(&format!(
        "from mlflow import MlflowClient; MlflowClient().set_model_version_tag('summarize-copilot', '{number}', 'steward.release_record_digest', '{forged}'); print('{{}}')"
    ));
    let tampered = admit(&a);
    assert_eq!(tampered.code, 1, "{}", tampered.stdout);
    assert!(tampered.stdout.contains("holds no"), "{}", tampered.stdout);
    ok(&a, &ns, &["sync", "--push"]);
    assert_eq!(admit(&a).code, 0);

    // An edited bundle digest tag is shown as tampered by a pull, and the push writes it back.
    let bundle = server.python(READ_BACK)["summarize-copilot"]["versions"]["1.1.0-8"]["tags"]
        ["steward.bundle_digest"]
        .clone();
    let zeros = format!("sha256:{}", "0".repeat(64));
    server.python(&format!(
        "from mlflow import MlflowClient; MlflowClient().set_model_version_tag('summarize-copilot', '{number}', 'steward.bundle_digest', '{zeros}'); print('{{}}')"
    ));
    let pulled = run(&a, &ns, None, &["sync", "--pull", "--json"]);
    assert_eq!(pulled.code, 1, "{}{}", pulled.stdout, pulled.stderr);
    let report = pulled.json();
    assert!(
        report["conflicts"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c["kind"] == "tampered"
                && c["detail"]
                    .as_str()
                    .is_some_and(|d| d.contains("steward.bundle_digest") && d.contains(&zeros)))),
        "{report}"
    );
    let listed = |s: &Steward, kind: &str| -> Vec<serde_json::Value> {
        ok(s, &ns, &["sync", "status", "--json"]).json()["conflicts"]
            .as_array()
            .map(|c| c.iter().filter(|c| c["kind"] == kind).cloned().collect())
            .unwrap_or_default()
    };
    assert_eq!(listed(&a, "tampered").len(), 1, "listed until it is gone");
    ok(&a, &ns, &["sync", "--push"]);
    assert_eq!(
        server.python(READ_BACK)["summarize-copilot"]["versions"]["1.1.0-8"]["tags"]
            ["steward.bundle_digest"],
        bundle
    );
    // The next pull no longer finds it, says so, and it leaves `sync status`.
    let healed = ok(&a, &ns, &["sync", "--pull", "--json"]).json();
    assert!(
        healed["settled"].as_array().is_some_and(|s| s
            .iter()
            .any(|l| l.as_str().is_some_and(|l| l.contains("1.1.0-8 tampered")))),
        "{healed}"
    );
    assert_eq!(healed["conflicts"], serde_json::json!([]), "{healed}");
    assert!(listed(&a, "tampered").is_empty());

    // A copy of the production version with every steward.* tag but another source, and the
    // alias pointed at it: admit refuses it, and sync reports the alias, before and after the
    // real version is deleted (the version is made again).
    let impostor = server.python(&format!(
        "import json; from mlflow import MlflowClient; c = MlflowClient(); v = c.get_model_version('summarize-copilot', '{number}'); n = c.create_model_version('summarize-copilot', 's3://evil/backdoored-model', tags=dict(v.tags)); c.set_registered_model_alias('summarize-copilot', 'production', n.version); print(json.dumps({{'n': n.version}}))"
    ));
    let impostor = impostor["n"].as_str().expect("number").to_string();
    let copied = admit(&a);
    assert_eq!(copied.code, 1, "{}", copied.stdout);
    assert!(
        copied.stdout.contains("s3://evil/backdoored-model")
            && copied.stdout.contains("not made by Steward"),
        "{}",
        copied.stdout
    );
    for delete_real in [false, true] {
        if delete_real {
            server.python(&format!(
                "from mlflow import MlflowClient; MlflowClient().delete_model_version('summarize-copilot', '{number}'); print('{{}}')"
            ));
        }
        let seen = run(&a, &ns, None, &["sync", "--pull", "--json"]);
        assert_eq!(seen.code, 1, "{}{}", seen.stdout, seen.stderr);
        let ung = &seen.json()["ungoverned"][0];
        assert_eq!(ung["alias"], "production", "{}", seen.stdout);
        assert_eq!(ung["number"], impostor.as_str(), "{}", seen.stdout);
        assert_eq!(admit(&a).code, 1);
    }
    ok(&a, &ns, &["sync", "--restore"]);
    assert_eq!(admit(&a).code, 0);
    server.python(&format!(
        "from mlflow import MlflowClient; MlflowClient().delete_model_version('summarize-copilot', '{impostor}'); print('{{}}')"
    ));

    // A second workspace (a copy of the first) pulls a reviewer's new approval, verified.
    let b = Steward::new();
    std::fs::create_dir_all(b.workspace()).expect("mkdir");
    std::fs::copy(a.db(), b.db()).expect("copy the workspace");
    let demo_ns = format!("{ns}-demo");
    let approved = run(
        &a,
        &demo_ns,
        Some("priya@companyos.example"),
        &[
            "approve",
            "summarize-copilot@1.3.0-15",
            "--role",
            "model-owner",
            "--to",
            "canary",
        ],
    );
    assert_eq!(approved.code, 0, "{}{}", approved.stdout, approved.stderr);
    ok(&a, &ns, &["sync", "--push"]);
    let pulled = ok(&b, &ns, &["sync", "--pull", "--json"]).json();
    assert_eq!(pulled["pulled_approvals"], 1, "{pulled}");
    let before = ok(
        &b,
        &ns,
        &["approvals", "summarize-copilot@1.3.0-15", "--json"],
    )
    .stdout;
    let again = ok(&b, &ns, &["sync", "--pull", "--json"]).json();
    assert_eq!(
        again["pulled_approvals"], 0,
        "approvals merge as a set: {again}"
    );
    assert_eq!(
        ok(
            &b,
            &ns,
            &["approvals", "summarize-copilot@1.3.0-15", "--json"]
        )
        .stdout,
        before
    );

    // Offline: a change made while the registry is unreachable waits with its error, then
    // goes out.
    let gone = format!("http://127.0.0.1:{}", free_port());
    ok(&a, &ns, &["registry", "set", &gone]);
    let approved = run(
        &a,
        &demo_ns,
        Some("tom@companyos.example"),
        &[
            "approve",
            "summarize-copilot@1.3.0-15",
            "--role",
            "sre",
            "--to",
            "canary",
        ],
    );
    assert_eq!(approved.code, 0, "{}{}", approved.stdout, approved.stderr);
    let offline = run(&a, &ns, None, &["sync", "--push"]);
    assert_eq!(offline.code, 1);
    assert!(offline.stderr.contains("unreachable"), "{}", offline.stderr);
    let status = ok(&a, &ns, &["sync", "status", "--json"]).json();
    let waiting = &status["waiting"][0];
    assert_eq!(waiting["kind"], "approval");
    assert!(
        waiting["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("unreachable")),
        "{status}"
    );
    ok(&a, &ns, &["registry", "set", &server.url]);
    ok(&a, &ns, &["sync", "--push"]);
    let status = ok(&a, &ns, &["sync", "status", "--json"]).json();
    assert_eq!(
        status["waiting"].as_array().map(Vec::len),
        Some(0),
        "{status}"
    );
    assert_eq!(
        artifacts_of(&server, "steward/summarize-copilot/1.3.0-15/approvals").len(),
        pulled_count(&b, &ns) + 1
    );

    // Both workspaces roll production back offline: two different signed records for the
    // same versions. The first to sync wins the registry; the second finds the conflict and
    // overwrites nothing, then or later (they used to take turns rewriting the tags).
    ok(&b, &ns, &["sync"]);
    for (s, incident) in [(&a, "INC-1"), (&b, "INC-2")] {
        let r = run(
            s,
            &demo_ns,
            Some("priya@companyos.example"),
            &[
                "rollback",
                "summarize-copilot",
                "--incident",
                incident,
                "--reason",
                "latency regression",
            ],
        );
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    }
    ok(&a, &ns, &["sync"]);
    let tags_now = || {
        let all = server.python(READ_BACK);
        (
            all["summarize-copilot"]["versions"].clone(),
            all["summarize-copilot"]["aliases"].clone(),
        )
    };
    let won = tags_now();
    let found = run(&b, &ns, None, &["sync", "--json"]);
    assert_eq!(
        found.code, 1,
        "a new conflict fails the sync: {}",
        found.stderr
    );
    let report = found.json();
    assert!(
        report["conflicts"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c["kind"] == "release-record")),
        "{report}"
    );
    assert_eq!(
        tags_now(),
        won,
        "the second workspace overwrote the first's record"
    );
    for s in [&a, &b, &a, &b] {
        run(s, &ns, None, &["sync"]);
        assert_eq!(
            tags_now(),
            won,
            "a later sync rewrote the registry's record"
        );
    }
    // An open conflict is reported by every sync until a person settles it.
    let open = listed(&b, "release-record");
    assert!(!open.is_empty(), "the conflict is still listed");
    let again = run(&b, &ns, None, &["sync", "--json"]);
    assert_eq!(again.code, 1, "{}", again.stdout);

    // b keeps its own record: the next push writes b's record, tags and aliases.
    fails(
        &a,
        &ns,
        &[
            "sync",
            "resolve",
            "summarize-copilot@1.3.0-15",
            "--keep",
            "ours",
        ],
        "has no open release-record conflict",
    );
    let versions: std::collections::BTreeSet<String> = open
        .iter()
        .filter_map(|c| c["version"].as_str().map(String::from))
        .collect();
    for v in &versions {
        let target = format!("summarize-copilot@{v}");
        let settled = ok(
            &b,
            &ns,
            &["sync", "resolve", &target, "--keep", "ours", "--json"],
        )
        .json();
        assert!(
            settled[0]["detail"]
                .as_str()
                .is_some_and(|d| d.contains("kept this workspace's record")),
            "{settled}"
        );
        fails(
            &b,
            &ns,
            &["sync", "resolve", &target, "--keep", "theirs"],
            "has no open release-record conflict",
        );
    }
    assert!(listed(&b, "release-record").is_empty());
    ok(&b, &ns, &["sync"]);
    let (tags, aliases) = tags_now();
    for c in &open {
        let v = c["version"].as_str().expect("version");
        assert_eq!(
            tags[v]["tags"]["steward.release_record_digest"], c["local_sha256"],
            "b's record for {v} is the registry's now: {tags}"
        );
    }
    assert_ne!(
        (tags.clone(), aliases.clone()),
        won.clone(),
        "b's push wrote nothing"
    );
    let b_won = (tags, aliases);

    // Now a holds a record the registry does not: a conflict for a, which keeps theirs (b's).
    let found = run(&a, &ns, None, &["sync", "--json"]);
    assert_eq!(found.code, 1, "{}{}", found.stdout, found.stderr);
    let report = found.json();
    let a_open: std::collections::BTreeSet<String> = report["conflicts"]
        .as_array()
        .map(|c| {
            c.iter()
                .filter(|c| c["kind"] == "release-record")
                .filter_map(|c| c["version"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(a_open, versions, "{report}");
    assert_eq!(tags_now(), b_won, "a overwrote b's settled record");
    for v in &a_open {
        let target = format!("summarize-copilot@{v}");
        ok(&a, &ns, &["sync", "resolve", &target, "--keep", "theirs"]);
    }
    // Settled: the conflict found again is not reported, and the registry's record stands.
    for s in [&a, &b, &a] {
        let quiet = ok(s, &ns, &["sync", "--json"]).json();
        assert_eq!(quiet["conflicts"], serde_json::json!([]), "{quiet}");
        assert_eq!(
            tags_now(),
            b_won,
            "a settled sync rewrote the registry's record"
        );
    }
    assert!(listed(&a, "release-record").is_empty());
}

fn pulled_count(s: &Steward, ns: &str) -> usize {
    ok(
        s,
        ns,
        &["approvals", "summarize-copilot@1.3.0-15", "--json"],
    )
    .json()["approvals"]
        .as_array()
        .map_or(0, Vec::len)
}

#[test]
fn servers_that_cannot_be_used_get_clear_errors_and_change_nothing() {
    let ns = namespace("errors");
    let s = Steward::new();
    ok(&s, &ns, &["demo"]);
    let waiting = |s: &Steward| {
        ok(s, &ns, &["sync", "status", "--json"]).json()["waiting"]
            .as_array()
            .map_or(0, Vec::len)
    };
    let models = ok(&s, &ns, &["model", "list", "--json"]).stdout;
    let before = waiting(&s);
    let cases: Vec<(String, &str)> = vec![
        (
            format!("http://127.0.0.1:{}", free_port()),
            "is unreachable",
        ),
        (
            canned_server(
                "200 OK",
                "text/html",
                "<html><title>Welcome to nginx</title></html>",
                8,
            ),
            "is not an MLflow registry",
        ),
        (
            canned_server("401 Unauthorized", "application/json", "{}", 8),
            "refused the credentials (HTTP 401): log in again with `steward registry login`",
        ),
        (
            canned_server(
                "403 Forbidden",
                "application/json",
                r#"{"error_code": "PERMISSION_DENIED", "message": "Permission denied"}"#,
                8,
            ),
            "denied searching registered models",
        ),
        (
            // A server that answers 200 with the same JSON to everything.
            canned_server(
                "200 OK",
                "application/json",
                r#"{"registered_models": "not-a-list", "version": 42}"#,
                8,
            ),
            "\"registered_models\" is a string, not a list",
        ),
    ];
    for (url, needle) in cases {
        ok(&s, &ns, &["registry", "set", &url]);
        let r = run(&s, &ns, None, &["sync", "--push"]);
        assert_eq!(r.code, 1, "{url}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains(needle),
            "{url}: stderr lacks {needle:?}: {}",
            r.stderr
        );
        assert_eq!(
            waiting(&s),
            before,
            "{url}: nothing is lost from the outbox"
        );
        assert_eq!(ok(&s, &ns, &["model", "list", "--json"]).stdout, models);
    }
    // A restore needs the push.
    fails(
        &s,
        &ns,
        &["sync", "--pull", "--restore"],
        "a pull alone never writes",
    );
    // A bad URL is named; one with a password is refused without echoing it.
    let r = fails(
        &s,
        &ns,
        &["registry", "set", "http://ann:hunter2@127.0.0.1:5000"],
        "registry login --user",
    );
    assert!(!r.stderr.contains("hunter2"), "{}", r.stderr);
    fails(&s, &ns, &["registry", "set", "ftp://x"], "\"ftp://x\"");
}

/// The head text of a document, through the CLI.
fn doc_text(s: &Steward, ns: &str, target: &str, kind: &str) -> String {
    ok(s, ns, &["doc", "show", target, kind, "--json"]).json()["text"]
        .as_str()
        .expect("text")
        .to_string()
}

fn doc_save(s: &Steward, ns: &str, target: &str, kind: &str, text: &str, name: &str) {
    let file = s.path(name);
    std::fs::write(&file, text).expect("write");
    ok(
        s,
        ns,
        &["doc", "save", target, kind, &file.display().to_string()],
    );
}

fn open_document_conflicts(s: &Steward, ns: &str) -> Vec<serde_json::Value> {
    ok(s, ns, &["sync", "status", "--json"]).json()["conflicts"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|c| {
            c["kind"]
                .as_str()
                .is_some_and(|k| k.starts_with("document:"))
        })
        .collect()
}

#[test]
fn concurrent_document_edits_become_two_heads_and_a_merge_through_mlflow() {
    let server = Mlflow::start();
    let ns = namespace("docs");
    let a = Steward::new();
    ok(&a, &ns, &["demo"]);
    ok(&a, &ns, &["registry", "set", &server.url]);
    ok(&a, &ns, &["sync", "--push"]);
    let card = "summarize-copilot@1.3.0-15";
    let folder = "steward/summarize-copilot/1.3.0-15/documents";
    let history = |s: &Steward| {
        ok(s, &ns, &["doc", "history", card, "model-card", "--json"])
            .json()
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    // Every revision is an artifact named by its identity, and the tag covers them.
    let uploaded = artifacts_of(&server, folder);
    assert!(
        uploaded.iter().all(|f| f.ends_with(".json")),
        "{uploaded:?}"
    );
    assert!(
        uploaded.len() >= history(&a).len(),
        "each model-card revision is uploaded: {uploaded:?}"
    );
    let seen = server.python(READ_BACK);
    let tag = &seen["summarize-copilot"]["versions"]["1.3.0-15"]["tags"]["steward.documents"];
    assert!(
        tag.as_str().is_some_and(|t| t.starts_with("sha256:")),
        "the documents tag is set: {tag}"
    );
    let again = ok(&a, &ns, &["sync", "--push", "--json"]).json();
    assert_eq!(again["ops"], 0, "documents in sync send nothing: {again}");

    // A second reviewer works on a copy of the workspace, offline.
    let b = Steward::new();
    std::fs::create_dir_all(b.workspace()).expect("mkdir");
    std::fs::copy(a.db(), b.db()).expect("copy the workspace");
    let text = doc_text(&a, &ns, card, "model-card");
    let line = "Temperature lowered from 0.7 to 0.4 after the red-team review.";
    assert!(text.contains(line), "{text}");
    doc_save(
        &a,
        &ns,
        card,
        "model-card",
        &text.replace(
            line,
            "Temperature lowered from 0.7 to 0.3 after the red-team review.",
        ),
        "a.md",
    );
    doc_save(
        &b,
        &ns,
        card,
        "model-card",
        &text.replace(
            line,
            "Temperature lowered from 0.7 to 0.5 after the red-team review.",
        ),
        "b.md",
    );
    let waiting = ok(&b, &ns, &["sync", "status", "--json"]).json();
    assert!(
        waiting["waiting"]
            .as_array()
            .is_some_and(|w| w.iter().any(|e| e["kind"] == "document-revision")),
        "the edit waits in the outbox: {waiting}"
    );
    ok(&a, &ns, &["sync", "--push"]);
    // A sync that finds a conflict says so with exit 1, as for records.
    let found = run(&b, &ns, None, &["sync", "--json"]);
    assert_eq!(found.code, 1, "{}", found.stderr);
    let pulled = found.json();
    assert_eq!(pulled["pulled_revisions"], 1, "{pulled}");
    let conflicts = open_document_conflicts(&b, &ns);
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0]["kind"], "document:model-card");
    assert!(
        doc_text(&b, &ns, card, "model-card").contains("0.5"),
        "the second workspace keeps its own edit as the head"
    );

    // The merge shows both sides between markers; a resolution that keeps them is refused.
    let shown = run(&b, &ns, None, &["doc", "merge", card, "model-card"]);
    assert_eq!(
        shown.code, 1,
        "a merge with conflicts exits 1: {}",
        shown.stderr
    );
    assert!(shown.stdout.contains("<<<<<<< ours: r"), "{}", shown.stdout);
    assert!(shown.stdout.contains("0.3") && shown.stdout.contains("0.5"));
    let marked = b.path("marked.md");
    std::fs::write(&marked, &shown.stdout).expect("write");
    let marked = marked.display().to_string();
    fails(
        &b,
        &ns,
        &["doc", "merge", card, "model-card", "--file", &marked],
        "still holds a conflict",
    );
    fails(
        &b,
        &ns,
        &["doc", "merge", card, "model-card", "--clean"],
        "not clean",
    );
    ok(
        &b,
        &ns,
        &["doc", "merge", card, "model-card", "--take", "theirs"],
    );
    assert!(
        open_document_conflicts(&b, &ns).is_empty(),
        "the merge closes it"
    );
    let merged = history(&b);
    let head = &merged[0];
    assert!(
        head["parent"].is_number() && head["second_parent"].is_number(),
        "the merge has two parents: {head}"
    );
    assert!(doc_text(&b, &ns, card, "model-card").contains("0.3"));

    // The merge goes up; the first workspace fast-forwards to it.
    ok(&b, &ns, &["sync", "--push"]);
    let pulled = ok(&a, &ns, &["sync", "--pull", "--json"]).json();
    assert_eq!(
        pulled["pulled_revisions"], 2,
        "b's edit and the merge: {pulled}"
    );
    assert!(open_document_conflicts(&a, &ns).is_empty());
    assert_eq!(
        doc_text(&a, &ns, card, "model-card"),
        doc_text(&b, &ns, card, "model-card")
    );
    let quiet = ok(&a, &ns, &["sync", "--json"]).json();
    assert_eq!(quiet["ops"], 0, "both sides hold the same graph: {quiet}");
    assert_eq!(quiet["pulled_revisions"], 0);

    // Edits far apart merge cleanly.
    let text = doc_text(&a, &ns, card, "model-card");
    doc_save(
        &a,
        &ns,
        card,
        "model-card",
        &format!("{text}\nReviewed again offline.\n"),
        "a2.md",
    );
    let top = text.replacen("---\n", "---\n# checked by the second reviewer\n", 1);
    assert_ne!(top, text);
    doc_save(&b, &ns, card, "model-card", &top, "b2.md");
    ok(&a, &ns, &["sync", "--push"]);
    assert_eq!(run(&b, &ns, None, &["sync"]).code, 1);
    assert_eq!(open_document_conflicts(&b, &ns).len(), 1);
    let clean = ok(&b, &ns, &["doc", "merge", card, "model-card", "--json"]).json();
    assert_eq!(clean["conflicts"], 0, "{clean}");
    ok(&b, &ns, &["doc", "merge", card, "model-card", "--clean"]);
    let both = doc_text(&b, &ns, card, "model-card");
    assert!(
        both.contains("Reviewed again offline.")
            && both.contains("# checked by the second reviewer")
    );
    ok(&b, &ns, &["sync", "--push"]);

    // A revision edited in the registry behind Steward's back is reported tampered and ignored.
    let text = doc_text(&a, &ns, card, "model-card");
    ok(&a, &ns, &["sync", "--pull"]);
    let before: Vec<String> = artifacts_of(&server, folder);
    doc_save(
        &a,
        &ns,
        card,
        "model-card",
        &format!("{text}\nOne more line.\n"),
        "a3.md",
    );
    ok(&a, &ns, &["sync", "--push"]);
    let after = artifacts_of(&server, folder);
    let new: Vec<&String> = after.iter().filter(|f| !before.contains(f)).collect();
    assert_eq!(new.len(), 1, "one new revision uploaded: {new:?}");
    let file = new[0].rsplit('/').next().expect("name").to_string();
    server.python(&format!(
        r#"
import json, os, urllib.request
u = os.environ["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow-artifacts/artifacts/{folder}/{file}"
doc = json.load(urllib.request.urlopen(u))
doc["content"] = doc["content"].replace("One more line.", "Approved by everyone.")
req = urllib.request.Request(u, data=json.dumps(doc).encode(), method="PUT")
urllib.request.urlopen(req).read()
print("{{}}")
"#
    ));
    let b_head = doc_text(&b, &ns, card, "model-card");
    let found = run(&b, &ns, None, &["sync", "--pull", "--json"]);
    assert_eq!(found.code, 1, "{}", found.stderr);
    let pulled = found.json();
    assert_eq!(pulled["pulled_revisions"], 0, "{pulled}");
    let tampered = pulled["conflicts"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .find(|c| c["kind"] == "tampered")
        .expect("reported as tampered");
    assert!(
        tampered["detail"]
            .as_str()
            .is_some_and(|d| d.contains(&file) && d.contains("ignored")),
        "{tampered}"
    );
    assert_eq!(
        doc_text(&b, &ns, card, "model-card"),
        b_head,
        "nothing of it is used"
    );
    ok(&b, &ns, &["audit", "verify", "--deep"]);

    // The laptop that holds the revision does not notice the edit on an ordinary sync (the tag
    // still matches); `--verify` downloads what it holds, reports the edit and puts it back.
    let quiet = ok(&a, &ns, &["sync", "--json"]).json();
    assert_eq!(quiet["conflicts"], serde_json::json!([]), "{quiet}");
    let checked = run(&a, &ns, None, &["sync", "--verify", "--json"]);
    assert_eq!(checked.code, 1, "{}", checked.stderr);
    let report = checked.json();
    let found: Vec<&serde_json::Value> = report["conflicts"]
        .as_array()
        .map(|c| c.iter().filter(|c| c["kind"] == "tampered").collect())
        .unwrap_or_default();
    assert_eq!(found.len(), 1, "only the edited revision: {report}");
    assert!(
        found[0]["detail"].as_str().is_some_and(
            |d| d.contains(&file) && d.contains("changed in the registry after it was pushed")
        ),
        "{report}"
    );
    let restored = server.python(&format!(
        r#"
import json, os, urllib.request
u = os.environ["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow-artifacts/artifacts/{folder}/{file}"
print(json.dumps(json.load(urllib.request.urlopen(u))["content"]))
"#
    ));
    assert!(
        restored
            .as_str()
            .is_some_and(|t| t.contains("One more line.")),
        "the workspace's bytes are back: {restored}"
    );
    // Now it verifies, and the other laptop takes it.
    let pulled = ok(&b, &ns, &["sync", "--pull", "--json"]).json();
    assert_eq!(pulled["pulled_revisions"], 1, "{pulled}");
    assert!(doc_text(&b, &ns, card, "model-card").contains("One more line."));
    let again = ok(&a, &ns, &["sync", "--verify", "--json"]).json();
    assert_eq!(
        again["conflicts"],
        serde_json::json!([]),
        "nothing else differs: {again}"
    );
}

/// Three syncs of one workspace started together take turns: the registry ends with each
/// version once (before the turn, they created 37 duplicates of 459 versions this way), and
/// the ones that waited say so.
#[test]
fn syncs_of_one_workspace_at_once_take_turns() {
    let server = Mlflow::start();
    let ns = namespace("turns");
    let a = Steward::new();
    ok(&a, &ns, &["demo", "--scale", "10"]);
    ok(&a, &ns, &["registry", "set", &server.url]);
    // A request that cannot run is refused at once, not after waiting for the turn.
    {
        let turn = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(a.workspace().join("sync.lock"))
            .expect("open sync.lock");
        turn.lock().expect("hold the sync turn");
        let mut cmd = registry::command(&a, &["sync", "--pull", "--restore"]);
        cmd.env("STEWARD_KEYRING_NAMESPACE", &ns)
            .env("STEWARD_KEYRING_BACKEND", "keyutils")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("start a sync");
        let start = std::time::Instant::now();
        while child.try_wait().expect("poll").is_none() {
            if start.elapsed() > std::time::Duration::from_secs(20) {
                let _ = child.kill();
                panic!("`sync --pull --restore` waited for the turn instead of refusing");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let r = Run::from(child.wait_with_output().expect("ends"));
        assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("a pull alone never writes"),
            "{}",
            r.stderr
        );
    }
    let children: Vec<_> = (0..3)
        .map(|_| {
            let mut cmd = registry::command(&a, &["sync", "--push"]);
            cmd.env("STEWARD_KEYRING_NAMESPACE", &ns)
                .env("STEWARD_KEYRING_BACKEND", "keyutils")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            cmd.spawn().expect("start a sync")
        })
        .collect();
    let runs: Vec<Run> = children
        .into_iter()
        .map(|c| Run::from(c.wait_with_output().expect("sync ends")))
        .collect();
    for r in &runs {
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    }
    assert!(
        runs.iter().any(|r| r
            .stderr
            .contains("another sync of this workspace is running")),
        "no sync waited: {:?}",
        runs.iter().map(|r| &r.stderr).collect::<Vec<_>>()
    );
    let counts = server.python(
        "import json\nfrom mlflow import MlflowClient\nc = MlflowClient()\nout = {}\nfor m in c.search_registered_models():\n    vs = c.search_model_versions(f\"name='{m.name}'\")\n    out[m.name] = [len(vs), len({v.tags.get('steward.version') for v in vs})]\nprint(json.dumps(out))",
    );
    let counts = counts.as_object().expect("models");
    assert_eq!(counts.len(), 13, "{counts:?}");
    for (model, c) in counts {
        assert_eq!(c[0], c[1], "{model}: versions vs distinct steward versions");
    }
    let again = ok(&a, &ns, &["sync", "--push", "--json"]).json();
    assert_eq!(again["ops"], 0, "{again}");
}

/// A second demo in the same keyring namespace uses the reviewers' keys again, so the first
/// demo's people can still sign (a fresh key per load left its roster naming keys that were
/// gone from the keyring).
#[test]
fn a_second_demo_keeps_the_first_demos_reviewers_able_to_sign() {
    let ns = namespace("twodemos");
    let demo_ns = format!("{ns}-demo");
    let (first, second) = (Steward::new(), Steward::new());
    ok(&first, &ns, &["demo"]);
    ok(&second, &ns, &["demo"]);
    for s in [&first, &second] {
        let r = run(
            s,
            &demo_ns,
            Some("tom@companyos.example"),
            &[
                "approve",
                "summarize-copilot@1.3.0-15",
                "--role",
                "sre",
                "--to",
                "canary",
            ],
        );
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    }
}
