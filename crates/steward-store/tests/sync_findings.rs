//! What the studio reads of past syncs: the newest sync's findings, kept as they were and never
//! changed, and a cleared registry URL read as none while the settings stay append-only.

use steward_store::{Actor, Store, SyncFindingsRow, DB_FILE};

fn actor() -> Actor {
    Actor("tester".into())
}

fn row(at: &str, complete: bool, report: &str) -> SyncFindingsRow {
    SyncFindingsRow {
        at: at.into(),
        direction: "both".into(),
        url: "http://127.0.0.1:5000/".into(),
        complete,
        report: report.into(),
    }
}

#[test]
fn the_newest_findings_are_read_and_none_is_ever_changed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join(DB_FILE), true).expect("open");
    assert_eq!(store.last_sync_findings().expect("read"), None);
    let counts = serde_json::json!({"ungoverned": 1});
    store
        .sync_findings_add(
            &row("2026-12-01T10:00:00Z", true, "{\"a\":1}"),
            counts.clone(),
            &actor(),
        )
        .expect("first");
    store
        .sync_findings_add(
            &row("2026-12-01T11:00:00Z", false, "{\"a\":2}"),
            counts,
            &actor(),
        )
        .expect("second");
    assert_eq!(
        store.last_sync_findings().expect("read"),
        Some(row("2026-12-01T11:00:00Z", false, "{\"a\":2}"))
    );
    let log = store.audit_log(None).expect("log");
    assert!(
        log.iter().any(|e| e.action == "sync.findings"),
        "each is audited"
    );
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).expect("raw");
    for sql in [
        "UPDATE sync_findings SET report = '{}'",
        "DELETE FROM sync_findings",
    ] {
        let err = conn.execute(sql, []).expect_err("refused by trigger");
        assert!(err.to_string().contains("sync findings"), "{sql}: {err}");
    }
}

#[test]
fn a_cleared_registry_url_reads_as_none_until_one_is_set_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join(DB_FILE), true).expect("open");
    store
        .registry_set("http://127.0.0.1:5000/", &actor())
        .expect("set");
    store.registry_clear(&actor()).expect("clear");
    assert_eq!(store.registry_url().expect("read"), None);
    store
        .registry_set("http://127.0.0.1:5001/", &actor())
        .expect("set again");
    assert_eq!(
        store.registry_url().expect("read").as_deref(),
        Some("http://127.0.0.1:5001/")
    );
}
