//! A document's revisions as the graph the registry shares (identities, heads), and the
//! three-way merge of two heads a pull found: shown, composed from one choice per conflict,
//! and saved as a revision with two parents. The rules are the domain's
//! (`document::graph`, `document::merge`); this gathers the revisions and calls them.

use std::collections::BTreeMap;

use steward_domain::document::graph::{ancestors, merge_base, Graph, RevisionArtifact};
use steward_domain::document::merge::{check_resolved, three_way, ThreeWay};

use super::*;

/// The conflict kind a pull stores for a document with two heads.
pub(in crate::workspace) fn conflict_kind(kind: DocumentKind) -> String {
    format!("document:{}", kind.as_str())
}

/// One document's revisions as the registry carries them, in number order.
pub(in crate::workspace) struct DocRevisions {
    /// The kind.
    pub kind: DocumentKind,
    /// Number → its artifact (identity included).
    pub revisions: Vec<(RevisionMeta, RevisionArtifact)>,
    /// The head's number.
    pub head: u32,
}

impl DocRevisions {
    /// Identity → parent identities.
    pub fn graph(&self) -> Graph {
        self.revisions
            .iter()
            .map(|(_, a)| (a.identity.clone(), a.parents.clone()))
            .collect()
    }

    /// The revision with this identity.
    pub fn by_identity(&self, identity: &str) -> Option<&(RevisionMeta, RevisionArtifact)> {
        self.revisions.iter().find(|(_, a)| a.identity == identity)
    }

    /// The revision numbered `n`.
    pub fn by_number(&self, n: u32) -> Option<&(RevisionMeta, RevisionArtifact)> {
        self.revisions.iter().find(|(m, _)| m.number == n)
    }

    /// The head's identity.
    pub fn head_identity(&self) -> Option<&str> {
        self.by_number(self.head).map(|(_, a)| a.identity.as_str())
    }

    /// True while `identity` is not part of the head's history (two heads still to merge).
    pub fn diverges(&self, identity: &str) -> bool {
        match self.head_identity() {
            Some(h) => {
                self.by_identity(identity).is_some()
                    && !ancestors(&self.graph(), h).contains(identity)
            }
            None => false,
        }
    }
}

impl Workspace {
    /// Every revision of `model@version`'s document of `kind` with its identity, if the
    /// document exists. Parents always have lower numbers (a save writes over the head, a
    /// pull stores parents first), so one pass computes every identity.
    pub(in crate::workspace) fn doc_revisions(
        &self,
        model: &ModelName,
        version: &Version,
        kind: DocumentKind,
    ) -> Result<Option<DocRevisions>> {
        let target = DocumentTarget::Version(model.clone(), *version);
        let Some(doc) = self.store.document(&target, kind)? else {
            return Ok(None);
        };
        let mut identity_of: BTreeMap<u32, String> = BTreeMap::new();
        let mut revisions = Vec::new();
        for meta in self.store.revisions(&target, kind)? {
            let row = self.store.revision(&target, kind, meta.number)?;
            let parents: Vec<String> = [meta.parent, meta.second_parent]
                .into_iter()
                .flatten()
                .filter_map(|p| identity_of.get(&p).cloned())
                .collect();
            let artifact = RevisionArtifact::new(
                model.as_str(),
                &version.to_string(),
                kind,
                parents,
                &meta.author,
                &meta.message,
                &meta.created_at,
                &row.content,
            );
            identity_of.insert(meta.number, artifact.identity.clone());
            revisions.push((meta, artifact));
        }
        Ok(Some(DocRevisions {
            kind,
            revisions,
            head: doc.head.meta.number,
        }))
    }

    /// The documents of `model@version` the registry carries (every kind but data sheets).
    pub(in crate::workspace) fn version_doc_revisions(
        &self,
        model: &ModelName,
        version: &Version,
    ) -> Result<Vec<DocRevisions>> {
        let target = DocumentTarget::Version(model.clone(), *version);
        let mut out = Vec::new();
        for row in self.store.documents(&target)? {
            if let Some(d) = self.doc_revisions(model, version, row.kind)? {
                out.push(d);
            }
        }
        Ok(out)
    }

