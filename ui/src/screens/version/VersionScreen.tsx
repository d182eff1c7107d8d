import { useEffect, useState, type FormEvent } from "react";
import type { ArtifactsView, Stage, StageSetResult } from "../../api/bindings";
import { api } from "../../api/client";
import { formatBytes, formatTime } from "../../components/format";
import { StageChip } from "../../components/StageChip";
import { Timeline } from "../../components/Timeline";
import { useErrors } from "../../errors";
import { href } from "../../router";
import { useLoad } from "../../useLoad";
import { ApprovalsPanel } from "../approvals/ApprovalsPanel";
import { VersionDocuments } from "../documents/DocumentList";
import { Checklist, GatePanel } from "./GatePanel";
import { Moves, StageResult } from "./Moves";

function ArtifactRow({ label, value, link, missingKey, artifacts }: {
  label: string;
  value: string | null;
  link?: string | null;
  missingKey?: string;
  artifacts: ArtifactsView;
}) {
  const missing = missingKey !== undefined && artifacts.missing.includes(missingKey);
  return (
    <>
      <dt>{label}</dt>
      <dd>
        {value ? <span className="mono break">{value}</span> : <span className="muted">not recorded</span>}
        {link ? <div className="mono small muted break">{link}</div> : null}
        {missing ? (
          <span className="flag flag-missing" data-testid={`artifact-missing-${missingKey}`}>
            Missing — required for production
          </span>
        ) : null}
      </dd>
    </>
  );
}

function LinkDatasetForm({ onLink }: { onLink: (reference: string) => Promise<boolean> }) {
  const [reference, setReference] = useState("");
  const [busy, setBusy] = useState(false);
  const datasets = useLoad("datasets", () => api.datasetList());
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const ok = await onLink(reference.trim());
    setBusy(false);
    if (ok) setReference("");
  };
  return (
    <form className="row" onSubmit={submit} aria-label="Link a dataset snapshot">
      <label className="field field-grow">
        <span className="sr-only">Dataset NAME@VERSION</span>
        <input
          value={reference}
          onChange={(e) => setReference(e.target.value)}
          placeholder="NAME@VERSION"
          list="dataset-refs"
          required
          data-testid="link-dataset-input"
        />
      </label>
      <datalist id="dataset-refs">
        {(datasets.data ?? []).map((d) => (
          <option key={`${d.name}@${d.version}`} value={`${d.name}@${d.version}`} />
        ))}
      </datalist>
      <button type="submit" className="btn" disabled={busy} data-testid="link-dataset-submit">
        Link dataset
      </button>
    </form>
  );
}

