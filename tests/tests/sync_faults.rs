//! Registry sync through faults (issue 11): 1,000 signed release records pushed to a real
//! MLflow server through our fault proxy (dropped connections, 503s, 502s and lost answers
//! after the server acted, stalls past the client's timeout), while the `steward sync --push`
//! process is killed with SIGKILL 10 times at random points, end with exactly 1,000 in the
//! registry: every version once, every record once, and a last sync that sends nothing.
//! Before the kills, a sync with `--progress` is cancelled by a real SIGINT: it exits 130
//! between two operations, what it sent stays, the outbox keeps every row, and the runs after
//! it resume.
//!
//! The schedule and the kill points come from one seed, printed first; set
//! `STEWARD_FAULT_SEED` to replay a run.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use steward_tests::fault_proxy::{splitmix64, FaultProxy, Faults};
use steward_tests::mlflow::Mlflow;
use steward_tests::registry;
use steward_tests::{Run, Steward, LIFECYCLE_ONLY_POLICY, SIGNER};

const MODELS: usize = 10;
const VERSIONS: usize = 100;
const RECORDS: usize = MODELS * VERSIONS;
const KILLS: usize = 10;

/// What the registry holds, straight from the server (not through the proxy).
const COUNT: &str = r#"
import json, os, urllib.request, urllib.parse
base = os.environ["MLFLOW_TRACKING_URI"]
def get(route, **q):
    return json.load(urllib.request.urlopen(base + route + "?" + urllib.parse.urlencode(q)))
out = {}
for m in get("/api/2.0/mlflow/registered-models/search", max_results=1000).get("registered_models", []):
    name, versions, token = m["name"], [], None
    while True:
        q = {"filter": f"name='{name}'", "max_results": 10000}
        if token:
            q["page_token"] = token
        page = get("/api/2.0/mlflow/model-versions/search", **q)
        versions += page.get("model_versions", [])
        token = page.get("next_page_token")
        if not token:
            break
    tags = [{t["key"]: t["value"] for t in v.get("tags", [])} for v in versions]
    number = {v["version"]: t.get("steward.version") for v, t in zip(versions, tags)}
    full = get("/api/2.0/mlflow/registered-models/get", name=name)["registered_model"]
    out[name] = {
        "versions": len(versions),
        "steward_versions": sorted({t.get("steward.version", "") for t in tags}),
        "records": sorted(t.get("steward.release_record_digest", "") for t in tags),
        "aliases": {a["alias"]: number.get(a["version"]) for a in full.get("aliases", [])},
    }
print(json.dumps(out))
"#;

