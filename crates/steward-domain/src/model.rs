//! Models: slug names, owners and risk tiers.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Result};

/// Checks a slug against `[a-z0-9][a-z0-9._-]{0,63}`; `what` names the kind of name in errors.
pub(crate) fn check_slug(what: &'static str, input: &str) -> Result<()> {
    let err = |reason: String| DomainError::Name {
        what,
        input: input.to_string(),
        reason,
    };
    let Some(first) = input.chars().next() else {
        return Err(err(
            "it is empty; use lowercase letters, digits, '.', '_' or '-'".into(),
        ));
    };
    if input.len() > 64 {
        return Err(err(format!(
            "it is {} characters long; the limit is 64",
            input.len()
        )));
    }
    if !(first.is_ascii_lowercase() || first.is_ascii_digit()) {
        return Err(err(format!(
            "it starts with {first:?}; start with a lowercase letter or digit"
        )));
    }
    if let Some(bad) = input
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')))
    {
        return Err(err(format!(
            "{bad:?} is not allowed; use lowercase letters, digits, '.', '_' or '-'"
        )));
    }
    Ok(())
}

/// A model's slug name, `[a-z0-9][a-z0-9._-]{0,63}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ModelName(String);

impl ModelName {
    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ModelName {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self> {
        check_slug("model name", s)?;
        Ok(ModelName(s.to_string()))
    }
}

impl TryFrom<String> for ModelName {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self> {
        s.parse()
    }
}

impl From<ModelName> for String {
    fn from(n: ModelName) -> String {
        n.0
    }
}

impl fmt::Display for ModelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who owns a model: a person or team, as free text (an email or a handle).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Owner(String);

impl Owner {
    /// The owner as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Owner {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        if t.is_empty() || t.len() > 200 || t.chars().any(char::is_control) {
            return Err(DomainError::Invalid {
                field: "owner",
                input: s.to_string(),
                expected: "a person or team, 1 to 200 printable characters".into(),
            });
        }
        Ok(Owner(t.to_string()))
    }
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How much harm a model can do, which later decides how strict its gates are.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum RiskTier {
    /// Internal or low-impact use.
    Low,
    /// User-facing with limited impact. The default.
    #[default]
    Medium,
    /// Decisions about people, or broad user exposure.
    High,
}

impl RiskTier {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskTier::Low => "low",
            RiskTier::Medium => "medium",
            RiskTier::High => "high",
        }
    }
}

impl fmt::Display for RiskTier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RiskTier {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "low" => Ok(RiskTier::Low),
            "medium" => Ok(RiskTier::Medium),
            "high" => Ok(RiskTier::High),
            _ => Err(DomainError::Invalid {
                field: "risk tier",
                input: s.to_string(),
                expected: "one of low, medium, high".into(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_names() {
        let ok = [
            "copilot",
            "a",
            "0",
            "summarize-copilot.v2_b",
            &"a".repeat(64),
        ];
        for name in ok {
            assert!(name.parse::<ModelName>().is_ok(), "{name}");
        }
        let bad: &[(&str, &str)] = &[
            ("", "empty"),
            ("Copilot", "starts with 'C'"),
            ("-copilot", "starts with '-'"),
            (".hidden", "starts with '.'"),
            ("co pilot", "' ' is not allowed"),
            ("co/pilot", "'/' is not allowed"),
            ("copilöt", "'ö' is not allowed"),
            (&"a".repeat(65), "65 characters"),
        ];
        for (name, needle) in bad {
            let err = name.parse::<ModelName>().expect_err("refused").to_string();
            assert!(err.contains(needle), "{name:?}: {err}");
            assert!(err.contains("model name"), "{err}");
        }
    }

    #[test]
    fn owners_and_tiers() {
        assert_eq!(
            "  ml-team@example.com "
                .parse::<Owner>()
                .map(|o| o.to_string()),
            Ok("ml-team@example.com".into())
        );
        assert!("".parse::<Owner>().is_err());
        assert!("a\nb".parse::<Owner>().is_err());
        assert_eq!("HIGH".parse::<RiskTier>(), Ok(RiskTier::High));
        assert!("critical".parse::<RiskTier>().is_err());
    }
}
