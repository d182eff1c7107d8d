//! Model versions in the seed's `major.minor.patch-build` form.
//!
//! All four parts are unsigned numbers and compare numerically, part by part. Unlike SemVer,
//! `-build` is not a pre-release: `1.2.3-10` sorts after `1.2.3-9`, and every version carries a
//! build number. Parsing is strict (no leading zeros, no spaces, no `v` prefix) so that every
//! version has exactly one spelling and `parse(display(v)) == v`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Result};

/// One of the four numeric parts of a [`Version`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VersionPart {
    /// Architecture changes.
    Major,
    /// Data or configuration changes.
    Minor,
    /// Bug or safety fixes.
    Patch,
    /// The build number.
    Build,
}

impl fmt::Display for VersionPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            VersionPart::Major => "major",
            VersionPart::Minor => "minor",
            VersionPart::Patch => "patch",
            VersionPart::Build => "build",
        })
    }
}

/// A model version, `major.minor.patch-build`. Field order gives the numeric ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Bumped by an architecture change.
    pub major: u64,
    /// Bumped by a data or configuration change.
    pub minor: u64,
    /// Bumped by a bug or safety fix.
    pub patch: u64,
    /// The build number; every new version gets a new one.
    pub build: u64,
}

/// The kind of change a new version carries, which decides the part that is bumped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// A new architecture: bumps major.
    Architecture,
    /// New training data: bumps minor.
    Data,
    /// New training or inference configuration (params, flags, prompts): bumps minor.
    Config,
    /// A bug or safety fix: bumps patch.
    Fix,
}

impl ChangeKind {
    /// Every change kind, in the order the CLI lists them.
    pub const ALL: [ChangeKind; 4] = [
        ChangeKind::Architecture,
        ChangeKind::Data,
        ChangeKind::Config,
        ChangeKind::Fix,
    ];

    /// The lowercase name used on the command line and over the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Architecture => "architecture",
            ChangeKind::Data => "data",
            ChangeKind::Config => "config",
            ChangeKind::Fix => "fix",
        }
    }
}

impl FromStr for ChangeKind {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self> {
        ChangeKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| DomainError::Invalid {
                field: "change kind",
                input: s.to_string(),
                expected: "one of architecture, data, config, fix".into(),
            })
    }
}

impl Version {
    /// A version from its four parts.
    pub const fn new(major: u64, minor: u64, patch: u64, build: u64) -> Self {
        Version {
            major,
            minor,
            patch,
            build,
        }
    }

    /// The version a change of `change` leads to from `self`, with build number `build`.
    /// The bumped part goes up by one and the parts below it reset to zero.
    pub fn next(&self, change: ChangeKind, build: u64) -> Result<Version> {
        let overflow = |part| DomainError::Version {
            input: self.to_string(),
            part: Some(part),
            reason: format!("{part} is already at its maximum"),
        };
        let v = match change {
            ChangeKind::Architecture => Version::new(
                self.major
                    .checked_add(1)
                    .ok_or_else(|| overflow(VersionPart::Major))?,
                0,
                0,
                build,
            ),
            ChangeKind::Data | ChangeKind::Config => Version::new(
                self.major,
                self.minor
                    .checked_add(1)
                    .ok_or_else(|| overflow(VersionPart::Minor))?,
                0,
                build,
            ),
            ChangeKind::Fix => Version::new(
                self.major,
                self.minor,
                self.patch
                    .checked_add(1)
                    .ok_or_else(|| overflow(VersionPart::Patch))?,
                build,
            ),
        };
        Ok(v)
    }

    /// The version Steward suggests after `existing` for a change of `change`: the highest
    /// existing version bumped, with a build number one above the highest build seen, so build
    /// numbers never repeat within a model. A model without versions starts at `1.0.0-1`.
    pub fn suggest_next(existing: &[Version], change: ChangeKind) -> Result<Version> {
        let Some(latest) = existing.iter().max() else {
            return Ok(Version::new(1, 0, 0, 1));
        };
        let max_build = existing.iter().map(|v| v.build).max().unwrap_or(0);
        let build = max_build
            .checked_add(1)
            .ok_or_else(|| DomainError::Version {
                input: latest.to_string(),
                part: Some(VersionPart::Build),
                reason: "build is already at its maximum".into(),
            })?;
        latest.next(change, build)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}.{}-{}",
            self.major, self.minor, self.patch, self.build
        )
    }
}

fn parse_part(input: &str, text: &str, part: VersionPart) -> Result<u64> {
    let err = |reason: String| DomainError::Version {
        input: input.to_string(),
        part: Some(part),
        reason,
    };
    if text.is_empty() {
        return Err(err(format!(
            "{part} is empty; expected major.minor.patch-build, e.g. 1.4.0-12"
        )));
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err(format!("{part} {text:?} is not a whole number")));
    }
    if text.len() > 1 && text.starts_with('0') {
        let trimmed = text.trim_start_matches('0');
        let canonical = if trimmed.is_empty() { "0" } else { trimmed };
        return Err(err(format!(
            "{part} {text:?} has a leading zero; write {canonical}"
        )));
    }
    text.parse::<u64>()
        .map_err(|_| err(format!("{part} {text:?} is too large")))
}

impl FromStr for Version {
    type Err = DomainError;

