// The three-way merge of a document's two heads (#/sync/merge/TARGET/KIND): a sync pulled
// someone else's edit of a document this workspace had also edited. The core merges both heads
// against their common ancestor and says which stretches conflict; here the person picks a
// side per conflict (or edits the text), and the core saves the result as a revision with both
// heads as parents. The core refuses a text that still holds conflict markers, in its words.
import { useState, type KeyboardEvent } from "react";
import type { DocumentKind, DocumentMergeView, DocumentSaveResult, MergeChoice, MergeHunkView } from "../../api/bindings";
import { api } from "../../api/client";
import { formatTime } from "../../components/format";
import { useErrors } from "../../errors";
import { href } from "../../router";
import { useLoad } from "../../useLoad";
import { useSync } from "./SyncContext";
import { SyncSubScreen } from "./SyncSubScreen";
import "./sync.css";

const CHOICES: { value: MergeChoice; label: string }[] = [
  { value: "ours", label: "Keep mine" },
  { value: "theirs", label: "Take theirs" },
  { value: "both", label: "Both, mine first" },
  { value: "base", label: "Neither (the original)" },
];

const AUTO: Record<Exclude<MergeHunkView["kind"], "same" | "conflict">, string> = {
  ours: "changed here only: kept",
  theirs: "changed in the registry only: taken",
  both: "changed the same way on both sides",
};

/** Unchanged lines, folded when long. */
function Same({ text }: { text: string }) {
  const lines = text.split("\n");
  if (lines.length <= 6) return <pre className="merge-text merge-same">{text}</pre>;
  return (
    <details className="merge-same-fold">
      <summary className="muted small">{lines.length - 1} unchanged lines</summary>
      <pre className="merge-text merge-same">{text}</pre>
    </details>
  );
}

type ConflictProps = { h: MergeHunkView; n: number; total: number; choice: MergeChoice | null; onChoose: (c: MergeChoice) => void };

