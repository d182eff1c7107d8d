//! The review subject — exactly what a reviewer looked at — and the staleness rule.
//!
//! An approval signs the digest of a [`ReviewSubject`]. When anything in it changes later
//! (a document gets a new revision, an evaluation run is added, the bundle is rebuilt) the
//! approval is stale; [`staleness`] names each change so the studio can say why.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::canonical::{canonical_bytes_of, canonical_digest_of};
use super::error::Result;
use crate::digest::Sha256Digest;
use crate::document::DocumentKind;
use crate::model::ModelName;
use crate::stage::Stage;
use crate::version::Version;

/// What a reviewer of `model@version` going to `target_stage` looked at.
///
/// Lists are kept in canonical order by [`ReviewSubject::normalized`] (datasets by name,
/// documents by kind then the thing they describe, evaluations by id), so two subjects with
/// the same content have the same digest whatever order the caller gathered them in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewSubject {
    /// The model.
    pub model: ModelName,
    /// The version under review.
    pub version: Version,
    /// The stage it is going to.
    pub target_stage: Stage,
    /// The model bundle's digest (also the in-toto subject).
    pub bundle_digest: Sha256Digest,
    /// The training config's digest, when recorded.
    pub config_digest: Option<Sha256Digest>,
    /// The code commit, when recorded (7–64 hex digits).
    pub code_commit: Option<String>,
    /// Each linked dataset snapshot's manifest checksum.
    pub datasets: Vec<DatasetChecksum>,
    /// Each required document at the revision reviewed.
    pub documents: Vec<DocumentRevision>,
    /// Each evaluation run reviewed.
    pub evaluations: Vec<EvaluationEvidence>,
    /// The gate report's digest, once gate reports exist.
    pub gate_report_digest: Option<Sha256Digest>,
}

/// A dataset snapshot by name and manifest checksum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetChecksum {
    /// The dataset snapshot's name (`name@snapshot`).
    pub name: String,
    /// The manifest checksum.
    pub checksum: Sha256Digest,
}

/// A document at one revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRevision {
    /// The document's kind.
    pub kind: DocumentKind,
    /// What it describes when a kind can occur more than once (the dataset snapshot of a
    /// data sheet); `None` for the version's own documents.
    pub of: Option<String>,
    /// The revision number reviewed.
    pub revision: u32,
    /// The sha256 of that revision's content.
    pub sha256: Sha256Digest,
}

/// An evaluation run and the digest of its evidence file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationEvidence {
    /// The run's id.
    pub id: String,
    /// Its kind (golden-set, scenario, red-team…).
    pub kind: String,
    /// The sha256 of the imported evidence file.
    pub evidence_digest: Sha256Digest,
}

impl ReviewSubject {
    /// The same subject with its lists in canonical order.
    pub fn normalized(&self) -> ReviewSubject {
        let mut s = self.clone();
        s.datasets.sort_by(|a, b| a.name.cmp(&b.name));
        s.documents
            .sort_by(|a, b| (a.kind, &a.of).cmp(&(b.kind, &b.of)));
        s.evaluations.sort_by(|a, b| a.id.cmp(&b.id));
        s
    }

    /// The canonical JSON bytes of the normalized subject (see
    /// [`canonical`](super::canonical)).
    pub fn canonical_bytes(&self) -> Result<Vec<u8>> {
        canonical_bytes_of(&self.normalized())
    }

    /// The review-subject digest an approval signs: sha256 of [`Self::canonical_bytes`].
    pub fn digest(&self) -> Result<Sha256Digest> {
        canonical_digest_of(&self.normalized())
    }

    /// Whether `other` is about the same model and version (whatever else differs).
    pub fn same_version(&self, other: &ReviewSubject) -> bool {
        self.model == other.model && self.version == other.version
    }
}

