use super::*;

const T0: i64 = 1_795_000_000 - 1_795_000_000 % 3600;

fn v(s: &str) -> Version {
    s.parse().expect("version")
}

fn row(line: u64, hour: i64, version: &str, metric: &str, value: f64) -> WindowRow {
    WindowRow {
        line,
        at: T0 + hour * 3600,
        version: v(version),
        metric: metric.into(),
        value,
    }
}

const CANARY: &str = "1.1.0-2";
const PROD: &str = "1.0.0-1";

fn check(rows: Vec<WindowRow>) -> Result<Windows, WindowError> {
    check_windows(rows, Some(v(CANARY)), Some(v(PROD)))
}

#[test]
fn bad_windows_are_refused_naming_line_and_value() {
    // (case, rows, line, message contains)
    let cases: Vec<(&str, Vec<WindowRow>, u64, &str)> = vec![
        (
            "NaN",
            vec![
                row(2, 0, CANARY, "error_rate", 0.1),
                row(3, 1, CANARY, "error_rate", f64::NAN),
            ],
            3,
            "error_rate = NaN is not a measurement",
        ),
        (
            "negative latency",
            vec![row(2, 0, PROD, "latency_p99_ms", -4.0)],
            2,
            "latency_p99_ms = -4 is negative: a latency",
        ),
        (
            "negative rate",
            vec![row(2, 0, PROD, "error_rate", -0.01)],
            2,
            "error_rate = -0.01 is negative",
        ),
        (
            "unknown version",
            vec![
                row(2, 0, PROD, "error_rate", 0.0),
                row(3, 0, "0.9.0-1", "error_rate", 0.0),
            ],
            3,
            "version 0.9.0-1 is neither the canary (1.1.0-2) nor production (1.0.0-1)",
        ),
        (
            "duplicate timestamp",
            vec![
                row(2, 0, CANARY, "error_rate", 0.1),
                row(3, 1, CANARY, "error_rate", 0.1),
                row(4, 1, CANARY, "error_rate", 0.2),
            ],
            4,
            "duplicate window: error_rate of 1.1.0-2 at",
        ),
        (
            "gap",
            vec![
                row(2, 0, CANARY, "error_rate", 0.1),
                row(3, 1, CANARY, "error_rate", 0.1),
                row(4, 3, CANARY, "error_rate", 0.1),
            ],
            4,
            "a gap in error_rate of the canary windows",
        ),
        (
            "unknown metric",
            vec![row(2, 0, CANARY, "vibes", 0.1)],
            2,
            "unknown metric \"vibes\"",
        ),
        ("empty", vec![], 1, "no windows"),
    ];
    for (case, rows, line, contains) in cases {
        let e = check(rows).expect_err(case);
        assert_eq!(e.line, line, "{case}: {e}");
        assert!(e.to_string().contains(contains), "{case}: {e}");
    }
    // Counter-examples: the same metric for both arms at the same time, zeros, out-of-order
    // rows and one-point series are fine.
    let ok = check(vec![
        row(2, 1, CANARY, "error_rate", 0.0),
        row(3, 0, CANARY, "error_rate", 0.0),
        row(4, 0, PROD, "error_rate", 0.0),
        row(5, 1, PROD, "error_rate", 0.0),
        row(6, 0, PROD, "latency_p99_ms", 0.0),
    ])
    .expect("good windows");
    assert_eq!(ok.step_s, 3600);
    assert_eq!(ok.rows, 5);
    assert_eq!(
        ok.series[&(Arm::Canary, "error_rate".to_string())],
        vec![(T0, 0.0), (T0 + 3600, 0.0)]
    );
}

fn rule(id: &str, stage: Stage, metric: &str) -> GuardrailRule {
    GuardrailRule {
        id: id.into(),
        stage,
        metric: metric.into(),
        direction: metric_direction(metric).expect("metric"),
        max: None,
        min: None,
        worse_than_production_by: None,
        windows: 1,
        action: GuardAction::Recommend,
        seed: "§3".into(),
    }
}

/// Canary and production series of one metric, hour by hour.
fn series(metric: &str, canary: &[f64], prod: &[f64]) -> Windows {
    let mut rows = Vec::new();
    let mut line = 1;
    for (arm, vals) in [(CANARY, canary), (PROD, prod)] {
        for (h, x) in vals.iter().enumerate() {
            line += 1;
            rows.push(row(line, h as i64, arm, metric, *x));
        }
    }
    check(rows).expect("windows")
}

