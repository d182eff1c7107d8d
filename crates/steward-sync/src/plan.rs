//! The sync planner: what Steward holds for one model and what the registry holds in, the
//! operations that make the registry say what Steward says out. Pure: no IO, no clock.
//!
//! Rules (see `docs/registry-mapping.md`):
//! - a registered model is created with its tags inline when it is missing; a description or
//!   tag that differs is set;
//! - a Steward version is found in the registry by its `steward.version` tag, never by
//!   version number; a missing one is created with every tag inline (one request), after its
//!   envelopes are uploaded; a present one gets only the tags that differ;
//! - envelopes are uploaded when the version is missing or its `steward.envelopes` tag (the
//!   digest of the list of envelope digests) differs, and that tag is always written last, so a
//!   sync cut short uploads again rather than believing artifacts that never arrived;
//! - a governed alias (`production`, `canary`, `candidate`, `rollback`) follows the signed
//!   stage. An alias pointing elsewhere is *stale* when the version it points at held that
//!   alias under a signed record Steward has (the push moves it), *remote-ahead* when a record
//!   verified from the registry (someone else's newer promotion) explains it, and
//!   *ungoverned* otherwise: reported, and moved back only when restoring was asked for;
//! - further artifact sets (document revisions, under `steward.documents`) are uploaded when
//!   their tag differs, only the paths the registry does not already list, and the tag is set
//!   after them, so a sync cut short uploads again;
//! - a version whose release record conflicts with the registry's (another workspace signed a
//!   different record for it) keeps the registry's while the conflict is not settled for this
//!   workspace's record: its tags are not overwritten, and the aliases it holds or would take
//!   stay where the registry has them (reported as held), so two workspaces never take turns
//!   rewriting each other's record;
//! - two registry versions carrying the same `steward.version` (a create whose answer was
//!   lost) are reported; the lowest number is the one Steward uses, and the others are deleted
//!   (last) when they are Steward's own (its `steward://` source) and no alias points at them.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::client::{RemoteModel, RemoteVersion};

/// The aliases that follow signed stages.
pub const GOVERNED_ALIASES: [&str; 4] = ["production", "canary", "candidate", "rollback"];
/// The tag that names the Steward version a model version is.
pub const VERSION_TAG: &str = "steward.version";
/// The tag holding the digest of the version's envelope list; written last.
pub const ENVELOPES_TAG: &str = "steward.envelopes";
/// The tag holding the digest of the version's latest signed release record.
pub const RECORD_TAG: &str = "steward.release_record_digest";

/// One Steward version as it should appear in the registry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalVersion {
    /// The Steward version (`1.2.0` or `1.2.0+3`).
    pub version: String,
    /// The model version's `source`.
    pub source: String,
    /// Its description.
    pub description: String,
    /// Every `steward.*` tag, [`VERSION_TAG`] and [`ENVELOPES_TAG`] included.
    pub tags: BTreeMap<String, String>,
    /// The artifact paths of its envelopes (uploaded before its tags are written).
    pub artifacts: Vec<String>,
    /// Further artifact sets (document revisions), each named by the tag that holds its
    /// digest: tag → paths. A set whose tag differs uploads only the paths the registry does
    /// not list, then sets the tag, last.
    pub sets: BTreeMap<String, Vec<String>>,
}

/// One model as Steward holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalModel {
    /// The registered model's name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Its `steward.*` tags (owner, risk tier).
    pub tags: BTreeMap<String, String>,
    /// Its versions.
    pub versions: Vec<LocalVersion>,
    /// Governed alias → the Steward version holding that stage now.
    pub aliases: BTreeMap<String, String>,
    /// Governed alias → every Steward version a signed record Steward holds ever put there.
    pub held: BTreeMap<String, BTreeSet<String>>,
    /// Governed alias → versions a record verified from the registry (not yet here) put there.
    pub remote_held: BTreeMap<String, BTreeSet<String>>,
    /// Steward version → the registry's release-record digests this workspace keeps for it (a
    /// conflict not settled for this workspace's record): while the registry's
    /// [`RECORD_TAG`] is one of them, the registry's tags and aliases for it stand.
    pub kept: BTreeMap<String, BTreeSet<String>>,
}

/// The registry's side for one model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteState {
    /// The registered model, None when it does not exist.
    pub model: Option<RemoteModel>,
    /// Its versions with their tags.
    pub versions: Vec<RemoteVersion>,
    /// (Steward version, set tag) → the set's paths the registry lists, for the sets whose
    /// tag differs; a set without a listing is uploaded whole.
    pub listed: BTreeMap<(String, String), BTreeSet<String>>,
}

