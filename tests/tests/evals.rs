//! Evaluation evidence through the real `steward` binary: import JSON and CSV, list, compare
//! against production, fairness with a failing group, every chart kind, and bad input that
//! gets a clear error and imports nothing.

use std::path::PathBuf;

use steward_tests::Steward;

fn sample(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/samples")
        .join(name)
        .display()
        .to_string()
}

/// The demo workspace plus a fresh version with no evidence yet.
fn with_demo() -> Steward {
    let s = Steward::new();
    s.ok(&["demo"]);
    s.ok(&["version", "add", "summarize-copilot", "2.1.0-18"]);
    s
}

const TARGET: &str = "summarize-copilot@2.1.0-18";

fn runs(s: &Steward) -> usize {
    s.ok(&["eval", "list", TARGET, "--json"])
        .json()
        .as_array()
        .map_or(0, Vec::len)
}

#[test]
fn import_list_compare_fairness_and_charts() {
    let s = with_demo();
    let golden = sample("golden-set.json");
    // The sample JSON names its model version; importing it elsewhere is refused.
    s.fails(
        1,
        &["eval", "import", TARGET, &golden],
        "the file is for summarize-copilot@1.3.0-15",
    );
    let tmp = s.path("golden.json");
    let text = std::fs::read_to_string(&golden)
        .expect("sample")
        .replace("summarize-copilot@1.3.0-15", TARGET);
    std::fs::write(&tmp, text).expect("write");
    let imported = s
        .ok(&[
            "eval",
            "import",
            TARGET,
            &tmp.display().to_string(),
            "--json",
        ])
        .json();
    assert_eq!(imported["kind"], "golden-set");
    assert_eq!(imported["suite"], "support-golden@2026-10");
    assert_eq!(imported["format"], "json");
    assert_eq!(imported["rows"], 7);
    assert!(imported["file_digest"]
        .as_str()
        .unwrap_or("")
        .starts_with("sha256:"));

    let fairness = sample("fairness-audit.csv");
    s.ok(&[
        "eval",
        "import",
        TARGET,
        &fairness,
        "--kind",
        "fairness-audit",
        "--suite",
        "fairness-panel@2026-10",
    ]);
    s.ok(&[
        "eval",
        "import",
        TARGET,
        &sample("red-team.csv"),
        "--kind",
        "red-team",
        "--suite",
        "jailbreak-suite@2026.10",
    ]);
    s.ok(&[
        "eval",
        "import",
        TARGET,
        &sample("load-test-percentiles.csv"),
        "--kind",
        "load-test",
        "--suite",
        "load-profile@peak-2026",
    ]);
    s.ok(&[
        "eval",
        "import",
        TARGET,
        &sample("canary-kpis.csv"),
        "--kind",
        "online-kpis",
        "--suite",
        "canary-dashboard@2.1.0-18",
    ]);
    s.ok(&[
        "eval",
        "import",
        TARGET,
        &sample("predictions.csv"),
        "--suite",
        "holdout@2026-11",
    ]);
    let list = s.ok(&["eval", "list", TARGET]).stdout;
    for needle in [
        "golden-set",
        "fairness-audit",
        "red-team",
        "load-test",
        "online-kpis",
        "sha256:",
    ] {
        assert!(list.contains(needle), "{needle}: {list}");
    }
    assert_eq!(runs(&s), 6);

    // Against production (1.1.0-8) by default.
    let cmp = s.ok(&["eval", "compare", TARGET, "--json"]).json();
    assert_eq!(cmp["baseline"], "1.1.0-8");
    assert_eq!(cmp["baseline_stage"], "production");
    let rouge = cmp["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .find(|m| m["metric"] == "rouge_l")
        .expect("rouge_l compared");
    assert_eq!(rouge["verdict"], "better");
    assert!((rouge["delta"].as_f64().expect("delta") - (0.452 - 0.436)).abs() < 1e-9);
    let table = s.ok(&["eval", "compare", TARGET]).stdout;
    assert!(table.contains("against the production version"), "{table}");
    let against = s
        .ok(&[
            "eval",
            "compare",
            TARGET,
            "--against",
            "summarize-copilot@1.0.0-3",
            "--json",
        ])
        .json();
    assert_eq!(against["baseline"], "1.0.0-3");

    // The failing group is named.
    let f = s
        .ok(&["eval", "fairness", TARGET, "--group", "locale", "--json"])
        .json();
    let tsr = f["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .find(|m| m["metric"] == "task_success_rate")
        .expect("task success by locale");
    assert_eq!(tsr["worst_group"], "es");
    assert_eq!(tsr["passes_ratio"], false);
    let text = s
        .ok(&["eval", "fairness", TARGET, "--group", "locale"])
        .stdout;
    assert!(
        text.contains("FAIL task_success_rate: group locale=es"),
        "{text}"
    );
    let preds = s
        .ok(&["eval", "fairness", TARGET, "--group", "age_band", "--json"])
        .json();
    assert!(
        preds["parity"]["demographic_parity_difference"]
            .as_f64()
            .expect("dp")
            > 0.0
    );
    s.fails(
        1,
        &["eval", "fairness", TARGET, "--group", "shoe_size"],
        "its group keys are",
    );
    // Without --group: the first key with a failing metric, and every key listed.
    let default = s.ok(&["eval", "fairness", TARGET, "--json"]).json();
    let first_failing = keys_in_order_failing(&s);
    assert_eq!(default["key"], first_failing.as_str());
    assert!(!default["failures"].as_array().expect("failures").is_empty());
    let keys = default["keys"].as_array().expect("keys");
    assert!(
        keys.iter().any(|k| k == "age_band") && keys.iter().any(|k| k == "locale"),
        "{keys:?}"
    );

    for kind in ["compare", "fairness", "latency", "kpi", "drift"] {
        let out = s.path(&format!("{kind}.svg"));
        let out_text = out.display().to_string();
        s.ok(&["eval", "chart", TARGET, "--kind", kind, "-o", &out_text]);
        let svg = std::fs::read_to_string(&out).expect("svg written");
        assert!(svg.starts_with("<svg") && svg.contains("<text"), "{kind}");
        assert!(svg.len() < 300_000, "{kind}: {} bytes", svg.len());
    }
    let dark = s.path("dark.svg").display().to_string();
    s.ok(&[
        "eval", "chart", TARGET, "--kind", "fairness", "--dark", "-o", &dark,
    ]);
    s.ok(&["audit", "verify"]);
}

#[test]
fn the_demo_candidate_fails_the_four_fifths_rule() {
    let s = Steward::new();
    s.ok(&["demo"]);
    for v in ["1.0.0-3", "1.1.0-8", "1.2.0-12", "1.3.0-15", "2.0.0-17"] {
        let runs = s
            .ok(&["eval", "list", &format!("summarize-copilot@{v}"), "--json"])
            .json();
        let kinds: Vec<&str> = runs
            .as_array()
            .expect("runs")
            .iter()
            .map(|r| r["kind"].as_str().unwrap_or(""))
            .collect();
        // The experiment 2.0.0-17 has not run the scenario suite yet.
        let mut want = vec![
            "golden-set",
            "scenario-suite",
            "red-team",
            "fairness-audit",
            "load-test",
            "online-kpis",
        ];
        if v == "2.0.0-17" {
            want.retain(|k| *k != "scenario-suite");
        }
        assert_eq!(kinds, want, "{v}");
        let f = s
            .ok(&[
                "eval",
                "fairness",
                &format!("summarize-copilot@{v}"),
                "--group",
                "locale",
                "--json",
            ])
            .json();
        let failing = !f["failures"].as_array().expect("failures").is_empty();
        assert_eq!(failing, v == "1.3.0-15", "{v}: {}", f["failures"]);
    }
}

#[test]
fn bad_input_gets_a_clear_error_and_imports_nothing() {
    let s = with_demo();
    let audit_before = s.ok(&["audit", "log", "--json"]).stdout;
    let kpi = ["--kind", "golden-set", "--suite", "golden@v1"];
    let cases: &[(&str, &str, &[&str], &str)] = &[
        ("malformed.json", "{\"format\":\"steward.eval/v1\",\"kind\":\"golden-set\",\"suite\":\"g@1\",\"rows\":[{\"metric\":\"rouge_l\",\"value\":0.4},\n  {\"metric\":\"rouge_l\" \"value\":0.5}]}", &[], "line 2, column"),
        ("truncated.json", "{\"format\":\"steward.eval/v1\",\"rows\":[", &kpi, "malformed JSON"),
        ("missing.csv", "metric,ci_low\nrouge_l,0.4\n", &kpi, "missing column \"value\""),
        ("text.csv", "metric,value\nrouge_l,0.4\nrouge_l,high\n", &kpi, "line 3, column 2 (value): not a number (value \"high\")"),
        ("nan.csv", "metric,value\nrouge_l,NaN\n", &kpi, "line 2, column 2 (value): NaN is not a measurement"),
        ("inf.csv", "metric,value\nrouge_l,0.4\nrouge_l,-inf\n", &kpi, "line 3, column 2 (value): -inf is not a finite number"),
        ("unknown.csv", "metric,value\nrouge_l,0.4\nvibes_score,7\n", &kpi, "line 3, column 1 (metric): unknown metric \"vibes_score\""),
        ("nan.json", "{\"format\":\"steward.eval/v1\",\"rows\":[{\"metric\":\"rouge_l\",\"value\":NaN}]}", &kpi, "malformed JSON"),
        ("nokind.csv", "metric,value\nrouge_l,0.4\n", &["--suite", "g@1"], "pass --kind"),
        ("nosuite.csv", "metric,value\nrouge_l,0.4\n", &["--kind", "golden-set"], "pass --suite"),
        ("badci.csv", "metric,value,ci_low,ci_high\nrouge_l,0.4,0.5,0.6\n", &kpi, "outside its confidence interval"),
    ];
    for (name, text, extra, needle) in cases {
        let path = s.path(name);
        std::fs::write(&path, text).expect("write");
        let p = path.display().to_string();
        let mut args = vec!["eval", "import", TARGET, p.as_str()];
        args.extend_from_slice(extra);
        let run = s.fails(1, &args, needle);
        assert!(
            run.stderr.contains(name),
            "{name}: the error names the file: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("nothing was imported") || run.stderr.contains("pass --"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(runs(&s), 0, "nothing was imported");
    assert_eq!(s.ok(&["audit", "log", "--json"]).stdout, audit_before);

    // A good file imports once; the same bytes again are refused by digest.
    let good = s.path("good.csv");
    std::fs::write(&good, "metric,value\nrouge_l,0.45\n").expect("write");
    let g = good.display().to_string();
    s.ok(&[
        "eval",
        "import",
        TARGET,
        &g,
        "--kind",
        "golden-set",
        "--suite",
        "golden@v1",
    ]);
    let copy = s.path("copy-of-good.csv");
    std::fs::copy(&good, &copy).expect("copy");
    s.fails(
        1,
        &[
            "eval",
            "import",
            TARGET,
            &copy.display().to_string(),
            "--kind",
            "golden-set",
            "--suite",
            "golden@v1",
        ],
        "was already imported",
    );
    assert_eq!(runs(&s), 1);
    s.fails(
        1,
        &[
            "eval",
            "import",
            TARGET,
            &s.path("nope.csv").display().to_string(),
        ],
        "nope.csv",
    );
    s.fails(
        1,
        &["eval", "import", "summarize-copilot@9.9.9-99", &g],
        "no version 9.9.9-99",
    );
    s.fails(
        1,
        &[
            "eval",
            "chart",
            TARGET,
            "--kind",
            "drift",
            "-o",
            &s.path("d.svg").display().to_string(),
        ],
        "no binned distributions",
    );
    s.ok(&["audit", "verify"]);
}

/// The first group key (in the core's order) whose report has a failing metric, asked key by key.
fn keys_in_order_failing(s: &Steward) -> String {
    let any = s
        .ok(&["eval", "fairness", TARGET, "--group", "locale", "--json"])
        .json();
    let keys: Vec<String> = any["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| k.as_str().unwrap_or_default().to_string())
        .collect();
    keys.into_iter()
        .find(|k| {
            let r = s
                .ok(&["eval", "fairness", TARGET, "--group", k, "--json"])
                .json();
            !r["failures"].as_array().expect("failures").is_empty()
        })
        .expect("a failing key")
}

#[test]
fn drift_per_feature_as_table_and_json() {
    let s = with_demo();
    let demo = "summarize-copilot@1.3.0-15";
    let report = s.ok(&["eval", "drift", demo, "--json"]).json();
    assert_eq!(report["model"], "summarize-copilot");
    let features = report["features"].as_array().expect("features");
    let level = |name: &str| {
        features
            .iter()
            .find(|f| f["feature"] == name)
            .map(|f| f["level"].clone())
    };
    // The demo's prompt lengths moved (PSI 0.17), its tenant regions did not.
    assert_eq!(level("prompt_length"), Some("moderate".into()));
    assert_eq!(level("tenant_region"), Some("stable".into()));

    let table = s.ok(&["eval", "drift", demo]).stdout;
    assert!(table.contains("PSI < 0.1 stable"), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("prompt_length") && l.ends_with("moderate")),
        "{table}"
    );

    // A version with no drift evidence says how to add it; a bad target is a user error.
    let empty = s.ok(&["eval", "drift", TARGET]).stdout;
    assert!(empty.contains("no binned distributions"), "{empty}");
    assert_eq!(
        s.ok(&["eval", "drift", TARGET, "--json"]).json()["features"],
        serde_json::json!([])
    );
    s.fails(1, &["eval", "drift", "summarize-copilot"], "MODEL@VERSION");
}
