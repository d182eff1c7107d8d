//! A document's revisions: history, diffs and restores, and the line diff documents and
//! policy revisions show.

use super::*;

impl Workspace {
    /// The revisions of a document, newest first.
    pub fn doc_history(&self, doc: &DocumentRef) -> Result<Vec<RevisionView>> {
        let target = self.resolve_target(&doc.target, doc.kind)?;
        let mut revs: Vec<RevisionView> = self
            .store
            .revisions(&target, doc.kind)?
            .iter()
            .map(revision_view)
            .collect();
        revs.reverse();
        Ok(revs)
    }

    /// A line diff from revision `from` to revision `to`.
    pub fn doc_diff(&self, doc: &DocumentRef, from: u32, to: u32) -> Result<DocumentDiff> {
        let target = self.resolve_target(&doc.target, doc.kind)?;
        let old = self.store.revision(&target, doc.kind, from)?;
        let new = self.store.revision(&target, doc.kind, to)?;
        let diff = line_diff(
            &old.content,
            &new.content,
            &format!("{target} {} r{from}", doc.kind),
            &format!("{target} {} r{to}", doc.kind),
        );
        Ok(DocumentDiff {
            target: target.to_string(),
            kind: doc.kind,
            from,
            to,
            insertions: diff.insertions,
            deletions: diff.deletions,
            lines: diff.lines,
            unified: diff.unified,
        })
    }

    /// Makes the text of `revision` the head again, as a new revision.
    pub fn doc_restore(&self, doc: &DocumentRef, revision: u32) -> Result<DocumentView> {
        let target = self.resolve_target(&doc.target, doc.kind)?;
        let rev = self
            .store
            .restore_revision(&target, doc.kind, revision, &self.actor)?;
        self.discard_draft_file(&target, doc.kind);
        self.document_view(&target, doc.kind, &rev, rev.meta.number)
    }
}

/// A line diff of two texts, as documents and policy revisions show it.
pub(in crate::workspace) struct LineDiff {
    /// Every line, in order.
    pub lines: Vec<DiffLine>,
    /// Lines added.
    pub insertions: u32,
    /// Lines removed.
    pub deletions: u32,
    /// The same as a unified diff (3 lines of context) under the two headers.
    pub unified: String,
}

/// Diffs `old` against `new` line by line; the headers name the two sides in `unified`.
pub(in crate::workspace) fn line_diff(
    old: &str,
    new: &str,
    old_header: &str,
    new_header: &str,
) -> LineDiff {
    let diff = TextDiff::from_lines(old, new);
    let line = |i: Option<usize>| i.and_then(|i| u32::try_from(i + 1).ok());
    let lines: Vec<DiffLine> = diff
        .iter_all_changes()
        .map(|c| DiffLine {
            tag: match c.tag() {
                ChangeTag::Equal => DiffTag::Equal,
                ChangeTag::Insert => DiffTag::Insert,
                ChangeTag::Delete => DiffTag::Delete,
            },
            old_line: line(c.old_index()),
            new_line: line(c.new_index()),
            text: c.value().trim_end_matches(['\n', '\r']).to_string(),
        })
        .collect();
    let count =
        |t: DiffTag| u32::try_from(lines.iter().filter(|l| l.tag == t).count()).unwrap_or(u32::MAX);
    let unified = diff
        .unified_diff()
        .context_radius(3)
        .header(old_header, new_header)
        .to_string();
    LineDiff {
        insertions: count(DiffTag::Insert),
        deletions: count(DiffTag::Delete),
        lines,
        unified,
    }
}
