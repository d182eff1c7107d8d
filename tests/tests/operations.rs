//! Operations after release through the real binary (issue 12): bad online windows are refused
//! naming line and value with nothing stored; a canary latency breach cuts the canary's
//! traffic (the team's hook gets the change on standard input); a production breach without a
//! service key performs nothing and says why; with the service key it rolls production back
//! with a signed release record and an open incident, and flagd's own engine then serves
//! the rollback target to everyone; the incident is annotated and closed
//! with an action item requiring a new suite, which the next promotion's gate then requires;
//! and the deep verify explains every row.

use std::path::{Path, PathBuf};

use serde_json::Value;
use steward_tests::{flag_engine, DemoKeys, Run, Steward};

const MODEL: &str = "summarize-copilot";
const CANARY: &str = "1.2.0-12";
const PROD: &str = "1.1.0-8";
const TARGET: &str = "1.0.0-3";
const ADMIN: &str = "priya@companyos.example";
const SRE: &str = "tom@companyos.example";

/// Hour `h` of the journey: after the demo's online week (which ends a few hours before
/// now), so no file brings a window the demo stored.
fn hour(h: u32) -> String {
    format!("2030-01-{:02}T{:02}:00:00Z", 1 + h / 24, h % 24)
}

/// A window file: `rows` of (hour, version, metric, value).
fn windows(dir: &Path, name: &str, rows: &[(u32, &str, &str, String)]) -> PathBuf {
    let mut text = String::from("timestamp,version,metric,value\n");
    for (h, v, m, x) in rows {
        text.push_str(&format!("{},{v},{m},{x}\n", hour(*h)));
    }
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write windows");
    p
}

/// Twelve healthy hours from hour `from` of p99 latency and error rate for both arms, then
/// `extra`.
fn healthy(
    from: u32,
    extra: &[(u32, &str, &str, String)],
) -> Vec<(u32, &'static str, &'static str, String)> {
    let mut rows = Vec::new();
    for h in from..from + 12 {
        for (v, p99) in [(CANARY, 1790.0), (PROD, 1810.0)] {
            rows.push((h, v, "latency_p99_ms", format!("{p99}")));
            rows.push((h, v, "error_rate", "0.002".to_string()));
        }
    }
    for (h, v, m, x) in extra {
        let v: &'static str = if *v == CANARY { CANARY } else { PROD };
        let m: &'static str = match *m {
            "latency_p99_ms" => "latency_p99_ms",
            _ => "error_rate",
        };
        rows.retain(|r| !(r.0 == *h && r.1 == v && r.2 == m));
        rows.push((*h, v, m, x.clone()));
    }
    rows
}

/// A window row: (hour, version, metric, value).
type Row<'a> = (u32, &'a str, &'a str, String);

fn check<'a>(gate: &'a Value, id: &str) -> Option<&'a Value> {
    let checks = gate["checks"]
        .as_array()
        .or_else(|| gate["report"]["checks"].as_array())?;
    checks.iter().find(|c| c["id"] == id)
}

