// The review queue, keyboard-first: j/k or the arrows move, one key per label (1 or c correct,
// 2 or w wrong, 3 or u unsafe, 4 or o other), n writes a note that goes with the next label.
// Each label is the core's queue_label: the screen shows the item as the core answers it
// (the note redacted) and moves on to the next item without a label.
import { useRef, useState, type KeyboardEvent } from "react";
import type { Label, QueueItemView } from "../../api/bindings";
import { api, toApiError } from "../../api/client";
import { formatTime } from "../../components/format";

/** Every label of the core, with its keys. */
export const LABEL_KEYS: { label: Label; keys: string[]; text: string }[] = [
  { label: "correct", keys: ["1", "c"], text: "Correct" },
  { label: "wrong", keys: ["2", "w"], text: "Wrong" },
  { label: "unsafe", keys: ["3", "u"], text: "Unsafe" },
  { label: "other", keys: ["4", "o"], text: "Other" },
] satisfies { label: Label; keys: string[]; text: string }[];

function labelFor(key: string): Label | null {
  return LABEL_KEYS.find((l) => l.keys.includes(key.toLowerCase()))?.label ?? null;
}

function QueueRow({ item, current }: { item: QueueItemView; current: boolean }) {
  return (
    <li
      id={`queue-item-${item.id}`}
      role="option"
      aria-selected={current}
      className={`ops-queue-item${current ? " is-current" : ""}`}
      data-testid={`queue-item-${item.id}`}
      data-label={item.label?.label ?? ""}
    >
      <div className="ops-queue-head">
        <span className="mono strong">#{item.id}</span>
        {item.safety ? <span className="ops-tag ops-tag-danger">safety report</span> : null}
        {item.flagged ? <span className="ops-tag">flagged</span> : null}
        <span className="mono small">
          {item.version} · {item.variant}
        </span>
        <span className="small muted">
          {item.kind} · {formatTime(item.at)}
        </span>
        {item.redactions > 0 ? <span className="small muted">{item.redactions} redacted</span> : null}
        <span className="ops-queue-label" data-testid="queue-item-label">
          {item.label ? (
            <>
              <span className={`ops-label ops-label-${item.label.label}`}>{item.label.label}</span>{" "}
              <span className="small muted">
                by {item.label.reviewer}
                {item.label.note ? `: ${item.label.note}` : ""}
              </span>
            </>
          ) : (
            <span className="small muted">not labelled</span>
          )}
        </span>
      </div>
      {item.input ? <p className="small ops-queue-text">Asked: {item.input}</p> : null}
      {item.output ? <p className="small ops-queue-text">Answered: {item.output}</p> : null}
      {item.comment ? <p className="small ops-queue-text">Said: {item.comment}</p> : null}
      {item.correction ? <p className="small ops-queue-text">Correction: {item.correction}</p> : null}
    </li>
  );
}

export function ReviewQueue({ initial }: { initial: QueueItemView[] }) {
  const [items, setItems] = useState(initial);
  const [index, setIndex] = useState(() => Math.max(0, initial.findIndex((i) => i.label === null)));
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const list = useRef<HTMLOListElement>(null);
  const noteField = useRef<HTMLInputElement>(null);

  if (items.length === 0)
    return (
      <p className="empty small" data-testid="queue-empty">
        Nothing to review: no feedback item was flagged or reported as a safety problem.
      </p>
    );

  const current = items[Math.min(index, items.length - 1)];
  const move = (to: number) => {
    const next = Math.max(0, Math.min(items.length - 1, to));
    setIndex(next);
    document.getElementById(`queue-item-${items[next]?.id ?? ""}`)?.scrollIntoView?.({ block: "nearest" });
  };

  const label = async (l: Label) => {
    if (!current || busy) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const after = await api.queueLabel({ item: current.id, label: l, note: note.trim() });
      const next = items.map((i) => (i.id === after.id ? after : i));
      setItems(next);
      setNote("");
      setDone(`#${after.id} labelled ${after.label?.label ?? l}`);
      // On to the next item without a label after this one, else stay.
      const at = next.findIndex((i) => i.id === after.id);
      const later = next.findIndex((i, k) => k > at && i.label === null);
      move(later >= 0 ? later : at);
    } catch (e) {
      setError(toApiError(e).message);
    } finally {
      setBusy(false);
      list.current?.focus();
    }
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "j" || e.key === "ArrowDown") {
      e.preventDefault();
      move(index + 1);
    } else if (e.key === "k" || e.key === "ArrowUp") {
      e.preventDefault();
      move(index - 1);
    } else if (e.key === "Home") {
      e.preventDefault();
      move(0);
    } else if (e.key === "End") {
      e.preventDefault();
      move(items.length - 1);
    } else if (e.key === "n") {
      e.preventDefault();
      noteField.current?.focus();
    } else {
      const l = labelFor(e.key);
      if (l) {
        e.preventDefault();
        void label(l);
      }
    }
  };

  const open = items.filter((i) => i.label === null).length;
  return (
    <div className="ops-queue">
      <p className="small muted" data-testid="queue-help">
        {open} of {items.length} waiting for a label. Keys: j/k or ↑/↓ move ·{" "}
        {LABEL_KEYS.map((l) => `${l.keys.join(" or ")} ${l.text.toLowerCase()}`).join(" · ")} · n note.
      </p>
      <div className="row">
        <label className="field field-inline">
          <span className="field-label">Note for the next label</span>
          <input
            ref={noteField}
            type="text"
            value={note}
            onChange={(e) => setNote(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" || e.key === "Escape") {
                e.preventDefault();
                list.current?.focus();
              }
            }}
            data-testid="queue-note"
          />
        </label>
        {LABEL_KEYS.map((l) => (
          <button key={l.label} type="button" className="btn btn-small" disabled={busy} onClick={() => void label(l.label)} data-testid={`queue-label-${l.label}`}>
            {l.text} <kbd>{l.keys[0]}</kbd>
          </button>
        ))}
      </div>
      {error ? (
        <p className="ops-error small" role="alert" data-testid="queue-error">
          {error}
        </p>
      ) : null}
      <p className="small muted" role="status" data-testid="queue-status">
        {busy ? "Labelling…" : (done ?? "")}
      </p>
      <ol
        ref={list}
        className="ops-queue-list"
        role="listbox"
        tabIndex={0}
        aria-label="Review queue"
        aria-activedescendant={current ? `queue-item-${current.id}` : undefined}
        onKeyDown={onKey}
        data-testid="queue-list"
        data-current={current?.id ?? ""}
      >
        {items.map((i) => (
          <QueueRow key={i.id} item={i} current={i.id === current?.id} />
        ))}
      </ol>
    </div>
  );
}
