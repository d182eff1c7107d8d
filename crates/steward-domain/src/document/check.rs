//! Completeness: [`check_document`] lists every gap of one document against its template and
//! the rules of its kind. Gates and the studio call this one function.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::markdown::{normalize_title, parse_document, read_body, Body};
use super::risk::{in_scale, parse_risk_category, risk_register, RiskTreatment};
use super::template::Template;
use super::DocumentKind;
use crate::dataset::Provenance;

/// The kind of gap a finding reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum FindingCode {
    /// The front matter does not parse.
    BrokenFrontMatter,
    /// A required front-matter field is absent or empty.
    MissingField,
    /// A front-matter field has a value of the wrong type or out of range.
    InvalidField,
    /// A required section heading is absent.
    MissingSection,
    /// A required section has no content of its own.
    EmptySection,
    /// Template guidance is still in the text.
    GuidanceLeft,
    /// A risk row lacks its id, title or treatment, or names an unknown category or treatment.
    RiskIncomplete,
    /// A risk row's likelihood, impact or residual is not on the 1–5 scale.
    RiskOutOfRange,
    /// A risk row has no owner.
    RiskNoOwner,
    /// A risk row has no mitigation.
    RiskNoMitigation,
    /// An accepted risk names no one who accepted it.
    RiskNoAcceptance,
    /// A rollout plan has no kill switch.
    NoKillSwitch,
    /// A rollout plan's canary is shorter than the minimum (48 h in the seed).
    CanaryTooShort,
    /// A rollout plan's canary share is not under 5% of traffic.
    CanaryTooLarge,
    /// A data sheet's provenance differs from what the dataset snapshot records.
    ProvenanceMismatch,
}

/// One gap, with where it is when it has a place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Finding {
    /// What kind of gap.
    pub code: FindingCode,
    /// What is missing and what to do, naming the section, field or row.
    pub message: String,
    /// The 1-based line to jump to, when the gap has one.
    pub line: Option<u32>,
}

/// The gaps of one document. No findings means complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Completeness {
    /// The document's kind.
    pub kind: DocumentKind,
    /// Whether there are no findings.
    pub complete: bool,
    /// Every gap, in document order where it has a line.
    pub findings: Vec<Finding>,
}

/// What a data sheet is checked against: its dataset snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetContext {
    /// `NAME@VERSION`.
    pub reference: String,
    /// The snapshot's manifest checksum, `sha256:…`.
    pub manifest_checksum: String,
    /// The snapshot's recorded provenance.
    pub provenance: Provenance,
}

/// What the rules read beyond the text: the dataset snapshot (for data sheets) and the policy's
/// numbers (defaults are the seed's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckContext {
    /// The snapshot a data sheet describes.
    pub dataset: Option<DatasetContext>,
    /// The minimum canary duration in hours.
    pub canary_min_hours: u32,
    /// The canary share must be under this percentage of traffic.
    pub canary_max_percent: u32,
}

impl Default for CheckContext {
    fn default() -> Self {
        CheckContext {
            dataset: None,
            canary_min_hours: 48,
            canary_max_percent: 5,
        }
    }
}

fn is_empty(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
        Some(_) => false,
    }
}

