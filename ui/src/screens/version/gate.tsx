// A gate report as the core decided it: the summary line, then every check grouped by the
// seed's categories with its status, observed and expected values, the evidence it read and
// any waiver. Nothing here decides a status; the words and marks only name the core's.
import type { Category, CheckStatus, GateCheckView, GateCounts, GateReportView, WaiverSignatureView } from "../../api/bindings";
import { shortDigest } from "../../components/format";
import { STAGE_LABEL } from "../../components/StageChip";
import { WaiverSignatures } from "./Waivers";
import "./gate.css";

/** Waivers beside the checks: the signatures the core holds, and "Waive…" when the person may. */
export type WaiverProps = {
  signatures: WaiverSignatureView[];
  /** Whether the person at the keyboard holds a role that may waive. */
  canWaive: boolean;
  onWaive: (check: GateCheckView) => void;
};

export const STATUS_LABEL: Record<CheckStatus, string> = {
  pass: "Pass",
  fail: "Fail",
  "missing-evidence": "Missing evidence",
  waived: "Waived",
};

export const CATEGORY_LABEL: Record<Category, string> = {
  quality: "Quality",
  safety: "Safety",
  fairness: "Fairness",
  "reliability-cost": "Reliability and cost",
  "data-policy": "Data policy",
  documentation: "Documentation",
  approvals: "Approvals",
  canary: "Canary",
  artifacts: "Artifacts",
};

/** `N pass, N fail, N missing` (and `N waived` when any), from the core's counts. */
export function gateSummary(c: GateCounts): string {
  const parts = [`${c.pass} pass`, `${c.fail} fail`, `${c.missing_evidence} missing`];
  if (c.waived > 0) parts.push(`${c.waived} waived`);
  return parts.join(", ");
}

/** The checks that stop the gate, in report order: failed or without evidence. */
export function blockingChecks(report: GateReportView): GateCheckView[] {
  return report.checks.filter((c) => c.status === "fail" || c.status === "missing-evidence");
}

export function StatusMark({ status }: { status: CheckStatus }) {
  return (
    <span className={`gate-mark gate-mark-${status}`} data-testid="check-status" data-status={status}>
      {STATUS_LABEL[status]}
    </span>
  );
}

function policyLabel(r: GateReportView): string {
  return r.policy_source === "default" ? `${r.policy} (built-in default)` : `${r.policy} r${r.policy_revision ?? "?"}`;
}

function Evidence({ check }: { check: GateCheckView }) {
  if (check.evidence.length === 0) return null;
  return (
    <ul className="gate-evidence small" aria-label={`Evidence read by ${check.id}`}>
      {check.evidence.map((e, i) => (
        <li key={`${e.kind}-${i}`} data-testid="evidence">
          <span className="muted">{e.kind}</span> {e.label}
          {e.digest ? (
            <>
              {" "}
              <span className="mono" title={e.digest}>
                {shortDigest(e.digest)}
              </span>
            </>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function Check({ check, waivers }: { check: GateCheckView; waivers?: WaiverProps }) {
  const w = check.waiver;
  const signatures = waivers?.signatures.filter((s) => s.check_id === check.id) ?? [];
  // A sign-off check is met by an approval and never waived (the core refuses it too).
  const waivable = (check.status === "fail" || check.status === "missing-evidence") && check.category !== "approvals";
  return (
    <li className={`gate-check gate-check-${check.status}`} data-testid={`gate-check-${check.id}`} data-status={check.status}>
      <div className="gate-check-head">
        <StatusMark status={check.status} /> <span className="mono strong">{check.id}</span>{" "}
        <span className="small muted">seed {check.seed}</span>
      </div>
      <dl className="gate-kv small">
        <dt>Observed</dt>
        <dd data-testid="check-observed">{check.observed}</dd>
        <dt>Expected</dt>
        <dd data-testid="check-expected">{check.expected}</dd>
      </dl>
      <Evidence check={check} />
      {w ? (
        <div className="gate-waiver small" data-testid="check-waiver">
          Waived (it was {STATUS_LABEL[w.waived_status].toLowerCase()}) until {w.expires_at}: {w.rationale}
          {w.envelopes.length > 0 ? (
            <ul className="gate-evidence">
              {w.envelopes.map((e, i) => (
                <li key={i}>
                  {e.label}{" "}
                  {e.digest ? (
                    <span className="mono" title={e.digest}>
                      {shortDigest(e.digest)}
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {check.waiver_notes.length > 0 ? (
        <ul className="gate-notes small" aria-label="Why waivers did not count">
          {check.waiver_notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      ) : null}
      <WaiverSignatures signatures={signatures} />
      {waivers?.canWaive && waivable ? (
        <button type="button" className="btn btn-small" onClick={() => waivers.onWaive(check)} data-testid={`waive-${check.id}`}>
          Waive…
        </button>
      ) : null}
    </li>
  );
}

/** Checks grouped by category, in the order the policy lists them. */
function groups(checks: GateCheckView[]): [Category, GateCheckView[]][] {
  const out = new Map<Category, GateCheckView[]>();
  for (const c of checks) {
    const list = out.get(c.category) ?? [];
    list.push(c);
    out.set(c.category, list);
  }
  return [...out.entries()];
}

export function GateReport({ report, waivers }: { report: GateReportView; waivers?: WaiverProps }) {
  const id = `gate-${report.target}`;
  return (
    <div className="gate-report" data-testid="gate-report" data-passed={report.passed}>
      <p className="gate-verdict" data-testid="gate-verdict">
        <span className={`gate-mark ${report.passed ? "gate-mark-pass" : "gate-mark-fail"}`}>
          {report.passed ? "Gate passes" : "Gate fails"}
        </span>{" "}
        {STAGE_LABEL[report.stage]} → {STAGE_LABEL[report.target]} under policy {policyLabel(report)}
      </p>
      <p className="strong" data-testid="gate-summary">
        {gateSummary(report.counts)}
      </p>
      <p className="small muted">
        Report <span className="mono" title={report.digest}>{shortDigest(report.digest)}</span> · evaluated{" "}
        {report.evaluated_at}
      </p>
      {report.checks.length === 0 ? <p className="muted">The policy has no check for this stage.</p> : null}
      {groups(report.checks).map(([category, checks]) => (
        <details key={category} open className="gate-group" data-testid={`gate-group-${category}`}>
          <summary>
            <span className="strong" id={`${id}-${category}`}>
              {CATEGORY_LABEL[category]}
            </span>{" "}
            <span className="small muted">
              {checks.length} {checks.length === 1 ? "check" : "checks"}
            </span>
          </summary>
          <ul className="gate-checks" aria-labelledby={`${id}-${category}`}>
            {checks.map((c) => (
              <Check key={c.id} check={c} waivers={waivers} />
            ))}
          </ul>
        </details>
      ))}
      {report.notes.length > 0 ? (
        <ul className="gate-notes small" data-testid="gate-notes" aria-label="What the gate could not read">
          {report.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
