use super::*;
use crate::document::DocumentKind;
use crate::gate::GATE_REPORT_FORMAT;

fn d(n: u8) -> Sha256Digest {
    Sha256Digest::of(&[n])
}

fn key() -> KeyId {
    "ab".repeat(32).parse().expect("key id")
}

fn report() -> GateReport {
    GateReport {
        format: GATE_REPORT_FORMAT.into(),
        policy: "default".into(),
        model: "m".into(),
        version: "1.0.0-1".into(),
        target: Stage::Production,
        evaluated_at: "2026-12-01T00:00:00Z".into(),
        passed: true,
        checks: vec![],
    }
}

fn record() -> ReleaseRecord {
    let r = report();
    ReleaseRecord {
        format: RELEASE_RECORD_FORMAT.into(),
        model: "m".parse().expect("model"),
        seq: 2,
        version: "1.0.0-1".parse().expect("version"),
        kind: TransitionKind::Promote,
        from: Stage::Canary,
        to: Stage::Production,
        changes: vec![],
        bundle_digest: Some(d(1)),
        config_digest: Some(d(2)),
        code_commit: Some("abc1234".into()),
        datasets: vec![DatasetChecksum {
            name: "ds@1".into(),
            checksum: d(3),
        }],
        documents: vec![DocumentRevision {
            kind: DocumentKind::ModelCard,
            of: None,
            revision: 4,
            sha256: d(4),
        }],
        evaluations: vec![EvaluationEvidence {
            id: "7".into(),
            kind: "golden-set".into(),
            evidence_digest: d(5),
        }],
        gate: Some(RecordedGate {
            policy: "default".into(),
            policy_revision: None,
            passed: true,
            digest: r.digest().expect("digest"),
            report: r,
        }),
        approvals: vec![EnvelopeRef {
            role: Role::Sre,
            keyid: key(),
            digest: d(6),
        }],
        waivers: vec![RecordedWaiver {
            check_id: "production.safety.toxicity".into(),
            expires_at: "2027-01-01T00:00:00Z".into(),
            rationale: "r".into(),
            envelopes: vec![EnvelopeRef {
                role: Role::ModelOwner,
                keyid: key(),
                digest: d(7),
            }],
        }],
        rollback_target: Some("0.9.0-1".parse().expect("version")),
        previous: Some(d(9)),
        git_tag: "steward/m/1.0.0-1/production".into(),
        registry_tags: registry_tag_names(Stage::Production),
        incident: None,
        reason: "ship".into(),
        recorded_at: "2026-12-01T00:00:00Z".into(),
        signer: RecordSigner {
            keyid: key(),
            name: "A".into(),
            email: "a@example.org".into(),
        },
        roster_seq: 3,
    }
}

fn facts() -> StoreFacts {
    StoreFacts {
        artifacts: Some((Some(d(1)), Some(d(2)), Some("abc1234".into()))),
        datasets: BTreeMap::from([("ds@1".to_string(), d(3))]),
        revisions: BTreeMap::from([(("model-card".to_string(), None, 4), d(4))]),
        runs: BTreeMap::from([("7".to_string(), d(5))]),
        envelopes: BTreeSet::from([d(6), d(7)]),
    }
}

#[test]
fn which_moves_leave_a_record() {
    let cases = [
        (TransitionKind::Promote, true),
        (TransitionKind::Rollback, true),
        (TransitionKind::Deprecate, true),
        (TransitionKind::Demote, false),
        (TransitionKind::Supersede, false),
    ];
    for (kind, want) in cases {
        assert_eq!(records_move(kind), want, "{kind}");
    }
}

#[test]
fn tag_names() {
    let m: ModelName = "summarize-copilot".parse().expect("model");
    let v: Version = "1.2.0-12".parse().expect("version");
    assert_eq!(
        git_tag_name(&m, &v, Stage::Production),
        "steward/summarize-copilot/1.2.0-12/production"
    );
    let cases = [
        (Stage::Production, Some("production")),
        (Stage::Canary, Some("canary")),
        (Stage::Candidate, Some("candidate")),
        (Stage::RollbackTarget, Some("rollback")),
        (Stage::Experiment, None),
        (Stage::Deprecated, None),
    ];
    for (stage, alias) in cases {
        assert_eq!(registry_alias(stage), alias, "{stage}");
        let tags = registry_tag_names(stage);
        assert!(tags.contains(&"steward.release_record_digest".to_string()));
        assert_eq!(
            tags.iter().any(|t| t.starts_with("alias:")),
            alias.is_some(),
            "{stage}"
        );
    }
}

fn link(seq: u64, digest: u8, previous: Option<Option<u8>>) -> ChainLink {
    ChainLink {
        seq,
        digest: d(digest),
        previous: previous.map(|p| p.map(d)),
    }
}

