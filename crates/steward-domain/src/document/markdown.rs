//! Reading a document: the YAML front matter, the sections of the Markdown body, and the
//! `> Guidance:` blockquotes a template leaves for the author.
//!
//! The body is read with pulldown-cmark, the parser the preview renders with
//! ([`markdown_options`] is shared), so completeness and preview agree on what is a heading
//! (setext headings included), what is code (a fence closes only on a run at least as long as
//! the one that opened it) and what is a quote.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Front matter that does not parse, with where (1-based, in the whole document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("front matter is not valid YAML at line {line}, column {column}: {message}")]
pub struct FrontMatterError {
    /// 1-based line in the document.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong and what to do.
    pub message: String,
}

/// A document split into its parts.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedDocument<'a> {
    /// The front matter fields (empty when the document has none).
    pub front_matter: Map<String, Value>,
    /// The raw front matter text between the fences (empty when none).
    pub front_matter_text: &'a str,
    /// The Markdown after the front matter.
    pub body: &'a str,
    /// The 1-based line of the document where `body` starts.
    pub body_line: u32,
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Splits off and parses the front matter. A document without a leading `---` line has none;
/// an unclosed block, YAML that does not parse, or front matter that is not a mapping is an
/// error naming the line and column.
pub fn parse_document(text: &str) -> Result<ParsedDocument<'_>, FrontMatterError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if !is_fence(first) {
        return Ok(ParsedDocument {
            front_matter: Map::new(),
            front_matter_text: "",
            body: text,
            body_line: 1,
        });
    }
    let start = first.len();
    let mut offset = start;
    let mut line_no = 1usize;
    let mut close = None;
    for line in lines {
        line_no += 1;
        if is_fence(line) || line.trim_end() == "..." {
            close = Some((offset, offset + line.len(), line_no));
            break;
        }
        offset += line.len();
    }
    let Some((fm_end, body_start, close_line)) = close else {
        return Err(FrontMatterError {
            line: 1,
            column: 1,
            message: "the front matter opened by `---` on line 1 is never closed; end it with a line holding only `---`".into(),
        });
    };
    let fm_text = &text[start..fm_end];
    refuse_yaml_indirection(fm_text)?;
    let value: Value = if fm_text.trim().is_empty() {
        Value::Object(Map::new())
    } else {
        serde_yaml_ng::from_str(fm_text).map_err(|e| {
            let (line, column) = e.location().map_or((0, 1), |l| (l.line(), l.column()));
            // The YAML starts on line 2 of the document; libyaml counts lines from 1.
            let message = e.to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_string();
            FrontMatterError {
                line: to_u32(line.max(1) + 1),
                column: to_u32(column.max(1)),
                message,
            }
        })?
    };
    let front_matter = match value {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        other => {
            return Err(FrontMatterError {
                line: 2,
                column: 1,
                message: format!(
                    "front matter must be `key: value` fields, not a {}",
                    match other {
                        Value::Array(_) => "list",
                        Value::String(_) => "plain text",
                        _ => "single value",
                    }
                ),
            })
        }
    };
    Ok(ParsedDocument {
        front_matter,
        front_matter_text: fm_text,
        body: &text[body_start..],
        body_line: to_u32(close_line + 1),
    })
}

/// One heading and everything under it up to the next heading of the same or a higher level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// 1 for `#` (or a `===` underline), 2 for `##` (or `---`), …
    pub level: u8,
    /// The heading text.
    pub title: String,
    /// The 1-based line of the heading in the document.
    pub line: u32,
    /// The text under it (subsections included), guidance included.
    pub text: String,
}

