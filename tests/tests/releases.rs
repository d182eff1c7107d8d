//! Journeys of gated promotions and their signed release records through the real binary:
//! a failing gate refuses the move and names what would make it pass, a gate that changed
//! since it was shown is refused, waivers need both roles and an unexpired date, every record
//! verifies with securesystemslib and the public key alone, tampering with a record, its chain
//! or its signer is named by `release verify`, rollback is one action, and a linked git
//! repository gets an annotated tag per record (or the record says why not).

use std::process::Command;

use rusqlite::Connection;
use steward_tests::{Steward, LIFECYCLE_ONLY_POLICY, SIGNER};

const BUNDLE: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

/// A policy whose candidate gate asks for a config file (and nothing else).
const CONFIG_POLICY: &str = r#"format = "steward.policy/v1"
name = "needs-config"

[canary]
traffic_share_below_percent = 5.0
flagged_tenants_allowed = true
shadow_mode_required = true
min_duration_hours = 48
kpis = []

[stages.candidate]
documents = []
approvals = []

[[stages.candidate.criteria]]
id = "candidate.artifacts.config"
category = "artifacts"
seed = "§1 Lifecycle — Candidate"
checklist = 1
evidence = "config"
"#;

fn with_versions(test: &str, policy: &str, commit: Option<&str>) -> Steward {
    let s = Steward::with_signer(test, policy);
    s.ok(&["model", "add", "copilot", "--owner", "ml@example.com"]);
    let second = format!("sha256:{}", "3".repeat(64));
    for (v, digest) in [("1.0.0-1", BUNDLE), ("1.1.0-2", second.as_str())] {
        let mut args = vec!["version", "add", "copilot", v, "--bundle-digest", digest];
        if let Some(c) = commit {
            args.extend(["--commit", c]);
        }
        s.ok(&args);
    }
    s
}

fn promote_to_production(s: &Steward, target: &str) {
    for stage in ["candidate", "canary", "production"] {
        s.ok(&["stage", "set", target, stage, "--reason", "journey"]);
    }
}

fn releases(s: &Steward) -> serde_json::Value {
    s.run(&["release", "verify", "copilot", "--json"]).json()
}

#[test]
fn a_failing_gate_refuses_the_move_and_a_changed_gate_is_not_promoted_unseen() {
    let s = with_versions("refuse", CONFIG_POLICY, None);
    let refused = s.fails(
        1,
        &["stage", "set", "copilot@1.0.0-1", "candidate"],
        "the gate refuses copilot@1.0.0-1 to candidate",
    );
    assert!(
        refused
            .stderr
            .contains("candidate.artifacts.config (missing-evidence)")
            && refused.stderr.contains("needs"),
        "names the check and what it needs: {}",
        refused.stderr
    );
    let shown = s
        .ok(&["version", "show", "copilot@1.0.0-1", "--json"])
        .json();
    assert_eq!(shown["stage"], "experiment", "nothing moved");
    assert_eq!(releases(&s)["records"], serde_json::json!([]));

    // A pipeline pins the gate it checked: a different decision now is refused.
    s.fails(
        1,
        &[
            "stage",
            "set",
            "copilot@1.0.0-1",
            "candidate",
            "--gate-digest",
            "sha256:0000000000000000000000000000000000000000000000000000000000000000",
        ],
        "changed since it was shown",
    );
    // Demotion is not gated and writes no record.
    let free = with_versions("demote", LIFECYCLE_ONLY_POLICY, None);
    free.ok(&["stage", "set", "copilot@1.0.0-1", "candidate"]);
    free.ok(&["stage", "set", "copilot@1.0.0-1", "experiment"]);
    let l = releases(&free);
    assert_eq!(l["records"].as_array().map(Vec::len), Some(1), "{l}");
}

