//! Markdown → sanitized HTML, and a document's front matter as a structured panel.
//!
//! pulldown-cmark renders CommonMark with tables, footnotes, task lists and strikethrough;
//! ammonia then keeps only an allowlist of tags and attributes and the `http`, `https` and
//! `mailto` URL schemes, so raw HTML in a synced document (script, event attributes,
//! `javascript:`/`data:` URLs, SVG and MathML tricks) comes out inert. The front matter panel
//! escapes every key and value itself and goes through the same sanitizer.

use std::collections::{BTreeSet, HashSet};

use pulldown_cmark::{html, Parser};
use serde_json::{Map, Value};
use steward_domain::document::{parse_document, risk_register, FrontMatterError};

/// Where the HTML will be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The studio's preview: images allowed (the webview's CSP decides what loads).
    Studio,
    /// A file meant to be read offline (the dossier): no images, so nothing is fetched.
    Offline,
}

/// A document rendered for reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedDocument {
    /// The front matter as a definition list (tables for lists of records), sanitized.
    pub front_matter_html: String,
    /// The Markdown body, sanitized.
    pub body_html: String,
    /// Why the front matter could not be read, when it could not (the whole text is then
    /// rendered as the body so the author still sees it).
    pub front_matter_error: Option<FrontMatterError>,
}

fn sanitizer(target: Target) -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow"))
        .add_tags(["input"])
        .add_tag_attribute_values("input", "type", ["checkbox"])
        .add_tag_attribute_values("input", "checked", ["", "checked"])
        .add_tag_attribute_values("input", "disabled", ["", "disabled"])
        .add_allowed_classes(
            "div",
            ["footnote-definition", "front-matter", "risk-register"],
        )
        .add_allowed_classes("sup", ["footnote-reference", "footnote-definition-label"])
        .add_allowed_classes(
            "span",
            [
                "band-low",
                "band-medium",
                "band-high",
                "band-critical",
                "empty",
            ],
        )
        .add_allowed_classes("table", ["risk-register"]);
    for cell in ["th", "td"] {
        b.add_tag_attribute_values(
            cell,
            "style",
            [
                "text-align: left",
                "text-align: center",
                "text-align: right",
            ],
        );
    }
    if target == Target::Offline {
        b.rm_tags(["img"]);
    }
    b
}

/// Sanitizes HTML for `target`.
pub fn sanitize(html: &str, target: Target) -> String {
    sanitizer(target).clean(html).to_string()
}

/// Markdown to sanitized HTML.
pub fn render_markdown(markdown: &str, target: Target) -> String {
    // The domain's options: the completeness check reads the same headings the preview shows.
    let options = steward_domain::document::markdown_options();
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    sanitize(&raw, target)
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "<span class=\"empty\">—</span>".into(),
        Value::String(s) if s.trim().is_empty() => "<span class=\"empty\">—</span>".into(),
        Value::String(s) => escape(s),
        other => escape(&other.to_string()),
    }
}

fn value_html(v: &Value, out: &mut String) {
    match v {
        Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => {
            let keys: BTreeSet<&String> = items
                .iter()
                .filter_map(Value::as_object)
                .flat_map(Map::keys)
                .collect();
            out.push_str("<table><thead><tr>");
            for k in &keys {
                out.push_str(&format!("<th>{}</th>", escape(k)));
            }
            out.push_str("</tr></thead><tbody>");
            for item in items.iter().filter_map(Value::as_object) {
                out.push_str("<tr>");
                for k in &keys {
                    out.push_str(&format!(
                        "<td>{}</td>",
                        item.get(*k).map_or_else(String::new, scalar)
                    ));
                }
                out.push_str("</tr>");
            }
            out.push_str("</tbody></table>");
        }
        Value::Array(items) if items.is_empty() => out.push_str("<span class=\"empty\">—</span>"),
        Value::Array(items) => {
            out.push_str("<ul>");
            for item in items {
                out.push_str("<li>");
                value_html(item, out);
                out.push_str("</li>");
            }
            out.push_str("</ul>");
        }
        Value::Object(map) => {
            out.push_str("<dl>");
            for (k, v) in map {
                out.push_str(&format!("<dt>{}</dt><dd>", escape(k)));
                value_html(v, out);
                out.push_str("</dd>");
            }
            out.push_str("</dl>");
        }
        other => out.push_str(&scalar(other)),
    }
}

