//! The `models` table.

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension};
use serde_json::json;
use steward_domain::{ModelName, Owner, RiskTier, Stage, Version};

use crate::audit::Event;
use crate::error::{Result, StoreError};
use crate::{conflict_on_unique, now, parse_col, Actor, Store};

/// A stored model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelRow {
    /// Row id.
    pub id: i64,
    /// Slug name.
    pub name: ModelName,
    /// Human title.
    pub title: String,
    /// Owner (person or team).
    pub owner: String,
    /// Free-text description.
    pub description: String,
    /// Risk tier.
    pub risk_tier: RiskTier,
    /// When it was created.
    pub created_at: String,
}

/// A model with the (version, stage) of each of its versions, highest version first.
pub type ModelStages = (ModelRow, Vec<(Version, Stage)>);

/// Which models a page of the list holds, and where it starts. Empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelFilter {
    /// Case-insensitive text found in the name, title, owner or description.
    pub text: Option<String>,
    /// Only models with a version in this stage.
    pub stage: Option<Stage>,
    /// Only models of this risk tier.
    pub risk_tier: Option<RiskTier>,
    /// At most this many models; all when None.
    pub limit: Option<u32>,
    /// Skip this many (after filtering, by name).
    pub offset: u32,
}

/// The shortest text the trigram index can look up; shorter text is looked up in
/// `models_grams`.
const TRIGRAM: usize = 3;

/// Every distinct one- and two-character substring of each field, lower-cased as SQLite's
/// `lower()` and `LIKE` fold case (ASCII only): the `models_grams` rows of a model, matching
/// what the migration that made the table wrote for the models before it.
fn short_grams<'a>(fields: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    let mut grams = BTreeSet::new();
    for field in fields {
        let chars: Vec<char> = field.to_ascii_lowercase().chars().collect();
        for (i, c) in chars.iter().enumerate() {
            grams.insert(c.to_string());
            if let Some(next) = chars.get(i + 1) {
                grams.insert([*c, *next].iter().collect());
            }
        }
    }
    grams
}

/// `text` as an FTS5 string (a phrase: with the trigram tokenizer, a substring).
fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// How a page with text finds its models: from the matches, sorted by name (cost grows with
/// the matches), or by walking the names in order until the page is full (cost grows with the
/// names walked). Either gives the same rows; only the time differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Walk {
    Matches,
    ByName,
}

/// Which [`Walk`] costs less for a page ending at `end` (offset + limit) of `total` models
/// when the text matches `matches` of them: walking by name visits about `end * total /
/// matches` names, sorting the matches touches `matches` rows, so walk by name when `end *
/// total < matches²`.
fn cheaper_walk(end: u64, total: u64, matches: u64) -> Walk {
    if end.saturating_mul(total) < matches.saturating_mul(matches) {
        Walk::ByName
    } else {
        Walk::Matches
    }
}