#[test]
fn waivers_need_both_roles_and_a_future_expiry() {
    let s = with_versions("waive", CONFIG_POLICY, None);
    // The signer is the roster's root; grant it both waiver roles.
    let me = s.ok(&["key", "show", "--json"]).json();
    let keyid = me["keyid"].as_str().expect("keyid").to_string();
    // Before the roster grants the role, the key may not sign a waiver for it.
    s.fails(
        1,
        &[
            "waive",
            "copilot@1.0.0-1",
            "--check",
            "candidate.artifacts.config",
            "--role",
            "model-owner",
            "--rationale",
            "x",
            "--expires",
            "2099-01-01",
        ],
        "does not hold the role model-owner",
    );
    for role in ["responsible-ai-legal", "model-owner"] {
        s.ok(&["roster", "grant", &keyid, role]);
    }
    let check = "candidate.artifacts.config";
    s.fails(
        1,
        &[
            "waive",
            "copilot@1.0.0-1",
            "--check",
            check,
            "--role",
            "sre",
            "--rationale",
            "x",
            "--expires",
            "2099-01-01",
        ],
        "cannot waive a check",
    );
    s.fails(
        1,
        &[
            "waive",
            "copilot@1.0.0-1",
            "--check",
            check,
            "--role",
            "model-owner",
            "--rationale",
            "config lives in the bundle",
            "--expires",
            "2020-01-01",
        ],
        "is in the past",
    );
    s.fails(
        1,
        &[
            "waive",
            "copilot@1.0.0-1",
            "--check",
            "candidate.nope",
            "--role",
            "model-owner",
            "--rationale",
            "x",
            "--expires",
            "2099-01-01",
        ],
        "has no check",
    );
    s.ok(&[
        "waive",
        "copilot@1.0.0-1",
        "--check",
        check,
        "--role",
        "model-owner",
        "--rationale",
        "config is baked into the bundle for this build",
        "--expires",
        "2099-01-01",
    ]);
    // One role is not enough.
    let gate = s.run(&["gate", "copilot@1.0.0-1", "--to", "candidate", "--json"]);
    assert_eq!(gate.code, 1);
    let report = gate.json();
    let c = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["id"] == check)
        .expect("check")
        .clone();
    assert_eq!(c["status"], "missing-evidence", "{c}");
    assert!(
        c.to_string()
            .contains("lacks a responsible-ai-legal signature"),
        "{c}"
    );
    s.ok(&[
        "waive",
        "copilot@1.0.0-1",
        "--check",
        check,
        "--role",
        "responsible-ai-legal",
        "--rationale",
        "accepted for this build only",
        "--expires",
        "2099-01-01",
    ]);
    let gate = s
        .ok(&["gate", "copilot@1.0.0-1", "--to", "candidate", "--json"])
        .json();
    assert_eq!(gate["passed"], true, "{gate}");
    let moved = s
        .ok(&["stage", "set", "copilot@1.0.0-1", "candidate", "--json"])
        .json();
    assert_eq!(
        moved["release"]["waived_checks"],
        serde_json::json!([check])
    );
    let listed = s.ok(&["waivers", "copilot@1.0.0-1", "--json"]).json();
    assert_eq!(listed.as_array().map(Vec::len), Some(2));
    assert!(listed
        .as_array()
        .expect("list")
        .iter()
        .all(|w| w["state"] == "current"));
    // Waivers are for one version only.
    s.fails(
        1,
        &["stage", "set", "copilot@1.1.0-2", "candidate"],
        "candidate.artifacts.config",
    );
}

const VERIFY_PY: &str = r#"
import json, sys
from securesystemslib.dsse import Envelope
from securesystemslib.signer import SSlibKey

key = json.load(open(sys.argv[1]))
k = SSlibKey(key["keyid"], key["keytype"], key["scheme"], {"public": key["keyval"]["public"]})
env = Envelope.from_dict(json.load(open(sys.argv[2])))
verified = env.verify([k], 1)
assert list(verified) == [key["keyid"]], verified
statement = json.loads(env.payload)
p = statement["predicate"]
print("verified", p["format"], p["model"], p["version"], p["to"], p["rollback_target"], statement["subject"][0]["name"])
"#;

