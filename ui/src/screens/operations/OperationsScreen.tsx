// A model's operations after release (issue 12): the guardrail charts the core draws, the
// traffic dial with its history and hook outcomes, guardrail events with what was done and
// why, incidents with their timelines and the notification text to paste, feedback per
// version and prompt variant, the review queue (keyboard-first) and the weekly triage.
// Every status, bound, breach and count is the core's; this screen only shows them.
import { useState } from "react";
import "../evaluations/evaluations.css";
import "./operations.css";
import type { DialEntryView, GuardrailEventView, IncidentView, OperationsView, TrafficView, TriageItem, VariantSummary } from "../../api/bindings";
import { api } from "../../api/client";
import { formatTime, shortDigest } from "../../components/format";
import { href } from "../../router";
import { useLoad } from "../../useLoad";
import { formatValue } from "../evaluations/format";
import { GuardrailCharts } from "./GuardrailCharts";
import { ReviewQueue } from "./ReviewQueue";

const STATUS_TEXT: Record<string, string> = {
  ok: "No breach in the newest windows",
  breach: "The newest windows breached a guardrail",
  "no-windows": "No online windows imported yet",
};

function Digest({ value }: { value: string | null }) {
  return value ? (
    <span className="mono small" title={value}>
      {shortDigest(value)}
    </span>
  ) : (
    <span className="muted small">—</span>
  );
}