/// Named SQL parameters, boxed so one list can hold text and numbers.
type Params = Vec<(&'static str, Box<dyn rusqlite::ToSql>)>;

/// The filter's text as searched: trimmed, `None` when empty.
fn search_text(filter: &ModelFilter) -> Option<&str> {
    filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The `FROM models m … WHERE …` the filter's text, tier and stage select from, and its
/// parameters; one clause for the page and for its count, so the two always agree.
fn matching(filter: &ModelFilter, walk: Walk) -> (String, Params) {
    let text = search_text(filter);
    let mut conds: Vec<&str> = Vec::new();
    let mut params: Params = Vec::new();
    if let Some(t) = text {
        if t.chars().count() >= TRIGRAM {
            conds.push("m.id IN (SELECT rowid FROM models_search WHERE models_search MATCH :text)");
            params.push((":text", Box::new(fts_phrase(t))));
        } else if walk == Walk::ByName {
            // One or two characters matching much of the workspace: walk the names in order
            // and stop once the page is full, one primary-key lookup per name.
            conds.push(
                "EXISTS (SELECT 1 FROM models_grams g WHERE g.gram = :text AND g.model_id = m.id)",
            );
            params.push((":text", Box::new(t.to_ascii_lowercase())));
        } else {
            // One or two characters: the substrings kept at creation, folded as LIKE folds.
            conds.push("m.id IN (SELECT model_id FROM models_grams WHERE gram = :text)");
            params.push((":text", Box::new(t.to_ascii_lowercase())));
        }
    }
    if let Some(tier) = filter.risk_tier {
        conds.push("m.risk_tier = :tier");
        params.push((":tier", Box::new(tier.as_str())));
    }
    if let Some(stage) = filter.stage {
        conds
            .push("EXISTS (SELECT 1 FROM versions s WHERE s.model_id = m.id AND s.stage = :stage)");
        params.push((":stage", Box::new(stage.as_str())));
    }
    // A text search sorts the ids it matched through the narrow (id, name, risk_tier) index
    // rather than the wide model rows (migration models_page_index says why); without text,
    // the name index's own order serves the page.
    let table = if text.is_some() && walk == Walk::Matches {
        "models m INDEXED BY models_page_order"
    } else {
        "models m"
    };
    let from = if conds.is_empty() {
        table.to_string()
    } else {
        format!("{table} WHERE {}", conds.join(" AND "))
    };
    (from, params)
}

/// What creating a model needs.
#[derive(Debug, Clone)]
pub struct NewModel {
    /// Slug name.
    pub name: ModelName,
    /// Human title (defaults to the name upstream).
    pub title: String,
    /// Owner.
    pub owner: Owner,
    /// Description.
    pub description: String,
    /// Risk tier.
    pub risk_tier: RiskTier,
}

pub(crate) const COLUMNS: &str =
    "m.id, m.name, m.title, m.owner, m.description, m.risk_tier, m.created_at";

pub(crate) fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<[String; 6]> {
    Ok([
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ])
}

pub(crate) fn build(id: i64, cols: [String; 6]) -> Result<ModelRow> {
    let [name, title, owner, description, tier, created_at] = cols;
    Ok(ModelRow {
        id,
        name: parse_col("model name", name)?,
        title,
        owner,
        description,
        risk_tier: parse_col("risk tier", tier)?,
        created_at,
    })
}

pub(crate) fn get(conn: &Connection, name: &ModelName) -> Result<ModelRow> {
    let found = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM models m WHERE m.name = ?1"),
            [name.as_str()],
            |r| Ok((r.get::<_, i64>(0)?, from_row(r)?)),
        )
        .optional()?;
    let (id, cols) = found.ok_or_else(|| {
        StoreError::NotFound(format!(
            "no model named \"{name}\"; `steward model list` shows the models"
        ))
    })?;
    build(id, cols)
}

impl Store {
    /// Merges the model search index into one segment. Thousands of models created in one
    /// transaction (`steward demo --scale`) leave the FTS5 index in about ten segments, and a
    /// search in a fresh process reads each one's pages; merged, a one-shot `model list
    /// --search` on 10,003 models costs about a millisecond less. Models created one at a time
    /// stay within FTS5's own automerge levels. It changes no row anyone reads, so it writes
    /// no audit entry and runs on the connection as it stands (inside [`Store::bulk`] it joins
    /// that transaction).
    pub fn compact_model_search(&self) -> Result<()> {
        self.read(|c| {
            c.execute(
                "INSERT INTO models_search (models_search) VALUES ('optimize')",
                [],
            )?;
            Ok(())
        })
    }

    /// Creates a model. A name already taken is a conflict.
    pub fn create_model(&self, new: &NewModel, actor: &Actor) -> Result<ModelRow> {
        self.write(actor, |tx| {
            let created_at = now();
            tx.execute(
                "INSERT INTO models (name, title, owner, description, risk_tier, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                (
                    new.name.as_str(),
                    &new.title,
                    new.owner.as_str(),
                    &new.description,
                    new.risk_tier.as_str(),
                    &created_at,
                ),
            )
            .map_err(|e| conflict_on_unique(e, || format!("a model named {:?} already exists", new.name.as_str())))?;
            let row = get(tx, &new.name)?;
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO models_grams (gram, model_id) VALUES (?1, ?2)",
            )?;
            for gram in short_grams([
                new.name.as_str(),
                &new.title,
                new.owner.as_str(),
                &new.description,
            ]) {
                insert.execute((gram, row.id))?;
            }
            let event = Event {
                action: "model.create",
                subject: new.name.to_string(),
                detail: json!({
                    "title": new.title, "owner": new.owner.as_str(),
                    "description": new.description, "risk_tier": new.risk_tier.as_str(),
                }),
            };
            Ok((row, event))
        })
    }

    /// How many models the workspace holds.
    pub fn model_count(&self) -> Result<u64> {
        self.read(|c| {
            let n: i64 = c.query_row("SELECT COUNT(*) FROM models", [], |r| r.get(0))?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
    }

    /// One model by name.
    pub fn model(&self, name: &ModelName) -> Result<ModelRow> {
        self.read(|c| get(c, name))
    }

    /// A page of the models that match `filter`, by name, each with the (version, stage) of
    /// its versions (highest first). Filtering, sorting and paging happen in SQL: text of three
    /// characters or more through the `models_search` trigram index, shorter text through
    /// `models_grams`.
    pub fn models_page(&self, filter: &ModelFilter) -> Result<Vec<ModelStages>> {
        self.read(|c| {
            let walk = short_text_walk(c, filter)?;
            let (from, mut params) = matching(filter, walk);
            params.push((":limit", Box::new(filter.limit.map_or(-1, i64::from))));
            params.push((":offset", Box::new(i64::from(filter.offset))));
            let sql = format!(
                "SELECT {COLUMNS}, v.version, v.stage FROM (SELECT m.id FROM {from} ORDER BY m.name LIMIT :limit OFFSET :offset) page \
                 JOIN models m ON m.id = page.id LEFT JOIN versions v ON v.model_id = m.id ORDER BY m.name"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let bound: Vec<(&str, &dyn rusqlite::ToSql)> =
                params.iter().map(|(k, v)| (*k, v.as_ref())).collect();
            let rows = stmt.query(bound.as_slice())?;
            collect_stages(rows)
        })
    }

    /// How many models match `filter`, whatever its page (`limit` and `offset` are ignored):
    /// the length of the list [`Store::models_page`] pages through.
    pub fn models_matching(&self, filter: &ModelFilter) -> Result<u64> {
        let (from, params) = matching(filter, Walk::Matches);
        let sql = format!("SELECT COUNT(*) FROM {from}");
        self.read(|c| {
            let mut stmt = c.prepare_cached(&sql)?;
            let bound: Vec<(&str, &dyn rusqlite::ToSql)> =
                params.iter().map(|(k, v)| (*k, v.as_ref())).collect();
            let n: i64 = stmt.query_row(bound.as_slice(), |r| r.get(0))?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
    }

    /// Every model with the (version, stage) of each of its versions, by name.
    pub fn models_with_stages(&self) -> Result<Vec<ModelStages>> {
        self.read(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {COLUMNS}, v.version, v.stage FROM models m LEFT JOIN versions v ON v.model_id = m.id ORDER BY m.name"
            ))?;
            let rows = stmt.query([])?;
            collect_stages(rows)
        })
    }
}

/// The [`Walk`] for `filter`'s page: [`Walk::Matches`] unless its text is one or two
/// characters (three and more go through FTS5, whose matches come as a set). Counts the
/// matches only as far as deciding needs: past √(end · total) walking by name is cheaper. A
/// page without a limit needs every match either way.
fn short_text_walk(c: &Connection, filter: &ModelFilter) -> Result<Walk> {
    let (Some(text), Some(limit)) = (search_text(filter), filter.limit) else {
        return Ok(Walk::Matches);
    };
    if text.chars().count() >= TRIGRAM {
        return Ok(Walk::Matches);
    }
    let end = u64::from(filter.offset) + u64::from(limit);
    // Models are never deleted, so the highest id is how many there are.
    let total: i64 = c.query_row("SELECT COALESCE(MAX(id), 0) FROM models", [], |r| r.get(0))?;
    let total = u64::try_from(total).unwrap_or(0);
    // The smallest count that makes walking by name cheaper, so counting can stop there.
    let enough = i64::try_from(end.saturating_mul(total).isqrt() + 1).unwrap_or(i64::MAX);
    let matches: i64 = c
        .prepare_cached(
            "SELECT COUNT(*) FROM (SELECT 1 FROM models_grams WHERE gram = ?1 LIMIT ?2)",
        )?
        .query_row(rusqlite::params![text.to_ascii_lowercase(), enough], |r| {
            r.get(0)
        })?;
    Ok(cheaper_walk(
        end,
        total,
        u64::try_from(matches).unwrap_or(0),
    ))
}

/// Rows of `{COLUMNS}, version, stage`, ordered so each model's rows are together, folded into
/// one entry per model with its versions highest first.
fn collect_stages(mut rows: rusqlite::Rows<'_>) -> Result<Vec<ModelStages>> {
    let mut out: Vec<ModelStages> = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if out.last().is_none_or(|(m, _)| m.id != id) {
            out.push((build(id, from_row(r)?)?, Vec::new()));
        }
        let version: Option<String> = r.get(7)?;
        let stage: Option<String> = r.get(8)?;
        if let (Some(v), Some(s), Some((_, list))) = (version, stage, out.last_mut()) {
            list.push((parse_col("version", v)?, parse_col("stage", s)?));
        }
    }
    for (_, list) in &mut out {
        list.sort_by_key(|entry| std::cmp::Reverse(entry.0));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{cheaper_walk, Walk};

    #[test]
    fn a_page_walks_by_name_only_when_that_visits_fewer_rows_than_sorting_the_matches() {
        // (page end, models, matches) -> walk
        let table = [
            ((50, 10_003, 10_000), Walk::ByName), // `pe`: the first 50 names nearly all match
            ((50, 10_003, 708), Walk::ByName),    // 50 × 10,003 < 708²
            ((50, 10_003, 707), Walk::Matches),   // 50 × 10,003 ≥ 707²: sort 707 matches
            ((50, 10_003, 3), Walk::Matches),     // rare text: sort the three
            ((50, 10_003, 0), Walk::Matches),
            ((10_003, 10_003, 10_000), Walk::Matches), // the last page of everything
            ((100, 0, 0), Walk::Matches),              // an empty workspace
            ((u64::MAX, u64::MAX, u64::MAX), Walk::Matches), // saturates, never overflows
        ];
        for ((end, total, matches), want) in table {
            assert_eq!(
                cheaper_walk(end, total, matches),
                want,
                "{end} {total} {matches}"
            );
        }
    }
}
