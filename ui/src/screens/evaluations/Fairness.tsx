import { useState } from "react";
import type { FailingGroupView, FairnessReport, GroupFairnessView } from "../../api/bindings";
import { formatRatio, formatValue } from "./format";

type Failing = { key: string; group: FailingGroupView; metrics: GroupFairnessView[]; report: FairnessReport };

/** The groups the core finds outside tolerance, key by key, with the metrics it names. */
function failingGroups(reports: FairnessReport[]): Failing[] {
  return reports.flatMap((r) =>
    r.failing_groups.map((g) => ({ key: r.key, group: g, metrics: r.metrics.filter((m) => g.metrics.includes(m.metric)), report: r })),
  );
}

/** A prominent notice naming each group the core finds outside tolerance. */
export function FairnessCallout({ reports }: { reports: FairnessReport[] }) {
  const failing = failingGroups(reports);
  if (failing.length === 0) {
    if (reports.length === 0) return null;
    return (
      <p className="flag flag-ok" data-testid="fairness-ok">
        Fairness within tolerance for {reports.map((r) => r.key).join(", ")} (ratio ≥ {reports[0]?.min_ratio}, difference ≤{" "}
        {reports[0]?.max_difference}).
      </p>
    );
  }
  return (
    <section className="callout callout-fail" aria-labelledby="fairness-callout-title" data-testid="fairness-callout">
      <div className="callout-icon" aria-hidden="true">
        ⚠
      </div>
      <div>
        <h2 id="fairness-callout-title" className="callout-title">
          Fairness: {failing.map((f) => `${f.key}=${f.group.group}`).join(", ")} outside tolerance
        </h2>
        <ul className="callout-list">
          {failing.map((f) => (
            <li key={`${f.key}=${f.group.group}`} data-testid={`fairness-failing-${f.key}`} data-group={f.group.group} data-failure={f.group.failure}>
              <span className="strong mono">
                {f.key}={f.group.group}
              </span>{" "}
              {f.group.verdict}:
              <ul>
                {f.metrics.map((m) => (
                  <li key={m.metric}>
                    {m.label}: ratio <span className="strong">{formatRatio(m.min_max_ratio)}</span> of the best group (minimum{" "}
                    {f.report.min_ratio}), difference {formatValue(m.max_difference)} (maximum {f.report.max_difference})
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
        <a href="#fairness-detail" className="small">
          Values by group
        </a>
      </div>
    </section>
  );
}

/** Per-group values for one key at a time, as the core computed them. */
export function FairnessDetail({ reports }: { reports: FairnessReport[] }) {
  const firstFailing = reports.find((r) => r.failures.length > 0)?.key;
  const [key, setKey] = useState<string | null>(null);
  const current = reports.find((r) => r.key === (key ?? firstFailing)) ?? reports[0];
  if (!current) return null;
  return (
    <div data-testid="fairness-detail">
      <div className="toolbar">
        <label className="field field-inline">
          <span className="field-label">Group key</span>
          <select value={current.key} onChange={(e) => setKey(e.target.value)} data-testid="fairness-key">
            {reports.map((r) => (
              <option key={r.key} value={r.key}>
                {r.key}
                {r.failures.length > 0 ? " (outside tolerance)" : ""}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small">
          Tolerance: ratio ≥ {current.min_ratio} (four-fifths rule), difference ≤ {current.max_difference}
        </span>
      </div>
      {current.parity ? (
        <dl className="kv" data-testid="fairness-parity">
          <dt>Demographic parity</dt>
          <dd>
            difference {formatValue(current.parity.demographic_parity_difference)}, ratio{" "}
            {formatRatio(current.parity.demographic_parity_ratio)}
          </dd>
          <dt>Equalized odds</dt>
          <dd>
            difference {formatValue(current.parity.equalized_odds_difference)}, ratio{" "}
            {formatRatio(current.parity.equalized_odds_ratio)}
          </dd>
        </dl>
      ) : null}
      <div className="fairness-grid">
        {current.metrics.map((m) => {
          const failing = m.failure !== null;
          return (
            <div key={m.metric} className="table-wrap">
              <table className="table" data-testid={`fairness-table-${m.metric}`}>
                <caption className="table-caption">
                  <span className="strong">{m.label}</span>
                  {m.unit ? <span className="muted"> ({m.unit})</span> : null} ·{" "}
                  <span className={failing ? "check check-fail" : "check check-pass"}>
                    ratio {formatRatio(m.min_max_ratio)}, difference {formatValue(m.max_difference)}
                  </span>
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{current.key}</th>
                    <th scope="col" className="num">Value</th>
                    <th scope="col" className="num">n</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {m.groups.map((g) => (
                    <tr
                      key={g.group}
                      className={g.outside_tolerance ? "check-row-fail" : undefined}
                      data-testid={`fairness-row-${m.metric}-${g.group}`}
                      data-outside={g.outside_tolerance}
                    >
                      <th scope="row" className="mono">
                        {g.group}
                      </th>
                      <td className="num">{formatValue(g.value, m.unit)}</td>
                      <td className="num">{g.n?.toLocaleString() ?? "—"}</td>
                      <td>
                        {g.outside_tolerance ? <span className="check check-fail">✗ outside tolerance</span> : null}
                        {g.worst && !g.outside_tolerance ? <span className="muted small">worst group</span> : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        })}
      </div>
    </div>
  );
}
