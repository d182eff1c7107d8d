// The release documents of a version (and of a dataset snapshot: its data sheet) with the
// core's completeness for each; missing ones are created from their template in place.
import { useState } from "react";
import type { DocumentStatus, ExportFormat } from "../../api/bindings";
import { api } from "../../api/client";
import { formatTime } from "../../components/format";
import { useErrors } from "../../errors";
import { href, navigate } from "../../router";
import { useLoad } from "../../useLoad";
import { KIND_LABEL, plural } from "./kinds";

function Status({ d }: { d: DocumentStatus }) {
  if (!d.exists)
    return (
      <span className="doc-state doc-missing" data-state="missing">
        Not written
      </span>
    );
  if (d.complete)
    return (
      <span className="doc-state doc-complete" data-state="complete">
        ✓ Complete
      </span>
    );
  return (
    <span className="doc-state doc-gaps" data-state="gaps">
      ⚠ {plural(d.findings.length, "gap", "gaps")}
    </span>
  );
}

/** The list itself: one row per document. */
export function DocumentList({ documents, onCreated, testId = "doc-list" }: { documents: DocumentStatus[]; onCreated: () => void; testId?: string }) {
  const { report } = useErrors();
  const [busy, setBusy] = useState<string | null>(null);
  const create = async (d: DocumentStatus) => {
    setBusy(`${d.target}/${d.kind}`);
    try {
      await api.docNew({ target: d.target, kind: d.kind });
      onCreated();
      navigate(href.document(d.target, d.kind));
    } catch (e) {
      report(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <ul className="doc-list" data-testid={testId}>
      {documents.map((d) => {
        const id = `${d.kind}${d.kind === "data-sheet" ? `-${d.target}` : ""}`;
        const first = d.findings[0];
        return (
          <li key={`${d.target}/${d.kind}`} className="doc-row" data-testid={`doc-row-${id}`} data-complete={d.complete}>
            <div className="doc-row-main">
              {d.exists ? (
                <a href={href.document(d.target, d.kind)} className="doc-title" data-testid={`doc-open-${id}`}>
                  {KIND_LABEL[d.kind]}
                </a>
              ) : (
                <span className="doc-title">{KIND_LABEL[d.kind]}</span>
              )}
              {d.kind === "data-sheet" ? <span className="mono small muted"> {d.target}</span> : null}
              <div className="small muted">
                {d.exists && d.revision !== null
                  ? `r${d.revision} · ${d.author ?? ""} · ${d.updated_at ? formatTime(d.updated_at) : ""}`
                  : null}
                {d.exists && first ? (
                  <div className="doc-first-gap" title={d.findings.map((f) => f.message).join("\n")}>
                    {first.message}
                    {d.findings.length > 1 ? ` (+${d.findings.length - 1} more)` : ""}
                  </div>
                ) : null}
              </div>
            </div>
            <Status d={d} />
            {d.exists ? null : (
              <button
                type="button"
                className="btn btn-small"
                onClick={() => create(d)}
                disabled={busy !== null}
                data-testid={`doc-create-${id}`}
              >
                Create from template
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}

const EXPORTS: { format: ExportFormat; label: string; title: string }[] = [
  { format: "hf", label: "Hugging Face README.md", title: "Export the model card as a Hugging Face README.md" },
  { format: "mct", label: "Model Card Toolkit JSON", title: "Export the model card as Model Card Toolkit JSON" },
  { format: "html", label: "HTML dossier", title: "Export every document of this version as one HTML file" },
];

/** Export buttons for a version: the core builds the file, the user picks where it goes. */
export function ExportButtons({ target }: { target: string }) {
  const { report } = useErrors();
  const [busy, setBusy] = useState(false);
  const [written, setWritten] = useState<string | null>(null);
  const run = async (format: ExportFormat, label: string) => {
    setBusy(true);
    setWritten(null);
    try {
      // First ask without a path: a card that cannot be exported fails before the dialog opens,
      // and the dialog suggests the core's file name.
      const ready = await api.docExport(target, format, null);
      const extension = ready.file_name.includes(".") ? (ready.file_name.split(".").pop() ?? "") : "";
      // The shell shows the save dialog and writes only to the path picked there.
      const path = await api.exportPick(`Export ${label}`, ready.file_name, extension);
      if (!path) return;
      await api.docExport(target, format, path);
      setWritten(path);
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="exports">
      <div className="row" role="group" aria-label="Export">
        {EXPORTS.map((x) => (
          <button
            key={x.format}
            type="button"
            className="btn btn-small"
            disabled={busy}
            title={x.title}
            onClick={() => run(x.format, x.label)}
            data-testid={`export-${x.format}`}
          >
            {x.label}
          </button>
        ))}
      </div>
      {written ? (
        <p className="small" role="status" data-testid="export-written">
          Wrote <span className="mono break">{written}</span>
        </p>
      ) : null}
    </div>
  );
}

/** The documents block of the version screen. */
export function VersionDocuments({ model, version }: { model: string; version: string }) {
  const target = `${model}@${version}`;
  const listing = useLoad(`docs:${target}`, () => api.docCheck(target));
  const l = listing.data;
  return (
    <div data-testid="version-documents">
      {l === null ? (
        <p className="muted">{listing.failed ? "The documents could not be checked." : "Checking documents…"}</p>
      ) : (
        <>
          <p className={`flag ${l.complete ? "flag-ok" : "flag-missing"}`} data-testid="docs-summary">
            {l.complete
              ? "Every required document is written and complete."
              : `${l.documents.filter((d) => d.complete).length} of ${l.documents.length} required documents complete`}
          </p>
          <DocumentList documents={l.documents} onCreated={listing.reload} />
          <h3 className="small-heading">Compliance documents</h3>
          <p className="small muted">Compliance packs ask for these; a release does not require them.</p>
          <DocumentList documents={l.compliance} onCreated={listing.reload} testId="compliance-documents" />
          <h3 className="small-heading">Export</h3>
          <ExportButtons target={target} />
        </>
      )}
    </div>
  );
}

/** The data sheet block of the dataset screen. */
export function DatasetDocuments({ reference }: { reference: string }) {
  const listing = useLoad(`docs:${reference}`, () => api.docListDataset(reference));
  if (listing.data === null)
    return <p className="muted">{listing.failed ? "The data sheet could not be checked." : "Checking the data sheet…"}</p>;
  return (
    <div data-testid="dataset-documents">
      <DocumentList documents={listing.data} onCreated={listing.reload} />
    </div>
  );
}
