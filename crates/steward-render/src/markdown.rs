//! Markdown → sanitized HTML, and a document's front matter as a structured panel.
//!
//! pulldown-cmark renders CommonMark with tables, footnotes, task lists and strikethrough;
//! ammonia keeps only an allowlist of tags and attributes and the `http`, `https` and
//! `mailto` URL schemes, so raw HTML in a synced document (script, event attributes,
//! `javascript:`/`data:` URLs, SVG and MathML tricks) comes out inert. The front matter panel
//! escapes every key and value itself and goes through the same sanitizer.
//!
//! What pulldown-cmark writes from Markdown itself is safe by construction (text and
//! attributes escaped, a fixed set of tags) except for link and image URLs, so the render
//! does not hand the whole page to ammonia (an HTML parse of everything, most of a preview's
//! time): it applies ammonia's rules to the Markdown's own output while rendering (URL
//! schemes, `rel` on links, no `class` on code or `id` on footnotes), and sanitizes only the
//! document's raw HTML with ammonia — as one skeleton, the raw fragments in order with a
//! placeholder for each stretch of Markdown output between them, so the fragments still nest
//! as they do in the page (a `<details>` around Markdown, a `<script>` swallowing what follows).
//! The stretches go back where their placeholders survived. Anything unusual (an image the
//! target drops or whose URL is refused, a footnote inside an image, the placeholder
//! characters in the text, raw HTML opening an element the parser reads as text such as
//! `<textarea>`, a placeholder ammonia moved twice) takes the whole-page path.
//! Tests hold the two paths to the same sanitized page over a corpus of hostile and ordinary
//! documents.

use std::collections::{BTreeSet, HashMap, HashSet};

use pulldown_cmark::{html, CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use serde_json::{Map, Value};
use steward_domain::document::{parse_document, risk_register, Body, BodyReader, FrontMatterError};

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

/// [`render_document`], with `alongside` run on a second thread meanwhile: the studio's preview
/// pairs the render with the completeness check, so it answers in the time of the longer of
/// the two rather than their sum. The render runs on the second thread; where none can be
/// started it runs on this one after `alongside`, and a panic in it is re-raised here.
pub fn render_document_alongside<T: Send>(
    text: &str,
    target: Target,
    alongside: impl FnOnce() -> T + Send,
) -> (RenderedDocument, T) {
    std::thread::scope(|scope| {
        let render = std::thread::Builder::new()
            .name("preview-render".into())
            .spawn_scoped(scope, || render_document(text, target));
        let value = alongside();
        let doc = match render {
            Ok(handle) => match handle.join() {
                Ok(doc) => doc,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(_) => render_document(text, target),
        };
        (doc, value)
    })
}

/// Markdown to sanitized HTML.
pub fn render_markdown(markdown: &str, target: Target) -> String {
    render_markdown_reading(markdown, target, None)
}

/// [`render_markdown`], feeding `reader` (when given) every event of the parse it renders
/// from, so the completeness check needs no parse of its own.
fn render_markdown_reading(
    markdown: &str,
    target: Target,
    mut reader: Option<&mut BodyReader>,
) -> String {
    // The domain's options: the completeness check reads the same headings the preview shows.
    let options = steward_domain::document::markdown_options();
    if !markdown.contains([MARK, OPEN, CLOSE]) {
        match render_split(markdown, options, target, reader.as_deref_mut()) {
            Some(html) => return html,
            // The split render read every event already.
            None => reader = None,
        }
    }
    render_whole(markdown, options, target, reader)
}

/// The whole page rendered, then sanitized by ammonia.
fn render_whole(
    markdown: &str,
    options: Options,
    target: Target,
    mut reader: Option<&mut BodyReader>,
) -> String {
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    let events = Parser::new_ext(markdown, options)
        .into_offset_iter()
        .map(|(event, range)| {
            if let Some(r) = reader.as_deref_mut() {
                r.event(&event, range);
            }
            event
        });
    html::push_html(&mut raw, events);
    sanitize(&raw, target)
}

/// Where a raw HTML fragment stood in the Markdown output.
const MARK: char = '\u{E000}';
/// Around a placeholder's number in the skeleton.
const OPEN: char = '\u{E001}';
const CLOSE: char = '\u{E002}';
const REL: &str = "noopener noreferrer nofollow";

/// `s` escaped for an attribute value or element content, as pulldown-cmark escapes it.
fn escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}

/// A destination as pulldown-cmark writes it into `href`/`src`, and whether ammonia would keep
/// it: it reads the attribute back (`&amp;` and `&#x27;` undone), keeps a URL whose scheme is
/// allowed and a relative one, and drops anything else.
fn destination(prefix: &str, url: &str) -> (String, bool) {
    let mut href = String::from(prefix);
    let _ = pulldown_cmark_escape::escape_href(&mut href, url);
    let value = href.replace("&#x27;", "'").replace("&amp;", "&");
    let kept = match url::Url::parse(&value) {
        Ok(u) => matches!(u.scheme(), "http" | "https" | "mailto"),
        Err(e) => e == url::ParseError::RelativeUrlWithoutBase,
    };
    (href, kept)
}

/// A footnote's number: the order in which its name first appears, as pulldown-cmark counts.
fn footnote_number<'a>(numbers: &mut HashMap<CowStr<'a>, usize>, name: CowStr<'a>) -> usize {
    let next = numbers.len() + 1;
    *numbers.entry(name).or_insert(next)
}

