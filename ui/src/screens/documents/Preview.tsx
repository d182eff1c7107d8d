// The live preview. Both HTML strings come from the core's renderer (pulldown-cmark, then the
// ammonia sanitizer): the only place this app inserts HTML, and only the core's output.
import type { RenderedView } from "../../api/bindings";

export function Preview({ rendered, stale }: { rendered: RenderedView | null; stale: boolean }) {
  return (
    <section className="doc-preview" aria-label="Preview" data-testid="doc-preview" aria-busy={stale}>
      {rendered === null ? (
        <p className="muted">Rendering…</p>
      ) : (
        <>
          {rendered.front_matter_error ? (
            <p className="flag flag-missing" data-testid="front-matter-error">
              Front matter line {rendered.front_matter_error.line}, column {rendered.front_matter_error.column}:{" "}
              {rendered.front_matter_error.message}
            </p>
          ) : null}
          {rendered.front_matter_html ? (
            <div
              className="front-matter-panel"
              data-testid="front-matter-panel"
              dangerouslySetInnerHTML={{ __html: rendered.front_matter_html }}
            />
          ) : null}
          <div className="rendered" data-testid="rendered-body" dangerouslySetInnerHTML={{ __html: rendered.body_html }} />
        </>
      )}
    </section>
  );
}
