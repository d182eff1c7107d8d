//! In-process timings for `bench/list/run.sh`: one page of the model list, and searches, on a
//! workspace made by `steward demo --scale N` — `Store::models_page` (filter, sort and page in
//! SQL, text through the trigram index) against the way the list worked before (every model
//! and version loaded by `models_with_stages`, filtered and paged in Rust), in the same run.
//!
//! Usage: list_bench WORKSPACE_DB RUNS. Prints one line per case: name, matches, then median
//! and p99 in milliseconds for SQL and for the earlier way.

use std::time::Instant;

use steward_store::{ModelFilter, ModelStages, Store};

/// The list as it was before `models_page`: everything loaded, filtered and paged in Rust.
fn before(store: &Store, f: &ModelFilter) -> Vec<ModelStages> {
    let needle = f.text.as_deref().unwrap_or("").trim().to_lowercase();
    store
        .models_with_stages()
        .expect("models")
        .into_iter()
        .filter(|(m, versions)| {
            (needle.is_empty()
                || [m.name.as_str(), &m.title, &m.owner, &m.description]
                    .iter()
                    .any(|x| x.to_lowercase().contains(&needle)))
                && f.stage
                    .is_none_or(|s| versions.iter().any(|(_, vs)| *vs == s))
                && f.risk_tier.is_none_or(|t| m.risk_tier == t)
        })
        .skip(f.offset as usize)
        .take(f.limit.map_or(usize::MAX, |l| l as usize))
        .collect()
}

fn quantiles(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.99))
}

fn time(runs: usize, mut f: impl FnMut() -> usize) -> (usize, f64, f64) {
    let mut n = f();
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        n = f();
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (p50, p99) = quantiles(ms);
    (n, p50, p99)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let db = args.next().expect("usage: list_bench WORKSPACE_DB RUNS");
    let runs: usize = args.next().map_or(200, |r| r.parse().expect("RUNS"));
    let store = Store::open(std::path::Path::new(&db), false).expect("open workspace");
    let page = |text: Option<&str>, offset: u32| ModelFilter {
        text: text.map(String::from),
        limit: Some(50),
        offset,
        ..ModelFilter::default()
    };
    let cases = [
        ("first page (50)", page(None, 0)),
        ("page at offset 5000", page(None, 5000)),
        ("search 'fraud', first page", page(Some("fraud"), 0)),
        (
            "search 'perf-model-04242'",
            page(Some("perf-model-04242"), 0),
        ),
        ("search matching nothing", page(Some("no-such-model"), 0)),
        (
            "search 'ab' (under 3 chars: short grams)",
            page(Some("ab"), 0),
        ),
        ("search 'pe' (2 chars, ~10,000 match)", page(Some("pe"), 0)),
        ("search 'k' (1 char)", page(Some("k"), 0)),
    ];
    println!("case\tmatches\tsql_p50_ms\tsql_p99_ms\tbefore_p50_ms\tbefore_p99_ms");
    for (name, f) in cases {
        let (n, p50, p99) = time(runs, || store.models_page(&f).expect("page").len());
        let (m, b50, b99) = time(runs.min(50), || before(&store, &f).len());
        assert_eq!(n, m, "{name}: both ways find the same models");
        println!("{name}\t{n}\t{p50:.3}\t{p99:.3}\t{b50:.3}\t{b99:.3}");
    }
}
