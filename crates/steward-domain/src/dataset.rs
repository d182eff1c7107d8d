//! Dataset snapshots: immutable manifests of files with sizes and checksums, and provenance.
//!
//! A manifest has one canonical serialization — compact JSON, fields in a fixed order, files
//! sorted by path — and the manifest checksum is the sha256 of those bytes. Anyone holding the
//! manifest can recompute the checksum; a manifest that is not canonical is refused on read so
//! that two spellings of one snapshot cannot have two checksums.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::digest::Sha256Digest;
use crate::error::{DomainError, Result};
use crate::model::check_slug;

/// The manifest format tag written into every manifest.
pub const MANIFEST_FORMAT: &str = "steward.manifest/v1";

/// `NAME@VERSION` of a dataset snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DatasetRef {
    /// The dataset's slug name.
    pub name: String,
    /// The snapshot's version label (a date, `v3`, …).
    pub version: String,
}

impl DatasetRef {
    /// Checks both parts and builds the reference.
    pub fn new(name: &str, version: &str) -> Result<Self> {
        check_slug("dataset name", name)?;
        let ok = !version.is_empty()
            && version.len() <= 64
            && version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !ok {
            return Err(DomainError::Invalid {
                field: "dataset version",
                input: version.to_string(),
                expected: "1 to 64 letters, digits, '.', '_' or '-' (e.g. 2026-11-01 or v3)".into(),
            });
        }
        Ok(DatasetRef {
            name: name.to_string(),
            version: version.to_string(),
        })
    }
}

impl FromStr for DatasetRef {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self> {
        let (name, version) = s.split_once('@').ok_or_else(|| DomainError::Invalid {
            field: "dataset reference",
            input: s.to_string(),
            expected: "NAME@VERSION, e.g. support-tickets@2026-11-01".into(),
        })?;
        DatasetRef::new(name, version)
    }
}

impl fmt::Display for DatasetRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.name, self.version)
    }
}

/// One file of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// Path relative to the snapshot root, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Content checksum.
    pub sha256: Sha256Digest,
}

/// The immutable manifest of a dataset snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// The dataset name.
    pub name: String,
    /// The snapshot version.
    pub version: String,
    /// The files, sorted by path.
    pub files: Vec<ManifestEntry>,
}

fn check_path(path: &str) -> Result<()> {
    let bad = |why: &str| DomainError::Manifest(format!("file path {path:?} {why}"));
    if path.is_empty() {
        return Err(bad("is empty"));
    }
    if path.starts_with('/') || path.contains('\\') {
        return Err(bad("must be relative and use '/' separators"));
    }
    if path
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == "..")
    {
        return Err(bad("has an empty, '.' or '..' component"));
    }
    Ok(())
}

impl Manifest {
    /// A manifest for `dataset` over `files`, sorted by path. Refuses duplicate or unsafe paths.
    pub fn new(dataset: &DatasetRef, mut files: Vec<ManifestEntry>) -> Result<Self> {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        for f in &files {
            check_path(&f.path)?;
        }
        if let Some(pair) = files.windows(2).find(|w| w[0].path == w[1].path) {
            return Err(DomainError::Manifest(format!(
                "file path {:?} appears twice",
                pair[0].path
            )));
        }
        Ok(Manifest {
            format: MANIFEST_FORMAT.to_string(),
            name: dataset.name.clone(),
            version: dataset.version.clone(),
            files,
        })
    }

    /// The canonical bytes: compact JSON, fields in declaration order, files sorted by path.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        // Serializing plain strings, integers and digests cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The manifest checksum: sha256 of the canonical bytes.
    pub fn checksum(&self) -> Sha256Digest {
        Sha256Digest::of(&self.canonical_bytes())
    }

    /// Parses canonical bytes, refusing anything that is not exactly canonical.
    pub fn from_canonical(bytes: &[u8]) -> Result<Self> {
        let m: Manifest = serde_json::from_slice(bytes)
            .map_err(|e| DomainError::Manifest(format!("not a manifest: {e}")))?;
        if m.format != MANIFEST_FORMAT {
            return Err(DomainError::Manifest(format!(
                "format {:?} is not {MANIFEST_FORMAT:?}",
                m.format
            )));
        }
        let dataset = DatasetRef::new(&m.name, &m.version)?;
        let rebuilt = Manifest::new(&dataset, m.files.clone())?;
        if rebuilt.canonical_bytes() != bytes {
            return Err(DomainError::Manifest(
                "bytes are not in canonical form (compact JSON, files sorted by path)".into(),
            ));
        }
        Ok(rebuilt)
    }

    /// Total size of all files.
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }
}

/// The provenance fields the seed's data policy requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProvenanceField {
    /// Where the data came from.
    Source,
    /// The license it is used under.
    License,
    /// The consent basis for using it.
    Consent,
    /// How long it is kept.
    Retention,
    /// Whether it holds personal data.
    PersonalData,
}

