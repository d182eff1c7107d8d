//! Exports of a version's documents: a Hugging Face `README.md` with `model-index`
//! ([`hf`]), Model Card Toolkit JSON ([`mct`]) and a self-contained HTML dossier
//! ([`dossier`]). Each takes plain inputs (document texts, evaluation results as a list) so
//! it can be tested without a store.

pub mod annex_iv;
pub mod dossier;
pub mod hf;
pub mod mct;
pub mod yaml;

use steward_domain::document::{parse_document, sections, strip_guidance, FrontMatterError};

/// One evaluation result, as the exports need it. Steward's evaluation imports map onto this;
/// the exports do not care where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalResult {
    /// The task, Hugging Face style (`summarization`, `text-classification`).
    pub task_type: String,
    /// A human task name.
    pub task_name: Option<String>,
    /// The dataset's id or type (`support-threads`).
    pub dataset_type: String,
    /// The dataset's human name (`support-threads@2026-10-01 golden set`).
    pub dataset_name: String,
    /// The split or slice (`test`, `billing`).
    pub dataset_split: Option<String>,
    /// The metric id (`rougeL`, `accuracy`).
    pub metric_type: String,
    /// A human metric name.
    pub metric_name: Option<String>,
    /// The value.
    pub value: f64,
    /// Lower bound of the confidence interval.
    pub ci_low: Option<f64>,
    /// Upper bound of the confidence interval.
    pub ci_high: Option<f64>,
}

/// What an export can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// The document's front matter does not parse.
    #[error("the {what} cannot be exported: {source}")]
    FrontMatter {
        /// Which document.
        what: String,
        /// Where and why.
        source: FrontMatterError,
    },
    /// The metadata could not be written as YAML.
    #[error("cannot write the metadata as YAML: {0}")]
    Yaml(String),
    /// The PDF could not be written (an embedded font unreadable).
    #[error("cannot write the PDF: {0}")]
    Pdf(String),
}

/// The text under the first heading titled `title` (any level, matched ignoring case),
/// guidance removed and trimmed; empty when absent.
pub(crate) fn section_text(body: &str, title: &str) -> String {
    let want = title.to_lowercase();
    sections(body, 1)
        .into_iter()
        .find(|s| s.title.to_lowercase() == want)
        .map(|s| strip_guidance(&s.text).trim().to_string())
        .unwrap_or_default()
}

/// The body of a document without its front matter and guidance, and its front matter.
pub(crate) fn split_document(
    what: &str,
    text: &str,
) -> Result<(serde_json::Map<String, serde_json::Value>, String), ExportError> {
    let doc = parse_document(text).map_err(|source| ExportError::FrontMatter {
        what: what.to_string(),
        source,
    })?;
    Ok((doc.front_matter, strip_guidance(doc.body)))
}