function Dial({ traffic, dial }: { traffic: TrafficView; dial: DialEntryView[] }) {
  const c = traffic.current;
  return (
    <>
      <div className="cards" data-testid="dial-current">
        <div className="card">
          <div className="card-label">Serving</div>
          <div className="card-value mono" data-testid="dial-serving">
            {c?.serving ?? <span className="muted">none</span>}
          </div>
        </div>
        <div className="card">
          <div className="card-label">Canary</div>
          <div className="card-value mono" data-testid="dial-canary">
            {c?.canary ? `${c.canary} · ${formatValue(c.canary_percent)}%` : <span className="muted">none</span>}
          </div>
          {c && c.tenants.length > 0 ? <div className="small">tenants: {c.tenants.join(", ")}</div> : null}
        </div>
        <div className="card">
          <div className="card-label">Shadow · kill switch</div>
          <div className="card-value" data-testid="dial-switches">
            {c ? `${c.shadow ? "shadow on" : "shadow off"} · ${c.killed ? "KILLED" : "not killed"}` : "—"}
          </div>
        </div>
        <div className="card">
          <div className="card-label">Serving epoch</div>
          <div className="card-value" data-testid="dial-epoch">
            {c?.epoch ?? "—"}
          </div>
        </div>
      </div>
      <p className="small">
        Flag file <span className="mono break" data-testid="dial-path">{traffic.path}</span> ·{" "}
        <span className={`ops-file ops-file-${traffic.file}`} data-testid="dial-file">
          {traffic.file}
        </span>
      </p>
      {dial.length === 0 ? (
        <p className="empty small">The dial has not changed yet: it follows the first promotion to canary.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="dial-history">
            <thead>
              <tr>
                <th>Epoch</th>
                <th>When</th>
                <th>Who</th>
                <th>Dial</th>
                <th>Why</th>
                <th>Release record</th>
                <th>Flag file</th>
                <th>Hook</th>
              </tr>
            </thead>
            <tbody>
              {dial.map(({ change: h, hook_runs }) => (
                <tr key={h.epoch} data-testid={`dial-change-${h.epoch}`}>
                  <td>{h.epoch}</td>
                  <td className="small nowrap">{formatTime(h.at)}</td>
                  <td className="small">{h.actor}</td>
                  <td className="small ops-wide">
                    serving <span className="mono">{h.serving ?? "none"}</span>
                    {h.canary ? (
                      <>
                        , canary <span className="mono">{h.canary}</span> {formatValue(h.canary_percent)}%
                      </>
                    ) : null}
                    {h.tenants.length > 0 ? `, tenants ${h.tenants.join(", ")}` : ""}
                    {h.shadow ? ", shadow" : ""}
                    {h.killed ? ", KILLED" : ""}
                  </td>
                  <td className="small ops-wide" data-testid="dial-reason">
                    {h.reason}
                  </td>
                  <td>
                    <Digest value={h.release} />
                  </td>
                  <td className="small">{h.written ? "written" : `not written: ${h.file_note}`}</td>
                  <td className="small" data-testid="dial-hook">
                    {hook_runs.length === 0
                      ? "—"
                      : hook_runs.map((r, i) => (
                          <div key={i}>
                            {r.outcome}
                            {r.exit_code !== null ? ` (exit ${r.exit_code})` : ""} · {r.elapsed_ms} ms
                          </div>
                        ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function Events({ events }: { events: GuardrailEventView[] }) {
  if (events.length === 0) return <p className="empty small">No guardrail has breached.</p>;
  return (
    <ul className="plain-list ops-events" data-testid="guardrail-events">
      {[...events].reverse().map((e, i) => (
        <li key={i} className="ops-event" data-testid="guardrail-event" data-outcome={e.outcome} data-rule={e.rule}>
          <div>
            <span className={`ops-outcome ops-outcome-${e.outcome}`}>{e.outcome}</span> <span className="mono">{e.rule}</span>{" "}
            <span className="small muted">window {formatTime(e.window)}</span>
          </div>
          <div className="small">
            {e.stage} {e.metric} = {formatValue(e.observed)}
            {e.production !== null ? ` (production ${formatValue(e.production)})` : ""}, {e.bound}; {e.consecutive} window(s) in a row, {e.bad_windows} bad in
            the import → {e.action}
          </div>
          <div className="small" data-testid="guardrail-event-detail">
            {e.detail}
          </div>
          <div className="small muted">
            {e.incident ? `incident ${e.incident} · ` : ""}
            {e.traffic_epoch !== null ? `serving epoch ${e.traffic_epoch} · ` : ""}
            {e.release ? (
              <>
                release record <Digest value={e.release} /> ·{" "}
              </>
            ) : null}
            recorded {formatTime(e.at)}
          </div>
        </li>
      ))}
    </ul>
  );
}

function Notification({ incident }: { incident: IncidentView }) {
  const [copied, setCopied] = useState<string | null>(null);
  const id = `notify-${incident.reference}`;
  const copy = async () => {
    const field = document.getElementById(id) as HTMLTextAreaElement | null;
    field?.select();
    try {
      await navigator.clipboard.writeText(incident.notification);
      setCopied("Copied to the clipboard.");
    } catch {
      setCopied("Selected: press Ctrl+C to copy.");
    }
  };
  return (
    <div className="ops-notify">
      <label className="field">
        <span className="field-label">Notification for the stakeholders</span>
        <textarea id={id} readOnly rows={Math.min(12, incident.notification.split("\n").length + 1)} value={incident.notification} data-testid="incident-notification" />
      </label>
      <div className="row">
        <button type="button" className="btn btn-small" onClick={() => void copy()} data-testid="incident-copy">
          Copy
        </button>
        <span className="small muted" role="status">
          {copied}
        </span>
      </div>
    </div>
  );
}

function Incidents({ incidents }: { incidents: IncidentView[] }) {
  if (incidents.length === 0) return <p className="empty small">No incidents.</p>;
  return (
    <ul className="plain-list">
      {incidents.map((inc) => (
        <li key={inc.reference} className="ops-incident" data-testid={`incident-${inc.reference}`} data-state={inc.state}>
          <h3>
            <span className="mono">{inc.reference}</span> {inc.title}{" "}
            <span className={`ops-tag${inc.state === "open" ? " ops-tag-danger" : ""}`}>{inc.state}</span> <span className="ops-tag">{inc.severity}</span>
          </h3>
          <p className="small muted">
            versions {inc.versions.join(", ") || "—"} · {inc.source} · opened by {inc.opened_by} {formatTime(inc.opened_at)}
            {inc.rollback ? (
              <>
                {" "}
                · rollback record <Digest value={inc.rollback} />
              </>
            ) : null}
          </p>
          <ol className="ops-timeline" data-testid="incident-timeline">
            {inc.timeline.map((t, i) => (
              <li key={i} data-kind={t.kind}>
                <span className="small muted nowrap">{formatTime(t.at)}</span> <span className="ops-tag">{t.kind}</span> <span className="small">{t.actor}</span>:{" "}
                {t.text}
                {t.release ? (
                  <>
                    {" "}
                    <Digest value={t.release} />
                  </>
                ) : null}
              </li>
            ))}
          </ol>
          {inc.analysis ? (
            <p className="small" data-testid="incident-analysis">
              <span className="strong">Analysis:</span> {inc.analysis}
            </p>
          ) : null}
          {inc.actions.length > 0 ? (
            <ul className="small" data-testid="incident-actions">
              {inc.actions.map((a, i) => (
                <li key={i}>
                  {a.text}
                  {a.requires_suite ? (
                    <>
                      {" "}
                      — later promotions need a run of suite <span className="mono">{a.requires_suite}</span>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : null}
          <Notification incident={inc} />
        </li>
      ))}
    </ul>
  );
}

function Feedback({ variants }: { variants: VariantSummary[] }) {
  if (variants.length === 0)
    return <p className="empty small">No feedback imported yet: <code>steward feedback import MODEL@VERSION FILE --variant NAME</code>.</p>;
  const ratio = (v: number | null) => (v === null ? "—" : `${formatValue(v * 100)}%`);
  return (
    <div className="table-wrap">
      <table className="table" data-testid="feedback-summary">
        <thead>
          <tr>
            <th>Version</th>
            <th>Variant</th>
            <th>Items</th>
            <th>Thumbs up</th>
            <th>Thumbs down</th>
            <th>Corrections</th>
            <th>Overrides</th>
            <th>Safety</th>
            <th>Thumbs-up ratio</th>
            <th>Override rate</th>
            <th>For review (unlabelled)</th>
            <th>Labels c/w/u/o</th>
            <th>Redacted</th>
          </tr>
        </thead>
        <tbody>
          {variants.map((v) => (
            <tr key={`${v.version}/${v.variant}`} data-testid={`feedback-${v.version}-${v.variant}`}>
              <td className="mono">{v.version}</td>
              <td>{v.variant}</td>
              <td data-testid="feedback-items">{v.items}</td>
              <td>{v.thumbs_up}</td>
              <td>{v.thumbs_down}</td>
              <td>{v.corrections}</td>
              <td>{v.overrides}</td>
              <td>{v.safety}</td>
              <td>{ratio(v.thumbs_up_ratio)}</td>
              <td>{ratio(v.override_rate)}</td>
              <td>
                {v.for_review} ({v.unlabelled})
              </td>
              <td>
                {v.labels.correct}/{v.labels.wrong}/{v.labels.unsafe}/{v.labels.other}
              </td>
              <td>{v.redacted_items}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Samples({ title, items, testId }: { title: string; items: TriageItem[]; testId: string }) {
  return (
    <div data-testid={testId}>
      <h3>
        {title} ({items.length})
      </h3>
      {items.length === 0 ? (
        <p className="muted small">none</p>
      ) : (
        <ul className="plain-list small">
          {items.map((i) => (
            <li key={i.id}>
              <span className="mono">#{i.id}</span> {i.version} · {i.variant} · {i.kind} · {formatTime(i.at)}
              {i.label ? ` · labelled ${i.label}` : ""}: {i.text}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Triage({ view }: { view: OperationsView["triage"] }) {
  const t = view.triage;
  return (
    <>
      <p data-testid="triage-counts">
        {t.items} feedback items from {formatTime(t.from)} to {formatTime(t.to)}: {t.complaints} complaints, {t.safety_incidents} safety incidents,{" "}
        {t.overrides} overrides.
      </p>
      <div className="grid-2">
        <Samples title="Safety incidents" items={t.safety} testId="triage-safety" />
        <Samples title="Complaints, newest first" items={t.complaint_samples} testId="triage-complaints" />
        <Samples title="Override samples, newest first" items={t.override_samples} testId="triage-overrides" />
      </div>
    </>
  );
}

export function OperationsScreen({ model }: { model: string }) {
  const view = useLoad(`operations:${model}`, () => api.operationsView(model));
  const v = view.data;
  const crumbs = (
    <nav className="crumbs" aria-label="Breadcrumb">
      <a href={href.home()}>Models</a> / <a href={href.model(model)}>{model}</a> / <span aria-current="page">Operations</span>
    </nav>
  );
  if (!v)
    return (
      <section className="screen">
        {crumbs}
        <h1>Operations</h1>
        <p className="muted" data-testid="operations-state">
          {view.failed ? "The operations of this model could not be loaded." : "Loading…"}
        </p>
      </section>
    );
  const m = v.monitor;
  return (
    <section className="screen" aria-labelledby="ops-title" data-testid="operations-screen">
      {crumbs}
      <header className="screen-header">
        <div>
          <h1 id="ops-title">Operations of {v.model}</h1>
          <p className="muted">
            canary <span className="mono">{m.canary ?? "none"}</span> · production <span className="mono">{m.production ?? "none"}</span>
          </p>
        </div>
        <div className="actions">
          <button type="button" className="btn" onClick={view.reload} data-testid="operations-reload">
            Reload
          </button>
        </div>
      </header>
      <p className={`ops-status ops-status-${m.status}`} data-testid="monitor-status" data-status={m.status}>
        {STATUS_TEXT[m.status] ?? m.status}
        {m.latest ? ` · newest import ${m.latest.file}, windows ${formatTime(m.latest.first)} – ${formatTime(m.latest.last)}` : ""}
      </p>

      <h2>Guardrails: canary against production</h2>
      <GuardrailCharts model={v.model} series={v.series} />

      <h2>Traffic dial</h2>
      <Dial traffic={v.traffic} dial={v.dial} />

      <h2>Guardrail events</h2>
      <Events events={m.events} />

      <h2>Incidents</h2>
      <Incidents incidents={v.incidents} />

      <h2>Feedback per version and prompt variant</h2>
      <Feedback variants={v.feedback.variants} />

      <h2 id="review-queue">Review queue</h2>
      <ReviewQueue key={view.loading ? "loading" : "loaded"} initial={v.queue} />

      <h2>Weekly triage</h2>
      <Triage view={v.triage} />
    </section>
  );
}
