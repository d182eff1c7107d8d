// The stage moves the core offers for a version: allowed ones as buttons (with a confirm
// step and an optional reason), refused ones disabled with the core's reason beside them.
import { useState } from "react";
import type { Stage, StageChangeView, StageMove, StageSetResult, TransitionKind } from "../../api/bindings";
import { STAGE_LABEL, StageChip } from "../../components/StageChip";
import { orNull } from "../../components/text";

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
  /** Performs the move; resolves when done (errors are reported by the caller). */
  onMove: (to: Stage, reason: string | null) => Promise<void>;
};

export function Moves({ version, stage, moves, onMove }: Props) {
  const [pending, setPending] = useState<StageMove | null>(null);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const allowed = moves.filter((m) => m.allowed);
  const refused = moves.filter((m) => !m.allowed);

  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    try {
      await onMove(pending.to, orNull(reason));
      setPending(null);
      setReason("");
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
              onClick={() => {
                setPending(m);
                setReason("");
              }}
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
            <button type="button" className="btn" onClick={() => setPending(null)} disabled={busy}>
              Cancel
            </button>
            <button type="button" className="btn btn-primary" onClick={confirm} disabled={busy} data-testid="confirm-move">
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
    </div>
  );
}
