//! The outbox: every change that must reach the registry is queued in its own transaction,
//! attempts keep their last error, and a refused change queues nothing.

use steward_domain::trust::{Decision, KeyId, Role};
use steward_domain::{Artifacts, ModelName, Sha256Digest, Stage, Version};
use steward_store::{
    Actor, NewApproval, NewConflict, NewModel, NewRelease, Store, StoreError, SyncRunRow, DB_FILE,
};

fn actor() -> Actor {
    Actor("tester".into())
}

fn store(dir: &std::path::Path) -> Store {
    let store = Store::open(&dir.join(DB_FILE), true).expect("open");
    store
        .create_model(
            &NewModel {
                name: "copilot".parse().expect("name"),
                title: "copilot".into(),
                owner: "owner@example.com".parse().expect("owner"),
                description: String::new(),
                risk_tier: Default::default(),
            },
            &actor(),
        )
        .expect("model");
    store
        .add_version(
            &"copilot".parse().expect("name"),
            "1.0.0-1".parse().expect("version"),
            &Artifacts::default(),
            &actor(),
        )
        .expect("version");
    store
}

fn approval<'a>(
    model: &'a ModelName,
    version: &'a Version,
    key: &'a KeyId,
    digest: &'a Sha256Digest,
    envelope: &'a str,
) -> NewApproval<'a> {
    NewApproval {
        model,
        version,
        target_stage: Stage::Candidate,
        role: Role::Sre,
        decision: Decision::Approve,
        signer: key,
        subject_digest: digest,
        envelope,
        signed_at: "2026-12-01T00:00:00Z",
        imported: false,
    }
}

#[test]
fn approvals_and_release_records_are_queued_with_the_change_and_refusals_queue_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = store(dir.path());
    let model: ModelName = "copilot".parse().expect("name");
    let version: Version = "1.0.0-1".parse().expect("version");
    let key: KeyId = "01".repeat(32).parse().expect("key");
    let digest = Sha256Digest::of(b"subject");
    s.add_approval(
        &approval(&model, &version, &key, &digest, "{\"env\":1}"),
        &actor(),
    )
    .expect("approval");
    // The same envelope again is refused, and queues nothing.
    let err = s
        .add_approval(
            &approval(&model, &version, &key, &digest, "{\"env\":1}"),
            &actor(),
        )
        .expect_err("duplicate");
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    // A promotion whose record could not be made rolls back with its outbox row.
    let refused = s.set_stage_recorded(
        &model,
        version,
        Stage::Candidate,
        "try",
        &actor(),
        |_, _| -> Result<Option<NewRelease>, StoreError> {
            Err(StoreError::Conflict("signing failed".into()))
        },
    );
    assert!(refused.is_err());
    s.set_stage_recorded(
        &model,
        version,
        Stage::Candidate,
        "ready",
        &actor(),
        |_, _| -> Result<Option<NewRelease>, StoreError> {
            Ok(Some(NewRelease {
                signer: key,
                envelope: "{\"record\":1}".into(),
                recorded_at: "2026-12-01T00:00:00Z".into(),
            }))
        },
    )
    .expect("promote");
    let waiting = s.outbox_waiting().expect("waiting");
    let kinds: Vec<(&str, &str)> = waiting
        .iter()
        .map(|r| (r.kind.as_str(), r.subject.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("approval", "copilot@1.0.0-1"),
            ("release-record", "copilot@1.0.0-1")
        ]
    );

    // A failed push counts the attempt and keeps its error; a good one marks them done.
    let ids: Vec<i64> = waiting.iter().map(|r| r.id).collect();
    s.outbox_attempted(&ids, Some("the registry is unreachable"), &actor())
        .expect("attempt");
    let after = s.outbox_waiting().expect("waiting");
    assert!(
        after
            .iter()
            .all(|r| r.attempts == 1
                && r.last_error.as_deref() == Some("the registry is unreachable"))
    );
    s.outbox_attempted(&ids, None, &actor()).expect("sent");
    assert!(s.outbox_waiting().expect("waiting").is_empty());
    let all = s.outbox_all().expect("all");
    assert!(all
        .iter()
        .all(|r| r.attempts == 2 && r.done_at.is_some() && r.last_error.is_none()));
    // Outbox rows are never deleted.
    let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).expect("raw");
    assert!(conn.execute("DELETE FROM outbox", []).is_err());
}

#[test]
fn registry_url_conflicts_and_runs_are_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = store(dir.path());
    assert_eq!(s.registry_url().expect("url"), None);
    s.registry_set("http://127.0.0.1:5000/", &actor())
        .expect("set");
    s.registry_set("http://127.0.0.1:5001/", &actor())
        .expect("set");
    assert_eq!(
        s.registry_url().expect("url").as_deref(),
        Some("http://127.0.0.1:5001/")
    );
    let model: ModelName = "copilot".parse().expect("name");
    let c = NewConflict {
        model: &model,
        version: "1.0.0-1",
        kind: "release-record",
        local_sha256: Some("sha256:aa"),
        remote_sha256: "sha256:bb",
        detail: "two records",
    };
    let (new, row) = s.sync_conflict_add(&c, &actor()).expect("first");
    assert!(new);
    assert_eq!(row.settled, None);
    let (again, same) = s.sync_conflict_add(&c, &actor()).expect("again");
    assert!(!again);
    assert_eq!(
        same, row,
        "found again: the stored row, as it was first found"
    );
    assert_eq!(s.sync_conflicts().expect("conflicts").len(), 1);
    // Settled once, never again; the conflict itself stays, with its settlement.
    let settled = s
        .sync_conflict_settle(row.id, "ours", "kept this workspace's record", &actor())
        .expect("settle");
    assert_eq!(
        settled.settled.as_ref().map(|t| t.how.as_str()),
        Some("ours")
    );
    let twice = s
        .sync_conflict_settle(row.id, "theirs", "changed my mind", &actor())
        .expect_err("settled already");
    assert!(
        twice.to_string().contains("already settled (ours)"),
        "{twice}"
    );
    assert!(s
        .sync_conflict_settle(row.id + 100, "gone", "x", &actor())
        .is_err());
    assert_eq!(
        s.sync_conflicts().expect("conflicts"),
        vec![settled.clone()]
    );
    let (_, refound) = s.sync_conflict_add(&c, &actor()).expect("found once more");
    assert_eq!(
        refound, settled,
        "found again after settling: still settled"
    );
    s.sync_run_add(
        &SyncRunRow {
            at: "2026-12-01T00:00:00Z".into(),
            direction: "push".into(),
            url: "http://127.0.0.1:5001/".into(),
            ops: 3,
            requests: 5,
            error: None,
        },
        &actor(),
    )
    .expect("run");
    assert_eq!(
        s.last_sync_run().expect("last").map(|r| r.requests),
        Some(5)
    );
    let deep = s.audit_verify_deep().expect("deep");
    assert!(deep.mismatches.is_empty(), "{:?}", deep.mismatches);
}
