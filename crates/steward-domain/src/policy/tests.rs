use super::*;
use proptest::prelude::*;

#[test]
fn the_default_policy_parses_and_covers_every_gated_stage() {
    let (policy, warnings) = Policy::parse(DEFAULT_POLICY).expect("default policy parses");
    assert_eq!(policy.name, "default");
    for stage in GATED_STAGES {
        assert!(policy.stage(stage).is_some(), "{stage}");
    }
    let production = policy.stage(Stage::Production).expect("production");
    assert_eq!(production.approvals, Role::ALL.to_vec());
    assert_eq!(
        production.documents.len(),
        crate::document::RELEASE_DOCUMENTS.len()
    );
    assert_eq!(policy.canary.min_duration_hours, 48);
    assert_eq!(policy.canary.traffic_share_below_percent, 5.0);
    // Every criterion names a rule the seed has.
    for sp in &policy.stages {
        for c in &sp.criteria {
            assert!(seed_rule(&c.seed).is_some(), "{}: {}", c.id, c.seed);
            assert!(c.id.starts_with(sp.stage.as_str()), "{}", c.id);
        }
    }
    // Every front-matter field a criterion reads is one the templates ask authors for.
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn the_default_policy_implements_every_gateable_seed_rule() {
    let policy = Policy::builtin().expect("parses");
    let cited: Vec<&str> = policy
        .stages
        .iter()
        .flat_map(|s| {
            s.criteria
                .iter()
                .map(|c| c.seed.as_str())
                .chain([s.documents_seed.as_str(), s.approvals_seed.as_str()])
        })
        .collect();
    for rule in SEED_RULES {
        let is_checklist = rule.reference.starts_with("§5");
        if rule.elsewhere.is_empty() && !is_checklist {
            assert!(
                cited.contains(&rule.reference),
                "no check cites {}",
                rule.reference
            );
        }
    }
    // Every checklist item has a production check behind it.
    let production = policy.stage(Stage::Production).expect("production");
    for n in 1..=10u8 {
        let criteria = production.criteria.iter().any(|c| c.checklist == Some(n));
        let generated = n == 2 || n == 9; // documents and approvals
        assert!(criteria || generated, "checklist item {n}");
    }
}

fn wrap(criterion: &str) -> String {
    format!(
        "format = \"steward.policy/v1\"\nname = \"t\"\n\n[canary]\ntraffic_share_below_percent = 5.0\n\
         flagged_tenants_allowed = true\nshadow_mode_required = true\nmin_duration_hours = 48\n\n\
         [stages.production]\ndocuments = [\"model-card\"]\napprovals = [\"sre\"]\n\n\
         [[stages.production.criteria]]\n{criterion}"
    )
}

const GOOD: &str = "id = \"production.quality.x\"\ncategory = \"quality\"\n\
                    seed = \"§2 Promotion criteria — Quality\"\nmetric = \"rouge_l\"\n\
                    comparator = \">=\"\nthreshold = 0.4\n";

#[test]
fn bad_policies_are_refused_with_line_key_and_expectation() {
    type Case = (
        &'static str,
        String,
        PolicyErrorKind,
        usize,
        &'static str,
        &'static str,
    );
    let cases: Vec<Case> = vec![
        (
            "syntax error",
            wrap(GOOD).replace("threshold = 0.4", "threshold = = 0.4"),
            PolicyErrorKind::Syntax,
            20,
            "stages.production.criteria[0].threshold",
            "valid TOML",
        ),
        (
            "unknown metric",
            wrap(&GOOD.replace("rouge_l", "rogue_l")),
            PolicyErrorKind::UnknownMetric,
            18,
            "stages.production.criteria[0].metric",
            "catalogue",
        ),
        (
            "threshold of the wrong type",
            wrap(&GOOD.replace("0.4", "\"high\"")),
            PolicyErrorKind::WrongType,
            20,
            "stages.production.criteria[0].threshold",
            "f64",
        ),
        (
            "a stage that does not exist",
            wrap(GOOD).replace("[stages.production]", "[stages.staging]").replace(
                "[[stages.production.criteria]]",
                "[[stages.staging.criteria]]",
            ),
            PolicyErrorKind::UnknownStage,
            10,
            "stages.staging",
            "candidate, canary, production, deprecated",
        ),
        (
            "unknown role",
            wrap(GOOD).replace("[\"sre\"]", "[\"sre\", \"ceo\"]"),
            PolicyErrorKind::UnknownRole,
            12,
            "stages.production.approvals",
            "model-owner",
        ),
        (
            "a pack name that is not a slug",
            wrap(GOOD).replace("approvals = [\"sre\"]", "approvals = [\"sre\"]\npacks = [\"EU AI Act\"]"),
            PolicyErrorKind::InvalidValue,
            13,
            "stages.production.packs",
            "lowercase letters",
        ),
        (
            "a pack enabled twice",
            wrap(GOOD).replace(
                "approvals = [\"sre\"]",
                "approvals = [\"sre\"]\npacks = [\"eu-ai-act\", \"eu-ai-act\"]",
            ),
            PolicyErrorKind::InvalidValue,
            13,
            "stages.production.packs",
            "each pack once",
        ),
        (
            "unknown document kind",
            wrap(GOOD).replace("[\"model-card\"]", "[\"press-release\"]"),
            PolicyErrorKind::UnknownDocument,
            11,
            "stages.production.documents",
            "rollout-plan",
        ),
        (
            "unknown key",
            wrap(&format!("{GOOD}treshold = 1\n")),
            PolicyErrorKind::UnknownKey,
            21,
            "stages.production.criteria[0].treshold",
            "threshold",
        ),
        (
            "unknown comparator",
            wrap(&GOOD.replace("\">=\"", "\"about\"")),
            PolicyErrorKind::InvalidValue,
            19,
            "stages.production.criteria[0].comparator",
            "beats-production-by",
        ),
        (
            "comparator without its threshold",
            wrap(&GOOD.replace("threshold = 0.4\n", "")),
            PolicyErrorKind::MissingKey,
            19,
            "stages.production.criteria[0].comparator",
            "threshold = <number>",
        ),
        (
            "unknown category",
            wrap(&GOOD.replace("\"quality\"", "\"vibes\"")),
            PolicyErrorKind::InvalidValue,
            16,
            "stages.production.criteria[0].category",
            "reliability-cost",
        ),
        (
            "production comparison of an undirected metric",
            wrap(
                &GOOD
                    .replace("rouge_l", "selection_rate")
                    .replace("\">=\"", "\"not-worse-than-production\""),
            ),
            PolicyErrorKind::InvalidValue,
            18,
            "stages.production.criteria[0].metric",
            "better higher or lower",
        ),
        (
            "duplicate id",
            wrap(&format!("{GOOD}\n[[stages.production.criteria]]\n{GOOD}")),
            PolicyErrorKind::DuplicateId,
            23,
            "stages.production.criteria[1].id",
            "unique",
        ),
        (
            "per-model override for a stage that does not exist",
            format!(
                "{}\n[models.copilot]\nslo_latency_p99_ms = 900\n\n[[models.copilot.criteria]]\nstage = \"staging\"\n{GOOD}",
                wrap(GOOD)
            ),
            PolicyErrorKind::UnknownStage,
            26,
            "models.copilot.criteria[0].stage",
            "candidate, canary",
        ),
        (
            "wrong format tag",
            wrap(GOOD).replace("steward.policy/v1", "steward.policy/v9"),
            PolicyErrorKind::InvalidValue,
            1,
            "format",
            "steward.policy/v1",
        ),
        (
            "evidence with a comparator",
            wrap(&GOOD.replace("metric = \"rouge_l\"", "evidence = \"bundle\"")),
            PolicyErrorKind::InvalidValue,
            19,
            "stages.production.criteria[0].comparator",
            "present",
        ),
        (
            "a stage rule of the wrong type",
            wrap(GOOD).replace("min_duration_hours = 48", "min_duration_hours = \"48\""),
            PolicyErrorKind::WrongType,
            8,
            "canary.min_duration_hours",
            "u32",
        ),
        (
            "a criterion without its seed reference",
            wrap(&GOOD.replace("seed = \"§2 Promotion criteria — Quality\"\n", "")),
            PolicyErrorKind::MissingKey,
            14,
            "stages.production.criteria[0].seed",
            "present",
        ),
        (
            "a table left out",
            wrap(GOOD).replace(
                "[canary]\ntraffic_share_below_percent = 5.0\nflagged_tenants_allowed = true\n\
                 shadow_mode_required = true\nmin_duration_hours = 48\n",
                "",
            ),
            PolicyErrorKind::MissingKey,
            1,
            "canary",
            "present",
        ),
        (
            "a checklist item the seed does not have",
            wrap(&format!("{GOOD}checklist = 11\n")),
            PolicyErrorKind::InvalidValue,
            21,
            "stages.production.criteria[0].checklist",
            "1 to 10",
        ),
        (
            "a run kind on evidence that reads no run",
            wrap(&GOOD.replace(
                "metric = \"rouge_l\"\ncomparator = \">=\"\nthreshold = 0.4\n",
                "evidence = \"bundle\"\nrun_kind = \"golden-set\"\n",
            )),
            PolicyErrorKind::UnknownKey,
            19,
            "stages.production.criteria[0].run_kind",
            "no `run_kind` here",
        ),
        (
            "a fairness ratio above one",
            wrap(&GOOD.replace(
                "metric = \"rouge_l\"\ncomparator = \">=\"\nthreshold = 0.4\n",
                "metric = \"selection_rate\"\ncomparator = \"within-tolerance\"\nmax_difference = 0.1\nmin_ratio = 1.25\n",
            )),
            PolicyErrorKind::InvalidValue,
            19,
            "stages.production.criteria[0].comparator",
            "0 < min_ratio ≤ 1",
        ),
        (
            "an unknown document kind in a multi-line list",
            wrap(GOOD).replace(
                "documents = [\"model-card\"]",
                "documents = [\n  \"model-card\",\n  \"press-release\",\n]",
            ),
            PolicyErrorKind::UnknownDocument,
            13,
            "stages.production.documents",
            "runbook",
        ),
    ];
    for (name, text, kind, line, key, expected) in cases {
        let err = Policy::parse(&text).expect_err(name);
        assert_eq!(err.kind, kind, "{name}: {err}");
        assert_eq!(err.line, line, "{name}: {err}\n{text}");
        assert_eq!(err.key, key, "{name}: {err}");
        assert!(err.expected.contains(expected), "{name}: {err}");
        let message = err.to_string();
        assert!(
            message.starts_with(&format!("policy line {line}, {key}: ")),
            "{message}"
        );
    }
}

#[test]
fn unsatisfiable_criteria_are_warnings() {
    let cases: &[(&str, String, &str)] = &[
        (
            "a metric no run of that kind measures",
            GOOD.replace(
                "metric = \"rouge_l\"",
                "metric = \"latency_p99_ms\"\nrun_kind = \"red-team\"",
            )
            .replace("\">=\"", "\"<=\""),
            "no red-team run measures",
        ),
        (
            "a declaration the template does not ask for",
            GOOD.replace(
                "metric = \"rouge_l\"\ncomparator = \">=\"\nthreshold = 0.4\n",
                "evidence = \"declaration\"\ndocument = \"runbook\"\nfield = \"tarot\"\n",
            ),
            "does not declare the field \"tarot\"",
        ),
        (
            "a seed reference the seed lacks",
            GOOD.replace("§2 Promotion criteria — Quality", "§9 Vibes"),
            "names no rule of the seed outline",
        ),
    ];
    for (name, criterion, needle) in cases {
        let (_, warnings) = Policy::parse(&wrap(criterion)).expect(name);
        assert_eq!(warnings.len(), 1, "{name}: {warnings:?}");
        assert!(
            warnings[0].message.contains(needle),
            "{name}: {}",
            warnings[0]
        );
        assert!(warnings[0].line > 14, "{name}: {}", warnings[0]);
    }
    let (_, none) = Policy::parse(&wrap(GOOD)).expect("good");
    assert!(none.is_empty(), "{none:?}");
}

#[test]
fn model_overrides_replace_slo_and_budget_and_add_criteria() {
    let extra = GOOD.replace("production.quality.x", "copilot.quality.extra");
    let text = format!(
        "{}\n[[stages.production.criteria]]\nid = \"production.slo\"\ncategory = \"reliability-cost\"\n\
         seed = \"§2 Promotion criteria — Reliability & Cost\"\nmetric = \"latency_p99_ms\"\n\
         comparator = \"<=\"\nthreshold = 2000\n\n[models.copilot]\nslo_latency_p99_ms = 900\n\n\
         [[models.copilot.criteria]]\nstage = \"production\"\n{extra}",
        wrap(GOOD)
    );
    let (policy, _) = Policy::parse(&text).expect("parses");
    let cases = [
        (
            "copilot",
            Stage::Production,
            vec![
                ("production.quality.x", None),
                ("production.slo", Some(900.0)),
                ("copilot.quality.extra", None),
            ],
        ),
        (
            "other",
            Stage::Production,
            vec![
                ("production.quality.x", None),
                ("production.slo", Some(2000.0)),
            ],
        ),
        ("copilot", Stage::Canary, vec![]),
    ];
    for (model, stage, want) in cases {
        let got: Vec<(String, Option<f64>)> = policy
            .criteria_for(model, stage)
            .into_iter()
            .map(|c| {
                let limit = match c.comparator {
                    Comparator::AtMost(t) => Some(t),
                    _ => None,
                };
                (c.id, limit)
            })
            .collect();
        let want: Vec<(String, Option<f64>)> = want
            .into_iter()
            .map(|(id, l)| (id.to_string(), l))
            .collect();
        assert_eq!(got, want, "{model} {stage}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever a person types, the parser answers with a policy or a refusal naming a line
    /// inside the file; it never panics.
    #[test]
    fn a_damaged_default_policy_is_refused_or_parsed_never_panics(
        cut in 0usize..DEFAULT_POLICY.len(),
        len in 0usize..40,
        insert in "\\PC{0,8}",
    ) {
        let mut text = DEFAULT_POLICY.to_string();
        let start = (0..=cut).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        let end = (start + len..=text.len())
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(text.len());
        text.replace_range(start..end, &insert);
        if let Err(e) = Policy::parse(&text) {
            prop_assert!(e.line <= text.lines().count() + 1, "{e}");
            prop_assert!(!e.key.is_empty() && !e.expected.is_empty(), "{e}");
        }
    }
}

#[test]
fn packs_are_enabled_per_stage_and_a_team_pack_is_a_warning() {
    let with = |packs: &str| {
        wrap(GOOD).replace(
            "approvals = [\"sre\"]",
            &format!("approvals = [\"sre\"]\npacks = {packs}"),
        )
    };
    let (p, warnings) = Policy::parse(&with("[\"eu-ai-act\", \"iso-42001\"]")).expect("parses");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        p.stage(Stage::Production).expect("in the test").packs,
        vec!["eu-ai-act".to_string(), "iso-42001".to_string()]
    );
    assert!(p.enables_packs());
    let base = p.without_packs();
    assert!(!base.enables_packs());
    assert_eq!(
        base.stage(Stage::Production).expect("in the test").criteria,
        p.stage(Stage::Production).expect("in the test").criteria
    );

    let (p, warnings) = Policy::parse(&with("[\"acme-rules\"]")).expect("parses");
    assert_eq!(
        p.stage(Stage::Production).expect("in the test").packs,
        vec!["acme-rules".to_string()]
    );
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].line, 13);
    assert!(
        warnings[0].message.contains("steward pack add"),
        "{}",
        warnings[0]
    );

    let (p, _) = Policy::parse(&wrap(GOOD)).expect("parses");
    assert!(!p.enables_packs());
    assert!(!Policy::builtin().expect("in the test").enables_packs());
}

