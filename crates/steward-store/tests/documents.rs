//! Document revisions on temporary SQLite files: append-only history, head moves, restore,
//! merges, refusals that write nothing, and tamper detection.

use std::path::Path;

use steward_domain::{
    Artifacts, DatasetRef, DocumentKind, Manifest, ManifestEntry, ModelName, Provenance,
    Sha256Digest, Version,
};
use steward_store::{Actor, DocumentTarget, NewModel, NewRevision, Store, StoreError, DB_FILE};

fn actor() -> Actor {
    Actor("maya".into())
}

fn seeded(dir: &Path) -> Store {
    let store = Store::open(&dir.join(DB_FILE), true).expect("open");
    let name: ModelName = "copilot".parse().expect("name");
    store
        .create_model(
            &NewModel {
                name: name.clone(),
                title: "Co-pilot".into(),
                owner: "maya@example.com".parse().expect("owner"),
                description: String::new(),
                risk_tier: Default::default(),
            },
            &actor(),
        )
        .expect("model");
    store
        .add_version(
            &name,
            "1.0.0-1".parse().expect("v"),
            &Artifacts::default(),
            &actor(),
        )
        .expect("version");
    let ds: DatasetRef = "tickets@v1".parse().expect("ds");
    let manifest = Manifest::new(
        &ds,
        vec![ManifestEntry {
            path: "a.csv".into(),
            size: 1,
            sha256: Sha256Digest::of(b"a"),
        }],
    )
    .expect("manifest");
    store
        .add_dataset(&manifest, &Provenance::default(), &actor())
        .expect("dataset");
    store
}

fn card() -> DocumentTarget {
    let v: Version = "1.0.0-1".parse().expect("v");
    DocumentTarget::Version("copilot".parse().expect("name"), v)
}

fn save<'a>(content: &'a str, base: Option<u32>) -> NewRevision<'a> {
    NewRevision {
        content,
        message: "",
        base,
        second_parent: None,
    }
}

fn audit_count(store: &Store) -> usize {
    store.audit_log(None).expect("audit").len()
}

#[test]
fn saves_append_revisions_and_restore_appends_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = seeded(dir.path());
    let kind = DocumentKind::ModelCard;
    let before = audit_count(&store);
    let doc = store
        .create_document(&card(), kind, "v1 text\n", "from template", &actor())
        .expect("create");
    assert_eq!(doc.head.meta.number, 1);
    assert_eq!(doc.head.meta.sha256, Sha256Digest::of(b"v1 text\n"));
    assert_eq!(doc.head.meta.parent, None);
    let r2 = store
        .save_revision(&card(), kind, &save("v2 text\n", Some(1)), &actor())
        .expect("save r2");
    assert_eq!((r2.meta.number, r2.meta.parent), (2, Some(1)));
    let r3 = store
        .restore_revision(&card(), kind, 1, &actor())
        .expect("restore");
    assert_eq!((r3.meta.number, r3.meta.parent), (3, Some(2)));
    assert_eq!(r3.content, "v1 text\n");
    assert_eq!(r3.meta.message, "restore r1");
    let history = store.revisions(&card(), kind).expect("history");
    assert_eq!(
        history.iter().map(|r| r.number).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(history[1].bytes, 8);
    assert_eq!(
        store.revision(&card(), kind, 2).expect("r2").content,
        "v2 text\n"
    );
    let head = store
        .document(&card(), kind)
        .expect("read")
        .expect("exists");
    assert_eq!(head.head.meta.number, 3);
    let log = store.audit_log(None).expect("audit");
    assert_eq!(log.len(), before + 3);
    let actions: Vec<&str> = log.iter().take(3).map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["document.restore", "document.save", "document.create"]
    );
    assert_eq!(log[0].subject, "copilot@1.0.0-1");
    assert!(store.audit_verify().expect("verify").first_broken.is_none());
}

#[test]
fn a_stale_base_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = seeded(dir.path());
    let kind = DocumentKind::Runbook;
    store
        .create_document(&card(), kind, "a", "", &actor())
        .expect("create");
    store
        .save_revision(&card(), kind, &save("b", Some(1)), &actor())
        .expect("r2");
    let before = audit_count(&store);
    let err = store
        .save_revision(&card(), kind, &save("c", Some(1)), &actor())
        .expect_err("stale base");
    assert!(
        matches!(&err, StoreError::Conflict(m) if m.contains("moved to r2 since r1")),
        "{err}"
    );
    assert_eq!(audit_count(&store), before);
    assert_eq!(store.revisions(&card(), kind).expect("history").len(), 2);
}

#[test]
fn merges_record_two_parents() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = seeded(dir.path());
    let kind = DocumentKind::RolloutPlan;
    store
        .create_document(&card(), kind, "a", "", &actor())
        .expect("r1");
    store
        .save_revision(&card(), kind, &save("b", None), &actor())
        .expect("r2");
    let merged = store
        .save_revision(
            &card(),
            kind,
            &NewRevision {
                content: "a+b",
                message: "merge",
                base: Some(2),
                second_parent: Some(1),
            },
            &actor(),
        )
        .expect("merge");
    assert_eq!(
        (merged.meta.parent, merged.meta.second_parent),
        (Some(2), Some(1))
    );
    let err = store
        .save_revision(
            &card(),
            kind,
            &NewRevision {
                content: "x",
                message: "",
                base: None,
                second_parent: Some(9),
            },
            &actor(),
        )
        .expect_err("no r9");
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
}

