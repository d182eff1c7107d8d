//! The planner as a table: each case is a local model, a registry state, and the operations
//! and findings expected, written as short strings.

use super::*;

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn lv(version: &str, stage: &str, envelopes: &str) -> LocalVersion {
    LocalVersion {
        version: version.into(),
        source: format!("steward://m/{version}"),
        description: String::new(),
        tags: tags(&[
            (VERSION_TAG, version),
            ("steward.stage", stage),
            (ENVELOPES_TAG, envelopes),
        ]),
        artifacts: vec![format!("steward/m/{version}/records/a.dsse.json")],
        sets: BTreeMap::new(),
    }
}

fn rv(number: &str, version: &str, stage: &str, envelopes: &str) -> RemoteVersion {
    RemoteVersion {
        number: number.into(),
        source: format!("steward://m/{version}"),
        tags: tags(&[
            (VERSION_TAG, version),
            ("steward.stage", stage),
            (ENVELOPES_TAG, envelopes),
        ]),
        user_id: Some("bob".into()),
        last_updated_ms: Some(5),
    }
}

const DOCS: &str = "steward.documents";

fn with_docs(mut v: LocalVersion, digest: &str, files: &[&str]) -> LocalVersion {
    v.tags.insert(DOCS.into(), digest.into());
    v.sets.insert(
        DOCS.into(),
        files
            .iter()
            .map(|f| format!("steward/m/{}/documents/{f}.json", v.version))
            .collect(),
    );
    v
}

fn with_doc_tag(mut v: RemoteVersion, digest: &str) -> RemoteVersion {
    v.tags.insert(DOCS.into(), digest.into());
    v
}

fn model(aliases: &[(&str, &str)]) -> RemoteModel {
    RemoteModel {
        description: "d".into(),
        tags: tags(&[("steward.owner", "ann")]),
        aliases: tags(aliases),
    }
}

fn local(
    versions: Vec<LocalVersion>,
    aliases: &[(&str, &str)],
    held: &[(&str, &str)],
) -> LocalModel {
    let mut h: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (a, v) in held {
        h.entry(a.to_string()).or_default().insert(v.to_string());
    }
    LocalModel {
        name: "m".into(),
        description: "d".into(),
        tags: tags(&[("steward.owner", "ann")]),
        versions,
        aliases: tags(aliases),
        held: h,
        remote_held: BTreeMap::new(),
        kept: BTreeMap::new(),
    }
}

fn with_record(mut v: LocalVersion, digest: &str) -> LocalVersion {
    v.tags.insert(RECORD_TAG.into(), digest.into());
    v
}

fn with_record_tag(mut v: RemoteVersion, digest: &str) -> RemoteVersion {
    v.tags.insert(RECORD_TAG.into(), digest.into());
    v
}

/// 1.0.0 signed into production here (record L), while the registry holds another
/// workspace's record R for it that put it in canary; `kept` names the registry digests this
/// workspace keeps for 1.0.0.
fn conflicted(kept: &[&str]) -> (LocalModel, RemoteState) {
    let mut l = local(
        vec![with_record(lv("1.0.0", "production", "e1"), "L")],
        &[("production", "1.0.0")],
        &[("production", "1.0.0")],
    );
    if !kept.is_empty() {
        l.kept
            .insert("1.0.0".into(), kept.iter().map(|d| d.to_string()).collect());
    }
    let r = RemoteState {
        model: Some(model(&[("canary", "1")])),
        versions: vec![with_record_tag(rv("1", "1.0.0", "canary", "e0"), "R")],
        ..Default::default()
    };
    (l, r)
}