export function VersionScreen({ model, version, section }: { model: string; version: string; section?: "approvals" }) {
  const { report } = useErrors();
  const detail = useLoad(`version:${model}@${version}`, () => api.versionGet(model, version));
  const [result, setResult] = useState<StageSetResult | null>(null);
  const v = detail.data;
  const loaded = v !== null;
  // Opened on its approvals (from the review inbox): bring them into view and focus their heading.
  useEffect(() => {
    if (section !== "approvals" || !loaded) return;
    const heading = document.getElementById("approvals-title");
    heading?.scrollIntoView?.({ block: "start" });
    heading?.focus();
  }, [section, loaded]);

  const crumbs = (
    <nav className="crumbs" aria-label="Breadcrumb">
      <a href={href.home()}>Models</a> / <a href={href.model(model)}>{model}</a> /{" "}
      <span aria-current="page">{version}</span>
    </nav>
  );
  if (!v) {
    return (
      <section className="screen">
        {crumbs}
        <p className="muted">{detail.failed ? "This version could not be loaded." : "Loading…"}</p>
      </section>
    );
  }

  // Errors go back to Moves, which evaluates the gate again when the core refused a promotion.
  const move = async (to: Stage, reason: string | null, gateDigest: string | null) => {
    const r = await api.stageSet({ model, version, stage: to, reason, ...(gateDigest ? { gate_digest: gateDigest } : {}) });
    setResult(r);
    detail.set(r.version);
    detail.reload();
  };

  const link = async (reference: string): Promise<boolean> => {
    try {
      detail.set(await api.versionLinkDataset(model, version, reference));
      return true;
    } catch (e) {
      report(e);
      return false;
    }
  };

  const a = v.artifacts;
  return (
    <section className="screen" aria-labelledby="version-title">
      {crumbs}
      <header className="screen-header">
        <div>
          <h1 id="version-title">
            <span className="mono">{v.version}</span> <StageChip stage={v.stage} />
          </h1>
          <p className="muted">
            Version of <a href={href.model(v.model)}>{v.model}</a> · added {formatTime(v.created_at)}
          </p>
        </div>
        <div className="actions">
          <a className="btn" href={href.evaluations(model, version)} data-testid="version-evaluations">
            Evaluations
          </a>
          <a className="btn" href={href.coverage(model, version)} data-testid="version-coverage">
            Compliance coverage
          </a>
        </div>
      </header>

      {result ? <StageResult result={result} onDismiss={() => setResult(null)} /> : null}

      <div className="columns">
        <div>
          <h2>Stage</h2>
          <Moves
            key={`${v.version}:${v.stage}`}
            version={v.version}
            stage={v.stage}
            moves={v.moves}
            evaluateGate={(to) => api.gateEvaluate({ model, version, to })}
            onMove={move}
            onError={report}
          />

          <h2>Artifacts</h2>
          {a.missing.length > 0 ? (
            <p className="flag flag-missing" data-testid="artifacts-missing">
              Missing for production: {a.missing.join(", ")}
            </p>
          ) : null}
          <dl className="kv" data-testid="artifacts">
            <ArtifactRow label="Bundle" value={a.bundle_digest} link={a.bundle_uri} missingKey="bundle" artifacts={a} />
            <ArtifactRow label="Code commit" value={a.code_commit} missingKey="commit" artifacts={a} />
            <ArtifactRow label="Config" value={a.config_digest} link={a.config_uri} missingKey="config" artifacts={a} />
          </dl>
        </div>
        <div>
          <h2>Datasets</h2>
          {v.datasets.length === 0 ? <p className="muted">No dataset snapshot linked.</p> : null}
          <ul className="plain-list" data-testid="linked-datasets">
            {v.datasets.map((d) => {
              const ref = `${d.name}@${d.version}`;
              return (
                <li key={ref} className="linked">
                  <a href={href.dataset(ref)} className="mono" data-testid={`dataset-link-${ref}`}>
                    {ref}
                  </a>
                  <span className="muted small">
                    {" "}
                    · {d.files} files · {formatBytes(d.bytes)}
                  </span>
                  {d.missing_provenance.length > 0 ? (
                    <span className="flag flag-missing small">Provenance missing: {d.missing_provenance.join(", ")}</span>
                  ) : null}
                </li>
              );
            })}
          </ul>
          <LinkDatasetForm onLink={link} />

          <h2>Release documents</h2>
          <VersionDocuments key={v.datasets.map((d) => `${d.name}@${d.version}`).join(",")} model={model} version={version} />

          <h2>History</h2>
          <Timeline events={v.history} showVersion={false} />
        </div>
      </div>

      <div className="columns">
        <section aria-labelledby="gate-title">
          <h2 id="gate-title">Gate</h2>
          <GatePanel key={`${v.version}:${v.stage}`} model={model} version={version} moves={v.moves} />
        </section>
        <section aria-labelledby="checklist-title">
          <h2 id="checklist-title">Production eligibility</h2>
          <Checklist key={`${v.version}:${v.stage}`} model={model} version={version} />
        </section>
      </div>

      <h2 id="approvals-title" tabIndex={-1}>
        Approvals
      </h2>
      <ApprovalsPanel key={`${v.version}:${v.stage}`} model={model} version={version} stage={v.stage} moves={v.moves} />
    </section>
  );
}
