//! Registry sync against a real MLflow server running its basic-auth app (issue 11): a user
//! MLflow's own auth API lets only READ a registered model is reported read-only by
//! `steward registry test`, and its push is refused before any write with an error naming the
//! server, the model and what to do — nothing changes locally (the outbox keeps its rows with
//! the error) or remotely; a wrong password is refused as clearly; the admin then pushes.

use steward_tests::mlflow::{Mlflow, ADMIN, ADMIN_PASSWORD};
use steward_tests::registry::{self, StoredSecret};
use steward_tests::{Run, Steward, LIFECYCLE_ONLY_POLICY};

fn run(s: &Steward, args: &[&str]) -> Run {
    registry::output(registry::command(s, args))
}

fn ok(s: &Steward, args: &[&str]) -> Run {
    let r = run(s, args);
    assert_eq!(r.code, 0, "steward {args:?}: {}{}", r.stdout, r.stderr);
    r
}

fn login(s: &Steward, user: &str, password: &str) {
    let mut cmd = registry::command(s, &["registry", "login", "--user", user]);
    cmd.env("STEWARD_REGISTRY_SECRET", password);
    let r = registry::output(cmd);
    assert_eq!(r.code, 0, "login as {user}: {}{}", r.stdout, r.stderr);
}

fn promote(s: &Steward, version: &str, digit: char) {
    let digest = format!("sha256:{}", digit.to_string().repeat(64));
    s.ok(&[
        "version",
        "add",
        "scorer",
        version,
        "--bundle-digest",
        &digest,
    ]);
    s.ok(&[
        "stage",
        "set",
        &format!("scorer@{version}"),
        "candidate",
        "--reason",
        "ready for review",
    ]);
}

/// The registry's side of `scorer` through MLflow's REST API as the admin (plain urllib:
/// importing MLflow's client costs seconds per call on a loaded machine).
const READ_BACK: &str = r#"
import json, os, urllib.request, urllib.parse, base64
base = os.environ["MLFLOW_TRACKING_URI"]
token = base64.b64encode((os.environ["MLFLOW_TRACKING_USERNAME"] + ":" + os.environ["MLFLOW_TRACKING_PASSWORD"]).encode()).decode()
def get(route, **q):
    req = urllib.request.Request(base + route + "?" + urllib.parse.urlencode(q))
    req.add_header("Authorization", "Basic " + token)
    return json.load(urllib.request.urlopen(req))
m = get("/api/2.0/mlflow/registered-models/get", name="scorer")["registered_model"]
versions = get("/api/2.0/mlflow/model-versions/search", filter="name='scorer'").get("model_versions", [])
tags = {v["version"]: {t["key"]: t["value"] for t in v.get("tags", [])} for v in versions}
print(json.dumps({
    "versions": sorted(t.get("steward.version") for t in tags.values()),
    "aliases": {a["alias"]: tags[a["version"]].get("steward.version") for a in m.get("aliases", [])},
    "tags": tags,
    "records_2": sorted(f["path"] for f in get("/api/2.0/mlflow-artifacts/artifacts", path="steward/scorer/1.0.1-2/records").get("files", [])),
}, sort_keys=True))
"#;

