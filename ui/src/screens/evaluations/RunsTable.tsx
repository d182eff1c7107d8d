import type { EvalRunView } from "../../api/bindings";
import { formatBytes, formatTime, shortDigest } from "../../components/format";

/** The imported runs of a version: kind, suite, when, and the file's digest as evidence. */
export function RunsTable({ runs }: { runs: EvalRunView[] }) {
  return (
    <div className="table-wrap">
      <table className="table runs-table" data-testid="eval-runs">
        <caption className="sr-only">Imported evaluation runs, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Dataset or suite</th>
            <th scope="col">Ran / imported</th>
            <th scope="col">File</th>
            <th scope="col">Evidence</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} data-testid={`eval-run-${r.id}`}>
              <td data-testid="eval-run-kind">{r.kind_label}</td>
              <td className="mono">{r.suite}</td>
              <td>
                {r.run_at ? formatTime(r.run_at) : <span className="muted">run time not stated</span>}
                <div className="muted small">imported {formatTime(r.imported_at)}</div>
              </td>
              <td>
                <span className="mono">{r.file_name}</span>
                <div className="muted small">
                  {r.format} · {formatBytes(r.file_bytes)} · {r.rows.toLocaleString()} rows
                </div>
              </td>
              <td className="mono small" title={r.file_digest} data-testid="eval-run-digest">
                {shortDigest(r.file_digest, 12)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
