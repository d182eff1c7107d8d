// The stage moves the core offers for a version: allowed ones as buttons (with a confirm
// step and an optional reason), refused ones disabled with the core's reason beside them.
// A promotion shows its gate first: the core evaluates it, the confirm button stays disabled
// while the core says it fails, and the move carries the digest of the report the person saw,
// so the core refuses it if the evidence changed since; then the gate is evaluated again.
import { useEffect, useState } from "react";
import type { ApiError, GateReportView, Stage, StageChangeView, StageMove, StageSetResult, TransitionKind } from "../../api/bindings";
import { toApiError } from "../../api/client";
import { shortDigest } from "../../components/format";
import { STAGE_LABEL, StageChip } from "../../components/StageChip";
import { orNull } from "../../components/text";
import { blockingChecks, gateSummary, STATUS_LABEL } from "./gate";

const VERB: Record<TransitionKind, string> = {
  promote: "Promote to",
  demote: "Demote to",
  rollback: "Roll back to",
  deprecate: "Deprecate:",
  supersede: "Supersede to",
};

function moveLabel(m: StageMove): string {
  if (m.kind === "deprecate") return "Deprecate";
  return m.kind ? `${VERB[m.kind]} ${STAGE_LABEL[m.to]}` : `Move to ${STAGE_LABEL[m.to]}`;
}

type Props = {
  version: string;
  stage: Stage;
  moves: StageMove[];
  /** The core's gate for a promotion to `to`. */
  evaluateGate: (to: Stage) => Promise<GateReportView>;
  /**
   * Performs the move, with the digest of the gate report confirmed (promotions only);
   * rejects with the core's error.
   */
  onMove: (to: Stage, reason: string | null, gateDigest: string | null) => Promise<void>;
  /** Reports the core's error (the error banner). */
  onError: (error: unknown) => void;
};

type Gate =
  | { state: "none" }
  | { state: "evaluating"; to: Stage }
  | { state: "ready"; to: Stage; report: GateReportView }
  | { state: "failed"; to: Stage; error: ApiError };

