//! Store tests on temporary SQLite files.

use std::path::Path;

use rusqlite::Connection;
use steward_domain::{
    Artifacts, DatasetRef, Manifest, ManifestEntry, ModelName, Provenance, Sha256Digest, Stage,
    Version,
};
use steward_store::{Actor, NewModel, Store, StoreError, DB_FILE};

fn actor() -> Actor {
    Actor("tester".into())
}

fn name(s: &str) -> ModelName {
    s.parse().expect("valid model name")
}

fn v(s: &str) -> Version {
    s.parse().expect("valid version")
}

fn new_store(dir: &Path) -> Store {
    Store::open(&dir.join(DB_FILE), true).expect("open new store")
}

fn add_model(store: &Store, n: &str) {
    store
        .create_model(
            &NewModel {
                name: name(n),
                title: n.into(),
                owner: "owner@example.com".parse().expect("owner"),
                description: String::new(),
                risk_tier: Default::default(),
            },
            &actor(),
        )
        .expect("create model");
}

fn audit_count(store: &Store) -> usize {
    store.audit_log(None).expect("audit log").len()
}

/// A model with versions walked up to production, then a canary.
fn seeded(dir: &Path) -> Store {
    let store = new_store(dir);
    add_model(&store, "copilot");
    for ver in ["1.0.0-1", "1.1.0-2"] {
        store
            .add_version(&name("copilot"), v(ver), &Artifacts::default(), &actor())
            .expect("add version");
    }
    for stage in [Stage::Candidate, Stage::Canary, Stage::Production] {
        store
            .set_stage(&name("copilot"), v("1.0.0-1"), stage, "", &actor())
            .expect("promote");
    }
    for stage in [Stage::Candidate, Stage::Canary] {
        store
            .set_stage(&name("copilot"), v("1.1.0-2"), stage, "", &actor())
            .expect("promote");
    }
    store
}

#[test]
fn schema_snapshot() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = new_store(dir.path());
    insta::assert_snapshot!(store.schema_sql().expect("schema"));
    assert_eq!(
        store.applied_migrations().expect("migrations"),
        steward_store::MIGRATIONS
            .iter()
            .map(|m| m.0.to_string())
            .collect::<Vec<_>>()
    );
}

#[test]
fn reopening_applies_nothing_twice_and_keeps_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(seeded(dir.path()));
    let store = Store::open(&dir.path().join(DB_FILE), false).expect("reopen");
    assert_eq!(
        store.applied_migrations().expect("migrations").len(),
        steward_store::MIGRATIONS.len()
    );
    assert_eq!(store.versions(&name("copilot")).expect("versions").len(), 2);
}

#[test]
fn a_workspace_from_before_the_feedback_digests_and_whole_series_opens_and_keeps_its_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(seeded(dir.path()));
    let path = dir.path().join(DB_FILE);
    let fresh = Store::open(&path, false)
        .expect("open")
        .schema_sql()
        .expect("schema");
    // Put the file back to the schema of the last migration before them, holding a feedback
    // import and an online window stored the old way.
    Connection::open(&path)
        .expect("raw open")
        .execute_batch(
            "DELETE FROM schema_migrations WHERE id IN ('20261203200000', '20261203201000');
             ALTER TABLE feedback_items DROP COLUMN content_sha256;
             ALTER TABLE feedback_imports DROP COLUMN items_sha256;
             DROP TABLE online_series;
             INSERT INTO feedback_imports (id, version_id, variant, file_name, file_sha256, items, redactions, max_tokens, imported_at)
               VALUES (1, 1, '', 'old.jsonl', 'ab', 1, 0, 512, '2026-12-02T00:00:00Z');
             INSERT INTO feedback_items (id, import_id, version_id, line, external_id, variant, kind, at, input, output,
               comment, correction, flagged, safety, redactions, redaction_total, truncated)
               VALUES (1, 1, 1, 1, '', 'default', 'thumbs-up', '2026-12-02T00:00:00Z', '', '', 'fine', '', 0, 0, '{}', 0, 0);
             INSERT INTO online_imports (id, model_id, file_name, file_sha256, canary, production, rows, step_s, first_at, last_at, policy, at)
               VALUES (1, 1, 'w.csv', 'sha256:cd', NULL, '1.0.0-1', 1, 0, 60, 60, 'default', '2026-12-02T00:00:00Z');
             INSERT INTO online_points (import_id, arm, metric, at, value) VALUES (1, 'production', 'error_rate', 60, 0.5);",
        )
        .expect("downgrade");
    let store = Store::open(&path, false).expect("the older workspace opens");
    assert_eq!(
        store.schema_sql().expect("schema"),
        fresh,
        "migrated to today's schema"
    );
    let items = store.feedback_items(&name("copilot")).expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].item.comment, "fine");
    assert_eq!(
        store
            .online_series(1, "production", "error_rate")
            .expect("series"),
        vec![(60, 0.5)]
    );
}

