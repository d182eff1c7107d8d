//! Benchmark for `bench/preview/run.sh`: the studio's live-preview work — Markdown with front
//! matter rendered by pulldown-cmark and sanitized by ammonia (`render_document`) — timed
//! in-process over several runs on one file. Prints the median and the fastest run in
//! milliseconds, and the output size.
//!
//! Usage: cargo run --release -p steward-render --example preview_bench -- FILE [RUNS]

use std::time::Instant;

use steward_render::markdown::{render_document, Target};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).ok_or("usage: preview_bench FILE [RUNS]")?;
    let runs: usize = args.get(2).map_or(Ok(20), |s| s.parse())?;
    let text = std::fs::read_to_string(path)?;
    let mut times = Vec::with_capacity(runs);
    let mut out_len = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let doc = render_document(&text, Target::Studio);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        out_len = doc.body_html.len() + doc.front_matter_html.len();
    }
    times.sort_by(f64::total_cmp);
    println!(
        "median_ms={:.3} min_ms={:.3} html_bytes={out_len}",
        times[runs / 2],
        times[0]
    );
    Ok(())
}
