//! Evaluation evidence in the store: one transaction per file, duplicates by digest,
//! immutable rows, the audit entry beside them.

use rusqlite::Connection;
use steward_domain::eval::EvalKind;
use steward_domain::{Artifacts, ModelName, Sha256Digest, Version};
use steward_store::{Actor, EvalRowRef, NewEvalRun, NewModel, Store, StoreError, DB_FILE};

fn actor() -> Actor {
    Actor("tester".into())
}

fn setup(dir: &std::path::Path) -> (Store, ModelName, Version) {
    let store = Store::open(&dir.join(DB_FILE), true).expect("open");
    let name: ModelName = "copilot".parse().expect("name");
    store
        .create_model(
            &NewModel {
                name: name.clone(),
                title: "Co-pilot".into(),
                owner: "o@example.com".parse().expect("owner"),
                description: String::new(),
                risk_tier: Default::default(),
            },
            &actor(),
        )
        .expect("model");
    let v: Version = "1.0.0-1".parse().expect("version");
    store
        .add_version(&name, v, &Artifacts::default(), &actor())
        .expect("version");
    (store, name, v)
}

fn run(digest: &[u8]) -> NewEvalRun {
    NewEvalRun {
        kind: EvalKind::GoldenSet,
        suite: "golden@v1".parse().expect("suite"),
        run_at: None,
        file_name: "golden.csv".into(),
        file_digest: Sha256Digest::of(digest),
        file_bytes: 10,
        format: "csv",
        declared: "[]".into(),
    }
}

fn push(sink: &mut steward_store::EvalRowSink, metric: &str, value: f64) {
    sink.push(&EvalRowRef {
        metric,
        value,
        slice: "gender=female",
        ..EvalRowRef::default()
    })
    .expect("push");
}

/// A store holding one imported run, closed, and its database opened directly, as a tool
/// editing it outside Steward would.
fn one_run_opened_raw(dir: &std::path::Path) -> (Connection, ModelName, Version) {
    let (store, name, v) = setup(dir);
    store
        .import_eval(&name, &v, &actor(), |sink| {
            push(sink, "accuracy", 0.9);
            Ok::<_, StoreError>(run(b"x"))
        })
        .expect("import");
    drop(store);
    let conn = Connection::open(dir.join(DB_FILE)).expect("raw open");
    (conn, name, v)
}

#[test]
fn an_import_lands_whole_or_not_at_all() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, name, v) = setup(dir.path());
    let audit_before = store.audit_log(None).expect("audit").len();

    // A failure after rows were pushed leaves nothing behind.
    let err = store
        .import_eval(&name, &v, &actor(), |sink| {
            push(sink, "accuracy", 0.9);
            push(sink, "accuracy", 0.8);
            Err::<NewEvalRun, StoreError>(StoreError::Conflict("bad row on line 3".into()))
        })
        .expect_err("refused");
    assert!(err.to_string().contains("line 3"), "{err}");
    assert!(store.eval_runs(&name, &v).expect("runs").is_empty());
    assert!(store.eval_rows(&name, &v).expect("rows").is_empty());
    assert_eq!(store.audit_log(None).expect("audit").len(), audit_before);

    let row = store
        .import_eval(&name, &v, &actor(), |sink| {
            push(sink, "accuracy", 0.9);
            push(sink, "f1", 0.7);
            Ok::<_, StoreError>(run(b"file one"))
        })
        .expect("import");
    assert_eq!(row.row_count, 2);
    let rows = store.eval_rows(&name, &v).expect("rows");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].1.slice.to_string(), "gender=female");
    let log = store.audit_log(Some(1)).expect("audit");
    assert_eq!(log[0].action, "eval.import");
    assert!(log[0]
        .detail
        .contains(&Sha256Digest::of(b"file one").to_string()));

    // The same bytes again: refused by digest, nothing added.
    let err = store
        .import_eval(&name, &v, &actor(), |sink| {
            push(sink, "accuracy", 0.9);
            Ok::<_, StoreError>(run(b"file one"))
        })
        .expect_err("duplicate");
    assert!(err.to_string().contains("already imported"), "{err}");
    assert_eq!(store.eval_rows(&name, &v).expect("rows").len(), 2);
    assert_eq!(store.eval_runs(&name, &v).expect("runs").len(), 1);
}

