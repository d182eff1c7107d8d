// The governance policy: what is in force (a stored revision or the built-in default), an
// editor for its TOML that the core validates as you type (the problem's line, key and what is
// expected; warnings for criteria that cannot be met as written), saving as a new revision
// with a message, and the history with a line diff between any two revisions, computed by the
// core. The screen never parses the policy itself.
import { useEffect, useRef, useState, type FormEvent } from "react";
import type { PolicyCheck, PolicyDiff, PolicyHistory, PolicySetResult, PolicyView } from "../../api/bindings";
import { api, toApiError } from "../../api/client";
import { formatTime, shortDigest } from "../../components/format";
import { STAGE_LABEL } from "../../components/StageChip";
import { orNull } from "../../components/text";
import { useErrors } from "../../errors";
import { useLoad } from "../../useLoad";
import { DiffView } from "../documents/DiffView";
import "../version/gate.css";
import "./policy.css";

/** How long typing pauses before the core checks the text. */
export const CHECK_DELAY_MS = 300;

const revisionLabel = (n: number) => (n === 0 ? "default" : `r${n}`);
const revisionSpoken = (n: number) => (n === 0 ? "the built-in default" : `revision ${n}`);

function InForce({ policy }: { policy: PolicyView }) {
  const r = policy.revision;
  return (
    <p data-testid="policy-in-force">
      In force: <span className="strong">{policy.name}</span>,{" "}
      {r ? (
        <>
          stored revision <span className="strong">r{r.number}</span>, set by {r.author} on {formatTime(r.created_at)}
          {r.message ? <> — “{r.message}”</> : null}
        </>
      ) : (
        <>the built-in default (no policy was set in this workspace)</>
      )}
      . Gates {policy.stages.map((s) => STAGE_LABEL[s]).join(", ") || "no stage"}.{" "}
      <span className="mono small muted" title={policy.sha256}>
        {shortDigest(policy.sha256)}
      </span>
    </p>
  );
}

/** Selects line `line` (1-based) of a textarea and focuses it. */
function goToLine(el: HTMLTextAreaElement | null, line: number) {
  if (!el || line < 1) return;
  const lines = el.value.split("\n");
  const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  const end = start + (lines[line - 1]?.length ?? 0);
  el.focus();
  el.setSelectionRange(start, end);
}

