//! Journeys through the real `steward` binary, as a new user would take them.

use sha2::{Digest, Sha256};
use steward_tests::Steward;

fn sha256_hex(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// Everything a user can see of the workspace, to prove a failed command changed nothing.
fn snapshot(s: &Steward) -> String {
    let models = s.ok(&["model", "list", "--json"]).stdout;
    let audit = s.ok(&["audit", "log", "--json"]).stdout;
    format!("{models}\n{audit}")
}

#[test]
fn a_model_from_first_version_to_rollback() {
    let s = Steward::with_signer("lifecycle", steward_tests::LIFECYCLE_ONLY_POLICY);
    let empty = s.ok(&["model", "list"]);
    assert!(
        empty.stdout.contains("steward demo"),
        "empty state says what to do: {}",
        empty.stdout
    );
    s.ok(&[
        "model",
        "add",
        "copilot",
        "--owner",
        "maya@example.com",
        "--title",
        "Co-pilot",
        "--risk-tier",
        "high",
    ]);

    let bundle = b"pretend this is a model bundle".repeat(50_000);
    std::fs::write(s.path("bundle.tar"), &bundle).expect("write bundle");
    std::fs::write(s.path("config.yaml"), "temperature: 0.2\n").expect("write config");
    let bundle_path = s.path("bundle.tar").display().to_string();
    let config_path = s.path("config.yaml").display().to_string();
    s.ok(&[
        "version",
        "add",
        "copilot",
        "1.0.0-1",
        "--bundle",
        &bundle_path,
        "--commit",
        "3f9c2a1e7b",
        "--config",
        &config_path,
    ]);
    let shown = s
        .ok(&["version", "show", "copilot@1.0.0-1", "--json"])
        .json();
    assert_eq!(shown["artifacts"]["bundle_digest"], sha256_hex(&bundle));
    assert_eq!(
        shown["artifacts"]["config_digest"],
        sha256_hex(b"temperature: 0.2\n")
    );
    assert_eq!(shown["artifacts"]["code_commit"], "3f9c2a1e7b");
    assert_eq!(shown["stage"], "experiment");

    assert_eq!(
        s.ok(&["version", "next", "copilot", "--change", "data"])
            .stdout
            .trim(),
        "1.1.0-2"
    );
    assert_eq!(
        s.ok(&["version", "next", "copilot", "--change", "architecture"])
            .stdout
            .trim(),
        "2.0.0-2"
    );
    assert_eq!(
        s.ok(&["version", "next", "copilot", "--change", "fix"])
            .stdout
            .trim(),
        "1.0.1-2"
    );

    let data = s.path("data");
    std::fs::create_dir_all(data.join("eval")).expect("mkdir");
    std::fs::write(data.join("train.csv"), "a,b\n1,2\n").expect("write");
    std::fs::write(data.join("eval/golden.csv"), "a,b\n3,4\n").expect("write");
    let snap = s.snapshot_tickets(&data, &[]);
    let files = snap["files"].as_array().expect("files");
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["path"], "eval/golden.csv");
    assert_eq!(files[0]["sha256"], sha256_hex(b"a,b\n3,4\n"));
    assert_eq!(
        snap["summary"]["missing_provenance"],
        serde_json::json!(["consent", "retention", "personal-data"])
    );
    let human = s.ok(&["dataset", "show", "tickets@2026-11-01"]).stdout;
    assert!(human.contains("consent        MISSING"), "{human}");

    s.ok(&[
        "version",
        "link-dataset",
        "copilot@1.0.0-1",
        "tickets@2026-11-01",
    ]);
    for stage in ["candidate", "canary", "production"] {
        s.ok(&[
            "stage",
            "set",
            "copilot@1.0.0-1",
            stage,
            "--reason",
            "journey",
        ]);
    }
    s.ok(&[
        "version",
        "add",
        "copilot",
        "1.1.0-2",
        "--bundle-digest",
        &sha256_hex(b"v2"),
    ]);
    for stage in ["candidate", "canary"] {
        s.ok(&["stage", "set", "copilot@1.1.0-2", stage]);
    }
    let promoted = s
        .ok(&["stage", "set", "copilot@1.1.0-2", "production", "--json"])
        .json();
    assert_eq!(promoted["changes"][1]["version"], "1.0.0-1");
    assert_eq!(promoted["changes"][1]["to"], "rollback-target");

    let model = s.ok(&["model", "show", "copilot", "--json"]).json();
    assert_eq!(model["production"], "1.1.0-2");
    assert_eq!(model["rollback_target"], "1.0.0-1");
    let versions: Vec<&str> = model["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| v["version"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(versions, ["1.1.0-2", "1.0.0-1"]);

    let rollback = s
        .ok(&[
            "stage",
            "set",
            "copilot@1.0.0-1",
            "production",
            "--reason",
            "p99 regression",
            "--incident",
            "INC-7",
            "--json",
        ])
        .json();
    assert_eq!(rollback["changes"][0]["kind"], "rollback");
    assert_eq!(rollback["release"]["incident"], "INC-7");
    assert_eq!(rollback["release"]["kind"], "rollback");
    assert_eq!(rollback["changes"][1]["to"], "deprecated");
    let listed = s.ok(&["version", "list", "copilot"]).stdout;
    assert!(
        listed.contains("1.0.0-1") && listed.contains("production"),
        "{listed}"
    );

    let verify = s.ok(&["audit", "verify"]);
    assert!(
        verify.stdout.contains("audit chain ok"),
        "{}",
        verify.stdout
    );
    let log = s.ok(&["audit", "log", "--json"]).json();
    let actions: Vec<&str> = log
        .as_array()
        .expect("log")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or(""))
        .collect();
    // Each move into canary or production also moved the traffic dial (its flag file).
    assert_eq!(actions.len(), 19, "{actions:?}");
    assert_eq!(actions.first(), Some(&"traffic.change"));
    assert_eq!(
        actions.iter().filter(|a| **a == "traffic.change").count(),
        5
    );
    assert_eq!(actions.last(), Some(&"roster.change"));

    // Every promotion and the rollback left a signed record, chained, with its N-1.
    let releases = s.ok(&["release", "verify", "copilot", "--json"]).json();
    assert_eq!(releases["ok"], true, "{releases}");
    let records = releases["records"].as_array().expect("records");
    let kinds: Vec<(&str, &str, &str)> = records
        .iter()
        .map(|r| {
            (
                r["version"].as_str().unwrap_or(""),
                r["to"].as_str().unwrap_or(""),
                r["kind"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("1.0.0-1", "candidate", "promote"),
            ("1.0.0-1", "canary", "promote"),
            ("1.0.0-1", "production", "promote"),
            ("1.1.0-2", "candidate", "promote"),
            ("1.1.0-2", "canary", "promote"),
            ("1.1.0-2", "production", "promote"),
            ("1.0.0-1", "production", "rollback"),
        ]
    );
    assert_eq!(records[5]["rollback_target"], "1.0.0-1");
    assert_eq!(records[6]["incident"], "INC-7");
    for pair in records.windows(2) {
        assert_eq!(pair[1]["previous"], pair[0]["digest"], "the chain links");
    }
    assert_eq!(log[0]["actor"], "journey-tester");
}

#[test]
fn the_demo_workspace_is_listed_and_loads_once() {
    let s = Steward::new();
    let loaded = s.ok(&["demo"]);
    assert!(
        loaded
            .stdout
            .contains("3 models, 9 versions, 4 dataset snapshots"),
        "{}",
        loaded.stdout
    );
    let list = s.ok(&["model", "list"]).stdout;
    assert!(
        list.contains("summarize-copilot")
            && list.contains("production 1.1.0-8")
            && list.contains("rollback-target 1.0.0-3"),
        "{list}"
    );
    let copilot = s
        .ok(&["model", "show", "summarize-copilot", "--json"])
        .json();
    let stages: Vec<&str> = copilot["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| v["stage"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        stages,
        [
            "experiment",
            "candidate",
            "canary",
            "production",
            "rollback-target"
        ]
    );
    let meeting = s
        .ok(&["dataset", "show", "meeting-notes@2026-09-15", "--json"])
        .json();
    // Its consent basis and retention are recorded: the canary 1.2.0-12 is trained on it.
    assert_eq!(
        meeting["summary"]["missing_provenance"],
        serde_json::json!([])
    );
    let support = s
        .ok(&["dataset", "show", "support-threads@2026-10-01", "--json"])
        .json();
    assert_eq!(
        support["summary"]["missing_provenance"],
        serde_json::json!([])
    );
    s.ok(&["audit", "verify"]);
    let before = snapshot(&s);
    s.fails(1, &["demo"], "already loaded");
    assert_eq!(snapshot(&s), before);
    let filtered = s
        .ok(&["model", "list", "--stage", "canary", "--json"])
        .json();
    assert_eq!(filtered.as_array().map(Vec::len), Some(1));
    let searched = s
        .ok(&["model", "list", "--search", "ROUTES", "--json"])
        .json();
    assert_eq!(searched[0]["name"], "ticket-router");
}

#[test]
fn bad_input_gets_a_clear_error_and_changes_nothing() {
    let s = Steward::new();
    s.ok(&["demo"]);
    let before = snapshot(&s);
    let missing = s.path("nope.tar").display().to_string();
    let cases: &[(&[&str], &str)] = &[
        (
            &["version", "add", "summarize-copilot", "1.2"],
            "build number is missing",
        ),
        (
            &["version", "add", "summarize-copilot", "1.x.0-3"],
            "minor \"x\" is not a whole number",
        ),
        (
            &["version", "add", "summarize-copilot", "01.0.0-3"],
            "leading zero",
        ),
        (
            &["version", "add", "summarize-copilot", "1.1.0-8"],
            "summarize-copilot@1.1.0-8 already exists",
        ),
        (
            &[
                "version",
                "add",
                "summarize-copilot",
                "9.0.0-1",
                "--bundle",
                &missing,
            ],
            "nope.tar",
        ),
        (
            &[
                "version",
                "add",
                "summarize-copilot",
                "9.0.0-1",
                "--commit",
                "xyz",
            ],
            "invalid commit",
        ),
        (
            &[
                "version",
                "add",
                "summarize-copilot",
                "9.0.0-1",
                "--bundle-digest",
                "sha256:abc",
            ],
            "sha256 digest",
        ),
        (
            &["version", "add", "no-such-model", "1.0.0-1"],
            "no model named \"no-such-model\"",
        ),
        (
            &["model", "add", "Bad Name", "--owner", "x"],
            "invalid model name",
        ),
        (
            &["model", "add", "summarize-copilot", "--owner", "x"],
            "already exists",
        ),
        (
            &[
                "model",
                "add",
                "fresh",
                "--owner",
                "x",
                "--risk-tier",
                "critical",
            ],
            "one of low, medium, high",
        ),
        (
            &["stage", "set", "summarize-copilot@2.0.0-17", "production"],
            "promote to candidate first",
        ),
        (
            &["stage", "set", "summarize-copilot@2.0.0-17", "production"],
            "allowed from experiment: candidate (promote), deprecated (deprecate)",
        ),
        (
            &["stage", "set", "churn-scorer@0.9.0-2", "candidate"],
            "frozen for reference",
        ),
        (
            &[
                "stage",
                "set",
                "summarize-copilot@1.2.0-12",
                "rollback-target",
            ],
            "only when a newer version is promoted",
        ),
        (
            &["stage", "set", "summarize-copilot@1.2.0-12", "staging"],
            "one of experiment, candidate",
        ),
        (
            &["stage", "set", "summarize-copilot", "canary"],
            "not MODEL@VERSION",
        ),
        (
            &["stage", "set", "summarize-copilot@9.9.9-9", "canary"],
            "has no version 9.9.9-9",
        ),
        (
            &[
                "dataset",
                "snapshot",
                &missing,
                "--name",
                "x",
                "--version",
                "v1",
            ],
            "nope.tar",
        ),
        (
            &["dataset", "show", "nothing@v1"],
            "no dataset snapshot nothing@v1",
        ),
        (
            &[
                "version",
                "link-dataset",
                "summarize-copilot@1.1.0-8",
                "support-threads@2026-10-01",
            ],
            "already linked",
        ),
        (
            &[
                "version",
                "next",
                "summarize-copilot",
                "--change",
                "refactor",
            ],
            "architecture, data, config, fix",
        ),
        (&["model", "frobnicate"], "unrecognized subcommand"),
    ];
    for (args, needle) in cases {
        s.fails(1, args, needle);
    }
    // A second snapshot of an existing NAME@VERSION, from a real folder.
    let data = s.path("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    std::fs::write(data.join("x.csv"), "x").expect("write");
    s.fails(
        1,
        &[
            "dataset",
            "snapshot",
            &data.display().to_string(),
            "--name",
            "support-threads",
            "--version",
            "2026-10-01",
        ],
        "already exists",
    );
    let empty = s.path("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    s.fails(
        1,
        &[
            "dataset",
            "snapshot",
            &empty.display().to_string(),
            "--name",
            "e",
            "--version",
            "v1",
        ],
        "holds no files",
    );
    assert_eq!(
        snapshot(&s),
        before,
        "failed commands must not change the workspace"
    );
}

#[test]
fn a_missing_workspace_says_how_to_create_one() {
    let s = Steward::new();
    s.fails(1, &["model", "list"], "run `steward init`");
    assert!(
        !s.workspace().exists(),
        "reading must not create the workspace"
    );
}

#[test]
fn a_corrupted_database_exits_2_and_is_left_as_it_was() {
    let s = Steward::new();
    s.ok(&["init"]);
    let garbage = b"definitely not sqlite ".repeat(500);
    std::fs::remove_file(s.db()).expect("remove");
    std::fs::write(s.db(), &garbage).expect("write garbage");
    let run = s.fails(2, &["model", "list"], "unreadable or corrupted");
    assert!(run.stderr.contains("steward.db"), "{}", run.stderr);
    assert_eq!(std::fs::read(s.db()).expect("read"), garbage);
}

#[test]
fn a_database_from_a_newer_steward_is_refused() {
    let s = Steward::new();
    s.ok(&["demo"]);
    let conn = rusqlite::Connection::open(s.db()).expect("raw open");
    conn.execute("INSERT INTO schema_migrations (id, name, applied_at, sha256) VALUES ('29991231000000', 'future', 'x', 'x')", [])
        .expect("insert");
    drop(conn);
    s.fails(1, &["model", "list"], "written by a newer Steward");
}

#[test]
fn audit_verify_names_the_tampered_entry() {
    let s = Steward::new();
    s.ok(&["demo"]);
    let conn = rusqlite::Connection::open(s.db()).expect("raw open");
    let refused = conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 12", []);
    assert!(
        refused.is_err(),
        "the append-only trigger refuses a plain edit"
    );
    conn.execute_batch("DROP TRIGGER audit_log_append_only_update")
        .expect("drop trigger");
    conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 12", [])
        .expect("tamper");
    drop(conn);
    let run = s.fails(2, &["audit", "verify"], "audit chain broken at entry 12");
    assert!(
        run.stderr.contains("do not match the stored hash"),
        "{}",
        run.stderr
    );
    let json = s.run(&["audit", "verify", "--json"]);
    assert_eq!(json.code, 2);
    assert_eq!(json.json()["first_broken"]["seq"], 12);
}

/// Regression: `steward … | head` panicked with "failed printing to stdout: Broken pipe".
#[test]
fn a_closed_output_pipe_ends_quietly() {
    let s = Steward::new();
    s.ok(&["demo", "--scale", "200"]);
    let mut child = s
        .command(&["audit", "log", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn steward");
    // Close the reading end before the answer (far larger than a pipe buffer) is written.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn model_list_pages_and_searches() {
    let s = Steward::new();
    s.ok(&["demo", "--scale", "30"]);
    let names = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["model", "list", "--json"];
        all.extend_from_slice(args);
        s.ok(&all)
            .json()
            .as_array()
            .expect("list")
            .iter()
            .map(|m| m["name"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let everything = names(&[]);
    assert_eq!(everything.len(), 33);
    // Pages are slices of the same order.
    let page = names(&["--limit", "5", "--offset", "10"]);
    assert_eq!(page, everything[10..15]);
    // Search is a case-insensitive substring, through the index and below it.
    assert_eq!(names(&["--search", "PERF-MODEL-0001"]).len(), 10);
    assert_eq!(names(&["--search", "no such model"]), Vec::<String>::new());
    assert_eq!(names(&["--search", "fraud", "--limit", "2"]).len(), 2);
    // A filter that matches nothing is not an empty workspace, and says so.
    let none = s.ok(&[
        "model",
        "list",
        "--search",
        "no such model",
        "--stage",
        "canary",
    ]);
    assert!(
        none.stdout
            .contains("no models match the search \"no such model\", stage canary (33 in"),
        "{}",
        none.stdout
    );
    assert!(
        !none.stdout.contains("steward model add"),
        "{}",
        none.stdout
    );
    let past = s.ok(&["model", "list", "--offset", "40"]);
    assert!(
        past.stdout.contains("no models after skipping 40 (33 in"),
        "{}",
        past.stdout
    );
}