/// Whether pulldown-cmark's output ends a line after writing `event` (it starts a footnote
/// definition on a new line only when it does not): `before` is the answer before it.
fn ends_line(event: &Event<'_>, before: bool) -> bool {
    match event {
        Event::Html(t) | Event::Text(t) | Event::Code(t) => t.ends_with('\n'),
        Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => before,
        Event::Start(Tag::List(_) | Tag::BlockQuote(_)) => true,
        Event::End(
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::Table
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::FootnoteDefinition,
        ) => true,
        Event::Rule | Event::SoftBreak | Event::HardBreak | Event::TaskListMarker(_) => true,
        _ => false,
    }
}

/// One event of the split render: what the HTML writer gets for `event`, or `None` where only
/// the whole-page path is exact. Raw HTML is kept in `fragments` and leaves a placeholder;
/// `in_image` counts the open images, `line_ended` says whether the output so far ends a line.
fn split_event<'a>(
    event: Event<'a>,
    target: Target,
    in_image: &mut usize,
    fragments: &mut Vec<CowStr<'a>>,
    numbers: &mut HashMap<CowStr<'a>, usize>,
    line_ended: bool,
) -> Option<Event<'a>> {
    if *in_image > 0 {
        match &event {
            Event::Start(Tag::Image { .. }) => *in_image += 1,
            Event::End(TagEnd::Image) => *in_image -= 1,
            Event::FootnoteReference(_) => return None,
            _ => {}
        }
        return Some(event);
    }
    Some(match event {
        Event::Html(text) | Event::InlineHtml(text) => {
            // A fragment's closing newline stays in the Markdown output, so pulldown-cmark
            // starts the next block as it would after the fragment itself.
            match text.strip_suffix('\n') {
                Some(line) => {
                    fragments.push(CowStr::from(line.to_string()));
                    Event::Html(CowStr::Borrowed("\u{E000}\n"))
                }
                None => {
                    fragments.push(text);
                    Event::Html(CowStr::Borrowed("\u{E000}"))
                }
            }
        }
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            ..
        }) => {
            let prefix = if link_type == LinkType::Email {
                "mailto:"
            } else {
                ""
            };
            let (href, kept) = destination(prefix, &dest_url);
            let mut tag = String::from("<a");
            if kept {
                tag.push_str(&format!(" href=\"{href}\""));
            }
            if !title.is_empty() {
                tag.push_str(&format!(" title=\"{}\"", escaped(&title)));
            }
            tag.push_str(&format!(" rel=\"{REL}\">"));
            Event::Html(tag.into())
        }
        Event::Start(Tag::Image { ref dest_url, .. }) => {
            if target == Target::Offline || !destination("", dest_url).1 {
                return None;
            }
            *in_image = 1;
            event
        }
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => {
            // ammonia allows no class on `code`: the language goes.
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(CowStr::Borrowed(""))))
        }
        Event::FootnoteReference(name) => {
            let label = escaped(&name);
            let n = footnote_number(numbers, name);
            Event::Html(
                format!(
                    "<sup class=\"footnote-reference\"><a href=\"#{label}\" rel=\"{REL}\">{n}</a></sup>"
                )
                .into(),
            )
        }
        Event::Start(Tag::FootnoteDefinition(name)) => {
            // ammonia allows no id: the definition keeps its number only.
            let n = footnote_number(numbers, name);
            let newline = if line_ended { "" } else { "\n" };
            Event::Html(
                format!(
                    "{newline}<div class=\"footnote-definition\"><sup class=\"footnote-definition-label\">{n}</sup>"
                )
                .into(),
            )
        }
        other => other,
    })
}

