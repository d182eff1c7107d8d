//! The `documents` and `document_revisions` tables: release documents of a version (or of a
//! dataset snapshot, for data sheets) and their immutable revisions.
//!
//! Every save appends a revision numbered from 1 per document, holding the full text, its
//! sha256 (re-checked on every read), the author, the parent (the head it was written over)
//! and, for a merge, a second parent; then moves the head. Restoring an old revision appends
//! a new one with that text, so history only grows. Each write appends its audit entry in the
//! same transaction.

use rusqlite::{Connection, OptionalExtension};
use serde_json::json;
use steward_domain::{DatasetRef, DocumentKind, ModelName, Sha256Digest, Version};

use crate::audit::Event;
use crate::error::{Result, StoreError};
use crate::{conflict_on_unique, now, parse_col, versions, Actor, Store};

/// What a document belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentTarget {
    /// A model version (every kind but data sheets).
    Version(ModelName, Version),
    /// A dataset snapshot (data sheets).
    Dataset(DatasetRef),
}

impl std::fmt::Display for DocumentTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DocumentTarget::Version(m, v) => write!(f, "{m}@{v}"),
            DocumentTarget::Dataset(d) => write!(f, "{d}"),
        }
    }
}

/// A revision without its text (for history lists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionMeta {
    /// 1, 2, 3, … within the document.
    pub number: u32,
    /// sha256 of the text's UTF-8 bytes.
    pub sha256: Sha256Digest,
    /// Size of the text in bytes.
    pub bytes: u64,
    /// Who saved it.
    pub author: String,
    /// Why, if said.
    pub message: String,
    /// The revision it was written over.
    pub parent: Option<u32>,
    /// The other revision it merges, if any.
    pub second_parent: Option<u32>,
    /// When, RFC 3339.
    pub created_at: String,
}

/// A revision with its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionRow {
    /// Everything but the text.
    pub meta: RevisionMeta,
    /// The document text.
    pub content: String,
}

/// A stored document with its head revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRow {
    /// Its kind.
    pub kind: DocumentKind,
    /// What it belongs to.
    pub target: DocumentTarget,
    /// The head revision.
    pub head: RevisionRow,
    /// When the document was created.
    pub created_at: String,
}

/// A new revision to append.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewRevision<'a> {
    /// The full text.
    pub content: &'a str,
    /// Why, for the history (may be empty).
    pub message: &'a str,
    /// The revision the author started from; the save is refused if the head has moved since.
    /// `None` writes over whatever the head is.
    pub base: Option<u32>,
    /// For a merge: the other revision the text combines.
    pub second_parent: Option<u32>,
}

struct Owner {
    version_id: Option<i64>,
    dataset_id: Option<i64>,
}

fn owner(conn: &Connection, target: &DocumentTarget) -> Result<Owner> {
    match target {
        DocumentTarget::Version(m, v) => Ok(Owner {
            version_id: Some(versions::get(conn, m, v)?.id),
            dataset_id: None,
        }),
        DocumentTarget::Dataset(d) => {
            let id: Option<i64> = conn
                .query_row(
                    "SELECT id FROM datasets WHERE name = ?1 AND version = ?2",
                    (&d.name, &d.version),
                    |r| r.get(0),
                )
                .optional()?;
            let id = id.ok_or_else(|| {
                StoreError::NotFound(format!(
                    "no dataset snapshot {d}; `steward dataset list` shows the snapshots"
                ))
            })?;
            Ok(Owner {
                version_id: None,
                dataset_id: Some(id),
            })
        }
    }
}

fn check_kind(target: &DocumentTarget, kind: DocumentKind) -> Result<()> {
    let ok = match target {
        DocumentTarget::Version(..) => !kind.is_per_dataset(),
        DocumentTarget::Dataset(_) => kind.is_per_dataset(),
    };
    if ok {
        Ok(())
    } else if kind.is_per_dataset() {
        Err(StoreError::Domain(steward_domain::DomainError::Invalid {
            field: "document target",
            input: target.to_string(),
            expected: "a dataset snapshot NAME@VERSION: data sheets belong to dataset snapshots"
                .into(),
        }))
    } else {
        Err(StoreError::Domain(steward_domain::DomainError::Invalid {
            field: "document target",
            input: target.to_string(),
            expected: format!("a model version MODEL@VERSION: a {kind} belongs to a version"),
        }))
    }
}

