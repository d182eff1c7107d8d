//! Steward's renderers: pure functions from domain values to bytes a person reads.
//!
//! Markdown documents become sanitized HTML (pulldown-cmark, then ammonia, so a synced
//! document can never run script in the studio), evaluation evidence becomes SVG charts
//! (plotters' SVG backend, no system fonts), and a version's documents become exports (a
//! Hugging Face `README.md`, Model Card Toolkit JSON, a self-contained HTML dossier, the EU AI
//! Act Annex IV file as HTML or as a PDF with embedded fonts).
//!
//! This crate must not touch the store, the network or the clock: callers pass in what to
//! render. Each capability lives in its own module.

pub mod chart;
pub mod export;
pub mod markdown;
pub mod pdf;

pub use export::EvalResult;
pub use markdown::{
    render_document, render_document_alongside, render_document_read, render_markdown,
    RenderedDocument, Target,
};
