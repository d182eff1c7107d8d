//! The HTML dossier of a version: every document with its revision, checksum and gaps, in one
//! self-contained file (inline CSS, no scripts, no images, no external requests) that prints
//! cleanly. The version's evaluation charts follow the documents, each embedded as an
//! `<img>` with a `data:image/svg+xml` URI: an SVG shown as an image can neither run script nor
//! fetch anything, whatever text an imported metric name carried into it. Later issues add
//! gates and approvals as more sections.

use base64::Engine as _;
use steward_domain::DocumentKind;

use crate::markdown::{escape, render_document, Target};

/// One document as the dossier shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierDocument {
    /// Its kind.
    pub kind: DocumentKind,
    /// What it belongs to (`model@version`, or the dataset snapshot of a data sheet).
    pub target: String,
    /// The revision number shown.
    pub revision: u32,
    /// `sha256:…` of the revision's text.
    pub sha256: String,
    /// Who saved it.
    pub author: String,
    /// When.
    pub saved_at: String,
    /// The text.
    pub text: String,
    /// Its completeness findings, as messages.
    pub findings: Vec<String>,
}

/// One evaluation chart as the dossier shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierChart {
    /// Its title (also the image's alternative text).
    pub title: String,
    /// The SVG document.
    pub svg: String,
}

/// Everything in a dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dossier {
    /// Model name.
    pub model: String,
    /// Model title.
    pub title: String,
    /// Version.
    pub version: String,
    /// Its stage.
    pub stage: String,
    /// When the dossier was made (passed in: this crate has no clock).
    pub generated_at: String,
    /// The documents.
    pub documents: Vec<DossierDocument>,
    /// Required documents that do not exist (`runbook`, `data-sheet for x@v1`).
    pub missing: Vec<String>,
    /// The version's evaluation charts.
    pub charts: Vec<DossierChart>,
    /// Charts left out for want of evidence, as sentences.
    pub chart_gaps: Vec<String>,
}