    /// The other head of `target`'s `kind` a pull found and no merge has combined yet.
    fn open_merge(
        &self,
        target: &str,
        kind: DocumentKind,
    ) -> Result<(ModelName, Version, DocRevisions, u32)> {
        let (model, version) = match self.resolve_target(target, kind)? {
            DocumentTarget::Version(m, v) => (m, v),
            DocumentTarget::Dataset(d) => {
                return Err(ApiError::invalid(format!(
                "{d}'s data sheet is not synced through the registry, so it has no heads to merge"
            )))
            }
        };
        let docs = self.doc_revisions(&model, &version, kind)?.ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                format!("{model}@{version} has no {kind} yet"),
            )
        })?;
        let wanted = conflict_kind(kind);
        let theirs = self
            .store
            .sync_conflicts()?
            .into_iter()
            .rev()
            .filter(|c| {
                c.model == model.as_str() && c.version == version.to_string() && c.kind == wanted
            })
            .find(|c| docs.diverges(&c.remote_sha256))
            .and_then(|c| docs.by_identity(&c.remote_sha256).map(|(m, _)| m.number));
        let Some(theirs) = theirs else {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                format!(
                    "the {kind} of {model}@{version} has one head, so there is nothing to merge; `steward sync --pull` brings other people's edits"
                ),
            ));
        };
        Ok((model, version, docs, theirs))
    }

    fn three_way_of(
        &self,
        target: &str,
        kind: DocumentKind,
    ) -> Result<(DocumentMergeView, ThreeWay)> {
        let (model, version, docs, theirs) = self.open_merge(target, kind)?;
        let graph = docs.graph();
        let (ours_meta, ours_art) = docs
            .by_number(docs.head)
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "the head revision is missing"))?;
        let (theirs_meta, theirs_art) = docs
            .by_number(theirs)
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "their revision is missing"))?;
        // The texts are the artifacts' own, read (and digest-checked) with the graph.
        let base = merge_base(&graph, &ours_art.identity, &theirs_art.identity)
            .and_then(|id| docs.by_identity(&id));
        let base_text = base.map_or("", |(_, a)| a.content.as_str());
        let merged = three_way(base_text, &ours_art.content, &theirs_art.content);
        let base = base.map(|(m, _)| m);
        let label = |m: &RevisionMeta, side: &str| {
            format!("{side}: r{} by {} at {}", m.number, m.author, m.created_at)
        };
        let view = DocumentMergeView {
            target: format!("{model}@{version}"),
            kind,
            ours: revision_view(ours_meta),
            theirs: revision_view(theirs_meta),
            base: base.map(revision_view),
            hunks: merged
                .hunks
                .iter()
                .map(|h| MergeHunkView {
                    kind: h.kind,
                    base: h.base.clone(),
                    ours: h.ours.clone(),
                    theirs: h.theirs.clone(),
                    merged: h.merged().map(str::to_string),
                })
                .collect(),
            conflicts: u32::try_from(merged.conflicts()).unwrap_or(u32::MAX),
            marked: merged.with_markers(&label(ours_meta, "ours"), &label(theirs_meta, "theirs")),
            clean: merged.clean(),
        };
        Ok((view, merged))
    }

    /// The two heads of a document a pull found, merged three ways against their common
    /// ancestor: the stretches, the conflicts, the text with markers, and the clean text when
    /// nothing conflicts.
    pub fn doc_merge(&self, doc: &DocumentRef) -> Result<DocumentMergeView> {
        Ok(self.three_way_of(&doc.target, doc.kind)?.0)
    }

    /// The merged text with each conflict resolved by one choice, in order.
    pub fn doc_merge_compose(&self, req: &DocumentMergeCompose) -> Result<String> {
        let (view, merged) = self.three_way_of(&req.target, req.kind)?;
        if view.theirs.number != req.theirs {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                format!(
                    "the merge of the {} of {} is now with r{}, not r{}; open it again",
                    req.kind, view.target, view.theirs.number, req.theirs
                ),
            ));
        }
        merged.resolve(&req.choices).map_err(ApiError::invalid)
    }

    /// Saves a merge as a revision whose parents are the head (`ours`) and `theirs`. Refused,
    /// storing nothing, while the text holds a conflict's markers, when the head moved since
    /// the merge was shown, or when `theirs` is not the other head.
    pub fn doc_merge_save(&self, req: &DocumentMergeSave) -> Result<DocumentSaveResult> {
        check_resolved(&req.text).map_err(|why| {
            ApiError::invalid(format!("the merged {} of {}: {why}", req.kind, req.target))
        })?;
        let (_, _, docs, theirs) = self.open_merge(&req.target, req.kind)?;
        if theirs != req.theirs {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                format!(
                    "r{} is not the other head of the {} of {} (r{theirs} is); open the merge again",
                    req.theirs, req.kind, req.target
                ),
            ));
        }
        if docs.head != req.ours {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                format!(
                    "the {} of {} has moved to r{} since the merge of r{} was opened; nothing was saved — open the merge again",
                    req.kind, req.target, docs.head, req.ours
                ),
            ));
        }
        let message = req
            .message
            .clone()
            .filter(|m| !m.trim().is_empty())
            .unwrap_or_else(|| format!("merge r{} into r{}", req.theirs, req.ours));
        self.save_text(
            "the merged text",
            &DocumentSave {
                target: req.target.clone(),
                kind: req.kind,
                text: req.text.clone(),
                base_revision: Some(req.ours),
                merge_parent: Some(req.theirs),
                message: Some(message),
            },
        )
    }
}
