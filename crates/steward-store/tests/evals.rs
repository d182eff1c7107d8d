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

fn push(sink: &mut steward_store::EvalRowSink<'_>, metric: &str, value: f64) {
    sink.push(&EvalRowRef {
        metric,
        value,
        slice: "gender=female",
        ..EvalRowRef::default()
    })
    .expect("push");
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
    let (store, name, v) = setup(dir.path());
    store
        .import_eval(&name, &v, &actor(), |sink| {
            push(sink, "accuracy", 0.9);
            Ok::<_, StoreError>(run(b"x"))
        })
        .expect("import");
    drop(store);
    let conn = Connection::open(dir.path().join(DB_FILE)).expect("raw open");
    for sql in [
        "UPDATE eval_rows SET value = 1.0",
        "UPDATE eval_runs SET file_digest = 'sha256:00'",
        "DELETE FROM eval_rows",
        "DELETE FROM eval_runs",
    ] {
        let err = conn.execute(sql, []).expect_err("refused");
        assert!(err.to_string().contains("immutable"), "{sql}: {err}");
    }
}