fn waiting(s: &Steward) -> Vec<serde_json::Value> {
    ok(s, &["sync", "status", "--json"]).json()["waiting"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn a_read_only_user_is_refused_before_any_write_and_the_admin_pushes() {
    let server = Mlflow::start_with_auth();
    let s = Steward::with_signer("sync-auth", LIFECYCLE_ONLY_POLICY);
    let ns = s
        .signer_namespace()
        .expect("a signer's namespace")
        .to_string();
    let _secret = StoredSecret::new(&ns, &server.url);
    s.ok(&["model", "add", "scorer", "--owner", "ann@example.org"]);
    promote(&s, "1.0.0-1", '1');
    ok(&s, &["registry", "set", &server.url]);

    // Anonymous: the auth app refuses before anything is read.
    let anonymous = run(&s, &["sync", "--push"]);
    assert_eq!(anonymous.code, 1, "{}", anonymous.stderr);
    assert!(
        anonymous
            .stderr
            .contains("refused the credentials (HTTP 401)")
            && anonymous.stderr.contains("no credential"),
        "{}",
        anonymous.stderr
    );

    login(&s, ADMIN, ADMIN_PASSWORD);
    let admin = ok(&s, &["registry", "test", "--json"]).json();
    assert_eq!(admin["credential"], "user admin");
    assert!(
        admin["permissions"]
            .as_str()
            .is_some_and(|p| p.starts_with("admin: admin may read and write")),
        "{admin}"
    );
    ok(&s, &["sync", "--push"]);
    assert!(waiting(&s).is_empty());

    // MLflow's own auth API: a user who may only read the model.
    let granted = server.python(
        r#"
import json, os
from mlflow.server import get_app_client
c = get_app_client("basic-auth", tracking_uri=os.environ["MLFLOW_TRACKING_URI"])
c.create_user("reader", "reader-password-1234")
c.grant_user_permission("reader", "registered_model", "scorer", "READ")
print(json.dumps(c.get_user_permission("reader", "registered_model", "scorer").permission))
"#,
    );
    assert_eq!(granted, "READ");

    // A second promotion waits for the registry.
    promote(&s, "1.0.1-2", '2');
    assert_eq!(waiting(&s).len(), 1);
    login(&s, "reader", "reader-password-1234");
    let test = ok(&s, &["registry", "test", "--json"]).json();
    assert_eq!(test["credential"], "user reader");
    assert!(
        test["permissions"]
            .as_str()
            .is_some_and(|p| p.starts_with("read-only: reader holds READ on scorer")),
        "registry test reports the permission as read-only: {test}"
    );
    let human = ok(&s, &["registry", "test"]).stdout;
    assert!(human.contains("permission read-only"), "{human}");

    let remote_before = server.python(READ_BACK);
    assert_eq!(remote_before["versions"], serde_json::json!(["1.0.0-1"]));
    let local_before = (
        ok(&s, &["release", "list", "scorer", "--json"]).stdout,
        ok(&s, &["model", "list", "--json"]).stdout,
        ok(&s, &["version", "list", "scorer", "--json"]).stdout,
    );

    let refused = run(&s, &["sync", "--push"]);
    assert_eq!(refused.code, 1, "{}{}", refused.stdout, refused.stderr);
    let url = format!("{}/", server.url);
    for needle in [
        url.as_str(),
        "lets user reader only READ registered model scorer",
        "ask the registry's admin to grant reader EDIT on scorer",
        "steward registry login --user",
        "nothing was sent, the changes wait in the outbox",
    ] {
        assert!(
            refused.stderr.contains(needle),
            "the refusal names {needle:?}: {}",
            refused.stderr
        );
    }
    // Nothing changed remotely: no version, tag, alias or envelope.
    assert_eq!(server.python(READ_BACK), remote_before);
    // Nothing lost locally: the record still waits, with the error; the rest is as it was.
    let rows = waiting(&s);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["kind"], "release-record");
    assert_eq!(rows[0]["subject"], "scorer@1.0.1-2");
    assert!(
        rows[0]["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("only READ registered model scorer")),
        "{rows:?}"
    );
    let local_after = (
        ok(&s, &["release", "list", "scorer", "--json"]).stdout,
        ok(&s, &["model", "list", "--json"]).stdout,
        ok(&s, &["version", "list", "scorer", "--json"]).stdout,
    );
    assert_eq!(local_after, local_before);
    ok(&s, &["audit", "verify", "--deep"]);

    // A wrong password is named as such, for the test and for a push.
    login(&s, "reader", "not-the-password");
    for args in [&["registry", "test"][..], &["sync", "--push"][..]] {
        let r = run(&s, args);
        assert_eq!(r.code, 1, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains(&url)
                && r.stderr.contains("refused the credentials (HTTP 401)")
                && r.stderr.contains("the password of user reader")
                && r.stderr.contains("steward registry login"),
            "{args:?}: {}",
            r.stderr
        );
    }
    assert_eq!(waiting(&s).len(), 1);
    assert_eq!(server.python(READ_BACK), remote_before);

    // The admin pushes what waited.
    login(&s, ADMIN, ADMIN_PASSWORD);
    let pushed = ok(&s, &["sync", "--push", "--json"]).json();
    assert_eq!(pushed["versions_created"], 1, "{pushed}");
    assert!(waiting(&s).is_empty());
    let after = server.python(READ_BACK);
    assert_eq!(after["versions"], serde_json::json!(["1.0.0-1", "1.0.1-2"]));
    assert_eq!(after["aliases"]["candidate"], "1.0.1-2");
    assert_eq!(after["records_2"].as_array().map(Vec::len), Some(1));
}