#[test]
fn every_rule_kind_breaches_only_past_its_bound() {
    let max = GuardrailRule {
        max: Some(2000.0),
        ..rule("p99", Stage::Canary, "latency_p99_ms")
    };
    let margin = GuardrailRule {
        worse_than_production_by: Some(0.1),
        ..rule("p95-margin", Stage::Canary, "latency_p95_ms")
    };
    let quality = GuardrailRule {
        worse_than_production_by: Some(0.05),
        ..rule("accept", Stage::Canary, "acceptance_rate")
    };
    let floor = GuardrailRule {
        min: Some(0.6),
        ..rule("thumbs", Stage::Production, "thumbs_up_ratio")
    };
    let sustained = GuardrailRule {
        max: Some(0.01),
        windows: 3,
        ..rule("errors-3", Stage::Canary, "error_rate")
    };
    let prod_rule = GuardrailRule {
        max: Some(0.02),
        action: GuardAction::Rollback,
        ..rule("prod-errors", Stage::Production, "error_rate")
    };
    // (case, rule, windows, breach: (at hour, observed, consecutive, bad windows))
    type Case = (
        &'static str,
        GuardrailRule,
        Windows,
        Option<(i64, f64, u32, u32)>,
    );
    let cases: Vec<Case> = vec![
        (
            "max crossed",
            max.clone(),
            series("latency_p99_ms", &[1800.0, 2400.0, 2100.0], &[1800.0; 3]),
            Some((1, 2400.0, 1, 2)),
        ),
        (
            "max equalled is no breach",
            max.clone(),
            series("latency_p99_ms", &[2000.0, 1999.0], &[1800.0; 2]),
            None,
        ),
        (
            "production windows do not count for a canary rule",
            max,
            series("latency_p99_ms", &[100.0], &[5000.0]),
            None,
        ),
        (
            "margin crossed",
            margin.clone(),
            series("latency_p95_ms", &[1000.0, 1200.0], &[1000.0, 1000.0]),
            Some((1, 1200.0, 1, 1)),
        ),
        (
            "margin within",
            margin.clone(),
            series("latency_p95_ms", &[1099.0], &[1000.0]),
            None,
        ),
        (
            "no production window, no margin",
            margin,
            series("latency_p95_ms", &[5000.0], &[]),
            None,
        ),
        (
            "higher-is-better margin",
            quality.clone(),
            series("acceptance_rate", &[0.56], &[0.60]),
            Some((0, 0.56, 1, 1)),
        ),
        (
            "higher-is-better better is fine",
            quality,
            series("acceptance_rate", &[0.70], &[0.60]),
            None,
        ),
        (
            "floor",
            floor.clone(),
            series("thumbs_up_ratio", &[], &[0.7, 0.55]),
            Some((1, 0.55, 1, 1)),
        ),
        (
            "floor held",
            floor,
            series("thumbs_up_ratio", &[], &[0.6]),
            None,
        ),
        (
            "three in a row",
            sustained.clone(),
            series(
                "error_rate",
                &[0.02, 0.02, 0.0, 0.02, 0.02, 0.02],
                &[0.0; 6],
            ),
            Some((5, 0.02, 3, 5)),
        ),
        (
            "two in a row are not three",
            sustained,
            series("error_rate", &[0.02, 0.02, 0.0, 0.02], &[0.0; 4]),
            None,
        ),
        (
            "production rollback rule",
            prod_rule,
            series("error_rate", &[0.5], &[0.01, 0.03]),
            Some((1, 0.03, 1, 1)),
        ),
    ];
    for (case, rule, windows, want) in cases {
        let got = evaluate(std::slice::from_ref(&rule), &windows);
        let got = got
            .first()
            .map(|b| ((b.at - T0) / 3600, b.observed, b.consecutive, b.bad_windows));
        assert_eq!(got, want, "{case}");
    }
}

