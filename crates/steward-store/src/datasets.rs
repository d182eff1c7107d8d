//! The `datasets` and `version_datasets` tables: immutable snapshot manifests with provenance,
//! and which versions were trained or evaluated on them.

use rusqlite::{Connection, OptionalExtension};
use serde_json::json;
use steward_domain::{DatasetRef, Manifest, ModelName, Provenance, Sha256Digest, Version};

use crate::audit::Event;
use crate::error::{Result, StoreError};
use crate::{conflict_on_unique, now, parse_col, versions, Actor, Store};

/// A stored dataset snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetRow {
    /// Row id.
    pub id: i64,
    /// `NAME@VERSION`.
    pub reference: DatasetRef,
    /// The manifest, checked against its stored checksum on every read.
    pub manifest: Manifest,
    /// The manifest checksum.
    pub manifest_checksum: Sha256Digest,
    /// Provenance as recorded.
    pub provenance: Provenance,
    /// When it was snapshotted.
    pub created_at: String,
}

const COLUMNS: &str = "d.id, d.name, d.version, d.manifest, d.manifest_checksum, d.source, d.license, d.consent, d.retention, d.personal_data, d.created_at";

fn read_row(r: &rusqlite::Row<'_>) -> Result<DatasetRow> {
    let name: String = r.get(1)?;
    let version: String = r.get(2)?;
    let reference = DatasetRef::new(&name, &version)?;
    let bytes: Vec<u8> = r.get(3)?;
    let manifest = Manifest::from_canonical(&bytes).map_err(|e| StoreError::BadRow {
        what: "dataset manifest",
        value: reference.to_string(),
        detail: e.to_string(),
    })?;
    let manifest_checksum: Sha256Digest = parse_col("manifest checksum", r.get(4)?)?;
    if manifest.checksum() != manifest_checksum {
        return Err(StoreError::BadRow {
            what: "dataset manifest",
            value: reference.to_string(),
            detail: format!(
                "its checksum is {} but {} is recorded; the manifest was altered outside Steward",
                manifest.checksum(),
                manifest_checksum
            ),
        });
    }
    let personal: Option<i64> = r.get(9)?;
    Ok(DatasetRow {
        id: r.get(0)?,
        reference,
        manifest,
        manifest_checksum,
        provenance: Provenance {
            source: r.get(5)?,
            license: r.get(6)?,
            consent: r.get(7)?,
            retention: r.get(8)?,
            personal_data: personal.map(|p| p != 0),
        },
        created_at: r.get(10)?,
    })
}

pub(crate) fn get(conn: &Connection, reference: &DatasetRef) -> Result<DatasetRow> {
    let found = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM datasets d WHERE d.name = ?1 AND d.version = ?2"),
            (&reference.name, &reference.version),
            |r| Ok(read_row(r)),
        )
        .optional()?;
    found.ok_or_else(|| {
        StoreError::NotFound(format!(
            "no dataset snapshot {reference}; `steward dataset snapshot DIR --name {} --version {}` creates it",
            reference.name, reference.version
        ))
    })?
}

impl Store {
    /// Records a dataset snapshot. A `NAME@VERSION` already taken is a conflict: snapshots are
    /// immutable.
    pub fn add_dataset(
        &self,
        manifest: &Manifest,
        provenance: &Provenance,
        actor: &Actor,
    ) -> Result<DatasetRow> {
        let reference = DatasetRef::new(&manifest.name, &manifest.version)?;
        self.write(actor, |tx| {
            let checksum = manifest.checksum();
            let size = i64::try_from(manifest.total_bytes()).unwrap_or(i64::MAX);
            let count = i64::try_from(manifest.files.len()).unwrap_or(i64::MAX);
            tx.execute(
                "INSERT INTO datasets (name, version, manifest, manifest_checksum, file_count, total_bytes, source, license, consent, retention, personal_data, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                rusqlite::params![
                    reference.name, reference.version, manifest.canonical_bytes(), checksum.to_string(), count, size,
                    provenance.source, provenance.license, provenance.consent, provenance.retention,
                    provenance.personal_data.map(i64::from), now(),
                ],
            )
            .map_err(|e| conflict_on_unique(e, || format!("dataset snapshot {reference} already exists; snapshots are immutable, use a new --version")))?;
            let row = get(tx, &reference)?;
            let event = Event {
                action: "dataset.snapshot",
                subject: reference.to_string(),
                detail: json!({
                    "manifest_checksum": checksum.to_string(), "files": count, "bytes": size,
                    "provenance": provenance,
                }),
            };
            Ok((row, event))
        })
    }

    /// One dataset snapshot.
    pub fn dataset(&self, reference: &DatasetRef) -> Result<DatasetRow> {
        self.read(|c| get(c, reference))
    }

    /// Every dataset snapshot, by name and version.
    pub fn datasets(&self) -> Result<Vec<DatasetRow>> {
        self.read(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {COLUMNS} FROM datasets d ORDER BY d.name, d.version"
            ))?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(read_row(r)?);
            }
            Ok(out)
        })
    }

    /// Links a dataset snapshot to a version. Linking twice is a conflict.
    pub fn link_dataset(
        &self,
        model: &ModelName,
        version: &Version,
        reference: &DatasetRef,
        actor: &Actor,
    ) -> Result<()> {
        self.write(actor, |tx| {
            let v = versions::get(tx, model, version)?;
            let d = get(tx, reference)?;
            tx.execute(
                "INSERT INTO version_datasets (version_id, dataset_id, linked_at) VALUES (?1, ?2, ?3)",
                (v.id, d.id, now()),
            )
            .map_err(|e| conflict_on_unique(e, || format!("{model}@{version} is already linked to {reference}")))?;
            let event = Event {
                action: "version.link-dataset",
                subject: format!("{model}@{version}"),
                detail: json!({ "dataset": reference.to_string(), "manifest_checksum": d.manifest_checksum.to_string() }),
            };
            Ok(((), event))
        })
    }

    /// The dataset snapshots linked to a version.
    pub fn version_datasets(
        &self,
        model: &ModelName,
        version: &Version,
    ) -> Result<Vec<DatasetRow>> {
        self.read(|c| {
            let v = versions::get(c, model, version)?;
            let mut stmt = c.prepare(&format!(
                "SELECT {COLUMNS} FROM datasets d JOIN version_datasets l ON l.dataset_id = d.id WHERE l.version_id = ?1 ORDER BY d.name, d.version"
            ))?;
            let mut rows = stmt.query([v.id])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(read_row(r)?);
            }
            Ok(out)
        })
    }

    /// The versions a dataset snapshot is linked to, as (model, version).
    pub fn dataset_links(&self, reference: &DatasetRef) -> Result<Vec<(ModelName, Version)>> {
        self.read(|c| {
            let d = get(c, reference)?;
            let mut stmt = c.prepare(
                "SELECT m.name, v.version FROM version_datasets l JOIN versions v ON v.id = l.version_id JOIN models m ON m.id = v.model_id WHERE l.dataset_id = ?1 ORDER BY m.name, v.version",
            )?;
            let mut rows = stmt.query([d.id])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push((parse_col("model name", r.get(0)?)?, parse_col("version", r.get(1)?)?));
            }
            Ok(out)
        })
    }
}