#[test]
fn a_breach_cuts_traffic_then_rolls_back_and_its_incident_changes_the_next_gate() {
    let ns = format!("test-ops-{}", std::process::id());
    let _keys = DemoKeys::of(&ns);
    let s = Steward::new();
    let run = |who: Option<&str>, args: &[&str]| -> Run { s.run_as(&ns, who, args) };
    let loaded = run(None, &["demo"]);
    assert_eq!(loaded.code, 0, "{}", loaded.stderr);
    let dir = s.path("ops");
    std::fs::create_dir_all(&dir).expect("dir");

    // Bad windows: each refused naming line and value; nothing stored.
    let good = healthy(0, &[]);
    let with = |i: usize, row: (u32, &'static str, &'static str, String)| {
        let mut r = good.clone();
        r.insert(i, row);
        r
    };
    let gap: Vec<_> = good.iter().filter(|r| r.0 != 5).cloned().collect();
    let cases: Vec<(&str, Vec<Row<'_>>, &str)> = vec![
        ("gap.csv", gap, "a gap in"),
        (
            "dup.csv",
            with(3, (0, CANARY, "error_rate", "0.003".into())),
            "line 5: duplicate window: error_rate of 1.2.0-12",
        ),
        (
            "negative.csv",
            with(0, (12, PROD, "latency_p99_ms", "-3".into())),
            "line 2: latency_p99_ms = -3 is negative",
        ),
        (
            "nan.csv",
            with(0, (12, PROD, "error_rate", "NaN".into())),
            "line 2: error_rate = NaN is not a measurement",
        ),
        (
            "version.csv",
            with(0, (0, "1.3.0-15", "error_rate", "0.1".into())),
            "line 2: version 1.3.0-15 is neither the canary (1.2.0-12) nor production (1.1.0-8)",
        ),
    ];
    for (name, rows, needle) in cases {
        let f = windows(&dir, name, &rows);
        let r = run(
            None,
            &["monitor", "import", MODEL, f.to_str().expect("path")],
        );
        assert_eq!(r.code, 1, "{name}: {}", r.stdout);
        assert!(r.stderr.contains(needle), "{name}: {}", r.stderr);
        assert!(
            r.stderr.contains("nothing was stored"),
            "{name}: {}",
            r.stderr
        );
    }
    // Hostile files: a FIFO is refused by what it is, without a read that blocks; a
    // gigabyte with no newline is refused at the 1 MiB record limit, never read whole; a
    // file still being written is refused rather than stored as a mix of two versions.
    let fifo = dir.join("windows.fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo")
        .success());
    let r = s.run_or_hang(
        &["monitor", "import", MODEL, fifo.to_str().expect("path")],
        std::time::Duration::from_secs(60),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("a named pipe (FIFO)"), "{}", r.stderr);
    let giant = dir.join("giant.csv");
    std::fs::write(
        &giant,
        "timestamp,version,metric,value\n2026-12-01T00:00:00Z,",
    )
    .expect("write");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&giant)
        .and_then(|f| f.set_len(1 << 30))
        .expect("grow sparse");
    let r = s.in_shell(
        "ulimit -v 1048576",
        &["monitor", "import", MODEL, giant.to_str().expect("path")],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("line 2: the record is longer than 1 MiB"),
        "{}",
        r.stderr
    );
    std::fs::remove_file(&giant).expect("remove");
    // A day of minute windows of every guardrail metric for both arms.
    let metrics = [
        "latency_p50_ms",
        "latency_p95_ms",
        "latency_p99_ms",
        "timeout_rate",
        "error_rate",
        "saturation",
        "tokens_per_request",
        "cost_per_request_usd",
        "block_rate",
        "escalation_rate",
        "pii_hits",
        "acceptance_rate",
        "assist_rate",
        "task_success_rate",
        "thumbs_up_ratio",
        "override_rate",
        "drift_psi",
        "intent_mix_psi",
    ];
    let mut text = String::from("timestamp,version,metric,value\n");
    for m in 0..1440u32 {
        for metric in metrics {
            for v in [CANARY, PROD] {
                text.push_str(&format!(
                    "2026-12-01T{:02}:{:02}:00Z,{v},{metric},0.5\n",
                    m / 60,
                    m % 60
                ));
            }
        }
    }
    let growing = dir.join("growing.csv");
    std::fs::write(&growing, text).expect("write");
    let r = s.run_while_appending(
        &["monitor", "import", MODEL, growing.to_str().expect("path")],
        &growing,
        "2026-12-01T00:00:00Z,1.1.0-8,latency_p99_ms,1800\n",
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("changed while Steward was reading it"),
        "{}",
        r.stderr
    );

    // The demo's week is the only import: nothing was stored.
    let m = run(None, &["monitor", MODEL, "--json"]).json();
    assert_eq!(m["imports"].as_array().map(Vec::len), Some(1), "{m}");
    assert_eq!(m["latest"]["file"], "copilot-online-week.csv");

    // The team's hook gets each traffic change on standard input.
    let hook_out = dir.join("hook.json");
    let hook = format!("cat > {}", hook_out.display());
    let set = run(
        None,
        &[
            "traffic",
            "hook",
            MODEL,
            "--command",
            &hook,
            "--timeout",
            "5",
        ],
    );
    assert_eq!(set.code, 0, "{}", set.stderr);
    // The demo's breach cut the canary to 1%; ramp it again.
    let before = run(None, &["traffic", "show", MODEL, "--json"]).json();
    assert_eq!(before["current"]["canary_percent"], 1.0, "{before}");
    let ramp = run(
        None,
        &[
            "traffic",
            "set",
            MODEL,
            "--canary",
            "4",
            "--reason",
            "fixed the slow path",
        ],
    );
    assert_eq!(ramp.code, 0, "{}", ramp.stderr);

    // A canary latency breach cuts the canary to 1%.
    let f = windows(
        &dir,
        "canary-breach.csv",
        &healthy(0, &[(7, CANARY, "latency_p99_ms", "2650".into())]),
    );
    let r = run(
        None,
        &[
            "monitor",
            "import",
            MODEL,
            f.to_str().expect("path"),
            "--json",
        ],
    );
    assert_eq!(r.code, 1, "a breach exits 1: {}", r.stderr);
    let v = r.json();
    assert_eq!(v["status"], "breach");
    let e = &v["breaches"][0];
    assert_eq!(e["rule"], "canary.guardrail.latency-p99", "{v}");
    assert_eq!(e["observed"], 2650.0);
    assert_eq!(e["production"], 1810.0);
    assert_eq!(e["window"], hour(7));
    assert_eq!(e["outcome"], "performed", "{e}");
    let t = run(None, &["traffic", "show", MODEL, "--json"]).json();
    assert_eq!(t["current"]["canary_percent"], 1.0, "{t}");
    assert_eq!(e["traffic_epoch"], t["current"]["epoch"]);
    assert!(t["current"]["reason"]
        .as_str()
        .unwrap_or("")
        .contains("canary.guardrail.latency-p99"));
    let input: Value =
        serde_json::from_str(&std::fs::read_to_string(&hook_out).expect("the hook ran"))
            .expect("hook input is JSON");
    assert_eq!(input["format"], "steward.traffic-hook/v1");
    assert_eq!(input["change"]["epoch"], t["current"]["epoch"]);
    let hooks = run(None, &["traffic", "hook", MODEL, "--json"]).json();
    let runs = hooks["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 2, "the ramp and the cut: {hooks}");
    assert!(runs.iter().all(|r| r["outcome"] == "ok"), "{hooks}");
    // The same file twice is refused.
    let again = run(
        None,
        &["monitor", "import", MODEL, f.to_str().expect("path")],
    );
    assert_eq!(again.code, 1);
    assert!(
        again
            .stderr
            .contains("imported for summarize-copilot already"),
        "{}",
        again.stderr
    );

    // A window the workspace holds already, in another file: refused, nothing stored.
    let twice = windows(
        &dir,
        "overlap.csv",
        &[
            (11, PROD, "error_rate", "0.002".into()),
            (12, PROD, "error_rate", "0.002".into()),
        ],
    );
    let r = run(
        None,
        &["monitor", "import", MODEL, twice.to_str().expect("path")],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr.contains(&format!(
            "the error_rate window of {PROD} at {} was imported already, from canary-breach.csv; nothing was stored",
            hour(11)
        )),
        "{}",
        r.stderr
    );

    // A production breach without a service key: no action, a clear event.
    let prod_bad = healthy(
        12,
        &[
            (22, PROD, "error_rate", "0.09".into()),
            (23, PROD, "error_rate", "0.11".into()),
        ],
    );
    let f = windows(&dir, "prod-breach-1.csv", &prod_bad);
    let r = run(
        None,
        &[
            "monitor",
            "import",
            MODEL,
            f.to_str().expect("path"),
            "--json",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let e = r.json()["breaches"][0].clone();
    assert_eq!(e["rule"], "production.guardrail.errors", "{e}");
    assert_eq!(e["outcome"], "not-performed", "{e}");
    assert!(
        e["detail"]
            .as_str()
            .unwrap_or("")
            .contains("no guardrail service key"),
        "{e}"
    );
    let m = run(None, &["monitor", MODEL, "--json"]).json();
    assert_eq!(m["production"], PROD, "nothing moved");
    let incidents = run(None, &["incident", "list", MODEL, "--json"]).json();
    assert_eq!(
        incidents.as_array().map(Vec::len),
        Some(1),
        "only the demo's: {incidents}"
    );

    // The service key, made by the roster admin, holds the one role.
    let k = run(Some(ADMIN), &["service-key", "init", "--json"]);
    assert_eq!(k.code, 0, "{}", k.stderr);
    let key = k.json();
    assert_eq!(key["roles"], serde_json::json!(["guardrail-service"]));
    let identity = key["identity"].as_str().expect("identity").to_string();

    // A hook that hangs is cut at its timeout and never blocks the change.
    run(
        None,
        &[
            "traffic",
            "hook",
            MODEL,
            "--command",
            "sleep 30",
            "--timeout",
            "1",
        ],
    );

    // With the key, the next hourly file rolls production back by itself: its one bad
    // window follows the stored bad window of the file before, two in a row.
    let f = windows(
        &dir,
        "prod-breach-2.csv",
        &[
            (24, PROD, "error_rate", "0.1".into()),
            (24, CANARY, "error_rate", "0.002".into()),
        ],
    );
    let r = s.run_as(
        &ns,
        Some(SRE),
        &[
            "monitor",
            "import",
            MODEL,
            f.to_str().expect("path"),
            "--json",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let e = r.json()["breaches"][0].clone();
    assert_eq!(e["outcome"], "performed", "{e}");
    assert_eq!(e["window"], hour(24), "{e}");
    assert_eq!(e["incident"], "INC-2");
    let release = e["release"].as_str().expect("release").to_string();
    let m = run(None, &["monitor", MODEL, "--json"]).json();
    assert_eq!(m["production"], TARGET, "{m}");
    let records = run(None, &["release", "list", MODEL, "--json"]).json();
    let all = records["records"]
        .as_array()
        .or_else(|| records.as_array())
        .expect("records")
        .clone();
    let last = all.last().expect("a record");
    assert_eq!(last["kind"], "rollback");
    assert_eq!(last["digest"], release.as_str());
    assert_eq!(last["signer_name"], "Steward guardrail service");
    let hooks = run(None, &["traffic", "hook", MODEL, "--json"]).json();
    let runs = hooks["runs"].as_array().expect("runs");
    assert_eq!(runs.last().expect("run")["outcome"], "timed-out", "{hooks}");
    let t = run(None, &["traffic", "show", MODEL, "--json"]).json();
    assert_eq!(t["current"]["serving"], TARGET);
    assert_eq!(t["current"]["release"], release.as_str());
    // flagd's own engine over the file Steward wrote: everyone, flagged tenants too, gets the
    // rollback target, under the epoch and release record of the rollback.
    let file = PathBuf::from(t["path"].as_str().expect("flag file path"));
    let served = flag_engine::evaluate(&file, MODEL, "companyos-internal");
    assert_eq!(served["counts"][TARGET], flag_engine::KEYS, "{served}");
    assert_eq!(served["tenant"], TARGET, "{served}");
    assert_eq!(served["metadata"]["servingEpoch"], t["current"]["epoch"]);
    assert_eq!(served["metadata"]["releaseRecord"], release.as_str());

    // Healthy windows of the versions serving now: no breach, exit 0.
    let calm: Vec<Row<'_>> = (25..28)
        .flat_map(|h| {
            [
                (h, TARGET, "error_rate", "0.002".to_string()),
                (h, CANARY, "error_rate", "0.002".to_string()),
            ]
        })
        .collect();
    let f = windows(&dir, "calm.csv", &calm);
    let r = run(
        None,
        &["monitor", "import", MODEL, f.to_str().expect("path")],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("summarize-copilot: OK"), "{}", r.stdout);
    let m = run(None, &["monitor", MODEL, "--json"]);
    assert_eq!(m.code, 0);
    assert_eq!(m.json()["status"], "ok");

    // The incident: opened by the breach with the rollback, annotated, closed with an action
    // item that requires a new suite.
    let i = run(None, &["incident", "show", "INC-2", "--json"]).json();
    assert_eq!(i["state"], "open");
    assert_eq!(i["rollback"], release.as_str());
    assert_eq!(i["source"], "guardrail:production.guardrail.errors");
    assert!(
        i["notification"]
            .as_str()
            .unwrap_or("")
            .starts_with("[SEV2] INC-2"),
        "{i}"
    );
    let n = run(
        None,
        &[
            "incident",
            "note",
            "INC-2",
            "--text",
            "error storm from the EU shard",
        ],
    );
    assert_eq!(n.code, 0, "{}", n.stderr);
    let c = run(
        None,
        &[
            "incident",
            "close",
            "INC-2",
            "--analysis",
            "retries amplified a dependency outage",
            "--action",
            "replay error storms before each promotion => suite:error-storms",
            "--json",
        ],
    );
    assert_eq!(c.code, 0, "{}", c.stderr);
    let closed = c.json();
    assert_eq!(closed["state"], "closed");
    assert_eq!(closed["actions"][0]["requires_suite"], "error-storms");
    let late = run(None, &["incident", "note", "INC-2", "--text", "late"]);
    assert_eq!(late.code, 1);
    assert!(late.stderr.contains("INC-2 is closed"), "{}", late.stderr);

    // The next promotion's gate requires a run of that suite.
    let id = "canary.incident.INC-2.error-storms";
    let g = run(
        None,
        &[
            "gate",
            &format!("{MODEL}@1.3.0-15"),
            "--to",
            "canary",
            "--json",
        ],
    )
    .json();
    let c = check(&g, id).unwrap_or_else(|| panic!("no {id} in {g}"));
    assert_eq!(c["status"], "missing-evidence", "{c}");
    let suite = dir.join("storms.csv");
    std::fs::write(&suite, "metric,value\ntask_success_rate,0.71\n").expect("suite");
    let imp = run(
        None,
        &[
            "eval",
            "import",
            &format!("{MODEL}@1.3.0-15"),
            suite.to_str().expect("path"),
            "--kind",
            "scenario-suite",
            "--suite",
            "error-storms@2026-12",
        ],
    );
    assert_eq!(imp.code, 0, "{}", imp.stderr);
    let g = run(
        None,
        &[
            "gate",
            &format!("{MODEL}@1.3.0-15"),
            "--to",
            "canary",
            "--json",
        ],
    )
    .json();
    assert_eq!(check(&g, id).expect("check")["status"], "pass");

    // Every row the operations wrote is explained by the audit log.
    let deep = run(None, &["audit", "verify", "--deep"]);
    assert_eq!(deep.code, 0, "{}\n{}", deep.stdout, deep.stderr);

    let _ = steward_attest::KeyStore::with_namespace(&format!("{ns}-demo")).delete(&identity);
}