fn show(p: &Plan) -> Vec<String> {
    let mut out: Vec<String> = p
        .ops
        .iter()
        .map(|op| match op {
            Op::CreateModel { .. } => "create-model".to_string(),
            Op::SetModelDescription { .. } => "describe-model".to_string(),
            Op::SetModelTag { key, .. } => format!("model-tag {key}"),
            Op::UploadArtifact { version, .. } => format!("upload {version}"),
            Op::CreateVersion { version, tags, .. } => {
                format!("create {version} with {} tags", tags.len())
            }
            Op::SetVersionTag {
                number, key, value, ..
            } => format!("tag #{number} {key}={value}"),
            Op::SetAlias { alias, target } => match target {
                VersionRef::Number(n) => format!("alias {alias} -> #{n}"),
                VersionRef::Steward(v) => format!("alias {alias} -> new {v}"),
            },
            Op::DeleteAlias { alias } => format!("unalias {alias}"),
            Op::DeleteVersion { number, .. } => format!("delete #{number}"),
        })
        .collect();
    out.extend(p.ungoverned.iter().map(|u| {
        format!(
            "UNGOVERNED {} #{} ({}) governed {}",
            u.alias,
            u.number,
            u.points_at.as_deref().unwrap_or("untagged"),
            u.governed.as_deref().unwrap_or("none")
        )
    }));
    out.extend(p.remote_ahead.iter().map(|r| match &r.conflicted {
        None => format!("REMOTE-AHEAD {} {}", r.alias, r.version),
        Some(c) => format!("HELD {} at {:?}: {c} conflicts", r.alias, r.version),
    }));
    out.extend(
        p.duplicates
            .iter()
            .map(|d| format!("DUPLICATE {} {:?}", d.version, d.numbers)),
    );
    out
}