/// The document's row id and head revision id, if it exists.
fn find(
    conn: &Connection,
    target: &DocumentTarget,
    kind: DocumentKind,
) -> Result<Option<(i64, i64, String)>> {
    let o = owner(conn, target)?;
    Ok(conn
        .query_row(
            "SELECT id, head_revision_id, created_at FROM documents
             WHERE kind = ?1 AND version_id IS ?2 AND dataset_id IS ?3",
            (kind.as_str(), o.version_id, o.dataset_id),
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?)
}

fn not_found(target: &DocumentTarget, kind: DocumentKind) -> StoreError {
    StoreError::NotFound(format!(
        "{target} has no {kind} yet; `steward doc new {target} {kind}` creates it from the template"
    ))
}

const META: &str = "r.number, r.content_sha256, length(CAST(r.content AS BLOB)), r.author, r.message, p.number, q.number, r.created_at";

fn read_meta(r: &rusqlite::Row<'_>) -> Result<RevisionMeta> {
    let number: i64 = r.get(0)?;
    let bytes: i64 = r.get(2)?;
    let parent: Option<i64> = r.get(5)?;
    let second: Option<i64> = r.get(6)?;
    let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    Ok(RevisionMeta {
        number: n(number),
        sha256: parse_col("document revision sha256", r.get(1)?)?,
        bytes: u64::try_from(bytes).unwrap_or(0),
        author: r.get(3)?,
        message: r.get(4)?,
        parent: parent.map(n),
        second_parent: second.map(n),
        created_at: r.get(7)?,
    })
}

fn revision_by(
    conn: &Connection,
    condition: &str,
    param: i64,
    what: &str,
) -> Result<Option<RevisionRow>> {
    let row = conn
        .query_row(
            &format!(
                "SELECT {META}, r.content FROM document_revisions r
                 LEFT JOIN document_revisions p ON p.id = r.parent_id
                 LEFT JOIN document_revisions q ON q.id = r.second_parent_id
                 WHERE {condition}"
            ),
            [param],
            |r| Ok((read_meta(r), r.get::<_, String>(8)?)),
        )
        .optional()?;
    let Some((meta, content)) = row else {
        return Ok(None);
    };
    let meta = meta?;
    let actual = Sha256Digest::of(content.as_bytes());
    if actual != meta.sha256 {
        return Err(StoreError::BadRow {
            what: "document revision",
            value: format!("{what} r{}", meta.number),
            detail: format!(
                "its text hashes to {actual} but {} is recorded; the revision was altered outside Steward",
                meta.sha256
            ),
        });
    }
    Ok(Some(RevisionRow { meta, content }))
}

fn head(
    conn: &Connection,
    head_id: i64,
    target: &DocumentTarget,
    kind: DocumentKind,
) -> Result<RevisionRow> {
    revision_by(conn, "r.id = ?1", head_id, &format!("{kind} of {target}"))?
        .ok_or_else(|| not_found(target, kind))
}

fn get(
    conn: &Connection,
    target: &DocumentTarget,
    kind: DocumentKind,
) -> Result<Option<DocumentRow>> {
    let Some((_, head_id, created_at)) = find(conn, target, kind)? else {
        return Ok(None);
    };
    Ok(Some(DocumentRow {
        kind,
        target: target.clone(),
        head: head(conn, head_id, target, kind)?,
        created_at,
    }))
}

fn revision_id(conn: &Connection, doc_id: i64, number: u32) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT id FROM document_revisions WHERE document_id = ?1 AND number = ?2",
            (doc_id, number),
            |r| r.get(0),
        )
        .optional()?)
}

/// Inserts a revision of document `doc_id` numbered next, as `author` wrote it at `at`, with
/// its parents (by row id); the head does not move. Saves and pulls both come through here.
fn insert_revision(
    conn: &Connection,
    doc_id: i64,
    (parent_id, second_parent_id): (Option<i64>, Option<i64>),
    content: &str,
    message: &str,
    author: &str,
    at: &str,
) -> Result<(i64, u32, Sha256Digest)> {
    let number: i64 = conn.query_row(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM document_revisions WHERE document_id = ?1",
        [doc_id],
        |r| r.get(0),
    )?;
    let sha = Sha256Digest::of(content.as_bytes());
    conn.execute(
        "INSERT INTO document_revisions (document_id, number, content, content_sha256, author, message, parent_id, second_parent_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        rusqlite::params![doc_id, number, content, sha.to_string(), author, message, parent_id, second_parent_id, at],
    )?;
    Ok((
        conn.last_insert_rowid(),
        u32::try_from(number).unwrap_or(u32::MAX),
        sha,
    ))
}

