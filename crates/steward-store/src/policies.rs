//! The `policy_revisions` table: the workspace's governance policy, as numbered, immutable
//! revisions of its TOML text.
//!
//! The newest revision is the policy in force; a workspace with none uses the built-in default
//! (the caller decides that, this module only stores text). Each revision holds the text, its
//! sha256 (re-checked on every read), the policy's name, the author and a message, and is
//! written with its audit entry in one transaction. The caller validates the text first
//! (`steward_domain::policy::Policy::parse`), outside the lock, so a refused policy stores
//! nothing.

use rusqlite::{Connection, OptionalExtension};
use serde_json::json;
use steward_domain::Sha256Digest;

use crate::audit::Event;
use crate::error::{Result, StoreError};
use crate::{now, parse_col, Actor, Store};

/// One stored policy revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRevisionRow {
    /// 1, 2, 3, … in the order they were set.
    pub number: u32,
    /// The TOML text.
    pub content: String,
    /// sha256 of the text's UTF-8 bytes, re-checked on read.
    pub sha256: Sha256Digest,
    /// The policy's `name`.
    pub name: String,
    /// Who set it.
    pub author: String,
    /// Why, if said.
    pub message: String,
    /// When, RFC 3339.
    pub created_at: String,
}

const COLUMNS: &str = "number, content, content_sha256, name, author, message, created_at";

fn read_row(r: &rusqlite::Row<'_>) -> Result<PolicyRevisionRow> {
    let number: i64 = r.get(0)?;
    let content: String = r.get(1)?;
    let stored: String = r.get(2)?;
    let sha256: Sha256Digest = parse_col("policy revision sha256", stored)?;
    let computed = Sha256Digest::of(content.as_bytes());
    if computed != sha256 {
        return Err(StoreError::BadRow {
            what: "policy revision",
            value: format!("r{number}"),
            detail: format!(
                "its text hashes to {computed} but the stored digest is {sha256}; the workspace was edited outside Steward (`steward audit verify --deep` names what changed)"
            ),
        });
    }
    Ok(PolicyRevisionRow {
        number: u32::try_from(number).unwrap_or(u32::MAX),
        content,
        sha256,
        name: r.get(3)?,
        author: r.get(4)?,
        message: r.get(5)?,
        created_at: r.get(6)?,
    })
}

fn head(c: &Connection) -> Result<Option<PolicyRevisionRow>> {
    c.query_row(
        &format!("SELECT {COLUMNS} FROM policy_revisions ORDER BY number DESC LIMIT 1"),
        [],
        |r| Ok(read_row(r)),
    )
    .optional()?
    .transpose()
}

impl Store {
    /// Appends `content` (already validated by the caller) as the next policy revision, with
    /// its audit entry `policy.set`.
    pub fn set_policy(
        &self,
        content: &str,
        name: &str,
        message: &str,
        actor: &Actor,
    ) -> Result<PolicyRevisionRow> {
        let sha = Sha256Digest::of(content.as_bytes());
        self.write(actor, |tx| {
            let number: i64 = tx.query_row(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM policy_revisions",
                [],
                |r| r.get(0),
            )?;
            tx.execute(
                &format!(
                    "INSERT INTO policy_revisions ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                ),
                rusqlite::params![
                    number,
                    content,
                    sha.to_string(),
                    name,
                    actor.0,
                    message,
                    now()
                ],
            )?;
            let row = head(tx)?.ok_or_else(|| {
                StoreError::NotFound("the policy revision just written is missing".into())
            })?;
            let event = Event {
                action: "policy.set",
                subject: "policy".into(),
                detail: json!({
                    "revision": number, "sha256": sha.to_string(), "name": name, "message": message,
                }),
            };
            Ok((row, event))
        })
    }

    /// The policy in force: the newest revision, or None when the workspace uses the default.
    pub fn policy_head(&self) -> Result<Option<PolicyRevisionRow>> {
        self.read(head)
    }

    /// Every policy revision, newest first.
    pub fn policy_history(&self) -> Result<Vec<PolicyRevisionRow>> {
        self.read(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {COLUMNS} FROM policy_revisions ORDER BY number DESC"
            ))?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(read_row(r)?);
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("steward.db"), true).expect("open");
        (dir, store)
    }

    #[test]
    fn revisions_are_numbered_audited_and_immutable() {
        let (_dir, store) = store();
        let actor = Actor("tester".into());
        assert_eq!(store.policy_head().expect("head"), None);
        store
            .set_policy("name = \"a\"\n", "a", "first", &actor)
            .expect("set 1");
        let second = store
            .set_policy("name = \"b\"\n", "b", "", &actor)
            .expect("set 2");
        assert_eq!(second.number, 2);
        assert_eq!(store.policy_head().expect("head"), Some(second.clone()));
        let history = store.policy_history().expect("history");
        assert_eq!(
            history.iter().map(|r| r.number).collect::<Vec<_>>(),
            vec![2, 1]
        );
        let log = store.audit_log(None).expect("log");
        assert_eq!(log[0].action, "policy.set");
        assert!(log[0].detail.contains(&second.sha256.to_string()));
        store
            .read(|c| {
                for sql in [
                    "UPDATE policy_revisions SET content = 'x' WHERE number = 1",
                    "DELETE FROM policy_revisions WHERE number = 1",
                ] {
                    let err = c.execute(sql, []).expect_err(sql);
                    assert!(err.to_string().contains("steward policy set"), "{err}");
                }
                Ok(())
            })
            .expect("triggers");
    }

    #[test]
    fn an_edited_revision_is_reported_by_number() {
        let (_dir, store) = store();
        store
            .set_policy("name = \"a\"\n", "a", "", &Actor("t".into()))
            .expect("set");
        store
            .read(|c| {
                c.execute_batch(
                    "DROP TRIGGER policy_revisions_immutable;
                     UPDATE policy_revisions SET content = 'name = \"forged\"' WHERE number = 1;",
                )?;
                Ok(())
            })
            .expect("tamper");
        let err = store.policy_head().expect_err("edited");
        assert!(err.to_string().contains("r1"), "{err}");
    }
}
