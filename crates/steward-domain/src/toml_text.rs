//! What the TOML formats (the policy, compliance packs) share in reporting a refusal: the
//! line of a byte offset, and what kind of refusal a serde/toml message is, with its finding
//! and the "expected …" tail it carries. Each format maps these onto its own error kinds and
//! key paths.

/// 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The kind of a serde/toml refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// A key the format does not have.
    UnknownField,
    /// A value of the wrong type or outside the accepted ones.
    WrongType,
    /// A required key is absent.
    MissingField,
    /// Anything else: the file is not TOML.
    Syntax,
}

/// The refusal's kind, the finding without its "expected …" tail, and that tail.
pub(crate) fn refusal(message: &str) -> (Refusal, String, Option<String>) {
    let m = message.to_ascii_lowercase();
    let (found, tail) = match message.split_once(", expected ") {
        Some((f, e)) => (f.trim().to_string(), Some(e.trim().to_string())),
        None => (message.to_string(), None),
    };
    let kind = if m.contains("unknown field") {
        Refusal::UnknownField
    } else if m.contains("invalid type") || m.contains("invalid value") {
        Refusal::WrongType
    } else if m.contains("missing field") {
        Refusal::MissingField
    } else {
        return (Refusal::Syntax, message.to_string(), None);
    };
    (kind, found, tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_classified_with_their_finding_and_tail() {
        let cases: [(&str, Refusal, &str, Option<&str>); 5] = [
            (
                "unknown field `treshold`, expected one of `a`, `b`",
                Refusal::UnknownField,
                "unknown field `treshold`",
                Some("one of `a`, `b`"),
            ),
            (
                "invalid type: string \"high\", expected f64",
                Refusal::WrongType,
                "invalid type: string \"high\"",
                Some("f64"),
            ),
            (
                "invalid value: integer `-1`, expected u32",
                Refusal::WrongType,
                "invalid value: integer `-1`",
                Some("u32"),
            ),
            (
                "missing field `name`",
                Refusal::MissingField,
                "missing field `name`",
                None,
            ),
            (
                "expected `=`, found newline",
                Refusal::Syntax,
                "expected `=`, found newline",
                None,
            ),
        ];
        for (message, kind, found, tail) in cases {
            let (k, f, t) = refusal(message);
            assert_eq!(
                (k, f.as_str(), t.as_deref()),
                (kind, found, tail),
                "{message}"
            );
        }
        let text = "a\nb\n\nc";
        let lines: Vec<usize> = [0, 1, 2, 4, 5, 99]
            .iter()
            .map(|o| line_of(text, *o))
            .collect();
        assert_eq!(lines, vec![1, 1, 2, 3, 4, 4]);
    }
}
