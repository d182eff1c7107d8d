//! Incidents (seed §3 "post-incident analysis updates tests/evals", issue 12): severity, the
//! versions involved, a timeline, the text people paste to notify stakeholders, and a close
//! whose action items can require a new evaluation suite — after which every promotion's gate
//! of the model requires a run of that suite ([`suite_check`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::gate::{CheckStatus, EvidenceRef, GateCheck};
use crate::policy::Category;
use crate::stage::Stage;

/// How bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Users broadly harmed or the service down.
    Sev1,
    /// A serious degradation or a safety breach for some users.
    Sev2,
    /// A contained degradation.
    Sev3,
    /// Minor; no user impact.
    Sev4,
}

impl Severity {
    /// The name used in files and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Sev1 => "sev1",
            Severity::Sev2 => "sev2",
            Severity::Sev3 => "sev3",
            Severity::Sev4 => "sev4",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sev1" | "1" => Ok(Severity::Sev1),
            "sev2" | "2" => Ok(Severity::Sev2),
            "sev3" | "3" => Ok(Severity::Sev3),
            "sev4" | "4" => Ok(Severity::Sev4),
            other => Err(format!(
                "severity {other:?} is not one of sev1, sev2, sev3, sev4"
            )),
        }
    }
}

/// A post-incident action item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionItem {
    /// What is to be done.
    pub text: String,
    /// The evaluation suite (dataset name, as runs are imported with `--suite NAME@VERSION`)
    /// every later promotion must show a run of.
    pub requires_suite: Option<String>,
}

/// Parses `TEXT` or `TEXT => suite:NAME` (the CLI's `--action`).
pub fn parse_action_item(text: &str) -> Result<ActionItem, String> {
    let (what, suite) = match text.split_once("=> suite:") {
        Some((w, s)) => (w.trim(), Some(s.trim())),
        None => (text.trim(), None),
    };
    if what.is_empty() {
        return Err(format!(
            "action item {text:?} says nothing: give what is to be done, optionally followed by `=> suite:NAME`"
        ));
    }
    if let Some(s) = suite {
        crate::model::check_slug("suite", s).map_err(|e| {
            format!("action item {text:?}: {e}; name the suite as its dataset is named (support-golden)")
        })?;
    }
    Ok(ActionItem {
        text: what.to_string(),
        requires_suite: suite.map(str::to_string),
    })
}

/// A suite an incident's analysis requires of later promotions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentSuite {
    /// The incident (`INC-3`).
    pub incident: String,
    /// The action item that asks for it.
    pub item: String,
    /// The suite's dataset name.
    pub suite: String,
}

/// The gate check for one required suite: passes when one of the version's runs
/// (`run_suites`: run id → suite `name@version`) is of that suite.
pub fn suite_check(
    target: Stage,
    req: &IncidentSuite,
    runs: &[(String, String, crate::Sha256Digest)],
) -> GateCheck {
    let found: Vec<EvidenceRef> = runs
        .iter()
        .filter(|(_, suite, _)| suite.split('@').next() == Some(req.suite.as_str()))
        .map(|(id, _, digest)| EvidenceRef::Run {
            id: id.clone(),
            of: "version".into(),
            digest: *digest,
        })
        .collect();
    let (status, observed) = if found.is_empty() {
        (
            CheckStatus::MissingEvidence,
            format!("no run of suite {} for this version", req.suite),
        )
    } else {
        (
            CheckStatus::Pass,
            format!("{} run(s) of suite {}", found.len(), req.suite),
        )
    };
    GateCheck {
        id: format!("{target}.incident.{}.{}", req.incident, req.suite),
        category: Category::Quality,
        seed: "§3 Regressions & rollback".into(),
        checklist: None,
        status,
        observed,
        expected: format!(
            "an evaluation run of suite {} (post-incident action of {}: {})",
            req.suite, req.incident, req.item
        ),
        evidence: found,
        waiver: None,
        waiver_notes: Vec::new(),
        clocked: false,
        reads_signatures: false,
    }
}

/// What a notification says about an incident.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NotifyFacts {
    /// `INC-3`.
    pub reference: String,
    /// The model.
    pub model: String,
    /// Title.
    pub title: String,
    /// Severity.
    pub severity: String,
    /// `open` or `closed`.
    pub state: String,
    /// Versions involved.
    pub versions: Vec<String>,
    /// The breach that opened it, in words.
    pub breach: Option<String>,
    /// The rollback record's digest.
    pub rollback: Option<String>,
    /// Timeline lines, oldest first (`at — who: text`).
    pub timeline: Vec<String>,
    /// Action items.
    pub actions: Vec<ActionItem>,
}

