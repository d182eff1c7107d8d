// A model's release records as the core lists and verifies them (oldest first): what each
// signed record says, its git tag, and every problem verification found, with the first broken
// part of the chain named. And the one-action rollback: a confirmation that asks for the
// incident and the reason, then the record the core wrote and how long it took.
import { useState, type FormEvent } from "react";
import type { RecordPart, ReleaseList, ReleaseView, RollbackResult } from "../../api/bindings";
import { api } from "../../api/client";
import { Dialog } from "../../components/Dialog";
import { formatTime, shortDigest } from "../../components/format";
import { STAGE_LABEL, StageChip } from "../../components/StageChip";
import { useErrors } from "../../errors";
import { href } from "../../router";
import "../version/gate.css";
import "./releases.css";

export const PART_LABEL: Record<RecordPart, string> = {
  signature: "signature",
  signer: "signer",
  chain: "chain link",
  row: "stored row",
  artifact: "artifact digest",
  dataset: "dataset manifest",
  document: "document revision",
  evaluation: "evaluation evidence",
  envelope: "envelope",
  gate: "gate report",
};

function Gate({ r }: { r: ReleaseView }) {
  if (r.gate_passed === null) return <span className="muted">not gated ({r.kind})</span>;
  return (
    <span>
      <span className={`gate-mark ${r.gate_passed ? "gate-mark-pass" : "gate-mark-fail"}`}>
        {r.gate_passed ? "gate passed" : "gate failed"}
      </span>
      {r.gate_digest ? (
        <>
          {" "}
          <span className="mono small" title={r.gate_digest}>
            {shortDigest(r.gate_digest)}
          </span>
        </>
      ) : null}
      {r.waived_checks.length > 0 ? (
        <span className="small" data-testid="release-waived">
          {" "}
          · waived: <span className="mono">{r.waived_checks.join(", ")}</span>
        </span>
      ) : null}
    </span>
  );
}

function Tag({ r }: { r: ReleaseView }) {
  if (!r.tag)
    return (
      <span className="muted" data-testid="release-tag" data-tag="none">
        <span className="mono">{r.git_tag}</span> not made: the model is not linked to a git repository
      </span>
    );
  return (
    <span data-testid="release-tag" data-tag={r.tag.created ? "created" : "missing"}>
      <span className="mono">{r.tag.tag}</span> {r.tag.created ? "made" : <strong>not made</strong>}: {r.tag.detail}
    </span>
  );
}

