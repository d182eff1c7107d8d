//! Release documents through the real `steward` binary: a model card from its template to a
//! complete release set, history, diff and restore, exports, the demo's documents, and bad
//! input that changes nothing.

use std::process::Command;

use steward_tests::{binary, Steward};

const CARD: &str = "---
model_name: copilot
license: apache-2.0
language: [en]
datasets: [tickets@2026-11-01]
base_model: companyos-lm-7b
intended_use: Summaries for support agents, reviewed before use.
---

# Model card for copilot 1.0.0-1

## Model details

Summarizes support tickets.

## Uses

Agents read summaries in the console.

### Out-of-scope use

- Legal advice.

## Bias, risks, and limitations

- Weaker on mixed-language tickets.

## Training details

tickets@2026-11-01.

## Evaluation

ROUGE-L 0.41 on the golden set.

## Environmental impact

4 GPU-hours.

## Technical specifications

7B decoder, 8k context.

## Model card contact

maya@example.com
";

fn sections(titles: &[&str]) -> String {
    titles
        .iter()
        .map(|t| format!("## {t}\n\nWritten by the owner.\n\n"))
        .collect()
}

fn eval_report() -> String {
    format!(
        "---\nbaseline_version: 0.9.0-1\neval_datasets: [tickets@2026-11-01]\n---\n\n{}",
        sections(&[
            "Summary",
            "Evaluation data",
            "Metrics and thresholds",
            "Results",
            "Slices and fairness",
            "Safety and red-team",
            "Residual risks"
        ])
    )
}

fn risk_assessment() -> String {
    format!(
        "---\nassessor: RAI board\nreview_date: 2026-11-20\nrisks:\n  - id: R-1\n    title: Wrong figures\n    category: confabulation\n    likelihood: 3\n    impact: 4\n    treatment: mitigate\n    mitigation: agents check figures\n    owner: maya@example.com\n    residual_likelihood: 2\n    residual_impact: 3\n---\n\n{}",
        sections(&["Summary", "Risk register", "Residual risk and acceptance"])
    )
}

fn runbook() -> String {
    format!(
        "---\noncall_team: copilot-sre\nescalation_channel: \"#inc-copilot\"\ndashboards: [copilot prod]\nalerts: [latency-p99]\n---\n\n{}",
        sections(&["Service overview", "Dashboards", "Alerts", "Escalation paths", "Rollback steps", "Known failure modes"])
    )
}

fn rollout_plan(hours: u32, kill_switch: &str) -> String {
    format!(
        "---\ncanary_share_percent: 2\ncanary_duration_hours: {hours}\nfeature_flag: copilot_v1\nshadow_mode: true\nkill_switch: \"{kill_switch}\"\nrollback_trigger: p99 over SLO\n---\n\n{}",
        sections(&["Stages", "Canary", "Shadow mode", "Kill switch", "Rollback triggers", "Communication"])
    )
}

fn data_sheet(checksum: &str) -> String {
    format!(
        "---\ndataset: tickets@2026-11-01\nmanifest_checksum: \"{checksum}\"\nsource: crm export\nlicense: internal\nconsent: customer terms\nretention: 12 months\npersonal_data: false\n---\n\n{}",
        sections(&["Motivation", "Composition", "Collection process", "Preprocessing, cleaning, labeling", "Uses", "Distribution", "Maintenance"])
    )
}

