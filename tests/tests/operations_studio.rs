//! The Operations screen's recordings (ui/flows/app/operations, written by its generate.sh)
//! are what the real core answers for `steward demo`: the co-pilot's view, each guardrail chart
//! it has windows for, the recorded queue label and the view after it, and ticket-router's
//! empty view. The demo is laid down relative to the clock, so times, digests (which sign or
//! hash times) and the workspace path are compared as placeholders; every count, status,
//! rule, label, text and chart coordinate must match.

use std::path::Path;

use steward_tests::{DemoKeys, Run, Steward};

const MODEL: &str = "summarize-copilot";

/// `text` with RFC 3339 times as `<time>` and runs of 64 hex digits as `<hex>`.
fn placeholders(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let digits =
        |at: usize, n: usize| b.len() >= at + n && b[at..at + n].iter().all(u8::is_ascii_digit);
    while i < b.len() {
        // YYYY-MM-DDTHH:MM:SS[.frac]Z
        if digits(i, 4)
            && b.get(i + 4) == Some(&b'-')
            && digits(i + 5, 2)
            && b.get(i + 7) == Some(&b'-')
            && digits(i + 8, 2)
            && b.get(i + 10) == Some(&b'T')
            && digits(i + 11, 2)
            && b.get(i + 13) == Some(&b':')
            && digits(i + 14, 2)
            && b.get(i + 16) == Some(&b':')
            && digits(i + 17, 2)
        {
            let mut j = i + 19;
            if b.get(j) == Some(&b'.') {
                j += 1;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
            }
            if b.get(j) == Some(&b'Z') {
                out.push_str("<time>");
                i = j + 1;
                continue;
            }
        }
        if b.len() >= i + 64 && b[i..i + 64].iter().all(u8::is_ascii_hexdigit) {
            out.push_str("<hex>");
            i += 64;
            while i < b.len() && b[i].is_ascii_hexdigit() {
                i += 1;
            }
            continue;
        }
        let c = text[i..].chars().next().expect("a char");
        out.push(c);
        i += c.len_utf8();
    }
    out
}

fn stable(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), stable(v))).collect(),
        serde_json::Value::Array(a) => a.iter().map(stable).collect(),
        serde_json::Value::String(s) => serde_json::Value::String(placeholders(s)),
        other => other.clone(),
    }
}

#[test]
fn placeholders_hide_only_times_and_digests() {
    let cases = [
        ("at 2026-12-01T16:00:00Z (1)", "at <time> (1)"),
        ("2026-12-02T02:55:20.417145636Z", "<time>"),
        ("2026-12-01 16:00", "2026-12-01 16:00"),
        (&*format!("sha256:{}", "ab".repeat(32)), "sha256:<hex>"),
        ("1.2.0-12 at 2.5%", "1.2.0-12 at 2.5%"),
    ];
    for (text, want) in cases {
        assert_eq!(placeholders(text), want, "{text}");
    }
}

#[test]
fn the_operations_recordings_are_what_the_core_answers_for_the_demo() {
    let s = Steward::new();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let ns = format!("test-ops-studio-{}-{nanos}", std::process::id());
    let _keys = DemoKeys::of(&ns);
    let ws = s.workspace().display().to_string();
    let run = |args: &[&str]| -> serde_json::Value {
        let out = s
            .command(args)
            .env("STEWARD_KEYRING_BACKEND", "keyutils")
            .env("STEWARD_KEYRING_NAMESPACE", &ns)
            .env("STEWARD_ACTOR", "ana.lopez")
            .output()
            .expect("run steward");
        let r = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).replace(&ws, "(workspace)"),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert_eq!(r.code, 0, "steward {args:?}: {}", r.stderr);
        if args.contains(&"--json") {
            r.json()
        } else {
            serde_json::Value::Null
        }
    };
    run(&["demo"]);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/flows/app/operations");
    let recorded = |name: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(dir.join(name))
            .unwrap_or_else(|e| panic!("recording {name}: {e}"));
        serde_json::from_str(&text).expect("recording is JSON")
    };
    let stale = "is stale: run ui/flows/app/operations/generate.sh and commit the recordings";
    let view = run(&["operations", MODEL, "--json"]);
    assert_eq!(
        stable(&view),
        stable(&recorded(&format!("view-{MODEL}.json"))),
        "view-{MODEL}.json {stale}"
    );
    assert_eq!(
        stable(&run(&["operations", "ticket-router", "--json"])),
        stable(&recorded("view-ticket-router.json")),
        "view-ticket-router.json {stale}"
    );
    let svg = s.workspace().join("chart.svg");
    let svg = svg.to_str().expect("utf-8 path");
    let mut charts = 0;
    for series in view["series"].as_array().expect("series") {
        if series["windows"] == 0 {
            continue;
        }
        let rule = series["rule"].as_str().expect("rule");
        let name = format!("chart-{MODEL}-{rule}-light.json");
        assert_eq!(
            stable(&run(&[
                "operations",
                "chart",
                MODEL,
                "--rule",
                rule,
                "-o",
                svg,
                "--json"
            ])),
            stable(&recorded(&name)),
            "{name} {stale}"
        );
        charts += 1;
    }
    assert_eq!(
        charts, 6,
        "the demo's four metrics: four canary rules and two production rules"
    );
    let item = view["queue"]
        .as_array()
        .expect("queue")
        .iter()
        .find(|q| q["label"].is_null())
        .and_then(|q| q["id"].as_u64())
        .expect("an unlabelled item")
        .to_string();
    let name = format!("label-{item}-wrong.json");
    assert_eq!(
        stable(&run(&["queue", "label", &item, "wrong", "--json"])),
        stable(&recorded(&name)),
        "{name} {stale}"
    );
    assert_eq!(
        stable(&run(&["operations", MODEL, "--json"])),
        stable(&recorded(&format!("view-{MODEL}-labelled.json"))),
        "view-{MODEL}-labelled.json {stale}"
    );
}
