//! Edits of the risk register written back into a document's front matter: set one field of a
//! row, add a row, remove a row.
//!
//! The edit is text surgery on the `risks:` block only, so every other line of the document —
//! comments, key order, quoting, a BOM, a `...` closing fence — comes back byte for byte, and
//! inside the block only the edited value (or row) changes. The front matter is split by
//! [`parse_document`], the one splitter completeness and preview use. Every result is checked
//! by parsing it again: its fields must equal the original fields with the edit applied. Where
//! the block is not written in the plain block style this surgery understands (a flow list,
//! `- {id: R-1}` rows), the `risks:` block alone is written anew (its inner comments are lost,
//! the rest of the document is kept), and checked the same way.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::markdown::parse_document;

/// The fields of a risk row a table cell edits (the keys of a `risks` item).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RiskField {
    /// `R-1`.
    Id,
    /// What could go wrong.
    Title,
    /// AI RMF category or AI 600-1 risk.
    Category,
    /// 1–5.
    Likelihood,
    /// 1–5.
    Impact,
    /// avoid, mitigate, transfer or accept.
    Treatment,
    /// What is done about it.
    Mitigation,
    /// Who is accountable.
    Owner,
    /// 1–5 after the mitigation.
    ResidualLikelihood,
    /// 1–5 after the mitigation.
    ResidualImpact,
    /// Who accepted the residual risk, and when.
    Acceptance,
}

impl RiskField {
    /// Every field, in the order a new row lists them.
    pub const ALL: [RiskField; 11] = [
        RiskField::Id,
        RiskField::Title,
        RiskField::Category,
        RiskField::Likelihood,
        RiskField::Impact,
        RiskField::Treatment,
        RiskField::Mitigation,
        RiskField::Owner,
        RiskField::ResidualLikelihood,
        RiskField::ResidualImpact,
        RiskField::Acceptance,
    ];

    /// The key in the front matter.
    pub fn key(self) -> &'static str {
        match self {
            RiskField::Id => "id",
            RiskField::Title => "title",
            RiskField::Category => "category",
            RiskField::Likelihood => "likelihood",
            RiskField::Impact => "impact",
            RiskField::Treatment => "treatment",
            RiskField::Mitigation => "mitigation",
            RiskField::Owner => "owner",
            RiskField::ResidualLikelihood => "residual_likelihood",
            RiskField::ResidualImpact => "residual_impact",
            RiskField::Acceptance => "acceptance",
        }
    }
}

/// A value written into a field: a number for the scales, text otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(untagged)]
pub enum RiskValue {
    /// A whole number (likelihood, impact and their residuals).
    Number(i64),
    /// Text; empty text is written as `""`.
    Text(String),
}

impl RiskValue {
    fn to_json(&self) -> Value {
        match self {
            RiskValue::Number(n) => Value::from(*n),
            RiskValue::Text(s) => Value::String(s.clone()),
        }
    }
}

/// One edit of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum RiskEdit {
    /// Sets `field` of row `index` (0-based) to `value`.
    Set {
        /// 0-based row.
        index: u32,
        /// The field.
        field: RiskField,
        /// Its new value.
        value: RiskValue,
    },
    /// Appends a row with the next free `R-n` id, shaped like the template's first row.
    Add,
    /// Removes row `index` (0-based).
    Remove {
        /// 0-based row.
        index: u32,
    },
}

/// Why an edit could not be written; the message says what to fix in the editor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RiskEditError(pub String);

fn refuse<T>(message: impl Into<String>) -> Result<T, RiskEditError> {
    Err(RiskEditError(message.into()))
}

