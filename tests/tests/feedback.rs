//! Feedback loops through the real binary (issue 12, point 4): feedback holding every kind of
//! personal data is imported, summarised per version and variant, queued, labelled, triaged
//! and exported as a dataset snapshot an evaluation run can name — and none of the personal
//! data is anywhere in the workspace's SQLite file or its WAL, nor in an error message.
//! Bad files are refused naming the line, and store nothing.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use steward_tests::Steward;

const MODEL: &str = "support-bot";

/// The personal data the feedback holds, one of each kind the redactor knows, plus a secret
/// the default policy's `api-key` pattern covers.
const PERSONAL: [&str; 9] = [
    "jane.roe@customer-mail.test",
    "+44 20 7946 0958",
    "(555) 123-4567",
    "4111 1111 1111 1111",
    "5555555555554444",
    "DE89 3704 0044 0532 0130 00",
    "203.0.113.77",
    "2001:db8::8a2e:370:7334",
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
];

/// Digits-only and compact spellings, so a store that dropped the spaces would still be
/// caught.
const COMPACT: [&str; 4] = [
    "4111111111111111",
    "DE89370400440532013000",
    "442079460958",
    "customer-mail",
];

/// RFC 3339 of `secs` since the epoch (civil-from-days, no clock crate here).
fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn hours_ago(h: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    rfc3339(now - h * 3600)
}

fn workspace() -> Steward {
    let s = Steward::new();
    s.ok(&["init"]);
    s.ok(&["model", "add", MODEL, "--owner", "owner-team"]);
    s.ok(&["version", "add", MODEL, "1.2.0-12"]);
    s.ok(&["version", "add", MODEL, "1.3.0-15"]);
    s
}

fn write_jsonl(s: &Steward, name: &str, items: &[Value]) -> String {
    let path = s.path(name);
    let text: String = items.iter().map(|v| format!("{v}\n")).collect();
    std::fs::write(&path, text).expect("write feedback");
    path.display().to_string()
}

/// Every byte of the workspace database and its WAL (and shared-memory index).
fn stored_bytes(s: &Steward) -> Vec<u8> {
    let mut all = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let p = format!("{}{suffix}", s.db().display());
        if Path::new(&p).exists() {
            all.extend(std::fs::read(&p).expect("read database file"));
        }
    }
    all
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

fn the_week(a: &str, b: &str) -> Vec<Value> {
    let p = PERSONAL;
    vec![
        json!({"id": "f-1", "at": hours_ago(2), "kind": "thumbs-up", "variant": a,
               "comment": format!("great, mail me at {}", p[0])}),
        json!({"id": "f-2", "at": hours_ago(3), "kind": "thumbs-down", "variant": a, "flagged": true,
               "input": format!("call me on {} or {}", p[1], p[2]),
               "output": "Sure, version 1.2.0-12 shipped on 2026-11-30, order 12345678.",
               "comment": "it ignored my question"}),
        json!({"id": "f-3", "at": hours_ago(5), "kind": "correction", "variant": b,
               "input": format!("charge card {} not {}", p[3], p[4]),
               "correction": format!("refund to IBAN {}", p[5])}),
        json!({"id": "f-4", "at": hours_ago(30), "kind": "override", "variant": b, "flagged": true,
               "output": format!("blocked login from {} and {}", p[6], p[7]),
               "comment": "agent overrode the block"}),
        json!({"id": p[0], "at": hours_ago(40), "kind": "thumbs-down", "variant": a, "safety": true,
               "output": format!("here is the key {}", p[8]),
               "comment": "it leaked a secret"}),
        // Older than a week: summarised, not triaged.
        json!({"id": "f-6", "at": hours_ago(24 * 9), "kind": "thumbs-down", "variant": a,
               "comment": "slow"}),
    ]
}