/// The 1-based line of a top-level front-matter field, when present.
fn field_line(front_matter_text: &str, field: &str) -> Option<u32> {
    front_matter_text
        .lines()
        .position(|l| {
            l.strip_prefix(field)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .and_then(|i| u32::try_from(i + 2).ok())
}

struct Findings(Vec<Finding>);

impl Findings {
    fn push(&mut self, code: FindingCode, line: Option<u32>, message: String) {
        self.0.push(Finding {
            code,
            message,
            line,
        });
    }
}

/// Checks `text`, a document of `kind`, against `template` and the rules of its kind:
/// missing or empty required sections, missing front-matter fields, guidance left in place,
/// risk rows without owner or mitigation or off the 1–5 scales, rollout plans without a kill
/// switch or with too short or too large a canary, and data sheets whose provenance drifted
/// from the snapshot.
pub fn check_document(
    kind: DocumentKind,
    template: &Template,
    text: &str,
    context: &CheckContext,
) -> Completeness {
    check_document_read(kind, template, text, None, context)
}

/// [`check_document`] with the body already read: `body` is what a [`BodyReader`] fed the
/// preview's parse of `text`'s body found, so the check does not parse the body again. `None`
/// reads it here, as [`check_document`] does.
///
/// [`BodyReader`]: super::BodyReader
pub fn check_document_read(
    kind: DocumentKind,
    template: &Template,
    text: &str,
    body: Option<Body>,
    context: &CheckContext,
) -> Completeness {
    let mut f = Findings(Vec::new());
    match parse_document(text) {
        Err(e) => f.push(
            FindingCode::BrokenFrontMatter,
            Some(e.line),
            format!("{e}; fix it so the fields can be read"),
        ),
        Ok(doc) => {
            let fm = &doc.front_matter;
            let fm_text = doc.front_matter_text;
            for field in &template.required_fields {
                if is_empty(fm.get(field)) {
                    let code = if kind == DocumentKind::RolloutPlan && field == "kill_switch" {
                        FindingCode::NoKillSwitch
                    } else {
                        FindingCode::MissingField
                    };
                    f.push(
                        code,
                        field_line(fm_text, field).or(Some(1)),
                        format!("front-matter field `{field}` is missing or empty; fill it in"),
                    );
                }
            }
            // One parse of the body for its sections, their content and its guidance (none
            // here when the preview's parse already read it).
            let body = body.unwrap_or_else(|| read_body(doc.body, doc.body_line));
            let found = &body.sections;
            for required in &template.required_sections {
                let want = normalize_title(required);
                match found
                    .iter()
                    .zip(&body.filled)
                    .find(|(s, _)| normalize_title(&s.title) == want)
                {
                    None => f.push(
                        FindingCode::MissingSection,
                        None,
                        format!("section \"{required}\" is missing; add a heading `## {required}` with its content"),
                    ),
                    Some((s, &false)) => f.push(
                        FindingCode::EmptySection,
                        Some(s.line),
                        format!("section \"{required}\" (line {}) is empty; write its content", s.line),
                    ),
                    Some(_) => {}
                }
            }
            for &line in &body.guidance_lines {
                let under = found
                    .iter()
                    .rfind(|s| s.line < line)
                    .map_or_else(String::new, |s| format!(" in \"{}\"", s.title));
                f.push(
                    FindingCode::GuidanceLeft,
                    Some(line),
                    format!("template guidance is still in place{under} (line {line}); replace it with your text"),
                );
            }
            match kind {
                DocumentKind::RiskAssessment => check_risks(&mut f, fm, fm_text),
                DocumentKind::RolloutPlan => check_rollout(&mut f, fm, fm_text, context),
                DocumentKind::DataSheet => check_provenance(&mut f, fm, fm_text, context),
                _ => {}
            }
        }
    }
    let mut findings = f.0;
    findings.sort_by_key(|x| x.line.unwrap_or(u32::MAX));
    Completeness {
        kind,
        complete: findings.is_empty(),
        findings,
    }
}

fn check_risks(f: &mut Findings, fm: &Map<String, Value>, fm_text: &str) {
    if fm
        .get("risks")
        .is_some_and(|r| !r.is_array() && !r.is_null())
    {
        f.push(
            FindingCode::InvalidField,
            field_line(fm_text, "risks"),
            "front-matter field `risks` must be a list of risk rows".into(),
        );
        return;
    }
    for (i, row) in risk_register(fm, fm_text).iter().enumerate() {
        let name = row.id.clone().unwrap_or_else(|| format!("row {}", i + 1));
        let at = row.line;
        let mut missing = Vec::new();
        if row.id.is_none() {
            missing.push("id");
        }
        if row.title.is_none() {
            missing.push("title");
        }
        if !missing.is_empty() {
            f.push(
                FindingCode::RiskIncomplete,
                at,
                format!("risk {name} has no {}", missing.join(" or ")),
            );
        }
        match row.category.as_deref() {
            None => f.push(FindingCode::RiskIncomplete, at, format!("risk {name} has no category; use a NIST AI RMF function or category (e.g. MEASURE 2) or a NIST AI 600-1 risk (e.g. data-privacy)")),
            Some(c) if parse_risk_category(c).is_none() => f.push(FindingCode::RiskIncomplete, at, format!("risk {name} has category {c:?}, which is neither a NIST AI RMF function or category (GOVERN, MAP, MEASURE, MANAGE, e.g. MEASURE 2) nor a NIST AI 600-1 risk (e.g. confabulation, data-privacy)")),
            Some(_) => {}
        }
        for (label, value) in [
            ("likelihood", row.likelihood),
            ("impact", row.impact),
            ("residual likelihood", row.residual_likelihood),
            ("residual impact", row.residual_impact),
        ] {
            if !in_scale(value) {
                let shown = value.map_or_else(|| "nothing".to_string(), |v| v.to_string());
                f.push(
                    FindingCode::RiskOutOfRange,
                    at,
                    format!("risk {name} has {label} {shown}; use a whole number from 1 to 5"),
                );
            }
        }
        match row
            .treatment
            .as_deref()
            .map(|t| (t, RiskTreatment::parse(t)))
        {
            Some((
                _,
                Some(RiskTreatment::Avoid | RiskTreatment::Mitigate | RiskTreatment::Transfer),
            )) => {}
            Some((_, Some(RiskTreatment::Accept))) => {
                if row.acceptance.is_none() {
                    f.push(
                        FindingCode::RiskNoAcceptance,
                        at,
                        format!("risk {name} is accepted but `acceptance` does not say who accepted it and when"),
                    );
                }
            }
            other => f.push(
                FindingCode::RiskIncomplete,
                at,
                format!(
                    "risk {name} has treatment {}; use avoid, mitigate, transfer or accept",
                    other.map_or_else(|| "nothing".to_string(), |(t, _)| format!("{t:?}"))
                ),
            ),
        }
        if row.mitigation.is_none() {
            f.push(
                FindingCode::RiskNoMitigation,
                at,
                format!("risk {name} has no mitigation; say what is done about it"),
            );
        }
        if row.owner.is_none() {
            f.push(
                FindingCode::RiskNoOwner,
                at,
                format!("risk {name} has no owner; name the person or team accountable"),
            );
        }
    }
}

fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().trim_end_matches(['%', 'h']).trim().parse().ok(),
        _ => None,
    }
}

