//! Builds a chain of release records and times `Workspace::release_list` (the whole verify:
//! signatures, the signer's roster standing at signing, every digest against the store, the
//! chain), for bench/release/run.sh.
//!
//! Usage: release_bench WORKSPACE MODEL@VERSION RECORDS RUNS EXPORT_DIR
//!
//! The workspace must already have the signing identity's key, a roster and a policy that
//! gates nothing (the script sets them up with the CLI). It promotes MODEL@VERSION to candidate
//! and demotes it again until the model holds RECORDS records (a demotion writes none), writes
//! every envelope into EXPORT_DIR (for the securesystemslib peer), then times RUNS verifies and
//! prints one tab-separated line: records, median, p99 and min in milliseconds, and how long
//! building the chain took per record.

use std::path::Path;
use std::time::Instant;

use steward_api::wire::StageSet;
use steward_api::Workspace;
use steward_domain::Stage;

fn quantile(ms: &mut [f64], p: f64) -> f64 {
    ms.sort_by(f64::total_cmp);
    ms[((ms.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 6 {
        eprintln!("usage: release_bench WORKSPACE MODEL@VERSION RECORDS RUNS EXPORT_DIR");
        std::process::exit(2);
    }
    let root = Path::new(&args[1]);
    let (model, version) = args[2].split_once('@').expect("MODEL@VERSION");
    let records: usize = args[3].parse().expect("RECORDS is a number");
    let runs: usize = args[4].parse().expect("RUNS is a number");
    let export = Path::new(&args[5]);
    let ws = Workspace::open(root, "bench").expect("open workspace");
    let set = |stage: Stage| {
        ws.stage_set(&StageSet {
            model: model.to_string(),
            version: version.to_string(),
            stage,
            reason: Some("bench".into()),
            gate_digest: None,
            incident: None,
        })
        .expect("stage set")
    };
    let built = Instant::now();
    let have = ws.release_list(model).expect("list").records.len();
    for _ in have..records {
        set(Stage::Candidate);
        set(Stage::Experiment);
    }
    let per_record = built.elapsed().as_secs_f64() * 1e3 / (records - have).max(1) as f64;
    let list = ws.release_list(model).expect("list");
    assert!(list.ok, "the chain verifies: {:?}", list.first_broken);
    assert_eq!(list.records.len(), records);
    std::fs::create_dir_all(export).expect("export dir");
    for r in &list.records {
        let env = ws.release_envelope(model, r.seq).expect("envelope");
        std::fs::write(export.join(format!("{:05}.json", r.seq)), env).expect("write");
    }
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let l = ws.release_list(model).expect("verify");
        ms.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(l.ok);
    }
    let min = ms.iter().copied().fold(f64::INFINITY, f64::min);
    let median = quantile(&mut ms, 0.5);
    let p99 = quantile(&mut ms, 0.99);
    println!("{records}\t{median:.1}\t{p99:.1}\t{min:.1}\t{per_record:.2}");
}
