//! The `stage_history` table and the stage-change write.

use rusqlite::Connection;
use serde_json::json;
use steward_domain::{plan_stage_change, ModelName, Stage, StageChangePlan, Version};

use crate::audit::Event;
use crate::error::Result;
use crate::{now, parse_col, versions, Actor, Store};

/// One recorded stage change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageEventRow {
    /// The version that moved.
    pub version: Version,
    /// Its stage before (none when the version was created).
    pub from: Option<Stage>,
    /// Its stage after.
    pub to: Stage,
    /// `create`, or a transition kind.
    pub kind: String,
    /// Why, as given by the person, or the side effect that caused it.
    pub reason: String,
    /// Who.
    pub actor: String,
    /// When.
    pub at: String,
}

pub(crate) fn record(
    tx: &Connection,
    version_id: i64,
    from: Option<Stage>,
    to: Stage,
    kind: &str,
    reason: &str,
    actor: &Actor,
) -> Result<()> {
    tx.execute(
        "INSERT INTO stage_history (version_id, from_stage, to_stage, kind, reason, actor, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        (version_id, from.map(Stage::as_str), to.as_str(), kind, reason, &actor.0, now()),
    )?;
    Ok(())
}

fn history(
    conn: &Connection,
    model: &ModelName,
    version: Option<&Version>,
) -> Result<Vec<StageEventRow>> {
    let mut stmt = conn.prepare(
        "SELECT v.version, h.from_stage, h.to_stage, h.kind, h.reason, h.actor, h.at
         FROM stage_history h JOIN versions v ON v.id = h.version_id JOIN models m ON m.id = v.model_id
         WHERE m.name = ?1 AND (?2 IS NULL OR v.version = ?2) ORDER BY h.id",
    )?;
    let version_text = version.map(Version::to_string);
    let mut rows = stmt.query((model.as_str(), version_text))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let from: Option<String> = r.get(1)?;
        out.push(StageEventRow {
            version: parse_col("version", r.get(0)?)?,
            from: from.map(|f| parse_col("stage", f)).transpose()?,
            to: parse_col("stage", r.get(2)?)?,
            kind: r.get(3)?,
            reason: r.get(4)?,
            actor: r.get(5)?,
            at: r.get(6)?,
        });
    }
    Ok(out)
}

/// Plans and applies a stage change inside the caller's transaction: the plan is computed from
/// the stages read there. Returns the plan and its audit entry.
pub(crate) fn apply(
    tx: &Connection,
    model: &ModelName,
    version: Version,
    to: Stage,
    reason: &str,
    actor: &Actor,
) -> Result<(StageChangePlan, Event)> {
    // A precise "no such version" before the lifecycle sees the request.
    versions::get(tx, model, &version)?;
    let rows = versions::list(tx, model)?;
    let current: Vec<(Version, Stage)> = rows.iter().map(|v| (v.version, v.stage)).collect();
    let plan = plan_stage_change(model, &current, version, to)?;
    // Leave production first so the one-production index holds at every statement.
    let mut ordered: Vec<_> = plan.changes.iter().collect();
    ordered.sort_by_key(|c| c.to == Stage::Production);
    for change in ordered {
        let id = rows
            .iter()
            .find(|r| r.version == change.version)
            .map_or(0, |r| r.id);
        // History first: the stage may only move to what its newest history entry says.
        let why = if change.version == version && !reason.is_empty() {
            reason
        } else {
            change.note.as_str()
        };
        record(
            tx,
            id,
            Some(change.from),
            change.to,
            change.kind.as_str(),
            why,
            actor,
        )?;
        tx.execute(
            "UPDATE versions SET stage = ?1 WHERE id = ?2",
            (change.to.as_str(), id),
        )?;
    }
    let event = Event {
        action: "stage.set",
        subject: format!("{model}@{version}"),
        detail: json!({
            "to": to.as_str(),
            "reason": reason,
            "changes": plan.changes.iter().map(|c| json!({
                "version": c.version.to_string(), "from": c.from.as_str(), "to": c.to.as_str(), "kind": c.kind.as_str(),
            })).collect::<Vec<_>>(),
        }),
    };
    Ok((plan, event))
}

impl Store {
    /// Moves `version` of `model` to `to`, with every side effect the lifecycle implies, in one
    /// transaction: the plan is computed from the stages read inside that transaction.
    pub fn set_stage(
        &self,
        model: &ModelName,
        version: Version,
        to: Stage,
        reason: &str,
        actor: &Actor,
    ) -> Result<StageChangePlan> {
        self.write(actor, |tx| apply(tx, model, version, to, reason, actor))
    }

    /// The stage history of a model (or of one of its versions), oldest first.
    pub fn stage_history(
        &self,
        model: &ModelName,
        version: Option<&Version>,
    ) -> Result<Vec<StageEventRow>> {
        self.read(|c| history(c, model, version))
    }
}