#[test]
fn records_chain_verify_with_securesystemslib_and_rollback_is_one_action() {
    let python = std::env::var("STEWARD_PYTHON")
        .ok()
        .filter(|p| !p.is_empty())
        .expect("STEWARD_PYTHON is not set: run scripts/test.sh (it installs securesystemslib)");
    let s = with_versions("chain", LIFECYCLE_ONLY_POLICY, None);
    promote_to_production(&s, "copilot@1.0.0-1");
    promote_to_production(&s, "copilot@1.1.0-2");
    let l = releases(&s);
    assert_eq!(l["ok"], true, "{l}");
    assert_eq!(l["records"][5]["rollback_target"], "1.0.0-1");

    let env = s.path("record-6.json").display().to_string();
    s.ok(&["release", "export", "copilot", "6", "-o", &env]);
    let key = s.path("me.pub.json").display().to_string();
    s.ok(&["key", "export", "-o", &key]);
    let script = s.path("verify.py");
    std::fs::write(&script, VERIFY_PY).expect("script");
    let out = Command::new(&python)
        .arg(&script)
        .args([&key, &env])
        .output()
        .expect("python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "securesystemslib refused: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(
            "verified steward.release-record/v1 copilot 1.1.0-2 production 1.0.0-1 copilot@1.1.0-2"
        ),
        "{stdout}"
    );

    // No incident, no rollback.
    s.fails(
        1,
        &["rollback", "copilot", "--incident", " ", "--reason", "x"],
        "names the incident",
    );
    let rb = s
        .ok(&[
            "rollback",
            "copilot",
            "--incident",
            "INC-42",
            "--reason",
            "p99 doubled",
            "--json",
        ])
        .json();
    assert_eq!(rb["serving"], "1.0.0-1");
    assert_eq!(rb["rolled_back"], "1.1.0-2");
    assert_eq!(rb["release"]["incident"], "INC-42");
    assert_eq!(rb["release"]["seq"], 7);
    assert!(rb["elapsed_ms"].as_u64().is_some());
    let model = s.ok(&["model", "show", "copilot", "--json"]).json();
    assert_eq!(model["production"], "1.0.0-1");
    // Nothing left to roll back to.
    s.fails(
        1,
        &[
            "rollback",
            "copilot",
            "--incident",
            "INC-43",
            "--reason",
            "again",
        ],
        "no rollback target",
    );
    assert_eq!(releases(&s)["ok"], true);
}

fn tamper(s: &Steward, sql: &str) {
    let conn = Connection::open(s.db()).expect("db");
    conn.execute_batch(sql).expect("tamper");
}

