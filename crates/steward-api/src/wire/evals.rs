//! Wire types of evaluation evidence: imported runs, comparisons, fairness, drift, charts.

/// This module's TypeScript declarations, in the order they are written.
pub(super) fn eval_decls(_cfg: &ts_rs::Config) -> Vec<String> {
    Vec::new()
}
