use super::*;

fn pack(body: &str) -> String {
    format!(
        "format = \"steward.pack/v1\"\nname = \"t\"\ntitle = \"T\"\nversion = \"1\"\nsource = \"s\"\n\n{body}"
    )
}

const ONE: &str = "[[requirement]]\nid = \"R1\"\ntitle = \"t\"\nsatisfied = \"s\"\npartial = \"p\"\nevidence = [\n  { document = \"model-card\", section = \"Uses\" },\n]\n";

#[test]
fn every_builtin_pack_parses_with_its_counts() {
    let counts = [("eu-ai-act", 19), ("iso-42001", 38), ("nist-ai-rmf", 72)];
    for (name, n) in counts {
        let p = builtin_pack(name)
            .expect("shipped")
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(p.name, name);
        assert_eq!(p.requirements.len(), n, "{name}");
    }
    let nist = builtin_pack("nist-ai-rmf")
        .expect("shipped")
        .expect("parses");
    let groups: BTreeSet<&str> = nist.requirements.iter().map(|r| r.group.as_str()).collect();
    assert_eq!(groups.len(), 19, "19 categories");
    let eu = builtin_pack("eu-ai-act").expect("shipped").expect("parses");
    assert_eq!(eu.retention_years, Some(10));
    let annex: Vec<&str> = eu
        .requirements
        .iter()
        .filter(|r| r.group == "Annex IV")
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(
        annex,
        (1..=9).map(|i| format!("annex-iv-{i}")).collect::<Vec<_>>()
    );
    for art in [
        "art-9", "art-10", "art-11", "art-12", "art-13", "art-14", "art-15", "art-17", "art-18",
        "art-72",
    ] {
        assert!(eu.requirement(art).is_some(), "{art}");
    }
}

#[test]
fn section_selectors_of_builtin_packs_name_template_sections() {
    for (name, text) in BUILTIN_PACKS {
        let p = parse_pack(text).expect("parses");
        for r in &p.requirements {
            for s in &r.evidence {
                if let Selector::Document {
                    kind,
                    section: Some(sec),
                } = s
                {
                    let t = crate::document::builtin_template(*kind);
                    let want = normalize_title(sec);
                    assert!(
                        t.text.lines().any(|l| l.starts_with('#')
                            && normalize_title(l.trim_start_matches('#').trim()) == want),
                        "{name} {}: {kind} has no section {sec:?}",
                        r.id
                    );
                }
            }
        }
    }
}

use std::collections::BTreeSet;

#[test]
fn refusals_name_line_and_key() {
    let cases: &[(&str, &str, PackErrorKind, usize, &str)] = &[
        ("syntax", "[[requirement]]\nid = \"R1\n", PackErrorKind::Syntax, 8, "requirement[0].id"),
        (
            "unknown selector",
            "[[requirement]]\nid = \"R1\"\ntitle = \"t\"\nsatisfied = \"s\"\npartial = \"p\"\nevidence = [\n  { documnet = \"model-card\" },\n]\n",
            PackErrorKind::UnknownSelector,
            13,
            "requirement[0].evidence[0].documnet",
        ),
        (
            "duplicate id",
            &format!("{ONE}\n{}", ONE),
            PackErrorKind::DuplicateId,
            17,
            "requirement[1].id",
        ),
        (
            "unknown key",
            &format!("{ONE}colour = \"red\"\n"),
            PackErrorKind::UnknownKey,
            15,
            "requirement[0].colour",
        ),
        (
            "unknown document kind",
            &ONE.replace("model-card", "memo"),
            PackErrorKind::InvalidValue,
            13,
            "requirement[0].evidence[0].document",
        ),
        (
            "two selectors in one entry",
            &ONE.replace("section = \"Uses\"", "evaluation = \"red-team\""),
            PackErrorKind::InvalidValue,
            13,
            "requirement[0].evidence[0]",
        ),
        (
            "unknown role",
            &ONE.replace("document = \"model-card\", section = \"Uses\"", "approval = \"ceo\""),
            PackErrorKind::InvalidValue,
            13,
            "requirement[0].evidence[0].approval",
        ),
        (
            "unknown evaluation kind",
            &ONE.replace("document = \"model-card\", section = \"Uses\"", "evaluation = \"vibes\""),
            PackErrorKind::InvalidValue,
            13,
            "requirement[0].evidence[0].evaluation",
        ),
        (
            "gate check of no stage",
            &ONE.replace("document = \"model-card\", section = \"Uses\"", "gate_check = \"staging.x\""),
            PackErrorKind::InvalidValue,
            13,
            "requirement[0].evidence[0].gate_check",
        ),
        (
            "missing partial",
            &ONE.replace("partial = \"p\"\n", ""),
            PackErrorKind::MissingKey,
            7,
            "requirement[0].partial",
        ),
        (
            "no evidence",
            &ONE.replace("  { document = \"model-card\", section = \"Uses\" },\n", ""),
            PackErrorKind::MissingKey,
            12,
            "requirement[0].evidence",
        ),
    ];
    for (what, body, kind, line, key) in cases {
        let err = parse_pack(&pack(body)).expect_err(what);
        assert_eq!(
            (err.kind, err.line, err.key.as_str()),
            (*kind, *line, *key),
            "{what}: {err}"
        );
        assert!(
            err.to_string()
                .starts_with(&format!("pack line {line}, {key}: ")),
            "{what}: {err}"
        );
    }
    let wrong_format = pack(ONE).replace("steward.pack/v1", "steward.policy/v1");
    let err = parse_pack(&wrong_format).expect_err("format");
    assert_eq!(
        (err.kind, err.line, err.key.as_str()),
        (PackErrorKind::InvalidValue, 1, "format")
    );
}

