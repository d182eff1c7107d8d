//! The feedback tables: one import stores every item or none, the same bytes twice are a
//! conflict, labels append (the latest counts), and the rows refuse edits and deletes.

use rusqlite::Connection;
use steward_domain::{Artifacts, ModelName, Version};
use steward_store::{
    Actor, NewFeedbackImport, NewFeedbackItem, NewModel, Store, StoreError, DB_FILE,
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

#[test]
fn imports_are_whole_unique_labelled_and_append_only() {
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

    // A bad row (a kind the CHECK refuses) rolls back the whole import and its audit entry.
    let audit_before = store.audit_log(None).expect("audit").len();
    let bad = [item(1, "thumbs-up"), item(2, "shrug")];
    store
        .import_feedback(&name(), &v(), &import("aa"), &bad, &actor())
        .expect_err("bad kind");
    assert!(store.feedback_items(&name()).expect("items").is_empty());
    assert!(store.feedback_imports(&name()).expect("imports").is_empty());
    assert_eq!(store.audit_log(None).expect("audit").len(), audit_before);

    let row = store
        .import_feedback(
            &name(),
            &v(),
            &import("aa"),
            &[item(1, "thumbs-up"), item(2, "override")],
            &actor(),
        )
        .expect("import");
    assert_eq!((row.items, row.version.as_str()), (2, "1.0.0-1"));
    let again = store
        .import_feedback(
            &name(),
            &v(),
            &import("aa"),
            &[item(1, "thumbs-up")],
            &actor(),
        )
        .expect_err("same bytes");
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
