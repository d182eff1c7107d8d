//! Benchmark helper for `bench/attest/run.sh`.
//!
//! `verify_bench gen DIR N` signs N approval-shaped in-toto statements with the five keys of
//! a roster and writes `DIR/keys.json` (their securesystemslib dictionaries) and
//! `DIR/envelopes.jsonl` (one DSSE envelope per line). `verify_bench verify DIR` reads them
//! back and verifies every envelope against the roster's keys (JSON parse, base64, PAE,
//! strict ed25519, statement parse), printing the time that took.

use std::io::{BufRead, Write};
use std::time::Instant;

use serde_json::json;
use steward_attest::{
    sign_statement, verify_statement, Envelope, PublicKey, SecretKey, Signer, Statement, Subject,
    TrustedKeys,
};
use steward_domain::Sha256Digest;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("gen") => {
            let dir = std::path::Path::new(args.get(2).ok_or("gen DIR N")?);
            let n: usize = args.get(3).ok_or("gen DIR N")?.parse()?;
            let signers: Vec<Signer> = (0..5).map(|_| Signer::new(SecretKey::generate())).collect();
            let keys: Vec<_> = signers
                .iter()
                .map(|s| s.public_key().to_sslib_dict())
                .collect();
            std::fs::write(dir.join("keys.json"), serde_json::to_string(&keys)?)?;
            let mut out =
                std::io::BufWriter::new(std::fs::File::create(dir.join("envelopes.jsonl"))?);
            let roles = [
                "model-owner",
                "product-ux",
                "security-privacy",
                "responsible-ai-legal",
                "sre",
            ];
            for i in 0..n {
                let bundle = Sha256Digest::of(format!("bundle {}", i / 5).as_bytes());
                let statement = Statement::new(
                    vec![Subject::sha256(
                        format!("copilot@1.{}.0-{i}", i / 5),
                        bundle,
                    )],
                    "https://steward.dev/approval/v1",
                    json!({
                        "role": roles[i % 5],
                        "decision": "approve",
                        "comment": "reviewed the evidence and the documents",
                        "signed_at": "2026-12-01T12:00:00Z",
                        "subject_digest": Sha256Digest::of(format!("subject {i}").as_bytes()).to_string(),
                        "subject": {"documents": [{"kind": "model-card", "revision": 3}], "evaluations": 4},
                    }),
                );
                let env = sign_statement(&statement, &signers[i % 5])?;
                writeln!(out, "{}", serde_json::to_string(&env)?)?;
            }
            out.flush()?;
        }
        Some("verify") => {
            let dir = std::path::Path::new(args.get(2).ok_or("verify DIR")?);
            let keys: Vec<serde_json::Value> =
                serde_json::from_slice(&std::fs::read(dir.join("keys.json"))?)?;
            let text = std::fs::read(dir.join("envelopes.jsonl"))?;
            let start = Instant::now();
            let roster = TrustedKeys::new(
                keys.iter()
                    .map(PublicKey::from_sslib_dict)
                    .collect::<Result<Vec<_>, _>>()?,
            );
            let mut verified = 0usize;
            for line in text.lines() {
                let env = Envelope::from_json(line?.as_bytes())?;
                verify_statement(&env, &roster)?;
                verified += 1;
            }
            let secs = start.elapsed().as_secs_f64();
            println!("{{\"verified\": {verified}, \"seconds\": {secs:.4}}}");
        }
        _ => return Err("usage: verify_bench gen DIR N | verify DIR".into()),
    }
    Ok(())
}