fn doc(kind: DocumentKind, complete: bool, sections: &[(&str, bool)]) -> DocumentFacts {
    DocumentFacts {
        kind,
        of: None,
        revision: 2,
        sha256: format!("sha256:{kind}"),
        complete,
        sections: sections.iter().map(|(t, f)| (t.to_string(), *f)).collect(),
    }
}

fn approval(role: Role, decision: Decision, state: &str) -> ApprovalFact {
    ApprovalFact {
        id: 1,
        role,
        stage: Stage::Production,
        decision,
        state: state.into(),
        signer: "Ana".into(),
    }
}

fn check(id: &str, status: CheckStatus) -> GateCheckFact {
    GateCheckFact {
        id: id.into(),
        status,
        observed: "seen".into(),
        expected: "wanted".into(),
    }
}

fn record(problems: &[&str]) -> ReleaseFact {
    ReleaseFact {
        seq: 3,
        to: Stage::Production,
        digest: "sha256:rec".into(),
        recorded_at: "2026-11-01T10:00:00Z".into(),
        problems: problems.iter().map(|p| p.to_string()).collect(),
    }
}

#[test]
fn every_selector_as_a_table() {
    use CoverageStatus::{Missing, Partial, Satisfied};
    let mc = Selector::Document {
        kind: DocumentKind::ModelCard,
        section: None,
    };
    let uses = Selector::Document {
        kind: DocumentKind::ModelCard,
        section: Some("uses".into()),
    };
    let red = Selector::Evaluation(EvalKind::RedTeam);
    let legal = Selector::Approval(Role::ResponsibleAiLegal);
    let fair = Selector::GateCheck("production.fairness.selection-rate".into());
    let e = |f: &dyn Fn(&mut CoverageEvidence)| {
        let mut ev = CoverageEvidence {
            target: "m@1.0.0-1".into(),
            gated_stages: vec![Stage::Production],
            ..Default::default()
        };
        f(&mut ev);
        ev
    };
    let cases: Vec<(&str, Selector, CoverageEvidence, CoverageStatus, &str)> = vec![
        (
            "document absent",
            mc.clone(),
            e(&|_| {}),
            Missing,
            "steward doc new m@1.0.0-1 model-card",
        ),
        (
            "document incomplete",
            mc.clone(),
            e(&|x| x.documents.push(doc(DocumentKind::ModelCard, false, &[]))),
            Partial,
            "incomplete",
        ),
        (
            "document complete",
            mc.clone(),
            e(&|x| x.documents.push(doc(DocumentKind::ModelCard, true, &[]))),
            Satisfied,
            "",
        ),
        (
            "section written",
            uses.clone(),
            e(&|x| {
                x.documents
                    .push(doc(DocumentKind::ModelCard, false, &[("Uses", true)]))
            }),
            Satisfied,
            "",
        ),
        (
            "section empty",
            uses.clone(),
            e(&|x| {
                x.documents
                    .push(doc(DocumentKind::ModelCard, true, &[("Uses", false)]))
            }),
            Partial,
            "\"uses\" of model-card revision 2 is empty",
        ),
        (
            "section absent",
            uses.clone(),
            e(&|x| {
                x.documents.push(doc(
                    DocumentKind::ModelCard,
                    true,
                    &[("Model details", true)],
                ))
            }),
            Partial,
            "add `## uses`",
        ),
        (
            "section of an absent document",
            uses,
            e(&|_| {}),
            Missing,
            "create it",
        ),
        (
            "no run",
            red.clone(),
            e(&|x| {
                x.evaluations.push(EvaluationFact {
                    id: 1,
                    kind: EvalKind::GoldenSet,
                    digest: "sha256:g".into(),
                })
            }),
            Missing,
            "--kind red-team",
        ),
        (
            "a run",
            red,
            e(&|x| {
                x.evaluations.push(EvaluationFact {
                    id: 4,
                    kind: EvalKind::RedTeam,
                    digest: "sha256:r".into(),
                })
            }),
            Satisfied,
            "",
        ),
        (
            "no approval",
            legal.clone(),
            e(&|x| {
                x.approvals
                    .push(approval(Role::Sre, Decision::Approve, "current"))
            }),
            Missing,
            "--role responsible-ai-legal",
        ),
        (
            "stale approval",
            legal.clone(),
            e(&|x| {
                x.approvals.push(approval(
                    Role::ResponsibleAiLegal,
                    Decision::Approve,
                    "stale",
                ))
            }),
            Partial,
            "approve stale",
        ),
        (
            "current rejection",
            legal.clone(),
            e(&|x| {
                x.approvals.push(approval(
                    Role::ResponsibleAiLegal,
                    Decision::Reject,
                    "current",
                ))
            }),
            Partial,
            "reject current",
        ),
        (
            "current approval",
            legal,
            e(&|x| {
                x.approvals.push(approval(
                    Role::ResponsibleAiLegal,
                    Decision::Approve,
                    "current",
                ))
            }),
            Satisfied,
            "",
        ),
        (
            "check passes",
            fair.clone(),
            e(&|x| {
                x.gate_checks.push(check(
                    "production.fairness.selection-rate",
                    CheckStatus::Pass,
                ))
            }),
            Satisfied,
            "",
        ),
        (
            "check waived",
            fair.clone(),
            e(&|x| {
                x.gate_checks.push(check(
                    "production.fairness.selection-rate",
                    CheckStatus::Waived,
                ))
            }),
            Partial,
            "only by a waiver",
        ),
        (
            "check fails",
            fair.clone(),
            e(&|x| {
                x.gate_checks.push(check(
                    "production.fairness.selection-rate",
                    CheckStatus::Fail,
                ))
            }),
            Missing,
            "fails: expected wanted",
        ),
        (
            "check lacks evidence",
            fair.clone(),
            e(&|x| {
                x.gate_checks.push(check(
                    "production.fairness.selection-rate",
                    CheckStatus::MissingEvidence,
                ))
            }),
            Missing,
            "no evidence",
        ),
        (
            "check not in policy",
            fair.clone(),
            e(&|_| {}),
            Missing,
            "has no check production.fairness.selection-rate",
        ),
        (
            "stage not gated",
            fair,
            e(&|x| x.gated_stages.clear()),
            Missing,
            "does not gate production",
        ),
        (
            "no record",
            Selector::ReleaseRecord,
            e(&|_| {}),
            Missing,
            "steward stage set",
        ),
        (
            "record fails verification",
            Selector::ReleaseRecord,
            e(&|x| x.release_records.push(record(&["signature: bad"]))),
            Partial,
            "fail verification",
        ),
        (
            "record verifies",
            Selector::ReleaseRecord,
            e(&|x| x.release_records.push(record(&[]))),
            Satisfied,
            "",
        ),
        (
            "no monitoring plan",
            Selector::MonitoringPlan,
            e(&|_| {}),
            Missing,
            "post-market-monitoring-plan",
        ),
        (
            "monitoring plan incomplete",
            Selector::MonitoringPlan,
            e(&|x| {
                x.documents
                    .push(doc(DocumentKind::PostMarketMonitoringPlan, false, &[]))
            }),
            Partial,
            "incomplete",
        ),
        (
            "monitoring plan complete",
            Selector::MonitoringPlan,
            e(&|x| {
                x.documents
                    .push(doc(DocumentKind::PostMarketMonitoringPlan, true, &[]))
            }),
            Satisfied,
            "",
        ),
    ];
    for (what, s, ev, want, next) in cases {
        let got = select(&s, &ev);
        assert_eq!(got.status, want, "{what}: {got:?}");
        assert_eq!(
            got.next_step.is_some(),
            got.fix.is_some(),
            "{what}: a gap has both words and a step: {got:?}"
        );
        match (&got.next_step, next.is_empty()) {
            (None, true) => {}
            (Some(n), false) => assert!(n.contains(next), "{what}: {n}"),
            (n, _) => panic!("{what}: next step {n:?}, wanted {next:?}"),
        }
    }
    // A failing record is shown as failing, never as verifying.
    let got = select(
        &Selector::ReleaseRecord,
        &e(&|x| x.release_records.push(record(&["signature: bad"]))),
    );
    assert!(
        got.found[0]
            .what
            .contains("FAILS verification: signature: bad"),
        "{got:?}"
    );
}

