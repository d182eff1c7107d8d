//! The `versions` table: versions of a model with their stage and artifacts.

use rusqlite::{Connection, OptionalExtension};
use serde_json::json;
use steward_domain::{Artifacts, ModelName, Stage, Version};

use crate::audit::Event;
use crate::error::{Result, StoreError};
use crate::{conflict_on_unique, models, now, parse_col, stages, Actor, Store};

/// A stored version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRow {
    /// Row id.
    pub id: i64,
    /// The version.
    pub version: Version,
    /// Its current stage.
    pub stage: Stage,
    /// Its artifacts.
    pub artifacts: Artifacts,
    /// When it was added.
    pub created_at: String,
}

const COLUMNS: &str =
    "v.id, v.version, v.stage, v.bundle_digest, v.bundle_uri, v.code_commit, v.config_digest, v.config_uri, v.created_at";

fn opt<T: std::str::FromStr>(what: &'static str, v: Option<String>) -> Result<Option<T>>
where
    T::Err: std::fmt::Display,
{
    v.map(|s| parse_col(what, s)).transpose()
}

fn read_row(r: &rusqlite::Row<'_>) -> Result<VersionRow> {
    Ok(VersionRow {
        id: r.get(0)?,
        version: parse_col("version", r.get(1)?)?,
        stage: parse_col("stage", r.get(2)?)?,
        artifacts: Artifacts {
            bundle_digest: opt("bundle digest", r.get(3)?)?,
            bundle_uri: r.get(4)?,
            code_commit: opt("commit", r.get(5)?)?,
            config_digest: opt("config digest", r.get(6)?)?,
            config_uri: r.get(7)?,
        },
        created_at: r.get(8)?,
    })
}

/// Every version of `model`, highest first.
pub(crate) fn list(conn: &Connection, model: &ModelName) -> Result<Vec<VersionRow>> {
    let m = models::get(conn, model)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM versions v WHERE v.model_id = ?1"
    ))?;
    let mut rows = stmt.query([m.id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(read_row(r)?);
    }
    out.sort_by_key(|row| std::cmp::Reverse(row.version));
    Ok(out)
}

pub(crate) fn get(conn: &Connection, model: &ModelName, version: &Version) -> Result<VersionRow> {
    let m = models::get(conn, model)?;
    let found = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM versions v WHERE v.model_id = ?1 AND v.version = ?2"),
            (m.id, version.to_string()),
            |r| Ok(read_row(r)),
        )
        .optional()?;
    found.ok_or_else(|| {
        StoreError::NotFound(format!(
            "model \"{model}\" has no version {version}; `steward version list {model}` shows its versions"
        ))
    })?
}

fn text<T: ToString>(o: &Option<T>) -> Option<String> {
    o.as_ref().map(ToString::to_string)
}

impl Store {
    /// Adds a version in the Experiment stage.
    pub fn add_version(
        &self,
        model: &ModelName,
        version: Version,
        artifacts: &Artifacts,
        actor: &Actor,
    ) -> Result<VersionRow> {
        self.write(actor, |tx| {
            let m = models::get(tx, model)?;
            tx.execute(
                "INSERT INTO versions (model_id, version, stage, bundle_digest, bundle_uri, code_commit, config_digest, config_uri, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                (
                    m.id,
                    version.to_string(),
                    Stage::Experiment.as_str(),
                    text(&artifacts.bundle_digest),
                    &artifacts.bundle_uri,
                    text(&artifacts.code_commit),
                    text(&artifacts.config_digest),
                    &artifacts.config_uri,
                    now(),
                ),
            )
            .map_err(|e| conflict_on_unique(e, || format!("{model}@{version} already exists; versions are immutable, add a new one (`steward version next {model} --change …` suggests it)")))?;
            let row = get(tx, model, &version)?;
            stages::record(tx, row.id, None, Stage::Experiment, "create", "version added", actor)?;
            let event = Event {
                action: "version.add",
                subject: format!("{model}@{version}"),
                detail: json!({
                    "stage": Stage::Experiment.as_str(),
                    "bundle_digest": text(&artifacts.bundle_digest), "bundle_uri": artifacts.bundle_uri,
                    "code_commit": text(&artifacts.code_commit),
                    "config_digest": text(&artifacts.config_digest), "config_uri": artifacts.config_uri,
                }),
            };
            Ok((row, event))
        })
    }

    /// Every version of a model, highest first.
    pub fn versions(&self, model: &ModelName) -> Result<Vec<VersionRow>> {
        self.read(|c| list(c, model))
    }

    /// One version.
    pub fn version(&self, model: &ModelName, version: &Version) -> Result<VersionRow> {
        self.read(|c| get(c, model, version))
    }
}