/// Appends a revision to document `doc_id` over head `head_id`, moves the head, and puts the
/// revision in the outbox.
fn append(
    conn: &Connection,
    doc_id: i64,
    head_id: Option<i64>,
    second_parent_id: Option<i64>,
    content: &str,
    message: &str,
    actor: &Actor,
) -> Result<(i64, u32, Sha256Digest)> {
    let (id, number, sha) = insert_revision(
        conn,
        doc_id,
        (head_id, second_parent_id),
        content,
        message,
        &actor.0,
        &now(),
    )?;
    conn.execute(
        "UPDATE documents SET head_revision_id = ?1 WHERE id = ?2",
        (id, doc_id),
    )?;
    announce(conn, doc_id, id)?;
    Ok((id, number, sha))
}

/// A version's revision must reach the registry: its outbox row, in the caller's transaction.
/// Data sheets belong to dataset snapshots, which the registry does not hold.
fn announce(conn: &Connection, doc_id: i64, revision_id: i64) -> Result<()> {
    let owner: Option<(i64, String, String)> = conn
        .query_row(
            "SELECT v.model_id, m.name, v.version FROM documents d
             JOIN versions v ON v.id = d.version_id JOIN models m ON m.id = v.model_id
             WHERE d.id = ?1",
            [doc_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    if let Some((model_id, model, version)) = owner {
        crate::outbox::enqueue(
            conn,
            model_id,
            crate::outbox::OutboxKind::DocumentRevision,
            &format!("{model}@{version}"),
            revision_id,
        )?;
    }
    Ok(())
}

/// A revision pulled from the registry, to store as its author saved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PulledRevision<'a> {
    /// The text.
    pub content: &'a str,
    /// Who saved it.
    pub author: &'a str,
    /// Why.
    pub message: &'a str,
    /// When, RFC 3339, as its author's workspace recorded it.
    pub created_at: &'a str,
    /// Its parents: revisions already here or earlier in the same pull.
    pub parents: Vec<PulledParent>,
}

/// A pulled revision's parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PulledParent {
    /// A revision this workspace holds, by number.
    Here(u32),
    /// An earlier revision of the same pull, by position.
    Pulled(usize),
}

/// Where a pull leaves the head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PulledHead {
    /// Where it is.
    Stays,
    /// On this pulled revision (a fast-forward), by position.
    Pulled(usize),
}

impl Store {
    /// Creates a document with its first revision. A document of that kind that already exists
    /// for the target is a conflict.
    pub fn create_document(
        &self,
        target: &DocumentTarget,
        kind: DocumentKind,
        content: &str,
        message: &str,
        actor: &Actor,
    ) -> Result<DocumentRow> {
        check_kind(target, kind)?;
        self.write(actor, |tx| {
            let o = owner(tx, target)?;
            tx.execute(
                "INSERT INTO documents (kind, version_id, dataset_id, created_at) VALUES (?1, ?2, ?3, ?4)",
                (kind.as_str(), o.version_id, o.dataset_id, now()),
            )
            .map_err(|e| conflict_on_unique(e, || format!("{target} already has a {kind}; `steward doc edit {target} {kind}` changes it")))?;
            let doc_id = tx.last_insert_rowid();
            let (_, number, sha) = append(tx, doc_id, None, None, content, message, actor)?;
            let row = get(tx, target, kind)?.ok_or_else(|| not_found(target, kind))?;
            let event = Event {
                action: "document.create",
                subject: target.to_string(),
                detail: json!({ "kind": kind.as_str(), "revision": number, "sha256": sha.to_string(), "message": message }),
            };
            Ok((row, event))
        })
    }

