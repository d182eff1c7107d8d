// The completeness side panel: the core's findings for the text being edited, each a button
// that puts the editor's cursor on its line.
import type { Completeness } from "../../api/bindings";
import { plural } from "./kinds";

export function Findings({
  completeness,
  current,
  onJump,
  stale,
}: {
  completeness: Completeness | null;
  /** Index of the finding last jumped to (F8 / Alt+N walks them). */
  current: number | null;
  onJump: (index: number) => void;
  /** True while the preview of the latest keystrokes is on its way. */
  stale: boolean;
}) {
  if (!completeness) {
    return (
      <aside className="doc-findings" aria-label="Completeness" data-testid="doc-findings">
        <h2 className="pane-title">Completeness</h2>
        <p className="muted small">Checking…</p>
      </aside>
    );
  }
  const { findings } = completeness;
  return (
    <aside className="doc-findings" aria-label="Completeness" data-testid="doc-findings" aria-busy={stale}>
      <h2 className="pane-title">
        Completeness{" "}
        {completeness.complete ? (
          <span className="flag flag-ok" data-testid="doc-complete">
            Complete
          </span>
        ) : (
          <span className="flag flag-missing" data-testid="doc-gap-count">
            {plural(findings.length, "gap", "gaps")}
          </span>
        )}
      </h2>
      {findings.length === 0 ? (
        <p className="muted small">Every required section and field is filled in.</p>
      ) : (
        <>
          <p className="muted small">
            Select a gap to jump to its line; <kbd>F8</kbd> or <kbd>Alt+N</kbd> goes to the next one.
          </p>
          <ol className="finding-list" aria-live="polite">
            {findings.map((f, i) => (
              <li key={`${f.code}-${f.line ?? "x"}-${i}`}>
                <button
                  type="button"
                  className={`finding${current === i ? " is-current" : ""}`}
                  onClick={() => onJump(i)}
                  disabled={f.line === null}
                  aria-current={current === i ? "true" : undefined}
                  data-testid="finding"
                  data-code={f.code}
                  data-line={f.line ?? ""}
                >
                  <span className="finding-line">{f.line === null ? "—" : `L${f.line}`}</span>
                  <span className="finding-message">{f.message}</span>
                </button>
              </li>
            ))}
          </ol>
        </>
      )}
    </aside>
  );
}
