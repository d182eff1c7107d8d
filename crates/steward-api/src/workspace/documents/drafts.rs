//! Unsaved drafts: files under `drafts/` in the workspace, written atomically, not database
//! rows (they change on every pause in typing and are not governance records).

use super::*;

impl Workspace {
    fn draft_path(&self, target: &DocumentTarget, kind: DocumentKind) -> PathBuf {
        let owner = match target {
            DocumentTarget::Version(..) => "versions",
            DocumentTarget::Dataset(_) => "datasets",
        };
        self.root
            .join("drafts")
            .join(owner)
            .join(target.to_string())
            .join(format!("{kind}.json"))
    }

    pub(super) fn discard_draft_file(&self, target: &DocumentTarget, kind: DocumentKind) {
        // A draft that cannot be removed is harmless: it is offered again and can be discarded.
        let _ = std::fs::remove_file(self.draft_path(target, kind));
    }

    /// Keeps an unsaved edit so it survives a crash or a closed window (written to a temporary
    /// file and renamed, so a crash mid-write leaves the previous draft).
    pub fn doc_draft_save(&self, draft: &DocumentDraft) -> Result<DocumentDraft> {
        let target = self.resolve_target(&draft.target, draft.kind)?;
        let size = draft.text.len() as u64;
        if size > MAX_DOCUMENT_BYTES {
            return Err(ApiError::invalid(format!(
                "the draft is {}; documents are limited to {}",
                megabytes(size),
                megabytes(MAX_DOCUMENT_BYTES)
            )));
        }
        let path = self.draft_path(&target, draft.kind);
        let kept = DocumentDraft {
            target: target.to_string(),
            kind: draft.kind,
            text: draft.text.clone(),
            base_revision: draft.base_revision,
            saved_at: now(),
        };
        let io = |e: std::io::Error| {
            ApiError::new(
                ErrorCode::Io,
                format!("cannot keep the draft at {}: {e}", path.display()),
            )
        };
        if let Some(dir) = path.parent() {
            crate::private::create_dir_all(dir).map_err(io)?;
        }
        let tmp = path.with_extension("json.tmp");
        let bytes = serde_json::to_vec(&kept)
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        crate::private::write(&tmp, &bytes).map_err(io)?;
        std::fs::rename(&tmp, &path).map_err(io)?;
        Ok(kept)
    }

    /// The kept draft of a document, if any.
    pub fn doc_draft_load(&self, doc: &DocumentRef) -> Result<Option<DocumentDraft>> {
        let target = self.resolve_target(&doc.target, doc.kind)?;
        let path = self.draft_path(&target, doc.kind);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                ApiError::new(ErrorCode::Corrupt, format!("the draft at {} is unreadable ({e}); discard it with `doc_draft_discard` or delete the file", path.display()))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ApiError::new(ErrorCode::Io, format!("cannot read the draft at {}: {e}", path.display()))),
        }
    }

    /// Throws away the kept draft of a document; true when there was one.
    pub fn doc_draft_discard(&self, doc: &DocumentRef) -> Result<bool> {
        let target = self.resolve_target(&doc.target, doc.kind)?;
        let path = self.draft_path(&target, doc.kind);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(ApiError::new(
                ErrorCode::Io,
                format!("cannot remove the draft at {}: {e}", path.display()),
            )),
        }
    }
}
