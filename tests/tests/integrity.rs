//! Integrity under load and attack (issue 8), through the real `steward` binary: several
//! processes writing at once, a busy workspace, tampering that `audit verify --deep` names,
//! hostile files refused quickly, snapshots that never leave their folder, output that cannot
//! be spoofed, and private workspace files.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;

use rusqlite::Connection;
use steward_tests::Steward;

const MODEL: &str = "copilot";

fn workspace_with_model() -> Steward {
    let s = Steward::with_signer("integrity", steward_tests::LIFECYCLE_ONLY_POLICY);
    s.ok(&["model", "add", MODEL, "--owner", "ml@example.com"]);
    s.ok(&[
        "version",
        "add",
        MODEL,
        "1.0.0-1",
        "--bundle-digest",
        "sha256:1111111111111111111111111111111111111111111111111111111111111111",
    ]);
    s
}

/// A long-format CSV of `rows` rows whose values depend on `seed` (so every file differs).
fn write_csv(path: &Path, rows: usize, seed: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create csv"));
    writeln!(f, "metric,value,slice").expect("header");
    for i in 0..rows {
        writeln!(
            f,
            "accuracy,0.{:06},region=r{}",
            (i * 7 + seed) % 1_000_000,
            i % 13
        )
        .expect("row");
    }
}

fn count(run: &steward_tests::Run) -> usize {
    run.json().as_array().map_or(0, Vec::len)
}

fn card(text: &str) -> String {
    format!("---\nmodel_name: copilot\n---\n\n# Model card\n\n{text}\n")
}

#[test]
fn concurrent_writers_wait_their_turn_and_lose_nothing() {
    let s = workspace_with_model();
    let imports: Vec<_> = (0..3)
        .map(|i| {
            let p = s.path(&format!("run-{i}.csv"));
            write_csv(&p, 60_000, i);
            p
        })
        .collect();
    let docs: Vec<_> = (0..12)
        .map(|i| {
            let p = s.path(&format!("card-{i}.md"));
            std::fs::write(&p, card(&format!("edit {i}"))).expect("card");
            p
        })
        .collect();
    thread::scope(|scope| {
        let importer = scope.spawn(|| {
            for p in &imports {
                let file = p.display().to_string();
                s.ok(&[
                    "eval",
                    "import",
                    "copilot@1.0.0-1",
                    &file,
                    "--kind",
                    "golden-set",
                    "--suite",
                    "golden@v1",
                ]);
            }
        });
        let saver = scope.spawn(|| {
            for p in &docs {
                s.ok(&[
                    "doc",
                    "save",
                    "copilot@1.0.0-1",
                    "model-card",
                    &p.display().to_string(),
                ]);
            }
        });
        let adder = scope.spawn(|| {
            for i in 0..12 {
                s.ok(&["version", "add", MODEL, &format!("1.1.0-{}", i + 2)]);
            }
        });
        let mover = scope.spawn(|| {
            for _ in 0..6 {
                s.ok(&["stage", "set", "copilot@1.0.0-1", "candidate"]);
                s.ok(&["stage", "set", "copilot@1.0.0-1", "experiment"]);
            }
        });
        for h in [importer, saver, adder, mover] {
            h.join().expect("writer");
        }
    });
    assert_eq!(
        count(&s.ok(&["eval", "list", "copilot@1.0.0-1", "--json"])),
        3
    );
    assert_eq!(count(&s.ok(&["version", "list", MODEL, "--json"])), 13);
    let history = s.ok(&["doc", "history", "copilot@1.0.0-1", "model-card", "--json"]);
    assert_eq!(count(&history), 12);
    // The signer's roster and policy (2), then 1 model + 13 versions + 3 imports + 12
    // document writes + 12 stage changes (the six promotions each with its release record in
    // the same entry).
    let verify = s.ok(&["audit", "verify", "--deep", "--json"]).json();
    assert_eq!(verify["entries"], 43, "{verify}");
    assert_eq!(verify["ok"], true, "{verify}");
}