fn with_feedback(section: &str) -> String {
    format!("{}\n{section}", wrap(GOOD))
}

fn line_starting(text: &str, start: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(start))
        .map_or(0, |i| i + 1)
}

#[test]
fn the_feedback_section_is_read_and_defaulted() {
    let policy = Policy::builtin().expect("parses");
    assert_eq!(policy.feedback.max_tokens, 512);
    assert_eq!(policy.feedback.patterns[0].name, "api-key");
    let (p, _) = Policy::parse(&wrap(GOOD)).expect("parses");
    assert_eq!(p.feedback, crate::feedback::FeedbackRules::default());
    let text = with_feedback(
        "[feedback]\nmax_tokens = 20\n\n[[feedback.patterns]]\nname = \"employee-id\"\npattern = 'EMP-\\d{6}'\n",
    );
    let (p, _) = Policy::parse(&text).expect("parses");
    assert_eq!(p.feedback.max_tokens, 20);
    assert_eq!(p.feedback.patterns[0].pattern, "EMP-\\d{6}");
    assert_eq!(p.feedback.patterns[0].line, line_starting(&text, "pattern"));
}

#[test]
fn bad_feedback_sections_name_line_and_key() {
    let pattern = |name: &str, pattern: &str| {
        with_feedback(&format!(
            "[feedback]\nmax_tokens = 20\n\n[[feedback.patterns]]\nname = \"{name}\"\npattern = '{pattern}'\n"
        ))
    };
    let cases: Vec<(&str, String, PolicyErrorKind, &str, &str, &str)> = vec![
        (
            "a pattern that does not compile",
            pattern("employee-id", "EMP-[0-9"),
            PolicyErrorKind::InvalidValue,
            "pattern",
            "feedback.patterns[0].pattern",
            "regular expression",
        ),
        (
            "a pattern that matches the empty text",
            pattern("anything", "x*"),
            PolicyErrorKind::InvalidValue,
            "pattern",
            "feedback.patterns[0].pattern",
            "matches something",
        ),
        (
            "a name that is not a slug",
            pattern("Employee ID", "EMP"),
            PolicyErrorKind::InvalidValue,
            "name = \"Employee",
            "feedback.patterns[0].name",
            "slug",
        ),
        (
            "a token limit of zero",
            with_feedback("[feedback]\nmax_tokens = 0\n"),
            PolicyErrorKind::InvalidValue,
            "max_tokens",
            "feedback.max_tokens",
            "1 to 10000",
        ),
        (
            "a token limit as text",
            with_feedback("[feedback]\nmax_tokens = \"many\"\n"),
            PolicyErrorKind::WrongType,
            "max_tokens",
            "feedback.max_tokens",
            "i64",
        ),
        (
            "an unknown key",
            with_feedback("[feedback]\nmax_tokens = 5\nredact_names = true\n"),
            PolicyErrorKind::UnknownKey,
            "redact_names",
            "feedback.redact_names",
            "max_tokens",
        ),
    ];
    for (name, text, kind, at, key, expected) in cases {
        let err = Policy::parse(&text).expect_err(name);
        assert_eq!(err.kind, kind, "{name}: {err}");
        assert_eq!(err.line, line_starting(&text, at), "{name}: {err}\n{text}");
        assert_eq!(err.key, key, "{name}: {err}");
        assert!(err.expected.contains(expected), "{name}: {err}");
    }
    // Two patterns of one name.
    let text = with_feedback(
        "[feedback]\nmax_tokens = 5\n\n[[feedback.patterns]]\nname = \"a\"\npattern = 'A'\n\n[[feedback.patterns]]\nname = \"a\"\npattern = 'B'\n",
    );
    let err = Policy::parse(&text).expect_err("duplicate");
    assert_eq!(err.key, "feedback.patterns[1].name", "{err}");
}