function Conflict({ h, n, total, choice, onChoose }: ConflictProps) {
  return (
    <fieldset className="merge-conflict" data-testid={`merge-conflict-${n}`}>
      <legend>
        Conflict {n + 1} of {total}
      </legend>
      <div className="merge-sides">
        <div>
          <h3>Mine</h3>
          <pre className="merge-text" data-testid="merge-ours">
            {h.ours || "(deleted)"}
          </pre>
        </div>
        <div>
          <h3>Theirs</h3>
          <pre className="merge-text" data-testid="merge-theirs">
            {h.theirs || "(deleted)"}
          </pre>
        </div>
      </div>
      {h.base ? (
        <details>
          <summary className="muted small">The original</summary>
          <pre className="merge-text merge-same">{h.base}</pre>
        </details>
      ) : null}
      <div className="merge-choices" role="radiogroup" aria-label={`Conflict ${n + 1}`}>
        {CHOICES.map((c) => (
          <label key={c.value}>
            <input type="radio" name={`merge-choice-${n}`} value={c.value} checked={choice === c.value} onChange={() => onChoose(c.value)} data-testid={`merge-choice-${n}-${c.value}`} />
            {c.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

type Props = { target: string; kind: DocumentKind };

function Merge({ view, target, kind }: { view: DocumentMergeView } & Props) {
  const { report } = useErrors();
  const { reloadStatus } = useSync();
  const [choices, setChoices] = useState<(MergeChoice | null)[]>(() => Array.from({ length: view.conflicts }, () => null));
  const [text, setText] = useState(view.clean ?? view.marked);
  const [message, setMessage] = useState("");
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<DocumentSaveResult | null>(null);

  const compose = async (next: (MergeChoice | null)[]) => {
    setChoices(next);
    if (next.some((c) => c === null)) return;
    try {
      setText(await api.docMergeCompose({ target, kind, theirs: view.theirs.number, choices: next as MergeChoice[] }));
    } catch (e) {
      report(e);
    }
  };
  const save = async () => {
    setBusy(true);
    try {
      setSaved(await api.docMergeSave({ target, kind, ours: view.ours.number, theirs: view.theirs.number, text, message: message.trim() || null }));
      // The shell's conflict count drops now, not at the next poll.
      reloadStatus();
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  };
  const onKey = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "s") {
      e.preventDefault();
      if (!busy) void save();
    }
  };
  if (saved)
    return (
      <div className="notice" role="status" data-testid="merge-saved">
        <p>
          Saved the merge of r{view.ours.number} and r{view.theirs.number} as r{saved.document.revision.number}; the next sync sends it, and the other workspace moves to it.
        </p>
        <div className="actions">
          <a href={href.document(target, kind)} data-testid="merge-open-document">
            Open the {kind.replace(/-/g, " ")}
          </a>
          <a href={href.syncConflicts()}>Back to the conflicts</a>
        </div>
      </div>
    );
  // The index of each conflict among the conflicts, by hunk.
  const conflictIndex = view.hunks.map((_, i) => view.hunks.slice(0, i).filter((x) => x.kind === "conflict").length);
  return (
    <div onKeyDown={onKey}>
      <dl className="kv small" data-testid="merge-heads">
        <dt>Mine</dt>
        <dd data-testid="merge-head-ours">
          r{view.ours.number} by {view.ours.author}, {formatTime(view.ours.created_at)}
        </dd>
        <dt>Theirs</dt>
        <dd data-testid="merge-head-theirs">
          r{view.theirs.number} by {view.theirs.author}, {formatTime(view.theirs.created_at)}
        </dd>
        <dt>Common original</dt>
        <dd>{view.base ? `r${view.base.number} by ${view.base.author}` : "none: the two share no history"}</dd>
      </dl>
      <p data-testid="merge-summary">
        {view.conflicts === 0 ? "Nothing conflicts: every change merges by itself." : `${view.conflicts} stretch${view.conflicts === 1 ? "" : "es"} changed differently on both sides. Choose a side for each, or edit the merged text.`}
      </p>
      {view.conflicts > 1 ? (
        <div className="actions">
          <button type="button" className="btn btn-small" onClick={() => void compose(choices.map(() => "ours"))} data-testid="merge-all-ours">
            Keep mine everywhere
          </button>
          <button type="button" className="btn btn-small" onClick={() => void compose(choices.map(() => "theirs"))} data-testid="merge-all-theirs">
            Take theirs everywhere
          </button>
        </div>
      ) : null}
      <ol className="plain-list merge-hunks" data-testid="merge-hunks">
        {view.hunks.map((h, i) => {
          if (h.kind === "same")
            return (
              <li key={i}>
                <Same text={h.ours} />
              </li>
            );
          if (h.kind !== "conflict")
            return (
              <li key={i} className="merge-auto" data-testid={`merge-auto-${h.kind}`}>
                <span className="flag flag-ok small">{AUTO[h.kind]}</span>
                <pre className="merge-text">{h.merged}</pre>
              </li>
            );
          const n = conflictIndex[i] ?? 0;
          return (
            <li key={i}>
              <Conflict h={h} n={n} total={view.conflicts} choice={choices[n] ?? null} onChoose={(c) => void compose(choices.map((x, j) => (j === n ? c : x)))} />
            </li>
          );
        })}
      </ol>
      <label className="field">
        <span>Merged text (saved as a new revision of both)</span>
        <textarea className="merge-result mono" value={text} onChange={(e) => setText(e.target.value)} rows={16} spellCheck={false} data-testid="merge-result" />
      </label>
      <label className="field">
        <span>Message</span>
        <input type="text" value={message} onChange={(e) => setMessage(e.target.value)} placeholder={`merge r${view.theirs.number} into r${view.ours.number}`} data-testid="merge-message" />
      </label>
      <div className="actions">
        <button type="button" className="btn btn-primary" onClick={() => void save()} disabled={busy} data-testid="merge-save">
          {busy ? "Saving…" : "Save the merge"}
        </button>
        <a href={href.syncConflicts()}>Not now</a>
      </div>
    </div>
  );
}

export function MergeScreen({ target, kind }: Props) {
  const merge = useLoad(`merge-${target}-${kind}`, () => api.docMerge({ target, kind }));
  return (
    <SyncSubScreen
      id="merge-title"
      title={`Merge the ${kind.replace(/-/g, " ")} of ${target}`}
      lede="Two people saved over the same revision while apart. Both are kept; the merge becomes a revision with both as parents."
      testId="merge-screen"
    >
      {merge.data ? (
        <Merge view={merge.data} target={target} kind={kind} />
      ) : merge.failed ? (
        <p className="empty" data-testid="merge-none">
          Nothing to merge here. <a href={href.syncConflicts()}>Back to the conflicts</a>
        </p>
      ) : (
        <p className="muted">Loading…</p>
      )}
    </SyncSubScreen>
  );
}
