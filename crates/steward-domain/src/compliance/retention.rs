//! Retention: how long a version's technical documentation and records are kept.
//!
//! The EU AI Act (Article 18) keeps the technical documentation for ten years after a
//! high-risk system is placed on the market. Steward reads "placed on the market" as the
//! version's first signed promotion to production; a version never in production has no
//! retention date yet. Nothing a release record references can be removed in Steward at all
//! (the store's tables are append-only), so the date is shown, not enforced by deletion rules.

use serde::{Deserialize, Serialize};

/// A version's retention date under one pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionDate {
    /// The version.
    pub version: String,
    /// The date of its first signed promotion to production (`YYYY-MM-DD`), if any.
    pub placed_on_market: Option<String>,
    /// The last day its documentation and records must be kept, if it has been placed on the
    /// market and the pack sets a period.
    pub keep_until: Option<String>,
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// `date` (`YYYY-MM-DD`, or an RFC 3339 time whose date part is used) plus `years`; 29
/// February becomes 28 February in a year that has none. None for text that is not a date.
pub fn add_years(date: &str, years: u32) -> Option<String> {
    let d = date.get(..10)?;
    let mut parts = d.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    let days_in = |y: i64, m: u32| match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    };
    if d.len() != 10 || !(1..=12).contains(&m) || day == 0 || day > days_in(y, m) {
        return None;
    }
    let ny = y + i64::from(years);
    let nd = day.min(days_in(ny, m));
    Some(format!("{ny:04}-{m:02}-{nd:02}"))
}

/// The retention date of `version`: `years` after the first of `production_promotions` (the
/// times of its signed promotions to production, any order).
pub fn retention_until(
    version: &str,
    production_promotions: &[&str],
    years: Option<u32>,
) -> RetentionDate {
    let first = production_promotions
        .iter()
        .filter_map(|t| t.get(..10))
        .min()
        .map(str::to_string);
    let keep_until = match (&first, years) {
        (Some(f), Some(y)) => add_years(f, y),
        _ => None,
    };
    RetentionDate {
        version: version.to_string(),
        placed_on_market: first,
        keep_until,
    }
}
