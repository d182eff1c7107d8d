// The revisions of a document (newest first), a line diff between any two, and restore —
// which the core turns into a new revision, so nothing is ever lost.
import { useState } from "react";
import type { DocumentDiff, DocumentRef, RevisionView } from "../../api/bindings";
import { api } from "../../api/client";
import { formatTime, shortDigest } from "../../components/format";
import { useErrors } from "../../errors";
import { DiffView } from "./DiffView";

export function History({
  doc,
  revisions,
  head,
  dirty,
  onRestore,
}: {
  doc: DocumentRef;
  revisions: RevisionView[];
  head: number;
  /** Unsaved edits in the editor: restoring would throw them away, so it waits. */
  dirty: boolean;
  onRestore: (revision: number) => Promise<void>;
}) {
  const { report } = useErrors();
  const [from, setFrom] = useState<number>(Math.max(1, head - 1));
  const [to, setTo] = useState<number>(head);
  const [diff, setDiff] = useState<DocumentDiff | null>(null);
  const [busy, setBusy] = useState(false);

  const show = async (a: number, b: number) => {
    setFrom(a);
    setTo(b);
    setBusy(true);
    try {
      setDiff(await api.docDiff(doc, a, b));
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  };

  const restore = async (n: number) => {
    setBusy(true);
    try {
      await onRestore(n);
      setDiff(null);
    } finally {
      setBusy(false);
    }
  };

  if (revisions.length === 0) return <p className="muted">No revisions yet: save to create the first one.</p>;
  return (
    <div className="history" data-testid="doc-history">
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Revision</th>
              <th scope="col">Saved</th>
              <th scope="col">Author</th>
              <th scope="col">Message</th>
              <th scope="col">Content</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {revisions.map((r) => (
              <tr key={r.number} data-testid={`revision-row-${r.number}`}>
                <td className="nowrap">
                  <span className="mono">r{r.number}</span>
                  {r.number === head ? <span className="flag flag-ok small">head</span> : null}
                  {r.second_parent !== null ? (
                    <span className="muted small"> merge of r{r.parent} and r{r.second_parent}</span>
                  ) : null}
                </td>
                <td className="nowrap">{formatTime(r.created_at)}</td>
                <td>{r.author}</td>
                <td>{r.message || <span className="muted">—</span>}</td>
                <td className="mono small" title={r.sha256}>
                  {shortDigest(r.sha256)}
                </td>
                <td className="nowrap">
                  {r.parent !== null ? (
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={busy}
                      onClick={() => show(r.parent ?? r.number, r.number)}
                      data-testid={`revision-changes-${r.number}`}
                    >
                      Changes
                    </button>
                  ) : null}{" "}
                  {r.number !== head ? (
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={busy || dirty}
                      title={dirty ? "Save or discard your edits first" : `Make r${r.number}'s text the head again, as a new revision`}
                      onClick={() => restore(r.number)}
                      data-testid={`revision-restore-${r.number}`}
                    >
                      Restore
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {dirty ? <p className="muted small">Restore waits until your edits are saved or discarded.</p> : null}

      <form
        className="row diff-form"
        aria-label="Compare two revisions"
        onSubmit={(e) => {
          e.preventDefault();
          void show(from, to);
        }}
      >
        <RevisionSelect label="From" revisions={revisions} value={from} onChange={setFrom} testId="diff-from" />
        <RevisionSelect label="To" revisions={revisions} value={to} onChange={setTo} testId="diff-to" />
        <button type="submit" className="btn" disabled={busy} data-testid="diff-show">
          Compare
        </button>
      </form>
      {diff ? <DiffView diff={diff} /> : null}
    </div>
  );
}

/** One end of the comparison: a revision number chosen from the document's revisions. */
function RevisionSelect({
  label,
  revisions,
  value,
  onChange,
  testId,
}: {
  label: string;
  revisions: RevisionView[];
  value: number;
  onChange: (revision: number) => void;
  testId: string;
}) {
  return (
    <label className="field field-inline">
      <span className="field-label">{label}</span>
      <select value={value} onChange={(e) => onChange(Number(e.target.value))} data-testid={testId}>
        {revisions.map((r) => (
          <option key={r.number} value={r.number}>
            r{r.number}
          </option>
        ))}
      </select>
    </label>
  );
}