/// A workspace with one model version linked to one dataset snapshot.
fn workspace() -> (Steward, String) {
    let s = Steward::new();
    s.ok(&["init"]);
    s.ok(&["model", "add", "copilot", "--owner", "maya@example.com"]);
    s.ok(&[
        "version",
        "add",
        "copilot",
        "1.0.0-1",
        "--commit",
        "3f9c2a1e7b",
    ]);
    let data = s.path("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    std::fs::write(data.join("train.csv"), "a,b\n1,2\n").expect("write");
    let snap = s.snapshot_tickets(
        &data,
        &[
            "--consent",
            "customer terms",
            "--retention",
            "12 months",
            "--personal-data",
            "no",
        ],
    );
    s.ok(&[
        "version",
        "link-dataset",
        "copilot@1.0.0-1",
        "tickets@2026-11-01",
    ]);
    let checksum = snap["summary"]["manifest_checksum"]
        .as_str()
        .expect("checksum")
        .to_string();
    (s, checksum)
}

fn write(s: &Steward, name: &str, text: &str) -> String {
    let path = s.path(name);
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

/// `steward doc export TARGET --format FORMAT -o FILE` (FILE in the test's folder), insisting
/// on exit 0; what it wrote.
fn export(s: &Steward, target: &str, format: &str, file: &str) -> String {
    let out = s.path(file);
    s.ok(&[
        "doc",
        "export",
        target,
        "--format",
        format,
        "-o",
        &out.display().to_string(),
    ]);
    std::fs::read_to_string(out).expect(file)
}

#[test]
fn a_model_card_from_template_to_a_complete_release_set() {
    let (s, checksum) = workspace();
    let created = s.ok(&["doc", "new", "copilot@1.0.0-1", "model-card"]);
    assert!(
        created.stdout.contains("from its template (r1"),
        "{}",
        created.stdout
    );
    let shown = s
        .ok(&["doc", "show", "copilot@1.0.0-1", "model-card"])
        .stdout;
    assert!(
        shown.contains("# Model card for copilot 1.0.0-1") && shown.contains("> Guidance:"),
        "{shown}"
    );

    // The fresh card has gaps, and the other required documents do not exist yet.
    let check = s.run(&["doc", "check", "copilot@1.0.0-1"]);
    assert_eq!(check.code, 1, "{}{}", check.stdout, check.stderr);
    for needle in [
        "front-matter field `license` is missing",
        "template guidance is still in place",
        "eval-report",
        "MISSING",
        "data-sheet       tickets@2026-11-01",
    ] {
        assert!(check.stdout.contains(needle), "{needle}: {}", check.stdout);
    }
    let json = s.run(&["doc", "check", "copilot@1.0.0-1", "--json"]);
    assert_eq!(json.code, 1);
    let json = json.json();
    assert_eq!(json["complete"], false);
    assert_eq!(json["documents"].as_array().map(Vec::len), Some(6));

    // Fill it in: a new revision; the same text again creates none.
    let card = write(&s, "card.md", CARD);
    let saved = s.ok(&[
        "doc",
        "save",
        "copilot@1.0.0-1",
        "model-card",
        &card,
        "-m",
        "first full draft",
    ]);
    assert!(
        saved.stdout.contains("as r2 (complete)"),
        "{}",
        saved.stdout
    );
    let again = s.ok(&["doc", "save", "copilot@1.0.0-1", "model-card", &card]);
    assert!(again.stdout.contains("no changes"), "{}", again.stdout);

    // History, diff and restore: nothing is lost.
    let history = s
        .ok(&["doc", "history", "copilot@1.0.0-1", "model-card", "--json"])
        .json();
    let numbers: Vec<u64> = history
        .as_array()
        .expect("list")
        .iter()
        .map(|r| r["number"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(numbers, [2, 1]);
    assert_eq!(history[0]["parent"], 1);
    assert_eq!(history[0]["author"], "journey-tester");
    assert_eq!(history[0]["message"], "first full draft");
    assert!(history[0]["sha256"]
        .as_str()
        .unwrap_or("")
        .starts_with("sha256:"));
    let diff = s.ok(&["doc", "diff", "copilot@1.0.0-1", "model-card", "1", "2"]);
    assert!(
        diff.stdout.contains("-> Guidance:")
            && diff.stdout.contains("+Summarizes support tickets."),
        "{}",
        diff.stdout
    );
    assert!(
        diff.stdout.starts_with("--- copilot@1.0.0-1 model-card r1"),
        "{}",
        diff.stdout
    );
    let restored = s.ok(&["doc", "restore", "copilot@1.0.0-1", "model-card", "1"]);
    assert!(
        restored
            .stdout
            .contains("restored r1 of the model-card of copilot@1.0.0-1 as r3"),
        "{}",
        restored.stdout
    );
    let r3 = s
        .ok(&["doc", "show", "copilot@1.0.0-1", "model-card", "--json"])
        .json();
    assert_eq!(r3["revision"]["number"], 3);
    assert_eq!(r3["completeness"]["complete"], false);
    s.ok(&["doc", "restore", "copilot@1.0.0-1", "model-card", "2"]);
    let old = s
        .ok(&[
            "doc",
            "show",
            "copilot@1.0.0-1",
            "model-card",
            "--revision",
            "1",
            "--json",
        ])
        .json();
    assert_eq!(
        (old["revision"]["number"].as_u64(), old["head"].as_u64()),
        (Some(1), Some(4))
    );
    let html = s
        .ok(&["doc", "show", "copilot@1.0.0-1", "model-card", "--html"])
        .stdout;
    assert!(
        html.contains("<h2>Model details</h2>") && html.contains("<dt>license</dt>"),
        "{html}"
    );

    // The rest of the release set; a rollout plan without a kill switch or with a short canary is a gap.
    for (kind, text) in [
        ("eval-report", eval_report()),
        ("risk-assessment", risk_assessment()),
        ("runbook", runbook()),
        ("rollout-plan", rollout_plan(24, "")),
    ] {
        let file = write(&s, &format!("{kind}.md"), &text);
        s.ok(&["doc", "save", "copilot@1.0.0-1", kind, &file]);
    }
    let sheet = write(&s, "sheet.md", &data_sheet(&checksum));
    s.ok(&["doc", "save", "tickets@2026-11-01", "data-sheet", &sheet]);
    let check = s.run(&["doc", "check", "copilot@1.0.0-1"]);
    assert_eq!(check.code, 1);
    assert!(
        check
            .stdout
            .contains("the canary runs 24 h; it must run at least 48 h"),
        "{}",
        check.stdout
    );
    assert!(
        check.stdout.contains("`kill_switch` is missing"),
        "{}",
        check.stdout
    );
    let plan = write(
        &s,
        "rollout-plan.md",
        &rollout_plan(72, "flag copilot_v1 off"),
    );
    s.ok(&["doc", "save", "copilot@1.0.0-1", "rollout-plan", &plan]);
    let check = s.ok(&["doc", "check", "copilot@1.0.0-1"]);
    assert!(
        check.stdout.contains("all required documents complete"),
        "{}",
        check.stdout
    );

    // Exports.
    let readme = export(&s, "copilot@1.0.0-1", "hf", "README.md");
    assert!(
        readme.starts_with("---\n")
            && readme.contains("license: \"apache-2.0\"")
            && !readme.contains("Guidance"),
        "{readme}"
    );
    let mct: serde_json::Value =
        serde_json::from_str(&export(&s, "copilot@1.0.0-1", "mct", "card.json")).expect("json");
    assert_eq!(mct["model_details"]["name"], "copilot");
    assert_eq!(
        mct["model_parameters"]["data"][0]["name"],
        "tickets@2026-11-01"
    );
    let dossier = export(&s, "copilot@1.0.0-1", "html", "dossier.html");
    for needle in [
        "<!DOCTYPE html>",
        "Model card — copilot@1.0.0-1",
        "Data sheet — tickets@2026-11-01",
        "Rollout plan",
        "@media print",
    ] {
        assert!(dossier.contains(needle), "{needle}");
    }
    for banned in ["<script", "src=", "<link"] {
        assert!(!dossier.contains(banned), "{banned} in the dossier");
    }
    let audit: Vec<String> = s
        .ok(&["audit", "log", "--json"])
        .json()
        .as_array()
        .expect("log")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        audit.iter().any(|a| a == "document.restore")
            && audit.iter().any(|a| a == "document.create"),
        "{audit:?}"
    );
    s.ok(&["audit", "verify"]);
}

/// Everything a user can see of the documents, to prove a failed command changed nothing.
fn snapshot(s: &Steward) -> String {
    let audit = s.ok(&["audit", "log", "--json"]).stdout;
    let history = s
        .ok(&["doc", "history", "copilot@1.0.0-1", "model-card", "--json"])
        .stdout;
    let head = s
        .ok(&["doc", "show", "copilot@1.0.0-1", "model-card"])
        .stdout;
    format!("{audit}\n{history}\n{head}")
}

#[test]
fn bad_documents_get_clear_errors_and_change_nothing() {
    let (s, _) = workspace();
    s.ok(&["doc", "new", "copilot@1.0.0-1", "model-card"]);
    let before = snapshot(&s);

    let broken = write(
        &s,
        "broken.md",
        "---\nlicense: mit\nlanguage: [en\n---\n# Card\n",
    );
    let run = s.fails(
        1,
        &["doc", "save", "copilot@1.0.0-1", "model-card", &broken],
        "front matter is not valid YAML at line 4, column",
    );
    assert!(
        run.stderr.contains("broken.md") && run.stderr.contains("nothing was saved"),
        "{}",
        run.stderr
    );
    let unclosed = write(&s, "unclosed.md", "---\nlicense: mit\n# Card\n");
    s.fails(
        1,
        &["doc", "save", "copilot@1.0.0-1", "model-card", &unclosed],
        "never closed",
    );

    let run = s.fails(
        1,
        &["doc", "new", "copilot@1.0.0-1", "modelcard"],
        "model-card, eval-report, data-sheet, risk-assessment, runbook, rollout-plan",
    );
    assert!(run.stderr.contains("\"modelcard\""), "{}", run.stderr);

    let latin1 = s.path("latin1.md");
    std::fs::write(&latin1, b"---\nlicense: mit\n---\n# Caf\xe9\n").expect("write");
    let run = s.fails(
        1,
        &[
            "doc",
            "save",
            "copilot@1.0.0-1",
            "model-card",
            &latin1.display().to_string(),
        ],
        "is not UTF-8 text",
    );
    assert!(
        run.stderr.contains("latin1.md") && run.stderr.contains("0xe9 at offset 26 (line 4)"),
        "{}",
        run.stderr
    );

    let huge = s.path("huge.md");
    std::fs::write(&huge, vec![b'a'; 50_000_000]).expect("write 50 MB");
    let run = s.fails(
        1,
        &[
            "doc",
            "save",
            "copilot@1.0.0-1",
            "model-card",
            &huge.display().to_string(),
        ],
        "is 47.7 MiB (50000000 bytes); documents are limited to 5.0 MiB",
    );
    assert!(run.stderr.contains("huge.md"), "{}", run.stderr);

    let cases: [(&[&str], &str); 6] = [
        (
            &["doc", "new", "copilot@1.0.0-1", "model-card"],
            "already has a model-card",
        ),
        (
            &["doc", "new", "copilot@1.0.0-1", "data-sheet"],
            "data sheets belong to a dataset snapshot",
        ),
        (
            &["doc", "new", "copilot@9.9.9-9", "runbook"],
            "has no version 9.9.9-9",
        ),
        (
            &["doc", "show", "copilot@1.0.0-1", "runbook"],
            "has no runbook yet; `steward doc new copilot@1.0.0-1 runbook`",
        ),
        (
            &["doc", "restore", "copilot@1.0.0-1", "model-card", "7"],
            "has no revision r7",
        ),
        (
            &[
                "doc",
                "export",
                "copilot@1.0.0-1",
                "--format",
                "pdf",
                "-o",
                "x",
            ],
            "use hf, mct or html",
        ),
    ];
    for (args, needle) in cases {
        s.fails(1, args, needle);
    }
    assert_eq!(snapshot(&s), before);
}

/// `steward doc edit` with an "editor" that is a script: unchanged text creates no revision, an
/// edit creates one, and an edit the save refuses is kept as a draft for the next edit.
#[test]
fn doc_edit_round_trips_through_the_editor() {
    let (s, _) = workspace();
    s.ok(&["doc", "new", "copilot@1.0.0-1", "runbook"]);
    let edit = |editor: &str| {
        let out = Command::new(binary())
            .arg("--workspace")
            .arg(s.workspace())
            .args(["doc", "edit", "copilot@1.0.0-1", "runbook"])
            .env("STEWARD_ACTOR", "journey-tester")
            .env("EDITOR", editor)
            .env_remove("VISUAL")
            .output()
            .expect("run steward");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, out, _) = edit("true");
    assert_eq!(code, 0);
    assert!(out.contains("no changes"), "{out}");
    let script = s.path("fill-oncall.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nsed -i 's/^oncall_team: .*/oncall_team: copilot-sre/' \"$1\"\n",
    )
    .expect("write script");
    let chmod = Command::new("chmod")
        .arg("+x")
        .arg(&script)
        .status()
        .expect("chmod");
    assert!(chmod.success());
    let (code, out, err) = edit(&script.display().to_string());
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("as r2"), "{out}");
    let head = s.ok(&["doc", "show", "copilot@1.0.0-1", "runbook"]).stdout;
    assert!(head.contains("oncall_team: copilot-sre"), "{head}");
    // Break the front matter: refused, kept as a draft, and offered again on the next edit.
    let breaker = s.path("break.sh");
    std::fs::write(
        &breaker,
        "#!/bin/sh\nsed -i 's/^oncall_team: .*/oncall_team: [broken/' \"$1\"\n",
    )
    .expect("write script");
    assert!(Command::new("chmod")
        .arg("+x")
        .arg(&breaker)
        .status()
        .expect("chmod")
        .success());
    let (code, _, err) = edit(&breaker.display().to_string());
    assert_eq!(code, 1);
    assert!(err.contains("kept as a draft"), "{err}");
    let (code, _, err) = edit("true");
    assert_eq!(code, 1, "the draft is still broken: {err}");
    assert!(err.contains("continuing your unsaved draft"), "{err}");
    let history = s
        .ok(&["doc", "history", "copilot@1.0.0-1", "runbook", "--json"])
        .json();
    assert_eq!(history.as_array().map(Vec::len), Some(2));
}

#[test]
fn the_demo_has_complete_production_documents_and_gaps_in_the_candidate() {
    let s = Steward::new();
    s.ok(&["demo"]);
    let prod = s
        .ok(&["doc", "check", "summarize-copilot@1.1.0-8", "--json"])
        .json();
    assert_eq!(prod["complete"], true, "{prod:#}");
    assert_eq!(prod["documents"].as_array().map(Vec::len), Some(7));
    let cand = s.run(&["doc", "check", "summarize-copilot@1.3.0-15", "--json"]);
    assert_eq!(cand.code, 1);
    let cand = cand.json();
    let state: Vec<(String, bool, bool)> = cand["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .map(|d| {
            (
                format!(
                    "{} {}",
                    d["kind"].as_str().unwrap_or(""),
                    d["target"].as_str().unwrap_or("")
                ),
                d["exists"] == true,
                d["complete"] == true,
            )
        })
        .collect();
    assert_eq!(
        state,
        [
            (
                "model-card summarize-copilot@1.3.0-15".to_string(),
                true,
                false
            ),
            (
                "eval-report summarize-copilot@1.3.0-15".to_string(),
                true,
                false
            ),
            // Shared with the canary 1.2.0-12, whose production gate needs it complete.
            (
                "data-sheet meeting-notes@2026-09-15".to_string(),
                true,
                true
            ),
            ("data-sheet synthetic-summaries@v2".to_string(), true, true),
            (
                "risk-assessment summarize-copilot@1.3.0-15".to_string(),
                true,
                false
            ),
            (
                "runbook summarize-copilot@1.3.0-15".to_string(),
                false,
                false
            ),
            (
                "rollout-plan summarize-copilot@1.3.0-15".to_string(),
                true,
                false
            ),
        ]
    );
    // The production card exports with a model-index built from the imported offline evaluations,
    // and its Model Card Toolkit JSON is valid against the shared schema.
    let readme = export(&s, "summarize-copilot@1.1.0-8", "hf", "README.md");
    assert!(
        readme.contains("model-index:")
            && readme.contains("type: \"golden-set\"")
            && readme.contains("type: \"rouge_l\""),
        "{readme}"
    );
    let mct: serde_json::Value =
        serde_json::from_str(&export(&s, "summarize-copilot@1.1.0-8", "mct", "card.json"))
            .expect("json");
    let schema_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/interop/model-card-toolkit.schema.v0.0.2.json");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&schema_path)
            .unwrap_or_else(|e| panic!("{}: {e}", schema_path.display())),
    )
    .expect("schema");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&mct)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(mct["quantitative_analysis"]["performance_metrics"]
        .as_array()
        .is_some_and(|m| !m.is_empty()));
    let risks = s
        .ok(&[
            "doc",
            "show",
            "summarize-copilot@1.1.0-8",
            "risk-assessment",
            "--json",
        ])
        .json();
    assert_eq!(risks["risks"][0]["score"], 12);
    assert_eq!(risks["risks"][0]["band"], "high");
    s.ok(&["audit", "verify"]);
}

#[test]
fn the_dossier_carries_the_evaluation_charts() {
    let s = Steward::new();
    s.ok(&["demo"]);
    let html = export(&s, "summarize-copilot@1.3.0-15", "html", "dossier.html");
    assert!(
        html.contains("<h2>Evaluation charts</h2>"),
        "no chart section"
    );
    // compare, fairness, latency, kpi and drift: the demo candidate has evidence for each.
    assert_eq!(html.matches("src=\"data:image/svg+xml;base64,").count(), 5);
    assert!(
        html.contains("locale=es fails the four-fifths rule"),
        "fairness chart title"
    );
    // A version without evaluations gets the section's gaps, not empty pictures.
    let html = export(&s, "ticket-router@3.5.0-44", "html", "dossier.html");
    assert_eq!(html.matches("<img").count(), 0);
    assert!(html.contains("<ul class=\"empty\">"), "gaps listed");
}
