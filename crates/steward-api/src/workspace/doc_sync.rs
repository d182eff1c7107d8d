//! Document revisions through the registry (`docs/registry-mapping.md`): every revision of a
//! version's documents is one artifact, `steward/MODEL/VERSION/documents/<identity>.json`,
//! and the version's `steward.documents` tag holds the digest of the sorted identities. A
//! push uploads only the revisions the registry does not list; a pull downloads only those
//! this workspace lacks, checks each (`document::graph::read_artifact`: a revision whose text
//! or facts do not match its identity is tampered, reported and ignored), stores them parents
//! first with their own authors and times, and fast-forwards the head, or keeps it and records
//! the two heads for the merge screen.

use std::collections::{BTreeMap, BTreeSet};

use steward_domain::document::graph::{plan_pull, read_artifact, Graph, HeadMove};
use steward_domain::{DocumentKind, ModelName, Sha256Digest, Version};
use steward_store::{DocumentTarget, PulledHead, PulledParent, PulledRevision};
use steward_sync::Registry;

use super::documents::{conflict_kind, DocRevisions};
use super::sync::registry_error;
use super::Workspace;
use crate::error::Result;
use crate::wire::*;

/// The version tag holding the digest of its document revisions' identities.
pub const DOCUMENTS_TAG: &str = "steward.documents";

/// Where a version's revisions live in the registry.
pub(super) fn documents_folder(model: &ModelName, version: &Version) -> String {
    format!("steward/{model}/{version}/documents")
}

/// A version's documents as the registry should hold them.
pub(super) struct VersionDocuments {
    /// The `steward.documents` tag, None when the version has no documents.
    pub tag: Option<String>,
    /// Artifact path → bytes.
    pub artifacts: BTreeMap<String, Vec<u8>>,
}

/// The tag over a set of identities.
fn documents_tag(identities: &BTreeSet<&str>) -> Option<String> {
    if identities.is_empty() {
        return None;
    }
    let joined: Vec<&str> = identities.iter().copied().collect();
    Some(Sha256Digest::of(joined.join("\n").as_bytes()).to_string())
}

/// The tag over the revision files of a folder (`<hex>.json`; anything else is not a revision).
pub(super) fn documents_tag_of_files<'a>(
    files: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let identities: BTreeSet<String> = files
        .into_iter()
        .filter_map(|f| f.strip_suffix(".json"))
        .map(|hex| format!("sha256:{hex}"))
        .collect();
    documents_tag(&identities.iter().map(String::as_str).collect())
}

impl Workspace {
    /// What the registry should hold of `model@version`'s documents.
    pub(super) fn gather_documents(
        &self,
        model: &ModelName,
        version: &Version,
    ) -> Result<VersionDocuments> {
        let folder = documents_folder(model, version);
        let mut artifacts = BTreeMap::new();
        let docs = self.version_doc_revisions(model, version)?;
        let mut identities = BTreeSet::new();
        for d in &docs {
            for (_, a) in &d.revisions {
                identities.insert(a.identity.as_str());
                artifacts.insert(format!("{folder}/{}", a.file_name()), a.to_bytes());
            }
        }
        Ok(VersionDocuments {
            tag: documents_tag(&identities),
            artifacts,
        })
    }

