import type { ProvenanceView } from "../../api/bindings";
import { api } from "../../api/client";
import { formatBytes, formatTime } from "../../components/format";
import { DatasetDocuments } from "../documents/DocumentList";
import { DatasetReviews } from "./DatasetReviews";
import "../version/gate.css";
import { href } from "../../router";
import { useLoad } from "../../useLoad";

const PROVENANCE: { key: keyof ProvenanceView; label: string; aliases: string[] }[] = [
  { key: "source", label: "Source", aliases: ["source"] },
  { key: "license", label: "License", aliases: ["license", "licence"] },
  { key: "consent", label: "Consent basis", aliases: ["consent", "consent_basis", "consent basis"] },
  { key: "retention", label: "Retention", aliases: ["retention"] },
  { key: "personal_data", label: "Personal data", aliases: ["personal_data", "personal-data", "personal data"] },
];

function show(value: string | boolean | null): string | null {
  if (value === null) return null;
  if (typeof value === "boolean") return value ? "Yes" : "No";
  return value;
}

/** `model@version` → a link to the version screen. */
function versionLink(linked: string) {
  const at = linked.lastIndexOf("@");
  if (at <= 0) return <span className="mono">{linked}</span>;
  return (
    <a className="mono" href={href.version(linked.slice(0, at), linked.slice(at + 1))}>
      {linked}
    </a>
  );
}

export function DatasetScreen({ reference }: { reference: string }) {
  const detail = useLoad(`dataset:${reference}`, () => api.datasetShow(reference));
  const d = detail.data;
  const crumbs = (
    <nav className="crumbs" aria-label="Breadcrumb">
      <a href={href.home()}>Models</a> / <span>Datasets</span> / <span aria-current="page">{reference}</span>
    </nav>
  );
  if (!d) {
    return (
      <section className="screen">
        {crumbs}
        <p className="muted">{detail.failed ? "This dataset could not be loaded." : "Loading…"}</p>
      </section>
    );
  }
  const s = d.summary;
  // Which fields are missing is the core's call (DatasetSummary.missing_provenance).
  const missing = s.missing_provenance.map((m) => m.toLowerCase());
  return (
    <section className="screen" aria-labelledby="dataset-title">
      {crumbs}
      <header className="screen-header">
        <div>
          <h1 id="dataset-title" className="mono">
            {s.name}@{s.version}
          </h1>
          <p className="muted">
            Snapshotted {formatTime(s.created_at)} · {s.files} files · {formatBytes(s.bytes)}
          </p>
        </div>
      </header>

      <dl className="kv">
        <dt>Manifest checksum</dt>
        <dd className="mono break" data-testid="manifest-checksum">
          {s.manifest_checksum}
        </dd>
      </dl>

      <h2>Provenance</h2>
      {s.missing_provenance.length > 0 ? (
        <p className="flag flag-missing" role="note" data-testid="provenance-missing">
          Missing provenance: {s.missing_provenance.join(", ")}
        </p>
      ) : (
        <p className="flag flag-ok" data-testid="provenance-complete">
          Provenance complete
        </p>
      )}
      <dl className="kv" data-testid="provenance">
        {PROVENANCE.map((f) => {
          const value = show(d.provenance[f.key]);
          const isMissing = f.aliases.some((a) => missing.includes(a));
          return (
            <div key={f.key} className={`kv-row${isMissing ? " is-missing" : ""}`} data-testid={`provenance-${f.key}`}>
              <dt>{f.label}</dt>
              <dd>
                {value ?? <span className="muted">not stated</span>}
                {isMissing ? (
                  <span className="flag flag-missing" data-testid={`provenance-missing-${f.key}`}>
                    Missing
                  </span>
                ) : null}
              </dd>
            </div>
          );
        })}
      </dl>

      <h2>Security and privacy reviews</h2>
      <DatasetReviews reference={reference} />

      <h2>Data sheet</h2>
      <DatasetDocuments reference={reference} />

      <h2>Linked versions</h2>
      {d.linked_versions.length === 0 ? (
        <p className="muted">No model version uses this snapshot yet.</p>
      ) : (
        <ul className="plain-list" data-testid="linked-versions">
          {d.linked_versions.map((l) => (
            <li key={l}>{versionLink(l)}</li>
          ))}
        </ul>
      )}

      <h2>Files</h2>
      <div className="table-wrap">
        <table className="table" data-testid="manifest-files">
          <thead>
            <tr>
              <th scope="col">Path</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col">sha256</th>
            </tr>
          </thead>
          <tbody>
            {d.files.map((f) => (
              <tr key={f.path}>
                <td className="mono">{f.path}</td>
                <td className="num" title={`${f.size} bytes`}>
                  {formatBytes(f.size)}
                </td>
                <td className="mono small break">{f.sha256}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
