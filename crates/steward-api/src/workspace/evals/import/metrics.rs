//! The metrics a file names: seen (with where first), declared, checked against the
//! catalogue.

use super::*;

/// Per-file state shared by the formats: the metrics seen (with where first) and declared.
pub(super) struct Metrics<'c> {
    catalogue: &'c Catalogue,
    /// Looked up once per row: a fast non-keyed hash (`rustc_hash`).
    seen: HashMap<String, String, FxBuildHasher>,
    declared: BTreeMap<String, MetricDef>,
    /// The last [`RECENT`] names looked up in `seen` (all of them in it).
    recent: Vec<String>,
}

const RECENT: usize = 8;

impl<'c> Metrics<'c> {
    pub(super) fn new(catalogue: &'c Catalogue) -> Self {
        Metrics {
            catalogue,
            seen: HashMap::default(),
            declared: BTreeMap::new(),
            recent: Vec::with_capacity(RECENT),
        }
    }

    /// Records a metric name; `at` says where, for the error if it is never given a direction.
    pub(super) fn see(
        &mut self,
        name: &str,
        at: impl FnOnce() -> String,
    ) -> std::result::Result<(), String> {
        // Files repeat a metric or cycle through a few row by row: the last few are checked
        // before the table (a length and a short comparison cost less than a hash).
        if self.recent.iter().any(|m| m.as_str() == name) {
            return Ok(());
        }
        if !self.seen.contains_key(name) {
            check_metric_name(name)?;
            if self.seen.len() >= MAX_METRICS {
                return Err(format!(
                    "more than {MAX_METRICS} distinct metric names; split the file"
                ));
            }
            self.seen.insert(name.to_string(), at());
        }
        if self.recent.len() == RECENT {
            self.recent.remove(0);
        }
        self.recent.push(name.to_string());
        Ok(())
    }

    pub(super) fn declare(
        &mut self,
        name: &str,
        unit: Option<&str>,
        direction: Option<&str>,
    ) -> std::result::Result<(), String> {
        let Some(direction) = direction.filter(|d| !d.trim().is_empty()) else {
            return Ok(());
        };
        let direction: Direction = direction
            .parse()
            .map_err(|e: steward_domain::DomainError| e.to_string())?;
        if let Some(known) = self.catalogue.get(name) {
            if known.direction != direction {
                return Err(format!(
                    "the metrics catalogue says {name} is {}-is-better, the file says {}; fix the file",
                    known.direction.as_str(),
                    direction.as_str()
                ));
            }
            return Ok(());
        }
        if let Some(prev) = self.declared.get(name) {
            if prev.direction != direction {
                return Err(format!(
                    "{name} is declared both {} and {}",
                    prev.direction.as_str(),
                    direction.as_str()
                ));
            }
            return Ok(());
        }
        self.declared.insert(
            name.to_string(),
            MetricDef {
                name: name.to_string(),
                unit: unit.unwrap_or("").trim().to_string(),
                direction,
                label: String::new(),
                threshold: None,
                margin: None,
            },
        );
        Ok(())
    }

    /// Every metric seen has a direction, or the error names where the first unknown appeared.
    pub(super) fn finish(self, file: &str) -> Result<Vec<MetricDef>> {
        let mut unknown: Vec<(&String, &String)> = self
            .seen
            .iter()
            .filter(|(m, _)| self.catalogue.get(m).is_none() && !self.declared.contains_key(*m))
            .collect();
        unknown.sort();
        if let Some((metric, at)) = unknown.first() {
            return Err(bad(
                file,
                at,
                format!(
                    "unknown metric {metric:?}: it is not in the metrics catalogue and the file does not say which direction is better; declare it (a `direction` column, or \"metrics\": [{{\"name\": {metric:?}, \"unit\": …, \"direction\": \"higher\"|\"lower\"|\"none\"}}] in JSON) or use a catalogued name"
                ),
            ));
        }
        Ok(self.declared.into_values().collect())
    }
}
