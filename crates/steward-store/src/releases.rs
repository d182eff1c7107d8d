//! Signed governance records: waivers, dataset security reviews, release records (with the
//! stage change they record, in one transaction) and their git tags, and a model's linked
//! git repository.
//!
//! As with approvals, each signed row keeps the DSSE envelope exactly as signed and the other
//! columns copy what its payload says, for listing; readers verify the envelope. Every table is
//! append-only (triggers refuse UPDATE and DELETE), and every append writes its audit entry in
//! the same transaction.

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension};
use serde_json::json;
use steward_domain::release::StoreFacts;
use steward_domain::trust::{KeyId, Role};
use steward_domain::{DatasetRef, ModelName, Sha256Digest, Stage, StageChangePlan, Version};

use crate::audit::Event;
use crate::error::{Result, StoreError};
use crate::{conflict_on_unique, datasets, models, now, parse_col, stages, versions, Actor, Store};

/// A signed envelope row, as every table here keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRow {
    /// Row id.
    pub id: i64,
    /// The role the row claims.
    pub role: Role,
    /// The signer the row claims.
    pub signer_keyid: String,
    /// The DSSE envelope, as JSON text.
    pub envelope: String,
    /// sha256 of the envelope text.
    pub envelope_sha256: Sha256Digest,
    /// When it was signed, as the payload says.
    pub signed_at: String,
}

/// A waiver signature to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWaiver<'a> {
    /// The model.
    pub model: &'a ModelName,
    /// The version whose check is waived.
    pub version: &'a Version,
    /// The check waived.
    pub check_id: &'a str,
    /// The role signed for.
    pub role: Role,
    /// The signing key (already verified by the caller).
    pub signer: &'a KeyId,
    /// Until when (RFC 3339).
    pub expires_at: &'a str,
    /// The envelope.
    pub envelope: &'a str,
    /// When it was signed.
    pub signed_at: &'a str,
}

/// A stored waiver signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaiverRow {
    /// The check waived.
    pub check_id: String,
    /// Until when.
    pub expires_at: String,
    /// The signature.
    pub signed: SignedRow,
}

/// A security/privacy review of a dataset snapshot to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDatasetReview<'a> {
    /// The snapshot.
    pub dataset: &'a DatasetRef,
    /// The role signed for.
    pub role: Role,
    /// The signing key (already verified by the caller).
    pub signer: &'a KeyId,
    /// The manifest checksum reviewed.
    pub manifest_checksum: &'a Sha256Digest,
    /// The envelope.
    pub envelope: &'a str,
    /// When it was signed.
    pub signed_at: &'a str,
}

/// A stored dataset review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetReviewRow {
    /// The manifest checksum the row claims was reviewed.
    pub manifest_checksum: String,
    /// The signature.
    pub signed: SignedRow,
}

/// Where a model's chain stands when a record is about to be appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainHead {
    /// The position the new record takes.
    pub next_seq: u64,
    /// The envelope digest of the last record, if any.
    pub previous: Option<Sha256Digest>,
}

/// A release record to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRelease {
    /// The signing key.
    pub signer: KeyId,
    /// The envelope, as JSON text.
    pub envelope: String,
    /// When it was signed.
    pub recorded_at: String,
}

/// A stored release record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseRow {
    /// Row id.
    pub id: i64,
    /// Position in the model's chain.
    pub seq: u64,
    /// The version that moved.
    pub version: Version,
    /// The kind the row claims.
    pub kind: String,
    /// The stage before, as the row claims.
    pub from: Stage,
    /// The stage after, as the row claims.
    pub to: Stage,
    /// The signer the row claims.
    pub signer_keyid: String,
    /// The previous record's digest, as the row claims.
    pub previous_sha256: Option<String>,
    /// The envelope.
    pub envelope: String,
    /// sha256 of the envelope text.
    pub envelope_sha256: Sha256Digest,
    /// When it was signed.
    pub recorded_at: String,
    /// Each attempt at its git tag, oldest first.
    pub tags: Vec<TagRow>,
}

/// One attempt at a release record's git tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRow {
    /// The tag name.
    pub tag: String,
    /// Whether the tag was made.
    pub created: bool,
    /// The repository and commit, or why there is no tag.
    pub detail: String,
    /// When.
    pub at: String,
}

