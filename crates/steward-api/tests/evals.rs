//! Evaluation operations through the real import path: which group key a fairness report
//! opens on, what the fairness chart's title says, and the comparison's check on the wire.

mod common;

use steward_api::wire::{ChartKind, ChartTheme, EvalChartRequest, EvalImport};
use steward_api::{Cancel, NoProgress, Workspace};
use steward_domain::eval::compare::Check;
use steward_domain::eval::EvalKind;

/// A workspace with one model and version, and `csv` imported for it as `kind`.
fn workspace_with(dir: &tempfile::TempDir, imports: &[(&str, EvalKind, &str)]) -> Workspace {
    let ws = common::scorer_workspace(dir);
    for (i, (csv, kind, suite)) in imports.iter().enumerate() {
        let file = dir.path().join(format!("eval-{i}.csv"));
        std::fs::write(&file, csv).expect("write csv");
        ws.eval_import(
            &EvalImport {
                model: "scorer".into(),
                version: "1.0.0-1".into(),
                file: file.display().to_string(),
                kind: Some(*kind),
                suite: Some((*suite).into()),
            },
            &NoProgress,
            &Cancel::new(),
        )
        .expect("import");
    }
    ws
}

/// `age` within tolerance; `region` 0.15 apart (fails the difference rule) with a ratio of
/// 0.83 (passes the four-fifths rule).
const DIFFERENCE_ONLY: &str = "metric,value,slice,n\n\
    accuracy,0.90,age=young,300\n\
    accuracy,0.88,age=old,300\n\
    accuracy,0.90,region=north,300\n\
    accuracy,0.75,region=south,300\n";

#[test]
fn fairness_without_group_misses_a_key_failing_only_the_difference_rule() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = workspace_with(
        &dir,
        &[(DIFFERENCE_ONLY, EvalKind::FairnessAudit, "audit@2026-11")],
    );
    let report = ws
        .eval_fairness("scorer", "1.0.0-1", None)
        .expect("fairness");
    assert_eq!(report.key, "region");
    assert_eq!(report.keys, ["age", "region"]);
    assert_eq!(report.failures.len(), 1, "{:?}", report.failures);
    assert!(
        report.failures[0].ends_with("differs by more than 0.1"),
        "{}",
        report.failures[0]
    );
    let south = &report.metrics[0].groups[1];
    assert_eq!(
        (south.group.as_str(), south.outside_tolerance),
        ("south", true)
    );
}

#[test]
fn fairness_chart_title_says_four_fifths_when_only_the_difference_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = workspace_with(
        &dir,
        &[(DIFFERENCE_ONLY, EvalKind::FairnessAudit, "audit@2026-11")],
    );
    let chart = |group: Option<&str>| {
        ws.eval_chart(&EvalChartRequest {
            model: "scorer".into(),
            version: "1.0.0-1".into(),
            kind: ChartKind::Fairness,
            theme: ChartTheme::Light,
            against: None,
            group: group.map(str::to_string),
            metric: None,
        })
        .expect("chart")
        .title
    };
    // (group asked for, title)
    let cases = [
        (
            None,
            "Accuracy by region, scorer 1.0.0-1: region=south differs by more than 0.1",
        ),
        (
            Some("age"),
            "Accuracy by age, scorer 1.0.0-1: within tolerance",
        ),
    ];
    for (group, want) in cases {
        assert_eq!(chart(group), want, "{group:?}");
    }
}

#[test]
fn comparisons_carry_the_core_check_on_the_wire() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The catalogue's thresholds decide: hallucination_rate ≤ 0.05, policy_adherence ≥ 0.97;
    // selection_rate has no better direction and so no check.
    let ws = workspace_with(
        &dir,
        &[(
            "metric,value\nhallucination_rate,0.1\npolicy_adherence,0.99\nselection_rate,0.3\n",
            EvalKind::ScenarioSuite,
            "scenarios@2026-11",
        )],
    );
    let cmp = ws.eval_compare("scorer", "1.0.0-1", None).expect("compare");
    let cases = [
        ("hallucination_rate", Check::Fail),
        ("policy_adherence", Check::Pass),
        ("selection_rate", Check::None),
    ];
    for (metric, want) in cases {
        let m = cmp
            .metrics
            .iter()
            .find(|x| x.metric == metric)
            .unwrap_or_else(|| panic!("{metric} in {:?}", cmp.metrics));
        assert_eq!(m.check, want, "{metric}");
    }
}