/// A model version named either by registry number or by the Steward version it is (when it
/// is created earlier in the same plan).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "by", content = "value")]
pub enum VersionRef {
    /// An existing registry version number.
    Number(String),
    /// The registry version created for this Steward version.
    Steward(String),
}

/// One registry request to make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "op")]
pub enum Op {
    /// Create the registered model with its tags inline.
    CreateModel {
        /// Description.
        description: String,
        /// Tags.
        tags: BTreeMap<String, String>,
    },
    /// Set the registered model's description.
    SetModelDescription {
        /// Description.
        description: String,
    },
    /// Set one registered-model tag.
    SetModelTag {
        /// Key.
        key: String,
        /// Value.
        value: String,
    },
    /// Upload one envelope.
    UploadArtifact {
        /// The Steward version it belongs to.
        version: String,
        /// The artifact path.
        path: String,
    },
    /// Create a model version with its tags inline.
    CreateVersion {
        /// The Steward version.
        version: String,
        /// Source.
        source: String,
        /// Description.
        description: String,
        /// Tags.
        tags: BTreeMap<String, String>,
    },
    /// Set one model-version tag.
    SetVersionTag {
        /// The Steward version.
        version: String,
        /// The registry number.
        number: String,
        /// Key.
        key: String,
        /// Value.
        value: String,
    },
    /// Point a governed alias at a version.
    SetAlias {
        /// The alias.
        alias: String,
        /// The version.
        target: VersionRef,
    },
    /// Remove a governed alias (no version holds that stage).
    DeleteAlias {
        /// The alias.
        alias: String,
    },
    /// Delete a duplicate registry version Steward created (a create whose answer was lost
    /// and that committed after Steward searched for it): same `steward.version`, same
    /// `steward://` source, a higher number than the one used, and no alias on it.
    DeleteVersion {
        /// The Steward version it duplicates.
        version: String,
        /// The duplicate's registry number.
        number: String,
    },
}

impl Op {
    /// What the operation does, for progress lines: `creating version 1.0.3-1`, …
    pub fn describe(&self) -> String {
        match self {
            Op::CreateModel { .. } => "creating the registered model".into(),
            Op::SetModelDescription { .. } => "setting the model's description".into(),
            Op::SetModelTag { key, .. } => format!("tagging the model {key}"),
            Op::UploadArtifact { version, path } => format!(
                "uploading {version} {}",
                path.rsplit('/').nth(1).unwrap_or("envelope")
            ),
            Op::CreateVersion { version, .. } => format!("creating version {version}"),
            Op::SetVersionTag { version, key, .. } => format!("tagging {version} {key}"),
            Op::SetAlias { alias, target } => match target {
                VersionRef::Number(n) => format!("pointing {alias} at registry version {n}"),
                VersionRef::Steward(v) => format!("pointing {alias} at {v}"),
            },
            Op::DeleteAlias { alias } => format!("removing alias {alias}"),
            Op::DeleteVersion { version, number } => {
                format!("deleting registry version {number}, a duplicate of {version}")
            }
        }
    }
}

/// A governed alias that no signed record explains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ungoverned {
    /// The alias.
    pub alias: String,
    /// The registry version it points at.
    pub number: String,
    /// The Steward version that is, when the version carries a `steward.version` tag.
    pub points_at: Option<String>,
    /// The Steward version that holds the stage under signed records (None: no version does).
    pub governed: Option<String>,
    /// Who last changed that version, as MLflow says.
    pub user_id: Option<String>,
    /// When that version last changed (ms since the epoch), as MLflow says.
    pub last_updated_ms: Option<i64>,
}

/// An alias moved by someone else's signed record that this workspace does not hold yet, or
/// left where the registry has it because a version involved has a conflicting record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemoteAhead {
    /// The alias.
    pub alias: String,
    /// The Steward version the registry's alias points at (empty: the registry has none).
    pub version: String,
    /// The Steward version whose record conflicts with the registry's, when that is why the
    /// alias is left alone.
    pub conflicted: Option<String>,
}

/// Registry versions that claim the same Steward version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duplicate {
    /// The Steward version.
    pub version: String,
    /// Every registry number carrying it, lowest (the one used) first.
    pub numbers: Vec<String>,
}

/// What to do and what was found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The requests, in order.
    pub ops: Vec<Op>,
    /// Ungoverned aliases.
    pub ungoverned: Vec<Ungoverned>,
    /// Aliases a newer remote record explains.
    pub remote_ahead: Vec<RemoteAhead>,
    /// Duplicated versions.
    pub duplicates: Vec<Duplicate>,
}

fn number_key(n: &str) -> (u64, String) {
    (n.parse().unwrap_or(u64::MAX), n.to_string())
}

