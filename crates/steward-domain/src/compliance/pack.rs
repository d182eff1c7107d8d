//! The file form of a compliance pack and its validation into [`Pack`].
//!
//! As with the policy, serde (`deny_unknown_fields`) refuses unknown keys and wrong types and
//! toml gives the byte span; what the types cannot say (a known document kind, evaluation
//! kind, role or stage; one selector per evidence entry; unique ids) is checked here with the
//! value's span, so every refusal names its line and key.

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{Pack, Requirement, Selector, PACK_FORMAT};
use crate::document::DocumentKind;
use crate::eval::EvalKind;
use crate::stage::Stage;
use crate::toml_text::{self, line_of, Refusal};
use crate::trust::Role;

/// What is wrong with a pack file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PackErrorKind {
    /// Not TOML.
    Syntax,
    /// A key the pack format does not have.
    UnknownKey,
    /// An evidence entry naming a selector the pack format does not have.
    UnknownSelector,
    /// A value of the wrong type.
    WrongType,
    /// A required key is absent.
    MissingKey,
    /// A value outside what is accepted (document kind, role, stage, format…).
    InvalidValue,
    /// A requirement id used twice.
    DuplicateId,
}

impl PackErrorKind {
    /// The words that open the message.
    pub fn as_str(self) -> &'static str {
        match self {
            PackErrorKind::Syntax => "syntax error",
            PackErrorKind::UnknownKey => "unknown key",
            PackErrorKind::UnknownSelector => "unknown selector",
            PackErrorKind::WrongType => "wrong type",
            PackErrorKind::MissingKey => "missing key",
            PackErrorKind::InvalidValue => "invalid value",
            PackErrorKind::DuplicateId => "duplicate requirement id",
        }
    }
}

impl fmt::Display for PackErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A pack file that cannot be used: where, which key, what is wrong and what is expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("pack line {line}, {key}: {kind}: {detail}; expected {expected}")]
pub struct PackError {
    /// 1-based line of the offending value (0 when the file gives no position).
    pub line: usize,
    /// Dotted key path (`requirement[3].evidence[1].document`), or `(file)`.
    pub key: String,
    /// The class of problem.
    pub kind: PackErrorKind,
    /// What was found.
    pub detail: String,
    /// What would be accepted.
    pub expected: String,
}

