// The version screen's gate: the report for the version's next promotion (or any other stage
// the policy gates, chosen in the selector), evaluated by the core on every load and again on
// request; and the seed's production-eligibility checklist, derived by the core from the
// production gate.
import { useState } from "react";
import type { ChecklistMark, GateCheckView, Stage, StageMove } from "../../api/bindings";
import { api } from "../../api/client";
import { STAGE_LABEL } from "../../components/StageChip";
import { noRoster } from "../../components/trust";
import { useIdentity } from "../../components/useIdentity";
import { useLoad } from "../../useLoad";
import { GateReport, STATUS_LABEL } from "./gate";
import { WAIVER_ROLES, WaiveDialog } from "./Waivers";

/** The stage a promotion would take this version to, as the core offers it. */
export function nextPromotion(moves: StageMove[]): Stage | null {
  return moves.find((m) => m.kind === "promote" && m.allowed)?.to ?? moves.find((m) => m.kind === "promote")?.to ?? null;
}

export function GatePanel({ model, version, moves }: { model: string; version: string; moves: StageMove[] }) {
  const policy = useLoad("policy", () => api.policyShow());
  const next = nextPromotion(moves);
  const gated = policy.data?.stages ?? [];
  const options: Stage[] = [...(next ? [next] : []), ...gated.filter((s) => s !== next)];
  const [picked, setPicked] = useState<Stage | null>(null);
  // With no promotion ahead (a production version, say), production's gate says whether it
  // would still be eligible today.
  const to = picked ?? next ?? (gated.includes("production") ? "production" : (gated[0] ?? null));
  const report = useLoad(`gate:${model}@${version}>${to ?? ""}`, () =>
    to ? api.gateEvaluate({ model, version, to }) : Promise.resolve(null),
  );
  const signatures = useLoad(`waivers:${model}@${version}`, () => api.waivers(model, version));
  const roster = useLoad("roster", () => api.rosterShow().catch(noRoster));
  const identity = useIdentity();
  const [waiving, setWaiving] = useState<GateCheckView | null>(null);
  const me = roster.data?.members.find((m) => m.keyid === identity.identity?.keyid && m.active);
  const waiverRoles = WAIVER_ROLES.filter((r) => me?.roles.includes(r));

  if (!policy.data) return <p className="muted">{policy.failed ? "The policy could not be loaded." : "Loading the gate…"}</p>;
  if (!to) return <p className="muted" data-testid="gate-none">The policy in force gates no stage.</p>;
  const r = report.data;
  return (
    <div className="gate-panel" data-testid="gate-panel">
      <div className="row">
        <label className="field">
          <span className="field-label">Gate for</span>
          <select value={to} onChange={(e) => setPicked(e.target.value as Stage)} data-testid="gate-stage">
            {options.map((s) => (
              <option key={s} value={s}>
                {STAGE_LABEL[s]}
                {s === next ? " (next promotion)" : ""}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn btn-small" onClick={report.reload} disabled={report.loading} data-testid="gate-reevaluate">
          {report.loading ? "Evaluating…" : "Evaluate again"}
        </button>
      </div>
      {next && !gated.includes(next) ? (
        <p className="small muted">The policy in force does not list {STAGE_LABEL[next]} among the stages it gates.</p>
      ) : null}
      {r && r.target === to ? (
        <GateReport
          report={r}
          waivers={{ signatures: signatures.data ?? [], canWaive: waiverRoles.length > 0, onWaive: setWaiving }}
        />
      ) : (
        <p className="muted">{report.failed ? "The gate could not be evaluated." : "Evaluating the gate…"}</p>
      )}
      {waiving ? (
        <WaiveDialog
          model={model}
          version={version}
          check={waiving}
          roles={waiverRoles}
          onClose={() => setWaiving(null)}
          onSigned={() => {
            setWaiving(null);
            signatures.reload();
            report.reload();
          }}
        />
      ) : null}
    </div>
  );
}

const MARK_LABEL: Record<ChecklistMark, string> = { met: "met", "not-met": "not met", missing: "missing evidence" };

export function Checklist({ model, version }: { model: string; version: string }) {
  const list = useLoad(`checklist:${model}@${version}`, () => api.gateChecklist(model, version));
  const c = list.data;
  if (!c) return <p className="muted">{list.failed ? "The checklist could not be loaded." : "Loading the checklist…"}</p>;
  const met = c.items.filter((i) => i.mark === "met").length;
  return (
    <div data-testid="checklist">
      <p data-testid="checklist-verdict">
        <span className={`gate-mark ${c.eligible ? "gate-mark-pass" : "gate-mark-fail"}`}>
          {c.eligible ? "Eligible for production" : "Not eligible for production"}
        </span>{" "}
        {met} of {c.items.length} items met
      </p>
      <ol className="checklist">
        {c.items.map((item) => (
          <li key={item.number} className="checklist-item" data-testid={`checklist-item-${item.number}`} data-mark={item.mark}>
            <span
              className={`checklist-symbol gate-mark gate-mark-${item.mark === "met" ? "pass" : item.mark === "not-met" ? "fail" : "missing"}`}
              aria-label={`${item.number}: ${MARK_LABEL[item.mark]}`}
            >
              {item.number}. {item.symbol}
            </span>{" "}
            {item.text}
            {item.checks.length > 0 ? (
              <ul className="checklist-checks small" aria-label={`Checks behind item ${item.number}`}>
                {item.checks.map((k) => (
                  <li key={k.id}>
                    <span className="mono">{k.id}</span>: {STATUS_LABEL[k.status].toLowerCase()}
                    {item.blocking.includes(k.id) ? <span className="strong"> (stops this item)</span> : null}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="checklist-checks small muted">No check of the policy stands behind this item.</p>
            )}
          </li>
        ))}
      </ol>
      {c.notes.length > 0 ? (
        <ul className="gate-notes small">
          {c.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
