//! Fairness from raw predictions, cross-checked against Fairlearn on the same fixture.
//!
//! Steward imports a predictions CSV (`y_true,y_pred,gender,age_band`) through the real import
//! path and computes per-group selection rate, TPR and FPR, demographic parity difference and
//! ratio and equalized odds difference; Fairlearn computes the same from the same file with
//! `MetricFrame`, `demographic_parity_difference/ratio` and `equalized_odds_difference`. They
//! must agree to 1e-9. The test needs the project's Python environment (`.venv`, created by
//! `scripts/setup.sh` → `need_python`, or `STEWARD_PYTHON`) and fails — never skips — without it.

use std::path::PathBuf;
use std::process::Command;

mod common;

use steward_api::wire::EvalImport;
use steward_api::{Cancel, NoProgress};

fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("STEWARD_PYTHON").filter(|p| !p.is_empty()) {
        return p.into();
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python");
    assert!(
        venv.is_file(),
        "the Fairlearn cross-check needs the project's Python environment, and {} is missing: \
         run `bash -c 'source scripts/setup.sh && need_python'` at the repository root (or set STEWARD_PYTHON)",
        venv.display()
    );
    venv
}

/// A deterministic fixture where the groups differ: 3 genders × 3 age bands, 3,000 rows.
fn fixture() -> String {
    let mut out = String::from("y_true,y_pred,gender,age_band\n");
    let mut state: u64 = 0x5eed_1234_abcd_0042;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as f64 / f64::from(1u32 << 31)
    };
    let genders = ["female", "male", "nonbinary"];
    let ages = ["18-25", "26-40", "41+"];
    for i in 0..3000 {
        let g = genders[i % 3];
        let a = ages[(i / 3) % 3];
        let y_true = next() < 0.4;
        // Each group gets a different selection tendency, so parity is far from perfect.
        let bias = match (g, a) {
            ("female", _) => 0.12,
            ("nonbinary", "18-25") => -0.2,
            _ => 0.0,
        };
        let p = if y_true { 0.7 + bias } else { 0.2 + bias };
        let y_pred = next() < p;
        out.push_str(&format!(
            "{},{},{g},{a}\n",
            u8::from(y_true),
            u8::from(y_pred)
        ));
    }
    out
}

const SCRIPT: &str = r#"
import json, sys
import pandas as pd
from fairlearn.metrics import (MetricFrame, selection_rate, true_positive_rate, false_positive_rate,
    demographic_parity_difference, demographic_parity_ratio, equalized_odds_difference)
df = pd.read_csv(sys.argv[1], dtype={"gender": str, "age_band": str})
out = {}
for key in ["gender", "age_band"]:
    mf = MetricFrame(metrics={"selection_rate": selection_rate, "true_positive_rate": true_positive_rate,
                              "false_positive_rate": false_positive_rate},
                     y_true=df["y_true"], y_pred=df["y_pred"], sensitive_features=df[key])
    out[key] = {
        "by_group": {m: {str(g): float(v) for g, v in mf.by_group[m].items()} for m in mf.by_group.columns},
        "demographic_parity_difference": float(demographic_parity_difference(df["y_true"], df["y_pred"], sensitive_features=df[key])),
        "demographic_parity_ratio": float(demographic_parity_ratio(df["y_true"], df["y_pred"], sensitive_features=df[key])),
        "equalized_odds_difference": float(equalized_odds_difference(df["y_true"], df["y_pred"], sensitive_features=df[key])),
    }
print(json.dumps(out))
"#;

fn close(what: &str, steward: f64, fairlearn: f64) {
    assert!(
        (steward - fairlearn).abs() <= 1e-9,
        "{what}: Steward {steward} vs Fairlearn {fairlearn}"
    );
}

#[test]
fn fairness_from_predictions_matches_fairlearn() {
    let py = python();
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("predictions.csv");
    std::fs::write(&csv, fixture()).expect("write fixture");

    let ws = common::scorer_workspace(&dir);
    ws.eval_import(
        &EvalImport {
            model: "scorer".into(),
            version: "1.0.0-1".into(),
            file: csv.display().to_string(),
            kind: None,
            suite: Some("holdout@2026-11".into()),
        },
        &NoProgress,
        &Cancel::new(),
    )
    .expect("import predictions");

    let output = Command::new(&py)
        .arg("-c")
        .arg(SCRIPT)
        .arg(&csv)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", py.display()));
    assert!(
        output.status.success(),
        "Fairlearn script failed (is fairlearn installed in {}? `need_python` installs it): {}",
        py.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let fl: serde_json::Value = serde_json::from_slice(&output.stdout).expect("fairlearn JSON");

    for key in ["gender", "age_band"] {
        let report = ws
            .eval_fairness("scorer", "1.0.0-1", Some(key))
            .expect("fairness");
        let f = &fl[key];
        let parity = report.parity.as_ref().expect("parity from predictions");
        let num = |v: &serde_json::Value| v.as_f64().expect("number");
        close(
            &format!("{key} dp difference"),
            parity.demographic_parity_difference,
            num(&f["demographic_parity_difference"]),
        );
        close(
            &format!("{key} dp ratio"),
            parity.demographic_parity_ratio,
            num(&f["demographic_parity_ratio"]),
        );
        close(
            &format!("{key} eo difference"),
            parity.equalized_odds_difference,
            num(&f["equalized_odds_difference"]),
        );
        let mut compared = 0;
        for m in &report.metrics {
            for g in &m.groups {
                let want = &f["by_group"][&m.metric][&g.group];
                close(
                    &format!("{key}={} {}", g.group, m.metric),
                    g.value,
                    num(want),
                );
                compared += 1;
            }
        }
        assert_eq!(compared, 9, "3 metrics × 3 groups for {key}");
    }
    // The fixture is built so that gender fails the four-fifths rule on selection rate.
    let gender = ws
        .eval_fairness("scorer", "1.0.0-1", Some("gender"))
        .expect("fairness");
    assert!(
        gender
            .parity
            .as_ref()
            .expect("parity")
            .demographic_parity_difference
            > 0.05
    );
}