/// Applies `edit` to the risk register in `text`'s front matter and returns the new text.
pub fn edit_risks(text: &str, edit: &RiskEdit) -> Result<String, RiskEditError> {
    let parsed = parse_document(text).map_err(|e| {
        RiskEditError(format!(
            "the front matter does not parse (line {}: {}); fix it in the editor first",
            e.line, e.message
        ))
    })?;
    if parsed.body_line == 1 {
        return refuse(
            "this document has no front matter (--- … ---) to hold a risk register; add one in the editor",
        );
    }
    let fm = parsed.front_matter_text;
    let start = fm.as_ptr() as usize - text.as_ptr() as usize;
    let end = start + fm.len();

    let mut expected = parsed.front_matter.clone();
    let new_row = apply(&mut expected, edit)?;
    let expected = Value::Object(expected);

    let lines = Lines::of(fm);
    let candidates = [
        lines.edit(edit, new_row.as_ref()),
        lines.rewrite_block(expected.get("risks")),
    ];
    for new_fm in candidates.into_iter().flatten() {
        if parses_to(&new_fm, &expected) {
            return Ok(format!("{}{new_fm}{}", &text[..start], &text[end..]));
        }
    }
    refuse("the risk register could not be rewritten in place; make this edit in the editor")
}

fn parses_to(front_matter: &str, expected: &Value) -> bool {
    let value: Value = if front_matter.trim().is_empty() {
        Value::Object(Map::new())
    } else {
        match serde_yaml_ng::from_str(front_matter) {
            Ok(v) => v,
            Err(_) => return false,
        }
    };
    &value == expected
}

/// The edit applied to the parsed fields (what the text must parse to afterwards); for `Add`,
/// the row added.
fn apply(
    fields: &mut Map<String, Value>,
    edit: &RiskEdit,
) -> Result<Option<Vec<(RiskField, Value)>>, RiskEditError> {
    let risks = fields
        .entry("risks")
        .or_insert_with(|| Value::Array(Vec::new()));
    if risks.is_null() {
        *risks = Value::Array(Vec::new());
    }
    let Value::Array(rows) = risks else {
        return refuse(
            "`risks` in the front matter is not a list; write it as a list of rows (`- id: R-1` …) in the editor",
        );
    };
    match edit {
        RiskEdit::Set {
            index,
            field,
            value,
        } => {
            let Some(row) = rows.get_mut(*index as usize) else {
                return refuse(format!(
                    "the front matter has no risk row {} to edit",
                    index + 1
                ));
            };
            let Value::Object(row) = row else {
                return refuse(format!(
                    "risk row {} is not a list of fields (`id: …`, `title: …`); fix it in the editor",
                    index + 1
                ));
            };
            row.insert(field.key().to_string(), value.to_json());
            Ok(None)
        }
        RiskEdit::Remove { index } => {
            if (*index as usize) >= rows.len() {
                return refuse(format!(
                    "the front matter has no risk row {} to remove",
                    index + 1
                ));
            }
            rows.remove(*index as usize);
            Ok(None)
        }
        RiskEdit::Add => {
            let ids: Vec<&str> = rows
                .iter()
                .filter_map(|r| r.get("id").and_then(Value::as_str))
                .collect();
            let mut n = rows.len() + 1;
            while ids.contains(&format!("R-{n}").as_str()) {
                n += 1;
            }
            let row: Vec<(RiskField, Value)> = RiskField::ALL
                .iter()
                .map(|f| {
                    let v = match f {
                        RiskField::Id => Value::String(format!("R-{n}")),
                        RiskField::Likelihood | RiskField::Impact | RiskField::ResidualImpact => {
                            Value::from(3)
                        }
                        RiskField::ResidualLikelihood => Value::from(2),
                        RiskField::Treatment => Value::String("mitigate".into()),
                        _ => Value::String(String::new()),
                    };
                    (*f, v)
                })
                .collect();
            rows.push(Value::Object(
                row.iter()
                    .map(|(f, v)| (f.key().to_string(), v.clone()))
                    .collect(),
            ));
            Ok(Some(row))
        }
    }
}

/// Plain words a YAML 1.1 reader (PyYAML, which Hugging Face tooling uses) takes for a
/// boolean or null although YAML 1.2 reads them as text.
const YAML11_WORDS: [&str; 11] = [
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "",
];

