// Ungoverned registry changes (#/sync/ungoverned): aliases the newest sync found in the registry
// that no valid release record explains (set by hand in MLflow), with who and when as MLflow
// says it, and "Restore governed state", which runs what `steward sync --restore` runs, behind
// a confirm dialog. The findings are the sync's, stored by the core; none is decided here.
import { useState } from "react";
import type { SyncFindingsView, UngovernedView } from "../../api/bindings";
import { api } from "../../api/client";
import { CancelOperation } from "../../components/OperationActions";
import { Dialog } from "../../components/Dialog";
import { formatTime } from "../../components/format";
import { href } from "../../router";
import { useLoad } from "../../useLoad";
import { useSync } from "./SyncContext";
import { SyncSubScreen } from "./SyncSubScreen";
import { SyncProgressBar } from "./SyncProgressBar";
import "./sync.css";

function when(ms: number | null): string {
  if (ms === null) return "MLflow does not say";
  return formatTime(new Date(ms).toISOString());
}

function Row({ u }: { u: UngovernedView }) {
  return (
    <tr data-testid={`ungoverned-${u.model}-${u.alias}`} data-restored={u.restored ? "yes" : "no"}>
      <td className="mono">{u.model}</td>
      <td className="mono strong">{u.alias}</td>
      <td>
        registry version <span className="mono">{u.number}</span>{" "}
        {u.points_at ? (
          <>
            = <a href={href.version(u.model, u.points_at)}>{u.points_at}</a>
          </>
        ) : (
          <span className="muted">(not a Steward version)</span>
        )}
      </td>
      <td>{u.governed ? <a href={href.version(u.model, u.governed)}>{u.governed}</a> : <span className="muted">no version</span>}</td>
      <td>
        {u.user_id ?? <span className="muted">MLflow does not say</span>}
        <div className="small muted">{when(u.last_updated_ms)}</div>
      </td>
      <td>{u.restored ? <span className="flag flag-ok">restored</span> : <span className="flag flag-missing">ungoverned</span>}</td>
    </tr>
  );
}

function Findings({ f }: { f: SyncFindingsView }) {
  const list = f.report?.ungoverned ?? [];
  if (!f.at) {
    return (
      <p className="empty" data-testid="ungoverned-never">
        No sync has reached the registry yet, so nothing has been compared with it.
      </p>
    );
  }
  return (
    <>
      <p className="muted" data-testid="ungoverned-as-of">
        As the sync at {formatTime(f.at)} ({f.direction}) found the registry {f.url}
        {f.complete ? "." : "; it stopped part-way, so only the models it reached were compared."}
      </p>
      {list.length === 0 ? (
        <p className="empty" data-testid="ungoverned-empty">
          Every governed alias in the registry is where a signed release record put it.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="ungoverned">
            <thead>
              <tr>
                <th>Model</th>
                <th>Alias</th>
                <th>Points at</th>
                <th>Governed version</th>
                <th>Last changed by</th>
                <th>State</th>
              </tr>
            </thead>
            <tbody>
              {list.map((u) => (
                <Row key={`${u.model}-${u.alias}`} u={u} />
              ))}
            </tbody>
          </table>
          <p className="small muted">MLflow records no author for an alias: who and when are of the version it points at.</p>
        </div>
      )}
    </>
  );
}

export function UngovernedScreen() {
  const { generation, op, start, status } = useSync();
  const findings = useLoad(`findings-${generation}`, () => api.syncFindings());
  const [confirm, setConfirm] = useState(false);
  const open = (findings.data?.report?.ungoverned ?? []).filter((u) => !u.restored);
  const restore = async () => {
    setConfirm(false);
    await start({ push: false, pull: false, restore: true });
  };
  return (
    <SyncSubScreen
      id="ungoverned-title"
      title="Ungoverned registry changes"
      lede="An alias in the registry that no valid release record explains was set outside Steward. Restoring moves each back to the version the signed records put there."
      testId="ungoverned-screen"
      actions={
        <>
          <button
            type="button"
            className="btn btn-primary"
            disabled={open.length === 0 || op.running || !status?.url}
            onClick={() => setConfirm(true)}
            data-testid="restore-governed"
          >
            Restore governed state…
          </button>
          {op.running ? <CancelOperation op={op} label="Cancel sync" /> : null}
        </>
      }
    >
      {op.running ? <SyncProgressBar progress={op.progress} /> : null}
      {findings.data ? <Findings f={findings.data} /> : <p className="muted">Loading…</p>}
      {confirm ? (
        <Dialog title="Restore the governed state?" onClose={() => setConfirm(false)} testId="restore-confirm">
          <p>
            A sync with restore moves {open.length === 1 ? "this alias" : `these ${open.length} aliases`} back in the registry at{" "}
            <span className="mono">{status?.url}</span>, and sends what waits:
          </p>
          <ul>
            {open.map((u) => (
              <li key={`${u.model}-${u.alias}`}>
                <span className="mono">
                  {u.model} {u.alias}
                </span>{" "}
                → {u.governed ?? "removed (no version holds that stage)"}
              </li>
            ))}
          </ul>
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => setConfirm(false)} data-testid="restore-cancel">
              Keep as is
            </button>
            <button type="button" className="btn btn-primary" onClick={() => void restore()} data-testid="restore-confirm-go">
              Restore
            </button>
          </div>
        </Dialog>
      ) : null}
    </SyncSubScreen>
  );
}