/// The selectors an evidence entry may name, for messages.
pub const SELECTOR_KEYS: [&str; 6] = [
    "document",
    "evaluation",
    "approval",
    "gate_check",
    "release_record",
    "monitoring_plan",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack {
    format: Spanned<String>,
    name: Spanned<String>,
    title: String,
    version: String,
    source: String,
    retention_years: Option<Spanned<u32>>,
    #[serde(default)]
    requirement: Vec<Spanned<RawRequirement>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequirement {
    id: Spanned<String>,
    #[serde(default)]
    group: String,
    title: Spanned<String>,
    satisfied: Spanned<String>,
    partial: Spanned<String>,
    evidence: Spanned<Vec<Spanned<RawSelector>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSelector {
    document: Option<Spanned<String>>,
    section: Option<Spanned<String>>,
    evaluation: Option<Spanned<String>>,
    approval: Option<Spanned<String>>,
    gate_check: Option<Spanned<String>>,
    release_record: Option<Spanned<bool>>,
    monitoring_plan: Option<Spanned<bool>>,
}

/// The dotted key path at a byte offset: `requirement[N]` for the array of tables it is in,
/// `.evidence[M]` when it is inside an evidence entry, and the key written at the offset.
fn key_path_at(text: &str, offset: usize) -> String {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let mut path = String::new();
    let mut requirement: Option<usize> = None;
    let mut evidence_at: Option<usize> = None;
    for (start, line) in line_starts(before) {
        let t = line.split('#').next().unwrap_or("").trim();
        if t.starts_with("[[requirement]]") {
            requirement = Some(requirement.map_or(0, |n| n + 1));
            evidence_at = None;
        } else if t.starts_with('[') {
            requirement = None;
            evidence_at = None;
        } else if t.starts_with("evidence") && t.contains('=') {
            evidence_at = Some(start + line.find('=').unwrap_or(0));
        } else if !t.starts_with('{')
            && t.contains('=')
            && evidence_at.is_some_and(|at| text[at..start].contains(']'))
        {
            // A key after the evidence array closed: no longer inside it.
            evidence_at = None;
        }
    }
    if let Some(n) = requirement {
        path = format!("requirement[{n}]");
    }
    if let Some(at) = evidence_at {
        let inner = &text[at..offset];
        let open = !inner.contains(']') || inner.matches('[').count() > inner.matches(']').count();
        let at_entry = text[offset..].starts_with('{');
        if open && (inner.contains('{') || at_entry) {
            let index = inner.matches('{').count() + usize::from(at_entry);
            let index = index.saturating_sub(1);
            path.push_str(&format!(".evidence[{index}]"));
        }
    }
    let word: String = text[offset..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let own = text[line_start..]
        .lines()
        .next()
        .unwrap_or("")
        .split_once('=')
        .map(|(k, _)| k.trim().trim_start_matches('{').trim().to_string());
    // A value's span starts at the value: its key is the name before the `=` just before it.
    let value_key = before[line_start..]
        .trim_end()
        .strip_suffix('=')
        .map(|k| k.rsplit(['{', ',']).next().unwrap_or("").trim().to_string())
        .filter(|k| !k.is_empty());
    let key = if !word.is_empty()
        && text[offset..]
            .trim_start_matches(&*word)
            .trim_start()
            .starts_with('=')
    {
        Some(word)
    } else if value_key.is_some() {
        value_key
    } else {
        own.filter(|k| !k.starts_with('[') && !k.is_empty() && !path.contains(".evidence["))
    };
    match (path.is_empty(), key) {
        (true, Some(k)) => k,
        (false, Some(k)) => format!("{path}.{k}"),
        (false, None) => path,
        (true, None) => "(file)".into(),
    }
}

fn line_starts(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    text.split_inclusive('\n').map(move |l| {
        let start = at;
        at += l.len();
        (start, l)
    })
}

struct Ctx<'a> {
    text: &'a str,
}

impl Ctx<'_> {
    fn err(
        &self,
        span: Range<usize>,
        kind: PackErrorKind,
        detail: String,
        expected: impl Into<String>,
    ) -> PackError {
        PackError {
            line: line_of(self.text, span.start),
            key: key_path_at(self.text, span.start),
            kind,
            detail,
            expected: expected.into(),
        }
    }
}

fn classify(message: &str, in_evidence: bool) -> (PackErrorKind, String, String) {
    let (refusal, found, tail) = toml_text::refusal(message);
    match refusal {
        Refusal::UnknownField if in_evidence => (
            PackErrorKind::UnknownSelector,
            found,
            format!("one of {}", SELECTOR_KEYS.join(", ")),
        ),
        Refusal::UnknownField => (
            PackErrorKind::UnknownKey,
            found,
            tail.unwrap_or_else(|| "a key of the pack format".into()),
        ),
        Refusal::WrongType => (
            PackErrorKind::WrongType,
            found,
            tail.unwrap_or_else(|| "a value of the right type".into()),
        ),
        Refusal::MissingField => (
            PackErrorKind::MissingKey,
            found,
            "the key to be present".into(),
        ),
        Refusal::Syntax => (PackErrorKind::Syntax, found, "valid TOML".into()),
    }
}

/// Parses and validates a pack file.
pub fn parse_pack(text: &str) -> Result<Pack, PackError> {
    let raw: RawPack = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim().to_string();
        let mut key = key_path_at(text, span.start);
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
        {
            // A missing key is reported on the table that lacks it.
            let table = if text[span.start.min(text.len())..].starts_with("[[requirement]]") {
                let n = text[..span.start.min(text.len())]
                    .matches("[[requirement]]")
                    .count();
                format!("requirement[{n}]")
            } else {
                key.split('.').next().unwrap_or("").to_string()
            };
            key = if table.starts_with("requirement[") {
                format!("{table}.{field}")
            } else {
                field.to_string()
            };
        }
        let (kind, detail, expected) = classify(&message, key.contains(".evidence["));
        PackError {
            line: if e.span().is_some() {
                line_of(text, span.start)
            } else {
                0
            },
            key,
            kind,
            detail,
            expected,
        }
    })?;
    let ctx = Ctx { text };
    if raw.format.get_ref() != PACK_FORMAT {
        return Err(ctx.err(
            raw.format.span(),
            PackErrorKind::InvalidValue,
            format!("format {:?}", raw.format.get_ref()),
            format!("{PACK_FORMAT:?}"),
        ));
    }
    let name = raw.name.get_ref();
    if crate::model::check_slug("pack name", name).is_err() {
        return Err(ctx.err(
            raw.name.span(),
            PackErrorKind::InvalidValue,
            format!("name {name:?}"),
            "a slug: [a-z0-9][a-z0-9._-]{0,63}",
        ));
    }
    let retention_years = match raw.retention_years {
        Some(y) if *y.get_ref() == 0 || *y.get_ref() > 100 => {
            return Err(ctx.err(
                y.span(),
                PackErrorKind::InvalidValue,
                format!("retention_years {}", y.get_ref()),
                "a number of years from 1 to 100",
            ))
        }
        Some(y) => Some(y.into_inner()),
        None => None,
    };
    if raw.requirement.is_empty() {
        return Err(PackError {
            line: 0,
            key: "requirement".into(),
            kind: PackErrorKind::MissingKey,
            detail: "a pack without requirements".into(),
            expected: "at least one [[requirement]] table".into(),
        });
    }
    let mut ids = BTreeSet::new();
    let mut requirements = Vec::with_capacity(raw.requirement.len());
    for r in raw.requirement {
        let r = r.into_inner();
        let id = r.id.get_ref().trim().to_string();
        if id.is_empty() {
            return Err(ctx.err(
                r.id.span(),
                PackErrorKind::InvalidValue,
                "an empty id".into(),
                "an identifier such as \"MAP 1.1\" or \"art-9\"",
            ));
        }
        if !ids.insert(id.clone()) {
            return Err(ctx.err(
                r.id.span(),
                PackErrorKind::DuplicateId,
                format!("{id:?} is already the id of an earlier requirement"),
                "each requirement id once",
            ));
        }
        for (what, value) in [
            ("title", &r.title),
            ("satisfied", &r.satisfied),
            ("partial", &r.partial),
        ] {
            if value.get_ref().trim().is_empty() {
                return Err(ctx.err(
                    value.span(),
                    PackErrorKind::InvalidValue,
                    format!("an empty {what}"),
                    format!("the requirement's {what} in words"),
                ));
            }
        }
        if r.evidence.get_ref().is_empty() {
            return Err(ctx.err(
                r.evidence.span(),
                PackErrorKind::MissingKey,
                format!("requirement {id:?} names no evidence"),
                format!("at least one selector: {}", SELECTOR_KEYS.join(", ")),
            ));
        }
        let mut evidence = Vec::new();
        for s in r.evidence.into_inner() {
            evidence.push(selector(&ctx, s)?);
        }
        requirements.push(Requirement {
            id,
            group: r.group,
            title: r.title.into_inner(),
            satisfied: r.satisfied.into_inner(),
            partial: r.partial.into_inner(),
            evidence,
        });
    }
    Ok(Pack {
        name: raw.name.into_inner(),
        title: raw.title,
        version: raw.version,
        source: raw.source,
        retention_years,
        requirements,
    })
}