/// Refuses anchors (`&a`), aliases (`*a`) and merge keys (`<<`) in front matter.
///
/// Each makes one piece of text stand for another: a merge key `<<: {model-index: …}` reads as
/// an ordinary key to Steward's parser but as a merged `model-index` to PyYAML (and so to
/// huggingface_hub), which would let a card forge evaluation results on export. Front matter
/// is short and hand-written; it never needs them.
fn refuse_yaml_indirection(fm_text: &str) -> Result<(), FrontMatterError> {
    use yaml_rust2::parser::{Event, Parser};
    use yaml_rust2::scanner::TScalarStyle;
    // A stack of open collections: for a mapping, whether the next node is a key.
    let mut open: Vec<Option<bool>> = Vec::new();
    let mut parser = Parser::new_from_str(fm_text);
    loop {
        // Syntax errors are left to the full parser, which words them better.
        let Ok((event, mark)) = parser.next_token() else {
            return Ok(());
        };
        let refuse = |what: &str| FrontMatterError {
            line: to_u32(mark.line() + 1),
            column: to_u32(mark.col() + 1),
            message: format!("{what} are not allowed in front matter; write the value out in full"),
        };
        let is_key = matches!(open.last(), Some(Some(true)));
        let node = match &event {
            Event::StreamEnd => return Ok(()),
            Event::Alias(_) => return Err(refuse("aliases (`*name`)")),
            Event::Scalar(text, style, anchor, _) => {
                if *anchor > 0 {
                    return Err(refuse("anchors (`&name`)"));
                }
                if is_key && text == "<<" && *style == TScalarStyle::Plain {
                    return Err(refuse("merge keys (`<<`)"));
                }
                true
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if *anchor > 0 {
                    return Err(refuse("anchors (`&name`)"));
                }
                true
            }
            Event::SequenceEnd | Event::MappingEnd => {
                open.pop();
                false
            }
            _ => false,
        };
        if node {
            if let Some(Some(expect_key)) = open.last_mut() {
                *expect_key = !*expect_key;
            }
            match event {
                Event::MappingStart(..) => open.push(Some(true)),
                Event::SequenceStart(..) => open.push(None),
                _ => {}
            }
        }
    }
}

/// The CommonMark extensions Steward reads documents with. The preview renders with the same
/// set, so a heading the preview shows is a heading the completeness check sees.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
}

/// The text Hugging Face's own model-card template leaves where nothing was written.
pub const HF_PLACEHOLDER: &str = "[More Information Needed]";

/// A top-level heading: level, title and its byte range.
struct Heading {
    level: u8,
    title: String,
    range: Range<usize>,
}