fn sync(s: &Steward) -> Command {
    let mut cmd = registry::command(s, &["sync", "--push", "--json"]);
    // A short timeout so stalls cost little; more attempts so most faults are ridden out in
    // one run (a run that gives up is simply run again).
    cmd.env("STEWARD_REGISTRY_TIMEOUT_MS", "1500")
        .env("STEWARD_REGISTRY_ATTEMPTS", "4")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// The record envelopes the server stored, by model: file name (the digest) → whether the
/// bytes digest to that name.
fn stored_envelopes(root: &std::path::Path) -> BTreeMap<String, Vec<(String, bool)>> {
    let mut out: BTreeMap<String, Vec<(String, bool)>> = BTreeMap::new();
    let steward = root.join("steward");
    let Ok(models) = std::fs::read_dir(&steward) else {
        return out;
    };
    for model in models.flatten() {
        let name = model.file_name().to_string_lossy().into_owned();
        for version in std::fs::read_dir(model.path())
            .expect("model folder")
            .flatten()
        {
            let Ok(files) = std::fs::read_dir(version.path().join("records")) else {
                continue;
            };
            for f in files.flatten() {
                let file = f.file_name().to_string_lossy().into_owned();
                let bytes = std::fs::read(f.path()).expect("read an envelope");
                let digest = hex::encode(Sha256::digest(&bytes));
                let hex = file.trim_end_matches(".dsse.json").to_string();
                out.entry(name.clone())
                    .or_default()
                    .push((format!("sha256:{hex}"), digest == hex));
            }
        }
    }
    out
}

#[test]
fn a_thousand_records_reach_mlflow_exactly_once_through_faults_and_ten_kills() {
    let seed = std::env::var("STEWARD_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(11)
        });
    eprintln!("fault seed {seed} (replay with STEWARD_FAULT_SEED={seed})");
    let started = Instant::now();
    let s = Steward::with_signer("sync-faults", LIFECYCLE_ONLY_POLICY);
    let ns = s
        .signer_namespace()
        .expect("a signer's namespace")
        .to_string();
    // 1,000 signed release records waiting in the outbox, made while the server starts.
    let generator = Command::new(env!("CARGO_BIN_EXE_steward-records"))
        .arg(s.workspace())
        .arg(MODELS.to_string())
        .arg(VERSIONS.to_string())
        .env("STEWARD_KEYRING_NAMESPACE", &ns)
        .env("STEWARD_KEYRING_BACKEND", "keyutils")
        .env("STEWARD_IDENTITY", SIGNER)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start steward-records");
    let server = Mlflow::start();
    eprintln!(
        "mlflow healthy after {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let proxy = FaultProxy::start(
        &server.url,
        Faults {
            seed,
            rate: 0.04,
            budget: 40,
            stall: Duration::from_millis(2000),
            until: Duration::from_secs(150),
        },
    );
    let made = Run::from(generator.wait_with_output().expect("run steward-records"));
    assert_eq!(made.code, 0, "{}{}", made.stdout, made.stderr);
    eprintln!(
        "generated {} by {:.1} s",
        made.stdout.trim(),
        started.elapsed().as_secs_f64()
    );
    let waiting = |s: &Steward| {
        s.ok(&["sync", "status", "--json"]).json()["waiting"]
            .as_array()
            .map_or(0, Vec::len)
    };
    assert_eq!(waiting(&s), RECORDS);
    s.ok(&["registry", "set", &proxy.url]);

    // Ctrl-C: a real SIGINT once 150 requests have gone through.
    let from = proxy.requests();
    let mut cmd = sync(&s);
    cmd.arg("--progress");
    let child = cmd.spawn().expect("start steward sync");
    let deadline = Instant::now() + Duration::from_secs(120);
    while proxy.requests() < from + 150 {
        assert!(
            Instant::now() < deadline,
            "150 requests did not come in 120 s"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("send SIGINT");
    assert!(sent.success());
    let cancelled = Run::from(child.wait_with_output().expect("wait for steward"));
    assert_eq!(
        cancelled.code, 130,
        "a cancelled sync exits 130: {}",
        cancelled.stderr
    );
    assert!(
        cancelled.stderr.contains("the sync was cancelled")
            && cancelled.stderr.contains("operations, "),
        "progress lines, then the cancel: {}",
        cancelled.stderr
    );
    assert!(
        cancelled.stdout.is_empty(),
        "no report: {}",
        cancelled.stdout
    );
    let partial = server.python(COUNT);
    let created: u64 = (1..=MODELS)
        .map(|m| {
            partial[format!("rec-{m:02}")]["versions"]
                .as_u64()
                .unwrap_or(0)
        })
        .sum();
    assert!(
        created > 0 && created < RECORDS as u64,
        "the cancel stopped part way: {created} versions"
    );
    let rows = s.ok(&["sync", "status", "--json"]).json()["waiting"].clone();
    assert_eq!(rows.as_array().map(Vec::len), Some(RECORDS));
    assert!(
        rows[0]["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("cancelled")),
        "{}",
        rows[0]
    );

    // Killed 10 times at random points of the request stream: after 1 to 120 more requests
    // have reached the proxy (so a kill often lands while a request is in flight).
    let mut rng = seed;
    let mut next = || {
        rng = splitmix64(rng);
        rng
    };
    let (mut kills, mut runs, mut finished) = (0, 0, false);
    while kills < KILLS {
        runs += 1;
        assert!(runs <= 60, "60 runs without 10 kills and an end");
        let from = proxy.requests();
        let at = from + 1 + (next() % 120) as usize;
        let mut child = sync(&s).spawn().expect("start steward sync");
        let deadline = Instant::now() + Duration::from_secs(120);
        let status = loop {
            if let Some(status) = child.try_wait().expect("poll steward") {
                break Some(status);
            }
            if proxy.requests() >= at {
                break None;
            }
            assert!(Instant::now() < deadline, "a sync ran 120 s without ending");
            std::thread::sleep(Duration::from_millis(2));
        };
        match status {
            None => {
                child.kill().expect("SIGKILL steward");
                let _ = child.wait();
                kills += 1;
                eprintln!("kill {kills} after request {}", proxy.requests());
            }
            Some(status) if status.success() => {
                finished = true;
                eprintln!("run {runs} finished before its kill point");
                break;
            }
            Some(status) => {
                let out = child.wait_with_output().expect("output");
                eprintln!(
                    "run {runs} stopped by itself ({status}): {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
            }
        }
    }
    eprintln!("killed at {:.1} s", started.elapsed().as_secs_f64());
    // Then run until a sync ends well.
    while !finished {
        runs += 1;
        assert!(runs <= 80, "no sync ended well in 80 runs");
        let r = Run::from(sync(&s).output().expect("run steward sync"));
        finished = r.code == 0;
        if !finished {
            eprintln!("run {runs} stopped: {}", r.stderr.trim());
        }
    }
    eprintln!(
        "{kills} kills, {runs} runs, {} requests, faults {:?}",
        proxy.requests(),
        proxy.injected()
    );
    for line in proxy.log() {
        eprintln!("  {line}");
    }
    assert_eq!(kills, KILLS, "the work outlasted 10 kills");

    // Exactly 1,000 in the registry: every version once, every record once.
    let seen = server.python(COUNT);
    let stored = stored_envelopes(&server.artifacts_dir());
    let mut total = 0;
    for m in 1..=MODELS {
        let name = format!("rec-{m:02}");
        let model = &seen[&name];
        assert_eq!(model["versions"], VERSIONS, "{name}: no duplicate versions");
        let versions: BTreeSet<String> = model["steward_versions"]
            .as_array()
            .expect("versions")
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
        let want: BTreeSet<String> = (1..=VERSIONS).map(|v| format!("1.0.{v}-1")).collect();
        assert_eq!(versions, want, "{name}: each Steward version once");
        let tagged: BTreeSet<String> = model["records"]
            .as_array()
            .expect("records")
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
        let files = stored.get(&name).cloned().unwrap_or_default();
        assert!(
            files.iter().all(|(_, whole)| *whole),
            "{name}: every stored envelope digests to its name"
        );
        let on_disk: BTreeSet<String> = files.iter().map(|(d, _)| d.clone()).collect();
        assert_eq!(files.len(), VERSIONS, "{name}: one envelope per record");
        assert_eq!(tagged, on_disk, "{name}: each tag names a stored envelope");
        assert_eq!(
            model["aliases"]["candidate"],
            format!("1.0.{VERSIONS}-1"),
            "{name}: the highest candidate holds the alias"
        );
        total += files.len();
    }
    assert_eq!(total, RECORDS);

    // Nothing waits, nothing was lost locally, and one more sync sends nothing.
    assert_eq!(waiting(&s), 0);
    let last = Run::from(sync(&s).output().expect("run steward sync"));
    assert_eq!(last.code, 0, "{}", last.stderr);
    let report = last.json();
    assert_eq!(report["ops"], 0, "{report}");
    assert_eq!(report["versions_created"], 0, "{report}");
    s.ok(&["audit", "verify", "--deep"]);
    eprintln!("took {:.1} s", started.elapsed().as_secs_f64());
}

/// A retry is told while it waits: with `--progress`, which request failed, how, and when it
/// is tried again (five attempts at the timeout are minutes that said nothing before).
#[test]
fn retries_are_told_while_they_wait() {
    let s = Steward::with_signer("sync-retries", LIFECYCLE_ONLY_POLICY);
    s.ok(&["model", "add", "told", "--owner", "ana"]);
    let server = Mlflow::start();
    // The first two requests fail (a drop, a 5xx or a stall past the timeout), then none.
    let proxy = FaultProxy::start(
        &server.url,
        Faults {
            seed: 3,
            rate: 1.0,
            budget: 2,
            stall: Duration::from_millis(3000),
            until: Duration::from_secs(120),
        },
    );
    s.ok(&["registry", "set", &proxy.url]);
    let mut cmd = sync(&s);
    cmd.arg("--progress");
    let run = Run::from(cmd.output().expect("run steward sync"));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let told: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("sync: retrying "))
        .collect();
    assert_eq!(told.len(), 2, "{}", run.stderr);
    assert!(
        told[0].contains("attempt 1 of 4 failed (") && told[0].contains("; again in "),
        "{}",
        run.stderr
    );
    assert!(
        told[1].contains("attempt 2 of 4 failed ("),
        "{}",
        run.stderr
    );
}