#[test]
fn feedback_is_redacted_summarised_queued_labelled_triaged_and_exported() {
    let s = workspace();
    let file = write_jsonl(&s, "week.jsonl", &the_week("concise", "detailed"));
    let imported = s
        .ok(&[
            "feedback",
            "import",
            &format!("{MODEL}@1.2.0-12"),
            &file,
            "--json",
        ])
        .json();
    assert_eq!(imported["items"], 6, "{imported}");
    // 9 personal values in texts plus the email used as an item id.
    assert_eq!(imported["redactions"], 10, "{imported}");
    assert_eq!(imported["max_tokens"], 512);
    // The same bytes again are refused by their digest.
    s.fails(
        1,
        &["feedback", "import", &format!("{MODEL}@1.2.0-12"), &file],
        "already imported",
    );

    // A CSV for the other version, all one variant.
    let csv = s.path("later.csv");
    std::fs::write(
        &csv,
        format!(
            "at,kind,comment,flagged,safety\n{},thumbs-up,fine,,\n{},thumbs-down,\"wrong, reach me: {}\",yes,no\n",
            hours_ago(1),
            hours_ago(1),
            PERSONAL[0]
        ),
    )
    .expect("write csv");
    let later = s
        .ok(&[
            "feedback",
            "import",
            &format!("{MODEL}@1.3.0-15"),
            &csv.display().to_string(),
            "--variant",
            "concise",
            "--json",
        ])
        .json();
    assert_eq!(
        (later["items"].as_u64(), later["redactions"].as_u64()),
        (Some(2), Some(1))
    );

    // Summaries per version and variant, newest version first.
    let summary = s.ok(&["feedback", "summary", MODEL, "--json"]).json();
    let rows: Vec<(String, String, u64)> = summary["variants"]
        .as_array()
        .expect("variants")
        .iter()
        .map(|v| {
            (
                v["version"].as_str().unwrap_or("").to_string(),
                v["variant"].as_str().unwrap_or("").to_string(),
                v["items"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("1.3.0-15".into(), "concise".into(), 2),
            ("1.2.0-12".into(), "concise".into(), 4),
            ("1.2.0-12".into(), "detailed".into(), 2),
        ]
    );
    let concise = &summary["variants"][1];
    assert_eq!(concise["thumbs_up"], 1);
    assert_eq!(concise["thumbs_down"], 3);
    assert_eq!(concise["thumbs_up_ratio"], 0.25);
    assert_eq!(concise["for_review"], 2);
    let human = s.ok(&["feedback", "summary", MODEL]).stdout;
    assert!(
        human.contains("detailed") && human.contains("25.0%"),
        "{human}"
    );

    // The queue: the safety report first, then flagged items oldest first; texts redacted.
    let queue = s.ok(&["queue", "list", MODEL, "--json"]).json();
    let queue = queue.as_array().expect("queue");
    assert_eq!(queue.len(), 4, "{queue:?}");
    assert_eq!(queue[0]["safety"], true);
    assert_eq!(queue[0]["output"], "here is the key [API-KEY]");
    let f2 = queue
        .iter()
        .find(|q| q["kind"] == "thumbs-down" && q["flagged"] == true && q["version"] == "1.2.0-12")
        .expect("f-2 queued");
    assert_eq!(f2["input"], "call me on [PHONE] or [PHONE]");
    // Counter-examples survive: a version string, a date, an order number.
    assert_eq!(
        f2["output"],
        "Sure, version 1.2.0-12 shipped on 2026-11-30, order 12345678."
    );
    let ids: Vec<String> = queue.iter().map(|q| q["id"].to_string()).collect();

    // Labels by a reviewer; the note is redacted too. A non-queued item cannot be labelled.
    s.ok(&[
        "queue",
        "label",
        &ids[0],
        "unsafe",
        "--note",
        &format!("leaked; reporter {}", PERSONAL[0]),
    ]);
    s.ok(&[
        "queue",
        "label",
        &ids[1],
        "wrong",
        "--note",
        "ignored the question",
    ]);
    s.ok(&["queue", "label", &ids[2], "correct"]);
    s.fails(1, &["queue", "label", &ids[3], "great"], "not a label");
    s.fails(
        1,
        &["queue", "label", "999999", "wrong"],
        "no feedback item 999999",
    );
    let left = s.ok(&["queue", "list", MODEL, "--json"]).json();
    assert_eq!(left.as_array().map(Vec::len), Some(1), "{left}");
    let all = s.ok(&["queue", "list", MODEL, "--all", "--json"]).json();
    let first = &all[0];
    assert_eq!(first["label"]["label"], "unsafe");
    assert_eq!(first["label"]["note"], "leaked; reporter [EMAIL]");
    assert_eq!(first["label"]["reviewer"], "journey-tester");

    // The week: complaints, safety incidents, override samples.
    let t = s.ok(&["triage", MODEL, "--json"]).json();
    let w = &t["triage"];
    assert_eq!(w["items"], 7, "{t}");
    assert_eq!(w["complaints"], 4, "{t}"); // f-2, f-3, the safety report, the CSV's down
    assert_eq!(w["safety_incidents"], 1);
    assert_eq!(w["overrides"], 1);
    assert_eq!(w["safety"][0]["label"], "unsafe");
    assert_eq!(w["override_samples"][0]["text"], "agent overrode the block");
    let human = s.ok(&["triage", MODEL]).stdout;
    assert!(
        human.contains("safety incidents:") && human.contains("[unsafe]"),
        "{human}"
    );

    // Export the labelled items as a dataset snapshot; an evaluation run names it.
    s.fails(
        1,
        &[
            "feedback",
            "export",
            "no-such-model",
            "--name",
            "x",
            "--version",
            "1",
        ],
        "no model named",
    );
    let exported = s
        .ok(&[
            "feedback",
            "export",
            MODEL,
            "--name",
            "support-bot-reviewed",
            "--version",
            "2026-12-02",
            "--license",
            "internal",
            "--consent",
            "product terms §4",
            "--retention",
            "2 years",
            "--personal-data",
            "no",
            "--json",
        ])
        .json();
    assert_eq!(exported["items"], 3, "{exported}");
    let shown = s
        .ok(&[
            "dataset",
            "show",
            "support-bot-reviewed@2026-12-02",
            "--json",
        ])
        .json();
    assert_eq!(shown["files"][0]["path"], "labelled.jsonl", "{shown}");
    assert!(
        shown["provenance"]["source"]
            .as_str()
            .is_some_and(|p| p.contains("review queue of support-bot")),
        "{shown}"
    );
    let labelled = std::fs::read_to_string(
        Path::new(exported["dir"].as_str().expect("dir")).join("labelled.jsonl"),
    )
    .expect("export file");
    let labels: Vec<Value> = labelled
        .lines()
        .map(|l| serde_json::from_str(l).expect("jsonl"))
        .collect();
    assert_eq!(labels.len(), 3);
    assert!(labels.iter().any(|l| l["label"] == "unsafe"));
    // Exporting under the same name and version again is refused.
    s.fails(
        1,
        &[
            "feedback",
            "export",
            MODEL,
            "--name",
            "support-bot-reviewed",
            "--version",
            "2026-12-02",
        ],
        "already exists",
    );
    let eval = s.path("review-eval.csv");
    std::fs::write(&eval, "metric,value,n\njailbreak_pass_rate,0.97,3\n").expect("write eval");
    s.ok(&[
        "eval",
        "import",
        &format!("{MODEL}@1.3.0-15"),
        &eval.display().to_string(),
        "--kind",
        "red-team",
        "--suite",
        "support-bot-reviewed@2026-12-02",
    ]);
    let runs = s
        .ok(&["eval", "list", &format!("{MODEL}@1.3.0-15"), "--json"])
        .json();
    assert_eq!(
        runs[0]["suite"], "support-bot-reviewed@2026-12-02",
        "{runs}"
    );

    // None of the personal data is in the database, its WAL, or the exported files.
    let bytes = stored_bytes(&s);
    assert!(!bytes.is_empty());
    assert!(
        contains(&bytes, "agent overrode the block"),
        "the grep reads the stored text"
    );
    for needle in PERSONAL.iter().chain(&COMPACT) {
        assert!(
            !contains(&bytes, needle),
            "{needle:?} is in the SQLite file"
        );
        assert!(!labelled.contains(needle), "{needle:?} is in the export");
    }
    // The audit log still explains the workspace.
    s.ok(&["audit", "verify", "--deep"]);
    let audit = s.ok(&["audit", "log", "--json"]).stdout;
    assert!(
        audit.contains("feedback.import") && audit.contains("feedback.label"),
        "{audit}"
    );
    for needle in PERSONAL {
        assert!(!audit.contains(needle), "{needle:?} is in the audit log");
    }
}

#[test]
fn bad_feedback_names_the_line_stores_nothing_and_leaks_nothing() {
    let s = workspace();
    let target = format!("{MODEL}@1.2.0-12");
    let good = json!({"at": hours_ago(1), "kind": "thumbs-up", "comment": "ok"});
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "a kind that does not exist",
            format!(
                "{good}\n{}\n",
                json!({"at": hours_ago(1), "kind": PERSONAL[0]})
            ),
            "line 2: field `kind`",
        ),
        (
            "a time that is not one",
            format!(
                "{good}\n{good}\n{}\n",
                json!({"at": PERSONAL[1], "kind": "thumbs-up"})
            ),
            "line 3: field `at`",
        ),
        (
            "a flag of the wrong type quoting personal data",
            format!(
                "{}\n",
                json!({"at": hours_ago(1), "kind": "thumbs-up", "flagged": PERSONAL[3]})
            ),
            "line 1: invalid type",
        ),
        (
            "an unknown field",
            format!(
                "{good}\n{}\n",
                json!({"at": hours_ago(1), "kind": "thumbs-up", "email": "x"})
            ),
            "line 2: unknown field `email`",
        ),
        ("not JSON", format!("{good}\n{{\"at\": \n"), "line 2:"),
        (
            "a variant other than --variant",
            format!(
                "{}\n",
                json!({"at": hours_ago(1), "kind": "thumbs-up", "variant": "b"})
            ),
            "line 1: field `variant`",
        ),
        ("an empty file", "\n\n".into(), "no feedback"),
        (
            "a CSV column Steward does not know",
            format!("at,kind,{}\n{},thumbs-up,x\n", "email", hours_ago(1)),
            "line 1: column \"email\"",
        ),
        (
            "a CSV yes/no that is not one",
            format!(
                "at,kind,safety\n{},thumbs-up,{}\n",
                hours_ago(1),
                PERSONAL[6]
            ),
            "line 2: column `safety`",
        ),
    ];
    for (name, text, needle) in cases {
        let file = s.path("bad.jsonl");
        std::fs::write(&file, &text).expect("write");
        let run = s.run(&[
            "feedback",
            "import",
            &target,
            &file.display().to_string(),
            "--variant",
            "a",
        ]);
        assert_eq!(run.code, 1, "{name}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(needle), "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains("nothing was imported"),
            "{name}: {}",
            run.stderr
        );
        for p in PERSONAL {
            assert!(
                !run.stderr.contains(p),
                "{name}: the error quotes {p:?}: {}",
                run.stderr
            );
        }
    }
    // A huge line is refused naming it, without reading it whole.
    let file = s.path("huge.jsonl");
    let huge = format!(
        "{good}\n{{\"at\": \"{}\", \"kind\": \"thumbs-up\", \"comment\": \"{}\"}}\n",
        hours_ago(1),
        "a".repeat(3 << 20)
    );
    std::fs::write(&file, huge).expect("write");
    s.fails(
        1,
        &["feedback", "import", &target, &file.display().to_string()],
        "line 2: the line is longer than 1 MiB",
    );
    let csv = s.path("huge.csv");
    std::fs::write(
        &csv,
        format!(
            "at,kind,comment\n{},thumbs-up,\"{}\"\n",
            hours_ago(1),
            "b\n".repeat(1 << 20)
        ),
    )
    .expect("write");
    s.fails(
        1,
        &["feedback", "import", &target, &csv.display().to_string()],
        "line 2: the record is longer than 1 MiB",
    );
    // A folder and a missing file.
    s.fails(
        1,
        &[
            "feedback",
            "import",
            &target,
            &s.path("").display().to_string(),
        ],
        "regular files",
    );
    s.fails(
        1,
        &[
            "feedback",
            "import",
            &format!("{MODEL}@9.9.9-99"),
            &file.display().to_string(),
        ],
        "has no version 9.9.9-99",
    );
    // Nothing was stored.
    let summary = s.ok(&["feedback", "summary", MODEL, "--json"]).json();
    assert_eq!(summary["imports"], json!([]), "{summary}");
    assert_eq!(summary["variants"], json!([]));
    let bytes = stored_bytes(&s);
    for needle in PERSONAL.iter().chain(&COMPACT) {
        assert!(
            !contains(&bytes, needle),
            "{needle:?} is in the SQLite file"
        );
    }
}

