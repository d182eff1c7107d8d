//! Benchmark for `bench/preview/run.sh`: the studio's live-preview work on one model card,
//! timed in-process over several runs. Two figures:
//!
//! - `render`: Markdown with front matter rendered by pulldown-cmark and sanitized by ammonia
//!   (`render_document`), the same work as the Python peer;
//! - `preview`: what `Workspace::doc_preview` does for a model card — the render plus the
//!   completeness check against the built-in template (front matter, sections, guidance,
//!   content of each required section), from one parse of the body
//!   (`render_document_read` feeding `check_document_read`), as the studio runs them;
//! - `two_parses`: the render and `check_document` parsing on its own on a second thread
//!   (`render_document_alongside`, how the preview ran before), for context;
//! - `sequential`: the render and `check_document`'s own parse one after the other on one
//!   thread, for context.
//!
//! Prints `render_median_ms=… preview_median_ms=… two_parses_median_ms=… sequential_median_ms=…
//! min_ms=… html_bytes=… findings=…`.
//!
//! Usage: cargo run --release -p steward-render --example preview_bench -- FILE [RUNS]

use std::time::Instant;

use steward_domain::document::{
    builtin_template, check_document, check_document_read, CheckContext,
};
use steward_domain::DocumentKind;
use steward_render::markdown::{
    render_document, render_document_alongside, render_document_read, Target,
};

fn median(times: &mut [f64]) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).ok_or("usage: preview_bench FILE [RUNS]")?;
    let runs: usize = args.get(2).map_or(Ok(20), |s| s.parse())?;
    if runs == 0 {
        return Err("RUNS must be at least 1".into());
    }
    let text = std::fs::read_to_string(path)?;
    let template = builtin_template(DocumentKind::ModelCard);
    let context = CheckContext::default();
    let (mut render, mut preview) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    let (mut sequential, mut two_parses) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    let (mut out_len, mut findings) = (0, 0);
    for _ in 0..runs {
        let start = Instant::now();
        let doc = render_document(&text, Target::Studio);
        render.push(start.elapsed().as_secs_f64() * 1000.0);
        out_len = doc.body_html.len() + doc.front_matter_html.len();

        let start = Instant::now();
        let (doc, body) = render_document_read(&text, Target::Studio);
        let completeness =
            check_document_read(DocumentKind::ModelCard, &template, &text, body, &context);
        preview.push(start.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(&doc);
        findings = completeness.findings.len();

        let start = Instant::now();
        let (doc, completeness) = render_document_alongside(&text, Target::Studio, || {
            check_document(DocumentKind::ModelCard, &template, &text, &context)
        });
        two_parses.push(start.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box((&doc, &completeness));

        let start = Instant::now();
        let doc = render_document(&text, Target::Studio);
        let completeness = check_document(DocumentKind::ModelCard, &template, &text, &context);
        sequential.push(start.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box((&doc, &completeness));
    }
    let min = preview.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "render_median_ms={:.3} preview_median_ms={:.3} two_parses_median_ms={:.3} sequential_median_ms={:.3} min_ms={min:.3} html_bytes={out_len} findings={findings}",
        median(&mut render),
        median(&mut preview),
        median(&mut two_parses),
        median(&mut sequential),
    );
    Ok(())
}
