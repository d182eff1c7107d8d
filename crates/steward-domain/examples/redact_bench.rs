//! Benchmark harness (bench/redaction/run.sh): redacts every text of a JSONL file
//! (`{"text": …}` a line) with the default policy's redactor and writes the results as JSONL.
//! Prints `items<TAB>seconds`, the time of the redaction alone (reading and writing excluded),
//! the same span the scrubadub side times. The library stays free of IO; only this harness
//! reads files.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::time::Instant;

use steward_domain::feedback::Redactor;
use steward_domain::policy::Policy;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(input), Some(output)) = (args.get(1), args.get(2)) else {
        return Err("usage: redact_bench ITEMS.jsonl OUT.jsonl".into());
    };
    let mut texts = Vec::new();
    for line in BufReader::new(std::fs::File::open(input)?).lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        texts.push(v["text"].as_str().unwrap_or_default().to_string());
    }
    let policy = Policy::builtin()?;
    let redactor = Redactor::new(&policy.feedback)?;
    let start = Instant::now();
    let out: Vec<String> = texts.iter().map(|t| redactor.redact(t).text).collect();
    let seconds = start.elapsed().as_secs_f64();
    let mut w = BufWriter::new(std::fs::File::create(output)?);
    for t in &out {
        writeln!(w, "{}", serde_json::json!({ "text": t }))?;
    }
    w.flush()?;
    println!("{}\t{seconds:.4}", out.len());
    Ok(())
}