fn check_rollout(f: &mut Findings, fm: &Map<String, Value>, fm_text: &str, ctx: &CheckContext) {
    let hours = fm.get("canary_duration_hours");
    if !is_empty(hours) {
        match number(hours) {
            Some(h) if h >= f64::from(ctx.canary_min_hours) => {}
            Some(h) => f.push(
                FindingCode::CanaryTooShort,
                field_line(fm_text, "canary_duration_hours"),
                format!(
                    "the canary runs {h} h; it must run at least {} h",
                    ctx.canary_min_hours
                ),
            ),
            None => f.push(
                FindingCode::InvalidField,
                field_line(fm_text, "canary_duration_hours"),
                "`canary_duration_hours` must be a number of hours".into(),
            ),
        }
    }
    let share = fm.get("canary_share_percent");
    if !is_empty(share) {
        match number(share) {
            Some(p) if p > 0.0 && p < f64::from(ctx.canary_max_percent) => {}
            Some(p) => f.push(
                FindingCode::CanaryTooLarge,
                field_line(fm_text, "canary_share_percent"),
                format!(
                    "the canary takes {p}% of traffic; it must be above 0 and under {}%",
                    ctx.canary_max_percent
                ),
            ),
            None => f.push(
                FindingCode::InvalidField,
                field_line(fm_text, "canary_share_percent"),
                "`canary_share_percent` must be a number (percent of traffic)".into(),
            ),
        }
    }
    if let Some(v) = fm.get("shadow_mode") {
        if !v.is_boolean() && !v.is_null() {
            f.push(
                FindingCode::InvalidField,
                field_line(fm_text, "shadow_mode"),
                "`shadow_mode` must be true or false".into(),
            );
        }
    }
}

