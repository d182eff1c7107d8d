//! Templates: one Markdown file per kind in `assets/templates/`, embedded at build time.
//!
//! A template's front matter holds a `template:` block declaring, machine-readably, what a
//! complete document of its kind has:
//!
//! ```yaml
//! template:
//!   kind: model-card
//!   title: Model card
//!   required_fields: [license, language]
//!   required_sections: [Model details, Uses]
//! ```
//!
//! The rest of the template is the skeleton a new document starts from: the other front-matter
//! fields (empty until filled), the headings, and `> Guidance:` blockquotes for a first-time
//! author. `{{name}}` placeholders are filled when a document is created: in the front matter
//! as YAML values, in the body as plain text.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::markdown::parse_document;
use super::DocumentKind;
use crate::error::{DomainError, Result};

/// Values for a template's `{{name}}` placeholders (`model`, `version`, `dataset`, …).
pub type TemplateVars = BTreeMap<String, Value>;

/// A parsed template: what a complete document of its kind holds, and its skeleton.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The kind it is for.
    pub kind: DocumentKind,
    /// The human title.
    pub title: String,
    /// Section titles that must exist and have content (matched ignoring case and punctuation).
    pub required_sections: Vec<String>,
    /// Front-matter fields that must be present and not empty.
    pub required_fields: Vec<String>,
    /// The template text as written.
    pub text: String,
}

#[derive(Deserialize)]
struct Spec {
    kind: String,
    title: String,
    #[serde(default)]
    required_sections: Vec<String>,
    #[serde(default)]
    required_fields: Vec<String>,
}

fn substitute(text: &str, vars: &TemplateVars, yaml: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        let key = rest[start + 2..start + 2 + len].trim();
        out.push_str(&rest[..start]);
        let value = vars.get(key).unwrap_or(&Value::Null);
        let rendered = match (yaml, value) {
            (true, Value::Null) => "\"\"".to_string(),
            (true, v) => serde_json::to_string(v).unwrap_or_default(),
            (false, Value::String(s)) => s.clone(),
            (false, Value::Null) => String::new(),
            (false, v) => v.to_string(),
        };
        out.push_str(&rendered);
        rest = &rest[start + 2 + len + 2..];
    }
    out.push_str(rest);
    out
}

/// The front matter lines without the top-level `template:` block.
fn without_spec(front_matter: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in front_matter.split_inclusive('\n') {
        let top_level = !line.starts_with([' ', '\t']) && !line.trim().is_empty();
        if top_level {
            skipping = line.starts_with("template:");
        }
        if !skipping {
            out.push_str(line);
        }
    }
    out
}

fn split(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    Some((&rest[..=end], &rest[end + 5..]))
}

impl Template {
    /// Parses a template, refusing one without a valid `template:` block.
    pub fn parse(text: &str) -> Result<Template> {
        let bad = |why: String| DomainError::Invalid {
            field: "template",
            input: text.lines().take(3).collect::<Vec<_>>().join(" "),
            expected: why,
        };
        let (fm, body) = split(text).ok_or_else(|| {
            bad("front matter between `---` lines, holding a `template:` block".into())
        })?;
        let filled = format!(
            "---\n{}---\n{body}",
            substitute(fm, &TemplateVars::new(), true)
        );
        let doc = parse_document(&filled).map_err(|e| bad(e.to_string()))?;
        let spec = doc
            .front_matter
            .get("template")
            .ok_or_else(|| bad("a `template:` block in the front matter".into()))?;
        let spec: Spec = serde_json::from_value(spec.clone())
            .map_err(|e| bad(format!("a `template:` block with kind and title ({e})")))?;
        Ok(Template {
            kind: spec.kind.parse()?,
            title: spec.title,
            required_sections: spec.required_sections,
            required_fields: spec.required_fields,
            text: text.to_string(),
        })
    }