    /// Pulls `model@version`'s revisions named by `files` (the registry's listing of its
    /// documents folder) that this workspace lacks. True when anything was stored.
    pub(super) fn pull_documents(
        &self,
        reg: &Registry,
        model: &ModelName,
        version: &Version,
        (files, suspect): (&[String], &BTreeSet<String>),
        report: &mut SyncReport,
    ) -> Result<bool> {
        let folder = documents_folder(model, version);
        let sv = version.to_string();
        let mut local: BTreeMap<DocumentKind, DocRevisions> = self
            .version_doc_revisions(model, version)?
            .into_iter()
            .map(|d| (d.kind, d))
            .collect();
        let have: BTreeSet<String> = local
            .values()
            .flat_map(|d| d.revisions.iter().map(|(_, a)| a.identity.clone()))
            .collect();
        let mut incoming: BTreeMap<DocumentKind, Vec<_>> = BTreeMap::new();
        for file in files {
            let Some(hex) = file.strip_suffix(".json") else {
                continue;
            };
            let named = format!("sha256:{hex}");
            if have.contains(&named) && !suspect.contains(&named) {
                continue;
            }
            let Some(bytes) = reg
                .get_artifact(&format!("{folder}/{file}"))
                .map_err(registry_error)?
            else {
                continue;
            };
            match read_artifact(&bytes, file, model.as_str(), &sv) {
                Ok(a) => incoming.entry(a.kind).or_default().push(a),
                Err(why) => self.conflict(
                    model,
                    &sv,
                    "tampered",
                    None,
                    &format!("sha256:{hex}"),
                    &format!("document revision {why}; it is ignored"),
                    report,
                )?,
            }
        }
        let mut changed = false;
        for (kind, arts) in incoming {
            let here = local.remove(&kind);
            let graph = here.as_ref().map(DocRevisions::graph).unwrap_or_default();
            let head = here
                .as_ref()
                .and_then(|d| d.head_identity().map(str::to_string));
            let theirs: Graph = arts
                .iter()
                .map(|a| (a.identity.clone(), a.parents.clone()))
                .collect();
            let plan = plan_pull(&graph, head.as_deref(), &theirs);
            for id in &plan.waiting {
                report.refused.push(format!(
                    "{model}@{sv} {kind} revision {id}: a parent is not in the registry yet; it waits for the next sync"
                ));
            }
            if plan.insert.is_empty() {
                continue;
            }
            let by_id: BTreeMap<&str, &_> = arts.iter().map(|a| (a.identity.as_str(), a)).collect();
            let position = |id: &str| plan.insert.iter().position(|x| x == id);
            let mut revs = Vec::new();
            for id in &plan.insert {
                let Some(a) = by_id.get(id.as_str()) else {
                    continue;
                };
                let parents = a
                    .parents
                    .iter()
                    .filter_map(|p| match here.as_ref().and_then(|d| d.by_identity(p)) {
                        Some((m, _)) => Some(PulledParent::Here(m.number)),
                        None => position(p).map(PulledParent::Pulled),
                    })
                    .collect();
                revs.push(PulledRevision {
                    content: &a.content,
                    author: &a.author,
                    message: &a.message,
                    created_at: &a.created_at,
                    parents,
                });
            }
            let pulled_head = match &plan.head {
                HeadMove::FastForward { to } => {
                    position(to).map_or(PulledHead::Stays, PulledHead::Pulled)
                }
                // A document new here takes our side of the divergence as its head.
                HeadMove::Diverged { ours, .. } if here.is_none() => {
                    position(ours).map_or(PulledHead::Stays, PulledHead::Pulled)
                }
                _ => PulledHead::Stays,
            };
            let target = DocumentTarget::Version(model.clone(), *version);
            let stored = self.store.pull_revisions(
                &target,
                kind,
                &revs,
                here.as_ref().map(|d| d.head),
                pulled_head,
                &self.actor,
            )?;
            report.pulled_revisions += u32::try_from(stored.len()).unwrap_or(u32::MAX);
            changed = true;
            if let HeadMove::Diverged { ours, theirs } = &plan.head {
                let now = self.doc_revisions(model, version, kind)?;
                let describe = |id: &str| {
                    now.as_ref().and_then(|d| d.by_identity(id)).map_or_else(
                        || id.to_string(),
                        |(m, _)| format!("r{} ({}, {})", m.number, m.author, m.created_at),
                    )
                };
                self.conflict(
                    model,
                    &sv,
                    &conflict_kind(kind),
                    Some(ours),
                    theirs,
                    &format!(
                        "the {kind} of {model}@{sv} has two heads: {} here and {} from the registry, both kept; merge them with `steward doc merge {model}@{sv} {kind}` or Merge… on the studio's conflicts screen",
                        describe(ours),
                        describe(theirs)
                    ),
                    report,
                )?;
            }
        }
        Ok(changed)
    }

    /// Downloads every artifact of `model` this workspace holds (`held`: path → bytes) that
    /// the registry lists for a version it holds too, and compares the bytes. Each that differs
    /// is stored as a `tampered` conflict; the (version, path) of each comes back, for the push
    /// to put the workspace's bytes back. Charts are derived, not evidence, and are not read.
    pub(super) fn verify_held(
        &self,
        reg: &Registry,
        model: &ModelName,
        remote: &[steward_sync::RemoteVersion],
        held: &BTreeMap<String, Vec<u8>>,
        report: &mut SyncReport,
    ) -> Result<Vec<(String, String)>> {
        let (index, _) = steward_sync::plan::index_versions(remote);
        let mut edited = Vec::new();
        for sv in index.keys() {
            for folder in ["records", "approvals", "waivers", "documents"] {
                let dir = format!("steward/{model}/{sv}/{folder}");
                let prefix = format!("{dir}/");
                if !held.keys().any(|p| p.starts_with(&prefix)) {
                    continue;
                }
                for file in reg.list_artifacts(&dir).map_err(registry_error)? {
                    let path = format!("{dir}/{file}");
                    let Some(ours) = held.get(&path) else {
                        continue;
                    };
                    let Some(theirs) = reg.get_artifact(&path).map_err(registry_error)? else {
                        continue;
                    };
                    if &theirs == ours {
                        continue;
                    }
                    let (was, now) = (Sha256Digest::of(ours), Sha256Digest::of(&theirs));
                    self.conflict(
                        model,
                        sv,
                        "tampered",
                        Some(&was.to_string()),
                        &now.to_string(),
                        &format!(
                            "{path} was changed in the registry after it was pushed (it digests to {now}; this workspace's copy, {was}, is kept and a push puts it back)"
                        ),
                        report,
                    )?;
                    edited.push((sv.clone(), path));
                }
            }
        }
        Ok(edited)
    }

    /// True while a stored conflict still stands: a document's two heads stay open until a
    /// revision merges the other head in; every other conflict stays.
    pub(super) fn conflict_open(
        &self,
        model: &str,
        version: &str,
        kind: &str,
        remote: &str,
    ) -> bool {
        let Some(doc_kind) = kind
            .strip_prefix("document:")
            .and_then(|k| k.parse::<DocumentKind>().ok())
        else {
            return true;
        };
        let (Ok(m), Ok(v)) = (model.parse::<ModelName>(), version.parse::<Version>()) else {
            return true;
        };
        match self.doc_revisions(&m, &v, doc_kind) {
            Ok(Some(d)) => d.diverges(remote),
            _ => true,
        }
    }
}