impl ProvenanceField {
    /// The field's name as the CLI spells its flag.
    pub fn as_str(self) -> &'static str {
        match self {
            ProvenanceField::Source => "source",
            ProvenanceField::License => "license",
            ProvenanceField::Consent => "consent",
            ProvenanceField::Retention => "retention",
            ProvenanceField::PersonalData => "personal-data",
        }
    }
}

/// Provenance of a dataset snapshot. Missing fields are findings for the gates, not errors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Where the data came from.
    pub source: Option<String>,
    /// The license it is used under.
    pub license: Option<String>,
    /// The consent basis.
    pub consent: Option<String>,
    /// The retention plan.
    pub retention: Option<String>,
    /// Whether the data holds personal data.
    pub personal_data: Option<bool>,
}

impl Provenance {
    /// The required fields that are absent or blank.
    pub fn missing(&self) -> Vec<ProvenanceField> {
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        let mut out = Vec::new();
        if blank(&self.source) {
            out.push(ProvenanceField::Source);
        }
        if blank(&self.license) {
            out.push(ProvenanceField::License);
        }
        if blank(&self.consent) {
            out.push(ProvenanceField::Consent);
        }
        if blank(&self.retention) {
            out.push(ProvenanceField::Retention);
        }
        if self.personal_data.is_none() {
            out.push(ProvenanceField::PersonalData);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(path: &str, size: u64) -> ManifestEntry {
        ManifestEntry {
            path: path.into(),
            size,
            sha256: Sha256Digest::of(path.as_bytes()),
        }
    }

    fn ds() -> DatasetRef {
        "tickets@2026-11-01".parse().expect("valid")
    }

    #[test]
    fn dataset_refs() {
        assert_eq!(ds().to_string(), "tickets@2026-11-01");
        for bad in [
            "tickets",
            "@v1",
            "Tickets@v1",
            "tickets@",
            "tickets@v 1",
            "tickets@a/b",
        ] {
            assert!(bad.parse::<DatasetRef>().is_err(), "{bad}");
        }
    }

    #[test]
    fn manifest_sorts_and_checks_paths() {
        let m = Manifest::new(&ds(), vec![entry("b.csv", 2), entry("a/x.csv", 1)]).expect("ok");
        assert_eq!(m.files[0].path, "a/x.csv");
        assert_eq!(m.total_bytes(), 3);
        let bad = [
            vec![entry("a.csv", 1), entry("a.csv", 2)],
            vec![entry("/etc/passwd", 1)],
            vec![entry("../up.csv", 1)],
            vec![entry("a//b.csv", 1)],
            vec![entry("a\\b.csv", 1)],
            vec![entry("", 1)],
        ];
        for files in bad {
            assert!(Manifest::new(&ds(), files.clone()).is_err(), "{files:?}");
        }
    }

    #[test]
    fn canonical_form_is_pinned() {
        let m = Manifest::new(&ds(), vec![entry("a.csv", 1)]).expect("ok");
        let text = String::from_utf8(m.canonical_bytes()).expect("utf8");
        assert_eq!(
            text,
            format!(
                r#"{{"format":"steward.manifest/v1","name":"tickets","version":"2026-11-01","files":[{{"path":"a.csv","size":1,"sha256":"{}"}}]}}"#,
                Sha256Digest::of(b"a.csv")
            )
        );
        assert_eq!(m.checksum(), Sha256Digest::of(text.as_bytes()));
    }

    #[test]
    fn non_canonical_bytes_are_refused() {
        let m = Manifest::new(&ds(), vec![entry("b", 1), entry("a", 1)]).expect("ok");
        let pretty = serde_json::to_vec_pretty(&m).expect("json");
        assert!(Manifest::from_canonical(&pretty).is_err());
        let mut unsorted = m.clone();
        unsorted.files.reverse();
        assert!(Manifest::from_canonical(&serde_json::to_vec(&unsorted).expect("json")).is_err());
        assert!(Manifest::from_canonical(b"not json").is_err());
    }

    #[test]
    fn provenance_findings() {
        let full = Provenance {
            source: Some("crm export".into()),
            license: Some("internal".into()),
            consent: Some("customer terms §4".into()),
            retention: Some("24 months".into()),
            personal_data: Some(false),
        };
        assert!(full.missing().is_empty());
        let partial = Provenance {
            source: Some("web".into()),
            license: Some("  ".into()),
            ..Default::default()
        };
        assert_eq!(
            partial.missing(),
            vec![
                ProvenanceField::License,
                ProvenanceField::Consent,
                ProvenanceField::Retention,
                ProvenanceField::PersonalData
            ]
        );
    }

    proptest! {
        #[test]
        fn manifests_round_trip(paths in proptest::collection::btree_set("[a-z0-9]{1,8}(/[a-z0-9][a-z0-9_.-]{0,7}){0,2}", 0..20), size in any::<u64>()) {
            let files: Vec<ManifestEntry> = paths.iter().map(|p| entry(p, size)).collect();
            let m = Manifest::new(&ds(), files).expect("valid");
            let bytes = m.canonical_bytes();
            let back = Manifest::from_canonical(&bytes).expect("round trip");
            prop_assert_eq!(&back, &m);
            prop_assert_eq!(back.checksum(), m.checksum());
        }
    }
}