/// The text a person pastes into the stakeholders' channel.
pub fn notification_text(f: &NotifyFacts) -> String {
    let mut out = format!(
        "[{}] {} {} — {} ({})\n",
        f.severity.to_uppercase(),
        f.reference,
        f.model,
        f.title,
        f.state
    );
    if !f.versions.is_empty() {
        out.push_str(&format!("Versions: {}\n", f.versions.join(", ")));
    }
    if let Some(b) = &f.breach {
        out.push_str(&format!("Trigger: {b}\n"));
    }
    match &f.rollback {
        Some(r) => out.push_str(&format!("Rolled back: release record {r}\n")),
        None => out.push_str("Rolled back: no\n"),
    }
    if !f.timeline.is_empty() {
        out.push_str("Timeline:\n");
        for t in &f.timeline {
            out.push_str(&format!("  - {t}\n"));
        }
    }
    if !f.actions.is_empty() {
        out.push_str("Action items:\n");
        for a in &f.actions {
            match &a.requires_suite {
                Some(s) => out.push_str(&format!(
                    "  - {} (the next promotions require a run of suite {s})\n",
                    a.text
                )),
                None => out.push_str(&format!("  - {}\n", a.text)),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    type Want = Result<(&'static str, Option<&'static str>), &'static str>;
    type Runs = Vec<(String, String, crate::Sha256Digest)>;

    #[test]
    fn action_items_parse_with_an_optional_suite() {
        // (case, input, text, suite or error contains)
        let cases: [(&str, &str, Want); 5] = [
            (
                "plain",
                "page the SRE on p99",
                Ok(("page the SRE on p99", None)),
            ),
            (
                "with a suite",
                "add long prompts to the golden set => suite:long-prompts",
                Ok(("add long prompts to the golden set", Some("long-prompts"))),
            ),
            ("empty", "  ", Err("says nothing")),
            ("suite only", "=> suite:x", Err("says nothing")),
            (
                "bad suite",
                "fix => suite:Long Prompts",
                Err("name the suite"),
            ),
        ];
        for (case, input, want) in cases {
            match (parse_action_item(input), want) {
                (Ok(a), Ok((text, suite))) => {
                    assert_eq!(a.text, text, "{case}");
                    assert_eq!(a.requires_suite.as_deref(), suite, "{case}");
                }
                (Err(e), Err(contains)) => assert!(e.contains(contains), "{case}: {e}"),
                (got, _) => panic!("{case}: {got:?}"),
            }
        }
        assert_eq!("2".parse::<Severity>(), Ok(Severity::Sev2));
        assert!("sev9".parse::<Severity>().is_err());
    }

    #[test]
    fn a_required_suite_passes_only_with_a_run_of_it() {
        let req = IncidentSuite {
            incident: "INC-1".into(),
            item: "add long prompts".into(),
            suite: "long-prompts".into(),
        };
        let d = crate::Sha256Digest::of(b"run");
        // (case, runs, status)
        let cases: Vec<(&str, Runs, CheckStatus)> = vec![
            ("no runs", vec![], CheckStatus::MissingEvidence),
            (
                "another suite",
                vec![("r1".into(), "support-golden@v1".into(), d)],
                CheckStatus::MissingEvidence,
            ),
            (
                "a prefix is not the suite",
                vec![("r1".into(), "long-prompts-old@v1".into(), d)],
                CheckStatus::MissingEvidence,
            ),
            (
                "the suite",
                vec![("r2".into(), "long-prompts@2026-12".into(), d)],
                CheckStatus::Pass,
            ),
        ];
        for (case, runs, status) in cases {
            let c = suite_check(Stage::Canary, &req, &runs);
            assert_eq!(c.status, status, "{case}");
            assert_eq!(c.id, "canary.incident.INC-1.long-prompts");
            assert_eq!(c.evidence.len(), usize::from(status == CheckStatus::Pass));
        }
    }

    #[test]
    fn the_notification_names_what_happened() {
        let f = NotifyFacts {
            reference: "INC-2".into(),
            model: "copilot".into(),
            title: "p99 breach".into(),
            severity: "sev2".into(),
            state: "open".into(),
            versions: vec!["1.1.0-2".into()],
            breach: Some("latency_p99_ms 2600 above 2500".into()),
            rollback: None,
            timeline: vec!["t — a: traffic cut to 1%".into()],
            actions: vec![ActionItem {
                text: "add long prompts".into(),
                requires_suite: Some("long-prompts".into()),
            }],
        };
        let t = notification_text(&f);
        for want in [
            "[SEV2] INC-2 copilot — p99 breach (open)",
            "Versions: 1.1.0-2",
            "Trigger: latency_p99_ms 2600",
            "Rolled back: no",
            "traffic cut to 1%",
            "require a run of suite long-prompts",
        ] {
            assert!(t.contains(want), "{want}: {t}");
        }
    }
}