#[test]
fn a_policy_pattern_that_does_not_compile_is_refused_with_its_line_and_key() {
    let s = workspace();
    let default = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../assets/policy/default.toml");
    let text = std::fs::read_to_string(default).expect("default policy");
    let bad = text.replacen(
        r"pattern = '\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b'",
        "pattern = 'sk_(live'",
        1,
    );
    assert_ne!(bad, text, "the default policy's pattern moved");
    let line = bad
        .lines()
        .position(|l| l.starts_with("pattern = 'sk_(live'"))
        .map_or(0, |i| i + 1);
    let file = s.path("bad-policy.toml");
    std::fs::write(&file, bad).expect("write policy");
    let file = file.display().to_string();
    let run = s.fails(
        1,
        &["policy", "check", &file],
        &format!("policy line {line}, feedback.patterns[0].pattern: invalid value"),
    );
    assert!(run.stderr.contains("regular expression"), "{}", run.stderr);
    let json = s.run(&["policy", "check", &file, "--json"]).json();
    assert_eq!(json["error"]["key"], "feedback.patterns[0].pattern");
    assert_eq!(json["error"]["line"], line);
}

/// `steward audit verify --deep --json` on a copy of the workspace after `sql` ran through
/// the sqlite3 command (the append-only triggers dropped first, as someone editing the file
/// behind Steward's back would): the exit code and every mismatch.
fn tampered(s: &Steward, case: &str, sql: &str) -> (i32, Vec<Value>) {
    let copy = s.path(&format!("tampered-{case}"));
    std::fs::create_dir_all(&copy).expect("copy dir");
    for entry in std::fs::read_dir(s.workspace()).expect("workspace") {
        let entry = entry.expect("entry");
        if entry.file_type().expect("type").is_file() {
            std::fs::copy(entry.path(), copy.join(entry.file_name())).expect("copy");
        }
    }
    let script = format!(
        "DROP TRIGGER feedback_items_immutable; DROP TRIGGER feedback_items_append_only;
         DROP TRIGGER feedback_labels_immutable; DROP TRIGGER feedback_labels_append_only;
         {sql}"
    );
    let out = std::process::Command::new("sqlite3")
        .arg(copy.join("steward.db"))
        .arg(&script)
        .output()
        .expect("run sqlite3");
    assert!(
        out.status.success(),
        "{case}: sqlite3: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = std::process::Command::new(steward_tests::binary())
        .arg("--workspace")
        .arg(&copy)
        .args(["audit", "verify", "--deep", "--json"])
        .env("STEWARD_ACTOR", "journey-tester")
        .output()
        .expect("run steward");
    let result: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{case}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    let mismatches = result["mismatches"].as_array().cloned().unwrap_or_default();
    (out.status.code().unwrap_or(-1), mismatches)
}

#[test]
fn the_deep_verify_names_feedback_edited_behind_stewards_back() {
    let s = workspace();
    let file = write_jsonl(&s, "week.jsonl", &the_week("concise", "detailed"));
    let target = format!("{MODEL}@1.2.0-12");
    s.ok(&["feedback", "import", &target, &file]);
    let queue = s.ok(&["queue", "list", MODEL, "--json"]).json();
    let item = queue[0]["id"].as_u64().expect("id");
    s.ok(&[
        "queue",
        "label",
        &item.to_string(),
        "unsafe",
        "--note",
        "leaked a key",
    ]);
    let export = s.ok(&[
        "feedback",
        "export",
        MODEL,
        "--name",
        "reviewed",
        "--version",
        "1",
        "--json",
    ]);
    assert_eq!(export.json()["items"], 1);
    // A clean workspace verifies.
    s.ok(&["audit", "verify", "--deep"]);
    let (code, clean) = tampered(&s, "none", "SELECT 1;");
    assert_eq!((code, clean.len()), (0, 0), "{clean:?}");

    let subject = format!("{MODEL}@1.2.0-12");
    let row = |id: u64| format!("{subject} item {id}");
    // The import's first item (a fresh workspace numbers them from 1); not the labelled one.
    let first = 1;
    assert_ne!(item, first);
    /// (table, row, field, words in the message)
    type Want<'a> = (&'a str, String, &'a str, &'a str);
    let cases: Vec<(&str, String, Vec<Want<'_>>)> = vec![
        (
            "text changed",
            format!("UPDATE feedback_items SET comment = 'all good' WHERE id = {item};"),
            vec![
                ("feedback_imports", format!("{subject} import 1"), "items_sha256", "where the audit log says"),
                ("feedback_items", row(item), "content_sha256", "but its bytes hash to"),
            ],
        ),
        (
            "label flipped",
            "UPDATE feedback_labels SET label = 'correct';".into(),
            vec![(
                "feedback_labels",
                format!("{subject} label 1"),
                "label",
                "label is correct where the audit log says unsafe",
            )],
        ),
        (
            "row deleted",
            format!("DELETE FROM feedback_items WHERE id = {first};"),
            vec![
                ("feedback_imports", format!("{subject} import 1"), "items", "items is 5 where the audit log says 6"),
                ("feedback_imports", format!("{subject} import 1"), "items_sha256", "where the audit log says"),
                ("feedback_items", row(first), "", "the row is absent where the audit log says present"),
            ],
        ),
        (
            "an unredacted e-mail pasted in",
            format!("UPDATE feedback_items SET output = 'write to jane.roe@customer-mail.test' WHERE id = {item};"),
            vec![
                ("feedback_imports", format!("{subject} import 1"), "items_sha256", "where the audit log says"),
                ("feedback_items", row(item), "content_sha256", "but its bytes hash to"),
                ("feedback_items", row(item), "output", "holds 1 unredacted email"),
            ],
        ),
    ];
    for (case, sql, want) in cases {
        let (code, got) = tampered(&s, &case.replace(' ', "-"), &sql);
        assert_eq!(code, 2, "{case}: {got:?}");
        let mut got: Vec<(String, String, String, String)> = got
            .iter()
            .map(|m| {
                let t = |k: &str| m[k].as_str().unwrap_or("").to_string();
                (t("table"), t("row"), t("field"), t("message"))
            })
            .collect();
        got.sort();
        assert_eq!(got.len(), want.len(), "{case}: {got:#?}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(
                (g.0.as_str(), g.1.as_str(), g.2.as_str()),
                (w.0, w.1.as_str(), w.2),
                "{case}: {g:?}"
            );
            assert!(g.3.contains(w.3), "{case}: {:?} lacks {:?}", g.3, w.3);
        }
    }
}

