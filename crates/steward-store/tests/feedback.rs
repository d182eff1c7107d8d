//! The feedback tables: one import stores every item or none, the same bytes twice are a
//! conflict, labels append (the latest counts), and the rows refuse edits and deletes.

use rusqlite::Connection;
use steward_domain::{Artifacts, ModelName, Version};
use steward_store::{
    Actor, FeedbackImportRow, NewFeedbackImport, NewFeedbackItem, NewModel, Store, StoreError,
    DB_FILE,
};

fn actor() -> Actor {
    Actor("tester".into())
}

fn name() -> ModelName {
    "bot".parse().expect("name")
}

fn v() -> Version {
    "1.0.0-1".parse().expect("version")
}

fn item(line: u64, kind: &str) -> NewFeedbackItem {
    NewFeedbackItem {
        line,
        external_id: String::new(),
        variant: "a".into(),
        kind: kind.into(),
        at: "2026-12-01T00:00:00Z".into(),
        input: String::new(),
        output: String::new(),
        comment: format!("comment {line}"),
        correction: String::new(),
        flagged: true,
        safety: false,
        redactions: "{}".into(),
        redaction_total: 0,
        truncated: false,
    }
}

fn import(sha: &str) -> NewFeedbackImport {
    NewFeedbackImport {
        variant: String::new(),
        file_name: "f.jsonl".into(),
        file_sha256: sha.into(),
        max_tokens: 512,
    }
}

/// Streams `items` through the sink as an import of bytes with digest `sha`.
fn store_items(
    store: &Store,
    sha: &str,
    items: &[NewFeedbackItem],
) -> Result<FeedbackImportRow, StoreError> {
    store.import_feedback(&name(), &v(), &actor(), |sink| {
        for it in items {
            sink.push(it)?;
        }
        Ok::<_, StoreError>(import(sha))
    })
}

fn workspace() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join(DB_FILE), true).expect("open");
    store
        .create_model(
            &NewModel {
                name: name(),
                title: "bot".into(),
                owner: "owner-team".parse().expect("owner"),
                description: String::new(),
                risk_tier: Default::default(),
            },
            &actor(),
        )
        .expect("model");
    store
        .add_version(&name(), v(), &Artifacts::default(), &actor())
        .expect("version");
    (dir, store)
}

#[test]
fn imports_are_whole_unique_labelled_and_append_only() {
    let (dir, store) = workspace();

    // A bad row (a kind the CHECK refuses) rolls back the whole import and its audit entry.
    let audit_before = store.audit_log(None).expect("audit").len();
    let bad = [item(1, "thumbs-up"), item(2, "shrug")];
    store_items(&store, "aa", &bad).expect_err("bad kind");
    assert!(store.feedback_items(&name()).expect("items").is_empty());
    assert!(store.feedback_imports(&name()).expect("imports").is_empty());
    assert_eq!(store.audit_log(None).expect("audit").len(), audit_before);

    let row =
        store_items(&store, "aa", &[item(1, "thumbs-up"), item(2, "override")]).expect("import");
    assert_eq!((row.items, row.version.as_str()), (2, "1.0.0-1"));
    let again = store_items(&store, "aa", &[item(1, "thumbs-up")]).expect_err("same bytes");
    assert!(matches!(again, StoreError::Conflict(_)), "{again}");

    let items = store.feedback_items(&name()).expect("items");
    assert_eq!(items.len(), 2);
    let id = items[0].id;
    store
        .add_feedback_label(id, "wrong", "first look", &actor())
        .expect("label");
    let after = store
        .add_feedback_label(id, "correct", "", &actor())
        .expect("relabel");
    assert_eq!(
        after.label.as_ref().map(|l| l.label.as_str()),
        Some("correct")
    );
    assert_eq!(store.feedback_labels(id).expect("labels").len(), 2);
    let missing = store
        .add_feedback_label(9999, "wrong", "", &actor())
        .expect_err("missing");
    assert!(matches!(missing, StoreError::NotFound(_)), "{missing}");
    drop(store);

    let conn = Connection::open(dir.path().join(DB_FILE)).expect("raw open");
    for sql in [
        "UPDATE feedback_items SET comment = 'rewritten'",
        "DELETE FROM feedback_items",
        "UPDATE feedback_imports SET items = 0",
        "DELETE FROM feedback_imports",
        "UPDATE feedback_labels SET label = 'unsafe'",
        "DELETE FROM feedback_labels",
    ] {
        let err = conn.execute(sql, []).expect_err(sql);
        let text = err.to_string();
        assert!(
            text.contains("immutable") || text.contains("never deleted"),
            "{sql}: {err}"
        );
    }
}