#[test]
fn a_database_from_a_newer_steward_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(seeded(dir.path()));
    let path = dir.path().join(DB_FILE);
    Connection::open(&path)
        .expect("raw open")
        .execute("INSERT INTO schema_migrations (id, name, applied_at, sha256) VALUES ('29991231000000', 'future', 'x', 'x')", [])
        .expect("insert future migration");
    let before = std::fs::read(&path).expect("read db");
    let err = Store::open(&path, false).expect_err("refused");
    assert!(matches!(err, StoreError::NewerSchema { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("newer Steward")
            && msg.contains("29991231000000")
            && msg.contains(&path.display().to_string()),
        "{msg}"
    );
    assert_eq!(
        std::fs::read(&path).expect("read db"),
        before,
        "the file must not change"
    );
}

#[test]
fn a_file_that_is_not_a_database_is_reported_as_corrupt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(DB_FILE);
    let garbage =
        b"this is not a sqlite database, just text that happens to be long enough".repeat(100);
    std::fs::write(&path, &garbage).expect("write garbage");
    let err = Store::open(&path, false).expect_err("refused");
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&path).expect("read"),
        garbage,
        "the file must not change"
    );
}

#[test]
fn a_missing_file_is_not_created_when_opening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(DB_FILE);
    let err = Store::open(&path, false).expect_err("missing");
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    assert!(!path.exists());
}

#[test]
fn duplicates_are_conflicts_and_change_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = seeded(dir.path());
    let before = audit_count(&store);
    let err = store
        .create_model(
            &NewModel {
                name: name("copilot"),
                title: "again".into(),
                owner: "x".parse().expect("owner"),
                description: String::new(),
                risk_tier: Default::default(),
            },
            &actor(),
        )
        .expect_err("duplicate model");
    assert!(
        matches!(err, StoreError::Conflict(_)) && err.to_string().contains("already exists"),
        "{err}"
    );
    let err = store
        .add_version(
            &name("copilot"),
            v("1.0.0-1"),
            &Artifacts::default(),
            &actor(),
        )
        .expect_err("dup version");
    assert!(
        err.to_string().contains("copilot@1.0.0-1 already exists"),
        "{err}"
    );
    assert_eq!(audit_count(&store), before);
    assert_eq!(
        store.model(&name("copilot")).expect("model").title,
        "copilot"
    );
}

#[test]
fn stage_changes_apply_side_effects_atomically() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = seeded(dir.path());
    let plan = store
        .set_stage(
            &name("copilot"),
            v("1.1.0-2"),
            Stage::Production,
            "canary held 72 h",
            &actor(),
        )
        .expect("promote");
    assert_eq!(plan.changes.len(), 2);
    let stages: Vec<(String, Stage)> = store
        .versions(&name("copilot"))
        .expect("versions")
        .iter()
        .map(|r| (r.version.to_string(), r.stage))
        .collect();
    assert_eq!(
        stages,
        vec![
            ("1.1.0-2".into(), Stage::Production),
            ("1.0.0-1".into(), Stage::RollbackTarget)
        ]
    );
    let history = store
        .stage_history(&name("copilot"), Some(&v("1.1.0-2")))
        .expect("history");
    assert_eq!(
        history.last().map(|h| h.reason.as_str()),
        Some("canary held 72 h")
    );
}

#[test]
fn a_refused_stage_change_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = seeded(dir.path());
    let before = (
        audit_count(&store),
        store
            .stage_history(&name("copilot"), None)
            .expect("history")
            .len(),
    );
    let err = store
        .set_stage(
            &name("copilot"),
            v("1.1.0-2"),
            Stage::Experiment,
            "",
            &actor(),
        )
        .expect_err("refused");
    assert!(matches!(err, StoreError::Domain(_)), "{err:?}");
    assert!(
        err.to_string().contains("demote it to candidate first"),
        "{err}"
    );
    let after = (
        audit_count(&store),
        store
            .stage_history(&name("copilot"), None)
            .expect("history")
            .len(),
    );
    assert_eq!(before, after);
    assert_eq!(
        store
            .version(&name("copilot"), &v("1.1.0-2"))
            .expect("version")
            .stage,
        Stage::Canary
    );
}