fn check_provenance(f: &mut Findings, fm: &Map<String, Value>, fm_text: &str, ctx: &CheckContext) {
    let Some(ds) = &ctx.dataset else { return };
    let p = &ds.provenance;
    let recorded: [(&str, Option<Value>); 7] = [
        ("dataset", Some(Value::from(ds.reference.clone()))),
        (
            "manifest_checksum",
            Some(Value::from(ds.manifest_checksum.clone())),
        ),
        ("source", p.source.clone().map(Value::from)),
        ("license", p.license.clone().map(Value::from)),
        ("consent", p.consent.clone().map(Value::from)),
        ("retention", p.retention.clone().map(Value::from)),
        ("personal_data", p.personal_data.map(Value::from)),
    ];
    for (field, snapshot) in recorded {
        let written = fm.get(field);
        let (Some(snapshot), false) = (snapshot, is_empty(written)) else {
            continue;
        };
        if written != Some(&snapshot) {
            f.push(
                FindingCode::ProvenanceMismatch,
                field_line(fm_text, field),
                format!(
                    "`{field}` says {} but snapshot {} records {snapshot}; make them agree",
                    written.map_or_else(String::new, ToString::to_string),
                    ds.reference
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::template::{builtin_template, TemplateVars};
    use super::*;

    fn codes(c: &Completeness) -> Vec<FindingCode> {
        c.findings.iter().map(|f| f.code).collect()
    }

    fn check(kind: DocumentKind, text: &str) -> Completeness {
        check_document(
            kind,
            &builtin_template(kind),
            text,
            &CheckContext::default(),
        )
    }

    /// A document of `kind` with every required field and section filled, then `edit` applied
    /// (a (from, to) replacement on the text).
    fn filled(kind: DocumentKind) -> String {
        let t = builtin_template(kind);
        let mut fm = String::new();
        for field in &t.required_fields {
            let value = match (kind, field.as_str()) {
                (_, "risks") => "\n  - id: R-1\n    title: Hallucinated facts\n    category: confabulation\n    likelihood: 3\n    impact: 4\n    treatment: mitigate\n    mitigation: grounding check\n    owner: maya\n    residual_likelihood: 2\n    residual_impact: 3".to_string(),
                (_, "canary_share_percent") => "2".into(),
                (_, "canary_duration_hours") => "72".into(),
                (_, "shadow_mode") => "true".into(),
                (_, "personal_data") => "false".into(),
                (_, "language" | "datasets" | "dashboards" | "alerts" | "eval_datasets") => "[x]".into(),
                _ => "\"filled\"".into(),
            };
            fm.push_str(&format!("{field}: {value}\n"));
        }
        let mut body = String::from("# Title\n\n");
        for s in &t.required_sections {
            body.push_str(&format!("## {s}\n\nWritten by the owner.\n\n"));
        }
        format!("---\n{fm}---\n{body}")
    }

    #[test]
    fn a_filled_document_of_every_kind_is_complete() {
        for kind in DocumentKind::ALL {
            let c = check(kind, &filled(kind));
            assert!(c.complete, "{kind}: {:?}", c.findings);
        }
    }

    #[test]
    fn a_fresh_template_shows_every_gap() {
        for kind in DocumentKind::ALL {
            let t = builtin_template(kind);
            let c = check(kind, &t.instantiate(&TemplateVars::new()));
            assert!(!c.complete, "{kind}");
            assert!(codes(&c).contains(&FindingCode::GuidanceLeft), "{kind}");
            assert!(
                c.findings
                    .iter()
                    .all(|f| f.line.is_some() || f.code == FindingCode::MissingSection),
                "{kind}: every finding but a missing section has a line: {:?}",
                c.findings
            );
        }
        let t = builtin_template(DocumentKind::ModelCard);
        let c = check(
            DocumentKind::ModelCard,
            &t.instantiate(&TemplateVars::new()),
        );
        let missing: Vec<&str> = c
            .findings
            .iter()
            .filter(|f| f.code == FindingCode::MissingField)
            .map(|f| f.message.split('`').nth(1).unwrap_or(""))
            .collect();
        assert_eq!(
            missing,
            [
                "license",
                "language",
                "datasets",
                "base_model",
                "intended_use"
            ]
        );
        assert!(codes(&c).contains(&FindingCode::EmptySection));
    }

    #[test]
    fn table_of_gaps() {
        use DocumentKind::*;
        use FindingCode::*;
        // (kind, replace this, with this, the findings expected)
        let cases: Vec<(DocumentKind, &str, &str, Vec<FindingCode>)> = vec![
            (ModelCard, "license: \"filled\"\n", "", vec![MissingField]),
            (
                ModelCard,
                "license: \"filled\"",
                "license: \"\"",
                vec![MissingField],
            ),
            (
                ModelCard,
                "language: [x]",
                "language: []",
                vec![MissingField],
            ),
            (
                ModelCard,
                "## Uses\n\nWritten by the owner.\n",
                "",
                vec![MissingSection],
            ),
            (
                ModelCard,
                "## Uses\n\nWritten by the owner.\n",
                "## Uses\n\n> Guidance: say who uses it\n",
                vec![EmptySection, GuidanceLeft],
            ),
            (
                ModelCard,
                "## Evaluation\n\nWritten by the owner.\n",
                "## evaluation:\n\nWritten.\n",
                vec![],
            ),
            (
                ModelCard,
                "---\n",
                "---\nbroken: [\n",
                vec![BrokenFrontMatter],
            ),
            (RiskAssessment, "    owner: maya\n", "", vec![RiskNoOwner]),
            (
                RiskAssessment,
                "    mitigation: grounding check\n",
                "    mitigation: \"\"\n",
                vec![RiskNoMitigation],
            ),
            (
                RiskAssessment,
                "likelihood: 3\n",
                "likelihood: 6\n",
                vec![RiskOutOfRange],
            ),
            (
                RiskAssessment,
                "    impact: 4\n",
                "    impact: 0\n",
                vec![RiskOutOfRange],
            ),
            (
                RiskAssessment,
                "residual_impact: 3",
                "residual_impact: high",
                vec![RiskOutOfRange],
            ),
            (
                RiskAssessment,
                "category: confabulation",
                "category: vibes",
                vec![RiskIncomplete],
            ),
            (
                RiskAssessment,
                "category: confabulation",
                "category: MEASURE 2.11",
                vec![],
            ),
            (
                RiskAssessment,
                "treatment: mitigate",
                "treatment: ignore",
                vec![RiskIncomplete],
            ),
            (
                RiskAssessment,
                "treatment: mitigate",
                "treatment: accept",
                vec![RiskNoAcceptance],
            ),
            (
                RiskAssessment,
                "treatment: mitigate",
                "treatment: accept\n    acceptance: legal, 2026-11-20",
                vec![],
            ),
            (
                RolloutPlan,
                "kill_switch: \"filled\"\n",
                "",
                vec![NoKillSwitch],
            ),
            (
                RolloutPlan,
                "canary_duration_hours: 72",
                "canary_duration_hours: 24",
                vec![CanaryTooShort],
            ),
            (
                RolloutPlan,
                "canary_duration_hours: 72",
                "canary_duration_hours: 48",
                vec![],
            ),
            (
                RolloutPlan,
                "canary_duration_hours: 72",
                "canary_duration_hours: soon",
                vec![InvalidField],
            ),
            (
                RolloutPlan,
                "canary_share_percent: 2",
                "canary_share_percent: 5",
                vec![CanaryTooLarge],
            ),
            (
                RolloutPlan,
                "shadow_mode: true",
                "shadow_mode: maybe",
                vec![InvalidField],
            ),
        ];
        for (kind, from, to, want) in cases {
            let text = filled(kind);
            assert!(
                text.contains(from),
                "{kind}: case text {from:?} not in the filled document"
            );
            let c = check(kind, &text.replacen(from, to, 1));
            assert_eq!(
                codes(&c),
                want,
                "{kind}: {from:?} -> {to:?}: {:?}",
                c.findings
            );
        }
    }

    #[test]
    fn findings_point_at_their_lines() {
        let text = filled(DocumentKind::RiskAssessment).replace("    owner: maya\n", "");
        let c = check(DocumentKind::RiskAssessment, &text);
        let line = c.findings[0].line.expect("a line");
        assert!(
            text.lines()
                .nth(line as usize - 1)
                .unwrap_or("")
                .contains("- id: R-1"),
            "line {line}"
        );
        let c = check(
            DocumentKind::ModelCard,
            &filled(DocumentKind::ModelCard).replace("Written by the owner.\n\n## Uses", "## Uses"),
        );
        let line = c.findings[0].line.expect("a line") as usize;
        assert!(filled(DocumentKind::ModelCard)
            .lines()
            .nth(line - 1)
            .is_some());
    }

    #[test]
    fn data_sheets_are_checked_against_their_snapshot() {
        let ctx = CheckContext {
            dataset: Some(DatasetContext {
                reference: "tickets@v1".into(),
                manifest_checksum: "sha256:ab".into(),
                provenance: Provenance {
                    source: Some("crm".into()),
                    license: Some("internal".into()),
                    consent: None,
                    retention: Some("12 months".into()),
                    personal_data: Some(true),
                },
            }),
            ..CheckContext::default()
        };
        let t = builtin_template(DocumentKind::DataSheet);
        let text = "---\ndataset: tickets@v1\nmanifest_checksum: sha256:ab\nsource: crm\nlicense: internal\nconsent: \"\"\nretention: 24 months\npersonal_data: true\n---\n";
        let c = check_document(DocumentKind::DataSheet, &t, text, &ctx);
        let provenance: Vec<&Finding> = c
            .findings
            .iter()
            .filter(|f| f.code != FindingCode::MissingSection)
            .collect();
        assert_eq!(provenance.len(), 2, "{provenance:?}");
        assert_eq!(
            (provenance[0].code, provenance[0].line),
            (FindingCode::MissingField, Some(6))
        );
        assert_eq!(
            (provenance[1].code, provenance[1].line),
            (FindingCode::ProvenanceMismatch, Some(7))
        );
        assert!(
            provenance[1].message.contains("\"12 months\""),
            "{}",
            provenance[1].message
        );
    }
}
