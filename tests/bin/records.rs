//! `steward-records WORKSPACE MODELS VERSIONS [FIRST]`: fills a workspace with signed release records
//! for the registry-sync fault journey and bench/sync — MODELS models (`rec-01`, …), each with
//! VERSIONS versions (`1.0.N-1`) promoted once to candidate (models numbered from FIRST, 1 by
//! default), so the outbox holds
//! MODELS × VERSIONS release records waiting for the registry.
//!
//! It runs the real operations in-process (`Workspace::model_create`, `version_add`,
//! `stage_set`: lifecycle plan, gate, DSSE signature, release record, outbox row, audit entry),
//! which is what a person's CLI calls do without a process start each. The workspace must
//! already hold the signer's key, a roster and a policy (the journeys set them up with the
//! CLI); the signer comes from the environment as for `steward` itself
//! (`STEWARD_KEYRING_NAMESPACE`, `STEWARD_IDENTITY`). Prints one JSON line: models, versions,
//! records and the milliseconds it took.

use std::path::Path;
use std::time::Instant;

use steward_api::wire::{ModelCreate, StageSet, VersionAdd};
use steward_api::{Cancel, NoProgress, Workspace};
use steward_domain::Stage;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let numbers: Option<(u32, u32, u32)> = match args.as_slice() {
        [_, _, m, v] => m.parse().ok().zip(v.parse().ok()).map(|(m, v)| (m, v, 1)),
        [_, _, m, v, f] => m
            .parse()
            .ok()
            .zip(v.parse().ok())
            .zip(f.parse().ok())
            .map(|((m, v), f)| (m, v, f)),
        _ => None,
    };
    let Some((models, versions, first)) = numbers else {
        eprintln!("usage: steward-records WORKSPACE MODELS VERSIONS [FIRST]");
        return std::process::ExitCode::from(2);
    };
    match fill(Path::new(&args[1]), models, versions, first) {
        Ok(line) => {
            println!("{line}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}", e.message);
            std::process::ExitCode::from(1)
        }
    }
}

fn fill(
    root: &Path,
    models: u32,
    versions: u32,
    first: u32,
) -> Result<String, steward_api::ApiError> {
    let started = Instant::now();
    let ws = Workspace::open(root, "steward-records")?;
    let mut records = 0u32;
    for m in first..first + models {
        let model = format!("rec-{m:02}");
        ws.model_create(&ModelCreate {
            name: model.clone(),
            owner: "records@example.org".into(),
            title: None,
            description: Some("generated release records for registry-sync journeys".into()),
            risk_tier: None,
        })?;
        for v in 1..=versions {
            let version = format!("1.0.{v}-1");
            ws.version_add(
                &VersionAdd {
                    model: model.clone(),
                    version: version.clone(),
                    bundle_digest: Some(format!(
                        "sha256:{:064x}",
                        u64::from(m) << 32 | u64::from(v)
                    )),
                    ..VersionAdd::default()
                },
                &NoProgress,
                &Cancel::new(),
            )?;
            ws.stage_set(&StageSet {
                model: model.clone(),
                version,
                stage: Stage::Candidate,
                reason: Some("generated".into()),
                gate_digest: None,
                incident: None,
            })?;
            records += 1;
        }
    }
    Ok(format!(
        "{{\"models\": {models}, \"versions\": {}, \"records\": {records}, \"ms\": {}}}",
        models * versions,
        started.elapsed().as_millis()
    ))
}