/// The Markdown's own output made to ammonia's rules, its raw HTML sanitized as a skeleton
/// (see the module's comment); `None` where only the whole-page path is exact. The events
/// stream from the parser to the HTML writer (none are held), and `reader` sees every one of
/// them, even after the render has given up on the split path.
fn render_split(
    markdown: &str,
    options: Options,
    target: Target,
    mut reader: Option<&mut BodyReader>,
) -> Option<String> {
    let mut fragments: Vec<CowStr<'_>> = Vec::new();
    let mut numbers: HashMap<CowStr<'_>, usize> = HashMap::new();
    // Inside an image everything is its alt text, escaped by pulldown-cmark: left alone.
    let mut in_image = 0usize;
    let mut line_ended = true;
    let mut whole = false;
    let mut parser = Parser::new_ext(markdown, options).into_offset_iter();
    let events = std::iter::from_fn(|| {
        let (event, range) = parser.next()?;
        if let Some(r) = reader.as_deref_mut() {
            r.event(&event, range);
        }
        match split_event(
            event,
            target,
            &mut in_image,
            &mut fragments,
            &mut numbers,
            line_ended,
        ) {
            Some(out) => {
                line_ended = ends_line(&out, line_ended);
                Some(out)
            }
            None => {
                // Only the whole page is exact: the reader still takes the rest.
                whole = true;
                if let Some(r) = reader.as_deref_mut() {
                    for (event, range) in parser.by_ref() {
                        r.event(&event, range);
                    }
                }
                None
            }
        }
    });
    let mut body = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut body, events);
    if whole {
        return None;
    }
    if fragments.is_empty() {
        return Some(body);
    }
    // Elements whose content the HTML parser reads as text: the Markdown output inside one is
    // text on the whole page, and only the whole-page path shows it so.
    const TEXT_ELEMENTS: [&str; 8] = [
        "<textarea",
        "<title",
        "<xmp",
        "<plaintext",
        "<noscript",
        "<noembed",
        "<noframes",
        "<iframe",
    ];
    if fragments.iter().any(|f| {
        let lower = f.to_ascii_lowercase();
        TEXT_ELEMENTS.iter().any(|t| lower.contains(t))
    }) {
        return None;
    }
    let stretches: Vec<&str> = body.split(MARK).collect();
    if stretches.len() != fragments.len() + 1 {
        return None;
    }
    let mut skeleton = String::with_capacity(fragments.iter().map(|f| f.len() + 8).sum());
    for (i, stretch) in stretches.iter().enumerate() {
        if !stretch.is_empty() {
            skeleton.push(OPEN);
            skeleton.push_str(&i.to_string());
            skeleton.push(CLOSE);
        }
        if let Some(fragment) = fragments.get(i) {
            skeleton.push_str(fragment);
        }
    }
    let clean = sanitize(&skeleton, target);
    let mut out = String::with_capacity(body.len());
    let mut used = vec![false; stretches.len()];
    let mut rest = clean.as_str();
    while let Some(at) = rest.find(OPEN) {
        if rest[..at].contains(CLOSE) {
            return None;
        }
        out.push_str(&rest[..at]);
        let after = &rest[at + OPEN.len_utf8()..];
        let end = after.find(CLOSE)?;
        let digits = &after[..end];
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let i: usize = digits.parse().ok()?;
        if used.get(i).copied() != Some(false) || stretches[i].is_empty() {
            return None;
        }
        used[i] = true;
        out.push_str(stretches[i]);
        rest = &after[end + CLOSE.len_utf8()..];
    }
    if rest.contains(CLOSE) {
        return None;
    }
    out.push_str(rest);
    Some(out)
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
    render(text, target, false).0
}