#[test]
fn evidence_cannot_be_edited() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (conn, _, _) = one_run_opened_raw(dir.path());
    for sql in [
        "UPDATE eval_row_chunks SET data = x'00'",
        "UPDATE eval_runs SET file_digest = 'sha256:00'",
        "DELETE FROM eval_row_chunks",
        "DELETE FROM eval_runs",
    ] {
        let err = conn.execute(sql, []).expect_err("refused");
        assert!(err.to_string().contains("immutable"), "{sql}: {err}");
    }
}

#[test]
fn a_large_import_streams_in_chunks_and_reads_back_in_file_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, name, v) = setup(dir.path());
    let total = 10_000usize;
    let metrics = ["accuracy", "f1", "latency_ms"];
    let slices = ["", "gender=female", "age=18-25,gender=male"];
    let stamps: Vec<String> = (0..total)
        .map(|i| format!("2026-11-01T00:{:02}:{:02}Z", (i / 60) % 60, i % 60))
        .collect();
    let row = store
        .import_eval(&name, &v, &actor(), |sink| {
            for (i, at) in stamps.iter().enumerate() {
                sink.push(&EvalRowRef {
                    metric: metrics[i % 3],
                    value: i as f64 / 7.0,
                    slice: slices[(i / 5) % 3],
                    ci_low: (i % 4 == 0).then_some(i as f64 / 7.0 - 1.0),
                    ci_high: (i % 4 == 0).then_some(i as f64 / 7.0 + 1.0),
                    n: (i % 2 == 0).then_some(i as i64),
                    at: (i % 3 == 2).then_some(at.as_str()),
                    variant: (i % 6 == 2).then_some(if i % 12 == 2 { "canary" } else { "" }),
                })?;
            }
            Ok::<_, StoreError>(run(b"big"))
        })
        .expect("import");
    assert_eq!(row.row_count, total as u64);
    let rows = store.eval_rows(&name, &v).expect("rows");
    assert_eq!(rows.len(), total);
    for (i, (run_id, r)) in rows.iter().enumerate() {
        assert_eq!(*run_id, row.id);
        assert_eq!(r.metric, metrics[i % 3], "row {i}");
        assert_eq!(r.value, i as f64 / 7.0, "row {i}");
        assert_eq!(r.slice.to_string(), slices[(i / 5) % 3], "row {i}");
        assert_eq!(r.ci_low, (i % 4 == 0).then_some(i as f64 / 7.0 - 1.0));
        assert_eq!(r.n, (i % 2 == 0).then_some(i as u64));
        assert_eq!(r.at.as_deref(), (i % 3 == 2).then_some(stamps[i].as_str()));
        let variant = (i % 6 == 2).then_some(if i % 12 == 2 { "canary" } else { "" });
        assert_eq!(r.variant.as_deref(), variant, "row {i}");
    }
    drop(store);
    let conn = Connection::open(dir.path().join(DB_FILE)).expect("raw open");
    let chunks: Vec<i64> = conn
        .prepare("SELECT row_count FROM eval_row_chunks ORDER BY chunk_no")
        .expect("select")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("chunks");
    assert_eq!(chunks, vec![4096, 4096, 1808]);
}

#[test]
fn non_finite_values_are_refused_and_nothing_is_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, name, v) = setup(dir.path());
    let err = store
        .import_eval(&name, &v, &actor(), |sink| {
            for i in 0..5000 {
                push(sink, "accuracy", f64::from(i) / 5000.0);
            }
            sink.push(&EvalRowRef {
                metric: "accuracy",
                value: f64::NAN,
                ..EvalRowRef::default()
            })?;
            Ok::<_, StoreError>(run(b"nan"))
        })
        .expect_err("NaN refused");
    assert!(err.to_string().contains("finite"), "{err}");
    assert!(store.eval_runs(&name, &v).expect("runs").is_empty());
    assert!(store.eval_rows(&name, &v).expect("rows").is_empty());
}