/// One difference between what was signed and what is current.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum Change {
    /// The approval was for another model.
    Model {
        /// Signed.
        signed: ModelName,
        /// Current.
        current: ModelName,
    },
    /// The approval was for another version.
    Version {
        /// Signed.
        signed: Version,
        /// Current.
        current: Version,
    },
    /// The approval was for another target stage.
    TargetStage {
        /// Signed.
        signed: Stage,
        /// Current.
        current: Stage,
    },
    /// An artifact digest changed.
    Artifact {
        /// Which artifact.
        artifact: Artifact,
        /// Signed (none when it was absent).
        signed: Option<String>,
        /// Current (none when it is gone).
        current: Option<String>,
    },
    /// A dataset snapshot was linked after signing.
    DatasetAdded {
        /// The snapshot.
        name: String,
    },
    /// A dataset snapshot reviewed is no longer linked.
    DatasetRemoved {
        /// The snapshot.
        name: String,
    },
    /// A dataset snapshot's manifest checksum changed.
    DatasetChanged {
        /// The snapshot.
        name: String,
    },
    /// A document was added after signing.
    DocumentAdded {
        /// Its kind.
        kind: DocumentKind,
        /// What it describes, if anything.
        of: Option<String>,
        /// Its current revision.
        revision: u32,
    },
    /// A reviewed document is gone.
    DocumentRemoved {
        /// Its kind.
        kind: DocumentKind,
        /// What it describes, if anything.
        of: Option<String>,
        /// The revision reviewed.
        revision: u32,
    },
    /// A document has a revision other than the one reviewed.
    DocumentRevised {
        /// Its kind.
        kind: DocumentKind,
        /// What it describes, if anything.
        of: Option<String>,
        /// The revision reviewed.
        signed: u32,
        /// The current revision.
        current: u32,
    },
    /// Same revision number, different content: the stored revision is not what was reviewed.
    DocumentContentChanged {
        /// Its kind.
        kind: DocumentKind,
        /// What it describes, if anything.
        of: Option<String>,
        /// The revision.
        revision: u32,
    },
    /// Evidence imported after signing.
    EvidenceAdded {
        /// The run's id.
        id: String,
        /// Its kind.
        kind: String,
    },
    /// Reviewed evidence that is no longer there.
    EvidenceRemoved {
        /// The run's id.
        id: String,
        /// Its kind.
        kind: String,
    },
    /// A run whose evidence digest differs from the one reviewed.
    EvidenceChanged {
        /// The run's id.
        id: String,
        /// Its kind.
        kind: String,
    },
}

/// The artifacts of a review subject besides datasets, documents and evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Artifact {
    /// The model bundle.
    Bundle,
    /// The training config.
    Config,
    /// The code commit.
    CodeCommit,
    /// The gate report.
    GateReport,
}

impl fmt::Display for Artifact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Artifact::Bundle => "bundle",
            Artifact::Config => "config",
            Artifact::CodeCommit => "code commit",
            Artifact::GateReport => "gate report",
        })
    }
}