#[test]
fn the_chain_rule() {
    type Case = (&'static str, Vec<ChainLink>, Vec<(u64, &'static str)>);
    let cases: Vec<Case> = vec![
        ("empty", vec![], vec![]),
        (
            "whole",
            vec![
                link(1, 10, Some(None)),
                link(2, 20, Some(Some(10))),
                link(3, 30, Some(Some(20))),
            ],
            vec![],
        ),
        (
            "a record removed from the middle",
            vec![link(1, 10, Some(None)), link(3, 30, Some(Some(20)))],
            vec![(3, "record 2 is missing"), (3, "names previous record")],
        ),
        (
            "the first record removed",
            vec![link(2, 20, Some(Some(10)))],
            vec![(2, "starts at record 2"), (2, "not in the store")],
        ),
        (
            "a link pointing at the wrong record",
            vec![
                link(1, 10, Some(None)),
                link(2, 20, Some(Some(10))),
                link(3, 30, Some(Some(10))),
            ],
            vec![(3, "names previous record")],
        ),
        (
            "a later record claiming to be first",
            vec![link(1, 10, Some(None)), link(2, 20, Some(None))],
            vec![(2, "names no previous record")],
        ),
        (
            "an unreadable record is not judged on its link",
            vec![link(1, 10, Some(None)), link(2, 20, None)],
            vec![],
        ),
    ];
    for (name, links, want) in cases {
        let got = check_chain(&links);
        assert_eq!(got.len(), want.len(), "{name}: {got:?}");
        for (p, (seq, text)) in got.iter().zip(want) {
            assert_eq!(p.seq, seq, "{name}");
            assert_eq!(p.part, RecordPart::Chain, "{name}");
            assert!(p.message.contains(text), "{name}: {}", p.message);
        }
    }
}

#[test]
fn a_record_against_the_store() {
    type Edit = fn(&mut StoreFacts, &mut ReleaseRecord);
    type Case = (&'static str, Edit, Vec<(RecordPart, &'static str)>);
    let cases: Vec<Case> = vec![
        ("holds", |_, _| {}, vec![]),
        (
            "version gone",
            |f, _| f.artifacts = None,
            vec![(RecordPart::Artifact, "not in the store")],
        ),
        (
            "bundle rebuilt",
            |f, _| f.artifacts = Some((Some(d(99)), Some(d(2)), Some("abc1234".into()))),
            vec![(RecordPart::Artifact, "the bundle digest was")],
        ),
        (
            "config dropped",
            |f, _| f.artifacts = Some((Some(d(1)), None, Some("abc1234".into()))),
            vec![(RecordPart::Artifact, "holds none")],
        ),
        (
            "dataset manifest changed",
            |f, _| {
                f.datasets.insert("ds@1".into(), d(98));
            },
            vec![(RecordPart::Dataset, "ds@1 had manifest")],
        ),
        (
            "dataset unlinked",
            |f, _| f.datasets.clear(),
            vec![(RecordPart::Dataset, "no longer linked")],
        ),
        (
            "document revision edited",
            |f, _| {
                f.revisions.insert(("model-card".into(), None, 4), d(97));
            },
            vec![(RecordPart::Document, "model-card revision 4 had content")],
        ),
        (
            "document revision gone",
            |f, _| f.revisions.clear(),
            vec![(RecordPart::Document, "is not in the store")],
        ),
        (
            "evidence file replaced",
            |f, _| {
                f.runs.insert("7".into(), d(96));
            },
            vec![(RecordPart::Evaluation, "run 7 had evidence")],
        ),
        (
            "run gone",
            |f, _| f.runs.clear(),
            vec![(RecordPart::Evaluation, "run 7 is not in the store")],
        ),
        (
            "approval envelope gone",
            |f, _| {
                f.envelopes.remove(&d(6));
            },
            vec![(RecordPart::Envelope, "the sre approval")],
        ),
        (
            "waiver envelope gone",
            |f, _| {
                f.envelopes.remove(&d(7));
            },
            vec![(RecordPart::Envelope, "waiver of production.safety.toxicity")],
        ),
        (
            "gate report altered after its digest",
            |_, r| {
                if let Some(g) = r.gate.as_mut() {
                    g.report.passed = false;
                }
            },
            vec![(RecordPart::Gate, "digests to")],
        ),
        ("a rollback carries no gate", |_, r| r.gate = None, vec![]),
    ];
    for (name, edit, want) in cases {
        let mut f = facts();
        let mut r = record();
        edit(&mut f, &mut r);
        let got = check_against(&r, &f);
        assert_eq!(got.len(), want.len(), "{name}: {got:?}");
        for (p, (part, text)) in got.iter().zip(want) {
            assert_eq!(p.part, part, "{name}");
            assert_eq!(p.seq, 2, "{name}");
            assert!(p.message.contains(text), "{name}: {}", p.message);
        }
    }
}

#[test]
fn the_first_broken_part_is_the_earliest_record_then_the_first_part() {
    let p = |seq, part| RecordProblem {
        seq,
        part,
        message: String::new(),
    };
    let problems = vec![
        p(3, RecordPart::Signature),
        p(2, RecordPart::Document),
        p(2, RecordPart::Chain),
    ];
    assert_eq!(first_broken(&problems), Some(&problems[2]));
    assert_eq!(first_broken(&[]), None);
}

#[test]
fn a_record_round_trips_through_json() {
    let r = record();
    let text = serde_json::to_string(&r).expect("json");
    let back: ReleaseRecord = serde_json::from_str(&text).expect("parse");
    assert_eq!(back, r);
}