#[test]
fn plans_as_a_table() {
    struct Case {
        name: &'static str,
        local: LocalModel,
        remote: RemoteState,
        restore: bool,
        want: &'static [&'static str],
    }
    let prod = |v: &str| {
        local(
            vec![lv(v, "production", "e1")],
            &[("production", v)],
            &[("production", v)],
        )
    };
    let cases = vec![
        Case {
            name: "an empty registry: model, envelopes, version with tags inline, alias to the new version",
            local: prod("1.0.0"),
            remote: RemoteState::default(),
            restore: false,
            want: &["create-model", "upload 1.0.0", "create 1.0.0 with 3 tags", "alias production -> new 1.0.0"],
        },
        Case {
            name: "in sync: nothing to do (a re-push creates nothing)",
            local: prod("1.0.0"),
            remote: RemoteState {
                model: Some(model(&[("production", "1")])),
                versions: vec![rv("1", "1.0.0", "production", "e1")],
                ..Default::default()
            },
            restore: false,
            want: &[],
        },
        Case {
            name: "found by tag, not by number: version 7 is 1.0.0",
            local: prod("1.0.0"),
            remote: RemoteState {
                model: Some(model(&[])),
                versions: vec![rv("7", "1.0.0", "production", "e1")],
                ..Default::default()
            },
            restore: false,
            want: &["alias production -> #7"],
        },
        Case {
            name: "a stage moved: only the tag that differs is set",
            local: prod("1.0.0"),
            remote: RemoteState {
                model: Some(model(&[("production", "1")])),
                versions: vec![rv("1", "1.0.0", "canary", "e1")],
                ..Default::default()
            },
            restore: false,
            want: &["tag #1 steward.stage=production"],
        },
        Case {
            name: "new envelopes: upload them, then the envelope tag last",
            local: prod("1.0.0"),
            remote: RemoteState {
                model: Some(model(&[("production", "1")])),
                versions: vec![rv("1", "1.0.0", "canary", "e0")],
                ..Default::default()
            },
            restore: false,
            want: &["upload 1.0.0", "tag #1 steward.stage=production", "tag #1 steward.envelopes=e1"],
        },
        Case {
            name: "a changed description and owner are set",
            local: prod("1.0.0"),
            remote: RemoteState {
                model: Some(RemoteModel {
                    description: "old".into(),
                    tags: BTreeMap::new(),
                    aliases: tags(&[("production", "1")]),
                }),
                versions: vec![rv("1", "1.0.0", "production", "e1")],
                ..Default::default()
            },
            restore: false,
            want: &["describe-model", "model-tag steward.owner"],
        },
        Case {
            name: "stale alias: the old production version held it under a signed record, the push moves it",
            local: local(
                vec![lv("1.0.0", "rollback-target", "e1"), lv("2.0.0", "production", "e2")],
                &[("production", "2.0.0"), ("rollback", "1.0.0")],
                &[("production", "1.0.0"), ("production", "2.0.0"), ("rollback", "1.0.0")],
            ),
            remote: RemoteState {
                model: Some(model(&[("production", "1")])),
                versions: vec![rv("1", "1.0.0", "rollback-target", "e1"), rv("2", "2.0.0", "production", "e2")],
                ..Default::default()
            },
            restore: false,
            want: &["alias production -> #2", "alias rollback -> #1"],
        },
        Case {
            name: "ungoverned: production set by hand at a version no record put there; reported, not moved",
            local: prod("1.0.0"),
            remote: RemoteState {
                model: Some(model(&[("production", "2")])),
                versions: vec![rv("1", "1.0.0", "production", "e1"), rv("2", "2.0.0", "candidate", "e2")],
                ..Default::default()
            },
            restore: false,
            want: &["UNGOVERNED production #2 (2.0.0) governed 1.0.0"],
        },
        Case {
            name: "ungoverned and restore asked: moved back to the governed version",
            local: prod("1.0.0"),
            remote: RemoteState {
                model: Some(model(&[("production", "2")])),
                versions: vec![rv("1", "1.0.0", "production", "e1"), rv("2", "2.0.0", "candidate", "e2")],
                ..Default::default()
            },
            restore: true,
            want: &["alias production -> #1", "UNGOVERNED production #2 (2.0.0) governed 1.0.0"],
        },
        Case {
            name: "ungoverned: canary set on a version made outside Steward (no steward tag)",
            local: prod("1.0.0"),
            remote: RemoteState {
                model: Some(model(&[("production", "1"), ("canary", "9")])),
                versions: vec![
                    rv("1", "1.0.0", "production", "e1"),
                    RemoteVersion { number: "9".into(), source: String::new(), tags: BTreeMap::new(), user_id: None, last_updated_ms: None },
                ],
                ..Default::default()
            },
            restore: true,
            want: &["unalias canary", "UNGOVERNED canary #9 (untagged) governed none"],
        },
        Case {
            name: "other aliases are not Steward's",
            local: prod("1.0.0"),
            remote: RemoteState {
                model: Some(model(&[("production", "1"), ("champion", "1")])),
                versions: vec![rv("1", "1.0.0", "production", "e1")],
                ..Default::default()
            },
            restore: false,
            want: &[],
        },
        Case {
            name: "duplicate versions from a lost create answer: reported, the lowest is used, the extra deleted last",
            local: prod("1.0.0"),
            remote: RemoteState {
                model: Some(model(&[])),
                versions: vec![rv("4", "1.0.0", "production", "e1"), rv("3", "1.0.0", "production", "e1")],
                ..Default::default()
            },
            restore: false,
            want: &["alias production -> #3", "delete #4", "DUPLICATE 1.0.0 [\"3\", \"4\"]"],
        },
        Case {
            name: "a duplicate from another source (tagged by hand) is reported, not deleted",
            local: prod("1.0.0"),
            remote: RemoteState {
                model: Some(model(&[("production", "3")])),
                versions: vec![
                    rv("3", "1.0.0", "production", "e1"),
                    RemoteVersion { source: "s3://someone/else".into(), ..rv("4", "1.0.0", "production", "e1") },
                ],
                ..Default::default()
            },
            restore: false,
            want: &["DUPLICATE 1.0.0 [\"3\", \"4\"]"],
        },
        Case {
            name: "a copy with Steward's tags but another source is never taken for Steward's, even listed first",
            local: prod("1.0.0"),
            remote: RemoteState {
                model: Some(model(&[("production", "2")])),
                versions: vec![
                    RemoteVersion { source: "s3://evil/backdoored".into(), ..rv("2", "1.0.0", "production", "e1") },
                    rv("3", "1.0.0", "production", "e1"),
                ],
                ..Default::default()
            },
            restore: false,
            want: &["UNGOVERNED production #2 (1.0.0) governed 1.0.0", "DUPLICATE 1.0.0 [\"3\", \"2\"]"],
        },
        Case {
            name: "the copy alone (Steward's version deleted): the version is made again, the alias on the copy is ungoverned",
            local: prod("1.0.0"),
            remote: RemoteState {
                model: Some(model(&[("production", "6")])),
                versions: vec![RemoteVersion {
                    source: "s3://evil/backdoored".into(),
                    ..rv("6", "1.0.0", "production", "e1")
                }],
                ..Default::default()
            },
            restore: false,
            want: &["upload 1.0.0", "create 1.0.0 with 3 tags", "UNGOVERNED production #6 (1.0.0) governed 1.0.0"],
        },
        Case {
            name: "an alias on the duplicate is not governed",
            local: prod("1.0.0"),
            remote: RemoteState {
                model: Some(model(&[("production", "4")])),
                versions: vec![rv("3", "1.0.0", "production", "e1"), rv("4", "1.0.0", "production", "e1")],
                ..Default::default()
            },
            restore: false,
            want: &["UNGOVERNED production #4 (1.0.0) governed 1.0.0", "DUPLICATE 1.0.0 [\"3\", \"4\"]"],
        },
        Case {
            name: "remote ahead: another workspace's verified record explains the alias; not touched",
            local: LocalModel {
                remote_held: [("production".to_string(), ["2.0.0".to_string()].into())].into(),
                ..prod("1.0.0")
            },
            remote: RemoteState {
                model: Some(model(&[("production", "2")])),
                versions: vec![rv("1", "1.0.0", "production", "e1"), rv("2", "2.0.0", "production", "e2")],
                ..Default::default()
            },
            restore: false,
            want: &["REMOTE-AHEAD production 2.0.0"],
        },
        Case {
            name: "a version that no stage holds any more loses its alias",
            local: local(vec![lv("1.0.0", "deprecated", "e1")], &[], &[("canary", "1.0.0")]),
            remote: RemoteState {
                model: Some(model(&[("canary", "1")])),
                versions: vec![rv("1", "1.0.0", "canary", "e1")],
                ..Default::default()
            },
            restore: false,
            want: &["tag #1 steward.stage=deprecated", "unalias canary"],
        },
        Case {
            name: "documents of a new version go up before its create",
            local: local(
                vec![with_docs(lv("1.0.0", "candidate", "e1"), "d2", &["a", "b"])],
                &[],
                &[],
            ),
            remote: RemoteState {
                model: Some(model(&[])),
                ..Default::default()
            },
            restore: false,
            want: &["upload 1.0.0", "upload 1.0.0", "upload 1.0.0", "create 1.0.0 with 4 tags"],
        },
        Case {
            name: "a new revision uploads only what the registry does not list, then its tag",
            local: local(
                vec![with_docs(lv("1.0.0", "candidate", "e1"), "d2", &["a", "b"])],
                &[],
                &[],
            ),
            remote: RemoteState {
                model: Some(model(&[])),
                versions: vec![with_doc_tag(rv("1", "1.0.0", "candidate", "e1"), "d1")],
                listed: [(
                    ("1.0.0".to_string(), DOCS.to_string()),
                    ["steward/m/1.0.0/documents/a.json".to_string()].into(),
                )]
                .into(),
            },
            restore: false,
            want: &["upload 1.0.0", "tag #1 steward.documents=d2"],
        },
        Case {
            name: "a set without a listing is uploaded whole",
            local: local(
                vec![with_docs(lv("1.0.0", "candidate", "e1"), "d2", &["a", "b"])],
                &[],
                &[],
            ),
            remote: RemoteState {
                model: Some(model(&[])),
                versions: vec![rv("1", "1.0.0", "candidate", "e1")],
                ..Default::default()
            },
            restore: false,
            want: &["upload 1.0.0", "upload 1.0.0", "tag #1 steward.documents=d2"],
        },
        Case {
            name: "documents in sync: nothing",
            local: local(
                vec![with_docs(lv("1.0.0", "candidate", "e1"), "d2", &["a", "b"])],
                &[],
                &[],
            ),
            remote: RemoteState {
                model: Some(model(&[])),
                versions: vec![with_doc_tag(rv("1", "1.0.0", "candidate", "e1"), "d2")],
                ..Default::default()
            },
            restore: false,
            want: &[],
        },
        Case {
            name: "a conflict not settled for this workspace's record: the registry's tags and the aliases it holds or would take stand",
            local: conflicted(&["R"]).0,
            remote: conflicted(&["R"]).1,
            restore: false,
            want: &["HELD production at \"\": 1.0.0 conflicts", "HELD canary at \"1.0.0\": 1.0.0 conflicts"],
        },
        Case {
            name: "held even when restoring: a conflicting record is not an ungoverned alias",
            local: conflicted(&["R"]).0,
            remote: conflicted(&["R"]).1,
            restore: true,
            want: &["HELD production at \"\": 1.0.0 conflicts", "HELD canary at \"1.0.0\": 1.0.0 conflicts"],
        },
        Case {
            name: "settled for this workspace's record: the push writes it, its tags and its aliases",
            local: conflicted(&[]).0,
            remote: conflicted(&[]).1,
            restore: false,
            want: &[
                "upload 1.0.0",
                "tag #1 steward.release_record_digest=L",
                "tag #1 steward.stage=production",
                "tag #1 steward.envelopes=e1",
                "alias production -> #1",
                "UNGOVERNED canary #1 (1.0.0) governed none",
            ],
        },
        Case {
            name: "the registry moved on to a record not kept: the hold is for the records named",
            local: conflicted(&["R0"]).0,
            remote: conflicted(&["R0"]).1,
            restore: false,
            want: &[
                "upload 1.0.0",
                "tag #1 steward.release_record_digest=L",
                "tag #1 steward.stage=production",
                "tag #1 steward.envelopes=e1",
                "alias production -> #1",
                "UNGOVERNED canary #1 (1.0.0) governed none",
            ],
        },
        Case {
            name: "a held version does not hold the others: 2.0.0 still gets its alias",
            local: {
                let (mut l, _) = conflicted(&["R"]);
                l.versions.push(lv("2.0.0", "candidate", "e2"));
                l.aliases.insert("candidate".into(), "2.0.0".into());
                l
            },
            remote: conflicted(&["R"]).1,
            restore: false,
            want: &[
                "upload 2.0.0",
                "create 2.0.0 with 3 tags",
                "alias candidate -> new 2.0.0",
                "HELD production at \"\": 1.0.0 conflicts",
                "HELD canary at \"1.0.0\": 1.0.0 conflicts",
            ],
        },
    ];
    for case in cases {
        let got = show(&plan(&case.local, &case.remote, case.restore));
        assert_eq!(got, case.want, "{}", case.name);
    }
}

