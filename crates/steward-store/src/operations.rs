//! Operations after release (issue 12): imported online windows with the guardrail events
//! their evaluation wrote, incidents with their timelines, and the workspace's guardrail
//! service key. Append-only; each write carries its audit entry.

use rusqlite::{Connection, OptionalExtension};
use serde_json::json;
use steward_domain::ModelName;

use crate::audit::Event;
use crate::error::{Result, StoreError};
use crate::{models, now, Actor, Store};

/// One series of window values to store: one arm's values of one metric, in time order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OnlineSeries<'a> {
    /// `canary` or `production`.
    pub arm: &'a str,
    /// The metric.
    pub metric: &'a str,
    /// (window start, seconds since the epoch; value).
    pub points: &'a [(i64, f64)],
}

/// A series' stored bytes: 16 a window, the start (i64) then the value (f64), little-endian.
fn encode_series(points: &[(i64, f64)], out: &mut Vec<u8>) {
    out.clear();
    out.reserve(points.len() * 16);
    for (at, value) in points {
        out.extend_from_slice(&at.to_le_bytes());
        out.extend_from_slice(&value.to_le_bytes());
    }
}

fn decode_series(data: &[u8]) -> Vec<(i64, f64)> {
    data.chunks_exact(16)
        .map(|c| {
            let (at, value) = c.split_at(8);
            let at: [u8; 8] = at.try_into().unwrap_or_default();
            let value: [u8; 8] = value.try_into().unwrap_or_default();
            (i64::from_le_bytes(at), f64::from_le_bytes(value))
        })
        .collect()
}

/// An online window import to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOnlineImport<'a> {
    /// The model.
    pub model: &'a ModelName,
    /// The file's name.
    pub file_name: &'a str,
    /// sha256 of its bytes.
    pub file_sha256: &'a str,
    /// The canary version then.
    pub canary: Option<String>,
    /// The production version then.
    pub production: Option<String>,
    /// Rows (window values) in the file.
    pub rows: u64,
    /// Window length, seconds.
    pub step_s: i64,
    /// Earliest window start.
    pub first_at: i64,
    /// Latest window start.
    pub last_at: i64,
    /// The policy the windows were evaluated under.
    pub policy: &'a str,
}

/// A guardrail event to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGuardrailEvent {
    /// The rule.
    pub rule_id: String,
    /// The breach, as JSON.
    pub evidence: String,
    /// `performed`, `recommended` or `not-performed`.
    pub outcome: String,
    /// What was done, or why not.
    pub detail: String,
    /// The release record of a rollback.
    pub release_sha256: Option<String>,
    /// The serving epoch after a traffic change.
    pub traffic_epoch: Option<u64>,
    /// The incident opened or named.
    pub incident_id: Option<i64>,
}

/// A stored online import.
#[derive(Debug, Clone, PartialEq)]
pub struct OnlineImportRow {
    /// Row id.
    pub id: i64,
    /// File name.
    pub file_name: String,
    /// sha256.
    pub file_sha256: String,
    /// Canary version then.
    pub canary: Option<String>,
    /// Production version then.
    pub production: Option<String>,
    /// Rows.
    pub rows: u64,
    /// Window length.
    pub step_s: i64,
    /// First window.
    pub first_at: i64,
    /// Last window.
    pub last_at: i64,
    /// Policy name.
    pub policy: String,
    /// Who.
    pub actor: String,
    /// When.
    pub at: String,
}

/// A stored guardrail event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardrailEventRow {
    /// Row id.
    pub id: i64,
    /// The import that breached.
    pub import_id: i64,
    /// The event.
    pub event: NewGuardrailEvent,
    /// When.
    pub at: String,
}

/// A stored incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentRow {
    /// Row id (`INC-<id>`).
    pub id: i64,
    /// The model.
    pub model: String,
    /// Title.
    pub title: String,
    /// Severity.
    pub severity: String,
    /// Versions involved, JSON array.
    pub versions: String,
    /// `manual` or `guardrail:<rule>`.
    pub source: String,
    /// Who opened it.
    pub actor: String,
    /// When.
    pub at: String,
    /// Its timeline, oldest first.
    pub entries: Vec<IncidentEntryRow>,
}