#[test]
fn a_refused_row_stops_the_parser_at_a_later_push_and_nothing_is_kept() {
    // The encoder runs beside the parser: a NaN early in a long file comes back as the error
    // of a push a batch or two later, so the parser stops there instead of reading on.
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, name, v) = setup(dir.path());
    let mut pushed = 0u64;
    let err = store
        .import_eval(&name, &v, &actor(), |sink| {
            for i in 0..1_000_000u32 {
                let value = if i == 10 { f64::INFINITY } else { 0.5 };
                sink.push(&EvalRowRef {
                    metric: "accuracy",
                    value,
                    ..EvalRowRef::default()
                })?;
                pushed += 1;
            }
            Ok::<_, StoreError>(run(b"inf"))
        })
        .expect_err("infinity refused");
    assert!(err.to_string().contains("finite"), "{err}");
    assert!(
        pushed < 4 * 4096,
        "the parser stopped within a few batches, not after {pushed} rows"
    );
    assert!(store.eval_runs(&name, &v).expect("runs").is_empty());
    assert!(store.eval_rows(&name, &v).expect("rows").is_empty());
}

#[test]
fn damaged_chunks_are_reported() {
    // Edited outside Steward: the triggers dropped, a chunk's bytes changed. With the digest
    // recorded at import the edit is named as such; a run from before digests existed still
    // fails on the damaged encoding.
    let cases = [
        ("UPDATE eval_row_chunks SET data = substr(data, 1, 5);", "\"run 1\" is invalid: its chunks hash to"),
        (
            "DROP TRIGGER eval_runs_immutable; UPDATE eval_runs SET chunks_sha256 = NULL; UPDATE eval_row_chunks SET data = substr(data, 1, 5);",
            "run 1, chunk 0",
        ),
    ];
    for (sql, needle) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        let (conn, name, v) = one_run_opened_raw(dir.path());
        conn.execute_batch(&format!("DROP TRIGGER eval_row_chunks_immutable; {sql}"))
            .expect("tamper");
        drop(conn);
        let store = Store::open(&dir.path().join(DB_FILE), false).expect("open");
        let err = store.eval_rows(&name, &v).expect_err("damaged");
        assert!(err.to_string().contains(needle), "{sql}: {err}");
    }
}

#[test]
fn each_import_keeps_its_row_summary_with_its_digest_in_the_run_and_the_audit_entry() {
    use steward_domain::gate::RowSummary;
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, name, v) = setup(dir.path());
    let row = store
        .import_eval(&name, &v, &actor(), |sink| {
            for i in 0..9000 {
                sink.push(&EvalRowRef {
                    metric: "latency_ms",
                    value: 120.0 + f64::from(i % 977) * 0.37,
                    ..EvalRowRef::default()
                })?;
            }
            for (slice, value) in [
                ("locale=en", 0.41),
                ("locale=es", 0.33),
                ("locale=en", 0.42),
            ] {
                sink.push(&EvalRowRef {
                    metric: "selection_rate",
                    value,
                    slice,
                    n: Some(300),
                    ..EvalRowRef::default()
                })?;
            }
            sink.push(&EvalRowRef {
                metric: "acceptance_rate",
                value: 0.5865,
                at: Some("2026-11-18T00:00:00Z"),
                variant: Some("production"),
                ..EvalRowRef::default()
            })?;
            Ok::<_, StoreError>(run(b"kept"))
        })
        .expect("import");
    let runs = store.eval_run_summaries(&name, &v).expect("summaries");
    assert_eq!(runs.len(), 1);
    let (kept_row, kept) = &runs[0];
    let kept = kept.as_ref().expect("a summary was kept at import");
    // What was kept is what the stored rows give.
    let rows: Vec<_> = store
        .eval_rows(&name, &v)
        .expect("rows")
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    assert_eq!(*kept, RowSummary::from_rows(&rows));
    assert!(kept.metrics.contains_key("latency_p99_ms"));
    assert_eq!(kept.groups["locale"]["selection_rate"][0].value, 0.42);
    assert_eq!(kept.baseline["acceptance_rate"].value, 0.5865);
    let digest = kept.digest().expect("digest");
    assert_eq!(kept_row.summary_sha256, Some(digest));
    assert_eq!(row.summary_sha256, Some(digest));
    let log = store.audit_log(Some(1)).expect("audit");
    let detail: serde_json::Value = serde_json::from_str(&log[0].detail).expect("detail");
    assert_eq!(detail["summary_sha256"], digest.to_string());
    assert!(store
        .audit_verify_deep()
        .expect("deep")
        .mismatches
        .is_empty());
}

