//! The traffic dial through the real binary, checked with flagd's own evaluation engine
//! (`@openfeature/flagd-core`, installed in tests/flagd by the test command): the demo's canary
//! gets its rollout plan's share, a share at the policy's bound is refused, the kill switch
//! sends everyone to production, a hand-edited flag file is reported and not overwritten
//! silently, and after a rollback everyone gets the rollback target.

use std::path::{Path, PathBuf};

use serde_json::Value;
use steward_tests::flag_engine::{self, share, KEYS};
use steward_tests::{DemoKeys, Run, Steward};

const MODEL: &str = "summarize-copilot";

fn run(s: &Steward, ns: &str, who: Option<&str>, args: &[&str]) -> Run {
    s.run_as(ns, who, args)
}

/// flagd's engine over the flag file of MODEL.
fn flagd(file: &Path, tenant: &str) -> Value {
    flag_engine::evaluate(file, MODEL, tenant)
}

#[test]
fn the_flag_file_is_what_flagd_serves_and_follows_every_change() {
    let ns = format!("test-traffic-{}", std::process::id());
    let _keys = DemoKeys::of(&ns);
    let s = Steward::new();
    let loaded = run(&s, &ns, None, &["demo"]);
    assert_eq!(loaded.code, 0, "{}", loaded.stderr);
    let show = run(&s, &ns, None, &["traffic", "show", MODEL, "--json"]).json();
    assert_eq!(show["file"], "in-sync", "{show}");
    let file = PathBuf::from(show["path"].as_str().expect("path"));
    let current = &show["current"];
    assert_eq!(current["serving"], "1.1.0-8");
    assert_eq!(current["canary"], "1.2.0-12");
    let planned = current["canary_percent"].as_f64().expect("share");
    assert!(planned > 0.0 && planned < 5.0, "{current}");

    // flagd routes about the rollout plan's share to the canary, flagged tenants always.
    let a = flagd(&file, "companyos-internal");
    assert!((share(&a, "1.2.0-12") - planned).abs() < 1.0, "{a}");
    assert_eq!(a["tenant"], "1.2.0-12");
    assert_eq!(a["metadata"]["servingEpoch"], current["epoch"]);
    assert_eq!(a["metadata"]["shadowMode"], true);

    // The policy keeps canaries under 5%.
    let refused = run(
        &s,
        &ns,
        None,
        &["traffic", "set", MODEL, "--canary", "5", "--reason", "more"],
    );
    assert_eq!(refused.code, 1, "{}", refused.stdout);
    assert!(
        refused.stderr.contains("under 5% of traffic"),
        "{}",
        refused.stderr
    );
    for bad in [["--canary", "-1"], ["--canary", "NaN"]] {
        let r = run(
            &s,
            &ns,
            None,
            &["traffic", "set", MODEL, bad[0], bad[1], "--reason", "x"],
        );
        assert_eq!(r.code, 1, "{bad:?}: {}", r.stderr);
    }
    let set = run(
        &s,
        &ns,
        None,
        &[
            "traffic", "set", MODEL, "--canary", "4.5", "--reason", "ramp", "--json",
        ],
    );
    assert_eq!(set.code, 0, "{}", set.stderr);
    let b = flagd(&file, "nobody");
    assert!((share(&b, "1.2.0-12") - 4.5).abs() < 1.0, "{b}");

    // The kill switch: everyone to production, flagged tenants too.
    run(
        &s,
        &ns,
        None,
        &[
            "traffic",
            "set",
            MODEL,
            "--kill",
            "--reason",
            "pii detector hit",
        ],
    );
    let k = flagd(&file, "companyos-internal");
    assert_eq!(k["counts"]["1.1.0-8"], KEYS, "{k}");
    assert_eq!(k["tenant"], "1.1.0-8");
    assert_eq!(k["metadata"]["killSwitch"], true);

    // A hand edit is reported and not overwritten silently.
    let text = std::fs::read_to_string(&file).expect("flag file");
    std::fs::write(&file, text.replace("\"ENABLED\"", "\"DISABLED\"")).expect("edit");
    let show = run(&s, &ns, None, &["traffic", "show", MODEL, "--json"]).json();
    assert_eq!(show["file"], "changed-outside");
    let refused = run(
        &s,
        &ns,
        None,
        &["traffic", "set", MODEL, "--unkill", "--reason", "fixed"],
    );
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("was changed outside Steward"),
        "{}",
        refused.stderr
    );
    assert!(
        std::fs::read_to_string(&file)
            .expect("file")
            .contains("DISABLED"),
        "left as it was"
    );
    let ok = run(
        &s,
        &ns,
        None,
        &[
            "traffic",
            "set",
            MODEL,
            "--unkill",
            "--reason",
            "fixed",
            "--overwrite",
        ],
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);

    // After a rollback everyone gets the rollback target, and the epoch moved.
    let rb = run(
        &s,
        &ns,
        Some("tom@companyos.example"),
        &[
            "rollback",
            MODEL,
            "--incident",
            "INC-9",
            "--reason",
            "latency",
        ],
    );
    assert_eq!(rb.code, 0, "{}", rb.stderr);
    let r = flagd(&file, "companyos-internal");
    assert_eq!(r["counts"]["1.0.0-3"], KEYS, "{r}");
    assert_eq!(r["tenant"], "1.0.0-3");
    let show = run(&s, &ns, None, &["traffic", "show", MODEL, "--json"]).json();
    assert_eq!(show["current"]["reason"], "rollback");
    assert!(show["current"]["release"]
        .as_str()
        .unwrap_or("")
        .starts_with("sha256:"));
    assert_eq!(r["metadata"]["servingEpoch"], show["current"]["epoch"]);
}