#[test]
fn a_second_production_is_refused_by_the_database_itself() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(seeded(dir.path()));
    let conn = Connection::open(dir.path().join(DB_FILE)).expect("raw open");
    // Even with a forged history entry that lets the stage trigger through, the index holds.
    conn.execute(
        "INSERT INTO stage_history (version_id, from_stage, to_stage, kind, actor, at)
         SELECT id, stage, 'production', 'promote', 'mallory', 'now' FROM versions WHERE version = '1.1.0-2'",
        [],
    )
    .expect("forged history");
    let err = conn
        .execute(
            "UPDATE versions SET stage = 'production' WHERE version = '1.1.0-2'",
            [],
        )
        .expect_err("unique index");
    assert!(err.to_string().contains("UNIQUE"), "{err}");
}

#[test]
fn immutable_tables_refuse_edits() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(seeded(dir.path()));
    let conn = Connection::open(dir.path().join(DB_FILE)).expect("raw open");
    for sql in [
        "UPDATE audit_log SET actor = 'mallory' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 1",
        "UPDATE stage_history SET reason = 'rewritten'",
        // Regression (issue 8): these succeeded without dropping any trigger.
        "DELETE FROM stage_history",
        "UPDATE versions SET stage = 'production' WHERE version = '1.1.0-2'",
        "UPDATE versions SET bundle_digest = NULL",
        "DELETE FROM versions WHERE version = '1.1.0-2'",
        "UPDATE models SET owner = 'mallory'",
        "DELETE FROM models",
    ] {
        let err = conn.execute(sql, []).expect_err(sql);
        assert!(
            err.to_string().contains("append-only")
                || err.to_string().contains("immutable")
                || err.to_string().contains("never deleted")
                || err.to_string().contains("only through `steward stage set`"),
            "{sql}: {err}"
        );
    }
}

#[test]
fn every_write_appends_a_verifiable_audit_entry() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = seeded(dir.path());
    let log = store.audit_log(None).expect("log");
    // 1 model + 2 versions + 5 stage changes.
    assert_eq!(log.len(), 8);
    assert_eq!(log.first().map(|e| e.action.as_str()), Some("stage.set"));
    assert_eq!(log.last().map(|e| e.action.as_str()), Some("model.create"));
    let verdict = store.audit_verify().expect("verify");
    assert_eq!((verdict.entries, verdict.first_broken), (8, None));
}

#[test]
fn tampering_with_the_audit_log_is_found_and_named() {
    // (sql to run after dropping the append-only triggers, the entry verify must name, reason)
    let cases = [
        (
            "UPDATE audit_log SET detail = '{\"to\":\"production\"}' WHERE seq = 5",
            5,
            "do not match the stored hash",
        ),
        (
            "UPDATE audit_log SET actor = 'mallory' WHERE seq = 1",
            1,
            "do not match the stored hash",
        ),
        (
            "DELETE FROM audit_log WHERE seq = 3",
            4,
            "entry 3 is missing",
        ),
        (
            "UPDATE audit_log SET prev_hash = hash WHERE seq = 7",
            7,
            "prev_hash",
        ),
    ];
    for (sql, seq, reason) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        drop(seeded(dir.path()));
        let conn = Connection::open(dir.path().join(DB_FILE)).expect("raw open");
        conn.execute_batch(
            "DROP TRIGGER audit_log_append_only_update; DROP TRIGGER audit_log_append_only_delete;",
        )
        .expect("drop triggers");
        conn.execute(sql, []).expect(sql);
        let store = Store::open(&dir.path().join(DB_FILE), false).expect("reopen");
        let broken = store
            .audit_verify()
            .expect("verify")
            .first_broken
            .expect("broken");
        assert_eq!(broken.seq, seq, "{sql}");
        assert!(broken.reason.contains(reason), "{sql}: {}", broken.reason);
    }
}