function Record({ r }: { r: ReleaseView }) {
  const ok = r.problems.length === 0;
  return (
    <li className={`release ${ok ? "" : "release-broken"}`} data-testid={`release-${r.seq}`} data-verified={ok}>
      <div className="release-head">
        <span className="strong">#{r.seq}</span> <span className={`kind kind-${r.kind}`}>{r.kind}</span>{" "}
        <a className="strong mono" href={href.version(r.model, r.version)}>
          {r.version}
        </a>{" "}
        <span className="timeline-move" aria-label={`from ${STAGE_LABEL[r.from]} to ${STAGE_LABEL[r.to]}`}>
          <StageChip stage={r.from} />
          <span aria-hidden="true" className="arrow">
            →
          </span>
          <StageChip stage={r.to} />
        </span>{" "}
        <span className={`gate-mark ${ok ? "gate-mark-pass" : "gate-mark-fail"}`} data-testid="release-verified">
          {ok ? "Verified" : `${r.problems.length} ${r.problems.length === 1 ? "problem" : "problems"}`}
        </span>
      </div>
      <dl className="gate-kv small">
        <dt>Signed</dt>
        <dd>
          by {r.signer_name} <span className="mono muted">{r.signer_fingerprint}</span> ·{" "}
          <time dateTime={r.recorded_at}>{formatTime(r.recorded_at)}</time>
        </dd>
        <dt>Gate</dt>
        <dd>
          <Gate r={r} />
        </dd>
        <dt>Approvals</dt>
        <dd data-testid="release-approvals">{r.approvals} counted</dd>
        <dt>Rollback target</dt>
        <dd className="mono" data-testid="release-rollback-target">
          {r.rollback_target ?? <span className="muted">none</span>}
        </dd>
        {r.incident ? (
          <>
            <dt>Incident</dt>
            <dd data-testid="release-incident">{r.incident}</dd>
          </>
        ) : null}
        <dt>Reason</dt>
        <dd>{r.reason || <span className="muted">none given</span>}</dd>
        <dt>Git tag</dt>
        <dd>
          <Tag r={r} />
        </dd>
        <dt>Record</dt>
        <dd className="mono" title={r.digest}>
          {shortDigest(r.digest)}
        </dd>
      </dl>
      {ok ? null : (
        <ul className="gate-notes small" aria-label={`What does not hold in record ${r.seq}`} data-testid="release-problems">
          {r.problems.map((p, i) => (
            <li key={i}>
              <strong>{PART_LABEL[p.part]}</strong>: {p.message}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

export function ReleaseTimeline({ list }: { list: ReleaseList }) {
  if (list.records.length === 0)
    return (
      <p className="muted" data-testid="releases-none">
        No release record yet: the first gated promotion writes one.
      </p>
    );
  const b = list.first_broken;
  return (
    <div data-testid="releases">
      <p data-testid="releases-verdict">
        <span className={`gate-mark ${list.ok ? "gate-mark-pass" : "gate-mark-fail"}`}>
          {list.ok ? "Chain verified" : "Chain broken"}
        </span>{" "}
        {list.records.length} {list.records.length === 1 ? "record" : "records"}
        {b ? (
          <span data-testid="releases-first-broken">
            {" "}
            · first broken: record #{b.seq}, its {PART_LABEL[b.part]}: {b.message}
          </span>
        ) : null}
      </p>
      <ol className="releases">
        {list.records.map((r) => (
          <Record key={r.seq} r={r} />
        ))}
      </ol>
    </div>
  );
}

/** The confirmation of a rollback, and what the core did. */
export function RollbackDialog({ model, production, target, onClose, onDone }: {
  model: string;
  production: string;
  target: string;
  onClose: () => void;
  onDone: (result: RollbackResult) => void;
}) {
  const { report } = useErrors();
  const [incident, setIncident] = useState("");
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<RollbackResult | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const empty = incident.trim() === "" ? "incident" : reason.trim() === "" ? "reason" : null;
    if (empty) {
      setMissing(empty);
      document.querySelector<HTMLElement>(`[data-testid="rollback-${empty}"]`)?.focus();
      return;
    }
    setMissing(null);
    setBusy(true);
    try {
      const r = await api.rollback({ model, incident: incident.trim(), reason: reason.trim() });
      setResult(r);
      onDone(r);
    } catch (err) {
      report(err);
    } finally {
      setBusy(false);
    }
  };

  if (result) {
    const r = result.release;
    return (
      <Dialog title={`Rolled back ${model}`} onClose={onClose} testId="rollback-dialog">
        <div role="status" data-testid="rollback-result">
          <p>
            <span className="mono strong">{result.serving}</span> serves production again;{" "}
            <span className="mono">{result.rolled_back}</span> left production.
          </p>
          <p>
            Release record #{r.seq} ({r.kind}, incident {r.incident ?? "none"}) signed by {r.signer_name}:{" "}
            <span className="mono" title={r.digest}>
              {shortDigest(r.digest)}
            </span>
          </p>
          <p data-testid="rollback-elapsed">
            From request to committed record: <strong>{result.elapsed_ms} ms</strong>
          </p>
        </div>
        <div className="form-actions">
          <button type="button" className="btn btn-primary" onClick={onClose} data-testid="rollback-close">
            Close
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title={`Roll back ${model}?`} onClose={onClose} testId="rollback-dialog" busy={busy}>
      <form className="form" onSubmit={submit} noValidate>
        <p>
          <span className="mono strong">{target}</span> (the rollback target) will serve production again and{" "}
          <span className="mono">{production}</span> will leave production. A signed release record names the incident.
        </p>
        <label className="field">
          <span className="field-label">Incident reference</span>
          <input
            value={incident}
            onChange={(e) => setIncident(e.target.value)}
            placeholder="INC-2041 or a page link"
            aria-invalid={missing === "incident"}
            aria-describedby="rollback-error"
            data-testid="rollback-incident"
          />
        </label>
        <label className="field">
          <span className="field-label">Reason</span>
          <textarea
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            rows={3}
            aria-invalid={missing === "reason"}
            aria-describedby="rollback-error"
            data-testid="rollback-reason"
          />
        </label>
        {missing ? (
          <p id="rollback-error" className="flag flag-missing" role="alert" data-testid="rollback-error">
            {missing === "incident"
              ? "Incident reference is empty: name the ticket or page behind this rollback."
              : "Reason is empty: say why production is rolled back."}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="btn btn-danger" disabled={busy} data-testid="rollback-confirm">
            {busy ? "Rolling back…" : `Roll back to ${target}`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