/// [`render_document`] and, from the same parse, the body as the completeness check reads it
/// (for `steward_domain::document::check_document_read`), so a preview parses the Markdown
/// once. The body is `None` when the front matter does not parse: the check then reports that
/// and reads no sections.
pub fn render_document_read(text: &str, target: Target) -> (RenderedDocument, Option<Body>) {
    render(text, target, true)
}

fn render(text: &str, target: Target, read: bool) -> (RenderedDocument, Option<Body>) {
    match parse_document(text) {
        Ok(doc) => {
            let mut reader = read.then(BodyReader::default);
            let body_html = render_markdown_reading(doc.body, target, reader.as_mut());
            let rendered = RenderedDocument {
                front_matter_html: front_matter_panel(&doc.front_matter, doc.front_matter_text),
                body_html,
                front_matter_error: None,
            };
            (rendered, reader.map(|r| r.finish(doc.body, doc.body_line)))
        }
        Err(e) => {
            let rendered = RenderedDocument {
                front_matter_html: String::new(),
                body_html: render_markdown(text, target),
                front_matter_error: Some(e),
            };
            (rendered, None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses and re-serializes HTML through html5ever keeping everything either path can
    /// write, scripts, styles and every URL scheme included: two pages equal under it are the
    /// same page, and a leak on one side shows.
    fn page(html: &str) -> String {
        let mut b = ammonia::Builder::default();
        b.rm_clean_content_tags(["script", "style"])
            .add_tags([
                "input", "script", "style", "svg", "math", "textarea", "iframe",
            ])
            .add_generic_attributes([
                "class", "id", "style", "type", "checked", "disabled", "start", "rel", "href",
                "src", "alt", "title", "onerror", "onclick", "onload",
            ])
            .add_url_schemes(["javascript", "data", "vbscript", "file"])
            .link_rel(None);
        b.clean(html).to_string()
    }

    /// Documents of every shape: the templates, the demo's documents, the preview benchmark's
    /// section, and hostile or odd Markdown and raw HTML.
    fn corpus() -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = DocumentKind_all()
            .into_iter()
            .map(|(name, text)| (format!("template {name}"), text))
            .collect();
        let demo: serde_json::Value =
            serde_json::from_str(include_str!("../../../assets/demo/demo.json")).expect("demo");
        for doc in demo["documents"].as_array().expect("documents") {
            for (i, rev) in doc["revisions"]
                .as_array()
                .expect("revisions")
                .iter()
                .enumerate()
            {
                out.push((
                    format!("demo {} {} r{}", doc["target"], doc["kind"], i + 1),
                    rev.as_str().expect("text").to_string(),
                ));
            }
        }
        let cases: &[&str] = &[
            BENCH_SECTION,
            "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c]( javascript:x) [d](java\tscript:x)",
            "[e](&#106;avascript:alert(1)) [f](data:text/html,<b>x</b>) [g](vbscript:x) [h](file:///etc/passwd)",
            "[i](//evil.example/x) [j](relative/path) [k](#frag) [l](mailto:a@b.example) [m](https://x.example/?a=1&b='2')",
            "<http://x.example/a> <javascript:alert(1)> <a@b.example> <mailto:c@d.example>",
            "[ref] and [bad]\n\n[ref]: https://ok.example \"a title\"\n[bad]: javascript:alert(1) \"t\"\n",
            "![img](https://x.example/i.png \"t\") ![rel](i.png) [![nested](https://x.example/n.png)](https://x.example)",
            "![bad](javascript:alert(1)) and ![data](data:image/png;base64,AAAA)",
            "text[^a] more[^b] again[^a] undefined[^zz]\n\n[^b]: bee\n[^a]: ay with [link](https://x.example)\n",
            "![alt with note[^n]](https://x.example/i.png)\n\n[^n]: note",
            "```rust\nfn main() {}\n```\n\n```\nplain\n```\n\n    indented\n",
            "<details>\n<summary>More</summary>\n\n**bold** and [link](https://x.example)\n\n</details>\n",
            "inline <script>alert(1)</script> script and <b>bold</b> <i onclick=x>i</i>",
            "<script>\nalert(1)\n</script>\n\n# after\n",
            "para <script>unclosed\n\n# heading\n\nmore **text**\n",
            "<style>body{display:none}</style>\n\ntext\n",
            "<table><tr><td>\n\n*md in cell*\n\n</td></tr></table>\n",
            "<!-- a comment --> text <!-- another\n\nspanning -->\n",
            "<img src=x onerror=alert(1)> <a href=\"javascript:alert(1)\">link</a> <svg><script>alert(1)</script></svg>",
            "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math> <iframe src=\"https://x.example\"></iframe>",
            "entities &#xE000; &#xE001;0&#xE002; &amp; &lt;b&gt; <b>&#xE001;1&#xE002;</b>",
            "| a | b | c |\n|:--|:-:|--:|\n| 1 | **2** | <b>3</b> |\n",
            "- [x] done\n- [ ] todo\n  - nested <em>raw</em>\n\n3. three\n4. four\n",
            "Setext\n======\n\nline one  \nline two\\\nthree ~~struck~~\n\n> quote <q>raw</q>\n> > nested\n\n---\n",
            "<div>\n*not markdown inside an HTML block*\n</div>\n\n<div>\n\n*markdown inside*\n\n</div>\n",
            "a <a href=\"https://x.example\">raw link with [md](https://y.example) inside</a> b",
            "<p>raw paragraph</p>\n\n<span>unclosed span\n\nnext paragraph\n",
            "</div></p></table> stray closers <b>",
            "<textarea>\n\n**inside a textarea**\n\n</textarea>\n",
            "a <title>*t*</title> <xmp>**x**</xmp> <noscript>*n*</noscript> b",
            "<plaintext>\n\n# everything after is text\n\n*really*\n",
            "<template>\n\n*in a template*\n\n</template>\n",
            "<svg>\n\n*in svg*\n\n</svg>\n<math>\n\n[m](https://x.example)\n\n</math>\n",
            "<ul><li>raw item\n\n- md item\n\n</li></ul>\n",
            "",
        ];
        for (i, c) in cases.iter().enumerate() {
            out.push((format!("case {i}"), c.to_string()));
        }
        out
    }

    #[allow(non_snake_case)]
    fn DocumentKind_all() -> Vec<(String, String)> {
        steward_domain::DocumentKind::ALL
            .into_iter()
            .map(|k| {
                let t = steward_domain::document::builtin_template(k);
                (k.as_str().to_string(), t.text)
            })
            .collect()
    }

    const BENCH_SECTION: &str = "### Evaluation run 1\n\nThe co-pilot was evaluated on the **golden set** [support-threads](https://example.com/ds/1) with\n*long-tail* and ~~deprecated~~ adversarial slices.[^n1] Results are summarized below.\n\n| metric | production | candidate | delta |\n|:-------|-----------:|----------:|------:|\n| rouge_l | 0.412 | 0.431 | +0.019 |\n\n- [x] red-team suite run\n- [ ] fairness report signed\n\n<script>alert(1)</script><img src=x onerror=alert(1)> <a href=\"javascript:alert(1)\">link</a>\n\n[^n1]: Slices follow the outline's long-tail definition, revision 1.\n";

    #[test]
    fn the_split_render_is_the_whole_page_sanitized() {
        let options = steward_domain::document::markdown_options();
        let mut split = 0;
        for (name, text) in corpus() {
            for target in [Target::Studio, Target::Offline] {
                let fast = render_markdown(&text, target);
                let whole = render_whole(&text, options, target, None);
                assert_eq!(page(&fast), page(&whole), "{name} ({target:?}):\n{text}");
                // Nothing the sanitizer would remove is left in what the split path wrote.
                assert_eq!(
                    page(&fast),
                    page(&sanitize(&fast, target)),
                    "{name} ({target:?}) leaks:\n{fast}"
                );
                if render_split(&text, options, target, None).is_some()
                    && !text.contains([MARK, OPEN, CLOSE])
                {
                    split += 1;
                }
            }
        }
        // The split path is the one that runs, not only the fallback.
        assert!(split > 60, "only {split} renders took the split path");
    }

    /// The preview's one parse gives the check what the check's own parse finds, and the same
    /// page as a render alone, on every document of the corpus (the ones whose split render
    /// gives up half-way and the ones with placeholder characters included) and on broken
    /// front matter.
    #[test]
    fn the_preview_reads_the_body_as_the_check_does() {
        use steward_domain::document::{
            builtin_template, check_document, check_document_read, read_body, CheckContext,
        };
        let mut docs = corpus();
        docs.push((
            "broken front matter".into(),
            "---\na: [1\n---\n# T\n".into(),
        ));
        docs.push((
            "placeholders".into(),
            "# A\n\na \u{E001}0\u{E002} b\n\n## B\n".into(),
        ));
        docs.push((
            "refused image".into(),
            "# A\n\n![x](javascript:1)\n\n## B\n\n> Guidance: g\n".into(),
        ));
        let mut read = 0;
        for (name, text) in docs {
            for target in [Target::Studio, Target::Offline] {
                let (doc, body) = render_document_read(&text, target);
                assert_eq!(doc, render_document(&text, target), "{name} ({target:?})");
                match parse_document(&text) {
                    Ok(parsed) => {
                        let own = read_body(parsed.body, parsed.body_line);
                        assert_eq!(body.as_ref(), Some(&own), "{name} ({target:?})");
                        read += 1;
                    }
                    Err(_) => assert_eq!(body, None, "{name}"),
                }
                for kind in steward_domain::DocumentKind::ALL {
                    let template = builtin_template(kind);
                    let ctx = CheckContext::default();
                    assert_eq!(
                        check_document_read(kind, &template, &text, body.clone(), &ctx),
                        check_document(kind, &template, &text, &ctx),
                        "{name} ({target:?}) as {kind:?}"
                    );
                }
            }
        }
        assert!(read > 100, "only {read} documents were read");
    }

    #[test]
    fn odd_documents_take_the_whole_page_path() {
        let options = steward_domain::document::markdown_options();
        for (text, target) in [
            ("![x](https://x.example/i.png)", Target::Offline),
            ("![x](javascript:alert(1))", Target::Studio),
        ] {
            assert!(
                render_split(text, options, target, None).is_none(),
                "{text}"
            );
        }
        // The placeholder characters in the text: the whole page, never a mix-up.
        let text = "a \u{E001}0\u{E002} b <b>c</b>";
        assert_eq!(
            render_markdown(text, Target::Studio),
            render_whole(text, options, Target::Studio, None)
        );
    }

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