fn manifest(dataset: &str) -> Manifest {
    let reference: DatasetRef = dataset.parse().expect("dataset ref");
    Manifest::new(
        &reference,
        vec![ManifestEntry {
            path: "a.csv".into(),
            size: 3,
            sha256: Sha256Digest::of(b"abc"),
        }],
    )
    .expect("manifest")
}

#[test]
fn datasets_round_trip_and_link() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = seeded(dir.path());
    let m = manifest("tickets@v1");
    let row = store
        .add_dataset(
            &m,
            &Provenance {
                source: Some("crm".into()),
                ..Default::default()
            },
            &actor(),
        )
        .expect("add");
    assert_eq!(row.manifest, m);
    assert_eq!(row.manifest_checksum, m.checksum());
    assert_eq!(row.provenance.missing().len(), 4);
    let err = store
        .add_dataset(&m, &Provenance::default(), &actor())
        .expect_err("duplicate");
    assert!(
        err.to_string().contains("tickets@v1 already exists"),
        "{err}"
    );
    let reference: DatasetRef = "tickets@v1".parse().expect("ref");
    store
        .link_dataset(&name("copilot"), &v("1.0.0-1"), &reference, &actor())
        .expect("link");
    let err = store
        .link_dataset(&name("copilot"), &v("1.0.0-1"), &reference, &actor())
        .expect_err("twice");
    assert!(err.to_string().contains("already linked"), "{err}");
    assert_eq!(
        store
            .version_datasets(&name("copilot"), &v("1.0.0-1"))
            .expect("linked")
            .len(),
        1
    );
    assert_eq!(
        store.dataset_links(&reference).expect("links"),
        vec![(name("copilot"), v("1.0.0-1"))]
    );
    // Regression (issue 8): provenance and links could be rewritten with plain SQL.
    let conn = Connection::open(dir.path().join(DB_FILE)).expect("raw open");
    for sql in [
        "UPDATE datasets SET license = 'cc0', consent = 'granted'",
        "DELETE FROM datasets",
        "DELETE FROM version_datasets",
        "UPDATE version_datasets SET linked_at = 'then'",
    ] {
        let err = conn.execute(sql, []).expect_err(sql);
        assert!(
            err.to_string().contains("immutable") || err.to_string().contains("never deleted"),
            "{sql}: {err}"
        );
    }
}

#[test]
fn an_altered_manifest_is_reported_not_shown() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = seeded(dir.path());
    store
        .add_dataset(&manifest("tickets@v1"), &Provenance::default(), &actor())
        .expect("add");
    drop(store);
    let conn = Connection::open(dir.path().join(DB_FILE)).expect("raw open");
    conn.execute_batch("DROP TRIGGER datasets_manifest_immutable; DROP TRIGGER datasets_immutable")
        .expect("drop triggers");
    let altered = manifest("tickets@v1")
        .canonical_bytes()
        .iter()
        .map(|b| if *b == b'3' { b'4' } else { *b })
        .collect::<Vec<u8>>();
    conn.execute("UPDATE datasets SET manifest = ?1", [altered])
        .expect("alter");
    let store = Store::open(&dir.path().join(DB_FILE), false).expect("reopen");
    let err = store
        .dataset(&"tickets@v1".parse().expect("ref"))
        .expect_err("altered");
    assert!(matches!(err, StoreError::BadRow { .. }), "{err:?}");
    assert!(err.to_string().contains("altered outside Steward"), "{err}");
}

#[test]
fn bulk_writes_roll_back_together() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = new_store(dir.path());
    let result: Result<(), StoreError> = store.bulk(|| {
        add_model(&store, "one");
        add_model(&store, "two");
        Err(StoreError::Conflict("stop".into()))
    });
    assert!(result.is_err());
    assert!(store.models_with_stages().expect("models").is_empty());
    assert_eq!(audit_count(&store), 0);
}