export function Moves({ version, stage, moves, evaluateGate, onMove, onError }: Props) {
  const [pending, setPending] = useState<StageMove | null>(null);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [gate, setGate] = useState<Gate>({ state: "none" });
  /** Why the gate was evaluated again: the core refused the move the person confirmed. */
  const [changed, setChanged] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const allowed = moves.filter((m) => m.allowed);
  const refused = moves.filter((m) => !m.allowed);
  const gated = pending?.kind === "promote";
  const gatedTo = gated ? pending.to : null;

  useEffect(() => {
    if (!gatedTo) return;
    let live = true;
    evaluateGate(gatedTo).then(
      (report) => live && setGate({ state: "ready", to: gatedTo, report }),
      (e: unknown) => live && setGate({ state: "failed", to: gatedTo, error: toApiError(e) }),
    );
    return () => {
      live = false;
    };
    // `evaluateGate` is a fresh closure each render; the target and generation say when.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [gatedTo, generation]);

  const choose = (m: StageMove | null) => {
    setPending(m);
    setReason("");
    setChanged(null);
    setGate(m?.kind === "promote" ? { state: "evaluating", to: m.to } : { state: "none" });
  };

  const report = gate.state === "ready" && gate.to === gatedTo ? gate.report : null;
  const blocked = gated && !(report?.passed ?? false);

  const confirm = async () => {
    if (!pending || blocked) return;
    setBusy(true);
    try {
      await onMove(pending.to, orNull(reason), gated && report ? report.digest : null);
      choose(null);
    } catch (e) {
      const err = toApiError(e);
      onError(err);
      if (gated && (err.code === "conflict" || err.code === "refused")) {
        setChanged(err.message);
        setGate({ state: "evaluating", to: pending.to });
        setGeneration((g) => g + 1);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="moves" data-testid="moves">
      {allowed.length === 0 ? <p className="muted">No stage move is allowed from here right now.</p> : null}
      <ul className="move-list">
        {allowed.map((m) => (
          <li key={m.to} className="move">
            <button
              type="button"
              className={`btn move-btn move-${m.kind ?? "move"}`}
              data-testid={`move-${m.to}`}
              aria-pressed={pending?.to === m.to}
              onClick={() => choose(m)}
              disabled={busy}
            >
              {moveLabel(m)}
            </button>
            <span className="move-reason small">{m.reason}</span>
          </li>
        ))}
      </ul>

      {pending ? (
        <div className="confirm" role="group" aria-label="Confirm stage move" data-testid="confirm-panel">
          <p>
            Move <span className="strong mono">{version}</span> from <StageChip stage={stage} /> to{" "}
            <StageChip stage={pending.to} />?
          </p>
          <p className="small">{pending.reason}</p>
          {changed ? (
            <div className="flag flag-missing" role="alert" data-testid="gate-changed">
              The core refused the move: {changed} — the gate was evaluated again; check the report below.
            </div>
          ) : null}
          {gated ? <PromoteGate gate={gate} report={report} /> : null}
          <label className="field">
            <span className="field-label">Reason for the record (optional)</span>
            <textarea
              rows={2}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              data-testid="move-reason"
              autoFocus
            />
          </label>
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => choose(null)} disabled={busy}>
              Cancel
            </button>
            <button
              type="button"
              className="btn btn-primary"
              onClick={confirm}
              disabled={busy || blocked}
              aria-describedby={gated ? "promote-gate" : undefined}
              data-testid="confirm-move"
            >
              {busy ? "Moving…" : `Confirm: ${moveLabel(pending)}`}
            </button>
          </div>
        </div>
      ) : null}

      {refused.length > 0 ? (
        <>
          <h3 className="small-heading">Not allowed now</h3>
          <ul className="move-list">
            {refused.map((m) => (
              <li key={m.to} className="move move-refused">
                <button
                  type="button"
                  className="btn move-btn"
                  data-testid={`move-${m.to}`}
                  disabled
                  aria-describedby={`refused-${m.to}`}
                >
                  {`Move to ${STAGE_LABEL[m.to]}`}
                </button>
                <span id={`refused-${m.to}`} className="move-reason small" data-testid={`refused-reason-${m.to}`}>
                  {m.reason}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

/** The gate in the confirm step: evaluating, the core's error, or its verdict with what stops it. */
function PromoteGate({ gate, report }: { gate: Gate; report: GateReportView | null }) {
  if (gate.state === "failed")
    return (
      <div id="promote-gate" className="flag flag-missing" role="alert" data-testid="promote-gate-error">
        The gate could not be evaluated, so the promotion cannot be confirmed: {gate.error.message}
      </div>
    );
  if (!report)
    return (
      <p id="promote-gate" className="muted" role="status" data-testid="promote-gate-evaluating">
        Evaluating the gate…
      </p>
    );
  const stops = blockingChecks(report);
  return (
    <div id="promote-gate" className="promote-gate" data-testid="promote-gate" data-passed={report.passed} role="status">
      <p>
        <span className={`gate-mark ${report.passed ? "gate-mark-pass" : "gate-mark-fail"}`}>
          {report.passed ? "Gate passes" : "Gate fails"}
        </span>{" "}
        <span className="strong" data-testid="promote-gate-summary">
          {gateSummary(report.counts)}
        </span>{" "}
        <span className="small muted">
          report <span className="mono" title={report.digest}>{shortDigest(report.digest)}</span>
        </span>
      </p>
      {report.passed ? null : (
        <>
          <p className="small">The promotion cannot be confirmed while the gate fails. What stops it:</p>
          <ul className="gate-blocking small" data-testid="promote-gate-blocking">
            {stops.map((c) => (
              <li key={c.id} data-testid={`blocking-${c.id}`}>
                <span className="mono strong">{c.id}</span> ({STATUS_LABEL[c.status].toLowerCase()}): expected {c.expected};
                observed {c.observed}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** What a stage_set did, the requested change first, then its side effects. */
export function StageResult({ result, onDismiss }: { result: StageSetResult; onDismiss: () => void }) {
  return (
    <div className="result" role="status" data-testid="stage-result">
      <div className="result-head">
        <span className="strong">Stage changed</span>
        <button type="button" className="btn btn-quiet btn-small" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
      <ul className="changes">
        {result.changes.map((c: StageChangeView, i) => (
          <li key={`${c.version}-${i}`} data-testid="stage-change">
            <span className="mono strong">{c.version}</span>: {STAGE_LABEL[c.from]} → {STAGE_LABEL[c.to]}{" "}
            <span className="muted">({i === 0 ? c.kind : `side effect: ${c.kind}`})</span>
          </li>
        ))}
      </ul>
      {result.release ? (
        <dl className="kv release" data-testid="release-record">
          <dt>Release record</dt>
          <dd data-testid="release-seq">#{result.release.seq}</dd>
          <dt>Digest</dt>
          <dd className="mono break" data-testid="release-digest">
            {result.release.digest}
          </dd>
          <dt>Rollback target</dt>
          <dd className="mono" data-testid="release-rollback">
            {result.release.rollback_target ?? "none"}
          </dd>
          {result.release.waived_checks.length > 0 ? (
            <>
              <dt>Passed by waiver</dt>
              <dd className="mono">{result.release.waived_checks.join(", ")}</dd>
            </>
          ) : null}
          <dt>Git tag</dt>
          <dd className="mono">{result.release.git_tag}</dd>
        </dl>
      ) : null}
    </div>
  );
}