#[test]
fn the_most_severe_action_wins() {
    let b = |action| Breach {
        rule: "r".into(),
        stage: Stage::Canary,
        metric: "error_rate".into(),
        at: 0,
        observed: 1.0,
        production: None,
        bound: String::new(),
        consecutive: 1,
        bad_windows: 1,
        action,
    };
    let reduce = |p| GuardAction::ReduceTraffic { to_percent: p };
    // (case, actions, decision)
    let cases: Vec<(&str, Vec<GuardAction>, Option<GuardAction>)> = vec![
        ("nothing", vec![], None),
        (
            "recommend",
            vec![GuardAction::Recommend],
            Some(GuardAction::Recommend),
        ),
        (
            "reduce over recommend",
            vec![GuardAction::Recommend, reduce(2.0)],
            Some(reduce(2.0)),
        ),
        (
            "the lowest share",
            vec![reduce(2.0), reduce(1.0), reduce(3.0)],
            Some(reduce(1.0)),
        ),
        (
            "rollback over all",
            vec![reduce(1.0), GuardAction::Rollback, GuardAction::Recommend],
            Some(GuardAction::Rollback),
        ),
    ];
    for (case, actions, want) in cases {
        let breaches: Vec<Breach> = actions.into_iter().map(b).collect();
        assert_eq!(decide(&breaches), want, "{case}");
    }
}

#[test]
fn the_default_policy_has_a_guardrail_for_every_seed_signal() {
    let p = crate::policy::Policy::builtin().expect("default policy");
    let metrics: BTreeSet<&str> = p.guardrails.iter().map(|r| r.metric.as_str()).collect();
    for (m, _, _) in GUARDRAIL_METRICS {
        assert!(metrics.contains(m), "no default guardrail watches {m}");
    }
    assert!(p
        .guardrails
        .iter()
        .any(|r| r.action == GuardAction::Rollback));
    assert!(p
        .guardrails
        .iter()
        .any(|r| matches!(r.action, GuardAction::ReduceTraffic { .. })));
}

#[test]
fn bad_guardrails_are_refused_naming_line_and_key() {
    let base = crate::policy::DEFAULT_POLICY;
    // (case, appended section, key, contains)
    let cases = [
        (
            "unknown metric",
            "[[guardrails.canary]]\nid = \"x\"\nmetric = \"vibes\"\nmax = 1.0\naction = \"recommend\"\n",
            "guardrails.canary",
            "metric \"vibes\"",
        ),
        (
            "margin on production",
            "[[guardrails.production]]\nid = \"x\"\nmetric = \"error_rate\"\nworse_than_production_by = 0.1\naction = \"recommend\"\n",
            "worse_than_production_by",
            "margin against production",
        ),
        (
            "rollback on a canary",
            "[[guardrails.canary]]\nid = \"x\"\nmetric = \"error_rate\"\nmax = 0.1\naction = \"rollback\"\n",
            "action",
            "action \"rollback\" on a canary guardrail",
        ),
        (
            "reduce without a share",
            "[[guardrails.canary]]\nid = \"x\"\nmetric = \"error_rate\"\nmax = 0.1\naction = \"reduce-traffic\"\n",
            "reduce_to_percent",
            "without reduce_to_percent",
        ),
        (
            "reduce to over the bound",
            "[[guardrails.canary]]\nid = \"x\"\nmetric = \"error_rate\"\nmax = 0.1\naction = \"reduce-traffic\"\nreduce_to_percent = 7.0\n",
            "reduce_to_percent",
            "reduce_to_percent = 7",
        ),
        (
            "no bound",
            "[[guardrails.canary]]\nid = \"x\"\nmetric = \"error_rate\"\naction = \"recommend\"\n",
            "max",
            "no bound",
        ),
        (
            "zero windows",
            "[[guardrails.canary]]\nid = \"x\"\nmetric = \"error_rate\"\nmax = 0.1\nwindows = 0\naction = \"recommend\"\n",
            "windows",
            "windows = 0",
        ),
        (
            "an unknown key",
            "[[guardrails.canary]]\nid = \"x\"\nmetric = \"error_rate\"\nmax = 0.1\naction = \"recommend\"\nthreshold = 3\n",
            "threshold",
            "unknown",
        ),
    ];
    for (case, extra, key, contains) in cases {
        // The default has guardrails already; a fresh section is appended after them.
        let text = format!("{base}\n{extra}");
        let e = crate::policy::Policy::parse(&text).expect_err(case);
        let line = text[..text.rfind("[[guardrails").expect("section")]
            .matches('\n')
            .count()
            + 1;
        assert!(e.line >= line, "{case}: {e}");
        assert!(e.key.contains(key), "{case}: {e}");
        assert!(e.to_string().contains(contains), "{case}: {e}");
    }
}