/// Regression: a workspace made by a development build whose (unshipped) migration was later
/// edited failed much later with "no such table"; it is now refused when opened, by name.
#[test]
fn a_database_migrated_from_different_sql_is_refused_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(seeded(dir.path()));
    let path = dir.path().join(DB_FILE);
    Connection::open(&path)
        .expect("raw open")
        .execute(
            "UPDATE schema_migrations SET sha256 = 'edited' WHERE name = 'init'",
            [],
        )
        .expect("alter digest");
    let before = std::fs::read(&path).expect("read db");
    let err = Store::open(&path, false).expect_err("refused");
    assert!(
        matches!(err, StoreError::MigrationChanged { .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("_init") && msg.contains("different SQL"),
        "{msg}"
    );
    assert_eq!(
        std::fs::read(&path).expect("read db"),
        before,
        "the file must not change"
    );
}

/// Regression (issue 8): a deferred write read before writing, so a second connection got
/// SQLITE_BUSY at once instead of waiting. Threads on their own connections now all succeed.
#[test]
fn writers_on_separate_connections_wait_instead_of_failing() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(new_store(dir.path()));
    let db = dir.path().join(DB_FILE);
    std::thread::scope(|scope| {
        for t in 0..4 {
            let db = &db;
            scope.spawn(move || {
                let store = Store::open(db, false).expect("open");
                for i in 0..25 {
                    add_model(&store, &format!("m{t}-{i}"));
                }
            });
        }
    });
    let store = Store::open(&db, false).expect("open");
    assert_eq!(store.model_count().expect("count"), 100);
    let verdict = store.audit_verify().expect("verify");
    assert_eq!((verdict.entries, verdict.first_broken), (100, None));
    assert!(store
        .audit_verify_deep()
        .expect("deep")
        .mismatches
        .is_empty());
}

#[test]
fn a_writer_that_outlasts_the_busy_timeout_gets_busy_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = new_store(dir.path());
    store
        .set_busy_timeout(std::time::Duration::from_millis(100))
        .expect("timeout");
    let holder = Connection::open(dir.path().join(DB_FILE)).expect("raw");
    holder.execute_batch("BEGIN IMMEDIATE").expect("lock");
    let err = store
        .create_model(
            &NewModel {
                name: name("late"),
                title: "late".into(),
                owner: "o@x".parse().expect("owner"),
                description: String::new(),
                risk_tier: Default::default(),
            },
            &actor(),
        )
        .expect_err("busy");
    assert!(matches!(err, StoreError::Busy { .. }), "{err:?}");
    holder.execute_batch("ROLLBACK").expect("unlock");
    assert_eq!(store.model_count().expect("count"), 0);
}

