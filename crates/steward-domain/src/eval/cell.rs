//! The rules for single cells of an evaluation file (`docs/eval-format.md`): a run's
//! timestamp, a variant name, a prediction's label. The import streams the file and says
//! where a cell is; these decide whether it is one, and say why not.

use crate::gate::time::parse_rfc3339;

/// How much of an offending value a refusal quotes.
const QUOTE_CHARS: usize = 60;

/// `text` for an error message: at most a short prefix, with its full length when cut, and
/// control characters escaped.
pub fn quote(text: &str) -> String {
    let mut chars = text.chars();
    let prefix: String = chars.by_ref().take(QUOTE_CHARS).collect();
    if chars.next().is_none() {
        format!("{prefix:?}")
    } else {
        format!("{prefix:?}… ({} bytes)", text.len())
    }
}

/// A run's or a row's timestamp: RFC 3339 with a time of day (a plain date is not a
/// timestamp here); seconds since the Unix epoch.
pub fn timestamp(text: &str) -> Result<i64, String> {
    let has_time = text.len() > 10 && text.is_char_boundary(10);
    match parse_rfc3339(text) {
        Some(t) if has_time && text.trim() == text => Ok(t),
        _ => Err(format!(
            "{} is not an RFC 3339 timestamp (e.g. 2026-11-01T12:00:00Z)",
            quote(text)
        )),
    }
}

/// A variant name (`canary`, `production`, `prompt-b`): 1 to 64 ASCII letters, digits, `.`,
/// `_` or `-`.
pub fn variant(text: &str) -> Result<(), String> {
    let ok = !text.is_empty()
        && text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{} is not a variant name (e.g. canary, production)",
            quote(text)
        ))
    }
}

/// A prediction's label in a predictions file: 1/0, 1.0/0.0, true/false, yes/no (any case).
pub fn label(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "1.0" | "true" | "yes" => Ok(true),
        "0" | "0.0" | "false" | "no" => Ok(false),
        _ => Err(format!(
            "{} is not a label: give 1 or 0 (or true/false, yes/no)",
            quote(text)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        let cases: &[(&str, Option<i64>)] = &[
            ("2026-11-01T12:00:00Z", Some(1_793_534_400)),
            ("2026-11-01T13:00:00+01:00", Some(1_793_534_400)),
            ("2026-11-01t12:00:00.250z", Some(1_793_534_400)),
            ("2026-11-01", None),
            ("2026-11-31T12:00:00Z", None),
            ("2026-11-01T24:00:00Z", None),
            (" 2026-11-01T12:00:00Z", None),
            ("yesterday", None),
            ("", None),
            ("2026-11-01T12:00:00", None),
        ];
        for (text, want) in cases {
            assert_eq!(timestamp(text).ok(), *want, "{text:?}");
        }
        let e = timestamp("noon").expect_err("refused");
        assert!(
            e.starts_with("\"noon\" is not an RFC 3339 timestamp"),
            "{e}"
        );
    }

    #[test]
    fn variants() {
        let long = "v".repeat(65);
        let cases: &[(&str, bool)] = &[
            ("canary", true),
            ("prompt-b.2_x", true),
            (&long[..64], true),
            (&long, false),
            ("", false),
            ("prompt b", false),
            ("café", false),
            ("a/b", false),
        ];
        for (text, ok) in cases {
            assert_eq!(variant(text).is_ok(), *ok, "{text:?}");
        }
    }

    #[test]
    fn labels() {
        let cases: &[(&str, Option<bool>)] = &[
            ("1", Some(true)),
            ("1.0", Some(true)),
            ("TRUE", Some(true)),
            ("Yes", Some(true)),
            ("0", Some(false)),
            ("0.0", Some(false)),
            ("false", Some(false)),
            ("NO", Some(false)),
            ("2", None),
            ("0.5", None),
            ("", None),
            ("y", None),
        ];
        for (text, want) in cases {
            assert_eq!(label(text).ok(), *want, "{text:?}");
        }
    }

    #[test]
    fn long_values_are_quoted_short() {
        let q = quote(&"x".repeat(1000));
        assert!(q.ends_with("… (1000 bytes)"), "{q}");
        assert!(q.len() < 80, "{q}");
        assert_eq!(quote("a\nb"), "\"a\\nb\"");
    }
}