/// Whether a registry version carrying `steward.version = sv` has the source Steward gives
/// it (`steward://MODEL/sv`). One with another source was made by someone else, with tags
/// copied from Steward's: it is never taken for Steward's version.
pub fn steward_source(v: &RemoteVersion, sv: &str) -> bool {
    v.source
        .strip_prefix("steward://")
        .and_then(|rest| rest.strip_suffix(sv))
        .is_some_and(|model| model.ends_with('/') && model.len() > 1)
}

/// Steward version → the registry version used for it (the lowest number among those with
/// Steward's source), with duplicates (Steward's own first, then the others, by number).
pub fn index_versions(
    versions: &[RemoteVersion],
) -> (BTreeMap<String, &RemoteVersion>, Vec<Duplicate>) {
    let mut by: BTreeMap<String, Vec<&RemoteVersion>> = BTreeMap::new();
    for v in versions {
        if let Some(sv) = v.tags.get(VERSION_TAG) {
            by.entry(sv.clone()).or_default().push(v);
        }
    }
    let mut index = BTreeMap::new();
    let mut dups = Vec::new();
    for (sv, mut list) in by {
        list.sort_by_key(|v| (!steward_source(v, &sv), number_key(&v.number)));
        if list.len() > 1 {
            dups.push(Duplicate {
                version: sv.clone(),
                numbers: list.iter().map(|v| v.number.clone()).collect(),
            });
        }
        if let Some(first) = list.first().filter(|v| steward_source(v, &sv)) {
            index.insert(sv, *first);
        }
    }
    (index, dups)
}

