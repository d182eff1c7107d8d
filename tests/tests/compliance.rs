//! Compliance journeys on the real binary: packs validated with line and key and added per
//! workspace, coverage of the demo's production and candidate co-pilot against each pack
//! compared with hand-checked expectations, a version with no evidence, fixing one gap by
//! writing the missing document, retention dates, and the Annex IV file.

use steward_tests::{Run, Steward};

const PRODUCTION: &str = "summarize-copilot@1.1.0-8";
const CANDIDATE: &str = "summarize-copilot@1.3.0-15";

/// Keys of the demo's reviewers in a keyring namespace of this test, forgotten on drop.
struct Demo {
    s: Steward,
    ns: String,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let store = steward_attest::KeyStore::with_namespace(&format!("{}-demo", self.ns));
        for who in [
            "priya@companyos.example",
            "diego@companyos.example",
            "hana@companyos.example",
            "amara@companyos.example",
            "tom@companyos.example",
        ] {
            let _ = store.forget(who);
        }
    }
}

impl Demo {
    fn load(test: &str) -> Demo {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let d = Demo {
            s: Steward::new(),
            ns: format!("test-comply-{test}-{}-{nanos}", std::process::id()),
        };
        let r = d.run(&["demo"]);
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        d
    }

    fn run(&self, args: &[&str]) -> Run {
        let out = self
            .s
            .command(args)
            .env("STEWARD_KEYRING_BACKEND", "keyutils")
            .env("STEWARD_KEYRING_NAMESPACE", &self.ns)
            .output()
            .expect("run steward");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn ok(&self, args: &[&str]) -> Run {
        let r = self.run(args);
        assert_eq!(r.code, 0, "steward {args:?}: {}{}", r.stdout, r.stderr);
        r
    }

    fn coverage(&self, target: &str, pack: &str) -> serde_json::Value {
        self.ok(&["coverage", target, "--pack", pack, "--json"])
            .json()
    }
}

fn counts(c: &serde_json::Value) -> (u64, u64, u64) {
    let n = |k: &str| c["counts"][k].as_u64().expect("count");
    (n("satisfied"), n("partial"), n("missing"))
}

fn statuses(c: &serde_json::Value) -> Vec<(String, String)> {
    c["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .filter(|r| r["status"] != "satisfied")
        .map(|r| {
            (
                r["id"].as_str().unwrap_or("").to_string(),
                r["status"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn requirement<'a>(c: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    c["requirements"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["id"] == id))
        .unwrap_or_else(|| panic!("no requirement {id}"))
}

fn selector<'a>(r: &'a serde_json::Value, label: &str) -> &'a serde_json::Value {
    r["selectors"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["selector"] == label))
        .unwrap_or_else(|| panic!("no selector {label} in {r}"))
}

const BAD_PACKS: &[(&str, &str, &str)] = &[
    (
        "syntax",
        "format = \"steward.pack/v1\"\nname = \"team\"\ntitle = \"T\"\nversion = \"1\"\nsource = \"s\"\n[[requirement]]\nid = \"R1\n",
        "pack line 7, requirement[0].id: syntax error",
    ),
    (
        "unknown selector",
        "format = \"steward.pack/v1\"\nname = \"team\"\ntitle = \"T\"\nversion = \"1\"\nsource = \"s\"\n[[requirement]]\nid = \"R1\"\ntitle = \"t\"\nsatisfied = \"s\"\npartial = \"p\"\nevidence = [\n  { documnet = \"model-card\" },\n]\n",
        "pack line 12, requirement[0].evidence[0].documnet: unknown selector",
    ),
    (
        "duplicate id",
        "format = \"steward.pack/v1\"\nname = \"team\"\ntitle = \"T\"\nversion = \"1\"\nsource = \"s\"\n[[requirement]]\nid = \"R1\"\ntitle = \"t\"\nsatisfied = \"s\"\npartial = \"p\"\nevidence = [{ release_record = true }]\n[[requirement]]\nid = \"R1\"\ntitle = \"t\"\nsatisfied = \"s\"\npartial = \"p\"\nevidence = [{ release_record = true }]\n",
        "pack line 13, requirement[1].id: duplicate requirement id",
    ),
];

const TEAM_PACK: &str = r#"format = "steward.pack/v1"
name = "team-release"
title = "Our release bar"
version = "2026.1"
source = "wiki/release-bar"

[[requirement]]
id = "TR-1"
title = "Red-teamed and signed off by legal"
satisfied = "a red-team run and a current legal approval"
partial = "one of them"
evidence = [
  { evaluation = "red-team" },
  { approval = "responsible-ai-legal" },
]
"#;

#[test]
fn bad_packs_name_line_and_key_and_add_nothing_a_good_one_is_added_and_audited() {
    let s = Steward::new();
    s.ok(&["init"]);
    for (what, text, needle) in BAD_PACKS {
        let file = s.path(&format!("{}.toml", what.replace(' ', "-")));
        std::fs::write(&file, text).expect("write");
        let f = file.display().to_string();
        let checked = s.run(&["pack", "check", &f, "--json"]);
        assert_eq!(checked.code, 1, "{what}");
        let j = checked.json();
        assert_eq!(j["ok"], false);
        assert!(
            j["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains(needle),
            "{what}: {j}"
        );
        s.fails(1, &["pack", "add", &f], needle);
    }
    let listed = s.ok(&["pack", "list", "--json"]).json();
    let names: Vec<&str> = listed
        .as_array()
        .expect("list")
        .iter()
        .map(|p| p["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        names,
        ["eu-ai-act", "iso-42001", "nist-ai-rmf"],
        "nothing was added"
    );

    let file = s.path("team.toml");
    std::fs::write(&file, TEAM_PACK).expect("write");
    let f = file.display().to_string();
    let ok = s.ok(&["pack", "check", &f]);
    assert!(ok.stdout.contains("valid"), "{}", ok.stdout);
    let added = s.ok(&["pack", "add", &f, "--json"]).json();
    assert_eq!(
        (added["name"].as_str(), added["origin"].as_str()),
        (Some("team-release"), Some("workspace"))
    );
    let listed = s.ok(&["pack", "list", "--json"]).json();
    let team = listed
        .as_array()
        .and_then(|l| l.iter().find(|p| p["name"] == "team-release"))
        .expect("listed");
    assert_eq!(
        (team["requirements"].as_u64(), team["version"].as_str()),
        (Some(1), Some("2026.1"))
    );
    let audit = s.ok(&["audit", "log", "--json"]).stdout;
    assert!(audit.contains("pack.add"), "{audit}");

    // A pack named like a built-in one supersedes it in this workspace, and coverage reads it.
    let own_eu = TEAM_PACK.replace("name = \"team-release\"", "name = \"eu-ai-act\"");
    std::fs::write(&file, own_eu).expect("write");
    s.ok(&["pack", "add", &f]);
    let listed = s.ok(&["pack", "list", "--json"]).json();
    let eu = listed
        .as_array()
        .and_then(|l| l.iter().find(|p| p["name"] == "eu-ai-act"))
        .expect("listed");
    assert_eq!(
        (eu["origin"].as_str(), eu["requirements"].as_u64()),
        (Some("workspace"), Some(1))
    );
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(4),
        "superseded, not doubled"
    );
    s.ok(&["model", "add", "m", "--owner", "maya@example.com"]);
    s.ok(&["version", "add", "m", "1.0.0-1"]);
    let c = s
        .ok(&["coverage", "m@1.0.0-1", "--pack", "eu-ai-act", "--json"])
        .json();
    assert_eq!(counts(&c), (0, 0, 1));
    // Without Annex IV items the file cannot be made, and says why.
    let out = s.path("annex.html").display().to_string();
    s.fails(
        1,
        &["dossier", "m@1.0.0-1", "--annex-iv", "-o", &out],
        "has no requirement annex-iv-1",
    );
    assert!(s.ok(&["audit", "verify"]).code == 0);
}

#[test]
fn coverage_of_a_version_with_no_evidence_is_every_requirement_missing_with_a_next_step() {
    let s = Steward::new();
    s.ok(&["init"]);
    s.ok(&["model", "add", "bare", "--owner", "maya@example.com"]);
    s.ok(&["version", "add", "bare", "1.0.0-1"]);
    for (pack, n) in [("eu-ai-act", 19), ("iso-42001", 38), ("nist-ai-rmf", 72)] {
        let c = s
            .ok(&["coverage", "bare@1.0.0-1", "--pack", pack, "--json"])
            .json();
        assert_eq!(counts(&c), (0, 0, n), "{pack}");
        for r in c["requirements"].as_array().expect("requirements") {
            for sel in r["selectors"].as_array().expect("selectors") {
                assert!(
                    sel["next_step"].as_str().is_some_and(|n| !n.is_empty()),
                    "{pack} {r}"
                );
            }
        }
    }
    s.fails(
        1,
        &["coverage", "bare@1.0.0-1", "--pack", "sox"],
        "no pack named \"sox\"",
    );
}

/// The new document kinds the demo does not have: every gap of its production version is one
/// of them (hand-checked: the demo's six documents, runs, five approvals and records are all in
/// place for 1.1.0-8).
const NEW_KINDS: [&str; 4] = [
    "ai-impact-assessment",
    "declaration-of-conformity",
    "post-market-monitoring-plan",
    "monitoring plan",
];

#[test]
fn coverage_of_the_demo_matches_the_hand_checked_expectations() {
    let d = Demo::load("cov");
    let expected = [
        (PRODUCTION, "eu-ai-act", (13, 3, 3)),
        (PRODUCTION, "iso-42001", (29, 5, 4)),
        (PRODUCTION, "nist-ai-rmf", (55, 10, 7)),
        (CANDIDATE, "eu-ai-act", (4, 11, 4)),
        (CANDIDATE, "iso-42001", (12, 16, 10)),
        (CANDIDATE, "nist-ai-rmf", (11, 39, 22)),
    ];
    for (target, pack, want) in expected {
        let c = d.coverage(target, pack);
        assert_eq!(counts(&c), want, "{target} {pack}");
        if target == PRODUCTION {
            for r in c["requirements"].as_array().expect("requirements") {
                for sel in r["selectors"].as_array().expect("selectors") {
                    if sel["status"] != "satisfied" {
                        let label = sel["selector"].as_str().unwrap_or("");
                        assert!(
                            NEW_KINDS.iter().any(|k| label.contains(k)),
                            "{pack} {}: unexpected gap {label}",
                            r["id"]
                        );
                    }
                }
            }
        }
    }

    let eu = d.coverage(PRODUCTION, "eu-ai-act");
    assert_eq!(
        statuses(&eu),
        [
            ("art-11", "partial"),
            ("art-14", "partial"),
            ("art-72", "partial"),
            ("annex-iv-7", "missing"),
            ("annex-iv-8", "missing"),
            ("annex-iv-9", "missing"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let art17 = requirement(&eu, "art-17");
    assert_eq!(art17["status"], "satisfied");
    let legal = selector(art17, "approval responsible-ai-legal");
    assert!(
        legal["found"][0]["what"]
            .as_str()
            .unwrap_or("")
            .contains("Amara Okafor (current)"),
        "{legal}"
    );
    let records = selector(requirement(&eu, "annex-iv-6"), "release record");
    assert_eq!(
        records["found"].as_array().map(Vec::len),
        Some(3),
        "candidate, canary, production"
    );
    assert!(records["found"][2]["what"]
        .as_str()
        .unwrap_or("")
        .contains("to production"));
    assert!(records["found"][2]["reference"]
        .as_str()
        .unwrap_or("")
        .starts_with("sha256:"));
    let plan = selector(requirement(&eu, "annex-iv-9"), "monitoring plan");
    assert_eq!(
        plan["next_step"],
        format!("no post-market-monitoring-plan; create it: `steward doc new {PRODUCTION} post-market-monitoring-plan`")
    );

    // The candidate fails its fairness audit: data governance is partial because of it.
    let cand = d.coverage(CANDIDATE, "eu-ai-act");
    let art10 = requirement(&cand, "art-10");
    assert_eq!(art10["status"], "partial");
    let fair = selector(art10, "gate check production.fairness.selection-rate");
    assert_eq!(fair["status"], "missing");
    assert!(
        fair["next_step"].as_str().unwrap_or("").contains("fails"),
        "{fair}"
    );
    assert_eq!(
        selector(art10, "evaluation fairness-audit")["status"],
        "satisfied"
    );
    // Its legal and SRE sign-offs are absent, its model-owner sign-off is stale.
    let art17 = requirement(&cand, "art-17");
    assert_eq!(selector(art17, "approval sre")["status"], "missing");
    assert_eq!(selector(art17, "approval model-owner")["status"], "partial");

    let text = d
        .ok(&["coverage", PRODUCTION, "--pack", "eu-ai-act"])
        .stdout;
    assert!(
        text.contains("13 satisfied, 3 partial, 3 missing"),
        "{text}"
    );
    assert!(text.contains("✗ missing   annex-iv-9"), "{text}");
}

const PLAN: &str = "---
model: summarize-copilot
version: 1.1.0-8
owner: assist-sre
review_cadence: weekly
metrics: [hallucination_rate, selection_rate_ratio, latency_p99_ms]
---

# Post-market monitoring plan

## Scope

Every tenant served by 1.1.0-8 in production.

## Data collected

Online KPIs per tenant, user feedback tagged by version, incident tickets.

## Metrics and thresholds

Hallucination rate under 2 %, selection-rate ratio over 0.8, p99 latency under 1200 ms.

## Serious incidents

The model owner reports a serious incident to the authority within 15 days.

## Review and corrective action

The SRE and the model owner review the data weekly and open a new version for any breach.
";

#[test]
fn writing_the_missing_monitoring_plan_fixes_that_gap() {
    let d = Demo::load("fix");
    let before = d.coverage(PRODUCTION, "eu-ai-act");
    assert_eq!(requirement(&before, "annex-iv-9")["status"], "missing");

    // A fresh template is a partial: it exists, with every gap named.
    d.ok(&["doc", "new", PRODUCTION, "post-market-monitoring-plan"]);
    let drafted = d.coverage(PRODUCTION, "eu-ai-act");
    let plan = selector(requirement(&drafted, "annex-iv-9"), "monitoring plan");
    assert_eq!(plan["status"], "partial");
    assert!(
        plan["next_step"]
            .as_str()
            .unwrap_or("")
            .contains("incomplete"),
        "{plan}"
    );

    let file = d.s.path("plan.md");
    std::fs::write(&file, PLAN).expect("write");
    d.ok(&[
        "doc",
        "save",
        PRODUCTION,
        "post-market-monitoring-plan",
        &file.display().to_string(),
    ]);
    let after = d.coverage(PRODUCTION, "eu-ai-act");
    assert_eq!(requirement(&after, "annex-iv-9")["status"], "satisfied");
    assert_eq!(requirement(&after, "art-72")["status"], "satisfied");
    assert_eq!(counts(&after), (15, 2, 2));
    let found = &selector(requirement(&after, "annex-iv-9"), "monitoring plan")["found"][0];
    assert_eq!(found["what"], "post-market-monitoring-plan revision 2");
    // The studio links the evidence by its pin and the gap by its step.
    assert_eq!(
        found["pin"],
        serde_json::json!({"is": "document", "kind": "post-market-monitoring-plan", "of": null, "revision": 2})
    );
    let gap = selector(requirement(&before, "annex-iv-9"), "monitoring plan");
    assert_eq!(
        gap["fix"],
        serde_json::json!({"step": "write-document", "kind": "post-market-monitoring-plan", "section": null}),
        "{gap}"
    );
}

/// `steward doc check` lists all nine kinds: the six a release requires (a data sheet per
/// linked dataset) decide its exit code; the three compliance documents are listed with their
/// own completeness, written or not, and never fail it.
#[test]
fn doc_check_covers_the_compliance_documents_without_failing_a_release_on_them() {
    let d = Demo::load("doc-check");
    let check = d.ok(&["doc", "check", PRODUCTION]);
    for kind in [
        "model-card",
        "eval-report",
        "data-sheet",
        "risk-assessment",
        "runbook",
        "rollout-plan",
        "ai-impact-assessment",
        "post-market-monitoring-plan",
        "declaration-of-conformity",
    ] {
        assert!(check.stdout.contains(kind), "{kind}: {}", check.stdout);
    }
    assert!(
        check.stdout.contains("all required documents complete")
            && check
                .stdout
                .contains("compliance documents (packs ask for them")
            && check.stdout.contains("not written"),
        "{}",
        check.stdout
    );
    let json = d.ok(&["doc", "check", PRODUCTION, "--json"]).json();
    assert_eq!(json["complete"], true, "{json:#}");
    let kinds = |list: &serde_json::Value| -> Vec<(String, bool)> {
        list.as_array()
            .expect("a list")
            .iter()
            .map(|d| {
                (
                    d["kind"].as_str().unwrap_or("").to_string(),
                    d["exists"] == true,
                )
            })
            .collect()
    };
    assert_eq!(
        kinds(&json["compliance"]),
        [
            ("ai-impact-assessment".to_string(), false),
            ("post-market-monitoring-plan".to_string(), false),
            ("declaration-of-conformity".to_string(), false),
        ]
    );
    assert_eq!(json["documents"].as_array().map(Vec::len), Some(7));

    // A fresh declaration from its template has gaps; they are listed, and the release
    // documents still decide the exit code.
    d.ok(&["doc", "new", PRODUCTION, "declaration-of-conformity"]);
    let after = d.ok(&["doc", "check", PRODUCTION, "--json"]).json();
    assert_eq!(after["complete"], true);
    let decl = &after["compliance"][2];
    assert_eq!(decl["kind"], "declaration-of-conformity");
    assert_eq!(
        (decl["exists"].clone(), decl["complete"].clone()),
        (true.into(), false.into())
    );
    assert!(
        !decl["findings"].as_array().expect("findings").is_empty(),
        "{decl}"
    );
    let text = d.ok(&["doc", "check", PRODUCTION]).stdout;
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("declaration-of-conformity"))
        .expect("the declaration's line");
    assert!(line.contains("r1") && line.contains("gaps"), "{text}");

    // The candidate's release gaps still fail it.
    assert_eq!(d.run(&["doc", "check", CANDIDATE]).code, 1);
}

/// The gate of `target` going to `to`, as JSON (exit 0 or 1).
fn gate(d: &Demo, target: &str, to: &str) -> serde_json::Value {
    let r = d.run(&["gate", target, "--to", to, "--json"]);
    assert!(r.code == 0 || r.code == 1, "gate: {}{}", r.stdout, r.stderr);
    r.json()
}

fn pack_checks(report: &serde_json::Value) -> Vec<(String, String)> {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter_map(|c| {
            let id = c["id"].as_str()?;
            let req = id.strip_prefix("production.pack.eu-ai-act.")?;
            Some((req.to_string(), c["status"].as_str()?.to_string()))
        })
        .collect()
}

#[test]
fn a_pack_enabled_in_the_policy_makes_its_gaps_gate_checks() {
    let d = Demo::load("packgate");
    let canary = "summarize-copilot@1.2.0-12";
    let before = gate(&d, canary, "production");
    assert!(
        pack_checks(&before).is_empty(),
        "the default policy enables no pack"
    );

    let text = include_str!("../../assets/policy/default.toml").replacen(
        "[stages.production]\n",
        "[stages.production]\npacks = [\"eu-ai-act\"]\n",
        1,
    );
    let file = d.s.path("policy.toml");
    std::fs::write(&file, text).expect("write");
    d.ok(&[
        "policy",
        "set",
        &file.display().to_string(),
        "-m",
        "the EU AI Act gates production",
    ]);

    // One check per requirement, each saying what coverage says.
    let report = gate(&d, canary, "production");
    let checks = pack_checks(&report);
    let cov = d.coverage(canary, "eu-ai-act");
    let expected: Vec<(String, String)> = cov["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .map(|r| {
            let id = r["id"].as_str().unwrap_or("").to_string();
            let check = match r["status"].as_str().unwrap_or("") {
                "satisfied" => "pass",
                "partial" => "fail",
                _ => "missing-evidence",
            };
            (id, check.to_string())
        })
        .collect();
    assert_eq!(checks, expected);
    assert_eq!(checks.len(), 19);
    assert_eq!(report["passed"], false);
    let art72 = report["checks"]
        .as_array()
        .expect("in the report")
        .iter()
        .find(|c| c["id"] == "production.pack.eu-ai-act.art-72")
        .expect("art-72");
    // The canary has online KPIs but no monitoring plan: partial, so the check fails.
    assert_eq!(art72["status"], "fail", "{art72}");
    assert!(
        art72["observed"]
            .as_str()
            .expect("in the report")
            .contains("steward doc new summarize-copilot@1.2.0-12 post-market-monitoring-plan"),
        "{art72}"
    );

    // The promotion names the pack's gaps among what blocks it.
    let refused = d.run(&["stage", "set", canary, "production", "--reason", "try"]);
    assert_ne!(refused.code, 0);
    assert!(
        refused.stderr.contains("production.pack.eu-ai-act.art-72"),
        "{}",
        refused.stderr
    );

    // Writing the plan turns that check to pass.
    let plan = d.s.path("plan.md");
    std::fs::write(&plan, PLAN.replace("1.1.0-8", "1.2.0-12")).expect("write");
    d.ok(&["doc", "new", canary, "post-market-monitoring-plan"]);
    d.ok(&[
        "doc",
        "save",
        canary,
        "post-market-monitoring-plan",
        &plan.display().to_string(),
    ]);
    let after = pack_checks(&gate(&d, canary, "production"));
    assert!(
        after.contains(&("art-72".into(), "pass".into())),
        "{after:?}"
    );
}

#[test]
fn retention_is_ten_years_from_the_first_production_promotion() {
    let d = Demo::load("ret");
    let r = d.ok(&["retention", "summarize-copilot", "--json"]).json();
    assert_eq!(r["retention_years"], 10);
    let versions = r["versions"].as_array().expect("versions");
    let prod = versions
        .iter()
        .find(|v| v["version"] == "1.1.0-8")
        .expect("production");
    let placed = prod["placed_on_market"].as_str().expect("placed");
    let year: i32 = placed[..4].parse().expect("year");
    assert_eq!(
        prod["keep_until"].as_str().expect("until"),
        format!("{}{}", year + 10, &placed[4..])
    );
    let cand = versions
        .iter()
        .find(|v| v["version"] == "1.3.0-15")
        .expect("candidate");
    assert!(
        cand["placed_on_market"].is_null() && cand["keep_until"].is_null(),
        "{cand}"
    );
    let none = d
        .ok(&[
            "retention",
            "summarize-copilot",
            "--pack",
            "nist-ai-rmf",
            "--json",
        ])
        .json();
    assert!(none["versions"]
        .as_array()
        .expect("v")
        .iter()
        .all(|v| v["keep_until"].is_null()));
}

/// Reads an Annex IV HTML file with Python's HTML parser: the item headings in order, the
/// gaps, the attached envelopes and keys; then verifies every record and approval envelope
/// with securesystemslib and the key of its signer from the same file.
const READ_HTML_PY: &str = r#"
import json, sys
from html.parser import HTMLParser
from securesystemslib.dsse import Envelope
from securesystemslib.signer import SSlibKey

class Reader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.items, self.gaps, self.pres, self.scripts, self.failed = [], [], [], [], 0, 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script": self.scripts += 1
        if "failed" in (a.get("class") or "").split(): self.failed += 1
        self.stack.append((tag, a, []))
    def handle_endtag(self, tag):
        t, a, text = self.stack.pop()
        s = "".join(text)
        if t == "h2" and s.startswith("Item "): self.items.append(s)
        if t == "li" and s.startswith("GAP: "): self.gaps.append(s)
        if t == "pre": self.pres.append((a.get("class"), a.get("data-kind"), s))
        if self.stack: self.stack[-1][2].append(s)
    def handle_data(self, data):
        if self.stack: self.stack[-1][2].append(data)

r = Reader()
r.feed(open(sys.argv[1], encoding="utf-8").read())
keys = {}
for cls, _, text in r.pres:
    if cls == "key":
        k = json.loads(text)
        keys[k["keyid"]] = SSlibKey(k["keyid"], k["keytype"], k["scheme"], k["keyval"])
verified = {"record": 0, "approval": 0}
refused = {"record": 0, "approval": 0}
for cls, kind, text in r.pres:
    if cls == "envelope":
        try:
            env = Envelope.from_dict(json.loads(text))
            sigs = list(env.signatures.values()) if isinstance(env.signatures, dict) else env.signatures
            env.verify([keys[sigs[0].keyid]], 1)
            verified[kind] += 1
        except Exception:
            refused[kind] += 1
instruction = [text for cls, _, text in r.pres if cls == "instruction"]
print(json.dumps({"items": r.items, "gaps": r.gaps, "verified": verified, "refused": refused, "keys": len(keys), "scripts": r.scripts, "failed": r.failed, "instruction": instruction}))
"#;

fn python() -> String {
    std::env::var("STEWARD_PYTHON")
        .ok()
        .filter(|p| !p.is_empty())
        .expect("STEWARD_PYTHON is not set: run scripts/test.sh (it installs securesystemslib)")
}

fn read_html(d: &Demo, file: &std::path::Path) -> serde_json::Value {
    let script = d.s.path("read_html.py");
    std::fs::write(&script, READ_HTML_PY).expect("script");
    let out = std::process::Command::new(python())
        .arg(&script)
        .arg(file)
        .output()
        .expect("python");
    assert!(
        out.status.success(),
        "reading the HTML failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn pdf_text(file: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg(file)
        .arg("-")
        .output()
        .expect("pdftotext is not installed: run scripts/test.sh (it installs poppler-utils)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Lines wrap where the page ends; words are what was set.
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

const ITEM_TITLES: [&str; 9] = [
    "Item 1. General description of the AI system",
    "Item 2. Elements of the system and its development process",
    "Item 3. Monitoring, functioning and control",
    "Item 4. Appropriateness of the performance metrics",
    "Item 5. Risk management system (Article 9)",
    "Item 6. Relevant changes through the lifecycle",
    "Item 7. Harmonised standards and other specifications applied",
    "Item 8. Copy of the EU declaration of conformity",
    "Item 9. Post-market performance evaluation and monitoring plan (Article 72)",
];

#[test]
fn the_annex_iv_file_of_the_production_version_reads_back_as_html_and_pdf_and_its_records_verify() {
    let d = Demo::load("annex");
    let html = d.s.path("annex.html");
    let e = d
        .ok(&[
            "dossier",
            PRODUCTION,
            "--annex-iv",
            "-o",
            &html.display().to_string(),
            "--json",
        ])
        .json();
    assert_eq!(
        (
            e["format"].as_str(),
            e["records"].as_u64(),
            e["records_verify"].as_bool()
        ),
        (Some("html"), Some(3), Some(true))
    );
    assert_eq!(
        (
            e["counts"]["satisfied"].as_u64(),
            e["counts"]["missing"].as_u64()
        ),
        (Some(6), Some(3))
    );
    let read = read_html(&d, &html);
    assert_eq!(
        read["items"],
        serde_json::json!(ITEM_TITLES),
        "nine items in order"
    );
    assert_eq!(read["scripts"], 0);
    assert_eq!(read["failed"], 0, "nothing is marked failed");
    assert_eq!(
        read["verified"],
        serde_json::json!({"record": 3, "approval": 5}),
        "{read}"
    );
    assert_eq!(read["keys"], 5);
    let gaps = read["gaps"].as_array().expect("gaps");
    assert_eq!(gaps.len(), 3, "{read}");
    assert!(gaps.iter().any(|g| g
        .as_str()
        .unwrap_or("")
        .contains("no declaration-of-conformity")));
    assert!(gaps.iter().any(|g| g
        .as_str()
        .unwrap_or("")
        .contains("no post-market-monitoring-plan")));
    assert!(read["instruction"][0]
        .as_str()
        .unwrap_or("")
        .contains("pip install securesystemslib"));
    let text = std::fs::read_to_string(&html).expect("html");
    assert!(text.contains("Content-Security-Policy") && text.contains("@media print"));
    assert!(!text.contains("<script") && !text.contains("src=\"http"));

    let pdf = d.s.path("annex.pdf");
    d.ok(&[
        "dossier",
        PRODUCTION,
        "--annex-iv",
        "-o",
        &pdf.display().to_string(),
    ]);
    let bytes = std::fs::read(&pdf).expect("pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(
        bytes.windows(9).any(|w| w == b"FontFile2"),
        "fonts are embedded"
    );
    let text = pdf_text(&pdf);
    let mut at = 0;
    for title in ITEM_TITLES {
        let found = text[at..]
            .find(title)
            .unwrap_or_else(|| panic!("{title} missing or out of order"));
        at += found + title.len();
    }
    assert_eq!(text.matches("GAP: ").count(), 3, "{text}");
    assert!(text.contains("Every record VERIFIED"));
    assert!(!text.contains("FAILED"));
    assert!(text.contains("pip install securesystemslib"));
    assert!(text.contains("Status: MISSING"));
    assert!(text.contains("sha256:"), "digests are shown");

    // A name that is neither: refused, nothing written.
    let odd = d.s.path("annex.docx");
    let r = d.run(&[
        "dossier",
        PRODUCTION,
        "--annex-iv",
        "-o",
        &odd.display().to_string(),
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("FILE.html or FILE.pdf"), "{}", r.stderr);
    assert!(!odd.exists());
}

#[test]
fn an_annex_iv_file_never_presents_records_that_fail_verification_as_valid() {
    let d = Demo::load("annex-bad");
    let conn = rusqlite::Connection::open(d.s.db()).expect("db");
    conn.execute_batch(
        "DROP TRIGGER release_records_immutable; DROP TRIGGER release_records_append_only;
         UPDATE release_records SET envelope = replace(envelope, '\"payload\": \"', '\"payload\": \"e')
         WHERE seq = (SELECT MAX(seq) FROM release_records WHERE model_id = (SELECT id FROM models WHERE name = 'summarize-copilot') AND to_stage = 'production');",
    )
    .expect("tamper");
    drop(conn);
    let html = d.s.path("annex.html");
    let e = d
        .ok(&[
            "dossier",
            PRODUCTION,
            "--annex-iv",
            "-o",
            &html.display().to_string(),
            "--json",
        ])
        .json();
    assert_eq!(e["records_verify"], false);
    let text = std::fs::read_to_string(&html).expect("html");
    assert!(text.contains("Verification FAILED for at least one record"));
    assert!(!text.contains("every record verified"));
    let read = read_html(&d, &html);
    assert!(
        read["failed"].as_u64().unwrap_or(0) >= 2,
        "the banner and the record: {read}"
    );
    assert_eq!(
        read["refused"]["record"], 1,
        "securesystemslib refuses the edited record too: {read}"
    );
    assert_eq!(read["verified"]["record"], 2, "{read}");
    let pdf = d.s.path("annex.pdf");
    d.ok(&[
        "dossier",
        PRODUCTION,
        "--annex-iv",
        "-o",
        &pdf.display().to_string(),
    ]);
    let text = pdf_text(&pdf);
    assert!(text.contains("Verification FAILED"), "{text}");
    assert!(!text.contains("Every record VERIFIED"));
    // Coverage agrees: the records are partial, not satisfied.
    let c = d.coverage(PRODUCTION, "eu-ai-act");
    assert_eq!(requirement(&c, "annex-iv-6")["status"], "partial");
}

/// The studio's Chromium flows replay what the core answered for the demo
/// (`ui/flows/app/compliance/`, written by its `generate.sh`). When the core's answers change —
/// a pack, a status, a found piece of evidence, a next step — this fails until they are
/// recorded again, so the fake never shows coverage the core no longer gives. Release records
/// are signed afresh, at times relative to now, on every demo load, with keys made afresh:
/// their words and digests, key fingerprints, and the Annex IV file's size and path are left
/// out of the comparison.
#[test]
fn the_studio_recordings_are_what_the_core_answers_for_the_demo() {
    let d = Demo::load("recordings");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/flows/app/compliance");
    let recorded = |name: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(dir.join(name))
            .unwrap_or_else(|e| panic!("recording {name}: {e}"));
        serde_json::from_str(&text).expect("recording is JSON")
    };
    fn stable(v: &serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(m) => {
                let record = m
                    .get("pin")
                    .and_then(|p| p.get("is"))
                    .and_then(|k| k.as_str())
                    == Some("release-record");
                m.iter()
                    .filter(|(k, _)| {
                        !(record && (k.as_str() == "what" || k.as_str() == "reference"))
                    })
                    .filter(|(k, _)| !matches!(k.as_str(), "bytes" | "file"))
                    .map(|(k, v)| (k.clone(), stable(v)))
                    .collect()
            }
            serde_json::Value::Array(a) => a.iter().map(stable).collect(),
            // A gate check's observation may name a reviewer's key by its fingerprint.
            serde_json::Value::String(text) => serde_json::Value::String(
                text.split(' ')
                    .map(|w| {
                        let bare = w.trim_end_matches([';', ',', ')']);
                        if bare.len() == 16 && bare.chars().all(|c| c.is_ascii_hexdigit()) {
                            w.replacen(bare, "<key>", 1)
                        } else {
                            w.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            other => other.clone(),
        }
    }
    let stale = "is stale: run ui/flows/app/compliance/generate.sh and commit the recordings";
    let packs = d.ok(&["pack", "list", "--json"]).json();
    assert_eq!(
        stable(&packs),
        stable(&recorded("packs.json")),
        "packs.json {stale}"
    );
    for (target, pack) in [
        (PRODUCTION, "eu-ai-act"),
        (PRODUCTION, "iso-42001"),
        (PRODUCTION, "nist-ai-rmf"),
        (CANDIDATE, "eu-ai-act"),
    ] {
        let now = d.coverage(target, pack);
        let file = format!("coverage-{}-{pack}.json", target.replace('@', "_"));
        assert_eq!(stable(&now), stable(&recorded(&file)), "{file} {stale}");
    }
    let out = d.s.path("annex-iv.html");
    let export = d
        .ok(&[
            "dossier",
            PRODUCTION,
            "--annex-iv",
            "-o",
            &out.display().to_string(),
            "--json",
        ])
        .json();
    let file = "annex-iv-summarize-copilot_1.1.0-8-html.json";
    assert_eq!(stable(&export), stable(&recorded(file)), "{file} {stale}");
    let html = std::fs::read_to_string(&out).expect("the Annex IV file");
    let kept = std::fs::read_to_string(dir.join("annex-iv-summarize-copilot_1.1.0-8.html"))
        .expect("the recorded Annex IV file");
    let headings = |t: &str| -> Vec<String> {
        t.split("<h2>")
            .skip(1)
            .filter_map(|s| s.split("</h2>").next())
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        headings(&html),
        headings(&kept),
        "annex-iv-summarize-copilot_1.1.0-8.html {stale}"
    );
}