fn signed_row(r: &rusqlite::Row<'_>, base: usize) -> Result<SignedRow> {
    Ok(SignedRow {
        id: r.get(base)?,
        role: parse_col("signed role", r.get(base + 1)?)?,
        signer_keyid: r.get(base + 2)?,
        envelope: r.get(base + 3)?,
        envelope_sha256: parse_col("envelope digest", r.get(base + 4)?)?,
        signed_at: r.get(base + 5)?,
    })
}

fn waivers_of(c: &Connection, version_id: i64) -> Result<Vec<WaiverRow>> {
    let mut stmt = c.prepare(
        "SELECT check_id, expires_at, id, role, signer_keyid, envelope, envelope_sha256, signed_at
         FROM waivers WHERE version_id = ?1 ORDER BY id",
    )?;
    let mut rows = stmt.query([version_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(WaiverRow {
            check_id: r.get(0)?,
            expires_at: r.get(1)?,
            signed: signed_row(r, 2)?,
        });
    }
    Ok(out)
}

fn tags_of(c: &Connection, record_id: i64) -> Result<Vec<TagRow>> {
    let mut stmt = c.prepare(
        "SELECT tag, created, detail, at FROM release_tags WHERE record_id = ?1 ORDER BY id",
    )?;
    let mut rows = stmt.query([record_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let created: i64 = r.get(1)?;
        out.push(TagRow {
            tag: r.get(0)?,
            created: created != 0,
            detail: r.get(2)?,
            at: r.get(3)?,
        });
    }
    Ok(out)
}

const RELEASE_COLUMNS: &str = "r.id, r.seq, v.version, r.kind, r.from_stage, r.to_stage, r.signer_keyid, r.previous_sha256, r.envelope, r.envelope_sha256, r.recorded_at";

fn releases_of(c: &Connection, model_id: i64, only_seq: Option<u64>) -> Result<Vec<ReleaseRow>> {
    let mut stmt = c.prepare(&format!(
        "SELECT {RELEASE_COLUMNS} FROM release_records r JOIN versions v ON v.id = r.version_id
         WHERE r.model_id = ?1 AND (?2 IS NULL OR r.seq = ?2) ORDER BY r.seq"
    ))?;
    let seq = only_seq.map(|s| i64::try_from(s).unwrap_or(i64::MAX));
    let mut rows = stmt.query((model_id, seq))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let seq: i64 = r.get(1)?;
        out.push(ReleaseRow {
            id,
            seq: u64::try_from(seq).unwrap_or(0),
            version: parse_col("release version", r.get(2)?)?,
            kind: r.get(3)?,
            from: parse_col("release from stage", r.get(4)?)?,
            to: parse_col("release to stage", r.get(5)?)?,
            signer_keyid: r.get(6)?,
            previous_sha256: r.get(7)?,
            envelope: r.get(8)?,
            envelope_sha256: parse_col("release envelope digest", r.get(9)?)?,
            recorded_at: r.get(10)?,
            tags: Vec::new(),
        });
    }
    for row in &mut out {
        row.tags = tags_of(c, row.id)?;
    }
    Ok(out)
}

fn chain_head(c: &Connection, model_id: i64) -> Result<ChainHead> {
    let last: Option<(i64, String)> = c
        .query_row(
            "SELECT seq, envelope_sha256 FROM release_records WHERE model_id = ?1 ORDER BY seq DESC LIMIT 1",
            [model_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match last {
        None => ChainHead {
            next_seq: 1,
            previous: None,
        },
        Some((seq, digest)) => ChainHead {
            next_seq: u64::try_from(seq).unwrap_or(0) + 1,
            previous: Some(parse_col("release envelope digest", digest)?),
        },
    })
}

/// What `set_stage_recorded` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedStageChange {
    /// Every change made, the requested one first.
    pub plan: StageChangePlan,
    /// The release record appended with it, if the move leaves one.
    pub record: Option<ReleaseRow>,
}

impl Store {
    /// Moves `version` of `model` to `to` like [`Store::set_stage`], and appends the release
    /// record `build` returns in the same transaction. `build` sees the plan computed inside
    /// the transaction and the chain head read there, so two promoters can never both link to
    /// the same previous record; it returns None for a move that leaves no record, or an error
    /// that rolls everything back.
    pub fn set_stage_recorded<E: From<StoreError>>(
        &self,
        model: &ModelName,
        version: Version,
        to: Stage,
        reason: &str,
        actor: &Actor,
        build: impl FnOnce(&StageChangePlan, ChainHead) -> std::result::Result<Option<NewRelease>, E>,
    ) -> std::result::Result<RecordedStageChange, E> {
        let mut failed: Option<E> = None;
        let result = self.write(actor, |tx| {
            let m = models::get(tx, model)?;
            let (plan, mut event) = stages::apply(tx, model, version, to, reason, actor)?;
            let head = chain_head(tx, m.id)?;
            let new = match build(&plan, head) {
                Ok(new) => new,
                Err(e) => {
                    failed = Some(e);
                    return Err(StoreError::Conflict("the release record was not made".into()));
                }
            };
            let mut record = None;
            if let Some(new) = new {
                let v = versions::get(tx, model, &version)?;
                let digest = Sha256Digest::of(new.envelope.as_bytes());
                let change = plan.changes.first();
                tx.execute(
                    "INSERT INTO release_records (model_id, seq, version_id, kind, from_stage, to_stage, signer_keyid, previous_sha256, envelope, envelope_sha256, recorded_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                    (
                        m.id,
                        i64::try_from(head.next_seq).unwrap_or(i64::MAX),
                        v.id,
                        change.map_or("", |c| c.kind.as_str()),
                        change.map_or(to, |c| c.from).as_str(),
                        to.as_str(),
                        new.signer.as_str(),
                        head.previous.map(|d| d.to_string()),
                        &new.envelope,
                        digest.to_string(),
                        &new.recorded_at,
                    ),
                )
                .map_err(|e| conflict_on_unique(e, || format!("release record {} of {model} is already stored", head.next_seq)))?;
                // The registry learns of the record through the outbox, in this transaction.
                crate::outbox::enqueue(
                    tx,
                    m.id,
                    crate::outbox::OutboxKind::ReleaseRecord,
                    &format!("{model}@{version}"),
                    tx.last_insert_rowid(),
                )?;
                if let Some(detail) = event.detail.as_object_mut() {
                    detail.insert(
                        "release".into(),
                        json!({
                            "seq": head.next_seq,
                            "signer": new.signer.as_str(),
                            "envelope_sha256": digest.to_string(),
                            "previous_sha256": head.previous.map(|d| d.to_string()),
                        }),
                    );
                }
                record = releases_of(tx, m.id, Some(head.next_seq))?.pop();
            }
            Ok((RecordedStageChange { plan, record }, event))
        });
        match (result, failed) {
            (_, Some(e)) => Err(e),
            (Ok(v), None) => Ok(v),
            (Err(e), None) => Err(e.into()),
        }
    }

    /// A model's release records in chain order, each with its tag attempts (unverified).
    pub fn release_records(&self, model: &ModelName) -> Result<Vec<ReleaseRow>> {
        self.read(|c| releases_of(c, models::get(c, model)?.id, None))
    }

    /// Records an attempt at a release record's git tag.
    pub fn add_release_tag(
        &self,
        model: &ModelName,
        seq: u64,
        tag: &str,
        created: bool,
        detail: &str,
        actor: &Actor,
    ) -> Result<TagRow> {
        self.write(actor, |tx| {
            let m = models::get(tx, model)?;
            let row = releases_of(tx, m.id, Some(seq))?
                .pop()
                .ok_or_else(|| StoreError::NotFound(format!("{model} has no release record {seq}")))?;
            let at = now();
            tx.execute(
                "INSERT INTO release_tags (record_id, tag, created, detail, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                (row.id, tag, i64::from(created), detail, &at),
            )?;
            let event = Event {
                action: if created { "release.tag" } else { "release.tag-missing" },
                subject: format!("{model} release {seq}"),
                detail: json!({ "tag": tag, "created": created, "detail": detail }),
            };
            Ok((
                TagRow {
                    tag: tag.to_string(),
                    created,
                    detail: detail.to_string(),
                    at,
                },
                event,
            ))
        })
    }

    /// Links a model to a local git repository (the latest link wins).
    pub fn link_repo(&self, model: &ModelName, path: &str, actor: &Actor) -> Result<()> {
        self.write(actor, |tx| {
            let m = models::get(tx, model)?;
            tx.execute(
                "INSERT INTO model_repos (model_id, path, at) VALUES (?1, ?2, ?3)",
                (m.id, path, now()),
            )?;
            Ok((
                (),
                Event {
                    action: "model.link-repo",
                    subject: model.to_string(),
                    detail: json!({ "path": path }),
                },
            ))
        })
    }

    /// The local git repository a model is linked to, if any.
    pub fn model_repo(&self, model: &ModelName) -> Result<Option<String>> {
        self.read(|c| {
            let m = models::get(c, model)?;
            Ok(c.query_row(
                "SELECT path FROM model_repos WHERE model_id = ?1 ORDER BY id DESC LIMIT 1",
                [m.id],
                |r| r.get(0),
            )
            .optional()?)
        })
    }

    /// Stores one signature of a waiver, with its audit entry.
    pub fn add_waiver(&self, w: &NewWaiver<'_>, actor: &Actor) -> Result<WaiverRow> {
        self.write(actor, |tx| {
            let v = versions::get(tx, w.model, w.version)?;
            let digest = Sha256Digest::of(w.envelope.as_bytes());
            tx.execute(
                "INSERT INTO waivers (version_id, check_id, role, signer_keyid, expires_at, envelope, envelope_sha256, signed_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                (v.id, w.check_id, w.role.as_str(), w.signer.as_str(), w.expires_at, w.envelope, digest.to_string(), w.signed_at, now()),
            )
            .map_err(|e| conflict_on_unique(e, || format!("this waiver of {} on {}@{} is already stored", w.check_id, w.model, w.version)))?;
            let id = tx.last_insert_rowid();
            crate::outbox::enqueue(
                tx,
                crate::models::get(tx, w.model)?.id,
                crate::outbox::OutboxKind::Waiver,
                &format!("{}@{}", w.model, w.version),
                id,
            )?;
            let row = waivers_of(tx, v.id)?
                .into_iter()
                .find(|r| r.signed.id == id)
                .ok_or_else(|| StoreError::NotFound(format!("waiver {id} vanished")))?;
            let event = Event {
                action: "waiver.add",
                subject: format!("{}@{}", w.model, w.version),
                detail: json!({
                    "id": id, "check_id": w.check_id, "role": w.role.as_str(), "signer": w.signer.as_str(),
                    "expires_at": w.expires_at, "envelope_sha256": digest.to_string(),
                }),
            };
            Ok((row, event))
        })
    }

    /// A version's stored waiver signatures, oldest first (unverified).
    pub fn waivers(&self, model: &ModelName, version: &Version) -> Result<Vec<WaiverRow>> {
        self.read(|c| waivers_of(c, versions::get(c, model, version)?.id))
    }

    /// Stores a signed security/privacy review of a dataset snapshot.
    pub fn add_dataset_review(
        &self,
        r: &NewDatasetReview<'_>,
        actor: &Actor,
    ) -> Result<DatasetReviewRow> {
        self.write(actor, |tx| {
            let d = datasets::get(tx, r.dataset)?;
            let digest = Sha256Digest::of(r.envelope.as_bytes());
            tx.execute(
                "INSERT INTO dataset_reviews (dataset_id, role, signer_keyid, manifest_checksum, envelope, envelope_sha256, signed_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                (d.id, r.role.as_str(), r.signer.as_str(), r.manifest_checksum.to_string(), r.envelope, digest.to_string(), r.signed_at, now()),
            )
            .map_err(|e| conflict_on_unique(e, || format!("this review of {} is already stored", r.dataset)))?;
            let id = tx.last_insert_rowid();
            let row = reviews_of(tx, d.id)?
                .into_iter()
                .find(|x| x.signed.id == id)
                .ok_or_else(|| StoreError::NotFound(format!("dataset review {id} vanished")))?;
            let event = Event {
                action: "dataset.review",
                subject: r.dataset.to_string(),
                detail: json!({
                    "id": id, "role": r.role.as_str(), "signer": r.signer.as_str(),
                    "manifest_checksum": r.manifest_checksum.to_string(), "envelope_sha256": digest.to_string(),
                }),
            };
            Ok((row, event))
        })
    }

    /// A dataset snapshot's stored reviews, oldest first (unverified).
    pub fn dataset_reviews(&self, dataset: &DatasetRef) -> Result<Vec<DatasetReviewRow>> {
        self.read(|c| reviews_of(c, datasets::get(c, dataset)?.id))
    }

    /// What the store holds now for everything a release record of `model@version` names:
    /// artifacts, linked datasets, every document revision's digest, runs, and the digests of
    /// the version's approval and waiver envelopes. None of the version when it is gone.
    pub fn release_facts(&self, model: &ModelName, version: &Version) -> Result<StoreFacts> {
        self.read(|c| {
            let Some(v) = versions::get(c, model, version).map(Some).or_else(|e| match e {
                StoreError::NotFound(_) => Ok(None),
                e => Err(e),
            })?
            else {
                return Ok(StoreFacts::default());
            };
            let mut facts = StoreFacts {
                artifacts: Some((
                    v.artifacts.bundle_digest,
                    v.artifacts.config_digest,
                    v.artifacts.code_commit.as_ref().map(ToString::to_string),
                )),
                ..StoreFacts::default()
            };
            let mut stmt = c.prepare(
                "SELECT d.name || '@' || d.version, d.manifest_checksum FROM version_datasets l JOIN datasets d ON d.id = l.dataset_id WHERE l.version_id = ?1",
            )?;
            let mut rows = stmt.query([v.id])?;
            while let Some(r) = rows.next()? {
                facts.datasets.insert(r.get(0)?, parse_col("manifest checksum", r.get(1)?)?);
            }
            let mut stmt = c.prepare(
                "SELECT doc.kind, CASE WHEN doc.dataset_id IS NULL THEN NULL ELSE ds.name || '@' || ds.version END, rev.number, rev.content_sha256
                 FROM document_revisions rev JOIN documents doc ON doc.id = rev.document_id
                 LEFT JOIN datasets ds ON ds.id = doc.dataset_id
                 WHERE doc.version_id = ?1 OR doc.dataset_id IN (SELECT dataset_id FROM version_datasets WHERE version_id = ?1)",
            )?;
            let mut rows = stmt.query([v.id])?;
            while let Some(r) = rows.next()? {
                let number: i64 = r.get(2)?;
                facts.revisions.insert(
                    (r.get(0)?, r.get(1)?, u32::try_from(number).unwrap_or(0)),
                    parse_col("revision digest", r.get(3)?)?,
                );
            }
            let mut stmt = c.prepare("SELECT id, file_digest FROM eval_runs WHERE version_id = ?1")?;
            let mut rows = stmt.query([v.id])?;
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                facts.runs.insert(id.to_string(), parse_col("evidence digest", r.get(1)?)?);
            }
            let mut envelopes = BTreeSet::new();
            for sql in [
                "SELECT envelope_sha256 FROM approvals WHERE version_id = ?1",
                "SELECT envelope_sha256 FROM waivers WHERE version_id = ?1",
            ] {
                let mut stmt = c.prepare(sql)?;
                let mut rows = stmt.query([v.id])?;
                while let Some(r) = rows.next()? {
                    envelopes.insert(parse_col("envelope digest", r.get(0)?)?);
                }
            }
            facts.envelopes = envelopes;
            Ok(facts)
        })
    }
}

fn reviews_of(c: &Connection, dataset_id: i64) -> Result<Vec<DatasetReviewRow>> {
    let mut stmt = c.prepare(
        "SELECT manifest_checksum, id, role, signer_keyid, envelope, envelope_sha256, signed_at
         FROM dataset_reviews WHERE dataset_id = ?1 ORDER BY id",
    )?;
    let mut rows = stmt.query([dataset_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(DatasetReviewRow {
            manifest_checksum: r.get(0)?,
            signed: signed_row(r, 1)?,
        });
    }
    Ok(out)
}
