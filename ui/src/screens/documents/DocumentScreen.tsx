// One document: the Markdown editor, the core's live preview and completeness, the risk
// register (risk assessments), history with diff and restore, and drafts that survive a crash.
import { useCallback, useEffect, useRef, useState } from "react";
import type { ApiError, DocumentDraft, DocumentKind, DocumentRef, DocumentView, RevisionView, RiskEdit, RiskField, RiskValue } from "../../api/bindings";
import { api, toApiError } from "../../api/client";
import { formatTime } from "../../components/format";
import { orNull } from "../../components/text";
import { useErrors } from "../../errors";
import { href } from "../../router";
import { ExportButtons } from "./DocumentList";
import { Editor, type EditorHandle } from "./Editor";
import { Findings } from "./Findings";
import { History } from "./History";
import { KIND_LABEL, splitTarget } from "./kinds";
import { Preview } from "./Preview";
import { RiskTable } from "./RiskTable";
import { useDraftAutosave, useEditorShortcuts, useGaps, useLivePreview } from "./editorHooks";
import "./documents.css";

export { DRAFT_DELAY_MS, PREVIEW_DELAY_MS } from "./editorHooks";

type Loaded =
  | { state: "loading" }
  | { state: "missing"; error: ApiError }
  | { state: "failed" }
  | { state: "ready"; view: DocumentView; draft: DocumentDraft | null };

function Crumbs({ target, kind }: { target: string; kind: DocumentKind }) {
  const parts = splitTarget(target);
  return (
    <nav className="crumbs" aria-label="Breadcrumb">
      <a href={href.home()}>Models</a> /{" "}
      {kind === "data-sheet" ? (
        <a href={href.dataset(target)}>{target}</a>
      ) : parts ? (
        <>
          <a href={href.model(parts.name)}>{parts.name}</a> / <a href={href.version(parts.name, parts.version)}>{parts.version}</a>
        </>
      ) : (
        <span>{target}</span>
      )}{" "}
      / <span aria-current="page">{KIND_LABEL[kind]}</span>
    </nav>
  );
}