#[test]
fn documents_belong_to_the_right_owner() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = seeded(dir.path());
    let sheet = DocumentTarget::Dataset("tickets@v1".parse().expect("ds"));
    store
        .create_document(&sheet, DocumentKind::DataSheet, "sheet", "", &actor())
        .expect("data sheet on a snapshot");
    assert_eq!(store.documents(&sheet).expect("list").len(), 1);
    let before = audit_count(&store);
    for (target, kind) in [
        (card(), DocumentKind::DataSheet),
        (sheet.clone(), DocumentKind::ModelCard),
    ] {
        let err = store
            .create_document(&target, kind, "x", "", &actor())
            .expect_err("wrong owner");
        assert!(matches!(err, StoreError::Domain(_)), "{err}");
    }
    let err = store
        .create_document(&sheet, DocumentKind::DataSheet, "again", "", &actor())
        .expect_err("duplicate");
    assert!(
        matches!(&err, StoreError::Conflict(m) if m.contains("already has a data-sheet")),
        "{err}"
    );
    let missing = DocumentTarget::Dataset("nope@v1".parse().expect("ds"));
    assert!(matches!(
        store.create_document(&missing, DocumentKind::DataSheet, "x", "", &actor()),
        Err(StoreError::NotFound(_))
    ));
    assert!(store
        .document(&card(), DocumentKind::ModelCard)
        .expect("read")
        .is_none());
    assert!(matches!(
        store.revisions(&card(), DocumentKind::ModelCard),
        Err(StoreError::NotFound(m)) if m.contains("steward doc new copilot@1.0.0-1 model-card")
    ));
    assert_eq!(audit_count(&store), before);
}

#[test]
fn revisions_cannot_be_edited_and_tampering_is_detected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = seeded(dir.path());
    store
        .create_document(&card(), DocumentKind::ModelCard, "original", "", &actor())
        .expect("create");
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).expect("raw");
    assert!(conn
        .execute("UPDATE document_revisions SET content = 'forged'", [])
        .is_err());
    assert!(conn.execute("DELETE FROM document_revisions", []).is_err());
    assert!(conn
        .execute("UPDATE documents SET kind = 'runbook'", [])
        .is_err());
    conn.execute_batch("DROP TRIGGER document_revisions_immutable; UPDATE document_revisions SET content = 'forged';")
        .expect("tamper");
    drop(conn);
    let store = Store::open(&dir.path().join(DB_FILE), false).expect("reopen");
    let err = store
        .document(&card(), DocumentKind::ModelCard)
        .expect_err("tampered text");
    assert!(
        matches!(&err, StoreError::BadRow { detail, .. } if detail.contains("altered outside Steward")),
        "{err}"
    );
}

#[test]
fn the_compliance_kinds_are_stored_and_the_documents_table_keeps_its_triggers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = seeded(dir.path());
    for kind in [
        DocumentKind::AiImpactAssessment,
        DocumentKind::PostMarketMonitoringPlan,
        DocumentKind::DeclarationOfConformity,
    ] {
        store
            .create_document(&card(), kind, "text\n", "from template", &actor())
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(
            store.document(&card(), kind).expect("read").is_some(),
            "{kind}"
        );
    }
    let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).expect("raw");
    conn.pragma_update(None, "foreign_keys", "ON").expect("fk");
    let refused = conn
        .execute(
            "INSERT INTO documents (kind, version_id, created_at) VALUES ('memo', 1, 'x')",
            [],
        )
        .expect_err("unknown kind");
    assert!(refused.to_string().contains("CHECK"), "{refused}");
    let deleted = conn
        .execute("DELETE FROM documents", [])
        .expect_err("append-only");
    assert!(deleted.to_string().contains("never deleted"), "{deleted}");
    let moved = conn
        .execute("UPDATE documents SET kind = 'runbook'", [])
        .expect_err("identity");
    assert!(moved.to_string().contains("keeps its kind"), "{moved}");
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity");
    assert_eq!(integrity, "ok");
}

#[test]
fn packs_are_appended_with_their_audit_entry_and_never_changed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = seeded(dir.path());
    let before = audit_count(&store);
    let a = store
        .add_pack("team", "1", "text one", &actor())
        .expect("add");
    let b = store
        .add_pack("team", "2", "text two", &actor())
        .expect("add");
    assert_eq!((a.id, b.id), (1, 2));
    assert_eq!(audit_count(&store), before + 2);
    let rows = store.packs().expect("list");
    assert_eq!(
        rows.iter().map(|r| r.version.as_str()).collect::<Vec<_>>(),
        ["1", "2"]
    );
    assert_eq!(rows[1].sha256, Sha256Digest::of(b"text two"));
    let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).expect("raw");
    let del = conn
        .execute("DELETE FROM packs", [])
        .expect_err("append-only");
    assert!(del.to_string().contains("never deleted"), "{del}");
    let upd = conn
        .execute("UPDATE packs SET content = 'x'", [])
        .expect_err("immutable");
    assert!(upd.to_string().contains("immutable"), "{upd}");
}