/// What `audit verify --deep` says after `sql` ran with the append-only triggers dropped.
fn tampered(sql: &str) -> Vec<String> {
    let (dir, store) = workspace();
    store_items(&store, "aa", &[item(1, "thumbs-up"), item(2, "override")]).expect("import");
    store_items(&store, "bb", &[item(1, "correction")]).expect("import");
    let id = store.feedback_items(&name()).expect("items")[1].id;
    store
        .add_feedback_label(id, "wrong", "checked", &actor())
        .expect("label");
    let clean = store.audit_verify_deep().expect("deep");
    assert!(clean.mismatches.is_empty(), "{:?}", clean.mismatches);
    drop(store);
    let conn = Connection::open(dir.path().join(DB_FILE)).expect("raw open");
    conn.execute_batch(
        "DROP TRIGGER feedback_items_immutable; DROP TRIGGER feedback_items_append_only;
         DROP TRIGGER feedback_labels_immutable; DROP TRIGGER feedback_labels_append_only;
         DROP TRIGGER feedback_imports_immutable;",
    )
    .expect("drop triggers");
    conn.execute_batch(sql).expect(sql);
    drop(conn);
    let store = Store::open(&dir.path().join(DB_FILE), false).expect("reopen");
    store
        .audit_verify_deep()
        .expect("deep")
        .mismatches
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn the_deep_verify_names_feedback_edited_behind_stewards_back() {
    let cases: &[(&str, &[&str])] = &[
        ("SELECT 1", &[]),
        (
            "UPDATE feedback_items SET comment = 'rewritten' WHERE id = 1",
            &["feedback_imports bot@1.0.0-1 import 1: items_sha256 is", "feedback_items bot@1.0.0-1 item 1: the stored content_sha256 is"],
        ),
        (
            "UPDATE feedback_items SET comment = 'mail jane.doe@example.com' WHERE id = 3",
            &[
                "feedback_imports bot@1.0.0-1 import 2: items_sha256 is",
                "feedback_items bot@1.0.0-1 item 3: comment holds 1 unredacted email that Steward redacts",
                "feedback_items bot@1.0.0-1 item 3: the stored content_sha256 is",
            ],
        ),
        (
            "UPDATE feedback_labels SET label = 'correct'",
            &["feedback_labels bot@1.0.0-1 label 1: label is correct where the audit log says wrong"],
        ),
        (
            "DELETE FROM feedback_items WHERE id = 1",
            &[
                "feedback_imports bot@1.0.0-1 import 1: items is 1 where the audit log says 2",
                "feedback_imports bot@1.0.0-1 import 1: items_sha256 is",
                "feedback_items bot@1.0.0-1 item 1: the row is absent where the audit log says present",
            ],
        ),
        (
            "UPDATE feedback_imports SET items_sha256 = NULL WHERE id = 2",
            &["feedback_imports bot@1.0.0-1 import 2: items_sha256 is null where the audit log says sha256:"],
        ),
    ];
    for (sql, want) in cases {
        let mut got = tampered(sql);
        got.sort();
        assert_eq!(got.len(), want.len(), "{sql}: {got:#?}");
        for (g, w) in got.iter().zip(*want) {
            assert!(g.starts_with(w), "{sql}: {g:?} does not start with {w:?}");
        }
    }
}