/// A gigabyte file with no newline after `head`, sparse (nothing is written but `head`).
fn gigabyte_line(s: &Steward, name: &str, head: &str) -> String {
    let path = s.path(name);
    std::fs::write(&path, head).expect("write head");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_len(1 << 30))
        .expect("grow sparse");
    path.display().to_string()
}

#[test]
fn hostile_files_are_refused_without_hanging_reading_them_whole_or_storing_a_mix() {
    let s = workspace();
    let target = format!("{MODEL}@1.2.0-12");
    // A FIFO nobody writes to: refused by what it is, never opened for a read that blocks.
    let fifo = s.path("feedback.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let fifo = fifo.display().to_string();
    let r = s.run_or_hang(
        &["feedback", "import", &target, &fifo],
        std::time::Duration::from_secs(60),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("a named pipe (FIFO)"), "{}", r.stderr);

    // A gigabyte on one line, JSON lines or CSV: refused at the 1 MiB line limit under a
    // 1 GiB address-space limit, so the rest is never read into memory.
    for (name, head, refusal) in [
        (
            "giant.jsonl",
            "{\"at\": \"",
            "line 1: the line is longer than 1 MiB",
        ),
        (
            "giant.csv",
            "at,kind,comment\n2026-12-01T00:00:00Z,thumbs-up,",
            "line 2: the record is longer than 1 MiB",
        ),
    ] {
        let file = gigabyte_line(&s, name, head);
        let r = s.in_shell("ulimit -v 1048576", &["feedback", "import", &target, &file]);
        assert_eq!(r.code, 1, "{name}: {}", r.stderr);
        assert!(r.stderr.contains(refusal), "{name}: {}", r.stderr);
        assert!(r.stderr.len() < 1_000, "{name}: {} bytes", r.stderr.len());
    }

    // A file someone is still writing: refused, nothing of it stored.
    let line = |i: usize| {
        format!(
            "{}\n",
            json!({"at": hours_ago(1), "kind": "thumbs-down", "comment": format!("slow answer number {i}")})
        )
    };
    let growing = s.path("growing.jsonl");
    std::fs::write(&growing, (0..60_000).map(line).collect::<String>()).expect("write");
    let r = s.run_while_appending(
        &[
            "feedback",
            "import",
            &target,
            &growing.display().to_string(),
        ],
        &growing,
        &line(0),
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("changed while Steward was reading it"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("nothing was imported"), "{}", r.stderr);
    let summary = s.ok(&["feedback", "summary", MODEL, "--json"]).json();
    assert_eq!(summary["imports"], json!([]), "{summary}");
    // Once complete it imports.
    let done = s.ok(&[
        "feedback",
        "import",
        &target,
        &growing.display().to_string(),
        "--json",
    ]);
    assert!(done.json()["items"].as_u64().unwrap_or(0) > 60_000);
}