    fn from_str(input: &str) -> Result<Self> {
        let whole = |reason: &str| DomainError::Version {
            input: input.to_string(),
            part: None,
            reason: reason.to_string(),
        };
        if input.is_empty() {
            return Err(whole(
                "the version is empty; expected major.minor.patch-build, e.g. 1.4.0-12",
            ));
        }
        let Some((core, build)) = input.split_once('-') else {
            return Err(whole(
                "the build number is missing; expected major.minor.patch-build, e.g. 1.4.0-12",
            ));
        };
        let parts: Vec<&str> = core.split('.').collect();
        if parts.len() != 3 {
            return Err(whole(&format!(
                "expected three dot-separated parts before the build (major.minor.patch), found {}",
                parts.len()
            )));
        }
        Ok(Version {
            major: parse_part(input, parts[0], VersionPart::Major)?,
            minor: parse_part(input, parts[1], VersionPart::Minor)?,
            patch: parse_part(input, parts[2], VersionPart::Patch)?,
            build: parse_part(input, build, VersionPart::Build)?,
        })
    }
}

impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v(s: &str) -> Version {
        s.parse().expect("test version parses")
    }

    #[test]
    fn parse_accepts_canonical_versions() {
        let cases = [
            ("0.0.0-0", Version::new(0, 0, 0, 0)),
            ("1.2.3-4", Version::new(1, 2, 3, 4)),
            ("10.20.30-40", Version::new(10, 20, 30, 40)),
            (
                "18446744073709551615.0.0-1",
                Version::new(u64::MAX, 0, 0, 1),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(input.parse::<Version>(), Ok(want), "{input}");
        }
    }

    #[test]
    fn parse_errors_name_the_bad_part() {
        let cases: &[(&str, Option<VersionPart>, &str)] = &[
            ("", None, "empty"),
            ("1.2.3", None, "build number is missing"),
            ("1.2-3", None, "three dot-separated parts"),
            ("1.2.3.4-5", None, "three dot-separated parts"),
            (
                "x.2.3-4",
                Some(VersionPart::Major),
                "major \"x\" is not a whole number",
            ),
            ("1.y.3-4", Some(VersionPart::Minor), "minor \"y\""),
            ("1.2.z-4", Some(VersionPart::Patch), "patch \"z\""),
            ("1.2.3-b", Some(VersionPart::Build), "build \"b\""),
            ("1.2.3-", Some(VersionPart::Build), "build is empty"),
            ("1..3-4", Some(VersionPart::Minor), "minor is empty"),
            ("01.2.3-4", Some(VersionPart::Major), "leading zero"),
            ("1.2.3-04", Some(VersionPart::Build), "leading zero"),
            ("1.2.3-4-5", Some(VersionPart::Build), "build \"4-5\""),
            ("v1.2.3-4", Some(VersionPart::Major), "major \"v1\""),
            (" 1.2.3-4", Some(VersionPart::Major), "not a whole number"),
            ("1.2.+3-4", Some(VersionPart::Patch), "not a whole number"),
            (
                "99999999999999999999.0.0-1",
                Some(VersionPart::Major),
                "too large",
            ),
        ];
        for (input, part, needle) in cases {
            match input.parse::<Version>() {
                Err(DomainError::Version {
                    part: got, reason, ..
                }) => {
                    assert_eq!(got, *part, "{input:?}: {reason}");
                    assert!(
                        reason.contains(needle),
                        "{input:?}: {reason:?} lacks {needle:?}"
                    );
                }
                other => panic!("{input:?} parsed as {other:?}"),
            }
        }
    }

    #[test]
    fn ordering_is_numeric_part_by_part() {
        let ascending = [
            "0.0.0-0", "0.0.1-0", "0.1.0-0", "1.2.3-3", "1.2.3-4", "1.2.3-9", "1.2.3-10",
            "1.2.4-1", "1.9.9-99", "1.10.0-2", "2.0.0-1", "10.0.0-0",
        ];
        for pair in ascending.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
    }

    #[test]
    fn next_bumps_the_part_named_by_the_change() {
        let base = v("1.4.2-17");
        let cases = [
            (ChangeKind::Architecture, "2.0.0-18"),
            (ChangeKind::Data, "1.5.0-18"),
            (ChangeKind::Config, "1.5.0-18"),
            (ChangeKind::Fix, "1.4.3-18"),
        ];
        for (change, want) in cases {
            assert_eq!(base.next(change, 18), Ok(v(want)), "{change:?}");
        }
    }

    #[test]
    fn suggest_next_uses_highest_version_and_fresh_build() {
        let existing = [v("1.1.0-3"), v("1.0.5-9"), v("0.9.0-1")];
        assert_eq!(
            Version::suggest_next(&existing, ChangeKind::Fix),
            Ok(v("1.1.1-10"))
        );
        assert_eq!(
            Version::suggest_next(&[], ChangeKind::Data),
            Ok(v("1.0.0-1"))
        );
        let maxed = [Version::new(u64::MAX, 0, 0, 1)];
        assert!(Version::suggest_next(&maxed, ChangeKind::Architecture).is_err());
    }

    #[test]
    fn change_kind_parses_case_insensitively() {
        assert_eq!("Data".parse::<ChangeKind>(), Ok(ChangeKind::Data));
        assert!("refactor".parse::<ChangeKind>().is_err());
    }

    proptest! {
        #[test]
        fn display_then_parse_round_trips(a: u64, b: u64, c: u64, d: u64) {
            let version = Version::new(a, b, c, d);
            prop_assert_eq!(version.to_string().parse::<Version>(), Ok(version));
            let json = serde_json::to_string(&version).expect("serializes");
            prop_assert_eq!(serde_json::from_str::<Version>(&json).expect("deserializes"), version);
        }

        #[test]
        fn ordering_matches_tuple_ordering(a in any::<(u64, u64, u64, u64)>(), b in any::<(u64, u64, u64, u64)>()) {
            let va = Version::new(a.0, a.1, a.2, a.3);
            let vb = Version::new(b.0, b.1, b.2, b.3);
            prop_assert_eq!(va.cmp(&vb), a.cmp(&b));
        }
    }
}