function Validation({ check, pending, onLine }: { check: PolicyCheck | null; pending: boolean; onLine: (line: number) => void }) {
  if (!check) return <p className="muted" role="status">Checking…</p>;
  const e = check.error;
  return (
    <div className="policy-validation" data-testid="policy-validation" data-valid={check.valid} aria-live="polite">
      {pending ? <p className="small muted">Checking the latest edit…</p> : null}
      {e ? (
        <div className="flag flag-missing" data-testid="policy-error">
          <p>
            <span className="strong">
              {e.line > 0 ? `Line ${e.line}` : "No line"}
              {e.key ? `, key ${e.key}` : ""}
            </span>{" "}
            ({e.kind}): {e.detail}. Expected: {e.expected}.
          </p>
          <p className="small">{e.message}</p>
          {e.line > 0 ? (
            <button type="button" className="btn btn-small" onClick={() => onLine(e.line)} data-testid="policy-error-goto">
              Go to line {e.line}
            </button>
          ) : null}
        </div>
      ) : (
        <p data-testid="policy-valid">
          <span className="gate-mark gate-mark-pass">Valid</span> policy <span className="strong">{check.name}</span>; gates{" "}
          {check.stages.map((s) => STAGE_LABEL[s]).join(", ") || "no stage"}.
        </p>
      )}
      {check.warnings.length > 0 ? (
        <ul className="policy-warnings" data-testid="policy-warnings" aria-label="Warnings">
          {check.warnings.map((w, i) => (
            <li key={i} data-testid="policy-warning">
              <button type="button" className="btn btn-quiet btn-small" onClick={() => onLine(w.line)}>
                Line {w.line}
              </button>{" "}
              <span className="mono">{w.key}</span>: {w.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function Editor({ policy, onSaved }: { policy: PolicyView; onSaved: (r: PolicySetResult) => void }) {
  const { report } = useErrors();
  const [text, setText] = useState(policy.text);
  const [message, setMessage] = useState("");
  const [checked, setChecked] = useState<{ text: string; check: PolicyCheck } | null>(null);
  const [busy, setBusy] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    let live = true;
    const timer = window.setTimeout(() => {
      api.policyCheck({ text, file: null }).then(
        (check) => live && setChecked({ text, check }),
        (e: unknown) => live && report(e),
      );
    }, CHECK_DELAY_MS);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [text, report]);

  const dirty = text !== policy.text;
  const current = checked?.text === text ? checked.check : null;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const r = await api.policySet({ text, file: null, message: orNull(message) });
      setMessage("");
      onSaved(r);
    } catch (err) {
      report(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="policy-editor" onSubmit={save} aria-label="Edit the policy">
      <label className="field">
        <span className="field-label">Policy TOML</span>
        <textarea
          ref={area}
          className="mono policy-text"
          value={text}
          onChange={(e) => setText(e.target.value)}
          rows={24}
          spellCheck={false}
          data-testid="policy-text"
          aria-describedby="policy-validation"
        />
      </label>
      <div id="policy-validation">
        <Validation check={current ?? checked?.check ?? null} pending={current === null && checked !== null} onLine={(l) => goToLine(area.current, l)} />
      </div>
      <div className="row">
        <label className="field field-grow">
          <span className="field-label">Why (for the record)</span>
          <input value={message} onChange={(e) => setMessage(e.target.value)} data-testid="policy-message" />
        </label>
        <button type="button" className="btn" onClick={() => setText(policy.text)} disabled={!dirty || busy} data-testid="policy-revert">
          Revert
        </button>
        <button
          type="submit"
          className="btn btn-primary"
          disabled={!dirty || busy || current === null || !current.valid}
          data-testid="policy-save"
        >
          {busy ? "Saving…" : "Save as a new revision"}
        </button>
      </div>
      {!dirty ? <p className="small muted">The text is the policy in force; edit it to save a new revision.</p> : null}
      {dirty && current && !current.valid ? <p className="small">Fix the problem above to save.</p> : null}
    </form>
  );
}

function History({ history }: { history: PolicyHistory }) {
  const { report } = useErrors();
  const numbers = [...history.revisions.map((r) => r.number), 0];
  const newest = numbers[0] ?? 0;
  const [from, setFrom] = useState<number>(numbers[1] ?? 0);
  const [to, setTo] = useState<number>(newest);
  const [diff, setDiff] = useState<PolicyDiff | null>(null);
  const [busy, setBusy] = useState(false);

  if (history.revisions.length === 0)
    return <p className="muted" data-testid="policy-history-empty">No policy was set in this workspace yet: the built-in default is in force.</p>;

  const show = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      setDiff(await api.policyDiff(from, to));
    } catch (err) {
      report(err);
    } finally {
      setBusy(false);
    }
  };
  const pick = (value: number, set: (n: number) => void) => (
    <select value={value} onChange={(e) => set(Number(e.target.value))}>
      {numbers.map((n) => (
        <option key={n} value={n}>
          {n === 0 ? "built-in default" : `r${n}`}
        </option>
      ))}
    </select>
  );
  return (
    <div data-testid="policy-history">
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Revision</th>
              <th scope="col">Name</th>
              <th scope="col">Set by</th>
              <th scope="col">When</th>
              <th scope="col">Why</th>
              <th scope="col">sha256</th>
            </tr>
          </thead>
          <tbody>
            {history.revisions.map((r) => (
              <tr key={r.number} data-testid={`policy-revision-${r.number}`}>
                <td>r{r.number}</td>
                <td>{r.name}</td>
                <td>{r.author}</td>
                <td>{formatTime(r.created_at)}</td>
                <td>{r.message || <span className="muted">no message</span>}</td>
                <td className="mono small" title={r.sha256}>
                  {shortDigest(r.sha256)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="row" onSubmit={show} aria-label="Compare two policy revisions">
        <label className="field">
          <span className="field-label">From</span>
          {pick(from, setFrom)}
        </label>
        <label className="field">
          <span className="field-label">To</span>
          {pick(to, setTo)}
        </label>
        <button type="submit" className="btn" disabled={busy} data-testid="policy-diff-show">
          Show the changes
        </button>
      </form>
      {diff ? <DiffView diff={diff} label={revisionLabel} spokenLabel={revisionSpoken} /> : null}
    </div>
  );
}

export function PolicyScreen() {
  const policy = useLoad("policy", () => api.policyShow());
  const history = useLoad("policy-history", () => api.policyHistory());
  const [saved, setSaved] = useState<PolicySetResult | null>(null);
  const p = policy.data;

  return (
    <section className="screen" aria-labelledby="policy-title">
      <header className="screen-header">
        <div>
          <h1 id="policy-title">Governance policy</h1>
          <p className="muted">What each gated promotion is checked against.</p>
        </div>
      </header>
      {saved ? (
        <div className="result" role="status" data-testid="policy-saved">
          {saved.unchanged
            ? `The text equals r${saved.revision.number}, the revision in force: nothing was stored.`
            : `Saved as r${saved.revision.number}; it is in force now.`}
          {saved.warnings.length > 0 ? ` ${saved.warnings.length} warning(s) remain.` : ""}
        </div>
      ) : null}
      {p ? (
        <>
          <InForce policy={p} />
          <h2>Edit</h2>
          <Editor
            key={p.sha256}
            policy={p}
            onSaved={(r) => {
              setSaved(r);
              policy.reload();
              history.reload();
            }}
          />
        </>
      ) : (
        <p className="muted">{policy.failed ? "The policy could not be loaded." : "Loading…"}</p>
      )}
      <h2>History</h2>
      {history.data ? (
        <History key={history.data.revisions.map((r) => r.number).join(",")} history={history.data} />
      ) : (
        <p className="muted">{history.failed ? "The history could not be loaded." : "Loading…"}</p>
      )}
    </section>
  );
}