    /// Appends a revision with `new.content` and moves the head to it. Refused when `new.base`
    /// is given and the head has moved past it since (someone else saved), so nothing is
    /// silently overwritten.
    pub fn save_revision(
        &self,
        target: &DocumentTarget,
        kind: DocumentKind,
        new: &NewRevision<'_>,
        actor: &Actor,
    ) -> Result<RevisionRow> {
        check_kind(target, kind)?;
        self.write(actor, |tx| {
            let (doc_id, head_id, _) = find(tx, target, kind)?.ok_or_else(|| not_found(target, kind))?;
            let current = head(tx, head_id, target, kind)?;
            if let Some(base) = new.base {
                if base != current.meta.number {
                    return Err(StoreError::Conflict(format!(
                        "the {kind} of {target} has moved to r{} since r{base} was opened; your text was not saved over it — load r{}, merge your changes and save again",
                        current.meta.number, current.meta.number
                    )));
                }
            }
            let second_id = match new.second_parent {
                None => None,
                Some(n) => Some(revision_id(tx, doc_id, n)?.ok_or_else(|| {
                    StoreError::NotFound(format!("the {kind} of {target} has no revision r{n} to merge"))
                })?),
            };
            let (id, number, sha) = append(tx, doc_id, Some(head_id), second_id, new.content, new.message, actor)?;
            let row = revision_by(tx, "r.id = ?1", id, &format!("{kind} of {target}"))?
                .ok_or_else(|| not_found(target, kind))?;
            let event = Event {
                action: "document.save",
                subject: target.to_string(),
                detail: json!({
                    "kind": kind.as_str(), "revision": number, "parent": current.meta.number,
                    "second_parent": new.second_parent, "sha256": sha.to_string(), "message": new.message,
                }),
            };
            Ok((row, event))
        })
    }

    /// Appends a revision holding the text of revision `number`, so the old text becomes the
    /// head again and nothing in between is lost.
    pub fn restore_revision(
        &self,
        target: &DocumentTarget,
        kind: DocumentKind,
        number: u32,
        actor: &Actor,
    ) -> Result<RevisionRow> {
        check_kind(target, kind)?;
        self.write(actor, |tx| {
            let (doc_id, head_id, _) = find(tx, target, kind)?.ok_or_else(|| not_found(target, kind))?;
            let old_id = revision_id(tx, doc_id, number)?.ok_or_else(|| missing_revision(target, kind, number))?;
            let old = revision_by(tx, "r.id = ?1", old_id, &format!("{kind} of {target}"))?
                .ok_or_else(|| missing_revision(target, kind, number))?;
            let message = format!("restore r{number}");
            let (id, new_number, sha) = append(tx, doc_id, Some(head_id), None, &old.content, &message, actor)?;
            let row = revision_by(tx, "r.id = ?1", id, &format!("{kind} of {target}"))?
                .ok_or_else(|| not_found(target, kind))?;
            let event = Event {
                action: "document.restore",
                subject: target.to_string(),
                detail: json!({ "kind": kind.as_str(), "revision": new_number, "restored": number, "sha256": sha.to_string() }),
            };
            Ok((row, event))
        })
    }