fn cell(v: Option<impl ToString>) -> String {
    v.map_or_else(
        || "<span class=\"empty\">—</span>".into(),
        |v| escape(&v.to_string()),
    )
}

/// The risk register as a table with the computed score and band.
fn risk_table(front_matter: &Map<String, Value>, front_matter_text: &str) -> String {
    let rows = risk_register(front_matter, front_matter_text);
    let mut out = String::from(
        "<table class=\"risk-register\"><thead><tr><th>ID</th><th>Risk</th><th>Category</th><th>L</th><th>I</th><th>Score</th><th>Treatment</th><th>Mitigation</th><th>Owner</th><th>Residual</th><th>Acceptance</th></tr></thead><tbody>",
    );
    for r in rows {
        let band = r.band.map_or_else(
            || "<span class=\"empty\">—</span>".to_string(),
            |b| {
                format!(
                    "<span class=\"band-{0}\">{1} {0}</span>",
                    b.as_str(),
                    r.score.unwrap_or(0)
                )
            },
        );
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{band}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            cell(r.id), cell(r.title), cell(r.category), cell(r.likelihood), cell(r.impact),
            cell(r.treatment), cell(r.mitigation), cell(r.owner), cell(r.residual_score), cell(r.acceptance),
        ));
    }
    out.push_str("</tbody></table>");
    out
}

/// The front matter as a sanitized panel: a definition list, lists of records as tables, and
/// the `risks` register with computed scores and bands.
pub fn front_matter_panel(front_matter: &Map<String, Value>, front_matter_text: &str) -> String {
    if front_matter.is_empty() {
        return String::new();
    }
    let mut out = String::from("<div class=\"front-matter\"><dl>");
    for (k, v) in front_matter {
        out.push_str(&format!("<dt>{}</dt><dd>", escape(k)));
        if k == "risks" && v.is_array() {
            out.push_str(&risk_table(front_matter, front_matter_text));
        } else {
            value_html(v, &mut out);
        }
        out.push_str("</dd>");
    }
    out.push_str("</dl></div>");
    sanitize(&out, Target::Studio)
}

/// Renders a whole document: front matter panel and body.
pub fn render_document(text: &str, target: Target) -> RenderedDocument {
    match parse_document(text) {
        Ok(doc) => RenderedDocument {
            front_matter_html: front_matter_panel(&doc.front_matter, doc.front_matter_text),
            body_html: render_markdown(doc.body, target),
            front_matter_error: None,
        },
        Err(e) => RenderedDocument {
            front_matter_html: String::new(),
            body_html: render_markdown(text, target),
            front_matter_error: Some(e),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commonmark_extensions_render() {
        let html = render_markdown(
            "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~old~~ new[^1]\n\n[^1]: a note\n",
            Target::Studio,
        );
        for needle in [
            "<table>",
            "<th style=\"text-align: left\">a</th>",
            "type=\"checkbox\"",
            "checked=\"\"",
            "<del>old</del>",
            "class=\"footnote-reference\"",
            "class=\"footnote-definition\"",
        ] {
            assert!(html.contains(needle), "{needle} in {html}");
        }
    }

    #[test]
    fn front_matter_panel_escapes_and_tabulates() {
        let doc = "---\ntitle: \"<b>x</b>\"\nlanguage: [en, de]\nrisks:\n  - id: R-1\n    likelihood: 4\n    impact: 5\n    owner: maya\n---\n# Body\n";
        let r = render_document(doc, Target::Studio);
        assert!(r.front_matter_error.is_none());
        assert!(
            r.front_matter_html.contains("&lt;b&gt;x&lt;/b&gt;"),
            "{}",
            r.front_matter_html
        );
        assert!(r.front_matter_html.contains("<li>en</li>"));
        assert!(
            r.front_matter_html
                .contains("<span class=\"band-critical\">20 critical</span>"),
            "{}",
            r.front_matter_html
        );
        assert!(r.body_html.contains("<h1>Body</h1>"));
        let broken = render_document("---\na: [\n---\n# Still shown\n", Target::Studio);
        assert_eq!(broken.front_matter_error.map(|e| e.line), Some(3));
        assert!(broken.body_html.contains("Still shown"));
    }
}
