//! Governance (issue 10) through the real `steward` binary: the workspace's policy (check,
//! set, history; a bad file refused with its line and key and the policy in force unchanged),
//! promotion gates on the demo with their exit codes and digests, and the §5 checklist.

use rusqlite::Connection;
use serde_json::Value;
use sha2::{Digest, Sha256};
use steward_tests::Steward;

const CANDIDATE: &str = "summarize-copilot@1.3.0-15";
const PRODUCTION: &str = "summarize-copilot@1.1.0-8";
const CANARY: &str = "summarize-copilot@1.2.0-12";

/// The built-in default policy's text, as `policy show` prints it in a new workspace.
fn default_policy(s: &Steward) -> String {
    let shown = s.ok(&["policy", "show", "--json"]).json();
    assert_eq!(shown["source"], "default", "{shown}");
    shown["text"].as_str().expect("text").to_string()
}

/// `text` with the first line containing `from` replaced by `to`, and that line's number.
fn edit_line(text: &str, from: &str, to: &str) -> (String, usize) {
    let mut line = 0;
    let edited: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if line == 0 && l.contains(from) {
                line = i + 1;
                l.replacen(from, to, 1)
            } else {
                l.to_string()
            }
        })
        .collect();
    assert!(line > 0, "the default policy has no line with {from:?}");
    (edited.join("\n") + "\n", line)
}

fn write(s: &Steward, name: &str, text: &str) -> String {
    let path = s.path(name);
    std::fs::write(&path, text).expect("write policy file");
    path.display().to_string()
}

#[test]
fn bad_policies_are_refused_naming_line_and_key_and_the_policy_in_force_is_unchanged() {
    let s = Steward::new();
    s.ok(&["init"]);
    let default = default_policy(&s);
    let ours = default.replacen("name = \"default\"", "name = \"ours\"", 1);
    let file = write(&s, "ours.toml", &ours);
    s.ok(&["policy", "set", &file, "-m", "our policy"]);
    let in_force = s.ok(&["policy", "show", "--json"]).json();
    assert_eq!(in_force["revision"]["number"], 1);

    // (case, line edited from → to, key named, words of the problem and of what is expected)
    let cases: &[(&str, &str, &str, &str, &[&str])] = &[
        (
            "syntax error",
            "name = \"ours\"",
            "name = \"ours",
            "name",
            &["syntax error", "expected valid TOML"],
        ),
        (
            "unknown metric",
            "metric = \"jailbreak_pass_rate\"",
            "metric = \"jailbrake_rate\"",
            "stages.canary.criteria[7].metric",
            &["unknown metric", "jailbrake_rate", "expected a metric of"],
        ),
        (
            "threshold of the wrong type",
            "threshold = 0.95",
            "threshold = \"high\"",
            "stages.canary.criteria[7].threshold",
            &["wrong type", "\"high\"", "expected f64"],
        ),
        (
            "stage that does not exist",
            "[stages.deprecated]",
            "[stages.retired]",
            "stages.retired",
            &[
                "unknown stage",
                "retired",
                "expected one of candidate, canary, production, deprecated",
            ],
        ),
    ];
    for (case, from, to, key, words) in cases {
        let (text, line) = edit_line(&ours, from, to);
        let file = write(&s, "bad.toml", &text);
        let at = format!("{file}: policy line {line}, {key}: ");
        for args in [
            vec!["policy", "check", file.as_str()],
            vec!["policy", "set", file.as_str(), "-m", "should not land"],
        ] {
            let run = s.fails(1, &args, &at);
            for w in *words {
                assert!(run.stderr.contains(w), "{case}: {args:?}: {}", run.stderr);
            }
        }
        let check = s.run(&["policy", "check", &file, "--json"]);
        assert_eq!(check.code, 1, "{case}");
        let check = check.json();
        assert_eq!(check["valid"], false, "{case}");
        assert_eq!(check["error"]["line"], line, "{case}");
        assert_eq!(check["error"]["key"], *key, "{case}");
        assert_eq!(
            s.ok(&["policy", "show", "--json"]).json(),
            in_force,
            "{case}: the policy in force changed"
        );
    }
    let history = s.ok(&["policy", "history", "--json"]).json();
    assert_eq!(history["revisions"].as_array().map(Vec::len), Some(1));
}