#[test]
fn an_edited_run_summary_is_refused_when_read_and_named_by_the_deep_verify() {
    fn edited(conn: &Connection) -> String {
        let text: String = conn
            .query_row("SELECT summary FROM eval_runs", [], |r| r.get(0))
            .expect("summary");
        assert!(text.contains("\"0.9\""), "{text}");
        text.replace("\"0.9\"", "\"0.99\"")
    }
    type Edit = fn(&Connection);
    // (what is done, what reading the summaries says, the fields the deep verify names)
    let cases: &[(&str, Edit, Option<&str>, &[&str])] = &[
        (
            "the summary rewritten",
            |c| {
                c.execute("UPDATE eval_runs SET summary = ?1", [edited(c)])
                    .expect("edit");
            },
            Some("its summary hashes to"),
            &["summary", "summary_sha256"],
        ),
        (
            "the summary rewritten with a digest to match: it reads, but neither the log nor the rows agree",
            |c| {
                let text = edited(c);
                let digest = Sha256Digest::of(text.as_bytes()).to_string();
                c.execute(
                    "UPDATE eval_runs SET summary = ?1, summary_sha256 = ?2",
                    [text, digest],
                )
                .expect("edit");
            },
            None,
            &["summary", "summary_sha256"],
        ),
        (
            "the digest removed",
            |c| {
                c.execute("UPDATE eval_runs SET summary_sha256 = NULL", [])
                    .expect("edit");
            },
            Some("not both present"),
            &["summary"],
        ),
        (
            "made to look like a run from before summaries were kept: read from its rows, but the audit entry recorded the digest",
            |c| {
                c.execute("UPDATE eval_runs SET summary = NULL, summary_sha256 = NULL", [])
                    .expect("edit");
            },
            None,
            &["summary_sha256"],
        ),
    ];
    for (case, edit, read_error, fields) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        let (conn, name, v) = one_run_opened_raw(dir.path());
        conn.execute_batch("DROP TRIGGER eval_runs_immutable")
            .expect("drop trigger");
        edit(&conn);
        drop(conn);
        let store = Store::open(&dir.path().join(DB_FILE), false).expect("open");
        match (store.eval_run_summaries(&name, &v), read_error) {
            (Err(e), Some(want)) => {
                assert!(e.to_string().contains(want), "{case}: {e}");
                assert!(
                    e.to_string().contains("copilot@1.0.0-1 run 1"),
                    "{case}: {e}"
                );
            }
            (Ok(_), None) => {}
            (got, want) => panic!("{case}: read {got:?}, expected error {want:?}"),
        }
        let deep = store.audit_verify_deep().expect("deep");
        let mut named: Vec<&str> = deep
            .mismatches
            .iter()
            .filter(|m| m.table == "eval_runs")
            .map(|m| m.field.as_str())
            .collect();
        named.sort();
        named.dedup();
        assert_eq!(named, *fields, "{case}: {:?}", deep.mismatches);
    }
}