#[test]
fn a_requirement_is_satisfied_partial_or_missing_over_its_selectors() {
    let p = parse_pack(&pack(
        "[[requirement]]\nid = \"R1\"\ntitle = \"t\"\nsatisfied = \"all there\"\npartial = \"some\"\nevidence = [\n  { evaluation = \"red-team\" },\n  { release_record = true },\n]\n",
    ))
    .expect("parses");
    let mut ev = CoverageEvidence {
        target: "m@1.0.0-1".into(),
        ..Default::default()
    };
    let status = |ev: &CoverageEvidence| coverage(&p, ev).requirements[0].clone();
    let none = status(&ev);
    assert_eq!(
        (none.status, none.meaning.starts_with("no evidence yet")),
        (CoverageStatus::Missing, true)
    );
    ev.evaluations.push(EvaluationFact {
        id: 1,
        kind: EvalKind::RedTeam,
        digest: "sha256:r".into(),
    });
    assert_eq!(
        (status(&ev).status, status(&ev).meaning),
        (CoverageStatus::Partial, "some".to_string())
    );
    ev.release_records.push(record(&[]));
    assert_eq!(
        (status(&ev).status, status(&ev).meaning),
        (CoverageStatus::Satisfied, "all there".to_string())
    );
}

#[test]
fn a_version_with_no_evidence_misses_every_requirement_with_a_next_step() {
    for (name, text) in BUILTIN_PACKS {
        let p = parse_pack(text).expect("parses");
        let c = coverage(
            &p,
            &CoverageEvidence {
                target: "m@1.0.0-1".into(),
                ..Default::default()
            },
        );
        assert_eq!(c.counts(), (0, 0, p.requirements.len()), "{name}");
        assert!(
            c.requirements
                .iter()
                .all(|r| r.selectors.iter().all(|s| s.next_step.is_some())),
            "{name}"
        );
    }
}