#[test]
fn verify_names_an_edited_record_a_removed_link_and_a_signer_outside_the_roster() {
    let s = with_versions("tamper", LIFECYCLE_ONLY_POLICY, None);
    promote_to_production(&s, "copilot@1.0.0-1");
    assert_eq!(releases(&s)["ok"], true);

    // The triggers refuse edits made the ordinary way.
    let conn = Connection::open(s.db()).expect("db");
    let refused = conn
        .execute(
            "UPDATE release_records SET to_stage = 'canary' WHERE seq = 3",
            [],
        )
        .expect_err("immutable");
    assert!(refused.to_string().contains("immutable"), "{refused}");
    let refused = conn
        .execute("DELETE FROM release_records WHERE seq = 2", [])
        .expect_err("append-only");
    assert!(refused.to_string().contains("never deleted"), "{refused}");
    drop(conn);

    // Someone with the file drops the triggers and edits a record's envelope.
    tamper(
        &s,
        "DROP TRIGGER release_records_immutable; DROP TRIGGER release_records_append_only;
         UPDATE release_records SET envelope = replace(envelope, '\"payload\": \"', '\"payload\": \"e') WHERE seq = 2;",
    );
    let r = s.run(&["release", "verify", "copilot", "--json"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let l = r.json();
    assert_eq!(l["first_broken"]["seq"], 2, "{l}");
    assert_eq!(l["first_broken"]["part"], "signature", "{l}");
    let parts: Vec<&str> = l["records"][1]["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|p| p["part"].as_str())
        .collect();
    assert!(
        parts.contains(&"row"),
        "the stored digest no longer matches: {parts:?}"
    );
    // The deep verify names the row too, against the audit log.
    let deep = s.run(&["audit", "verify", "--deep", "--json"]);
    assert_eq!(deep.code, 2, "{}", deep.stdout);
    let deep = deep.json();
    assert!(
        deep["mismatches"]
            .as_array()
            .expect("mismatches")
            .iter()
            .any(|m| m["table"] == "release_records" && m["row"] == "copilot release 2"),
        "{deep}"
    );

    // A record removed from the chain.
    let s = with_versions("unlink", LIFECYCLE_ONLY_POLICY, None);
    promote_to_production(&s, "copilot@1.0.0-1");
    tamper(
        &s,
        "DROP TRIGGER release_records_append_only; DELETE FROM release_records WHERE seq = 2;",
    );
    let l = s.run(&["release", "verify", "copilot", "--json"]).json();
    assert_eq!(l["ok"], false);
    assert_eq!(l["first_broken"]["seq"], 3);
    assert_eq!(l["first_broken"]["part"], "chain");
    assert!(
        l["first_broken"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("record 2 is missing"),
        "{l}"
    );

    // A record signed in another workspace, by a key this roster does not hold, copied in.
    let other = with_versions("outsider", LIFECYCLE_ONLY_POLICY, None);
    other.ok(&["stage", "set", "copilot@1.0.0-1", "candidate"]);
    let s = with_versions("victim", LIFECYCLE_ONLY_POLICY, None);
    s.ok(&["stage", "set", "copilot@1.0.0-1", "candidate"]);
    let foreign: String = Connection::open(other.db())
        .expect("db")
        .query_row(
            "SELECT envelope FROM release_records WHERE seq = 1",
            [],
            |r| r.get(0),
        )
        .expect("envelope");
    let conn = Connection::open(s.db()).expect("db");
    conn.execute_batch("DROP TRIGGER release_records_immutable;")
        .expect("drop");
    conn.execute(
        "UPDATE release_records SET envelope = ?1, envelope_sha256 = ?2 WHERE seq = 1",
        (
            &foreign,
            format!(
                "sha256:{}",
                hex::encode(<sha2::Sha256 as sha2::Digest>::digest(foreign.as_bytes()))
            ),
        ),
    )
    .expect("swap");
    let l = s.run(&["release", "verify", "copilot", "--json"]).json();
    assert_eq!(l["first_broken"]["part"], "signer", "{l}");
    assert!(
        l["first_broken"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("not in the roster"),
        "{l}"
    );
    let _ = SIGNER;
}

fn git(dir: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn a_linked_repository_gets_an_annotated_tag_per_record_or_the_record_says_why_not() {
    let probe = Steward::new();
    let repo = probe.path("repo");
    std::fs::create_dir_all(&repo).expect("repo dir");
    git(&repo, &["init", "-q"]);
    std::fs::write(repo.join("train.py"), "print('train')\n").expect("file");
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "train"]);
    let head = git(&repo, &["rev-parse", "HEAD"]);

    let s = with_versions("tag", LIFECYCLE_ONLY_POLICY, Some(&head));
    s.fails(
        1,
        &[
            "model",
            "link-repo",
            "copilot",
            &s.path("nowhere").display().to_string(),
        ],
        "not inside a git repository",
    );
    s.ok(&["model", "link-repo", "copilot", &repo.display().to_string()]);
    let moved = s
        .ok(&["stage", "set", "copilot@1.0.0-1", "candidate", "--json"])
        .json();
    let tag = &moved["release"]["tag"];
    assert_eq!(tag["created"], true, "{moved}");
    assert_eq!(tag["tag"], "steward/copilot/1.0.0-1/candidate");
    let message = git(
        &repo,
        &["tag", "-l", "-n20", "steward/copilot/1.0.0-1/candidate"],
    );
    assert!(
        message.contains(moved["release"]["digest"].as_str().expect("digest")),
        "the tag carries the record digest: {message}"
    );
    assert_eq!(
        git(
            &repo,
            &["rev-list", "-n1", "steward/copilot/1.0.0-1/candidate"]
        ),
        head
    );

    // A commit the repository does not hold: the promotion is recorded, the tag is missing.
    let s = with_versions("notag", LIFECYCLE_ONLY_POLICY, Some("abcdef1234567"));
    s.ok(&["model", "link-repo", "copilot", &repo.display().to_string()]);
    let moved = s
        .ok(&["stage", "set", "copilot@1.0.0-1", "candidate", "--json"])
        .json();
    assert_eq!(moved["version"]["stage"], "candidate");
    assert_eq!(moved["release"]["tag"]["created"], false);
    assert!(
        moved["release"]["tag"]["detail"]
            .as_str()
            .unwrap_or("")
            .contains("abcdef1234567 is not in"),
        "{moved}"
    );
    let listed = s.ok(&["release", "list", "copilot"]).stdout;
    assert!(listed.contains("missing: commit abcdef1234567"), "{listed}");
}