/// Searches of one or two characters read `models_grams`; they answer what a LIKE scan of the
/// four fields answers, for every such text over the fields' own characters (non-ASCII and
/// LIKE's wildcards included), and the rows the store writes are the rows the migration's
/// backfill computes from the same models.
#[test]
fn short_searches_answer_what_a_scan_answers() {
    use steward_store::ModelFilter;
    let dir = tempfile::tempdir().expect("tempdir");
    let store = seeded(dir.path());
    for (n, title, owner, description) in [
        (
            "alpha",
            "Ab test",
            "lab@example.com",
            "ÉCOLE école ß 50% off_",
        ),
        ("beta-2", "Beta two", "b@x.example", ""),
        ("gamma", "Γάμμα", "g@x.example", "tab\tseparated, 東京"),
    ] {
        store
            .create_model(
                &NewModel {
                    name: name(n),
                    title: title.into(),
                    owner: owner.parse().expect("owner"),
                    description: description.into(),
                    risk_tier: Default::default(),
                },
                &actor(),
            )
            .expect("create");
    }
    let conn = Connection::open(dir.path().join(DB_FILE)).expect("raw open");
    let fields: String = conn
        .query_row(
            "SELECT group_concat(name || title || owner || description, '') FROM models",
            [],
            |r| r.get(0),
        )
        .expect("fields");
    let mut chars: Vec<char> = fields.chars().collect();
    chars.extend(['Z', 'é', '_', '%', '\\']);
    chars.sort_unstable();
    chars.dedup();
    let mut texts: Vec<String> = chars.iter().map(|c| c.to_string()).collect();
    for a in &chars {
        for b in &chars {
            texts.push([*a, *b].iter().collect());
        }
    }
    let mut scan = conn
        .prepare(
            "SELECT name FROM models WHERE name LIKE ?1 ESCAPE '\\' OR title LIKE ?1 ESCAPE '\\' \
             OR owner LIKE ?1 ESCAPE '\\' OR description LIKE ?1 ESCAPE '\\' ORDER BY name",
        )
        .expect("scan");
    let mut checked = 0;
    for t in texts
        .iter()
        .filter(|t| !t.trim().is_empty() && t.trim() == t.as_str())
    {
        let pattern = format!(
            "%{}%",
            t.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let want: Vec<String> = scan
            .query_map([pattern], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        let got: Vec<String> = store
            .models_page(&ModelFilter {
                text: Some(t.clone()),
                ..ModelFilter::default()
            })
            .expect("page")
            .into_iter()
            .map(|(m, _)| m.name.to_string())
            .collect();
        assert_eq!(got, want, "search {t:?}");
        // Pages of it: a short text matching much of the workspace walks the names in order
        // instead of sorting its matches; either way the page is the same slice.
        for (offset, limit) in [(0, 1), (1, 1), (0, 2), (1, 3), (3, 5), (0, 50)] {
            let page: Vec<String> = store
                .models_page(&ModelFilter {
                    text: Some(t.clone()),
                    offset,
                    limit: Some(limit),
                    ..ModelFilter::default()
                })
                .expect("page")
                .into_iter()
                .map(|(m, _)| m.name.to_string())
                .collect();
            let slice: Vec<String> = want
                .iter()
                .skip(offset as usize)
                .take(limit as usize)
                .cloned()
                .collect();
            assert_eq!(page, slice, "search {t:?}, offset {offset}, limit {limit}");
        }
        checked += usize::from(!want.is_empty());
    }
    assert!(checked > 100, "only {checked} texts matched anything");
    // The migration's backfill over the same models gives the rows the store wrote.
    let migration = include_str!("../migrations/20261204050000_model_grams.sql");
    let start = migration.find("WITH RECURSIVE").expect("backfill");
    let end = migration[start..].find(';').expect("end") + start;
    let backfill = migration[start..end].replace(
        "INSERT OR IGNORE INTO models_grams (gram, model_id)",
        "INSERT OR IGNORE INTO recomputed (gram, model_id)",
    );
    conn.execute_batch(&format!(
        "CREATE TEMP TABLE recomputed (gram TEXT, model_id INTEGER, PRIMARY KEY (gram, model_id)); {backfill};"
    ))
    .expect("backfill");
    let differ: i64 = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM (SELECT gram, model_id FROM models_grams EXCEPT SELECT gram, model_id FROM recomputed)) \
                  + (SELECT COUNT(*) FROM (SELECT gram, model_id FROM recomputed EXCEPT SELECT gram, model_id FROM models_grams))",
            [],
            |r| r.get(0),
        )
        .expect("compare");
    assert_eq!(
        differ, 0,
        "the store's grams and the migration's backfill differ"
    );
    let refused = conn.execute("DELETE FROM models_grams", []);
    assert!(refused.is_err(), "grams are written once");
}

