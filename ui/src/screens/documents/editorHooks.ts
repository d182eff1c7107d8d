// The document editor's behaviours, one hook each, so DocumentEditor only wires them to the
// screen: the core's live preview, the draft kept on every pause, the walk through the gaps the
// core found, and the editor's keyboard shortcuts. None decides anything about a document: the
// preview, findings and drafts are the core's.
import { useEffect, useRef, useState, type RefObject } from "react";
import type { DocumentDraft, DocumentPreview, DocumentRef, Finding } from "../../api/bindings";
import { api } from "../../api/client";
import type { EditorHandle } from "./Editor";

/** Live preview after a pause in typing. */
export const PREVIEW_DELAY_MS = 250;
/** Drafts are kept after a slightly longer pause: they are files, written atomically. */
export const DRAFT_DELAY_MS = 800;

export type PreviewOf = { for: string; result: DocumentPreview };

/**
 * The core's preview of `text`, asked for after a pause; a late answer for older text never
 * replaces a newer one. `set` replaces it when the caller already has the core's answer (a save).
 */
export function useLivePreview(doc: DocumentRef, text: string, initial: PreviewOf, report: (e: unknown) => void) {
  const [preview, setPreview] = useState<PreviewOf>(initial);
  const seq = useRef(0);
  useEffect(() => {
    if (preview.for === text) return;
    const mine = ++seq.current;
    const timer = window.setTimeout(() => {
      api.docPreview({ target: doc.target, kind: doc.kind, text }).then(
        (result) => {
          if (mine === seq.current) setPreview({ for: text, result });
        },
        (e: unknown) => report(e),
      );
    }, PREVIEW_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [text, preview.for, doc.target, doc.kind, report]);
  return { preview, setPreview, stale: preview.for !== text };
}

/**
 * Keeps the unsaved edit as a draft after each pause (not while an older draft is still on
 * offer), discards it when the text is back to the saved one, and writes what was typed if the
 * screen goes away before the pause ends. `inFlight` is the last draft write, which a save waits
 * for so it cannot land after the save discarded the draft.
 */
export function useDraftAutosave(
  doc: DocumentRef,
  state: { text: string; dirty: boolean; base: number | null; offer: DocumentDraft | null },
  report: (e: unknown) => void,
) {
  const { text, dirty, base, offer } = state;
  const [keptAt, setKeptAt] = useState<string | null>(null);
  const kept = useRef<string | null>(null);
  const inFlight = useRef<Promise<unknown>>(Promise.resolve());
  useEffect(() => {
    if (offer) return;
    if (!dirty) {
      if (kept.current !== null) {
        kept.current = null;
        inFlight.current = api.docDraftDiscard({ target: doc.target, kind: doc.kind }).then(() => setKeptAt(null), report);
      }
      return;
    }
    if (kept.current === text) return;
    const timer = window.setTimeout(() => {
      kept.current = text;
      inFlight.current = api
        .docDraftSave({ target: doc.target, kind: doc.kind, text, base_revision: base, saved_at: "" })
        .then((d) => setKeptAt(d.saved_at), report);
    }, DRAFT_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [text, dirty, base, offer, doc.target, doc.kind, report]);

  const flush = useRef<() => void>(() => {});
  useEffect(() => {
    flush.current = () => {
      if (!offer && dirty && kept.current !== text) {
        api.docDraftSave({ target: doc.target, kind: doc.kind, text, base_revision: base, saved_at: "" }).catch(report);
      }
    };
  });
  useEffect(() => () => flush.current(), []);

  /** The draft on disk is `text` (taken from an offer), or none (`null`: saved or restored). */
  const keep = (text: string | null, at: string | null) => {
    kept.current = text;
    setKeptAt(at);
  };
  return { keptAt, keep, inFlight };
}

/** The walk through the core's findings: jump to one, or to the next/previous with a line. */
export function useGaps(findings: Finding[], editor: RefObject<EditorHandle | null>) {
  const [gap, setGap] = useState<number | null>(null);
  const jump = (index: number) => {
    const line = findings[index]?.line;
    if (line === null || line === undefined) return;
    setGap(index);
    editor.current?.goToLine(line);
  };
  const next = (step: 1 | -1) => {
    const n = findings.length;
    if (n === 0) return;
    let i = gap === null ? (step === 1 ? -1 : n) : gap;
    for (let k = 0; k < n; k++) {
      i = (i + step + n) % n;
      if (findings[i]?.line !== null) {
        jump(i);
        return;
      }
    }
  };
  return { gap, jump, next };
}

/**
 * Ctrl/Cmd+S saves, Ctrl/Cmd+P or Alt+P toggles the preview, F8 or Alt+N goes to the next gap
 * (Shift+F8 the previous). They work inside the editor too, and not while a dialog is open.
 */
export function useEditorShortcuts(handlers: { save: () => Promise<void>; toggle: () => void; nextGap: (step: 1 | -1) => void }) {
  const keys = useRef(handlers);
  useEffect(() => {
    keys.current = handlers;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector('[role="dialog"]')) return;
      const mod = (e.ctrlKey || e.metaKey) && !e.altKey;
      const alt = e.altKey && !e.ctrlKey && !e.metaKey;
      if (mod && e.key.toLowerCase() === "s") {
        e.preventDefault();
        void keys.current.save();
      } else if ((mod && e.key.toLowerCase() === "p") || (alt && e.code === "KeyP")) {
        e.preventDefault();
        keys.current.toggle();
      } else if ((e.key === "F8" && !e.ctrlKey && !e.metaKey && !e.altKey) || (alt && e.code === "KeyN")) {
        e.preventDefault();
        keys.current.nextGap(e.shiftKey && e.key === "F8" ? -1 : 1);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}