#[test]
fn planning_the_result_of_a_plan_is_empty() {
    // Apply a plan to a registry by hand: the second plan has nothing left to do.
    let l = local(
        vec![
            lv("1.0.0", "rollback-target", "e1"),
            lv("2.0.0", "production", "e2"),
        ],
        &[("production", "2.0.0"), ("rollback", "1.0.0")],
        &[("production", "2.0.0"), ("rollback", "1.0.0")],
    );
    let after = RemoteState {
        model: Some(RemoteModel {
            description: l.description.clone(),
            tags: l.tags.clone(),
            aliases: tags(&[("production", "2"), ("rollback", "1")]),
        }),
        versions: l
            .versions
            .iter()
            .enumerate()
            .map(|(i, v)| RemoteVersion {
                number: (i + 1).to_string(),
                source: v.source.clone(),
                tags: v.tags.clone(),
                user_id: None,
                last_updated_ms: None,
            })
            .collect(),
        ..Default::default()
    };
    assert_eq!(plan(&l, &after, false), Plan::default());
}

#[test]
fn operations_describe_themselves_for_progress_lines() {
    let cases: Vec<(Op, &str)> = vec![
        (
            Op::CreateModel {
                description: String::new(),
                tags: BTreeMap::new(),
            },
            "creating the registered model",
        ),
        (
            Op::UploadArtifact {
                version: "1.0.0-1".into(),
                path: "steward/m/1.0.0-1/records/ab.dsse.json".into(),
            },
            "uploading 1.0.0-1 records",
        ),
        (
            Op::CreateVersion {
                version: "1.0.0-1".into(),
                source: String::new(),
                description: String::new(),
                tags: BTreeMap::new(),
            },
            "creating version 1.0.0-1",
        ),
        (
            Op::SetVersionTag {
                version: "1.0.0-1".into(),
                number: "3".into(),
                key: "steward.stage".into(),
                value: "canary".into(),
            },
            "tagging 1.0.0-1 steward.stage",
        ),
        (
            Op::SetAlias {
                alias: "production".into(),
                target: VersionRef::Steward("1.1.0-2".into()),
            },
            "pointing production at 1.1.0-2",
        ),
        (
            Op::SetAlias {
                alias: "rollback".into(),
                target: VersionRef::Number("4".into()),
            },
            "pointing rollback at registry version 4",
        ),
        (
            Op::DeleteAlias {
                alias: "canary".into(),
            },
            "removing alias canary",
        ),
    ];
    for (op, want) in cases {
        assert_eq!(op.describe(), want);
    }
}