    /// Stores revisions pulled from the registry with their authors, times and parents
    /// (`revs`, parents first), creating the document when it is new here, and moves the head
    /// as `head` says, but only if it is still at `expected_head` (the revision the pull was
    /// planned against): a save made meanwhile is never overwritten (`head_move`). Pulled revisions are
    /// already in the registry, so they get no outbox row. The numbers given, in order.
    pub fn pull_revisions(
        &self,
        target: &DocumentTarget,
        kind: DocumentKind,
        revs: &[PulledRevision<'_>],
        expected_head: Option<u32>,
        head_move: PulledHead,
        actor: &Actor,
    ) -> Result<Vec<u32>> {
        check_kind(target, kind)?;
        if revs.is_empty() {
            return Ok(Vec::new());
        }
        self.write(actor, |tx| {
            let found = find(tx, target, kind)?;
            let (doc_id, head_id) = match found {
                Some((doc_id, head_id, _)) => (doc_id, Some(head_id)),
                None => {
                    let o = owner(tx, target)?;
                    tx.execute(
                        "INSERT INTO documents (kind, version_id, dataset_id, created_at) VALUES (?1, ?2, ?3, ?4)",
                        (kind.as_str(), o.version_id, o.dataset_id, revs[0].created_at),
                    )?;
                    (tx.last_insert_rowid(), None)
                }
            };
            let current = match head_id {
                Some(h) => Some(head(tx, h, target, kind)?.meta.number),
                None => None,
            };
            if current != expected_head {
                return Err(StoreError::Conflict(format!(
                    "the {kind} of {target} moved to {} while the pull was planned against {}; sync again",
                    current.map_or_else(|| "a first revision".into(), |n| format!("r{n}")),
                    expected_head.map_or_else(|| "no document".into(), |n| format!("r{n}")),
                )));
            }
            let mut ids: Vec<(i64, u32)> = Vec::new();
            for (at, r) in revs.iter().enumerate() {
                let mut parent_ids = Vec::new();
                for p in &r.parents {
                    parent_ids.push(match *p {
                        PulledParent::Here(n) => revision_id(tx, doc_id, n)?.ok_or_else(|| {
                            StoreError::NotFound(format!("the {kind} of {target} has no revision r{n} for a pulled revision's parent"))
                        })?,
                        PulledParent::Pulled(i) if i < at => ids[i].0,
                        PulledParent::Pulled(i) => {
                            return Err(StoreError::Conflict(format!(
                                "pulled revision {at} names pulled revision {i} as its parent, which comes after it; nothing was stored"
                            )))
                        }
                    });
                }
                let (id, number, _) = insert_revision(
                    tx,
                    doc_id,
                    (parent_ids.first().copied(), parent_ids.get(1).copied()),
                    r.content,
                    r.message,
                    r.author,
                    r.created_at,
                )?;
                ids.push((id, number));
            }
            let new_head = match head_move {
                PulledHead::Pulled(i) => ids.get(i).map(|x| x.0),
                PulledHead::Stays => head_id,
            };
            // A document new here needs a head even when the pull diverged.
            let new_head = new_head.or_else(|| ids.last().map(|x| x.0));
            if new_head != head_id {
                tx.execute(
                    "UPDATE documents SET head_revision_id = ?1 WHERE id = ?2",
                    (new_head, doc_id),
                )?;
            }
            let numbers: Vec<u32> = ids.iter().map(|x| x.1).collect();
            let head_number = match new_head {
                Some(h) => Some(head(tx, h, target, kind)?.meta.number),
                None => None,
            };
            let revisions: Vec<serde_json::Value> = numbers
                .iter()
                .zip(revs)
                .map(|(n, r)| json!({ "revision": n, "sha256": Sha256Digest::of(r.content.as_bytes()).to_string(), "author": r.author }))
                .collect();
            let event = Event {
                action: "document.pull",
                subject: target.to_string(),
                detail: json!({ "kind": kind.as_str(), "revisions": revisions, "head": head_number, "was": current }),
            };
            Ok((numbers, event))
        })
    }

    /// The document of `kind` for `target`, if it exists.
    pub fn document(
        &self,
        target: &DocumentTarget,
        kind: DocumentKind,
    ) -> Result<Option<DocumentRow>> {
        check_kind(target, kind)?;
        self.read(|c| get(c, target, kind))
    }

    /// Every document of `target`, in [`DocumentKind::ALL`] order.
    pub fn documents(&self, target: &DocumentTarget) -> Result<Vec<DocumentRow>> {
        self.read(|c| {
            let mut out = Vec::new();
            for kind in DocumentKind::ALL {
                if check_kind(target, kind).is_err() {
                    continue;
                }
                if let Some(row) = get(c, target, kind)? {
                    out.push(row);
                }
            }
            Ok(out)
        })
    }

    /// The revisions of a document, oldest first, without their text.
    pub fn revisions(
        &self,
        target: &DocumentTarget,
        kind: DocumentKind,
    ) -> Result<Vec<RevisionMeta>> {
        check_kind(target, kind)?;
        self.read(|c| {
            let (doc_id, _, _) = find(c, target, kind)?.ok_or_else(|| not_found(target, kind))?;
            let mut stmt = c.prepare(&format!(
                "SELECT {META} FROM document_revisions r
                 LEFT JOIN document_revisions p ON p.id = r.parent_id
                 LEFT JOIN document_revisions q ON q.id = r.second_parent_id
                 WHERE r.document_id = ?1 ORDER BY r.number"
            ))?;
            let mut rows = stmt.query([doc_id])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(read_meta(r)?);
            }
            Ok(out)
        })
    }

    /// One revision with its text.
    pub fn revision(
        &self,
        target: &DocumentTarget,
        kind: DocumentKind,
        number: u32,
    ) -> Result<RevisionRow> {
        check_kind(target, kind)?;
        self.read(|c| {
            let (doc_id, _, _) = find(c, target, kind)?.ok_or_else(|| not_found(target, kind))?;
            let id = revision_id(c, doc_id, number)?
                .ok_or_else(|| missing_revision(target, kind, number))?;
            revision_by(c, "r.id = ?1", id, &format!("{kind} of {target}"))?
                .ok_or_else(|| missing_revision(target, kind, number))
        })
    }
}

fn missing_revision(target: &DocumentTarget, kind: DocumentKind, number: u32) -> StoreError {
    StoreError::NotFound(format!(
        "the {kind} of {target} has no revision r{number}; `steward doc history {target} {kind}` lists them"
    ))
}