#[test]
fn sub_metrics_name_one_series_of_a_guardrail_metric() {
    /// A metric and what it splits into.
    type Split<'a> = (&'a str, Option<(&'a str, Option<&'a str>)>);
    let cases: &[Split<'_>] = &[
        ("drift_psi", Some(("drift_psi", None))),
        ("drift_psi:age", Some(("drift_psi", Some("age")))),
        (
            "intent_mix_psi:billing.refund",
            Some(("intent_mix_psi", Some("billing.refund"))),
        ),
        (
            "latency_p99_ms:eu-west-1",
            Some(("latency_p99_ms", Some("eu-west-1"))),
        ),
        ("drift_psi:", None),
        ("drift_psi:Age", None),
        ("drift_psi:-x", None),
        ("drift_psi:a b", None),
        ("drift_psi:a:b", None),
        ("vibes:age", None),
        (":age", None),
    ];
    for (metric, want) in cases {
        assert_eq!(split_metric(metric), *want, "{metric}");
        assert_eq!(
            metric_direction(metric).is_some(),
            want.is_some(),
            "{metric}"
        );
    }
    let long = format!("drift_psi:{}", "a".repeat(MAX_SUB_METRIC + 1));
    assert_eq!(split_metric(&long), None);
    // (rule metric, series, watched)
    for (rule, series, watched) in [
        ("drift_psi", "drift_psi", true),
        ("drift_psi", "drift_psi:age", true),
        ("drift_psi:age", "drift_psi:age", true),
        ("drift_psi:age", "drift_psi:tenure", false),
        ("drift_psi:age", "drift_psi", false),
        ("drift_psi", "drift_psi_x:age", false),
        ("latency_p99_ms", "latency_p95_ms", false),
    ] {
        assert_eq!(watches(rule, series), watched, "{rule} over {series}");
    }
}

#[test]
fn a_rule_on_a_metric_watches_each_of_its_sub_metrics() {
    let mut rows = Vec::new();
    let mut line = 1;
    // age drifts from hour 3, tenure from hour 1, region never; production is calm.
    for (feature, from) in [("age", 3), ("tenure", 1), ("region", 99)] {
        for h in 0..5 {
            for (arm, x) in [(CANARY, if h >= from { 0.4 } else { 0.05 }), (PROD, 0.05)] {
                line += 1;
                rows.push(row(line, h, arm, &format!("drift_psi:{feature}"), x));
            }
        }
    }
    let w = check(rows).expect("windows");
    assert_eq!(w.series.len(), 6);
    let family = GuardrailRule {
        max: Some(0.25),
        ..rule("drift", Stage::Canary, "drift_psi")
    };
    let one = GuardrailRule {
        max: Some(0.25),
        ..rule("drift-age", Stage::Canary, "drift_psi:age")
    };
    let b = evaluate(&[family, one], &w);
    assert_eq!(b.len(), 2, "{b:?}");
    // The family breaches at the earliest of its series, counting all their bad windows.
    assert_eq!(
        (b[0].metric.as_str(), b[0].at, b[0].bad_windows),
        ("drift_psi:tenure", T0 + 3600, 6)
    );
    assert_eq!(
        (b[1].metric.as_str(), b[1].at, b[1].bad_windows),
        ("drift_psi:age", T0 + 3 * 3600, 2)
    );
    // A policy may name a sub-metric; a bad one is refused naming line and key.
    let base = crate::policy::DEFAULT_POLICY;
    let ok = format!(
        "{base}\n[[guardrails.canary]]\nid = \"drift-age\"\nmetric = \"drift_psi:age\"\nmax = 0.25\naction = \"recommend\"\n"
    );
    let (p, _) = crate::policy::Policy::parse(&ok).expect("sub-metric rule");
    assert!(p.guardrails.iter().any(|r| r.metric == "drift_psi:age"));
    let bad = ok.replace("drift_psi:age", "drift_psi:Age");
    let e = crate::policy::Policy::parse(&bad).expect_err("bad sub-metric");
    assert!(e.key.ends_with(".metric"), "{e}");
    assert!(e.to_string().contains("sub-metric"), "{e}");
}