#[test]
fn document_facts_read_sections_and_guidance() {
    let text = "---\nlicense: x\n---\n# Card\n\n## Uses\n\nAnswers tickets.\n\n## Out-of-scope use\n\n> Guidance: say what not to do.\n";
    let f = DocumentFacts::read(
        DocumentKind::ModelCard,
        None,
        1,
        "sha256:x".into(),
        false,
        text,
    );
    assert_eq!(f.section("uses"), Some(true));
    assert_eq!(f.section("Out-of-scope use"), Some(false));
    assert_eq!(f.section("Training details"), None);
}

#[test]
fn retention_dates() {
    let cases = [
        ("2026-11-01", 10, Some("2036-11-01")),
        ("2028-02-29T10:00:00Z", 10, Some("2038-02-28")),
        ("2028-02-29", 4, Some("2032-02-29")),
        ("2026-13-01", 10, None),
        ("2026-02-30", 10, None),
        ("soon", 10, None),
    ];
    for (date, years, want) in cases {
        assert_eq!(add_years(date, years).as_deref(), want, "{date}");
    }
    let r = retention_until(
        "1.1.0-8",
        &["2026-11-20T00:00:00Z", "2026-11-03T09:00:00Z"],
        Some(10),
    );
    assert_eq!(r.placed_on_market.as_deref(), Some("2026-11-03"));
    assert_eq!(r.keep_until.as_deref(), Some("2036-11-03"));
    let never = retention_until("1.3.0-15", &[], Some(10));
    assert_eq!((never.placed_on_market, never.keep_until), (None, None));
    let no_period = retention_until("1.1.0-8", &["2026-11-03"], None);
    assert_eq!(no_period.keep_until, None);
}

