import { useState } from "react";
import type { AuditVerifyResult } from "../../api/bindings";
import { api } from "../../api/client";
import { formatTime } from "../../components/format";
import { useErrors } from "../../errors";
import { useLoad } from "../../useLoad";

const LIMITS = [100, 1000] as const;

function Mismatches({ result }: { result: AuditVerifyResult }) {
  if (!result.deep || result.mismatches.length === 0) return null;
  return (
    <ul className="small" data-testid="audit-mismatches">
      {result.mismatches.map((m) => (
        <li key={`${m.table}|${m.row}|${m.field}`} className="mono">
          {m.message}
        </li>
      ))}
    </ul>
  );
}

export function VerifyResult({ result }: { result: AuditVerifyResult }) {
  if (result.ok) {
    return (
      <div className="result result-ok" role="status" data-testid="audit-result" data-ok="true">
        <span className="result-icon" aria-hidden="true">
          ✓
        </span>
        <div>
          <div className="strong">{result.deep ? "Chain and rows intact" : "Chain intact"}</div>
          <div>
            All {result.entries.toLocaleString()} {result.entries === 1 ? "entry" : "entries"} verified
            {result.deep ? `; ${result.rows.toLocaleString()} rows and every stored digest match the log` : ""}.
          </div>
        </div>
      </div>
    );
  }
  const b = result.first_broken;
  if (!b) {
    return (
      <div className="result result-broken" role="alert" data-testid="audit-result" data-ok="false">
        <span className="result-icon" aria-hidden="true">
          ✕
        </span>
        <div>
          <div className="strong">
            {result.mismatches.length} {result.mismatches.length === 1 ? "row does" : "rows do"} not match the audit log
          </div>
          <Mismatches result={result} />
          <div className="small">The chain itself is intact; the workspace file was edited outside Steward. Restore it from a backup.</div>
        </div>
      </div>
    );
  }
  return (
    <div className="result result-broken" role="alert" data-testid="audit-result" data-ok="false">
      <span className="result-icon" aria-hidden="true">
        ✕
      </span>
      <div>
        <div className="strong">Chain broken{b ? ` at entry #${b.seq}` : ""}</div>
        {b ? <div data-testid="audit-broken-reason">{b.reason}</div> : null}
        <Mismatches result={result} />
        <div className="small">{result.entries.toLocaleString()} entries checked. Entries after the break cannot be trusted.</div>
      </div>
    </div>
  );
}

export function AuditScreen() {
  const { report } = useErrors();
  const [limit, setLimit] = useState<number | null>(LIMITS[0]);
  const log = useLoad(`audit:${limit ?? "all"}`, () => api.auditLog(limit));
  const [verifying, setVerifying] = useState(false);
  const [result, setResult] = useState<AuditVerifyResult | null>(null);

  const verify = async (deep: boolean) => {
    setVerifying(true);
    setResult(null);
    try {
      setResult(await api.auditVerify(deep));
    } catch (e) {
      report(e);
    } finally {
      setVerifying(false);
    }
  };

  const broken = result?.first_broken?.seq ?? null;
  const entries = log.data ?? [];
  return (
    <section className="screen" aria-labelledby="audit-title">
      <header className="screen-header">
        <div>
          <h1 id="audit-title">Audit log</h1>
          <p className="muted">Append-only and hash-chained; newest first.</p>
        </div>
        <div className="actions">
          <label className="field field-inline">
            <span className="field-label">Show</span>
            <select
              value={limit === null ? "all" : String(limit)}
              onChange={(e) => setLimit(e.target.value === "all" ? null : Number(e.target.value))}
              data-testid="audit-limit"
            >
              {LIMITS.map((l) => (
                <option key={l} value={l}>
                  newest {l}
                </option>
              ))}
              <option value="all">all</option>
            </select>
          </label>
          <button type="button" className="btn btn-primary" onClick={() => void verify(false)} disabled={verifying} data-testid="audit-verify">
            {verifying ? "Verifying…" : "Verify chain"}
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => void verify(true)}
            disabled={verifying}
            title="Also recompute every stored digest and check every row against the audit log"
            data-testid="audit-verify-deep"
          >
            Deep verify
          </button>
        </div>
      </header>

      {result ? <VerifyResult result={result} /> : null}

      {log.data !== null && entries.length === 0 ? <p className="muted">The audit log is empty.</p> : null}
      {entries.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col" className="num">
                  Seq
                </th>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Subject</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr
                  key={e.seq}
                  className={broken === e.seq ? "is-broken" : undefined}
                  data-testid={`audit-row-${e.seq}`}
                >
                  <td className="num mono">{e.seq}</td>
                  <td className="nowrap">
                    <time dateTime={e.at}>{formatTime(e.at)}</time>
                  </td>
                  <td>{e.actor}</td>
                  <td className="mono">{e.action}</td>
                  <td className="mono subject">{e.subject}</td>
                  <td className="mono small detail" title={e.detail}>
                    {e.detail}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
