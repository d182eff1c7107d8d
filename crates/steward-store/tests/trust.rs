//! The trust tables: append-only signed rows, numbered roster changes, seals of the current
//! head only, and the deep verify's view of them.

use rusqlite::Connection;
use steward_domain::trust::{Decision, KeyId, Role};
use steward_domain::{Artifacts, ModelName, Sha256Digest, Stage, Version};
use steward_store::{
    Actor, NewApproval, NewModel, NewRosterChange, NewSeal, Store, StoreError, DB_FILE,
};

fn actor() -> Actor {
    Actor("tester".into())
}

fn key(n: u8) -> KeyId {
    format!("{n:02x}").repeat(32).parse().expect("key id")
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

fn change<'a>(seq: u64, envelope: &'a str, signer: &'a KeyId) -> NewRosterChange<'a> {
    NewRosterChange {
        seq,
        envelope,
        signer,
        kind: "grant",
    }
}

#[test]
fn roster_changes_are_numbered_without_gaps_and_audited() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = store(dir.path());
    let before = s.audit_log(None).expect("log").len();
    s.append_roster_change(&change(1, "{\"a\":1}", &key(1)), &actor())
        .expect("first");
    let err = s
        .append_roster_change(&change(3, "{\"a\":3}", &key(1)), &actor())
        .expect_err("gap refused");
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert!(err.to_string().contains("next change is 2"), "{err}");
    // A batch with a bad change stores none of it.
    let err = s
        .append_roster_changes(
            &[
                change(2, "{\"a\":2}", &key(1)),
                change(2, "{\"b\":2}", &key(1)),
            ],
            &actor(),
        )
        .expect_err("batch refused");
    assert!(err.to_string().contains("next change is 3"), "{err}");
    let rows = s.roster_changes().expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].envelope_sha256, Sha256Digest::of(b"{\"a\":1}"));
    assert_eq!(s.audit_log(None).expect("log").len(), before + 1);
    let deep = s.audit_verify_deep().expect("deep");
    assert!(deep.mismatches.is_empty(), "{:?}", deep.mismatches);
}

#[test]
fn trust_rows_refuse_edits_and_the_deep_verify_names_a_rewritten_envelope() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = store(dir.path());
    let model: ModelName = "copilot".parse().expect("name");
    let version: Version = "1.0.0-1".parse().expect("version");
    s.append_roster_change(&change(1, "{\"a\":1}", &key(1)), &actor())
        .expect("roster");
    let digest = Sha256Digest::of(b"subject");
    s.add_approval(
        &NewApproval {
            model: &model,
            version: &version,
            target_stage: Stage::Candidate,
            role: Role::Sre,
            decision: Decision::Approve,
            signer: &key(1),
            subject_digest: &digest,
            envelope: "{\"env\":1}",
            signed_at: "2026-12-01T00:00:00Z",
            imported: false,
        },
        &actor(),
    )
    .expect("approval");
    let (seq, hash) = s.audit_head().expect("head").expect("non-empty");
    let err = s
        .add_seal(
            &NewSeal {
                sealed_seq: seq - 1,
                head_hash: &hash,
                signer: &key(1),
                envelope: "{}",
            },
            &actor(),
        )
        .expect_err("an old head is refused");
    assert!(err.to_string().contains("moved"), "{err}");
    s.add_seal(
        &NewSeal {
            sealed_seq: seq,
            head_hash: &hash,
            signer: &key(1),
            envelope: "{\"seal\":1}",
        },
        &actor(),
    )
    .expect("seal");
    assert_eq!(s.seals().expect("seals").len(), 1);
    drop(s);

    let conn = Connection::open(dir.path().join(DB_FILE)).expect("raw open");
    for sql in [
        "UPDATE roster_changes SET envelope = 'x'",
        "DELETE FROM roster_changes",
        "UPDATE approvals SET decision = 'reject'",
        "DELETE FROM approvals",
        "UPDATE audit_seals SET head_hash = 'x'",
        "DELETE FROM audit_seals",
    ] {
        let err = conn.execute(sql, []).expect_err(sql);
        let text = err.to_string();
        assert!(
            text.contains("immutable") || text.contains("never deleted"),
            "{sql}: {text}"
        );
    }
    conn.execute_batch(
        "DROP TRIGGER approvals_immutable; UPDATE approvals SET envelope = '{\"env\":2}', decision = 'reject';",
    )
    .expect("edit behind the triggers");
    drop(conn);
    let s = Store::open(&dir.path().join(DB_FILE), false).expect("reopen");
    let deep = s.audit_verify_deep().expect("deep");
    let fields: Vec<(String, String)> = deep
        .mismatches
        .iter()
        .map(|m| (m.table.clone(), m.field.clone()))
        .collect();
    assert!(
        fields.contains(&("approvals".into(), "envelope_sha256".into())),
        "{fields:?}"
    );
    assert!(
        fields.contains(&("approvals".into(), "decision".into())),
        "{fields:?}"
    );
}