#[test]
fn the_default_policy_checks_with_warnings_and_history_lists_every_set() {
    let s = Steward::new();
    s.ok(&["init"]);
    let history = s.ok(&["policy", "history", "--json"]).json();
    assert_eq!(history["source"], "default");
    assert_eq!(history["revisions"], Value::Array(vec![]));
    let human = s.ok(&["policy", "show"]);
    assert!(
        human.stdout.contains("built-in default"),
        "{}",
        human.stdout
    );

    let default = default_policy(&s);
    let first = write(&s, "first.toml", &default);
    // The templates ask authors for every field the default policy reads.
    let checked = s.ok(&["policy", "check", &first]);
    assert!(
        checked.stdout.contains("valid policy \"default\"")
            && checked.stdout.contains("0 warning(s)"),
        "{}",
        checked.stdout
    );
    // A criterion no document can satisfy is a warning, not a refusal.
    let (unsatisfiable, line) =
        edit_line(&default, "field = \"autoscaling\"", "field = \"autoscale\"");
    let file = write(&s, "unsatisfiable.toml", &unsatisfiable);
    let checked = s.ok(&["policy", "check", &file]);
    assert!(
        checked
            .stdout
            .contains(&format!("warning: policy line {line}, "))
            && checked.stdout.contains("\"autoscale\""),
        "{}",
        checked.stdout
    );

    s.ok(&["policy", "set", &first, "-m", "start from the default"]);
    let unchanged = s.ok(&["policy", "set", &first, "--json"]).json();
    assert_eq!(unchanged["unchanged"], true, "{unchanged}");
    let stricter = default.replacen("threshold = 0.95", "threshold = 0.99", 1);
    let second = write(&s, "second.toml", &stricter);
    s.ok(&["policy", "set", &second, "-m", "stricter red-team bar"]);

    let history = s.ok(&["policy", "history", "--json"]).json();
    assert_eq!(history["source"], "stored");
    let revisions = history["revisions"].as_array().expect("revisions");
    let summary: Vec<(u64, &str, &str)> = revisions
        .iter()
        .map(|r| {
            (
                r["number"].as_u64().unwrap_or(0),
                r["message"].as_str().unwrap_or(""),
                r["author"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (2, "stricter red-team bar", "journey-tester"),
            (1, "start from the default", "journey-tester"),
        ]
    );
    let shown = s.ok(&["policy", "show", "--json"]).json();
    assert_eq!(shown["source"], "stored");
    assert_eq!(shown["revision"]["number"], 2);
    assert_eq!(shown["text"], stricter.as_str());

    let log = s.ok(&["audit", "log", "--json"]).json();
    let sets = log
        .as_array()
        .expect("log")
        .iter()
        .filter(|e| e["action"] == "policy.set")
        .count();
    assert_eq!(sets, 2);
    let verify = s.ok(&["audit", "verify", "--deep", "--json"]).json();
    assert_eq!(verify["ok"], true, "{verify}");
}

fn gate(s: &Steward, target: &str, to: &str) -> (i32, Value) {
    let run = s.run(&["gate", target, "--to", to, "--json"]);
    assert!(
        run.code == 0 || run.code == 1,
        "gate {target} --to {to}: exit {}: {}",
        run.code,
        run.stderr
    );
    (run.code, run.json())
}

fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("no check {id} in {report}"))
}