    /// The front-matter fields a new document of this kind starts with, required or optional
    /// (the `template:` block aside): the fields its authors are asked for.
    pub fn fields(&self) -> Vec<String> {
        parse_document(&self.instantiate(&TemplateVars::new()))
            .map(|d| d.front_matter.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Whether authors of this kind are asked for the front-matter field `name`: it is
    /// required, or a new document starts with it.
    pub fn declares(&self, name: &str) -> bool {
        self.required_fields.iter().any(|f| f == name) || self.fields().iter().any(|f| f == name)
    }

    /// The text of a new document: the template without its `template:` block, placeholders
    /// filled from `vars` (missing ones become empty).
    pub fn instantiate(&self, vars: &TemplateVars) -> String {
        match split(&self.text) {
            Some((fm, body)) => format!(
                "---\n{}---\n{}",
                substitute(&without_spec(fm), vars, true),
                substitute(body, vars, false)
            ),
            None => substitute(&self.text, vars, false),
        }
    }
}

/// The text of the built-in template of `kind`.
fn builtin_text(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::ModelCard => include_str!("../../../../assets/templates/model-card.md"),
        DocumentKind::DataSheet => include_str!("../../../../assets/templates/data-sheet.md"),
        DocumentKind::RiskAssessment => {
            include_str!("../../../../assets/templates/risk-assessment.md")
        }
        DocumentKind::EvalReport => include_str!("../../../../assets/templates/eval-report.md"),
        DocumentKind::Runbook => include_str!("../../../../assets/templates/runbook.md"),
        DocumentKind::RolloutPlan => include_str!("../../../../assets/templates/rollout-plan.md"),
        DocumentKind::AiImpactAssessment => {
            include_str!("../../../../assets/templates/ai-impact-assessment.md")
        }
        DocumentKind::PostMarketMonitoringPlan => {
            include_str!("../../../../assets/templates/post-market-monitoring-plan.md")
        }
        DocumentKind::DeclarationOfConformity => {
            include_str!("../../../../assets/templates/declaration-of-conformity.md")
        }
    }
}

/// The built-in template of `kind` (from `assets/templates/`, embedded at build time; a test
/// parses every one, so this cannot fail in a released binary).
pub fn builtin_template(kind: DocumentKind) -> Template {
    Template::parse(builtin_text(kind)).unwrap_or_else(|e| Template {
        kind,
        title: format!("{} (template unreadable: {e})", kind.label()),
        required_sections: Vec::new(),
        required_fields: Vec::new(),
        text: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_template_parses_and_matches_its_kind() {
        for kind in DocumentKind::ALL {
            let t = Template::parse(builtin_text(kind)).unwrap_or_else(|e| panic!("{kind}: {e}"));
            assert_eq!(t.kind, kind);
            assert!(
                !t.required_sections.is_empty() && !t.required_fields.is_empty(),
                "{kind}"
            );
            let doc = t.instantiate(&TemplateVars::new());
            let parsed = parse_document(&doc).unwrap_or_else(|e| panic!("{kind}: {e}\n{doc}"));
            assert!(!parsed.front_matter.contains_key("template"), "{kind}");
            assert!(doc.contains("> Guidance:"), "{kind} carries guidance");
        }
    }

    #[test]
    fn optional_fields_are_declared_without_being_required() {
        let runbook = builtin_template(DocumentKind::Runbook);
        assert!(runbook.declares("oncall_team"), "required");
        assert!(runbook.declares("autoscaling"), "optional");
        assert!(!runbook.required_fields.iter().any(|f| f == "autoscaling"));
        assert!(!runbook.declares("tarot"));
        assert!(!runbook.fields().iter().any(|f| f == "template"));
    }

    #[test]
    fn placeholders_fill_as_yaml_in_front_matter_and_text_in_body() {
        let t = builtin_template(DocumentKind::DataSheet);
        let vars: TemplateVars = [
            ("dataset", Value::from("tickets@v1")),
            ("source", Value::from("crm: \"export\"")),
            ("personal_data", Value::from(true)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let doc = t.instantiate(&vars);
        let parsed = parse_document(&doc).expect("parses");
        assert_eq!(parsed.front_matter["source"], "crm: \"export\"");
        assert_eq!(parsed.front_matter["personal_data"], true);
        assert_eq!(parsed.front_matter["consent"], "");
        assert!(parsed.body.contains("# Data sheet for tickets@v1"));
    }

    #[test]
    fn templates_without_a_spec_are_refused() {
        for text in [
            "no front matter",
            "---\na: 1\n---\n",
            "---\ntemplate:\n  kind: memo\n  title: x\n---\n",
        ] {
            assert!(Template::parse(text).is_err(), "{text}");
        }
    }
}