#[test]
fn every_gap_names_its_fix_and_every_finding_its_record() {
    let e = |f: &dyn Fn(&mut CoverageEvidence)| {
        let mut ev = CoverageEvidence {
            target: "m@1.0.0-1".into(),
            gated_stages: vec![Stage::Production],
            ..Default::default()
        };
        f(&mut ev);
        ev
    };
    let uses = Selector::Document {
        kind: DocumentKind::ModelCard,
        section: Some("Uses".into()),
    };
    let sheet = Selector::Document {
        kind: DocumentKind::DataSheet,
        section: None,
    };
    let fair = "production.fairness.selection-rate";
    type Case = (
        &'static str,
        Selector,
        CoverageEvidence,
        Option<Fix>,
        Vec<Pin>,
    );
    let cases: Vec<Case> = vec![
        (
            "absent document",
            uses.clone(),
            e(&|_| {}),
            Some(Fix::WriteDocument {
                kind: DocumentKind::ModelCard,
                section: Some("Uses".into()),
            }),
            vec![],
        ),
        (
            "empty section",
            uses.clone(),
            e(&|x| {
                x.documents
                    .push(doc(DocumentKind::ModelCard, true, &[("Uses", false)]))
            }),
            Some(Fix::WriteDocument {
                kind: DocumentKind::ModelCard,
                section: Some("Uses".into()),
            }),
            vec![Pin::Document {
                kind: DocumentKind::ModelCard,
                of: None,
                revision: 2,
            }],
        ),
        (
            "written section",
            uses,
            e(&|x| {
                x.documents
                    .push(doc(DocumentKind::ModelCard, true, &[("Uses", true)]))
            }),
            None,
            vec![Pin::Document {
                kind: DocumentKind::ModelCard,
                of: None,
                revision: 2,
            }],
        ),
        (
            "no data sheet",
            sheet,
            e(&|_| {}),
            Some(Fix::WriteDataSheets),
            vec![],
        ),
        (
            "no monitoring plan",
            Selector::MonitoringPlan,
            e(&|_| {}),
            Some(Fix::WriteDocument {
                kind: DocumentKind::PostMarketMonitoringPlan,
                section: None,
            }),
            vec![],
        ),
        (
            "no run",
            Selector::Evaluation(EvalKind::RedTeam),
            e(&|_| {}),
            Some(Fix::ImportEvaluation {
                kind: EvalKind::RedTeam,
            }),
            vec![],
        ),
        (
            "a run",
            Selector::Evaluation(EvalKind::RedTeam),
            e(&|x| {
                x.evaluations.push(EvaluationFact {
                    id: 4,
                    kind: EvalKind::RedTeam,
                    digest: "sha256:r".into(),
                })
            }),
            None,
            vec![Pin::Run { id: 4 }],
        ),
        (
            "a stale approval",
            Selector::Approval(Role::Sre),
            e(&|x| {
                x.approvals
                    .push(approval(Role::Sre, Decision::Approve, "stale"))
            }),
            Some(Fix::Approve { role: Role::Sre }),
            vec![Pin::Approval { id: 1 }],
        ),
        (
            "a failing check",
            Selector::GateCheck(fair.into()),
            e(&|x| x.gate_checks.push(check(fair, CheckStatus::Fail))),
            Some(Fix::MeetGateCheck {
                id: fair.into(),
                stage: Some(Stage::Production),
            }),
            vec![Pin::GateCheck {
                id: fair.into(),
                stage: Some(Stage::Production),
            }],
        ),
        (
            "a check the policy lacks",
            Selector::GateCheck(fair.into()),
            e(&|_| {}),
            Some(Fix::EditPolicy),
            vec![],
        ),
        (
            "no record",
            Selector::ReleaseRecord,
            e(&|_| {}),
            Some(Fix::Promote),
            vec![],
        ),
        (
            "a failing record",
            Selector::ReleaseRecord,
            e(&|x| x.release_records.push(record(&["signature: bad"]))),
            Some(Fix::RepairReleaseRecords),
            vec![Pin::ReleaseRecord { seq: 3 }],
        ),
    ];
    for (what, s, ev, fix, pins) in cases {
        let got = select(&s, &ev);
        assert_eq!(got.fix, fix, "{what}: {got:?}");
        let found: Vec<Pin> = got.found.into_iter().map(|f| f.pin).collect();
        assert_eq!(found, pins, "{what}");
    }
}