#[test]
fn every_version_revision_waits_in_the_outbox_and_data_sheets_do_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = seeded(dir.path());
    store
        .create_document(&card(), DocumentKind::ModelCard, "# Card\n", "", &actor())
        .expect("create");
    store
        .save_revision(
            &card(),
            DocumentKind::ModelCard,
            &save("# Card 2\n", Some(1)),
            &actor(),
        )
        .expect("save");
    store
        .restore_revision(&card(), DocumentKind::ModelCard, 1, &actor())
        .expect("restore");
    let sheet = DocumentTarget::Dataset("tickets@v1".parse().expect("ds"));
    store
        .create_document(&sheet, DocumentKind::DataSheet, "# Sheet\n", "", &actor())
        .expect("sheet");
    let waiting: Vec<(String, String)> = store
        .outbox_waiting()
        .expect("outbox")
        .into_iter()
        .map(|r| (r.kind, r.subject))
        .collect();
    let one = (
        "document-revision".to_string(),
        "copilot@1.0.0-1".to_string(),
    );
    assert_eq!(waiting, vec![one.clone(), one.clone(), one]);
}

#[test]
fn pulled_revisions_keep_their_authors_fast_forward_and_never_overwrite_a_moved_head() {
    use steward_store::{PulledHead, PulledParent, PulledRevision};
    let dir = tempfile::tempdir().expect("tempdir");
    let store = seeded(dir.path());
    store
        .create_document(&card(), DocumentKind::ModelCard, "# Card\n", "", &actor())
        .expect("create");
    let theirs = PulledRevision {
        content: "# Card, theirs\n",
        author: "tom",
        message: "from the other laptop",
        created_at: "2026-12-01T10:00:00Z",
        parents: vec![PulledParent::Here(1)],
    };
    let child = PulledRevision {
        content: "# Card, theirs again\n",
        author: "tom",
        message: "",
        created_at: "2026-12-01T11:00:00Z",
        parents: vec![PulledParent::Pulled(0)],
    };
    let outbox = store.outbox_waiting().expect("outbox").len();
    // Planned against r1, but the head moved to r2 meanwhile: refused, nothing stored.
    store
        .save_revision(
            &card(),
            DocumentKind::ModelCard,
            &save("# Mine\n", Some(1)),
            &actor(),
        )
        .expect("save");
    let before = audit_count(&store);
    let err = store
        .pull_revisions(
            &card(),
            DocumentKind::ModelCard,
            &[theirs.clone(), child.clone()],
            Some(1),
            PulledHead::Pulled(1),
            &actor(),
        )
        .expect_err("the head moved");
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert_eq!(
        store
            .revisions(&card(), DocumentKind::ModelCard)
            .expect("revs")
            .len(),
        2
    );
    assert_eq!(audit_count(&store), before);
    // Planned against r2: stored as r3 and r4 with their own author and time; the head stays
    // (a divergence) or moves (a fast-forward).
    let numbers = store
        .pull_revisions(
            &card(),
            DocumentKind::ModelCard,
            &[theirs, child],
            Some(2),
            PulledHead::Stays,
            &actor(),
        )
        .expect("pull");
    assert_eq!(numbers, vec![3, 4]);
    let revs = store
        .revisions(&card(), DocumentKind::ModelCard)
        .expect("revs");
    assert_eq!(revs[2].author, "tom");
    assert_eq!(revs[2].created_at, "2026-12-01T10:00:00Z");
    assert_eq!(revs[2].parent, Some(1));
    assert_eq!(revs[3].parent, Some(3));
    let doc = store
        .document(&card(), DocumentKind::ModelCard)
        .expect("doc")
        .expect("exists");
    assert_eq!(doc.head.meta.number, 2, "a divergence keeps our head");
    assert_eq!(
        store.outbox_waiting().expect("outbox").len(),
        outbox + 1,
        "pulled revisions are already in the registry: only our save waits"
    );
    // A document new here is created with the pulled head.
    let v2: Version = "1.0.0-1".parse().expect("v");
    let runbook = DocumentTarget::Version("copilot".parse().expect("name"), v2);
    store
        .pull_revisions(
            &runbook,
            DocumentKind::Runbook,
            &[PulledRevision {
                content: "# Runbook\n",
                author: "tom",
                message: "",
                created_at: "2026-12-01T09:00:00Z",
                parents: vec![],
            }],
            None,
            PulledHead::Pulled(0),
            &actor(),
        )
        .expect("new document");
    let rb = store
        .document(&runbook, DocumentKind::Runbook)
        .expect("doc")
        .expect("exists");
    assert_eq!(
        (rb.head.meta.number, rb.head.meta.author.as_str()),
        (1, "tom")
    );
    let deep = store.audit_verify_deep().expect("deep");
    assert!(
        deep.mismatches.is_empty(),
        "the log explains pulled rows: {:?}",
        deep.mismatches
    );
}