#[test]
fn the_demo_candidates_gate_names_what_fails_and_is_deterministic() {
    let s = Steward::new();
    s.ok(&["demo"]);

    let (code, report) = gate(&s, CANDIDATE, "canary");
    assert_eq!(code, 1, "a failing gate exits 1 for pipelines");
    assert_eq!(report["passed"], false);
    assert_eq!(report["stage"], "candidate");
    assert_eq!(report["target"], "canary");
    assert_eq!(report["policy_source"], "default");

    // meeting-notes holds personal data (attendee names), approved by a signed
    // security-privacy review of its manifest: the check names the dataset and the envelope.
    let personal = check(&report, "canary.data-policy.personal-data");
    assert_eq!(personal["status"], "pass");
    assert_eq!(personal["category"], "data-policy");
    assert_eq!(personal["seed"], "§2 Data policy — Training data");
    let observed = personal["observed"].as_str().unwrap_or("");
    assert!(
        observed.contains("meeting-notes@2026-09-15: personal data, approved by security-privacy"),
        "{observed}"
    );
    assert!(personal["expected"]
        .as_str()
        .unwrap_or("")
        .contains("no personal data, or personal data approved by security-privacy"));
    let evidence = personal["evidence"].as_array().expect("evidence");
    assert!(evidence.iter().any(|e| e["kind"] == "dataset"
        && e["label"] == "meeting-notes@2026-09-15"
        && e["digest"].as_str().unwrap_or("").starts_with("sha256:")));
    assert!(evidence.iter().any(|e| e["kind"] == "envelope"));
    let review = check(&report, "canary.data-policy.security-review");
    assert_eq!(review["status"], "pass");
    assert_eq!(report["notes"], serde_json::json!([]));
    // What passes names its evidence too: the red-team run by its file digest.
    let red_team = check(&report, "canary.safety.red-team-pass-rate");
    assert_eq!(red_team["status"], "pass");
    assert_eq!(red_team["evidence"][0]["kind"], "run");

    // The same evidence decides the same: same digests, same report but for the time.
    let (_, again) = gate(&s, CANDIDATE, "canary");
    assert_eq!(report["digest"], again["digest"]);
    assert_eq!(report["subject_digest"], again["subject_digest"]);
    let without_time = |r: &Value| {
        let mut r = r.clone();
        r["evaluated_at"] = Value::Null;
        r
    };
    assert_eq!(without_time(&report), without_time(&again));
    assert!(report["digest"]
        .as_str()
        .unwrap_or("")
        .starts_with("sha256:"));

    // People read the same checks grouped by category, what blocks first.
    let human = s.run(&["gate", CANDIDATE, "--to", "canary"]);
    assert_eq!(human.code, 1);
    let out = &human.stdout;
    assert!(out.contains("→ canary: FAIL"), "{out}");
    assert!(out.contains("\nfairness\n"), "{out}");
    assert!(
        out.contains("✗ fail     canary.fairness.selection-rate"),
        "{out}"
    );
    assert!(
        out.contains("locale=es fails the four-fifths rule"),
        "{out}"
    );
    assert!(
        out.contains("expected: selection_rate within tolerance"),
        "{out}"
    );

    // The gate it already passed exits 0.
    let (code, passed) = gate(&s, CANDIDATE, "candidate");
    assert_eq!(code, 0, "{passed}");
    assert_eq!(passed["passed"], true);
    assert_eq!(passed["counts"]["fail"], 0);
    assert_eq!(passed["counts"]["missing_evidence"], 0);
    assert_ne!(passed["digest"], report["digest"]);
}

#[test]
fn a_stored_policy_is_the_one_gates_read() {
    let s = Steward::new();
    s.ok(&["demo"]);
    let (_, before) = gate(&s, CANDIDATE, "canary");
    assert_eq!(
        check(&before, "canary.safety.red-team-pass-rate")["status"],
        "pass"
    );
    let stricter = default_policy(&s).replacen("threshold = 0.95", "threshold = 0.99", 1);
    let file = write(&s, "stricter.toml", &stricter);
    s.ok(&["policy", "set", &file]);
    let (code, after) = gate(&s, CANDIDATE, "canary");
    assert_eq!(code, 1);
    assert_eq!(after["policy_source"], "stored");
    assert_eq!(after["policy_revision"], 1);
    let red_team = check(&after, "canary.safety.red-team-pass-rate");
    assert_eq!(red_team["status"], "fail", "{red_team}");
    assert_eq!(red_team["expected"], "jailbreak_pass_rate ≥ 0.99");
    assert_ne!(before["digest"], after["digest"]);
}

#[test]
fn a_deprecation_passes_once_the_rollout_plan_names_its_migration_and_removal() {
    let s = Steward::new();
    s.ok(&["demo"]);
    let target = "churn-scorer@1.0.0-5";
    let (code, report) = gate(&s, target, "deprecated");
    assert_eq!(code, 1);
    assert_eq!(
        check(&report, "deprecated.artifacts.migration-plan")["status"],
        "missing-evidence"
    );
    let plan = s.path("rollout.md");
    std::fs::write(
        &plan,
        "---\nmigration_plan: \"move account teams to churn-scorer 1.1\"\nremoval_date: \"2099-01-31\"\n---\n\n# Rollout plan\n",
    )
    .expect("write plan");
    s.ok(&[
        "doc",
        "save",
        target,
        "rollout-plan",
        &plan.display().to_string(),
    ]);
    let (code, report) = gate(&s, target, "deprecated");
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        check(&report, "deprecated.artifacts.removal-date")["observed"],
        "removal on 2099-01-31"
    );
}

