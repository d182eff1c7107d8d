//! Times `Workspace::gate_evaluate` in-process, for bench/gate/run.sh.
//!
//! Usage: gate_bench WORKSPACE MODEL@VERSION STAGE RUNS
//!
//! Opens the workspace once, evaluates the gate once to warm the page cache, then times RUNS
//! gate calls (only the call) and prints one tab-separated line: rows behind the version's
//! runs, median, p99 and min in milliseconds, the number of checks, and the report digest. For
//! context it also times what each gate did before summaries were kept at import — every row of
//! the version decoded and summarised (`Store::eval_rows` + `RunSummary::from_rows`) — median of
//! the same runs.

use std::path::Path;
use std::time::Instant;

use steward_api::wire::GateRequest;
use steward_api::Workspace;
use steward_domain::eval::fairness::Tolerance;
use steward_domain::eval::{Catalogue, EvalRow};
use steward_domain::gate::RunSummary;
use steward_domain::{ModelName, Stage, Version};
use steward_store::{Store, DB_FILE};

fn quantile(ms: &mut [f64], p: f64) -> f64 {
    ms.sort_by(f64::total_cmp);
    ms[((ms.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        eprintln!("usage: gate_bench WORKSPACE MODEL@VERSION STAGE RUNS");
        std::process::exit(2);
    }
    let root = Path::new(&args[1]);
    let (model, version) = args[2]
        .split_once('@')
        .expect("MODEL@VERSION, e.g. copilot@2.0.0-2");
    let to: Stage = args[3].parse().expect("a stage");
    let runs: usize = args[4].parse().expect("RUNS is a number");
    let ws = Workspace::open(root, "bench").expect("open workspace");
    let req = GateRequest {
        model: model.to_string(),
        version: version.to_string(),
        to,
    };
    let first = ws.gate_evaluate(&req).expect("gate");
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let report = ws.gate_evaluate(&req).expect("gate");
        ms.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(
            report.digest, first.digest,
            "the same evidence decides the same"
        );
    }

    let store = Store::open(&root.join(DB_FILE), false).expect("open store");
    let name: ModelName = model.parse().expect("model");
    let v: Version = version.parse().expect("version");
    let eval_runs = store.eval_runs(&name, &v).expect("runs");
    let rows: u64 = eval_runs.iter().map(|r| r.row_count).sum();
    let earlier_runs = runs.clamp(1, 5);
    let mut earlier = Vec::with_capacity(earlier_runs);
    for _ in 0..earlier_runs {
        let t = Instant::now();
        let all = store.eval_rows(&name, &v).expect("rows");
        let summaries: Vec<RunSummary> = eval_runs
            .iter()
            .map(|r| {
                let own: Vec<EvalRow> = all
                    .iter()
                    .filter(|(id, _)| *id == r.id)
                    .map(|(_, row)| row.clone())
                    .collect();
                RunSummary::from_rows(
                    &r.id.to_string(),
                    r.kind,
                    r.file_digest,
                    &own,
                    Catalogue::builtin(),
                    Tolerance::default(),
                )
            })
            .collect();
        earlier.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(summaries.len(), eval_runs.len());
    }
    println!(
        "{rows}\t{:.3}\t{:.3}\t{:.3}\t{}\t{:.1}\t{}",
        quantile(&mut ms.clone(), 0.5),
        quantile(&mut ms.clone(), 0.99),
        quantile(&mut ms, 0.0),
        first.checks.len(),
        quantile(&mut earlier, 0.5),
        first.digest,
    );
}
