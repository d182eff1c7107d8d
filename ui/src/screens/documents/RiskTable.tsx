// The risk register as an editable table and the 5×5 likelihood × impact matrix. Every edit is
// written into the front matter text by the core (doc_risk_set) and the core's preview of that
// text brings back each row's score and band: nothing here edits YAML, scores or bands a risk.
// The scale and the treatments offered are the domain's (generated into bindings.ts).
import { useRef, useState, type KeyboardEvent } from "react";
import { RISK_SCALE, RISK_TREATMENTS, type RiskField, type RiskRow, type RiskValue } from "../../api/bindings";
import { BAND_LABEL } from "./kinds";

const SCALE = RISK_SCALE.map(String);
const TREATMENTS: string[] = [...RISK_TREATMENTS];

type Edit = (index: number, field: RiskField, value: RiskValue) => void;

/** A text cell: edits stay local while focused and go into the document on blur or Enter. */
function CellInput({ value, label, onCommit, wide }: { value: string | null; label: string; onCommit: (v: string) => void; wide?: boolean }) {
  const [draft, setDraft] = useState<string | null>(null);
  // What Enter already sent, so the blur that follows does not send it again.
  const sent = useRef<string | null>(null);
  const commit = () => {
    if (draft !== null && draft !== (value ?? "") && draft !== sent.current) {
      sent.current = draft;
      onCommit(draft);
    }
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      e.preventDefault();
      commit();
    } else if (e.key === "Escape") {
      setDraft(value ?? "");
    }
  };
  return (
    <input
      className={`cell-input${wide ? " cell-wide" : ""}`}
      aria-label={label}
      value={draft ?? value ?? ""}
      onFocus={() => {
        sent.current = null;
        setDraft(value ?? "");
      }}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={() => {
        commit();
        setDraft(null);
      }}
      onKeyDown={onKey}
    />
  );
}

