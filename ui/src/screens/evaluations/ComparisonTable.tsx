import type { EvalComparison, Verdict } from "../../api/bindings";
import { formatPercent, formatSigned, formatValue } from "./format";

const VERDICT: Record<Verdict, string> = {
  better: "▲ better",
  worse: "▼ worse",
  same: "= same",
  unranked: "unranked",
  "only-candidate": "candidate only",
  "only-baseline": "baseline only",
};

function Check({ met, label, testId }: { met: boolean | null; label: string; testId: string }) {
  if (met === null) return null;
  return (
    <span className={`check ${met ? "check-pass" : "check-fail"}`} data-testid={testId}>
      {met ? "✓" : "✗ misses"} {label}
    </span>
  );
}

function Interval({ ci, unit }: { ci: [number, number] | null; unit: string }) {
  if (!ci) return null;
  return (
    <div className="muted small nowrap">
      [{formatValue(ci[0], unit)}, {formatValue(ci[1], unit)}]
    </div>
  );
}

/** The core's comparison, metric by metric; pass/fail colour only where it knows a threshold. */
export function ComparisonTable({ comparison }: { comparison: EvalComparison }) {
  const c = comparison;
  const baselineLabel = c.baseline ? `${c.baseline_stage === "production" ? "Production" : "Baseline"} ${c.baseline}` : "Baseline";
  return (
    <>
      <p className="muted small" data-testid="compare-note">
        {c.note}
      </p>
      <div className="table-wrap">
        <table className="table compare-table" data-testid="eval-compare">
          <caption className="sr-only">
            {c.candidate} against {c.baseline ?? "no baseline"}, metric by metric
          </caption>
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col" className="num">
                Candidate <span className="mono">{c.candidate}</span>
              </th>
              <th scope="col" className="num">
                {baselineLabel}
              </th>
              <th scope="col" className="num">Δ (relative)</th>
              <th scope="col">Verdict</th>
              <th scope="col">Threshold and margin</th>
            </tr>
          </thead>
          <tbody>
            {c.metrics.map((m) => {
              // The core's verdict on threshold and margin (`fail` when either is missed).
              const check = m.check;
              return (
                <tr key={m.metric} className={`check-row-${check}`} data-testid={`compare-row-${m.metric}`} data-check={check}>
                  <th scope="row" title={m.metric}>
                    <span className="strong">{m.label || m.metric}</span>
                    <div className="muted small">
                      {[m.unit, m.direction === "higher" ? "higher is better" : m.direction === "lower" ? "lower is better" : ""]
                        .filter(Boolean)
                        .join(" · ")}
                    </div>
                  </th>
                  <td className="num">
                    {formatValue(m.candidate, m.unit)}
                    <Interval ci={m.candidate_ci} unit={m.unit} />
                  </td>
                  <td className="num">
                    {formatValue(m.baseline, m.unit)}
                    <Interval ci={m.baseline_ci} unit={m.unit} />
                  </td>
                  <td className="num">
                    {formatSigned(m.delta, m.unit)}
                    <div className="muted small">{formatPercent(m.relative_delta)}</div>
                  </td>
                  <td className="nowrap">
                    {VERDICT[m.verdict]}
                    {m.significant === true ? <div className="muted small">intervals apart</div> : null}
                    {m.significant === false ? <div className="muted small">intervals overlap</div> : null}
                  </td>
                  <td>
                    <div className="checks">
                      <Check
                        met={m.meets_threshold}
                        label={`threshold ${formatValue(m.threshold, m.unit)}`}
                        testId="check-threshold"
                      />
                      <Check met={m.meets_margin} label={`margin ${formatSigned(m.margin, m.unit)}`} testId="check-margin" />
                      {check === "none" ? <span className="muted small">no threshold</span> : null}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