const CSS: &str = r#"
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --ok: #1a7f37; --gap: #9a6700; --bad: #cf222e; }
* { box-sizing: border-box; }
body { font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; }
header { border-bottom: 2px solid var(--ink); margin-bottom: 1.5rem; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; }
.meta { color: var(--muted); font-size: .9rem; }
nav ol { columns: 2; }
section.document { border-top: 1px solid var(--line); padding-top: 1rem; margin-top: 2rem; }
section.document > h2 { font-size: 1.4rem; margin-bottom: .2rem; }
.status { display: inline-block; padding: 0 .5rem; border-radius: 1rem; font-size: .8rem; font-weight: 600; border: 1px solid currentColor; }
.status.complete { color: var(--ok); } .status.gaps { color: var(--gap); } .status.missing { color: var(--bad); }
.findings { background: #fff8c5; border: 1px solid #d4a72c; padding: .5rem 1rem; border-radius: 6px; }
.front-matter { background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: .5rem 1rem; font-size: .9rem; }
.front-matter dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
.front-matter dt { font-weight: 600; } .front-matter dd { margin: 0; }
.empty { color: var(--muted); }
table { border-collapse: collapse; margin: .5rem 0; font-size: .88rem; display: block; max-width: 100%; overflow-x: auto; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; vertical-align: top; text-align: left; }
.band-low { color: var(--ok); } .band-medium { color: var(--gap); } .band-high, .band-critical { color: var(--bad); font-weight: 600; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .88em; }
pre { background: #f6f8fa; padding: .75rem; overflow-x: auto; }
blockquote { border-left: 3px solid var(--line); margin-left: 0; padding-left: 1rem; color: var(--muted); }
figure.chart { margin: 1rem 0; } figure.chart img { width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
figure.chart figcaption { color: var(--muted); font-size: .85rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  nav { display: none; }
  section.document { break-before: page; border-top: none; }
  a { color: inherit; text-decoration: none; }
  pre, table, .front-matter, figure.chart { break-inside: avoid; }
}
"#;

/// The dossier as one HTML file.
pub fn dossier_html(d: &Dossier) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    // A CSP in the file itself: even if a browser were lenient, nothing may load or run.
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
    out.push_str(&format!(
        "<title>{} {} — release dossier</title><style>{CSS}</style></head><body>",
        escape(&d.model),
        escape(&d.version)
    ));
    out.push_str(&format!(
        "<header><h1>{} <small>{}</small></h1><p class=\"meta\">{} · stage {} · generated {} · {} document(s)</p></header>",
        escape(&d.title),
        escape(&format!("{}@{}", d.model, d.version)),
        escape(&d.model),
        escape(&d.stage),
        escape(&d.generated_at),
        d.documents.len()
    ));
    out.push_str("<nav><h2>Contents</h2><ol>");
    for (i, doc) in d.documents.iter().enumerate() {
        out.push_str(&format!(
            "<li><a href=\"#doc-{i}\">{} — {}</a></li>",
            escape(doc.kind.label()),
            escape(&doc.target)
        ));
    }
    for m in &d.missing {
        out.push_str(&format!(
            "<li><span class=\"status missing\">missing</span> {}</li>",
            escape(m)
        ));
    }
    if !d.charts.is_empty() || !d.chart_gaps.is_empty() {
        out.push_str("<li><a href=\"#charts\">Evaluation charts</a></li>");
    }
    out.push_str("</ol></nav>");
    for (i, doc) in d.documents.iter().enumerate() {
        let rendered = render_document(&doc.text, Target::Offline);
        let status = if doc.findings.is_empty() {
            "<span class=\"status complete\">complete</span>".to_string()
        } else {
            format!(
                "<span class=\"status gaps\">{} gap(s)</span>",
                doc.findings.len()
            )
        };
        out.push_str(&format!(
            "<section class=\"document\" id=\"doc-{i}\"><h2>{} — {}</h2><p class=\"meta\">{status} · r{} · {} · {} · {}</p>",
            escape(doc.kind.label()),
            escape(&doc.target),
            doc.revision,
            escape(&doc.author),
            escape(&doc.saved_at),
            escape(&doc.sha256)
        ));
        if !doc.findings.is_empty() {
            out.push_str("<div class=\"findings\"><strong>Gaps</strong><ul>");
            for f in &doc.findings {
                out.push_str(&format!("<li>{}</li>", escape(f)));
            }
            out.push_str("</ul></div>");
        }
        out.push_str(&rendered.front_matter_html);
        out.push_str(&rendered.body_html);
        out.push_str("</section>");
    }
    if !d.charts.is_empty() || !d.chart_gaps.is_empty() {
        out.push_str("<section class=\"document\" id=\"charts\"><h2>Evaluation charts</h2>");
        for c in &d.charts {
            let data = base64::engine::general_purpose::STANDARD.encode(c.svg.as_bytes());
            out.push_str(&format!(
                "<figure class=\"chart\"><img alt=\"{title}\" src=\"data:image/svg+xml;base64,{data}\"><figcaption>{title}</figcaption></figure>",
                title = escape(&c.title)
            ));
        }
        if !d.chart_gaps.is_empty() {
            out.push_str("<ul class=\"empty\">");
            for g in &d.chart_gaps {
                out.push_str(&format!("<li>{}</li>", escape(g)));
            }
            out.push_str("</ul>");
        }
        out.push_str("</section>");
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dossier_is_self_contained() {
        let d = Dossier {
            model: "copilot".into(),
            title: "Co-pilot <script>".into(),
            version: "1.0.0-1".into(),
            stage: "production".into(),
            generated_at: "2026-11-26T15:00:00Z".into(),
            documents: vec![DossierDocument {
                kind: DocumentKind::ModelCard,
                target: "copilot@1.0.0-1".into(),
                revision: 2,
                sha256: "sha256:00".into(),
                author: "maya".into(),
                saved_at: "2026-11-26T14:00:00Z".into(),
                text: "---\nlicense: mit\n---\n# Card\n\n![chart](https://example.com/x.png)\n<img src=\"http://tracker.example/p.gif\">\n<link rel=stylesheet href=\"https://cdn.example/x.css\">\n".into(),
                findings: vec!["section \"Uses\" is missing".into()],
            }],
            missing: vec!["runbook".into()],
            charts: Vec::new(),
            chart_gaps: Vec::new(),
        };
        let html = dossier_html(&d);
        for banned in ["<script", "<img", "<link", "src=", "@import", "url("] {
            assert!(!html.contains(banned), "{banned} in dossier");
        }
        for needle in [
            "Co-pilot &lt;script&gt;",
            "r2",
            "1 gap(s)",
            "missing</span> runbook",
            "@media print",
            "license",
        ] {
            assert!(html.contains(needle), "{needle} missing");
        }
    }

    #[test]
    fn charts_are_embedded_as_inert_images() {
        let svg =
            r#"<svg xmlns="http://www.w3.org/2000/svg"><text>p99 &lt;script&gt;</text></svg>"#;
        let d = Dossier {
            model: "copilot".into(),
            title: "Co-pilot".into(),
            version: "1.0.0-1".into(),
            stage: "candidate".into(),
            generated_at: "2026-11-26T15:00:00Z".into(),
            documents: Vec::new(),
            missing: Vec::new(),
            charts: vec![DossierChart {
                title: "Latency <p99>".into(),
                svg: svg.into(),
            }],
            chart_gaps: vec!["no KPI series for the kpi chart".into()],
        };
        let html = dossier_html(&d);
        let encoded = base64::engine::general_purpose::STANDARD.encode(svg);
        assert!(
            html.contains(&format!("src=\"data:image/svg+xml;base64,{encoded}\"")),
            "{html}"
        );
        assert!(html.contains("alt=\"Latency &lt;p99&gt;\""));
        assert!(html.contains("no KPI series for the kpi chart"));
        assert!(!html.contains("<svg"), "SVG must not be inlined as markup");
        assert_eq!(html.matches("<img").count(), 1);
        assert!(html.contains("img-src data:"));
    }
}
