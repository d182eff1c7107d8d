//! The EU AI Act Annex IV technical documentation file of a version: the nine items in order,
//! each filled from the evidence its pack requirement maps to, every gap shown as a gap (never
//! as blank text), then the signed release records and approvals with the public keys that
//! verify them and the two lines an auditor runs to do it. The caller decides every status
//! (the coverage rule and record verification); this module only lays them out, as one
//! self-contained HTML file ([`annex_iv_html`]) or as the text blocks the PDF writer sets
//! ([`annex_iv_blocks`]).

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::markdown::{escape, render_markdown, Target};
use crate::pdf::Block;

/// One part of an item's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnnexPart {
    /// Markdown from a document, with where it came from (`model-card r2 § Uses, sha256:…`).
    Markdown {
        /// The part's heading.
        heading: String,
        /// Its source and digest.
        source: String,
        /// The Markdown.
        text: String,
    },
    /// A table (evaluation runs, release records, packs).
    Table {
        /// The part's heading.
        heading: String,
        /// Column names.
        columns: Vec<String>,
        /// Rows of cells.
        rows: Vec<Vec<String>>,
    },
}

/// One of the nine items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnexItem {
    /// 1 to 9.
    pub number: u8,
    /// Its title.
    pub title: String,
    /// `satisfied`, `partial` or `missing`.
    pub status: String,
    /// What the status means for it.
    pub meaning: String,
    /// The evidence, in the order its selectors name it.
    pub parts: Vec<AnnexPart>,
    /// Every gap, with its next step.
    pub gaps: Vec<String>,
}

/// A signed release record attached to the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedRecord {
    /// Position in the model's chain.
    pub seq: u32,
    /// The version it moved.
    pub version: String,
    /// `candidate → canary`.
    pub change: String,
    /// When it was signed.
    pub recorded_at: String,
    /// Its signer.
    pub signer: String,
    /// `sha256:…` of the envelope.
    pub digest: String,
    /// Problems verification found; empty when it verifies.
    pub problems: Vec<String>,
    /// The DSSE envelope as stored.
    pub envelope: String,
}

/// A signed approval attached to the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedApproval {
    /// The role.
    pub role: String,
    /// The stage approved.
    pub stage: String,
    /// The decision.
    pub decision: String,
    /// The signer's name.
    pub signer: String,
    /// Its trust state now (`current`, `stale`, …).
    pub state: String,
    /// The DSSE envelope as stored.
    pub envelope: String,
}

/// A public key attached to the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedKey {
    /// The person.
    pub name: String,
    /// The fingerprint to compare aloud.
    pub fingerprint: String,
    /// The securesystemslib key dictionary, as JSON.
    pub json: String,
}

/// Everything in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnexIv {
    /// The model.
    pub model: String,
    /// Its title.
    pub title: String,
    /// The version.
    pub version: String,
    /// Its stage.
    pub stage: String,
    /// The pack the items come from (`eu-ai-act Regulation (EU) 2024/1689`).
    pub pack: String,
    /// When the file was made (passed in: this crate has no clock).
    pub generated_at: String,
    /// The nine items, in order.
    pub items: Vec<AnnexItem>,
    /// The model's release records.
    pub records: Vec<AttachedRecord>,
    /// The version's approvals.
    pub approvals: Vec<AttachedApproval>,
    /// The public keys of every signer attached.
    pub keys: Vec<AttachedKey>,
    /// The two lines that verify an envelope with a key.
    pub instruction: Vec<String>,
    /// The retention date, when the pack sets one and the version is on the market.
    pub keep_until: Option<String>,
}

impl AnnexIv {
    /// Whether every attached record verifies.
    pub fn records_verify(&self) -> bool {
        self.records.iter().all(|r| r.problems.is_empty())
    }
}

