// A version's compliance coverage against one pack (NIST AI RMF, ISO/IEC 42001 Annex A, the EU
// AI Act, or a team's own): each requirement satisfied, partial or missing with the evidence the
// core found and, for a gap, its next step. The core decides every status and names every step;
// this screen only shows them, with links to the screens where the evidence lives or the step
// is taken. The Annex IV file is written by the core to the path picked in the save dialog.
import { useState } from "react";
import "./coverage.css";
import type { CoverageStatus, CoverageView, DossierExport, DossierFormat, Fix, Pin, RequirementCoverageView } from "../../api/bindings";
import { api, toApiError } from "../../api/client";
import { shortDigest } from "../../components/format";
import { href, navigate } from "../../router";
import { useLoad } from "../../useLoad";
import { KIND_LABEL } from "../documents/kinds";

const STATUS_LABEL: Record<CoverageStatus, string> = { satisfied: "Satisfied", partial: "Partial", missing: "Missing" };

function Mark({ status }: { status: CoverageStatus }) {
  return (
    <span className={`coverage-mark coverage-mark-${status}`} data-testid="coverage-status" data-status={status}>
      {STATUS_LABEL[status]}
    </span>
  );
}

/** Where a piece of evidence is shown in the studio. */
function pinHref(pin: Pin, model: string, version: string): string {
  switch (pin.is) {
    case "document":
      return href.document(pin.of ?? `${model}@${version}`, pin.kind);
    case "run":
      return href.evaluations(model, version);
    case "approval":
      return href.approvals(model, version);
    case "gate-check":
      return href.version(model, version);
    case "release-record":
      return href.model(model);
  }
}

/** Where the step that closes a gap is taken, and what the link says. */
function fixLink(fix: Fix, model: string, version: string): { to: string; label: string } {
  switch (fix.step) {
    case "write-document":
      return {
        to: href.document(`${model}@${version}`, fix.kind),
        label: fix.section ? `Write “${fix.section}” in the ${KIND_LABEL[fix.kind]}` : `Open the ${KIND_LABEL[fix.kind]}`,
      };
    case "write-data-sheets":
      return { to: href.version(model, version), label: "Open the version's datasets" };
    case "import-evaluation":
      return { to: href.evaluations(model, version), label: `Import a ${fix.kind} run` };
    case "approve":
      return { to: href.approvals(model, version), label: `Ask ${fix.role} to sign` };
    case "meet-gate-check":
      return { to: href.version(model, version), label: "Open the gate" };
    case "edit-policy":
      return { to: href.policy(), label: "Open the policy" };
    case "promote":
      return { to: href.version(model, version), label: "Open the version's stage" };
    case "repair-release-records":
      return { to: href.model(model), label: "Open the release records" };
  }
}

function Requirement({ r, model, version }: { r: RequirementCoverageView; model: string; version: string }) {
  const id = `req-${r.id.replace(/[^A-Za-z0-9._-]/g, "_")}`;
  return (
    <li className="coverage-req" data-testid={id} data-status={r.status} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>
        <Mark status={r.status} />
        <span className="mono">{r.id}</span> {r.title}
      </h3>
      <p className="small muted">
        {r.group ? `${r.group} · ` : ""}
        <span data-testid="coverage-meaning">{r.meaning}</span>
      </p>
      <ul className="coverage-selectors">
        {r.selectors.map((s, i) => {
          const fix = s.fix ? fixLink(s.fix, model, version) : null;
          return (
            <li key={i} className="coverage-selector" data-testid="coverage-selector" data-status={s.status}>
              <Mark status={s.status} /> <span>{s.selector}</span>
              {s.found.length > 0 ? (
                <ul className="coverage-found" aria-label="Evidence found">
                  {s.found.map((f, j) => (
                    <li key={j} data-testid="coverage-found">
                      <a href={pinHref(f.pin, model, version)} data-testid={`found-${f.pin.is}`}>
                        {f.what}
                      </a>
                      {f.what.includes(f.reference) ? null : (
                        <>
                          {" "}
                          <span className="mono small muted" title={f.reference}>
                            {f.reference.startsWith("sha256:") ? shortDigest(f.reference) : f.reference}
                          </span>
                        </>
                      )}
                    </li>
                  ))}
                </ul>
              ) : null}
              {s.next_step ? (
                <p className="coverage-next small" data-testid="coverage-next">
                  Next: {s.next_step}
                  {fix ? (
                    <>
                      {" "}
                      <a href={fix.to} data-testid={`fix-${s.fix?.step ?? ""}`}>
                        {fix.label}
                      </a>
                    </>
                  ) : null}
                </p>
              ) : null}
            </li>
          );
        })}
      </ul>
    </li>
  );
}