fn selector(ctx: &Ctx<'_>, s: Spanned<RawSelector>) -> Result<Selector, PackError> {
    let span = s.span();
    let s = s.into_inner();
    let named = [
        s.document.is_some(),
        s.evaluation.is_some(),
        s.approval.is_some(),
        s.gate_check.is_some(),
        s.release_record.is_some(),
        s.monitoring_plan.is_some(),
    ]
    .into_iter()
    .filter(|b| *b)
    .count();
    if named != 1 {
        return Err(ctx.err(
            span,
            PackErrorKind::InvalidValue,
            format!("an evidence entry naming {named} selectors"),
            format!("exactly one of {}", SELECTOR_KEYS.join(", ")),
        ));
    }
    if let (Some(section), None) = (&s.section, &s.document) {
        return Err(ctx.err(
            section.span(),
            PackErrorKind::InvalidValue,
            "`section` without `document`".into(),
            "section only beside document = \"KIND\"",
        ));
    }
    if let Some(d) = s.document {
        let kind: DocumentKind = d.get_ref().parse().map_err(|_| {
            ctx.err(
                d.span(),
                PackErrorKind::InvalidValue,
                format!("document kind {:?}", d.get_ref()),
                format!(
                    "one of {}",
                    DocumentKind::ALL.map(DocumentKind::as_str).join(", ")
                ),
            )
        })?;
        let section = match s.section {
            Some(sec) if sec.get_ref().trim().is_empty() => {
                return Err(ctx.err(
                    sec.span(),
                    PackErrorKind::InvalidValue,
                    "an empty section title".into(),
                    "a section heading of the document's template",
                ))
            }
            Some(sec) => Some(sec.into_inner()),
            None => None,
        };
        return Ok(Selector::Document { kind, section });
    }
    if let Some(e) = s.evaluation {
        let kind: EvalKind = e.get_ref().parse().map_err(|_| {
            ctx.err(
                e.span(),
                PackErrorKind::InvalidValue,
                format!("evaluation kind {:?}", e.get_ref()),
                format!("one of {}", EvalKind::ALL.map(EvalKind::as_str).join(", ")),
            )
        })?;
        return Ok(Selector::Evaluation(kind));
    }
    if let Some(a) = s.approval {
        let role: Role = a.get_ref().parse().map_err(|_| {
            ctx.err(
                a.span(),
                PackErrorKind::InvalidValue,
                format!("role {:?}", a.get_ref()),
                format!("one of {}", Role::ALL.map(Role::as_str).join(", ")),
            )
        })?;
        return Ok(Selector::Approval(role));
    }
    if let Some(g) = s.gate_check {
        let id = g.get_ref().trim();
        let stage = id
            .split('.')
            .next()
            .and_then(|s| s.parse::<Stage>().ok())
            .filter(|s| {
                matches!(
                    s,
                    Stage::Candidate | Stage::Canary | Stage::Production | Stage::Deprecated
                )
            });
        if stage.is_none() || id.split('.').count() < 2 {
            return Err(ctx.err(
                g.span(),
                PackErrorKind::InvalidValue,
                format!("gate check {id:?}"),
                "a check id of a policy, STAGE.CATEGORY.NAME (e.g. \"production.fairness.selection-rate\")",
            ));
        }
        return Ok(Selector::GateCheck(id.to_string()));
    }
    let flag = |b: Spanned<bool>, what: &str| {
        if *b.get_ref() {
            Ok(())
        } else {
            Err(ctx.err(
                b.span(),
                PackErrorKind::InvalidValue,
                format!("{what} = false"),
                format!("{what} = true (leave the entry out when it is not evidence)"),
            ))
        }
    };
    if let Some(b) = s.release_record {
        flag(b, "release_record")?;
        return Ok(Selector::ReleaseRecord);
    }
    if let Some(b) = s.monitoring_plan {
        flag(b, "monitoring_plan")?;
        return Ok(Selector::MonitoringPlan);
    }
    unreachable!("exactly one selector is named")
}