fn doc_name(kind: DocumentKind, of: &Option<String>) -> String {
    let kind = serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{kind:?}"));
    match of {
        Some(of) => format!("{kind} of {of}"),
        None => kind,
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
        match self {
            Change::Model { signed, current } => {
                write!(f, "model {current} is not the signed model {signed}")
            }
            Change::Version { signed, current } => {
                write!(f, "version {current} is not the signed version {signed}")
            }
            Change::TargetStage { signed, current } => write!(
                f,
                "target stage {current:?} is not the signed target {signed:?}"
            ),
            Change::Artifact {
                artifact,
                signed,
                current,
            } => write!(
                f,
                "{artifact} changed from {} to {}",
                opt(signed),
                opt(current)
            ),
            Change::DatasetAdded { name } => write!(f, "dataset {name} linked after signing"),
            Change::DatasetRemoved { name } => write!(f, "dataset {name} no longer linked"),
            Change::DatasetChanged { name } => write!(f, "dataset {name} manifest changed"),
            Change::DocumentAdded { kind, of, revision } => write!(
                f,
                "{} added after signing (revision {revision})",
                doc_name(*kind, of)
            ),
            Change::DocumentRemoved { kind, of, revision } => {
                write!(f, "{} (revision {revision}) is gone", doc_name(*kind, of))
            }
            Change::DocumentRevised {
                kind,
                of,
                signed,
                current,
            } => write!(
                f,
                "{} is at revision {current}, signed at revision {signed}",
                doc_name(*kind, of)
            ),
            Change::DocumentContentChanged { kind, of, revision } => write!(
                f,
                "{} revision {revision} has content other than what was signed",
                doc_name(*kind, of)
            ),
            Change::EvidenceAdded { id, kind } => {
                write!(f, "{kind} evidence {id} imported after signing")
            }
            Change::EvidenceRemoved { id, kind } => write!(f, "{kind} evidence {id} is gone"),
            Change::EvidenceChanged { id, kind } => {
                write!(f, "{kind} evidence {id} has another digest")
            }
        }
    }
}

/// Every difference between the subject an approval signed and the current one, in a fixed
/// order (identity, artifacts, datasets, documents, evidence, then the gate report). Empty
/// means current.
pub fn staleness(signed: &ReviewSubject, current: &ReviewSubject) -> Vec<Change> {
    let mut changes = Vec::new();
    if signed.model != current.model {
        changes.push(Change::Model {
            signed: signed.model.clone(),
            current: current.model.clone(),
        });
    }
    if signed.version != current.version {
        changes.push(Change::Version {
            signed: signed.version,
            current: current.version,
        });
    }
    if signed.target_stage != current.target_stage {
        changes.push(Change::TargetStage {
            signed: signed.target_stage,
            current: current.target_stage,
        });
    }
    let digest = |d: &Option<Sha256Digest>| d.map(|d| d.to_string());
    let artifacts = [
        (
            Artifact::Bundle,
            Some(signed.bundle_digest.to_string()),
            Some(current.bundle_digest.to_string()),
        ),
        (
            Artifact::Config,
            digest(&signed.config_digest),
            digest(&current.config_digest),
        ),
        (
            Artifact::CodeCommit,
            signed.code_commit.clone(),
            current.code_commit.clone(),
        ),
    ];
    for (artifact, s, c) in artifacts {
        if s != c {
            changes.push(Change::Artifact {
                artifact,
                signed: s,
                current: c,
            });
        }
    }

    let by_name = |v: &[DatasetChecksum]| -> BTreeMap<String, Sha256Digest> {
        v.iter().map(|d| (d.name.clone(), d.checksum)).collect()
    };
    diff_maps(
        &by_name(&signed.datasets),
        &by_name(&current.datasets),
        |name, s, c| match (s, c) {
            (None, Some(_)) => Some(Change::DatasetAdded { name: name.clone() }),
            (Some(_), None) => Some(Change::DatasetRemoved { name: name.clone() }),
            (Some(s), Some(c)) if s != c => Some(Change::DatasetChanged { name: name.clone() }),
            _ => None,
        },
        &mut changes,
    );

    type DocKey = (DocumentKind, Option<String>);
    let docs = |v: &[DocumentRevision]| -> BTreeMap<DocKey, (u32, Sha256Digest)> {
        v.iter()
            .map(|d| ((d.kind, d.of.clone()), (d.revision, d.sha256)))
            .collect()
    };
    diff_maps(
        &docs(&signed.documents),
        &docs(&current.documents),
        |(kind, of), s, c| match (s, c) {
            (None, Some(c)) => Some(Change::DocumentAdded {
                kind: *kind,
                of: of.clone(),
                revision: c.0,
            }),
            (Some(s), None) => Some(Change::DocumentRemoved {
                kind: *kind,
                of: of.clone(),
                revision: s.0,
            }),
            (Some(s), Some(c)) if s.0 != c.0 => Some(Change::DocumentRevised {
                kind: *kind,
                of: of.clone(),
                signed: s.0,
                current: c.0,
            }),
            (Some(s), Some(c)) if s.1 != c.1 => Some(Change::DocumentContentChanged {
                kind: *kind,
                of: of.clone(),
                revision: s.0,
            }),
            _ => None,
        },
        &mut changes,
    );

    let evals = |v: &[EvaluationEvidence]| -> BTreeMap<String, (String, Sha256Digest)> {
        v.iter()
            .map(|e| (e.id.clone(), (e.kind.clone(), e.evidence_digest)))
            .collect()
    };
    diff_maps(
        &evals(&signed.evaluations),
        &evals(&current.evaluations),
        |id, s, c| match (s, c) {
            (None, Some(c)) => Some(Change::EvidenceAdded {
                id: id.clone(),
                kind: c.0.clone(),
            }),
            (Some(s), None) => Some(Change::EvidenceRemoved {
                id: id.clone(),
                kind: s.0.clone(),
            }),
            (Some(s), Some(c)) if s.1 != c.1 => Some(Change::EvidenceChanged {
                id: id.clone(),
                kind: c.0.clone(),
            }),
            _ => None,
        },
        &mut changes,
    );
    // Last: the gate report follows from everything above, so a change listed before it is
    // usually its cause; alone, it means the policy or the production baseline moved.
    let (g_signed, g_current) = (
        digest(&signed.gate_report_digest),
        digest(&current.gate_report_digest),
    );
    if g_signed != g_current {
        changes.push(Change::Artifact {
            artifact: Artifact::GateReport,
            signed: g_signed,
            current: g_current,
        });
    }
    changes
}