/// A YAML scalar on one line: plain when every YAML reader reads it back as the same string,
/// quoted otherwise (`yes`, `3`, `a: b`, empty).
fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) if YAML11_WORDS.contains(&s.to_ascii_lowercase().as_str()) => {
            if s.is_empty() {
                "\"\"".to_string()
            } else {
                format!("'{s}'")
            }
        }
        Value::String(s) => match serde_yaml_ng::to_string(s) {
            Ok(y) if y.trim_end().lines().count() == 1 && !y.starts_with(['|', '>']) => {
                y.trim_end().to_string()
            }
            _ => serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()),
        },
        other => other.to_string(),
    }
}

/// The front matter as lines (each with its line ending), and where the `risks:` block is.
struct Lines<'a> {
    lines: Vec<&'a str>,
    newline: &'static str,
}

fn content(line: &str) -> &str {
    line.trim_end_matches(['\n', '\r'])
}

fn indent(line: &str) -> usize {
    let c = content(line);
    c.len() - c.trim_start_matches(' ').len()
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = content(line).trim();
    t.is_empty() || t.starts_with('#')
}

/// `key` and the byte offset just after its colon, for a `key: value` or `key:` line
/// (starting at `from`).
fn key_at(line: &str, from: usize) -> Option<(&str, usize)> {
    let c = content(line);
    let rest = c.get(from..)?;
    let colon = rest.find(':')?;
    let key = &rest[..colon];
    let after = &rest[colon + 1..];
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-');
    (plain && (after.is_empty() || after.starts_with([' ', '\t'])))
        .then_some((key, from + colon + 1))
}

/// The byte offset in `value` where a trailing `# comment` starts (with the spaces before it),
/// or its length. Quoted scalars are skipped over so a `#` inside them is not taken.
fn comment_start(value: &str) -> usize {
    let trimmed = value.trim_start();
    let lead = value.len() - trimmed.len();
    let after_quote = match trimmed.chars().next() {
        Some('"') => {
            let mut escaped = false;
            trimmed[1..]
                .char_indices()
                .find(|&(_, c)| {
                    let close = c == '"' && !escaped;
                    escaped = c == '\\' && !escaped;
                    close
                })
                .map(|(i, _)| i + 2)
        }
        Some('\'') => {
            let b = trimmed.as_bytes();
            let mut i = 1;
            let mut close = None;
            while i < b.len() {
                if b[i] == b'\'' {
                    if b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    close = Some(i + 1);
                    break;
                }
                i += 1;
            }
            close
        }
        _ => Some(0),
    };
    let Some(from) = after_quote else {
        return value.len();
    };
    let tail = &trimmed[from..];
    let hash = if from == 0 {
        tail.find(" #").or_else(|| tail.find("\t#"))
    } else {
        tail.find('#')
    };
    match hash {
        Some(h) => {
            let at = lead + from + h;
            // Back up over the spaces before `#`.
            at - value[..at].len() + value[..at].trim_end().len()
        }
        None => value.len(),
    }
}

/// Where the first field of a row starts on its `- ` line.
fn after_dash(line: &str, row_indent: usize) -> usize {
    let rest = content(line).get(row_indent + 1..).unwrap_or("");
    row_indent + 1 + (rest.len() - rest.trim_start_matches(' ').len())
}

/// The parts of the `risks:` block: its key line, where its content ends (after the last
/// line that is neither blank nor a comment), the rows (line ranges) and their indents.
struct Block {
    key_line: usize,
    /// The text after `risks:` on its line, up to a comment: empty, `[]`, or something else.
    inline: String,
    content_end: usize,
    rows: Vec<(usize, usize)>,
    row_indent: usize,
    field_indent: usize,
}

