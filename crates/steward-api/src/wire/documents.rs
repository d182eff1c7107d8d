//! Wire types of the release documents (model cards, data sheets, risk assessments, eval
//! reports, runbooks, rollout plans).

/// This module's TypeScript declarations, in the order they are written.
pub(super) fn document_decls(_cfg: &ts_rs::Config) -> Vec<String> {
    Vec::new()
}