export function DocumentScreen({ target, kind }: { target: string; kind: DocumentKind }) {
  const { report } = useErrors();
  const doc: DocumentRef = { target, kind };
  const [loaded, setLoaded] = useState<Loaded>({ state: "loading" });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let live = true;
    const ref = { target, kind };
    Promise.all([
      api.docShow(ref, null).then(
        (view) => ({ view, error: null }),
        (e: unknown) => ({ view: null, error: toApiError(e) }),
      ),
      api.docDraftLoad(ref).catch((e: unknown) => {
        report(e);
        return null;
      }),
    ]).then(([shown, draft]) => {
      if (!live) return;
      if (shown.view) setLoaded({ state: "ready", view: shown.view, draft });
      else if (shown.error?.code === "not_found") setLoaded({ state: "missing", error: shown.error });
      else {
        report(shown.error);
        setLoaded({ state: "failed" });
      }
    });
    return () => {
      live = false;
    };
  }, [target, kind, generation, report]);

  const create = async () => {
    try {
      const view = await api.docNew({ target, kind });
      setLoaded({ state: "ready", view, draft: null });
    } catch (e) {
      report(e);
    }
  };

  const title = KIND_LABEL[kind];
  if (loaded.state !== "ready") {
    return (
      <section className="screen" aria-labelledby="doc-title">
        <Crumbs target={target} kind={kind} />
        <h1 id="doc-title">
          {title} <span className="mono doc-target">{target}</span>
        </h1>
        {loaded.state === "missing" ? (
          <div className="empty" data-testid="doc-empty">
            <h2>No {title.toLowerCase()} yet</h2>
            <p className="muted">
              Start from Steward's template: it lists every section and field a complete {title.toLowerCase()} has, with
              guidance to replace.
            </p>
            <p className="muted small">{loaded.error.message}</p>
            <button type="button" className="btn btn-primary" onClick={create} data-testid="doc-create">
              Create from template
            </button>
          </div>
        ) : loaded.state === "failed" ? (
          <p className="muted">
            This document could not be opened.{" "}
            <button type="button" className="btn btn-small" onClick={() => setGeneration((g) => g + 1)}>
              Try again
            </button>
          </p>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>
    );
  }
  return (
    <DocumentEditor
      key={`${loaded.view.target}/${loaded.view.kind}`}
      doc={doc}
      initial={loaded.view}
      draft={loaded.draft}
      title={title}
    />
  );
}

function DocumentEditor({ doc, initial, draft, title }: { doc: DocumentRef; initial: DocumentView; draft: DocumentDraft | null; title: string }) {
  const { report } = useErrors();
  const editor = useRef<EditorHandle>(null);
  const [view, setView] = useState<DocumentView>(initial);
  const [text, setText] = useState(initial.text);
  const textRef = useRef(initial.text);
  // The revision this edit started from: a save is refused by the core if the head moved since.
  const [base, setBase] = useState<number | null>(initial.revision.number);
  const { preview, setPreview, stale } = useLivePreview(
    doc,
    text,
    { for: initial.text, result: { rendered: initial.rendered, completeness: initial.completeness, risks: initial.risks } },
    report,
  );
  const [offer, setOffer] = useState<DocumentDraft | null>(draft && draft.text !== initial.text ? draft : null);
  const [showPreview, setShowPreview] = useState(true);
  const [revisions, setRevisions] = useState<RevisionView[]>([]);
  const [message, setMessage] = useState("");
  const [saving, setSaving] = useState(false);
  const [status, setStatus] = useState<string | null>(null);

  const dirty = text !== view.text;
  const docKey = `${doc.target}/${doc.kind}`;
  const { keptAt, keep, inFlight: draftInFlight } = useDraftAutosave(doc, { text, dirty, base, offer }, report);

  const loadHistory = useCallback(() => {
    api.docHistory({ target: doc.target, kind: doc.kind }).then(setRevisions, report);
  }, [doc.target, doc.kind, report]);
  useEffect(loadHistory, [loadHistory]);

  // A draft equal to the head is nothing to offer; drop it quietly.
  useEffect(() => {
    if (draft && draft.text === initial.text) api.docDraftDiscard({ target: doc.target, kind: doc.kind }).catch(report);
    // Only on open.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const onChange = useCallback((next: string) => {
    textRef.current = next;
    setText(next);
  }, []);

  const adopt = (next: DocumentView) => {
    setView(next);
    setBase(next.revision.number);
    setPreview({ for: next.text, result: { rendered: next.rendered, completeness: next.completeness, risks: next.risks } });
    keep(null, null);
    editor.current?.setText(next.text);
    textRef.current = next.text;
    setText(next.text);
  };

  const save = async () => {
    if (saving) return;
    setSaving(true);
    try {
      // A draft write still on its way must not land after the save has discarded the draft.
      await draftInFlight.current;
      const r = await api.docSave({
        target: doc.target,
        kind: doc.kind,
        text: textRef.current,
        base_revision: base,
        merge_parent: null,
        message: orNull(message),
      });
      const typedSince = textRef.current;
      setView(r.document);
      setBase(r.document.revision.number);
      keep(null, null);
      setOffer(null);
      if (typedSince === r.document.text)
        setPreview({ for: r.document.text, result: { rendered: r.document.rendered, completeness: r.document.completeness, risks: r.document.risks } });
      setMessage("");
      setStatus(r.created ? `Saved as r${r.document.revision.number}.` : `No changes: r${r.document.revision.number} is already the head.`);
      loadHistory();
    } catch (e) {
      report(e);
    } finally {
      setSaving(false);
    }
  };

  const discardEdits = () => {
    editor.current?.setText(view.text);
    setStatus("Edits discarded.");
  };

  const restore = async (revision: number) => {
    try {
      adopt(await api.docRestore({ target: doc.target, kind: doc.kind }, revision));
      setStatus(`Restored r${revision} as a new revision.`);
      loadHistory();
    } catch (e) {
      report(e);
    }
  };

  const takeDraft = () => {
    if (!offer) return;
    editor.current?.setText(offer.text);
    setBase(offer.base_revision);
    keep(offer.text, offer.saved_at);
    setOffer(null);
    setStatus("Draft restored: save to make it a revision.");
  };

  const dropDraft = async () => {
    try {
      await api.docDraftDiscard({ target: doc.target, kind: doc.kind });
      setOffer(null);
      setStatus("Draft discarded.");
    } catch (e) {
      report(e);
    }
  };

  const findings = preview.result.completeness.findings;
  const { gap, jump, next: nextGap } = useGaps(findings, editor);
  const jumpToLine = (line: number) => editor.current?.goToLine(line);

  // The core writes each risk-table edit into the text (keeping comments); its answer replaces
  // the editor's text only if nobody typed in the meantime, else the edit is reported, not lost
  // silently over the newer text.
  const editRiskText = (edit: RiskEdit) => {
    const sent = textRef.current;
    api
      .docRiskSet({ text: sent, edit })
      .then((next) => {
        if (textRef.current !== sent) throw new Error("the text changed while the risk table edit was written; make the edit again");
        editor.current?.setText(next);
      })
      .catch(report);
  };
  const editRisk = (index: number, field: RiskField, value: RiskValue) => editRiskText({ op: "set", index, field, value });
  const addRiskRow = () => editRiskText({ op: "add" });
  const removeRiskRow = (index: number) => editRiskText({ op: "remove", index });

  useEditorShortcuts({ save, toggle: () => setShowPreview((v) => !v), nextGap });

  const parts = splitTarget(doc.target);
  const headNote = base !== view.head ? ` · started from r${base ?? "—"}` : "";
  return (
    <section className="screen screen-doc" aria-labelledby="doc-title" data-testid="doc-screen" data-doc={docKey}>
      <Crumbs target={doc.target} kind={doc.kind} />
      <header className="screen-header doc-header">
        <div>
          <h1 id="doc-title">
            {title} <span className="mono doc-target">{doc.target}</span>
          </h1>
          <p className="muted small" data-testid="doc-revision">
            r{view.revision.number} of {view.head} · saved by {view.revision.author} {formatTime(view.revision.created_at)}
            {headNote}
            {dirty ? (
              <span className="doc-dirty" data-testid="doc-dirty">
                {" "}
                · unsaved edits{keptAt ? ` (draft kept ${formatTime(keptAt)})` : ""}
              </span>
            ) : null}
          </p>
        </div>
        <form
          className="actions"
          aria-label="Save"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <label className="field">
            <span className="sr-only">Why, for the history (optional)</span>
            <input value={message} onChange={(e) => setMessage(e.target.value)} placeholder="Why? (for the history, optional)" data-testid="doc-message" />
          </label>
          <button type="button" className="btn" onClick={discardEdits} disabled={!dirty || saving} data-testid="doc-discard">
            Discard edits
          </button>
          <button type="submit" className="btn btn-primary" disabled={saving} aria-keyshortcuts="Control+S Meta+S" data-testid="doc-save">
            {saving ? "Saving…" : "Save"} <kbd className="kbd-inline">Ctrl+S</kbd>
          </button>
          <button
            type="button"
            className="btn"
            aria-pressed={showPreview}
            aria-keyshortcuts="Control+P Alt+P"
            onClick={() => setShowPreview((s) => !s)}
            data-testid="preview-toggle"
          >
            Preview
          </button>
        </form>
      </header>
      <p className="sr-only" role="status" data-testid="doc-status">
        {status ?? ""}
      </p>
      {status ? (
        <p className="doc-status-visible small" aria-hidden="true">
          {status}
        </p>
      ) : null}

      {offer ? (
        <div className="draft-offer" role="region" aria-label="Unsaved draft" data-testid="draft-offer">
          <div>
            <strong>An unsaved draft of this {title.toLowerCase()} was kept</strong> {formatTime(offer.saved_at)}
            {offer.base_revision !== null ? `, started from r${offer.base_revision}` : ""}.
            {offer.base_revision !== null && offer.base_revision !== view.head ? (
              <div className="small">
                The document has moved on to r{view.head} since: saving the draft will be refused as a conflict until you
                merge it with the newer text.
              </div>
            ) : null}
          </div>
          <div className="row">
            <button type="button" className="btn btn-primary" onClick={takeDraft} data-testid="draft-restore">
              Restore draft
            </button>
            <button type="button" className="btn" onClick={dropDraft} data-testid="draft-discard">
              Discard draft
            </button>
          </div>
        </div>
      ) : null}

      <div className={`doc-workspace${showPreview ? "" : " no-preview"}`}>
        <div className="doc-pane doc-pane-editor">
          <Editor ref={editor} initial={initial.text} onChange={onChange} label={`${title} for ${doc.target}, Markdown`} />
        </div>
        {showPreview ? (
          <div className="doc-pane doc-pane-preview">
            <Preview rendered={preview.result.rendered} stale={stale} />
          </div>
        ) : null}
        <Findings completeness={preview.result.completeness} current={gap} onJump={jump} stale={stale} />
      </div>

      {doc.kind === "risk-assessment" ? (
        <>
          <h2>Risk register</h2>
          <p className="muted small">
            Edits here are written into the front matter; scores and bands come from Steward's check of the text.
          </p>
          <RiskTable risks={preview.result.risks} onEdit={editRisk} onAdd={addRiskRow} onRemove={removeRiskRow} onJump={jumpToLine} />
        </>
      ) : null}

      <h2>History</h2>
      <History
        key={view.head}
        doc={{ target: doc.target, kind: doc.kind }}
        revisions={revisions}
        head={view.head}
        dirty={dirty}
        onRestore={restore}
      />

      {doc.kind !== "data-sheet" && parts ? (
        <>
          <h2>Export</h2>
          <p className="muted small">The exports use the saved head revisions, not unsaved edits.</p>
          <ExportButtons target={doc.target} />
        </>
      ) : null}
    </section>
  );
}