/// One timeline entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentEntryRow {
    /// Row id.
    pub id: i64,
    /// `note`, `rollback`, `traffic` or `close`.
    pub kind: String,
    /// Text.
    pub text: String,
    /// A release record.
    pub release_sha256: Option<String>,
    /// Action items (close), JSON array.
    pub action_items: String,
    /// Who.
    pub actor: String,
    /// When.
    pub at: String,
}

fn actor_of(c: &Connection, action: &str, subject: &str, id: i64) -> Result<String> {
    Ok(c.query_row(
        "SELECT actor FROM audit_log WHERE action = ?1 AND subject = ?2 AND json_extract(detail, '$.id') = ?3 LIMIT 1",
        (action, subject, id),
        |r| r.get(0),
    )
    .optional()?
    .unwrap_or_default())
}

fn entries(c: &Connection, incident: i64, model: &str) -> Result<Vec<IncidentEntryRow>> {
    let mut stmt = c.prepare(
        "SELECT id, kind, text, release_sha256, action_items, at FROM incident_entries WHERE incident_id = ?1 ORDER BY id",
    )?;
    let mut rows = stmt.query([incident])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        out.push(IncidentEntryRow {
            id,
            kind: r.get(1)?,
            text: r.get(2)?,
            release_sha256: r.get(3)?,
            action_items: r.get(4)?,
            at: r.get(5)?,
            actor: String::new(),
        });
    }
    for e in &mut out {
        e.actor = actor_of(c, "incident.entry", model, e.id)?;
    }
    Ok(out)
}

fn incident_rows(c: &Connection, filter: &str, arg: i64) -> Result<Vec<IncidentRow>> {
    let mut stmt = c.prepare(&format!(
        "SELECT i.id, m.name, i.title, i.severity, i.versions, i.source, i.at
         FROM incidents i JOIN models m ON m.id = i.model_id WHERE {filter} ORDER BY i.id"
    ))?;
    let mut rows = stmt.query([arg])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(IncidentRow {
            id: r.get(0)?,
            model: r.get(1)?,
            title: r.get(2)?,
            severity: r.get(3)?,
            versions: r.get(4)?,
            source: r.get(5)?,
            at: r.get(6)?,
            actor: String::new(),
            entries: Vec::new(),
        });
    }
    for i in &mut out {
        i.actor = actor_of(c, "incident.open", &i.model, i.id)?;
        i.entries = entries(c, i.id, &i.model)?;
    }
    Ok(out)
}