/** "Export Annex IV file…": the save dialog, then the core writes the file; busy while it does. */
export function AnnexIvExport({ model, version }: { model: string; version: string }) {
  const [format, setFormat] = useState<DossierFormat>("html");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [written, setWritten] = useState<DossierExport | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    setWritten(null);
    try {
      const path = await api.exportPick("Export the Annex IV technical documentation", `${model}-${version}-annex-iv.${format}`, format);
      if (!path) return;
      setWritten(await api.dossierAnnexIv(model, version, format, path));
    } catch (e) {
      setError(toApiError(e).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="coverage-annex" data-testid="annex-iv" aria-busy={busy}>
      <div className="row" role="group" aria-label="Annex IV technical documentation">
        <label className="field">
          <span>Format</span>
          <select value={format} onChange={(e) => setFormat(e.target.value as DossierFormat)} disabled={busy} data-testid="annex-format">
            <option value="html">HTML (self-contained)</option>
            <option value="pdf">PDF (embedded fonts)</option>
          </select>
        </label>
        <button type="button" className="btn" onClick={run} disabled={busy} data-testid="annex-export">
          {busy ? "Exporting…" : "Export Annex IV file…"}
        </button>
      </div>
      <p className="small muted">
        The EU AI Act's nine Annex IV items filled from this version's evidence, every gap shown as one, with the signed release records,
        approvals and public keys an auditor verifies them with.
      </p>
      {busy ? (
        <p className="small" role="status" data-testid="annex-busy">
          Writing the Annex IV file…
        </p>
      ) : null}
      {error ? (
        <p className="flag flag-missing" role="alert" data-testid="annex-error">
          The Annex IV file was not written: {error}
        </p>
      ) : null}
      {written ? (
        <p className="small" role="status" data-testid="annex-written">
          Wrote <span className="mono break">{written.file}</span> ({written.bytes.toLocaleString()} bytes): items {written.counts.satisfied}{" "}
          satisfied, {written.counts.partial} partial, {written.counts.missing} missing; {written.records} release records attached (
          {written.records_verify ? "all verify" : "SOME FAIL verification"}), {written.approvals} approvals, {written.keys} public keys.
        </p>
      ) : null}
    </div>
  );
}

function Summary({ c }: { c: CoverageView }) {
  return (
    <p data-testid="coverage-summary">
      <strong>{c.pack.title}</strong> <span className="muted">({c.pack.version})</span>: {c.counts.satisfied} satisfied, {c.counts.partial}{" "}
      partial, {c.counts.missing} missing of {c.requirements.length} requirements
    </p>
  );
}

/** The coverage screen of `model@version`, against `pack` (or the first pack the core lists). */
export function CoverageScreen({ model, version, pack }: { model: string; version: string; pack: string | null }) {
  const packs = useLoad("packs", () => api.packList());
  const chosen = pack ?? packs.data?.[0]?.name ?? null;
  const coverage = useLoad(`coverage:${model}@${version}:${chosen ?? ""}`, () =>
    chosen === null ? Promise.resolve(null) : api.coverage(model, version, chosen),
  );
  const c = coverage.data;
  const [gapsOnly, setGapsOnly] = useState(false);
  const shown = c === null ? [] : gapsOnly ? c.requirements.filter((r) => r.status !== "satisfied") : c.requirements;
  return (
    <section className="screen" aria-labelledby="coverage-title">
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href={href.home()}>Models</a> / <a href={href.model(model)}>{model}</a> /{" "}
        <a href={href.version(model, version)}>{version}</a> / <span aria-current="page">Coverage</span>
      </nav>
      <header className="screen-header">
        <div>
          <h1 id="coverage-title">
            Compliance coverage <span className="mono h1-sub">{version}</span>
          </h1>
          <p className="muted">
            What the evidence of <a href={href.version(model, version)}>{`${model}@${version}`}</a> covers of a framework, as the core reads it.
          </p>
        </div>
      </header>
      <div className="coverage-bar">
        <label className="field">
          <span>Pack</span>
          <select
            value={chosen ?? ""}
            onChange={(e) => navigate(href.coverage(model, version, e.target.value))}
            disabled={packs.data === null}
            data-testid="coverage-pack"
          >
            {(packs.data ?? []).map((p) => (
              <option key={p.name} value={p.name}>
                {p.title} ({p.version}){p.origin === "workspace" ? " · added to this workspace" : ""}
              </option>
            ))}
          </select>
        </label>
        <label className="field field-inline">
          <input type="checkbox" checked={gapsOnly} onChange={(e) => setGapsOnly(e.target.checked)} data-testid="coverage-gaps-only" />
          Show only requirements not satisfied
        </label>
      </div>
      <h2>Annex IV technical documentation</h2>
      <AnnexIvExport model={model} version={version} />
      {c === null || coverage.loading ? (
        <p className="muted" role="status">
          {coverage.failed || packs.failed ? "The coverage could not be read." : "Reading the coverage…"}
        </p>
      ) : (
        <>
          <h2>Requirements</h2>
          <Summary c={c} />
          {c.notes.length > 0 ? (
            <ul className="small muted" data-testid="coverage-notes">
              {c.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          ) : null}
          <ol className="coverage-list" data-testid="coverage-requirements">
            {shown.map((r) => (
              <Requirement key={r.id} r={r} model={model} version={version} />
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
