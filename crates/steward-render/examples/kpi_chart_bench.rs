//! Benchmark for `bench/evals/run.sh`: one KPI series of N points (default 1,000,000, the same
//! function the matplotlib peer draws) to an SVG file with Steward's chart code (LTTB, then
//! plotters' SVG backend). Prints the time from points in memory to the file on disk, and the
//! file's size.
//!
//! Usage: cargo run --release -p steward-render --example kpi_chart_bench -- OUT.svg [N]

use std::time::Instant;

use steward_render::chart::{kpi_chart, Series, Theme};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let out = args.get(1).ok_or("usage: kpi_chart_bench OUT.svg [N]")?;
    let n: usize = args.get(2).map_or(Ok(1_000_000), |s| s.parse())?;
    // x in hours over 30 days; y a daily cycle plus a deterministic wobble.
    let points: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let x = i as f64 * 720.0 / n as f64;
            let y = 0.6
                + 0.03 * (x / 24.0 * std::f64::consts::TAU).sin()
                + 0.01 * ((i as f64) * 0.37).sin();
            (x, y)
        })
        .collect();
    let start = Instant::now();
    let svg = kpi_chart(
        "Acceptance rate, canary",
        "acceptance rate (share)",
        "hours",
        &[Series {
            name: "canary".into(),
            points,
        }],
        None,
        Theme::Light,
    )?;
    std::fs::write(out, svg.as_bytes())?;
    let secs = start.elapsed().as_secs_f64();
    println!("{{\"seconds\": {secs:.6}, \"bytes\": {}}}", svg.len());
    Ok(())
}