/** A choice cell; shows the choice made until the core's answer for this cell changes. */
function CellSelect({ value, options, label, onCommit, numeric }: {
  value: string | null;
  options: string[];
  label: string;
  onCommit: (v: RiskValue) => void;
  numeric?: boolean;
}) {
  const current = value ?? "";
  const [pending, setPending] = useState<{ chosen: string; over: string } | null>(null);
  const shown = pending && pending.over === current ? pending.chosen : current;
  const all = current === "" || options.includes(current) ? options : [current, ...options];
  return (
    <select
      className="cell-select"
      aria-label={label}
      value={shown}
      onChange={(e) => {
        const chosen = e.target.value;
        setPending({ chosen, over: current });
        onCommit(numeric ? Number(chosen) : chosen);
      }}
    >
      {shown === "" ? <option value="">—</option> : null}
      {all.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </select>
  );
}

function num(n: number | null): string | null {
  return n === null ? null : String(n);
}

function BandChip({ row }: { row: RiskRow }) {
  if (row.score === null || row.band === null)
    return <span className="muted" title="Likelihood and impact must both be 1–5">—</span>;
  return (
    <span className={`band band-${row.band}`} data-testid="risk-band" data-band={row.band}>
      <span className="band-score">{row.score}</span> {BAND_LABEL[row.band]}
    </span>
  );
}

/** Likelihood 5 at the top, impact 1 at the left; a cell lists the risks placed on it. */
export function RiskMatrix({ risks }: { risks: RiskRow[] }) {
  const placed = risks.filter((r) => r.score !== null && r.likelihood !== null && r.impact !== null);
  const at = (l: number, i: number) => placed.filter((r) => r.likelihood === l && r.impact === i);
  return (
    <table className="risk-matrix" data-testid="risk-matrix">
      <caption>
        Likelihood × impact <span className="muted small">({placed.length} of {risks.length} risks placed)</span>
      </caption>
      <thead>
        <tr>
          <td />
          {RISK_SCALE.map((i) => (
            <th key={i} scope="col">
              <span className="sr-only">Impact </span>
              {i}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {[...RISK_SCALE].reverse().map((l) => (
          <tr key={l}>
            <th scope="row">
              <span className="sr-only">Likelihood </span>
              {l}
            </th>
            {RISK_SCALE.map((i) => {
              const here = at(l, i);
              const band = here[0]?.band ?? null;
              return (
                <td
                  key={i}
                  className={band ? `cell-band band-${band}` : "cell-empty"}
                  data-testid={`matrix-${l}-${i}`}
                  data-band={band ?? ""}
                >
                  {here.map((r, k) => (
                    <span key={`${r.id ?? "?"}-${k}`} className="matrix-risk" title={r.title ?? ""}>
                      {r.id ?? "?"}
                    </span>
                  ))}
                  {band ? <span className="sr-only"> ({BAND_LABEL[band]})</span> : null}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <td />
          <td colSpan={5} className="muted small axis">
            Impact → · Likelihood ↑
          </td>
        </tr>
      </tfoot>
    </table>
  );
}

export function RiskTable({ risks, onEdit, onAdd, onRemove, onJump }: {
  risks: RiskRow[];
  onEdit: Edit;
  onAdd: () => void;
  onRemove: (index: number) => void;
  onJump: (line: number) => void;
}) {
  return (
    <div className="risk-register" data-testid="risk-register">
      <div className="risk-layout">
        <div className="table-wrap">
          <table className="table risk-table" data-testid="risk-table">
            <thead>
              <tr>
                <th scope="col">ID</th>
                <th scope="col">Risk</th>
                <th scope="col">Category</th>
                <th scope="col" title="Likelihood 1–5">L</th>
                <th scope="col" title="Impact 1–5">I</th>
                <th scope="col">Score</th>
                <th scope="col">Treatment</th>
                <th scope="col">Mitigation</th>
                <th scope="col">Owner</th>
                <th scope="col" title="Residual likelihood and impact">Residual L / I</th>
                <th scope="col">Acceptance</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {risks.length === 0 ? (
                <tr>
                  <td colSpan={12} className="muted">
                    No risks in the register yet: add the first one.
                  </td>
                </tr>
              ) : null}
              {risks.map((r, i) => {
                const name = r.id ?? `row ${i + 1}`;
                return (
                  <tr key={i} data-testid={`risk-row-${i}`}>
                    <td>
                      <CellInput value={r.id} label={`${name}: id`} onCommit={(v) => onEdit(i, "id", v)} />
                    </td>
                    <td>
                      <CellInput value={r.title} label={`${name}: title`} onCommit={(v) => onEdit(i, "title", v)} wide />
                    </td>
                    <td>
                      <CellInput value={r.category} label={`${name}: category`} onCommit={(v) => onEdit(i, "category", v)} />
                    </td>
                    <td>
                      <CellSelect value={num(r.likelihood)} options={SCALE} label={`${name}: likelihood`} numeric onCommit={(v) => onEdit(i, "likelihood", v)} />
                    </td>
                    <td>
                      <CellSelect value={num(r.impact)} options={SCALE} label={`${name}: impact`} numeric onCommit={(v) => onEdit(i, "impact", v)} />
                    </td>
                    <td className="nowrap" data-testid={`risk-score-${i}`}>
                      <BandChip row={r} />
                    </td>
                    <td>
                      <CellSelect value={r.treatment} options={TREATMENTS} label={`${name}: treatment`} onCommit={(v) => onEdit(i, "treatment", v)} />
                    </td>
                    <td>
                      <CellInput value={r.mitigation} label={`${name}: mitigation`} onCommit={(v) => onEdit(i, "mitigation", v)} wide />
                    </td>
                    <td>
                      <CellInput value={r.owner} label={`${name}: owner`} onCommit={(v) => onEdit(i, "owner", v)} />
                    </td>
                    <td className="nowrap">
                      <CellSelect value={num(r.residual_likelihood)} options={SCALE} label={`${name}: residual likelihood`} numeric onCommit={(v) => onEdit(i, "residual_likelihood", v)} />{" "}
                      <CellSelect value={num(r.residual_impact)} options={SCALE} label={`${name}: residual impact`} numeric onCommit={(v) => onEdit(i, "residual_impact", v)} />
                      {r.residual_score !== null ? <span className="muted small"> = {r.residual_score}</span> : null}
                    </td>
                    <td>
                      <CellInput value={r.acceptance} label={`${name}: acceptance`} onCommit={(v) => onEdit(i, "acceptance", v)} />
                    </td>
                    <td className="nowrap">
                      {r.line !== null ? (
                        <button type="button" className="btn btn-small btn-quiet" onClick={() => onJump(r.line ?? 1)} aria-label={`Show ${name} in the editor`}>
                          L{r.line}
                        </button>
                      ) : null}
                      <button type="button" className="btn btn-small btn-quiet" onClick={() => onRemove(i)} aria-label={`Remove ${name}`} data-testid={`risk-remove-${i}`}>
                        ✕
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <button type="button" className="btn" onClick={onAdd} data-testid="risk-add">
          Add a risk
        </button>
        <RiskMatrix risks={risks} />
      </div>
    </div>
  );
}
