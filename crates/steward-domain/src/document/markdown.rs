//! Reading a document: the YAML front matter, the ATX-heading sections of the Markdown body,
//! and the `> Guidance:` blockquotes a template leaves for the author.

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
    /// 1 for `#`, 2 for `##`, …
    pub level: u8,
    /// The heading text.
    pub title: String,
    /// The 1-based line of the heading in the document.
    pub line: u32,
    /// The text under it (subsections included), guidance included.
    pub text: String,
}

/// Whether a line opens a guidance blockquote.
pub(crate) fn is_guidance_start(line: &str) -> bool {
    let t = line.trim_start();
    t.strip_prefix('>')
        .map(str::trim_start)
        .is_some_and(|rest| rest.starts_with("Guidance:"))
}

fn heading(line: &str) -> Option<(u8, String)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let t = &line[indent..];
    let hashes = t.len() - t.trim_start_matches('#').len();
    if hashes == 0 || hashes > 6 {
        return None;
    }
    let rest = &t[hashes..];
    if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t')) {
        return None;
    }
    let title = rest.trim().trim_end_matches('#').trim_end().to_string();
    Some((u8::try_from(hashes).unwrap_or(6), title))
}

/// The lines of `body` with their 1-based document line numbers, flagged when inside a fenced
/// code block (where `#` is not a heading and `>` is not a quote).
fn lines_with_fences(body: &str, first_line: u32) -> Vec<(u32, &str, bool)> {
    let mut fence: Option<&str> = None;
    let mut out = Vec::new();
    for (i, line) in body.lines().enumerate() {
        let n = first_line.saturating_add(to_u32(i));
        let t = line.trim_start();
        let marker = if t.starts_with("```") {
            Some("```")
        } else if t.starts_with("~~~") {
            Some("~~~")
        } else {
            None
        };
        match (fence, marker) {
            (None, Some(m)) => {
                fence = Some(m);
                out.push((n, line, true));
            }
            (Some(open), Some(m)) if open == m => {
                fence = None;
                out.push((n, line, true));
            }
            (Some(_), _) => out.push((n, line, true)),
            (None, None) => out.push((n, line, false)),
        }
    }
    out
}

/// The sections of a Markdown body (ATX headings only: `#` … `######`) that starts at document
/// line `first_line`.
pub fn sections(body: &str, first_line: u32) -> Vec<Section> {
    let lines = lines_with_fences(body, first_line);
    let heads: Vec<(usize, u8, String)> = lines
        .iter()
        .enumerate()
        .filter(|(_, (_, _, code))| !code)
        .filter_map(|(i, (_, l, _))| heading(l).map(|(lvl, t)| (i, lvl, t)))
        .collect();
    heads
        .iter()
        .enumerate()
        .map(|(h, (i, level, title))| {
            let end = heads[h + 1..]
                .iter()
                .find(|(_, l, _)| l <= level)
                .map_or(lines.len(), |(j, _, _)| *j);
            let text = lines[i + 1..end]
                .iter()
                .map(|(_, l, _)| *l)
                .collect::<Vec<_>>()
                .join("\n");
            Section {
                level: *level,
                title: title.clone(),
                line: lines[*i].0,
                text,
            }
        })
        .collect()
}

/// The 1-based document lines where guidance blockquotes start, for a body starting at
/// `first_line`.
pub(crate) fn guidance_lines(body: &str, first_line: u32) -> Vec<u32> {
    lines_with_fences(body, first_line)
        .into_iter()
        .filter(|(_, l, code)| !code && is_guidance_start(l))
        .map(|(n, _, _)| n)
        .collect()
}

/// Whether text holds anything but blank lines, headings and guidance.
pub(crate) fn has_content(text: &str) -> bool {
    let mut in_guidance = false;
    for (_, line, code) in lines_with_fences(text, 1) {
        if code {
            return true;
        }
        if is_guidance_start(line) {
            in_guidance = true;
            continue;
        }
        let t = line.trim();
        if in_guidance && t.starts_with('>') {
            continue;
        }
        in_guidance = false;
        if t.is_empty() || heading(line).is_some() || (t.starts_with("<!--") && t.ends_with("-->"))
        {
            continue;
        }
        return true;
    }
    false
}

/// The text without its guidance blockquotes (for exports), blank runs collapsed.
pub fn strip_guidance(text: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let mut in_guidance = false;
    for (_, line, code) in lines_with_fences(text, 1) {
        if !code && is_guidance_start(line) {
            in_guidance = true;
            continue;
        }
        if in_guidance && !code && line.trim_start().starts_with('>') {
            continue;
        }
        in_guidance = false;
        if line.trim().is_empty() && out.last().is_some_and(|l| l.trim().is_empty()) {
            continue;
        }
        out.push(line);
    }
    let mut s = out.join("\n");
    if text.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// A section title reduced for matching: lowercase, `&` as `and`, punctuation dropped.
pub(crate) fn normalize_title(title: &str) -> String {
    title
        .replace('&', " and ")
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
    }
}