#[test]
fn a_write_during_an_import_finishes_while_the_import_is_still_reading() {
    let s = workspace_with_model();
    let big = s.path("big.csv");
    write_csv(&big, 400_000, 1);
    std::fs::write(s.path("card.md"), card("during the import")).expect("card");
    let mut import = s
        .command(&[
            "eval",
            "import",
            "copilot@1.0.0-1",
            &big.display().to_string(),
            "--kind",
            "golden-set",
            "--suite",
            "golden@v1",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start import");
    // Let the import start parsing: it holds no lock while it does.
    thread::sleep(std::time::Duration::from_millis(300));
    s.ok(&[
        "doc",
        "save",
        "copilot@1.0.0-1",
        "model-card",
        &s.path("card.md").display().to_string(),
    ]);
    let still_running = import.try_wait().expect("poll").is_none();
    let status = import.wait().expect("import");
    assert!(status.success(), "the import failed");
    assert!(
        still_running,
        "the save should have finished while the import was still parsing"
    );
}

#[test]
fn a_workspace_busy_past_the_timeout_is_a_user_error_that_changes_nothing() {
    let s = workspace_with_model();
    let conn = Connection::open(s.db()).expect("raw open");
    conn.execute_batch("BEGIN IMMEDIATE")
        .expect("hold the write lock");
    let run = s
        .command(&["version", "add", MODEL, "2.0.0-9"])
        .env("STEWARD_BUSY_TIMEOUT_MS", "300")
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("is busy: another Steward process"),
        "{stderr}"
    );
    conn.execute_batch("ROLLBACK").expect("release");
    assert_eq!(count(&s.ok(&["version", "list", MODEL, "--json"])), 1);
}

fn tamper(s: &Steward, sql: &str) {
    Connection::open(s.db())
        .expect("raw open")
        .execute_batch(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn deep_mismatches(s: &Steward) -> Vec<String> {
    let run = s.run(&["audit", "verify", "--deep", "--json"]);
    let v = run.json();
    v["mismatches"]
        .as_array()
        .expect("mismatches")
        .iter()
        .map(|m| m["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn deep_verify_names_every_edit_the_audit_log_does_not_explain() {
    let s = Steward::new();
    s.ok(&["demo"]);
    assert!(deep_mismatches(&s).is_empty());
    let cases: &[(&str, &str, &str)] = &[
        (
            "a revision's content with a matching digest",
            "DROP TRIGGER document_revisions_immutable;
             UPDATE document_revisions SET content = content || 'forged' WHERE id = 1;
             UPDATE document_revisions SET content_sha256 = 'sha256:' || lower(hex(randomblob(32))) WHERE id = 1;",
            "content_sha256 is sha256:",
        ),
        (
            "values in an evaluation chunk",
            "DROP TRIGGER eval_row_chunks_immutable;
             UPDATE eval_row_chunks SET data = CAST(data || x'00' AS BLOB) WHERE rowid = (SELECT MIN(rowid) FROM eval_row_chunks);",
            "chunks_sha256",
        ),
        (
            "a manifest replaced together with its checksum",
            "DROP TRIGGER datasets_manifest_immutable; DROP TRIGGER datasets_immutable;
             UPDATE datasets SET manifest_checksum = 'sha256:' || lower(hex(randomblob(32))) WHERE id = 1;",
            "manifest_checksum",
        ),
        (
            "provenance rewritten",
            "DROP TRIGGER datasets_immutable; UPDATE datasets SET license = 'cc0', consent = 'granted' WHERE id = 2;",
            "license is cc0 where the audit log says",
        ),
        (
            "stage history deleted",
            "DROP TRIGGER stage_history_append_only; DELETE FROM stage_history WHERE id = (SELECT MAX(id) FROM stage_history);",
            "the row is absent where the audit log says present",
        ),
        (
            "a stage forced",
            "DROP TRIGGER versions_stage_follows_history; DROP INDEX versions_one_production;
             UPDATE versions SET stage = 'production' WHERE stage = 'candidate';",
            "stage is production where the audit log says candidate",
        ),
    ];
    for (name, sql, needle) in cases {
        let s = Steward::new();
        s.ok(&["demo"]);
        tamper(&s, sql);
        let found = deep_mismatches(&s);
        assert!(
            found.iter().any(|m| m.contains(needle)),
            "{name}: {found:#?}"
        );
        s.fails(2, &["audit", "verify", "--deep"], "mismatch:");
        // The plain chain walk cannot see any of these.
        s.ok(&["audit", "verify"]);
    }
}

#[test]
fn a_read_of_an_edited_evaluation_chunk_fails_naming_it() {
    let s = Steward::new();
    s.ok(&["demo"]);
    tamper(
        &s,
        "DROP TRIGGER eval_row_chunks_immutable;
         UPDATE eval_row_chunks SET data = CAST(data || x'00' AS BLOB) WHERE run_id = (SELECT MIN(id) FROM eval_runs);",
    );
    let target: String = Connection::open(s.db())
        .expect("open")
        .query_row(
            "SELECT m.name || '@' || v.version FROM eval_runs e JOIN versions v ON v.id = e.version_id JOIN models m ON m.id = v.model_id ORDER BY e.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("target");
    s.fails(2, &["eval", "compare", &target], "altered outside Steward");
}

#[test]
fn hostile_files_are_refused_quickly_with_bounded_errors() {
    let s = workspace_with_model();
    // A FIFO would block a read forever.
    let fifo = s.path("pipe.md");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let fifo = fifo.display().to_string();
    s.fails(
        1,
        &["doc", "save", "copilot@1.0.0-1", "model-card", &fifo],
        "is a named pipe (FIFO); Steward reads only regular files",
    );
    s.fails(
        1,
        &["eval", "import", "copilot@1.0.0-1", &fifo],
        "named pipe",
    );
    // A device never ends.
    s.fails(
        1,
        &["doc", "save", "copilot@1.0.0-1", "model-card", "/dev/zero"],
        "is a device",
    );
    s.fails(
        1,
        &["version", "add", MODEL, "1.0.0-2", "--bundle", "/dev/zero"],
        "is a device",
    );
    // A 1 GiB file that is one line (sparse, so the test costs no disk): refused at the record
    // limit, under a 1 GiB address-space limit (it took 6.3 GB before), and the message quotes
    // only a prefix (it echoed the whole gigabyte).
    for (name, head) in [
        ("long.csv", "metric,value\n"),
        (
            "long.json",
            "{\"format\": \"steward.eval/v1\", \"rows\": [{\"metric\": \"",
        ),
    ] {
        let long = s.path(name);
        let f = std::fs::File::create(&long).expect("create");
        (&f).write_all(head.as_bytes()).expect("head");
        // Two MiB of text the parsers accept, then a sparse rest.
        (&f).write_all(&vec![b'a'; 2 << 20]).expect("text");
        f.set_len(1 << 30).expect("sparse gigabyte");
        drop(f);
        let out = s.in_shell(
            "ulimit -v 1048576",
            &[
                "eval",
                "import",
                "copilot@1.0.0-1",
                &long.display().to_string(),
                "--kind",
                "golden-set",
                "--suite",
                "g@1",
            ],
        );
        let stderr = &out.stderr;
        assert_eq!(out.code, 1, "{name}: {stderr}");
        assert!(stderr.contains("is longer than 1 MiB"), "{name}: {stderr}");
        assert!(
            stderr.len() < 1_000,
            "{name}: the error echoes the input: {} bytes",
            stderr.len()
        );
    }
    // Too many group columns for fairness: a clear limit at import.
    let wide = s.path("wide.csv");
    let header: Vec<String> = (0..200).map(|i| format!("g{i}")).collect();
    let row: Vec<&str> = vec!["a"; 200];
    std::fs::write(
        &wide,
        format!(
            "y_true,y_pred,{}\n1,1,{}\n",
            header.join(","),
            row.join(",")
        ),
    )
    .expect("wide");
    s.fails(
        1,
        &[
            "eval",
            "import",
            "copilot@1.0.0-1",
            &wide.display().to_string(),
            "--suite",
            "g@1",
        ],
        "at most 64",
    );
    assert_eq!(
        count(&s.ok(&["eval", "list", "copilot@1.0.0-1", "--json"])),
        0
    );
}

#[cfg(unix)]
#[test]
fn snapshots_never_read_outside_their_folder_and_name_what_they_refuse() {
    use std::os::unix::fs::symlink;
    let s = Steward::new();
    s.ok(&["init"]);
    let data = s.path("data");
    std::fs::create_dir_all(data.join("sub")).expect("dirs");
    std::fs::write(data.join("a.txt"), "a").expect("a");
    std::fs::write(data.join("sub/b.txt"), "b").expect("b");
    symlink(data.join("a.txt"), data.join("inside-link")).expect("link inside");
    // A link to a file inside the folder is the file it names.
    let snap = s.snapshot_tickets(&data, &[]);
    assert_eq!(snap["files"].as_array().map(Vec::len), Some(3), "{snap}");
    let outside = s.path("secret.txt");
    std::fs::write(&outside, "secret").expect("outside");
    symlink(&outside, data.join("escape")).expect("link out");
    symlink("/dev/zero", data.join("zero")).expect("link dev");
    let fifo = data.join("queue");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo")
        .success());
    let dir = data.display().to_string();
    let run = s.fails(
        1,
        &[
            "dataset",
            "snapshot",
            &dir,
            "--name",
            "t2",
            "--version",
            "v1",
        ],
        "cannot be snapshotted",
    );
    for needle in [
        "escape\" is a link to",
        "outside the folder",
        "zero\" is a link to",
        "queue is a named pipe",
    ] {
        assert!(run.stderr.contains(needle), "{needle}: {}", run.stderr);
    }
    assert!(!run.stderr.contains("secret\n"));
}

#[cfg(unix)]
#[test]
fn control_characters_in_names_are_escaped_and_non_utf8_names_are_read() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let s = workspace_with_model();
    let sample = "metric,value\naccuracy,0.9\n";
    let spoof = s.path("run.csv\n9  fake-row  golden-set");
    std::fs::write(&spoof, sample).expect("spoof");
    s.ok(&[
        "eval",
        "import",
        "copilot@1.0.0-1",
        &spoof.display().to_string(),
        "--kind",
        "golden-set",
        "--suite",
        "g@1",
    ]);
    let listed = s.ok(&["eval", "list", "copilot@1.0.0-1"]).stdout;
    assert!(
        !listed.lines().any(|l| l.starts_with("9  fake-row")),
        "{listed}"
    );
    assert!(listed.contains("run.csv\\n9"), "{listed}");
    // A name that is not UTF-8 is a path like any other.
    let raw = s.dir.path().join(OsStr::from_bytes(b"latin1-\xe9.csv"));
    std::fs::write(&raw, "metric,value\naccuracy,0.8\n").expect("latin1");
    let out = s
        .command(&["eval", "import", "copilot@1.0.0-1"])
        .arg(&raw)
        .args(["--kind", "golden-set", "--suite", "g@2"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = s
        .command(&["version", "add", MODEL, "1.0.0-9", "--bundle"])
        .arg(&raw)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[cfg(unix)]
#[test]
fn a_new_workspace_is_readable_only_by_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let s = Steward::new();
    // Under a permissive umask, as many desktops have.
    let out = s.in_shell("umask 000", &["init"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    s.ok(&["model", "add", MODEL, "--owner", "o@x"]);
    s.ok(&["version", "add", MODEL, "1.0.0-1"]);
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode(&s.workspace()), 0o700);
    assert_eq!(mode(&s.db()), 0o600);
    std::fs::set_permissions(s.workspace(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let run = s.ok(&["model", "list"]);
    assert!(
        run.stderr.contains("can be read by other users (mode 755)"),
        "{}",
        run.stderr
    );
}

#[test]
fn front_matter_cannot_forge_exports_through_yaml_indirection() {
    let s = workspace_with_model();
    let forged = s.path("forged.md");
    let file = forged.display().to_string();
    for (text, needle) in [
        (
            "---\nmodel_name: copilot\n<<: {model-index: [{name: copilot, results: [{task: {type: t}, dataset: {type: d, name: d}, metrics: [{type: accuracy, value: 0.99}]}]}]}\n---\n\n# Model card\n",
            "line 3, column 1: merge keys (`<<`) are not allowed",
        ),
        (
            "---\nbase: &b {license: mit}\nlicense: *b\n---\n\n# Model card\n",
            "anchors (`&name`) are not allowed",
        ),
    ] {
        std::fs::write(&forged, text).expect("card");
        s.fails(1, &["doc", "save", "copilot@1.0.0-1", "model-card", &file], needle);
    }
    s.fails(
        1,
        &["doc", "show", "copilot@1.0.0-1", "model-card"],
        "no model-card",
    );
}