/// Plans one model's push. `restore` also moves ungoverned aliases back to the governed state.
pub fn plan(local: &LocalModel, remote: &RemoteState, restore: bool) -> Plan {
    let mut out = Plan::default();
    match &remote.model {
        None => out.ops.push(Op::CreateModel {
            description: local.description.clone(),
            tags: local.tags.clone(),
        }),
        Some(m) => {
            if m.description != local.description {
                out.ops.push(Op::SetModelDescription {
                    description: local.description.clone(),
                });
            }
            for (k, v) in &local.tags {
                if m.tags.get(k) != Some(v) {
                    out.ops.push(Op::SetModelTag {
                        key: k.clone(),
                        value: v.clone(),
                    });
                }
            }
        }
    }
    let (index, dups) = index_versions(&remote.versions);
    out.duplicates = dups;
    // Versions whose registry record this workspace keeps: the registry's tags win.
    let kept: BTreeSet<&str> = index
        .iter()
        .filter(|(sv, rv)| {
            rv.tags
                .get(RECORD_TAG)
                .is_some_and(|d| local.kept.get(*sv).is_some_and(|k| k.contains(d)))
        })
        .map(|(sv, _)| sv.as_str())
        .collect();
    let held_versions: Vec<LocalVersion>;
    let versions = if kept.is_empty() {
        &local.versions
    } else {
        held_versions = local
            .versions
            .iter()
            .map(|lv| {
                let mut lv = lv.clone();
                if let Some(rv) = index
                    .get(&lv.version)
                    .filter(|_| kept.contains(lv.version.as_str()))
                {
                    for (k, v) in lv.tags.iter_mut() {
                        if let Some(theirs) = rv.tags.get(k) {
                            v.clone_from(theirs);
                        }
                    }
                }
                lv
            })
            .collect();
        &held_versions
    };
    for lv in versions {
        let upload = |ops: &mut Vec<Op>| {
            ops.extend(lv.artifacts.iter().map(|p| Op::UploadArtifact {
                version: lv.version.clone(),
                path: p.clone(),
            }))
        };
        let upload_set = |ops: &mut Vec<Op>, tag: &String, paths: &Vec<String>| {
            let listed = remote.listed.get(&(lv.version.clone(), tag.clone()));
            ops.extend(
                paths
                    .iter()
                    .filter(|p| !listed.is_some_and(|l| l.contains(*p)))
                    .map(|p| Op::UploadArtifact {
                        version: lv.version.clone(),
                        path: p.clone(),
                    }),
            )
        };
        match index.get(&lv.version) {
            None => {
                upload(&mut out.ops);
                for (tag, paths) in &lv.sets {
                    upload_set(&mut out.ops, tag, paths);
                }
                out.ops.push(Op::CreateVersion {
                    version: lv.version.clone(),
                    source: lv.source.clone(),
                    description: lv.description.clone(),
                    tags: lv.tags.clone(),
                });
            }
            Some(rv) => {
                let envelopes_differ = lv.tags.get(ENVELOPES_TAG) != rv.tags.get(ENVELOPES_TAG);
                if envelopes_differ {
                    upload(&mut out.ops);
                }
                let differing_sets: Vec<(&String, &Vec<String>)> = lv
                    .sets
                    .iter()
                    .filter(|(tag, _)| lv.tags.get(*tag) != rv.tags.get(*tag))
                    .collect();
                for (tag, paths) in &differing_sets {
                    upload_set(&mut out.ops, tag, paths);
                }
                let mut set = |k: &String, v: &String| {
                    out.ops.push(Op::SetVersionTag {
                        version: lv.version.clone(),
                        number: rv.number.clone(),
                        key: k.clone(),
                        value: v.clone(),
                    })
                };
                for (k, v) in &lv.tags {
                    if k != ENVELOPES_TAG && !lv.sets.contains_key(k) && rv.tags.get(k) != Some(v) {
                        set(k, v);
                    }
                }
                for (tag, _) in differing_sets {
                    if let Some(v) = lv.tags.get(tag) {
                        set(tag, v);
                    }
                }
                if let (true, Some(v)) = (envelopes_differ, lv.tags.get(ENVELOPES_TAG)) {
                    set(&ENVELOPES_TAG.to_string(), v);
                }
            }
        }
    }
    let remote_aliases = remote.model.as_ref().map(|m| &m.aliases);
    // Duplicates Steward made are removed, last: only its own (its source), never one an
    // alias points at (someone may deploy it), never the one it uses (the lowest).
    let mut deletes = Vec::new();
    for d in &out.duplicates {
        let Some(lv) = local.versions.iter().find(|v| v.version == d.version) else {
            continue;
        };
        for number in d.numbers.iter().skip(1) {
            let ours = remote
                .versions
                .iter()
                .any(|v| &v.number == number && v.source == lv.source);
            let aliased = remote_aliases.is_some_and(|a| a.values().any(|n| n == number));
            if ours && !aliased {
                deletes.push(Op::DeleteVersion {
                    version: d.version.clone(),
                    number: number.clone(),
                });
            }
        }
    }
    for alias in GOVERNED_ALIASES {
        let desired = local.aliases.get(alias);
        let current_sv = remote_aliases
            .and_then(|a| a.get(alias))
            .and_then(|n| index.iter().find(|(_, rv)| &rv.number == n))
            .map(|(sv, _)| sv.as_str());
        if current_sv != desired.map(String::as_str) {
            let conflicted = [desired.map(String::as_str), current_sv]
                .into_iter()
                .flatten()
                .find(|sv| kept.contains(sv));
            if let Some(c) = conflicted {
                out.remote_ahead.push(RemoteAhead {
                    alias: alias.to_string(),
                    version: current_sv.unwrap_or_default().to_string(),
                    conflicted: Some(c.to_string()),
                });
                continue;
            }
        }
        let desired_ref = desired.map(|sv| match index.get(sv) {
            Some(rv) => VersionRef::Number(rv.number.clone()),
            None => VersionRef::Steward(sv.clone()),
        });
        let current = remote_aliases.and_then(|a| a.get(alias));
        let Some(number) = current else {
            if let Some(target) = desired_ref {
                out.ops.push(Op::SetAlias {
                    alias: alias.to_string(),
                    target,
                });
            }
            continue;
        };
        if desired_ref.as_ref() == Some(&VersionRef::Number(number.clone())) {
            continue;
        }
        let pointed = remote.versions.iter().find(|v| &v.number == number);
        let points_at = pointed.and_then(|v| v.tags.get(VERSION_TAG)).cloned();
        // Only the registry version Steward uses for a Steward version can be governed.
        let canonical = points_at
            .as_ref()
            .and_then(|sv| index.get(sv))
            .is_some_and(|rv| &rv.number == number);
        let in_set = |m: &BTreeMap<String, BTreeSet<String>>| {
            canonical
                && points_at
                    .as_ref()
                    .is_some_and(|sv| m.get(alias).is_some_and(|s| s.contains(sv)))
        };
        let fix = |ops: &mut Vec<Op>| match &desired_ref {
            Some(target) => ops.push(Op::SetAlias {
                alias: alias.to_string(),
                target: target.clone(),
            }),
            None => ops.push(Op::DeleteAlias {
                alias: alias.to_string(),
            }),
        };
        if in_set(&local.held) {
            fix(&mut out.ops);
        } else if in_set(&local.remote_held) {
            out.remote_ahead.push(RemoteAhead {
                alias: alias.to_string(),
                version: points_at.unwrap_or_default(),
                conflicted: None,
            });
        } else {
            out.ungoverned.push(Ungoverned {
                alias: alias.to_string(),
                number: number.clone(),
                points_at,
                governed: desired.cloned(),
                user_id: pointed.and_then(|v| v.user_id.clone()),
                last_updated_ms: pointed.and_then(|v| v.last_updated_ms),
            });
            if restore {
                fix(&mut out.ops);
            }
        }
    }
    out.ops.extend(deletes);
    out
}

#[cfg(test)]
mod tests;