impl<'a> Lines<'a> {
    fn of(front_matter: &'a str) -> Lines<'a> {
        Lines {
            lines: front_matter.split_inclusive('\n').collect(),
            newline: if front_matter.contains("\r\n") {
                "\r\n"
            } else {
                "\n"
            },
        }
    }

    fn key_line(&self) -> Option<usize> {
        self.lines
            .iter()
            .position(|l| indent(l) == 0 && key_at(l, 0).is_some_and(|(k, _)| k == "risks"))
    }

    /// Where the `risks:` block ends: the next top-level key (or the end).
    fn block_end(&self, key_line: usize) -> usize {
        (key_line + 1..self.lines.len())
            .find(|&i| {
                let l = self.lines[i];
                indent(l) == 0 && !is_blank_or_comment(l) && !content(l).starts_with('-')
            })
            .unwrap_or(self.lines.len())
    }

    /// The block in the plain block style; None for anything else (flow style, odd indents).
    fn block(&self) -> Option<Block> {
        let key_line = self.key_line()?;
        let (_, after) = key_at(self.lines[key_line], 0)?;
        let rest = &content(self.lines[key_line])[after..];
        let inline = rest[..comment_start(rest)].trim().to_string();
        let end = self.block_end(key_line);
        let content_end = (key_line + 1..end)
            .rev()
            .find(|&i| !is_blank_or_comment(self.lines[i]))
            .map_or(key_line + 1, |i| i + 1);
        let mut starts = Vec::new();
        let mut row_indent = None;
        for i in key_line + 1..content_end {
            let l = self.lines[i];
            if is_blank_or_comment(l) {
                continue;
            }
            let t = content(l).trim_start();
            let dash = t == "-" || t.starts_with("- ");
            match row_indent {
                None if dash => row_indent = Some(indent(l)),
                None => return None,
                Some(ri) if indent(l) < ri => return None,
                Some(_) => {}
            }
            if dash && Some(indent(l)) == row_indent {
                starts.push(i);
            }
        }
        if !starts.is_empty() && !inline.is_empty() {
            return None;
        }
        let row_indent = row_indent.unwrap_or(2);
        let mut rows = Vec::new();
        for (k, &s) in starts.iter().enumerate() {
            let next = starts.get(k + 1).copied().unwrap_or(content_end);
            let last = (s..next)
                .rev()
                .find(|&i| !is_blank_or_comment(self.lines[i]))
                .unwrap_or(s);
            rows.push((s, last + 1));
        }
        let field_indent = match starts.first() {
            Some(&s) => {
                if content(self.lines[s]).trim() == "-" {
                    (s + 1..rows[0].1)
                        .find(|&i| !is_blank_or_comment(self.lines[i]))
                        .map_or(row_indent + 2, |i| indent(self.lines[i]))
                } else {
                    after_dash(self.lines[s], row_indent)
                }
            }
            None => row_indent + 2,
        };
        Some(Block {
            key_line,
            inline,
            content_end,
            rows,
            row_indent,
            field_indent,
        })
    }

    fn join(lines: &[String]) -> String {
        lines.concat()
    }

    fn owned(&self) -> Vec<String> {
        self.lines.iter().map(|l| (*l).to_string()).collect()
    }

    fn ending(line: &str) -> &str {
        &line[content(line).len()..]
    }

    /// The text after surgery on the block; None when the block is not in a shape this edits.
    fn edit(&self, edit: &RiskEdit, new_row: Option<&Vec<(RiskField, Value)>>) -> Option<String> {
        let mut out = self.owned();
        let Some(block) = self.block() else {
            // No `risks:` key at all: an added row goes into a new block at the end.
            if self.key_line().is_some() {
                return None;
            }
            let row = new_row?;
            if out.last().is_some_and(|l| !l.ends_with('\n')) {
                out.push(self.newline.to_string());
            }
            out.push(format!("risks:{}", self.newline));
            out.extend(self.row_lines(row, 2, 4));
            return Some(Self::join(&out));
        };
        match edit {
            RiskEdit::Set {
                index,
                field,
                value,
            } => {
                if !block.inline.is_empty() {
                    return None;
                }
                let (s, e) = *block.rows.get(*index as usize)?;
                let value = scalar(&value.to_json());
                // The field's line: on the dash line, or a line at the field indent.
                let mut found = None;
                for i in s..e {
                    let l = self.lines[i];
                    let from = if i == s {
                        after_dash(l, block.row_indent)
                    } else if indent(l) == block.field_indent && !is_blank_or_comment(l) {
                        block.field_indent
                    } else {
                        continue;
                    };
                    if let Some((k, after)) = key_at(l, from) {
                        if k == field.key() {
                            found = Some((i, after));
                            break;
                        }
                    }
                }
                match found {
                    Some((i, after)) => {
                        let l = self.lines[i];
                        let c = content(l);
                        let rest = &c[after..];
                        let comment = &rest[comment_start(rest)..];
                        let was_block_scalar =
                            rest[..comment_start(rest)].trim().starts_with(['|', '>']);
                        out[i] = format!("{} {value}{comment}{}", &c[..after], Self::ending(l));
                        // Drop the old value's continuation lines (a folded or multi-line
                        // value), keeping blank lines that end the run.
                        let mut j = i + 1;
                        let mut last_continuation = i;
                        while j < e {
                            let lj = self.lines[j];
                            let blank = content(lj).trim().is_empty();
                            if !blank && indent(lj) <= block.field_indent {
                                break;
                            }
                            if !blank && (was_block_scalar || !content(lj).trim().starts_with('#'))
                            {
                                last_continuation = j;
                            }
                            j += 1;
                        }
                        for line in out.iter_mut().take(last_continuation + 1).skip(i + 1) {
                            line.clear();
                        }
                    }
                    None => {
                        let line = format!(
                            "{}{}: {value}{}",
                            " ".repeat(block.field_indent),
                            field.key(),
                            self.newline
                        );
                        let at = e - 1;
                        if !out[at].ends_with('\n') {
                            out[at].push_str(self.newline);
                        }
                        out[at].push_str(&line);
                    }
                }
            }
            RiskEdit::Remove { index } => {
                let (s, e) = *block.rows.get(*index as usize)?;
                for line in out.iter_mut().take(e).skip(s) {
                    line.clear();
                }
                if block.rows.len() == 1 {
                    let l = self.lines[block.key_line];
                    let c = content(l);
                    let (_, after) = key_at(l, 0)?;
                    let rest = &c[after..];
                    let comment = &rest[comment_start(rest)..];
                    let ending = match Self::ending(l) {
                        "" => self.newline,
                        e => e,
                    };
                    out[block.key_line] = format!("risks: []{comment}{ending}");
                }
            }
            RiskEdit::Add => {
                let row = new_row?;
                let rows = self.row_lines(row, block.row_indent, block.field_indent);
                if block.inline == "[]" || block.inline == "[ ]" {
                    let l = self.lines[block.key_line];
                    let c = content(l);
                    let (_, after) = key_at(l, 0)?;
                    let rest = &c[after..];
                    let comment = &rest[comment_start(rest)..];
                    out[block.key_line] = format!("risks:{comment}{}", self.newline);
                    out[block.key_line].push_str(&rows.concat());
                } else if !block.inline.is_empty() {
                    return None;
                } else {
                    let at = block.content_end - 1;
                    if !out[at].ends_with('\n') {
                        out[at].push_str(self.newline);
                    }
                    out[at].push_str(&rows.concat());
                }
            }
        }
        Some(Self::join(&out))
    }

    fn row_lines(
        &self,
        row: &[(RiskField, Value)],
        row_indent: usize,
        field_indent: usize,
    ) -> Vec<String> {
        row.iter()
            .enumerate()
            .map(|(k, (f, v))| {
                let lead = if k == 0 {
                    format!(
                        "{}-{}",
                        " ".repeat(row_indent),
                        " ".repeat(field_indent.saturating_sub(row_indent + 1).max(1))
                    )
                } else {
                    " ".repeat(field_indent)
                };
                format!("{lead}{}: {}{}", f.key(), scalar(v), self.newline)
            })
            .collect()
    }

    /// The front matter with the whole `risks:` block written anew from `risks`.
    fn rewrite_block(&self, risks: Option<&Value>) -> Option<String> {
        let key_line = self.key_line()?;
        let end = self.block_end(key_line);
        let content_end = (key_line + 1..end)
            .rev()
            .find(|&i| !is_blank_or_comment(self.lines[i]))
            .map_or(key_line + 1, |i| i + 1);
        let mut map = Map::new();
        map.insert("risks".into(), risks?.clone());
        let yaml = serde_yaml_ng::to_string(&Value::Object(map)).ok()?;
        let yaml = if self.newline == "\r\n" {
            yaml.replace('\n', "\r\n")
        } else {
            yaml
        };
        let mut out = self.owned();
        out[key_line] = yaml;
        for line in out.iter_mut().take(content_end).skip(key_line + 1) {
            line.clear();
        }
        Some(Self::join(&out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGISTER: &str = "---\n# the register\ntitle: Risks # kept\nrisks:\n  # first row\n  - id: R-1\n    title: Hallucinated facts # why\n    likelihood: 3\n    impact: 4\n    treatment: mitigate\n    mitigation: >\n      a folded\n      value\n    owner: maya\n  - id: R-2\n    title: 'Leak: PII'\n    likelihood: 2\n    impact: 5\n# after the list\nreviewed: true\n---\n# Body\n";

    fn set(index: u32, field: RiskField, value: RiskValue) -> RiskEdit {
        RiskEdit::Set {
            index,
            field,
            value,
        }
    }

    fn text(s: &str) -> RiskValue {
        RiskValue::Text(s.into())
    }

    #[test]
    fn edits_change_only_what_they_edit() {
        use RiskField::*;
        // (what, input, edit, expected output)
        let cases: Vec<(&str, &str, RiskEdit, String)> = vec![
            (
                "a number, the comment after the title kept",
                REGISTER,
                set(0, Likelihood, RiskValue::Number(5)),
                REGISTER.replace("likelihood: 3", "likelihood: 5"),
            ),
            (
                "a text with a trailing comment",
                REGISTER,
                set(0, Title, text("Made-up facts")),
                REGISTER.replace("title: Hallucinated facts # why", "title: Made-up facts # why"),
            ),
            (
                "a folded value becomes one line",
                REGISTER,
                set(0, Mitigation, text("grounding check")),
                REGISTER.replace("mitigation: >\n      a folded\n      value\n", "mitigation: grounding check\n"),
            ),
            (
                "text that YAML would read as something else is quoted",
                REGISTER,
                set(1, Owner, text("yes")),
                REGISTER.replace("    impact: 5\n", "    impact: 5\n    owner: 'yes'\n"),
            ),
            (
                "empty text is an empty string",
                REGISTER,
                set(1, Title, text("")),
                REGISTER.replace("'Leak: PII'", "\"\""),
            ),
            (
                "the field on the dash line",
                REGISTER,
                set(1, Id, text("R-9")),
                REGISTER.replace("- id: R-2", "- id: R-9"),
            ),
            (
                "remove keeps the comment above the next key",
                REGISTER,
                RiskEdit::Remove { index: 0 },
                REGISTER.replace(
                    "  - id: R-1\n    title: Hallucinated facts # why\n    likelihood: 3\n    impact: 4\n    treatment: mitigate\n    mitigation: >\n      a folded\n      value\n    owner: maya\n",
                    "",
                ),
            ),
            (
                "add goes after the last row, before the comment that ends the block",
                REGISTER,
                RiskEdit::Add,
                REGISTER.replace(
                    "    impact: 5\n",
                    "    impact: 5\n  - id: R-3\n    title: \"\"\n    category: \"\"\n    likelihood: 3\n    impact: 3\n    treatment: mitigate\n    mitigation: \"\"\n    owner: \"\"\n    residual_likelihood: 2\n    residual_impact: 3\n    acceptance: \"\"\n",
                ),
            ),
            (
                "add into an empty list",
                "---\nrisks: [] # none yet\n---\n",
                RiskEdit::Add,
                "---\nrisks: # none yet\n  - id: R-1\n    title: \"\"\n    category: \"\"\n    likelihood: 3\n    impact: 3\n    treatment: mitigate\n    mitigation: \"\"\n    owner: \"\"\n    residual_likelihood: 2\n    residual_impact: 3\n    acceptance: \"\"\n---\n".to_string(),
            ),
            (
                "add where there is no register yet",
                "---\ntitle: x\n---\nbody\n",
                RiskEdit::Add,
                "---\ntitle: x\nrisks:\n  - id: R-1\n    title: \"\"\n    category: \"\"\n    likelihood: 3\n    impact: 3\n    treatment: mitigate\n    mitigation: \"\"\n    owner: \"\"\n    residual_likelihood: 2\n    residual_impact: 3\n    acceptance: \"\"\n---\nbody\n".to_string(),
            ),
            (
                "add skips an id in use",
                "---\nrisks:\n- id: R-2\n---\n",
                RiskEdit::Add,
                "---\nrisks:\n- id: R-2\n- id: R-3\n  title: \"\"\n  category: \"\"\n  likelihood: 3\n  impact: 3\n  treatment: mitigate\n  mitigation: \"\"\n  owner: \"\"\n  residual_likelihood: 2\n  residual_impact: 3\n  acceptance: \"\"\n---\n".to_string(),
            ),
            (
                "removing the last row leaves an empty list",
                "---\nrisks:\n  - id: R-1\n    owner: maya\nnext: 1\n---\n",
                RiskEdit::Remove { index: 0 },
                "---\nrisks: []\nnext: 1\n---\n".to_string(),
            ),
            (
                "a byte-order mark and a `...` closing fence are kept",
                "\u{feff}---\nrisks:\n  - id: R-1\n    owner: maya\n...\nbody\n",
                set(0, Owner, text("sam")),
                "\u{feff}---\nrisks:\n  - id: R-1\n    owner: sam\n...\nbody\n".to_string(),
            ),
            (
                "CRLF line endings are kept",
                "---\r\nrisks:\r\n  - id: R-1\r\n---\r\n",
                set(0, Owner, text("sam")),
                "---\r\nrisks:\r\n  - id: R-1\r\n    owner: sam\r\n---\r\n".to_string(),
            ),
            (
                "a flow-style list is written anew, the rest kept",
                "---\n# top\nrisks: [{id: R-1, owner: maya}]\nafter: 1 # kept\n---\n",
                set(0, Owner, text("sam")),
                "---\n# top\nrisks:\n- id: R-1\n  owner: sam\nafter: 1 # kept\n---\n".to_string(),
            ),
            (
                "a quoted value holding a hash",
                "---\nrisks:\n  - id: R-1\n    title: \"a # b\" # note\n---\n",
                set(0, Title, text("c")),
                "---\nrisks:\n  - id: R-1\n    title: c # note\n---\n".to_string(),
            ),
        ];
        for (what, input, edit, expected) in cases {
            let got = edit_risks(input, &edit).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(got, expected, "{what}");
        }
    }

    #[test]
    fn refusals_say_what_to_fix() {
        let cases: [(&str, RiskEdit, &str); 6] = [
            ("no front matter\n", RiskEdit::Add, "has no front matter"),
            (
                "---\nrisks: [\n---\n",
                RiskEdit::Add,
                "does not parse (line",
            ),
            (
                "---\nrisks:\n  - id: R-1\n---\n",
                set(4, RiskField::Owner, text("x")),
                "no risk row 5 to edit",
            ),
            (
                "---\nrisks:\n  - id: R-1\n---\n",
                RiskEdit::Remove { index: 1 },
                "no risk row 2 to remove",
            ),
            (
                "---\nrisks: some text\n---\n",
                RiskEdit::Add,
                "is not a list",
            ),
            (
                "---\nrisks:\n  - just text\n---\n",
                set(0, RiskField::Owner, text("x")),
                "row 1 is not a list of fields",
            ),
        ];
        for (input, edit, message) in cases {
            let err = edit_risks(input, &edit).expect_err(input);
            assert!(err.0.contains(message), "{input:?}: {err}");
        }
    }

    #[test]
    fn the_wire_form_of_an_edit() {
        let edit: RiskEdit = serde_json::from_str(
            r#"{"op":"set","index":0,"field":"residual_likelihood","value":4}"#,
        )
        .expect("parses");
        assert_eq!(
            edit,
            set(0, RiskField::ResidualLikelihood, RiskValue::Number(4))
        );
        let edit: RiskEdit = serde_json::from_str(r#"{"op":"add"}"#).expect("parses");
        assert_eq!(edit, RiskEdit::Add);
    }
}