/// The block structure of a Markdown text, read once with pulldown-cmark.
#[derive(Default)]
struct Outline {
    /// Top-level headings, ATX and setext, in order.
    headings: Vec<Heading>,
    /// Top-level blockquotes that open with `Guidance:`.
    guidance: Vec<Range<usize>>,
    /// Code blocks, fenced or indented, at any depth.
    code: Vec<Range<usize>>,
    /// Where something that counts as content starts (see [`has_content`]), in order: a
    /// section is filled when one of these lies in its text.
    content: Vec<usize>,
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The text of one paragraph or list item gathered so far: plain text, the text in bold (a
/// label such as `**License:**`), and where its first text starts.
#[derive(Default)]
struct Block {
    plain: String,
    label: String,
    at: Option<usize>,
}

impl Block {
    /// Whether the block says something: text beyond Hugging Face's placeholder, or a bold
    /// label without the placeholder after it.
    fn has_content(&self) -> bool {
        let placeholder = self.plain.contains(HF_PLACEHOLDER);
        let rest = self.plain.replace(HF_PLACEHOLDER, "");
        !rest.trim().is_empty() || (!placeholder && !self.label.trim().is_empty())
    }
}

/// What counts as content, gathered as the events pass: skipped inside headings and guidance
/// quotes, paragraphs and list items judged as a whole ([`Block::has_content`]), HTML without
/// its comments.
#[derive(Default)]
struct ContentScan {
    found: Vec<usize>,
    depth: usize,
    /// Depth at which skipping started (inside a heading or a guidance quote).
    skip_from: Option<usize>,
    strong: usize,
    block: Block,
    html: String,
    html_at: Option<usize>,
}

impl ContentScan {
    fn flush_block(&mut self) {
        let block = std::mem::take(&mut self.block);
        if let (true, Some(at)) = (block.has_content(), block.at) {
            self.found.push(at);
        }
    }

    fn flush_html(&mut self) {
        let html = std::mem::take(&mut self.html);
        if let (false, Some(at)) = (without_comments(&html).trim().is_empty(), self.html_at) {
            self.found.push(at);
        }
        self.html_at = None;
    }

    fn event(&mut self, event: &Event<'_>, range: &Range<usize>) {
        let skipping = self.skip_from.is_some();
        match event {
            Event::Start(tag) => {
                if !skipping {
                    match tag {
                        Tag::Heading { .. } => self.skip_from = Some(self.depth),
                        Tag::CodeBlock(_) | Tag::Table(_) | Tag::Image { .. } => {
                            self.found.push(range.start);
                        }
                        // A block starts: the text gathered so far was one block.
                        Tag::Paragraph | Tag::Item | Tag::List(_) => self.flush_block(),
                        Tag::Strong => self.strong += 1,
                        _ => {}
                    }
                }
                self.depth += 1;
            }
            Event::End(tag) => {
                self.depth = self.depth.saturating_sub(1);
                if self.skip_from == Some(self.depth) {
                    self.skip_from = None;
                } else if !skipping {
                    match tag {
                        TagEnd::Paragraph | TagEnd::Item => self.flush_block(),
                        TagEnd::HtmlBlock => self.flush_html(),
                        TagEnd::Strong => self.strong = self.strong.saturating_sub(1),
                        _ => {}
                    }
                }
            }
            _ if skipping => {}
            Event::Text(t) | Event::Code(t) => {
                self.block.at.get_or_insert(range.start);
                if self.strong > 0 {
                    self.block.label.push_str(t);
                } else {
                    self.block.plain.push_str(t);
                }
            }
            Event::Html(h) => {
                self.html_at.get_or_insert(range.start);
                self.html.push_str(h);
            }
            Event::InlineHtml(h) if !without_comments(h).trim().is_empty() => {
                self.found.push(range.start);
            }
            Event::Rule
            | Event::FootnoteReference(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_) => self.found.push(range.start),
            _ => {}
        }
    }

    fn finish(mut self) -> Vec<usize> {
        self.flush_block();
        self.flush_html();
        self.found.sort_unstable();
        self.found
    }
}

/// Reads a Markdown body event by event: headings, guidance quotes, code blocks and where
/// content lies. A top-level quote is guidance or not by its first text, so what is found
/// inside one waits in `quote` until the quote is decided (kept) or ends as guidance (dropped,
/// as if skipped).
///
/// The preview feeds it the events of the parse it renders from ([`BodyReader::event`]), so
/// render and completeness check share one pulldown-cmark parse; [`read_body`] parses on its
/// own. Either way the events must be pulldown-cmark's for the body with [`markdown_options`],
/// with their byte ranges in the body.
#[derive(Default)]
pub struct BodyReader {
    out: Outline,
    depth: usize,
    heading: Option<Heading>,
    /// The open top-level quote: its range, whether it is guidance (once its first text says),
    /// and the content scan from before it.
    quote: Option<(Range<usize>, Option<bool>, ContentScan)>,
    scan: ContentScan,
}

impl BodyReader {
    /// Takes the next event of the body's parse and its byte range in the body.
    pub fn event(&mut self, event: &Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(tag) => {
                match tag {
                    Tag::Heading { level, .. } if self.depth == 0 => {
                        self.heading = Some(Heading {
                            level: heading_level(*level),
                            title: String::new(),
                            range: range.clone(),
                        });
                    }
                    Tag::BlockQuote(_) if self.depth == 0 => {
                        // What came before the quote is judged on its own; the quote's
                        // content is gathered apart until the quote is decided.
                        self.scan.flush_block();
                        let before = std::mem::take(&mut self.scan);
                        self.scan.depth = before.depth;
                        self.quote = Some((range.clone(), None, before));
                    }
                    Tag::CodeBlock(_) => self.out.code.push(range.clone()),
                    _ => {}
                }
                self.depth += 1;
            }
            Event::End(tag) => {
                self.depth = self.depth.saturating_sub(1);
                match tag {
                    TagEnd::Heading(_) if self.depth == 0 => {
                        if let Some(mut h) = self.heading.take() {
                            h.title = h.title.trim().to_string();
                            self.out.headings.push(h);
                        }
                    }
                    TagEnd::BlockQuote(_) if self.depth == 0 => {
                        if let Some((r, decided, mut before)) = self.quote.take() {
                            self.scan.event(event, &range);
                            if decided == Some(true) {
                                self.out.guidance.push(r);
                            } else {
                                self.scan.flush_block();
                                self.scan.flush_html();
                                before.found.append(&mut self.scan.found);
                            }
                            before.depth = self.depth;
                            self.scan = before;
                            return;
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = self.heading.as_mut() {
                    h.title.push_str(t);
                }
                // The quote's first text decides whether it is guidance.
                if let Some((_, decided @ None, _)) = self.quote.as_mut() {
                    if !t.trim().is_empty() {
                        *decided = Some(t.trim_start().starts_with("Guidance:"));
                    }
                }
            }
            _ => {}
        }
        self.scan.event(event, &range);
    }

    /// Takes every event of parsing `text` itself.
    fn read(&mut self, text: &str) {
        for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
            self.event(&event, range);
        }
    }

    fn outline(mut self) -> Outline {
        if let Some((_, decided, mut before)) = self.quote.take() {
            // A quote still open at the end (the parser closes every block, so only
            // defensively).
            if decided != Some(true) {
                self.scan.flush_block();
                self.scan.flush_html();
                before.found.append(&mut self.scan.found);
            }
            self.scan = before;
        }
        let mut out = self.out;
        out.content = self.scan.finish();
        out
    }

    /// What completeness needs of the body it was fed: `body` is that body's text and
    /// `first_line` the document line it starts on.
    pub fn finish(self, body: &str, first_line: u32) -> Body {
        let o = self.outline();
        let lines = Lines::of(body, first_line);
        let heads = &o.headings;
        let mut sections = Vec::with_capacity(heads.len());
        let mut filled = Vec::with_capacity(heads.len());
        for (i, h) in heads.iter().enumerate() {
            let end = heads[i + 1..]
                .iter()
                .find(|n| n.level <= h.level)
                .map_or(body.len(), |n| n.range.start);
            let start = h.range.end.min(end);
            let first = o.content.partition_point(|&at| at < start);
            filled.push(o.content.get(first).is_some_and(|&at| at < end));
            sections.push(Section {
                level: h.level,
                title: h.title.clone(),
                line: lines.line(h.range.start),
                text: after_line_break(&body[start..end]).to_string(),
            });
        }
        Body {
            sections,
            filled,
            guidance_lines: o.guidance.iter().map(|r| lines.line(r.start)).collect(),
        }
    }
}

/// Reads `text` once: headings, guidance quotes, code blocks and where content lies.
fn outline(text: &str) -> Outline {
    let mut reader = BodyReader::default();
    reader.read(text);
    reader.outline()
}

/// 1-based document line numbers of byte offsets in a text that starts at `first_line`.
struct Lines {
    starts: Vec<usize>,
    first_line: u32,
}

impl Lines {
    fn of(text: &str, first_line: u32) -> Lines {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { starts, first_line }
    }

    fn line(&self, offset: usize) -> u32 {
        let index = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        self.first_line.saturating_add(to_u32(index))
    }
}

/// Drops the line break a heading's range may or may not end with.
fn after_line_break(text: &str) -> &str {
    text.strip_prefix("\r\n")
        .or_else(|| text.strip_prefix('\n'))
        .unwrap_or(text)
}

/// A Markdown body read once: its sections, whether each holds content (by
/// [`has_content`]'s rule), and the lines where guidance quotes start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// One per top-level heading, as [`sections`] gives them.
    pub sections: Vec<Section>,
    /// For each of `sections`, whether its text holds content.
    pub filled: Vec<bool>,
    /// The 1-based document lines where guidance blockquotes start.
    pub guidance_lines: Vec<u32>,
}

/// Reads a body that starts at document line `first_line` with one parse: what completeness
/// needs of it (sections, their content, guidance), where reading each section's text again
/// parsed every section twice more.
pub fn read_body(body: &str, first_line: u32) -> Body {
    let mut reader = BodyReader::default();
    reader.read(body);
    reader.finish(body, first_line)
}

/// The sections of a Markdown body that starts at document line `first_line`: one per
/// top-level heading, ATX (`#` … `######`) or setext (a line underlined with `===` or `---`),
/// read by the same parser as the preview (so no heading inside a code fence, however long
/// its backtick run).
pub fn sections(body: &str, first_line: u32) -> Vec<Section> {
    read_body(body, first_line).sections
}

/// The 1-based document lines where guidance blockquotes start, for a body starting at
/// `first_line`.
#[cfg(test)]
pub(crate) fn guidance_lines(body: &str, first_line: u32) -> Vec<u32> {
    read_body(body, first_line).guidance_lines
}

/// `html` without its `<!-- … -->` comments.
fn without_comments(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find("<!--") {
        out.push_str(&rest[..open]);
        match rest[open + 4..].find("-->") {
            Some(close) => rest = &rest[open + 4 + close + 3..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// Whether text holds anything but blank lines, headings, guidance, HTML comments and
/// Hugging Face's placeholder. A paragraph or list item counts as empty when, without
/// [`HF_PLACEHOLDER`], it holds nothing but a bold label (`- **License:** [More Information
/// Needed]`); code, tables, images, rules and other HTML count as content.
#[cfg(test)]
pub(crate) fn has_content(text: &str) -> bool {
    !outline(text).content.is_empty()
}

/// The text without its guidance blockquotes (for exports), runs of blank lines outside code
/// collapsed to one.
pub fn strip_guidance(text: &str) -> String {
    let o = outline(text);
    let overlaps = |ranges: &[Range<usize>], start: usize, end: usize| {
        ranges.iter().any(|r| start < r.end && end > r.start)
    };
    let mut out = String::with_capacity(text.len());
    let mut last_blank = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let (start, end) = (offset, offset + line.len());
        offset = end;
        if overlaps(&o.guidance, start, end) {
            continue;
        }
        let blank = line.trim().is_empty();
        if blank && last_blank && !overlaps(&o.code, start, end) {
            continue;
        }
        last_blank = blank;
        out.push_str(line);
    }
    out
}

/// A section title reduced for matching: lowercase, `&` as `and`, punctuation dropped, and
/// Hugging Face's ` [optional]` suffix ignored (its template titles `## Technical
/// Specifications [optional]`).
pub(crate) fn normalize_title(title: &str) -> String {
    let t = title.trim_end();
    let t = t
        .len()
        .checked_sub("[optional]".len())
        .filter(|&at| t.is_char_boundary(at) && t[at..].eq_ignore_ascii_case("[optional]"))
        .map_or(t, |at| &t[..at]);
    t.replace('&', " and ")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {

    #[test]
    fn yaml_indirection_is_refused_with_its_line() {
        let cases = [
            ("<<: {model-index: [{name: x}]}\n", Some((2, "merge keys"))),
            ("base: &b {a: 1}\nother: *b\n", Some((2, "anchors"))),
            ("list:\n  - &x 1\n  - 2\n", Some((3, "anchors"))),
            ("nested:\n  <<: {k: v}\n", Some((3, "merge keys"))),
            // A value `<<` or a quoted key is just text.
            ("note: <<\n'<<': quoted\n", None),
            ("title: a & b * c\n", None),
        ];
        for (fm, want) in cases {
            let doc = format!("---\n{fm}---\n# Body\n");
            match (parse_document(&doc), want) {
                (Ok(_), None) => {}
                (Err(e), Some((line, needle))) => {
                    assert_eq!(e.line, line, "{fm}: {}", e.message);
                    assert!(e.message.contains(needle), "{fm}: {}", e.message);
                }
                (got, want) => panic!("{fm}: got {:?}, want {want:?}", got.err()),
            }
        }
    }
    use super::*;

    #[test]
    fn front_matter_cases() {
        struct Case {
            text: &'static str,
            fields: &'static [&'static str],
            body_line: u32,
        }
        let ok = [
            Case {
                text: "# no front matter\n",
                fields: &[],
                body_line: 1,
            },
            Case {
                text: "---\nlicense: mit\nlanguage: [en]\n---\n# T\n",
                fields: &["language", "license"],
                body_line: 5,
            },
            Case {
                text: "---\n---\nbody",
                fields: &[],
                body_line: 3,
            },
            Case {
                text: "\u{feff}---\na: 1\n...\nbody",
                fields: &["a"],
                body_line: 4,
            },
            Case {
                text: "---\r\na: 1\r\n---\r\nbody",
                fields: &["a"],
                body_line: 4,
            },
        ];
        for c in ok {
            let d = parse_document(c.text).unwrap_or_else(|e| panic!("{:?}: {e}", c.text));
            let keys: Vec<&str> = d.front_matter.keys().map(String::as_str).collect();
            assert_eq!(keys, c.fields, "{:?}", c.text);
            assert_eq!(d.body_line, c.body_line, "{:?}", c.text);
        }
        let bad: [(&str, u32, &str); 4] = [
            ("---\nlicense: mit\n# never closed\n", 1, "never closed"),
            ("---\nlicense: mit\nlanguage: [en\n---\nbody\n", 4, ""),
            ("---\na: 1\n  b: 2\n---\n", 3, ""),
            ("---\n- a\n- b\n---\n", 2, "not a list"),
        ];
        for (text, line, needle) in bad {
            let e = parse_document(text).expect_err(text);
            assert_eq!(e.line, line, "{text:?}: {e}");
            assert!(e.message.contains(needle), "{text:?}: {e}");
        }
    }

    #[test]
    fn sections_nest_and_skip_code() {
        let body = "# T\n\n## Uses\n\nText.\n\n### Direct use\n\nMore.\n\n## Code\n\n```\n## not a heading\n```\n";
        let s = sections(body, 10);
        let titles: Vec<(&str, u8, u32)> = s
            .iter()
            .map(|s| (s.title.as_str(), s.level, s.line))
            .collect();
        assert_eq!(
            titles,
            [
                ("T", 1, 10),
                ("Uses", 2, 12),
                ("Direct use", 3, 16),
                ("Code", 2, 20)
            ]
        );
        assert!(
            s[1].text.contains("More."),
            "a section holds its subsections"
        );
        assert!(!s[1].text.contains("not a heading"));
    }

    #[test]
    fn setext_heading_uses_is_reported_missing() {
        // Regression: `Uses` underlined with `---` renders as a heading but the hand-written
        // parser saw only ATX headings. (body, expected (title, level, line))
        type Case = (&'static str, &'static [(&'static str, u8, u32)]);
        let cases: &[Case] = &[
            (
                "Model details\n=============\n\nText.\n\nUses\n---\n\nMore.\n",
                &[("Model details", 1, 1), ("Uses", 2, 6)],
            ),
            (
                "# Card\n\nUses\n----\nText.\n\n## Evaluation\n",
                &[("Card", 1, 1), ("Uses", 2, 3), ("Evaluation", 2, 7)],
            ),
            // A `---` after a blank line is a thematic break, not an underline.
            ("# Card\n\n---\n\nText.\n", &[("Card", 1, 1)]),
            // Nor is it after a list: a paragraph must sit right above the underline.
            ("- item\n\n---\n", &[]),
        ];
        for (body, want) in cases {
            let got: Vec<(String, u8, u32)> = sections(body, 1)
                .into_iter()
                .map(|s| (s.title, s.level, s.line))
                .collect();
            let want: Vec<(String, u8, u32)> = want
                .iter()
                .map(|(t, l, n)| (t.to_string(), *l, *n))
                .collect();
            assert_eq!(got, want, "{body:?}");
        }
        let s = sections("Uses\n---\n\nMore.\n", 3);
        assert_eq!(s[0].text.trim(), "More.");
        // And the completeness check sees it: no "Uses" missing, none empty.
        use crate::document::{builtin_template, check_document, CheckContext, DocumentKind};
        let kind = DocumentKind::ModelCard;
        let card = "# Card\n\nUses\n---\n\nThe support desk drafts replies with it.\n";
        let c = check_document(
            kind,
            &builtin_template(kind),
            card,
            &CheckContext::default(),
        );
        assert!(
            c.findings.iter().all(|f| !f.message.contains("\"Uses\"")),
            "{:#?}",
            c.findings
        );
    }

    #[test]
    fn four_backtick_fence_closed_by_three_backticks() {
        // Regression: a ```` fence was closed by the first ``` line inside it, so the
        // headings after that line in the code were read as sections.
        let body = "## Examples\n\n````markdown\n```python\nprint(1)\n```\n## Not a heading\n> Guidance: not guidance either\n````\n\n## Uses\n\nText.\n";
        let titles: Vec<(String, u32)> = sections(body, 1)
            .into_iter()
            .map(|s| (s.title, s.line))
            .collect();
        assert_eq!(
            titles,
            [("Examples".to_string(), 1), ("Uses".to_string(), 11)]
        );
        assert!(guidance_lines(body, 1).is_empty());
        // (fenced text, headings seen)
        let cases = [
            ("~~~~\n~~~\n# in code\n~~~~\n# after\n", vec!["after"]),
            ("```\n~~~\n# in code\n```\n# after\n", vec!["after"]),
            ("    # indented code\n\n# after\n", vec!["after"]),
            ("```\n# never closed\n", vec![]),
        ];
        for (body, want) in cases {
            let got: Vec<String> = sections(body, 1).into_iter().map(|s| s.title).collect();
            assert_eq!(got, want, "{body:?}");
        }
    }

    #[test]
    fn hugging_face_placeholders_are_no_content() {
        // (text, has content)
        let cases: [(&str, bool); 11] = [
            ("[More Information Needed]\n", false),
            ("<!-- a note -->\n\n[More Information Needed]\n", false),
            ("- **Developed by:** [More Information Needed]\n- **License:** [More Information Needed]\n", false),
            ("- **Training regime:** [More Information Needed] <!--fp32, bf16 -->\n", false),
            ("<!-- a\nmultiline\ncomment -->\n", false),
            ("- **License:** apache-2.0\n", true),
            ("[More Information Needed] but also this.\n", true),
            ("**Bold only, written by the author**\n", true),
            ("See the [calculator](https://mlco2.github.io/impact).\n", true),
            ("<div>html</div>\n", true),
            ("| a |\n|---|\n| 1 |\n", true),
        ];
        for (text, want) in cases {
            assert_eq!(has_content(text), want, "{text:?}");
        }
    }

    #[test]
    fn content_and_guidance() {
        let cases: [(&str, bool); 6] = [
            ("", false),
            ("\n> Guidance: fill me\n> more guidance\n\n", false),
            ("> Guidance: fill me\n\nReal text.\n", true),
            ("### Sub\n\n", false),
            ("> A real quote.\n", true),
            ("<!-- note -->\n", false),
        ];
        for (text, want) in cases {
            assert_eq!(has_content(text), want, "{text:?}");
        }
        let stripped = strip_guidance("## A\n\n> Guidance: x\n> y\n\nKeep.\n");
        assert_eq!(stripped, "## A\n\nKeep.\n");
        assert_eq!(guidance_lines("a\n> Guidance: x\n", 5), [6]);
    }

    #[test]
    fn one_parse_of_the_body_judges_each_section_as_its_own_text_would_be() {
        // Completeness reads the body once; each section's `filled` must be what the content
        // rule says of that section's text read on its own.
        let bodies = [
            "# Card\n\n## Uses\n\n> Guidance: fill me\n\n## Evaluation\n\nScores.\n",
            "## A\n\n- **License:** [More Information Needed]\n\n## B\n\n- **License:** mit\n",
            "## A\n\n> A real quote.\n\n## B\n\n> Guidance: x\n> y\n\n<!-- note -->\n",
            "## A\n\n### Sub\n\nOnly the subsection speaks.\n\n## B\n\n### Empty sub\n\n",
            "## A\n\n```\n## code, not a heading\n```\n\n## B\n\n<div>html</div>\n\n## C\n\n---\n",
            "Uses\n---\n\n[More Information Needed]\n\nTraining\n===\n\n| a |\n|---|\n| 1 |\n",
            "## A\n\n> Guidance: first\n\n> Not guidance\n\n## B\ntext[^1]\n\n[^1]: a note\n",
            "## A\n\n- item\n  > Guidance: nested quotes are not guidance\n\n## B\n\n<!-- a -->\n",
        ];
        for body in bodies {
            let read = read_body(body, 1);
            let judged: Vec<(String, bool)> = read
                .sections
                .iter()
                .map(|s| (s.title.clone(), has_content(&s.text)))
                .collect();
            let once: Vec<(String, bool)> = read
                .sections
                .iter()
                .map(|s| s.title.clone())
                .zip(read.filled.iter().copied())
                .collect();
            assert_eq!(once, judged, "{body:?}");
        }
        let read = read_body(bodies[0], 1);
        assert_eq!(
            read.filled,
            [true, false, true],
            "the card holds its subsections"
        );
        assert_eq!(read.guidance_lines, [5]);
    }

    #[test]
    fn titles_normalize() {
        assert_eq!(
            normalize_title("Bias, Risks, and Limitations"),
            "bias risks and limitations"
        );
        assert_eq!(
            normalize_title("Testing Data, Factors & Metrics"),
            "testing data factors and metrics"
        );
        assert_eq!(
            normalize_title("Preprocessing/cleaning/labeling"),
            "preprocessing cleaning labeling"
        );
        // Hugging Face's template marks optional sections in the heading itself.
        let cases = [
            (
                "Technical Specifications [optional]",
                "technical specifications",
            ),
            ("Model Sources [OPTIONAL] ", "model sources"),
            ("Funded by [optional] sources", "funded by optional sources"),
            ("[optional]", ""),
        ];
        for (title, want) in cases {
            assert_eq!(normalize_title(title), want, "{title:?}");
        }
    }
}