/// One import's series of `metric` in `arm`, in time order, from either storage (a series
/// per row, or, for imports made before that, a row per window).
fn series_in(c: &Connection, import_id: i64, arm: &str, metric: &str) -> Result<Vec<(i64, f64)>> {
    let whole: Option<Vec<u8>> = c
        .prepare_cached(
            "SELECT data FROM online_series WHERE import_id = ?1 AND metric = ?2 AND arm = ?3",
        )?
        .query_row((import_id, metric, arm), |r| r.get(0))
        .optional()?;
    if let Some(data) = whole {
        return Ok(decode_series(&data));
    }
    let mut stmt = c.prepare_cached(
        "SELECT at, value FROM online_points WHERE import_id = ?1 AND metric = ?2 AND arm = ?3 ORDER BY at",
    )?;
    let rows = stmt.query_map((import_id, metric, arm), |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A model's imports in which `version` was the `arm`, with a window in [`from`, `to`]:
/// (id, file name, first window, last window), the newest last window first.
fn serving_imports(
    c: &Connection,
    model_id: i64,
    arm: &str,
    version: &str,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, String, i64, i64)>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, file_name, first_at, last_at FROM online_imports
         WHERE model_id = ?1 AND first_at <= ?5 AND last_at >= ?4
           AND (CASE ?2 WHEN 'canary' THEN canary ELSE production END) = ?3
         ORDER BY last_at DESC, id DESC",
    )?;
    let rows = stmt.query_map((model_id, arm, version, from, to), |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

impl Store {
    /// Whether `model` already has an import of a file with this sha256.
    pub fn online_import_exists(&self, model: &ModelName, sha256: &str) -> Result<bool> {
        self.read(|c| {
            let m = models::get(c, model)?;
            Ok(c.query_row(
                "SELECT 1 FROM online_imports WHERE model_id = ?1 AND file_sha256 = ?2",
                (m.id, sha256),
                |_| Ok(()),
            )
            .optional()?
            .is_some())
        })
    }

    /// Stores an import, its windows and its guardrail events in one transaction; returns
    /// the import's id.
    pub fn add_online_import(
        &self,
        imp: &NewOnlineImport<'_>,
        series: &[OnlineSeries<'_>],
        events: &[NewGuardrailEvent],
        actor: &Actor,
    ) -> Result<i64> {
        self.write(actor, |tx| {
            let m = models::get(tx, imp.model)?;
            tx.execute(
                "INSERT INTO online_imports (model_id, file_name, file_sha256, canary, production, rows, step_s, first_at, last_at, policy, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                (
                    m.id,
                    imp.file_name,
                    imp.file_sha256,
                    &imp.canary,
                    &imp.production,
                    i64::try_from(imp.rows).unwrap_or(i64::MAX),
                    imp.step_s,
                    imp.first_at,
                    imp.last_at,
                    imp.policy,
                    now(),
                ),
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    StoreError::Conflict(format!(
                        "{} was imported for {} already (sha256 {})",
                        imp.file_name, imp.model, imp.file_sha256
                    ))
                }
                e => e.into(),
            })?;
            let id = tx.last_insert_rowid();
            let mut n: i64 = 0;
            let mut digests = serde_json::Map::new();
            {
                let mut stmt = tx.prepare_cached(
                    "INSERT INTO online_series (import_id, arm, metric, points, data, data_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?;
                let mut data = Vec::new();
                for s in series.iter().filter(|s| !s.points.is_empty()) {
                    encode_series(s.points, &mut data);
                    let sha = steward_domain::Sha256Digest::of(&data).to_string();
                    let points = i64::try_from(s.points.len()).unwrap_or(i64::MAX);
                    stmt.execute((id, s.arm, s.metric, points, &data, &sha))?;
                    digests.insert(format!("{} {}", s.arm, s.metric), json!(sha));
                    n += points;
                }
            }
            if u64::try_from(n).ok() != Some(imp.rows) {
                return Err(StoreError::Conflict(format!(
                    "{} holds {} windows but {n} were given to store",
                    imp.file_name, imp.rows
                )));
            }
            let mut ids = Vec::new();
            for e in events {
                tx.execute(
                    "INSERT INTO guardrail_events (model_id, import_id, rule_id, evidence, outcome, detail, release_sha256, traffic_epoch, incident_id, at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    (
                        m.id,
                        id,
                        &e.rule_id,
                        &e.evidence,
                        &e.outcome,
                        &e.detail,
                        &e.release_sha256,
                        e.traffic_epoch.map(|x| i64::try_from(x).unwrap_or(i64::MAX)),
                        e.incident_id,
                        now(),
                    ),
                )?;
                ids.push(tx.last_insert_rowid());
            }
            Ok((
                id,
                Event {
                    action: "online.import",
                    subject: imp.model.to_string(),
                    detail: json!({
                        "id": id, "file": imp.file_name, "sha256": imp.file_sha256, "windows": n,
                        "series_sha256": digests,
                        "canary": imp.canary, "production": imp.production, "policy": imp.policy,
                        "events": events.iter().zip(&ids).map(|(e, i)| json!({
                            "id": i, "rule": e.rule_id, "outcome": e.outcome,
                            "release_sha256": e.release_sha256, "incident": e.incident_id,
                        })).collect::<Vec<_>>(),
                    }),
                },
            ))
        })
    }

    /// A model's online imports, oldest first, with their window counts.
    pub fn online_imports(&self, model: &ModelName) -> Result<Vec<OnlineImportRow>> {
        self.read(|c| {
            let m = models::get(c, model)?;
            let mut stmt = c.prepare(
                "SELECT i.id, i.file_name, i.file_sha256, i.canary, i.production, i.rows,
                        i.step_s, i.first_at, i.last_at, i.policy, i.at
                 FROM online_imports i WHERE i.model_id = ?1 ORDER BY i.id",
            )?;
            let mut rows = stmt.query([m.id])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(OnlineImportRow {
                    id: r.get(0)?,
                    file_name: r.get(1)?,
                    file_sha256: r.get(2)?,
                    canary: r.get(3)?,
                    production: r.get(4)?,
                    rows: u64::try_from(r.get::<_, i64>(5)?).unwrap_or(0),
                    step_s: r.get(6)?,
                    first_at: r.get(7)?,
                    last_at: r.get(8)?,
                    policy: r.get(9)?,
                    at: r.get(10)?,
                    actor: String::new(),
                });
            }
            for i in &mut out {
                i.actor = actor_of(c, "online.import", model.as_str(), i.id)?;
            }
            Ok(out)
        })
    }

    /// A model's guardrail events, oldest first.
    pub fn guardrail_events(&self, model: &ModelName) -> Result<Vec<GuardrailEventRow>> {
        self.read(|c| {
            let m = models::get(c, model)?;
            let mut stmt = c.prepare(
                "SELECT id, import_id, rule_id, evidence, outcome, detail, release_sha256, traffic_epoch, incident_id, at
                 FROM guardrail_events WHERE model_id = ?1 ORDER BY id",
            )?;
            let mut rows = stmt.query([m.id])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(GuardrailEventRow {
                    id: r.get(0)?,
                    import_id: r.get(1)?,
                    event: NewGuardrailEvent {
                        rule_id: r.get(2)?,
                        evidence: r.get(3)?,
                        outcome: r.get(4)?,
                        detail: r.get(5)?,
                        release_sha256: r.get(6)?,
                        traffic_epoch: r
                            .get::<_, Option<i64>>(7)?
                            .map(|e| u64::try_from(e).unwrap_or(0)),
                        incident_id: r.get(8)?,
                    },
                    at: r.get(9)?,
                });
            }
            Ok(out)
        })
    }

    /// The last `limit` stored windows of one series before `before` (window start,
    /// seconds), ascending: the windows of `metric` from the imports in which `version` was
    /// the `arm` (canary or production), whichever file they came in.
    pub fn online_tail(
        &self,
        model: &ModelName,
        arm: &str,
        version: &str,
        metric: &str,
        before: i64,
        limit: u32,
    ) -> Result<Vec<(i64, f64)>> {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        if limit == 0 {
            return Ok(Vec::new());
        }
        self.read(|c| {
            let m = models::get(c, model)?;
            let mut out: Vec<(i64, f64)> = Vec::new();
            // Newest last window first: once `limit` windows are in hand and an import ends
            // before the oldest of them, no older import can add one.
            for (id, _, _, last) in serving_imports(c, m.id, arm, version, i64::MIN, before - 1)? {
                if out.len() >= limit {
                    out.sort_unstable_by_key(|p| std::cmp::Reverse(p.0));
                    out.truncate(limit);
                    if out.last().is_some_and(|p| last < p.0) {
                        break;
                    }
                }
                out.extend(
                    series_in(c, id, arm, metric)?
                        .into_iter()
                        .filter(|p| p.0 < before),
                );
            }
            out.sort_unstable_by_key(|p| std::cmp::Reverse(p.0));
            out.truncate(limit);
            out.reverse();
            Ok(out)
        })
    }

    /// A stored window of the series at one of `starts` (ascending), with the file it came
    /// in: a window a new file would import a second time.
    pub fn online_overlap(
        &self,
        model: &ModelName,
        arm: &str,
        version: &str,
        metric: &str,
        starts: &[i64],
    ) -> Result<Option<(i64, String)>> {
        let (Some(&first), Some(&last)) = (starts.first(), starts.last()) else {
            return Ok(None);
        };
        self.read(|c| {
            let m = models::get(c, model)?;
            for (id, file, _, _) in serving_imports(c, m.id, arm, version, first, last)? {
                if let Some(p) = series_in(c, id, arm, metric)?
                    .into_iter()
                    .find(|p| starts.binary_search(&p.0).is_ok())
                {
                    return Ok(Some((p.0, file)));
                }
            }
            Ok(None)
        })
    }

    /// The values of one metric and arm of an import, in time order (an import made before
    /// series were stored whole reads its rows from `online_points`).
    pub fn online_series(
        &self,
        import_id: i64,
        arm: &str,
        metric: &str,
    ) -> Result<Vec<(i64, f64)>> {
        self.read(|c| series_in(c, import_id, arm, metric))
    }

    /// Opens an incident; returns its id.
    pub fn open_incident(
        &self,
        model: &ModelName,
        title: &str,
        severity: &str,
        versions: &str,
        source: &str,
        actor: &Actor,
    ) -> Result<i64> {
        self.write(actor, |tx| {
            let m = models::get(tx, model)?;
            tx.execute(
                "INSERT INTO incidents (model_id, title, severity, versions, source, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                (m.id, title, severity, versions, source, now()),
            )?;
            let id = tx.last_insert_rowid();
            Ok((
                id,
                Event {
                    action: "incident.open",
                    subject: model.to_string(),
                    detail: json!({ "id": id, "title": title, "severity": severity, "versions": versions, "source": source }),
                },
            ))
        })
    }

    /// Adds an entry to an incident's timeline.
    pub fn add_incident_entry(
        &self,
        incident: i64,
        kind: &str,
        text: &str,
        release_sha256: Option<&str>,
        action_items: &str,
        actor: &Actor,
    ) -> Result<()> {
        self.write(actor, |tx| {
            let model: String = tx
                .query_row(
                    "SELECT m.name FROM incidents i JOIN models m ON m.id = i.model_id WHERE i.id = ?1",
                    [incident],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or_else(|| StoreError::NotFound(format!("incident INC-{incident}")))?;
            tx.execute(
                "INSERT INTO incident_entries (incident_id, kind, text, release_sha256, action_items, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                (incident, kind, text, release_sha256, action_items, now()),
            )?;
            let id = tx.last_insert_rowid();
            Ok((
                (),
                Event {
                    action: "incident.entry",
                    subject: model,
                    detail: json!({ "id": id, "incident": incident, "kind": kind, "text": text, "release_sha256": release_sha256, "action_items": action_items }),
                },
            ))
        })
    }

    /// One incident with its timeline.
    pub fn incident(&self, id: i64) -> Result<IncidentRow> {
        self.read(|c| {
            incident_rows(c, "i.id = ?1", id)?
                .pop()
                .ok_or_else(|| StoreError::NotFound(format!("incident INC-{id}")))
        })
    }

    /// A model's incidents, oldest first.
    pub fn incidents(&self, model: &ModelName) -> Result<Vec<IncidentRow>> {
        self.read(|c| {
            let m = models::get(c, model)?;
            incident_rows(c, "i.model_id = ?1", m.id)
        })
    }

    /// Records the workspace's guardrail service key (its keyring entry and key id).
    pub fn add_service_key(&self, identity: &str, keyid: &str, actor: &Actor) -> Result<()> {
        self.write(actor, |tx| {
            tx.execute(
                "INSERT INTO service_keys (identity, keyid, at) VALUES (?1, ?2, ?3)",
                (identity, keyid, now()),
            )?;
            Ok((
                (),
                Event {
                    action: "service-key.add",
                    subject: "workspace".into(),
                    detail: json!({ "identity": identity, "keyid": keyid }),
                },
            ))
        })
    }

    /// The newest service key: (keyring entry, key id).
    pub fn service_key(&self) -> Result<Option<(String, String)>> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT identity, keyid FROM service_keys ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
        })
    }
}