#[test]
fn a_run_of_bad_windows_continues_from_the_windows_stored_before_the_file() {
    let two = GuardrailRule {
        max: Some(0.05),
        windows: 2,
        action: GuardAction::Rollback,
        ..rule("prod-errors-2", Stage::Production, "error_rate")
    };
    let margin = GuardrailRule {
        worse_than_production_by: Some(0.1),
        windows: 2,
        ..rule("p95-margin-2", Stage::Canary, "latency_p95_ms")
    };
    // One window a file, at hour `h`.
    let one = |arm: &str, metric: &str, h: i64, x: f64| {
        check(vec![row(2, h, arm, metric, x)]).expect("windows")
    };
    let hist = |arm: Arm, metric: &str, points: &[(i64, f64)]| -> History {
        [(
            (arm, metric.to_string()),
            points.iter().map(|&(h, x)| (T0 + h * 3600, x)).collect(),
        )]
        .into_iter()
        .collect()
    };
    // (case, rule, file, history, breach: (at hour, consecutive, bad windows in the file))
    type Case = (
        &'static str,
        GuardrailRule,
        Windows,
        History,
        Option<(i64, u32, u32)>,
    );
    let cases: Vec<Case> = vec![
        (
            "the stored bad window and the file's make two in a row",
            two.clone(),
            one(PROD, "error_rate", 3, 0.09),
            hist(Arm::Production, "error_rate", &[(1, 0.01), (2, 0.09)]),
            Some((3, 2, 1)),
        ),
        (
            "a good stored window breaks the run",
            two.clone(),
            one(PROD, "error_rate", 3, 0.09),
            hist(Arm::Production, "error_rate", &[(1, 0.09), (2, 0.01)]),
            None,
        ),
        (
            "a gap between the files breaks the run",
            two.clone(),
            series("error_rate", &[], &[0.0, 0.0, 0.0, 0.09, 0.0]),
            hist(Arm::Production, "error_rate", &[(-2, 0.09)]),
            None,
        ),
        (
            "a gap between one-window files breaks the run too",
            two.clone(),
            one(PROD, "error_rate", 5, 0.09),
            hist(Arm::Production, "error_rate", &[(1, 0.09), (2, 0.09)]),
            None,
        ),
        (
            "one stored window: the one interval there is, is the window length",
            two.clone(),
            one(PROD, "error_rate", 3, 0.09),
            hist(Arm::Production, "error_rate", &[(2, 0.09)]),
            Some((3, 2, 1)),
        ),
        (
            "after a gap, the hourly spacing of the newer stored window counts",
            two.clone(),
            one(PROD, "error_rate", 8, 0.09),
            hist(Arm::Production, "error_rate", &[(4, 0.001), (7, 0.09)]),
            Some((8, 2, 1)),
        ),
        (
            "the history alone never breaches: its breaches were reported at its import",
            two.clone(),
            one(PROD, "error_rate", 3, 0.01),
            hist(Arm::Production, "error_rate", &[(1, 0.09), (2, 0.09)]),
            None,
        ),
        (
            "the canary's history is not production's",
            two.clone(),
            one(PROD, "error_rate", 3, 0.09),
            hist(Arm::Canary, "error_rate", &[(1, 0.09), (2, 0.09)]),
            None,
        ),
        (
            "a margin rule reads production's stored window of the same hour",
            margin,
            {
                let mut w = one(CANARY, "latency_p95_ms", 3, 1500.0);
                w.series.insert(
                    (Arm::Production, "latency_p95_ms".into()),
                    vec![(T0 + 3 * 3600, 1000.0)],
                );
                w
            },
            {
                let mut h = hist(Arm::Canary, "latency_p95_ms", &[(1, 1000.0), (2, 1300.0)]);
                h.extend(hist(
                    Arm::Production,
                    "latency_p95_ms",
                    &[(1, 1000.0), (2, 1000.0)],
                ));
                h
            },
            Some((3, 2, 1)),
        ),
    ];
    for (case, rule, windows, history, want) in cases {
        let got = evaluate_after(std::slice::from_ref(&rule), &windows, &history);
        let got = got
            .first()
            .map(|b| ((b.at - T0) / 3600, b.consecutive, b.bad_windows));
        assert_eq!(got, want, "{case}");
    }
}

#[test]
fn each_series_reads_as_many_stored_windows_as_its_longest_run_needs() {
    let r = |id: &str, metric: &str, windows: u32| GuardrailRule {
        windows,
        ..rule(id, Stage::Production, metric)
    };
    let rules = [
        r("a", "error_rate", 3),
        r("b", "error_rate", 2),
        r("c", "latency_p99_ms", 1),
        r("d", "timeout_rate", 5),
        r("e", "drift_psi", 2),
        r("f", "drift_psi:age", 4),
    ];
    // (series, stored windows read: the run a rule carries over, and one for the spacing)
    for (series, want) in [
        ("error_rate", 3),
        ("latency_p99_ms", 0),
        ("timeout_rate", 5),
        ("drift_psi:age", 4),
        ("drift_psi:tenure", 2),
        ("saturation", 0),
    ] {
        assert_eq!(history_needed(&rules, series), want, "{series}");
    }
}