#[test]
fn model_pages_filter_sort_and_page_in_sql() {
    use steward_domain::RiskTier;
    use steward_store::ModelFilter;
    let dir = tempfile::tempdir().expect("tempdir");
    let store = seeded(dir.path());
    for (n, title, owner, tier) in [
        (
            "fraud-scorer",
            "Card fraud scorer",
            "payments@example.com",
            RiskTier::High,
        ),
        (
            "churn",
            "Churn \"risk\" model",
            "growth@example.com",
            RiskTier::Low,
        ),
        ("ab", "Ab test", "lab@example.com", RiskTier::Medium),
    ] {
        store
            .create_model(
                &NewModel {
                    name: name(n),
                    title: title.into(),
                    owner: owner.parse().expect("owner"),
                    description: format!("the {n} model"),
                    risk_tier: tier,
                },
                &actor(),
            )
            .expect("create");
    }
    let names = |f: ModelFilter| -> Vec<String> {
        store
            .models_page(&f)
            .expect("page")
            .into_iter()
            .map(|(m, _)| m.name.to_string())
            .collect()
    };
    let text = |t: &str| ModelFilter {
        text: Some(t.into()),
        ..ModelFilter::default()
    };
    // (what, filter, expected names in order)
    let cases: Vec<(&str, ModelFilter, Vec<&str>)> = vec![
        (
            "everything, by name",
            ModelFilter::default(),
            vec!["ab", "churn", "copilot", "fraud-scorer"],
        ),
        (
            "a substring through the index, any case",
            text("FRAUD"),
            vec!["fraud-scorer"],
        ),
        ("in the owner", text("payments@"), vec!["fraud-scorer"]),
        ("in the description", text("the churn"), vec!["churn"]),
        ("a quote in the text", text("\"risk\""), vec!["churn"]),
        (
            "shorter than a trigram: the short grams",
            text("Ab"),
            vec!["ab"],
        ),
        (
            "a short text's `_` is a character, not a wildcard",
            text("b_"),
            vec![],
        ),
        ("matching nothing", text("no such model"), vec![]),
        (
            "blank text matches all",
            text("  "),
            vec!["ab", "churn", "copilot", "fraud-scorer"],
        ),
        (
            "a tier",
            ModelFilter {
                risk_tier: Some(RiskTier::High),
                ..ModelFilter::default()
            },
            vec!["fraud-scorer"],
        ),
        (
            "a stage",
            ModelFilter {
                stage: Some(Stage::Production),
                ..ModelFilter::default()
            },
            vec!["copilot"],
        ),
        (
            "a page",
            ModelFilter {
                limit: Some(2),
                offset: 1,
                ..ModelFilter::default()
            },
            vec!["churn", "copilot"],
        ),
        (
            "past the end",
            ModelFilter {
                limit: Some(2),
                offset: 9,
                ..ModelFilter::default()
            },
            vec![],
        ),
    ];
    for (what, filter, expected) in cases {
        // The count is of every match, whatever the page: the list the pages come from.
        let whole = ModelFilter {
            limit: None,
            offset: 0,
            ..filter.clone()
        };
        let matching = store.models_matching(&filter).expect("count");
        assert_eq!(matching as usize, names(whole).len(), "{what}: count");
        assert_eq!(names(filter), expected, "{what}");
    }
    let paged = ModelFilter {
        limit: Some(2),
        offset: 9,
        ..ModelFilter::default()
    };
    assert_eq!(
        store.models_matching(&paged).expect("count"),
        4,
        "past the end still counts all"
    );
    assert_eq!(
        store
            .models_matching(&text("no such model"))
            .expect("count"),
        0
    );
    assert_eq!(
        store.models_matching(&text("Ab")).expect("count"),
        1,
        "a short search counts too"
    );
    // Each model comes with all its versions, highest first, whatever the page.
    let page = store
        .models_page(&ModelFilter {
            limit: Some(1),
            offset: 2,
            ..ModelFilter::default()
        })
        .expect("page");
    let versions: Vec<String> = page[0].1.iter().map(|(v, _)| v.to_string()).collect();
    assert_eq!(versions, ["1.1.0-2", "1.0.0-1"]);
}

#[test]
fn merging_the_search_index_keeps_every_answer() {
    use steward_store::ModelFilter;
    let dir = tempfile::tempdir().expect("tempdir");
    let store = new_store(dir.path());
    // One transaction per model: a segment each until FTS5 merges them.
    for i in 0..40 {
        add_model(
            &store,
            &format!("model-{i:02}-{}", ["fraud", "churn"][i % 2]),
        );
    }
    let search = |t: &str| -> Vec<String> {
        store
            .models_page(&ModelFilter {
                text: Some(t.into()),
                limit: Some(5),
                offset: 3,
                ..ModelFilter::default()
            })
            .expect("page")
            .into_iter()
            .map(|(m, _)| m.name.to_string())
            .collect()
    };
    let texts = ["fraud", "model-1", "churn", "no such", "l-3"];
    let before: Vec<Vec<String>> = texts.iter().map(|t| search(t)).collect();
    assert_eq!(before[0].len(), 5, "the fraud page is full");
    let audited = audit_count(&store);
    store.compact_model_search().expect("compact");
    let after: Vec<Vec<String>> = texts.iter().map(|t| search(t)).collect();
    assert_eq!(after, before);
    assert_eq!(audit_count(&store), audited, "index upkeep is not an event");
}

#[test]
fn the_database_file_alone_holds_every_write_after_the_last_close() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = new_store(dir.path());
    add_model(&store, "kept");
    drop(store);
    // The -wal and -shm files stay beside it; a copy of the .db without them is complete.
    assert!(dir.path().join(format!("{DB_FILE}-wal")).exists());
    let copy = tempfile::tempdir().expect("tempdir");
    std::fs::copy(dir.path().join(DB_FILE), copy.path().join(DB_FILE)).expect("copy");
    let reopened = Store::open(&copy.path().join(DB_FILE), false).expect("open copy");
    assert_eq!(
        reopened
            .model(&name("kept"))
            .expect("model in the copy")
            .name,
        name("kept")
    );
}
