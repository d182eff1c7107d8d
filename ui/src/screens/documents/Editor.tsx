// The Markdown editor: CodeMirror 6, which builds its DOM and styles without eval, so it runs
// under the app's `script-src 'self'`. React owns nothing inside it: the parent passes the first
// text, hears every change, and replaces the text (risk edits, restores, drafts) through the
// handle, which also jumps to a line for the completeness panel.
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { markdown } from "@codemirror/lang-markdown";
import { yamlFrontmatter } from "@codemirror/lang-yaml";
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { tags as t } from "@lezer/highlight";
import { EditorSelection, EditorState } from "@codemirror/state";
import { EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from "@codemirror/view";
import { useEffect, useImperativeHandle, useRef, type Ref } from "react";

export type EditorHandle = {
  /** Replaces the whole text (one undoable change). */
  setText: (text: string) => void;
  /** Puts the cursor at the start of a 1-based line, scrolls it into the middle and focuses. */
  goToLine: (line: number) => void;
  focus: () => void;
};

// Colours from the app's variables, so the editor follows light and dark like the rest.
const highlight = HighlightStyle.define([
  { tag: t.heading1, fontWeight: "700", fontSize: "1.12em", color: "var(--text)" },
  { tag: [t.heading2, t.heading3, t.heading4, t.heading5, t.heading6], fontWeight: "700", color: "var(--text)" },
  { tag: t.quote, color: "var(--warn)", fontStyle: "italic" },
  { tag: t.emphasis, fontStyle: "italic" },
  { tag: t.strong, fontWeight: "700" },
  { tag: t.strikethrough, textDecoration: "line-through" },
  { tag: [t.link, t.url], color: "var(--accent)" },
  { tag: [t.monospace], color: "var(--st-rollback)" },
  { tag: [t.processingInstruction, t.meta, t.contentSeparator, t.list], color: "var(--muted)" },
  { tag: [t.propertyName, t.definition(t.propertyName)], color: "var(--accent)", fontWeight: "600" },
  { tag: [t.string, t.special(t.string)], color: "var(--ok)" },
  { tag: [t.number, t.bool, t.null], color: "var(--st-canary)" },
  { tag: [t.comment, t.lineComment], color: "var(--muted)", fontStyle: "italic" },
  { tag: [t.separator, t.punctuation, t.squareBracket, t.brace], color: "var(--muted)" },
]);

const theme = EditorView.theme({
  "&": { height: "100%", fontSize: "0.9rem", backgroundColor: "var(--surface)", color: "var(--text)" },
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.55" },
  ".cm-content": { caretColor: "var(--text)", padding: "0.5rem 0" },
  ".cm-gutters": { backgroundColor: "var(--surface-2)", color: "var(--muted)", borderRight: "1px solid var(--border)" },
  ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--accent) 7%, transparent)" },
  ".cm-activeLineGutter": { backgroundColor: "color-mix(in srgb, var(--accent) 14%, transparent)" },
  "&.cm-focused": { outline: "none" },
  ".cm-cursor": { borderLeftColor: "var(--text)" },
  ".cm-selectionBackground, &.cm-focused .cm-selectionBackground, ::selection": {
    backgroundColor: "color-mix(in srgb, var(--accent) 28%, transparent) !important",
  },
});

export function Editor({
  initial,
  onChange,
  label,
  ref,
}: {
  initial: string;
  onChange: (text: string) => void;
  label: string;
  ref?: Ref<EditorHandle>;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const listener = useRef(onChange);
  useEffect(() => {
    listener.current = onChange;
  }, [onChange]);

  useEffect(() => {
    if (!host.current) return;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: initial,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          history(),
          highlightActiveLine(),
          EditorView.lineWrapping,
          // The YAML front matter is highlighted as YAML, the rest as Markdown.
          yamlFrontmatter({ content: markdown() }),
          syntaxHighlighting(highlight),
          // Tab indents inside the editor; Escape then Tab leaves it (CodeMirror's own rule), so
          // keyboard users are never trapped.
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          EditorView.contentAttributes.of({ "aria-label": label, "data-testid": "doc-editor-input" }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) listener.current(u.state.doc.toString());
          }),
          theme,
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // The editor is created once per mount; later text arrives through the handle.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useImperativeHandle(
    ref,
    () => ({
      setText: (text: string) => {
        const v = view.current;
        if (!v || v.state.doc.toString() === text) return;
        v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } });
      },
      goToLine: (line: number) => {
        const v = view.current;
        if (!v) return;
        const n = Math.min(Math.max(1, line), v.state.doc.lines);
        const at = v.state.doc.line(n).from;
        v.dispatch({
          selection: EditorSelection.cursor(at),
          effects: EditorView.scrollIntoView(at, { y: "center" }),
        });
        v.focus();
      },
      focus: () => view.current?.focus(),
    }),
    [],
  );

  return <div ref={host} className="doc-editor" data-testid="doc-editor" />;
}