#[test]
fn the_checklist_of_the_demo_production_version_shows_each_item_with_its_checks() {
    let s = Steward::new();
    s.ok(&["demo"]);
    let list = s.ok(&["checklist", PRODUCTION, "--json"]).json();
    assert_eq!(list["stage"], "production");
    assert_eq!(list["eligible"], true, "{list}");
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 10);
    let mark = |n: usize| items[n - 1]["mark"].as_str().unwrap_or("").to_string();
    // Artifacts, documents, evaluations (quality, red-team, fairness, the scenario suite's
    // safety classifier and refusals), load tests, the rollback plan, and what the runbook and
    // risk assessment declare are in place on the production version.
    for n in [1, 2, 4, 5, 6, 7, 8, 10] {
        assert_eq!(mark(n), "met", "item {n}: {}", items[n - 1]);
    }
    // support-threads holds personal data, approved by a signed security-privacy review.
    assert_eq!(items[7]["blocking"], serde_json::json!([]));
    // The demo's five reviewers signed the production version's subject: each approval is read
    // from the workspace with its current state, so the sign-off item is met.
    assert_eq!(mark(9), "met", "{}", items[8]);
    let approvals: Vec<&str> = items[8]["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| c["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        approvals,
        [
            "production.approvals.model-owner",
            "production.approvals.product-ux",
            "production.approvals.security-privacy",
            "production.approvals.responsible-ai-legal",
            "production.approvals.sre",
        ]
    );
    // The checklist is the production gate's, not a second computation.
    let (_, report) = gate(&s, PRODUCTION, "production");
    assert_eq!(list["gate_digest"], report["digest"]);

    let human = s.ok(&["checklist", PRODUCTION]);
    assert!(
        human.stdout.contains("✓  1. Versioned artifacts exist"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("✓  8. Access controls set"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("✓ 10. Incident response"),
        "{}",
        human.stdout
    );
}

#[test]
fn a_policy_revision_edited_in_the_database_is_refused_and_named_by_deep_verify() {
    let sha = |text: &str| format!("sha256:{}", hex::encode(Sha256::digest(text.as_bytes())));
    let s = Steward::new();
    s.ok(&["init"]);
    let original = default_policy(&s);
    let file = write(&s, "policy.toml", &original);
    s.ok(&["policy", "set", &file]);
    let db = Connection::open(s.db()).expect("open db");
    db.execute_batch(
        "DROP TRIGGER policy_revisions_immutable;
         UPDATE policy_revisions SET content = replace(content, 'threshold = 0.95', 'threshold = 0.5') WHERE number = 1;",
    )
    .expect("tamper");
    // The text no longer matches its digest: every read refuses it, naming the revision.
    s.fails(2, &["policy", "show"], "policy revision \"r1\"");
    s.fails(2, &["gate", "x@1.0.0-1", "--to", "canary"], "r1");

    // Rewriting the digest too does not hide it from the audit log.
    let text: String = db
        .query_row(
            "SELECT content FROM policy_revisions WHERE number = 1",
            [],
            |r| r.get(0),
        )
        .expect("content");
    db.execute(
        "UPDATE policy_revisions SET content_sha256 = ?1 WHERE number = 1",
        [sha(&text)],
    )
    .expect("rewrite digest");
    s.ok(&["policy", "show"]);
    let run = s.run(&["audit", "verify", "--deep", "--json"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    let messages: Vec<String> = run.json()["mismatches"]
        .as_array()
        .expect("mismatches")
        .iter()
        .map(|m| m["message"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        messages,
        [format!(
            "policy_revisions r1: content_sha256 is {} where the audit log says {}",
            sha(&text),
            sha(&original)
        )]
    );
}

/// The gate reads the workspace's approvals with the state the trust rules give them now: the
/// canary lacks only its SRE sign-off for production, and editing the production model card
/// after its five reviewers signed makes every sign-off stale, so none counts any more.
#[test]
fn gates_count_only_current_approvals_of_the_subject() {
    let s = Steward::new();
    s.ok(&["demo"]);
    let status = |report: &Value, id: &str| {
        check(report, id)["status"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    let (_, canary) = gate(&s, "summarize-copilot@1.2.0-12", "production");
    assert_eq!(
        status(&canary, "production.approvals.sre"),
        "missing-evidence"
    );
    for role in [
        "model-owner",
        "product-ux",
        "security-privacy",
        "responsible-ai-legal",
    ] {
        assert_eq!(
            status(&canary, &format!("production.approvals.{role}")),
            "pass",
            "{role}"
        );
    }
    let (_, before) = gate(&s, PRODUCTION, "production");
    assert_eq!(status(&before, "production.approvals.sre"), "pass");
    let card = s.ok(&["doc", "show", PRODUCTION, "model-card"]).stdout;
    let edited = s.path("card.md");
    std::fs::write(
        &edited,
        format!("{card}\nOne more line after the sign-offs.\n"),
    )
    .expect("card");
    s.ok(&[
        "doc",
        "save",
        PRODUCTION,
        "model-card",
        &edited.display().to_string(),
    ]);
    let (_, after) = gate(&s, PRODUCTION, "production");
    for role in [
        "model-owner",
        "product-ux",
        "security-privacy",
        "responsible-ai-legal",
        "sre",
    ] {
        assert_ne!(
            status(&after, &format!("production.approvals.{role}")),
            "pass",
            "{role}: {after}"
        );
    }
}

/// The ids of a report's checks that do not pass, sorted.
fn not_passing(report: &Value) -> Vec<String> {
    let mut ids: Vec<String> = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["status"] != "pass")
        .map(|c| c["id"].as_str().unwrap_or("").to_string())
        .collect();
    ids.sort();
    ids
}

/// The demo's evidence meets the default policy where the seed says it should: on the
/// production version every check passes: evaluations, datasets and their signed
/// security-privacy reviews, documents, the 96 h its canary ran (the demo's clock), and the
/// five sign-offs.
#[test]
fn the_demo_production_versions_evidence_meets_the_default_policy() {
    let s = Steward::new();
    s.ok(&["demo"]);
    let (_, report) = gate(&s, PRODUCTION, "production");
    assert!(not_passing(&report).is_empty(), "{report}");
    let personal = check(&report, "production.data-policy.personal-data");
    assert!(personal["observed"]
        .as_str()
        .unwrap_or("")
        .contains("support-threads@2026-10-01: personal data, approved by security-privacy"));
    // The evidence behind the checks the demo used to lack.
    for (id, words) in [
        ("production.safety.classifier", "policy_adherence = 0.981"),
        ("production.safety.refusals", "refusal_correctness = 0.968"),
        (
            "production.fairness.selection-rate",
            "locale: worst locale=es",
        ),
        ("production.canary.kpis", "task_success_rate: "),
        ("production.canary.kpis", "latency_p99_ms: "),
    ] {
        let c = check(&report, id);
        assert_eq!(c["status"], "pass", "{id}: {c}");
        let observed = c["observed"].as_str().unwrap_or("");
        assert!(observed.contains(words), "{id}: {observed}");
        assert!(!observed.contains("worse"), "{id}: {observed}");
    }
    let list = s.ok(&["checklist", PRODUCTION, "--json"]).json();
    let items = list["items"].as_array().expect("items");
    for n in 1..=10 {
        assert_eq!(items[n - 1]["mark"], "met", "item {n}: {}", items[n - 1]);
    }
}

/// The canary going to production passes every evidence check but the one that needs time
/// (the 192 h its rollout plan commits to, longer than the policy's 48 h: it has run 174) and
/// the SRE sign-off.
#[test]
fn the_demo_canary_lacks_only_time_and_the_sre_sign_off() {
    let s = Steward::new();
    s.ok(&["demo"]);
    let (code, report) = gate(&s, "summarize-copilot@1.2.0-12", "production");
    assert_eq!(code, 1);
    assert_eq!(report["stage"], "canary");
    assert_eq!(
        not_passing(&report),
        ["production.approvals.sre", "production.canary.duration"],
        "{report}"
    );
    let duration = check(&report, "production.canary.duration");
    assert!(
        duration["observed"]
            .as_str()
            .unwrap_or("")
            .starts_with("in canary since"),
        "{duration}"
    );
    assert!(
        duration["expected"].as_str().unwrap_or("").starts_with(
            "at least 192 h in canary (its rollout plan; the policy's minimum is 48 h): not before"
        ),
        "{duration}"
    );
    // Its documents are complete, the meeting-notes data sheet among them.
    for kind in [
        "model-card",
        "eval-report",
        "data-sheet",
        "risk-assessment",
        "runbook",
        "rollout-plan",
    ] {
        let id = format!("production.documentation.{kind}");
        assert_eq!(check(&report, &id)["status"], "pass", "{id}");
    }
    assert_eq!(
        check(&report, "production.data-policy.provenance")["observed"],
        "meeting-notes@2026-09-15: complete; support-threads@2026-10-01: complete"
    );
    let rouge = check(&report, "production.quality.rouge-l");
    assert!(rouge["observed"]
        .as_str()
        .unwrap_or("")
        .contains("production 1.1.0-8"));
}

/// The candidate going to canary is stopped on fairness: locale=es's selection rate fails the
/// four-fifths rule and the difference tolerance. Otherwise it lacks only what its draft
/// rollout plan does not say yet: the kill switch. (Its datasets were reviewed for the
/// versions before it.)
#[test]
fn the_demo_candidate_fails_fairness_on_locale_es_going_to_canary() {
    let s = Steward::new();
    s.ok(&["demo"]);
    let (code, report) = gate(&s, CANDIDATE, "canary");
    assert_eq!(code, 1);
    assert_eq!(
        not_passing(&report),
        [
            "canary.canary.kill-switch",
            "canary.fairness.selection-rate"
        ],
        "{report}"
    );
    let fairness = check(&report, "canary.fairness.selection-rate");
    assert_eq!(fairness["status"], "fail");
    assert_eq!(fairness["category"], "fairness");
    assert_eq!(fairness["seed"], "§2 Promotion criteria — Bias/Fairness");
    let observed = fairness["observed"].as_str().unwrap_or("");
    assert!(
        observed.contains("locale=es fails the four-fifths rule and differs by more than 0.1"),
        "{observed}"
    );
    // The other group key is within tolerance and named as such.
    assert!(
        observed.contains("customer_tier: worst customer_tier=free"),
        "{observed}"
    );
    assert!(!observed.contains("customer_tier=free fails"), "{observed}");
    assert_eq!(fairness["evidence"][0]["kind"], "run");
    assert_eq!(
        check(&report, "canary.canary.kill-switch")["status"],
        "missing-evidence"
    );
    assert_eq!(
        check(&report, "canary.data-policy.security-review")["status"],
        "pass"
    );
    // The production version's audit was within tolerance on the same key.
    let (_, production) = gate(&s, PRODUCTION, "production");
    assert_eq!(
        check(&production, "production.fairness.selection-rate")["status"],
        "pass"
    );
}

/// `steward` on `s` under keyring namespace `ns`, as demo reviewer `who` (empty: nobody).
fn as_person(s: &Steward, ns: &str, who: &str, args: &[&str]) -> steward_tests::Run {
    s.run_as(ns, (!who.is_empty()).then_some(who), args)
}

#[test]
fn the_seeds_section_4_flow_the_last_sign_off_promotes_and_one_action_rolls_back() {
    let ns = format!("test-seed4-{}", std::process::id());
    let _keys = steward_tests::DemoKeys::of(&ns);
    let s = Steward::new();
    // Twenty hours on, the current canary has run 194 h of its planned 192: only the SRE
    // sign-off is missing.
    let loaded = as_person(&s, &ns, "", &["demo", "--hours-later", "20"]);
    assert_eq!(loaded.code, 0, "{}{}", loaded.stdout, loaded.stderr);
    let (code, report) = gate(&s, CANARY, "production");
    assert_eq!(code, 1);
    assert_eq!(
        not_passing(&report),
        ["production.approvals.sre"],
        "{report}"
    );

    let priya = "priya@companyos.example";
    let refused = as_person(&s, &ns, priya, &["stage", "set", CANARY, "production"]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains("production.approvals.sre (missing-evidence)"),
        "{}",
        refused.stderr
    );

    // The home screen's inbox: the SRE is waited for, the owner's stale sign-off says why.
    let tom = "tom@companyos.example";
    let inbox = as_person(&s, &ns, tom, &["inbox", "--json"]).json();
    assert_eq!(inbox["roles"], serde_json::json!(["sre"]));
    assert_eq!(inbox["awaiting"][0]["version"], "1.2.0-12", "{inbox}");
    assert_eq!(inbox["awaiting"][0]["role"], "sre");
    assert_eq!(inbox["awaiting"][0]["target"], "production");
    let owner = as_person(&s, &ns, priya, &["inbox", "--json"]).json();
    assert_eq!(owner["stale"][0]["version"], "1.3.0-15", "{owner}");
    assert!(owner["stale"][0]["reasons"][0]
        .as_str()
        .unwrap_or("")
        .contains("model-card is at revision 3"));
    let failing: Vec<&str> = owner["failing_gates"]
        .as_array()
        .expect("gates")
        .iter()
        .filter_map(|g| g["version"].as_str())
        .collect();
    assert!(
        failing.contains(&"1.2.0-12") && failing.contains(&"1.3.0-15"),
        "{owner}"
    );

    // A pipeline checked the gate, then the evidence moved (the SRE signs below): the digest it
    // pinned is refused, and nothing moves until the gate is looked at again.
    let (_, pinned) = gate(&s, CANARY, "production");
    let pinned = pinned["digest"].as_str().expect("digest").to_string();

    // The SRE signs the last approval; the gate passes and the promotion goes through.
    let signed = as_person(
        &s,
        &ns,
        "tom@companyos.example",
        &["approve", CANARY, "--role", "sre", "--to", "production"],
    );
    assert_eq!(signed.code, 0, "{}", signed.stderr);
    let inbox = as_person(&s, &ns, tom, &["inbox", "--json"]).json();
    assert_eq!(inbox["awaiting"], serde_json::json!([]), "{inbox}");
    let (code, report) = gate(&s, CANARY, "production");
    assert_eq!(code, 0, "{report}");
    assert_ne!(report["digest"].as_str(), Some(pinned.as_str()));
    let stale = as_person(
        &s,
        &ns,
        priya,
        &[
            "stage",
            "set",
            CANARY,
            "production",
            "--gate-digest",
            &pinned,
        ],
    );
    assert_eq!(stale.code, 1, "{}", stale.stdout);
    assert!(
        stale.stderr.contains("changed since it was shown"),
        "{}",
        stale.stderr
    );
    let still = s.ok(&["version", "show", CANARY, "--json"]).json();
    assert_eq!(still["stage"], "canary");
    let promoted = as_person(
        &s,
        &ns,
        priya,
        &[
            "stage",
            "set",
            CANARY,
            "production",
            "--reason",
            "canary 50 h, all five signed",
            "--gate-digest",
            report["digest"].as_str().expect("digest"),
            "--json",
        ],
    );
    assert_eq!(promoted.code, 0, "{}", promoted.stderr);
    let promoted = promoted.json();
    let record = &promoted["release"];
    assert_eq!(record["rollback_target"], "1.1.0-8", "{record}");
    assert_eq!(record["approvals"], 5);
    assert_eq!(record["gate_passed"], true);
    assert_eq!(record["gate_digest"], report["digest"]);

    // One action rolls production back and records it.
    let rb = as_person(
        &s,
        &ns,
        "tom@companyos.example",
        &[
            "rollback",
            "summarize-copilot",
            "--incident",
            "INC-2031",
            "--reason",
            "p99 latency doubled on EU tenants",
            "--json",
        ],
    );
    assert_eq!(rb.code, 0, "{}", rb.stderr);
    let rb = rb.json();
    assert_eq!(rb["serving"], "1.1.0-8");
    assert_eq!(rb["rolled_back"], "1.2.0-12");
    let list = s
        .ok(&["release", "verify", "summarize-copilot", "--json"])
        .json();
    assert_eq!(list["ok"], true, "{list}");
    let last = list["records"]
        .as_array()
        .and_then(|r| r.last())
        .expect("records");
    assert_eq!(last["kind"], "rollback");
    assert_eq!(last["incident"], "INC-2031");
    assert_eq!(last["signer_name"], "Tom Becker");
    let deep = s.ok(&["audit", "verify", "--deep"]).stdout;
    assert!(deep.contains("rows ok"), "{deep}");
}