const CSS: &str = r#"
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --ok: #1a7f37; --gap: #9a6700; --bad: #cf222e; }
* { box-sizing: border-box; }
body { font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); max-width: 62rem; margin: 2rem auto; padding: 0 1.5rem; }
header { border-bottom: 2px solid var(--ink); margin-bottom: 1.5rem; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
.meta { color: var(--muted); font-size: .9rem; }
section.item, section.attached { border-top: 1px solid var(--line); padding-top: 1rem; margin-top: 2rem; }
.status { display: inline-block; padding: 0 .5rem; border-radius: 1rem; font-size: .8rem; font-weight: 600; border: 1px solid currentColor; }
.status.satisfied, .status.verified { color: var(--ok); } .status.partial { color: var(--gap); } .status.missing, .status.failed { color: var(--bad); }
.gaps { background: #fff8c5; border: 1px solid #d4a72c; padding: .5rem 1rem; border-radius: 6px; }
.failed-box { background: #ffebe9; border: 1px solid var(--bad); padding: .5rem 1rem; border-radius: 6px; }
.part { margin: 1rem 0; } .source { color: var(--muted); font-size: .8rem; word-break: break-all; }
table { border-collapse: collapse; margin: .5rem 0; font-size: .85rem; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; vertical-align: top; text-align: left; word-break: break-word; }
pre { background: #f6f8fa; padding: .75rem; white-space: pre-wrap; word-break: break-all; font: .75rem ui-monospace, SFMono-Regular, Menlo, monospace; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  section.item { break-before: page; border-top: none; }
  pre, table { break-inside: avoid; }
}
"#;

fn status_span(status: &str) -> String {
    format!("<span class=\"status {s}\">{s}</span>", s = escape(status))
}

fn table_html(columns: &[String], rows: &[Vec<String>]) -> String {
    let mut out = String::from("<table><thead><tr>");
    for c in columns {
        out.push_str(&format!("<th>{}</th>", escape(c)));
    }
    out.push_str("</tr></thead><tbody>");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            out.push_str(&format!("<td>{}</td>", escape(c)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// The file as one self-contained HTML page: inline CSS, no scripts, no images, a CSP that
/// forbids loading anything, print styles.
pub fn annex_iv_html(d: &AnnexIv) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">");
    out.push_str(&format!(
        "<title>{} {} — Annex IV technical documentation</title><style>{CSS}</style></head><body>",
        escape(&d.model),
        escape(&d.version)
    ));
    out.push_str(&format!(
        "<header><h1>Technical documentation (EU AI Act Annex IV): {} <small>{}@{}</small></h1><p class=\"meta\">stage {} · {} · generated {}{}</p></header>",
        escape(&d.title),
        escape(&d.model),
        escape(&d.version),
        escape(&d.stage),
        escape(&d.pack),
        escape(&d.generated_at),
        d.keep_until
            .as_deref()
            .map(|k| format!(" · keep until {}", escape(k)))
            .unwrap_or_default()
    ));
    out.push_str("<nav><h2>Contents</h2><ol>");
    for i in &d.items {
        out.push_str(&format!(
            "<li><a href=\"#item-{n}\">{}</a> {}</li>",
            escape(&i.title),
            status_span(&i.status),
            n = i.number
        ));
    }
    out.push_str("<li><a href=\"#records\">Signed release records</a></li><li><a href=\"#approvals\">Signed approvals</a></li><li><a href=\"#keys\">Public keys and how to verify</a></li></ol></nav>");
    for i in &d.items {
        out.push_str(&format!(
            "<section class=\"item\" id=\"item-{n}\"><h2>Item {n}. {}</h2><p>{} {}</p>",
            escape(&i.title),
            status_span(&i.status),
            escape(&i.meaning),
            n = i.number
        ));
        if !i.gaps.is_empty() {
            out.push_str("<div class=\"gaps\"><strong>Gaps</strong><ul>");
            for g in &i.gaps {
                out.push_str(&format!("<li>GAP: {}</li>", escape(g)));
            }
            out.push_str("</ul></div>");
        }
        for p in &i.parts {
            match p {
                AnnexPart::Markdown {
                    heading,
                    source,
                    text,
                } => out.push_str(&format!(
                    "<div class=\"part\"><h3>{}</h3><p class=\"source\">{}</p>{}</div>",
                    escape(heading),
                    escape(source),
                    render_markdown(text, Target::Offline)
                )),
                AnnexPart::Table {
                    heading,
                    columns,
                    rows,
                } => out.push_str(&format!(
                    "<div class=\"part\"><h3>{}</h3>{}</div>",
                    escape(heading),
                    table_html(columns, rows)
                )),
            }
        }
        out.push_str("</section>");
    }
    out.push_str("<section class=\"attached\" id=\"records\"><h2>Signed release records</h2>");
    if d.records_verify() {
        out.push_str(&format!(
            "<p>{} · every record verified against the workspace's roster when this file was made.</p>",
            status_span("verified")
        ));
    } else {
        out.push_str(&format!(
            "<div class=\"failed-box\">{} Verification FAILED for at least one record below: it must not be relied on.</div>",
            status_span("failed")
        ));
    }
    if d.records.is_empty() {
        out.push_str("<p class=\"gaps\">GAP: the model has no signed release records.</p>");
    }
    for r in &d.records {
        let state = if r.problems.is_empty() {
            status_span("verified")
        } else {
            format!(
                "{} {}",
                status_span("failed"),
                escape(&r.problems.join("; "))
            )
        };
        out.push_str(&format!(
            "<h3>Record {} — {} {}</h3><p>{} · signed {} by {} · {}</p><pre class=\"envelope\" data-kind=\"record\">{}</pre>",
            r.seq,
            escape(&r.version),
            escape(&r.change),
            state,
            escape(&r.recorded_at),
            escape(&r.signer),
            escape(&r.digest),
            escape(&r.envelope)
        ));
    }
    out.push_str(
        "</section><section class=\"attached\" id=\"approvals\"><h2>Signed approvals</h2>",
    );
    if d.approvals.is_empty() {
        out.push_str("<p class=\"gaps\">GAP: the version has no signed approvals.</p>");
    }
    for a in &d.approvals {
        out.push_str(&format!(
            "<h3>{} — {} for {}</h3><p>{} by {}</p><pre class=\"envelope\" data-kind=\"approval\">{}</pre>",
            escape(&a.role),
            escape(&a.decision),
            escape(&a.stage),
            status_span(&a.state),
            escape(&a.signer),
            escape(&a.envelope)
        ));
    }
    out.push_str(
        "</section><section class=\"attached\" id=\"keys\"><h2>Public keys and how to verify</h2>",
    );
    out.push_str("<p>Save a key below as KEY.json and an envelope above as ENVELOPE.json, then run:</p><pre class=\"instruction\">");
    out.push_str(&escape(&d.instruction.join("\n")));
    out.push_str("</pre>");
    for k in &d.keys {
        out.push_str(&format!(
            "<h3>{}</h3><p class=\"meta\">fingerprint {}</p><pre class=\"key\">{}</pre>",
            escape(&k.name),
            escape(&k.fingerprint),
            escape(&k.json)
        ));
    }
    out.push_str("</section></body></html>\n");
    out
}

/// Markdown as plain paragraphs, for the PDF: headings and list items on lines of their own.
fn markdown_text(md: &str) -> Vec<String> {
    let mut paras = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, paras: &mut Vec<String>| {
        let t = cur.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            paras.push(t);
        }
        cur.clear();
    };
    for ev in Parser::new_ext(md, steward_domain::document::markdown_options()) {
        match ev {
            Event::Text(t) | Event::Code(t) => cur.push_str(&t),
            Event::SoftBreak | Event::HardBreak => cur.push(' '),
            Event::Start(Tag::Item) => {
                flush(&mut cur, &mut paras);
                cur.push_str("• ");
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableRow,
            )
            | Event::Start(Tag::Heading { .. }) => flush(&mut cur, &mut paras),
            Event::End(TagEnd::TableCell) => cur.push_str(" | "),
            _ => {}
        }
    }
    flush(&mut cur, &mut paras);
    paras
}

/// The file as blocks of text for the PDF writer, in the same order as the HTML.
pub fn annex_iv_blocks(d: &AnnexIv) -> Vec<Block> {
    let mut b = vec![
        Block::Title(format!(
            "Technical documentation (EU AI Act Annex IV): {}",
            d.title
        )),
        Block::Text(format!(
            "{}@{} · stage {} · {} · generated {}{}",
            d.model,
            d.version,
            d.stage,
            d.pack,
            d.generated_at,
            d.keep_until
                .as_deref()
                .map(|k| format!(" · keep until {k}"))
                .unwrap_or_default()
        )),
    ];
    for i in &d.items {
        b.push(Block::Heading(format!("Item {}. {}", i.number, i.title)));
        b.push(Block::Text(format!(
            "Status: {} — {}",
            i.status.to_uppercase(),
            i.meaning
        )));
        for g in &i.gaps {
            b.push(Block::Text(format!("GAP: {g}")));
        }
        for p in &i.parts {
            match p {
                AnnexPart::Markdown {
                    heading,
                    source,
                    text,
                } => {
                    b.push(Block::Subheading(heading.clone()));
                    b.push(Block::Small(source.clone()));
                    b.extend(markdown_text(text).into_iter().map(Block::Text));
                }
                AnnexPart::Table {
                    heading,
                    columns,
                    rows,
                } => {
                    b.push(Block::Subheading(heading.clone()));
                    b.push(Block::Small(columns.join(" | ")));
                    for r in rows {
                        b.push(Block::Small(r.join(" | ")));
                    }
                }
            }
        }
    }
    b.push(Block::Heading("Signed release records".into()));
    b.push(Block::Text(if d.records_verify() {
        "Every record VERIFIED against the workspace's roster when this file was made.".into()
    } else {
        "Verification FAILED for at least one record below: it must not be relied on.".into()
    }));
    if d.records.is_empty() {
        b.push(Block::Text(
            "GAP: the model has no signed release records.".into(),
        ));
    }
    for r in &d.records {
        b.push(Block::Subheading(format!(
            "Record {} — {} {}",
            r.seq, r.version, r.change
        )));
        b.push(Block::Text(if r.problems.is_empty() {
            format!(
                "VERIFIED · signed {} by {} · {}",
                r.recorded_at, r.signer, r.digest
            )
        } else {
            format!(
                "FAILED: {} · signed {} by {} · {}",
                r.problems.join("; "),
                r.recorded_at,
                r.signer,
                r.digest
            )
        }));
        b.push(Block::Mono(r.envelope.clone()));
    }
    b.push(Block::Heading("Signed approvals".into()));
    if d.approvals.is_empty() {
        b.push(Block::Text(
            "GAP: the version has no signed approvals.".into(),
        ));
    }
    for a in &d.approvals {
        b.push(Block::Subheading(format!(
            "{} — {} for {} ({}) by {}",
            a.role, a.decision, a.stage, a.state, a.signer
        )));
        b.push(Block::Mono(a.envelope.clone()));
    }
    b.push(Block::Heading("Public keys and how to verify".into()));
    b.push(Block::Text(
        "Save a key below as KEY.json and an envelope above as ENVELOPE.json, then run:".into(),
    ));
    b.push(Block::Mono(d.instruction.join("\n")));
    for k in &d.keys {
        b.push(Block::Subheading(format!(
            "{} — fingerprint {}",
            k.name, k.fingerprint
        )));
        b.push(Block::Mono(k.json.clone()));
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(problems: Vec<String>) -> AnnexIv {
        AnnexIv {
            model: "copilot".into(),
            title: "Co-pilot <beta>".into(),
            version: "1.0.0-1".into(),
            stage: "production".into(),
            pack: "EU AI Act".into(),
            generated_at: "2026-12-01T00:00:00Z".into(),
            items: (1..=9)
                .map(|n| AnnexItem {
                    number: n,
                    title: format!("Item title {n}"),
                    status: if n == 9 { "missing" } else { "satisfied" }.into(),
                    meaning: "m".into(),
                    parts: if n == 1 {
                        vec![AnnexPart::Markdown {
                            heading: "Model card — Uses".into(),
                            source: "model-card revision 2, sha256:ab".into(),
                            text: "Answers *tickets*.\n\n<script>alert(1)</script>\n\n- one\n- two"
                                .into(),
                        }]
                    } else {
                        Vec::new()
                    },
                    gaps: if n == 9 {
                        vec!["monitoring plan: no post-market-monitoring-plan".into()]
                    } else {
                        Vec::new()
                    },
                })
                .collect(),
            records: vec![AttachedRecord {
                seq: 1,
                version: "1.0.0-1".into(),
                change: "canary → production".into(),
                recorded_at: "2026-11-01".into(),
                signer: "Priya".into(),
                digest: "sha256:cd".into(),
                problems,
                envelope: "{\"payload\": \"<x>\"}".into(),
            }],
            approvals: Vec::new(),
            keys: Vec::new(),
            instruction: vec!["pip install securesystemslib".into(), "python -c …".into()],
            keep_until: Some("2036-11-01".into()),
        }
    }

    #[test]
    fn the_html_is_self_contained_in_order_with_gaps_as_gaps() {
        let html = annex_iv_html(&sample(Vec::new()));
        assert!(!html.contains("<script"), "document HTML is sanitized");
        assert!(
            html.contains("Co-pilot &lt;beta&gt;")
                && html.contains("{&quot;payload&quot;: &quot;&lt;x&gt;&quot;}")
        );
        let mut at = 0;
        for n in 1..=9 {
            let h = format!("<h2>Item {n}. Item title {n}</h2>");
            at += html[at..].find(&h).unwrap_or_else(|| panic!("item {n}"));
        }
        assert!(html.contains("<li>GAP: monitoring plan: no post-market-monitoring-plan</li>"));
        assert!(html.contains("GAP: the version has no signed approvals."));
        assert!(html.contains("every record verified") && !html.contains("Verification FAILED"));
        assert!(html.contains("keep until 2036-11-01"));
    }

    #[test]
    fn a_failing_record_is_marked_failed_in_html_and_blocks() {
        let d = sample(vec!["signature: bad".into()]);
        assert!(!d.records_verify());
        let html = annex_iv_html(&d);
        assert!(html.contains("Verification FAILED") && html.contains("signature: bad"));
        assert!(!html.contains("every record verified"));
        let blocks = annex_iv_blocks(&d);
        assert!(blocks
            .iter()
            .any(|b| matches!(b, Block::Text(t) if t.starts_with("FAILED: signature: bad"))));
        assert!(!blocks
            .iter()
            .any(|b| matches!(b, Block::Text(t) if t.contains("VERIFIED"))));
    }

    #[test]
    fn markdown_becomes_plain_paragraphs_for_the_pdf() {
        assert_eq!(
            markdown_text("# Head\n\nSome *text*\nwrapped.\n\n- one\n- two\n"),
            ["Head", "Some text wrapped.", "• one", "• two"]
        );
    }
}