fn diff_maps<K: Ord, V>(
    signed: &BTreeMap<K, V>,
    current: &BTreeMap<K, V>,
    change: impl Fn(&K, Option<&V>, Option<&V>) -> Option<Change>,
    out: &mut Vec<Change>,
) {
    let mut keys: Vec<&K> = signed.keys().chain(current.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        if let Some(c) = change(k, signed.get(k), current.get(k)) {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: u8) -> Sha256Digest {
        Sha256Digest::from_bytes([n; 32])
    }

    fn subject() -> ReviewSubject {
        ReviewSubject {
            model: "fraud-scorer".parse().expect("name"),
            version: "1.4.0-12".parse().expect("version"),
            target_stage: Stage::Production,
            bundle_digest: d(1),
            config_digest: Some(d(2)),
            code_commit: Some("abc1234".into()),
            datasets: vec![DatasetChecksum {
                name: "tx@2026-11".into(),
                checksum: d(3),
            }],
            documents: vec![
                DocumentRevision {
                    kind: DocumentKind::ModelCard,
                    of: None,
                    revision: 3,
                    sha256: d(4),
                },
                DocumentRevision {
                    kind: DocumentKind::DataSheet,
                    of: Some("tx@2026-11".into()),
                    revision: 1,
                    sha256: d(5),
                },
            ],
            evaluations: vec![EvaluationEvidence {
                id: "run-1".into(),
                kind: "golden-set".into(),
                evidence_digest: d(6),
            }],
            gate_report_digest: None,
        }
    }

    #[test]
    fn staleness_names_exactly_what_changed() {
        type Edit = fn(&mut ReviewSubject);
        let cases: Vec<(&str, Edit, Vec<Change>)> = vec![
            ("nothing", |_| {}, vec![]),
            ("list order only", |s| s.documents.reverse(), vec![]),
            (
                "model card revised",
                |s| {
                    s.documents[0].revision = 4;
                    s.documents[0].sha256 = d(40);
                },
                vec![Change::DocumentRevised {
                    kind: DocumentKind::ModelCard,
                    of: None,
                    signed: 3,
                    current: 4,
                }],
            ),
            (
                "same revision, other content",
                |s| s.documents[0].sha256 = d(40),
                vec![Change::DocumentContentChanged {
                    kind: DocumentKind::ModelCard,
                    of: None,
                    revision: 3,
                }],
            ),
            (
                "runbook added",
                |s| {
                    s.documents.push(DocumentRevision {
                        kind: DocumentKind::Runbook,
                        of: None,
                        revision: 1,
                        sha256: d(7),
                    })
                },
                vec![Change::DocumentAdded {
                    kind: DocumentKind::Runbook,
                    of: None,
                    revision: 1,
                }],
            ),
            (
                "data sheet removed",
                |s| {
                    s.documents.remove(1);
                },
                vec![Change::DocumentRemoved {
                    kind: DocumentKind::DataSheet,
                    of: Some("tx@2026-11".into()),
                    revision: 1,
                }],
            ),
            (
                "new evidence and lost evidence",
                |s| {
                    s.evaluations = vec![EvaluationEvidence {
                        id: "run-2".into(),
                        kind: "red-team".into(),
                        evidence_digest: d(8),
                    }]
                },
                vec![
                    Change::EvidenceRemoved {
                        id: "run-1".into(),
                        kind: "golden-set".into(),
                    },
                    Change::EvidenceAdded {
                        id: "run-2".into(),
                        kind: "red-team".into(),
                    },
                ],
            ),
            (
                "evidence re-digested",
                |s| s.evaluations[0].evidence_digest = d(9),
                vec![Change::EvidenceChanged {
                    id: "run-1".into(),
                    kind: "golden-set".into(),
                }],
            ),
            (
                "bundle rebuilt and gate report added",
                |s| {
                    s.bundle_digest = d(10);
                    s.gate_report_digest = Some(d(11));
                },
                vec![
                    Change::Artifact {
                        artifact: Artifact::Bundle,
                        signed: Some(d(1).to_string()),
                        current: Some(d(10).to_string()),
                    },
                    Change::Artifact {
                        artifact: Artifact::GateReport,
                        signed: None,
                        current: Some(d(11).to_string()),
                    },
                ],
            ),
            (
                "dataset manifest changed and another linked",
                |s| {
                    s.datasets[0].checksum = d(12);
                    s.datasets.push(DatasetChecksum {
                        name: "labels@1".into(),
                        checksum: d(13),
                    });
                },
                vec![
                    Change::DatasetAdded {
                        name: "labels@1".into(),
                    },
                    Change::DatasetChanged {
                        name: "tx@2026-11".into(),
                    },
                ],
            ),
            (
                "another target stage",
                |s| s.target_stage = Stage::Canary,
                vec![Change::TargetStage {
                    signed: Stage::Production,
                    current: Stage::Canary,
                }],
            ),
        ];
        let signed = subject();
        for (name, edit, want) in cases {
            let mut current = subject();
            edit(&mut current);
            assert_eq!(staleness(&signed, &current), want, "{name}");
            let same_digest = signed.digest().expect("digest") == current.digest().expect("digest");
            assert_eq!(
                same_digest,
                want.is_empty(),
                "{name}: digest agrees with staleness"
            );
        }
    }

    #[test]
    fn change_messages_say_which_revision() {
        let c = Change::DocumentRevised {
            kind: DocumentKind::ModelCard,
            of: None,
            signed: 3,
            current: 4,
        };
        assert_eq!(
            c.to_string(),
            "model-card is at revision 4, signed at revision 3"
        );
    }

    #[test]
    fn digest_is_of_the_canonical_bytes() {
        let s = subject();
        let bytes = s.canonical_bytes().expect("bytes");
        assert_eq!(s.digest().expect("digest"), Sha256Digest::of(&bytes));
        let text = String::from_utf8(bytes).expect("utf-8");
        assert!(text.starts_with("{\"bundle_digest\":\"sha256:"), "{text}");
        assert!(!text.contains(' '), "no whitespace: {text}");
    }
}
