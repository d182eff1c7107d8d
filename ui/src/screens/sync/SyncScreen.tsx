// The Sync screen (#/sync): the registry, the last sync's outcome, Sync now with progress and
// Cancel (which stops between operations; what was sent stays sent), the report of the sync
// just run (optionally checking every held artifact against the registry's bytes, as
// `steward sync --verify`), and every change waiting for the registry with its last error. Everything shown is
// what the core answered; the conflicts and ungoverned changes have screens of their own.
import { useState } from "react";
import type { SyncReport } from "../../api/bindings";
import { CancelOperation } from "../../components/OperationActions";
import { formatTime } from "../../components/format";
import { href } from "../../router";
import { useSync } from "./SyncContext";
import { SyncProgressBar } from "./SyncProgressBar";
import "./sync.css";

function ReportSummary({ r }: { r: SyncReport }) {
  const unresolved = r.ungoverned.filter((u) => !u.restored).length;
  return (
    <div className="result" role="status" data-testid="sync-report">
      <div>
        <p className="strong">
          Synced {r.models} models with {r.url} ({r.direction}): {r.ops} operations, {r.versions_created} versions created,{" "}
          {r.requests} requests, {r.sent} waiting changes sent, {r.pulled_approvals} approvals pulled.
        </p>
        {r.ungoverned.length > 0 ? (
          <p data-testid="sync-report-ungoverned">
            <a href={href.syncUngoverned()}>
              {r.ungoverned.length} ungoverned registry {r.ungoverned.length === 1 ? "change" : "changes"}
              {unresolved < r.ungoverned.length ? ` (${r.ungoverned.length - unresolved} restored)` : ""}
            </a>
          </p>
        ) : null}
        {r.conflicts.length > 0 ? (
          <p data-testid="sync-report-conflicts">
            <a href={href.syncConflicts()}>
              {r.conflicts.length} new {r.conflicts.length === 1 ? "conflict or tampered item" : "conflicts or tampered items"}
            </a>
          </p>
        ) : null}
        {[
          ["Refused", r.refused],
          ["Remote ahead", r.remote_ahead],
          ["Duplicate", r.duplicates],
        ].map(([label, items]) =>
          (items as string[]).length > 0 ? (
            <ul key={label as string} className="plain-list small">
              {(items as string[]).map((x) => (
                <li key={x}>
                  <span className="strong">{label as string}:</span> {x}
                </li>
              ))}
            </ul>
          ) : null,
        )}
      </div>
    </div>
  );
}

export function SyncScreen() {
  const { status, op, start, lastReport } = useSync();
  // Off by default: the check downloads every envelope and revision the workspace holds.
  const [verify, setVerify] = useState(false);
  const conflicts = status?.conflicts ?? [];
  const tampered = conflicts.filter((c) => c.kind === "tampered").length;
  return (
    <section className="screen" aria-labelledby="sync-title" data-testid="sync-screen">
      <header className="screen-header">
        <div>
          <h1 id="sync-title">Registry sync</h1>
          <p className="muted lede">
            Changes that must reach the central registry wait here until a sync sends them; a sync also brings other people's
            approvals back, verified before they count.
          </p>
        </div>
      </header>
      {!status ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <dl className="kv" data-testid="sync-summary">
            <dt>Registry</dt>
            <dd className="mono break" data-testid="sync-url">
              {status.url ?? (
                <>
                  none — <a href={href.settings()}>set one in Settings</a>
                </>
              )}
            </dd>
            <dt>Last sync</dt>
            <dd data-testid="sync-last">
              {status.last_sync ? (
                <>
                  {formatTime(status.last_sync.at)} · {status.last_sync.direction} · {status.last_sync.ops} operations ·{" "}
                  {status.last_sync.requests} requests
                  {status.last_sync.error ? (
                    <p className="sync-error" data-testid="sync-last-error">
                      Failed: {status.last_sync.error}
                    </p>
                  ) : (
                    <span className="flag flag-ok">succeeded</span>
                  )}
                </>
              ) : (
                "never"
              )}
            </dd>
            <dt>Found</dt>
            <dd>
              <a href={href.syncConflicts()} data-testid="sync-conflicts-link">
                {conflicts.length - tampered} conflicts, {tampered} tampered items
              </a>{" "}
              · <a href={href.syncUngoverned()} data-testid="sync-ungoverned-link">ungoverned registry changes</a>
            </dd>
          </dl>
          <div className="row">
            <button
              type="button"
              className="btn btn-primary"
              disabled={op.running || !status.url}
              onClick={() => void start(verify ? { push: false, pull: false, restore: false, verify: true } : { push: false, pull: false, restore: false })}
              data-testid="sync-now"
            >
              {op.running ? "Syncing…" : "Sync now"}
            </button>
            <label className="small" title="Downloads every envelope and revision held here and compares the bytes: catches an edit made in the registry in place (one request per item).">
              <input type="checkbox" checked={verify} onChange={(e) => setVerify(e.target.checked)} disabled={op.running} data-testid="sync-verify" /> Also check what the registry holds against this workspace
            </label>
            {op.running ? <CancelOperation op={op} label="Cancel sync" /> : null}
          </div>
          {op.running ? <SyncProgressBar progress={op.progress} /> : null}
          {lastReport ? <ReportSummary r={lastReport} /> : null}

          <h2>
            Waiting for the registry <span className="muted">({status.waiting.length})</span>
          </h2>
          {status.waiting.length === 0 ? (
            <p className="muted" data-testid="sync-waiting-empty">
              Nothing waits: every change has reached the registry.
            </p>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="sync-waiting">
                <thead>
                  <tr>
                    <th>#</th>
                    <th>Change</th>
                    <th>Of</th>
                    <th>Since</th>
                    <th className="num">Attempts</th>
                    <th>Last error</th>
                  </tr>
                </thead>
                <tbody>
                  {status.waiting.map((w) => (
                    <tr key={w.id} data-testid={`waiting-${w.id}`}>
                      <td className="num">{w.id}</td>
                      <td>{w.kind}</td>
                      <td className="mono subject">{w.subject}</td>
                      <td className="nowrap">{formatTime(w.created_at)}</td>
                      <td className="num">{w.attempts}</td>
                      <td className="break" data-testid="waiting-error">
                        {w.last_error ? (
                          <>
                            {w.last_error}
                            {w.last_attempt_at ? <span className="muted small"> ({formatTime(w.last_attempt_at)})</span> : null}
                          </>
                        ) : (
                          <span className="muted">not tried yet</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
