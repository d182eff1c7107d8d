import type { StageEvent } from "../api/bindings";
import { formatTime } from "./format";
import { STAGE_LABEL, StageChip } from "./StageChip";

/** Stage changes, oldest first, exactly as the core lists them. */
export function Timeline({ events, showVersion = true }: { events: StageEvent[]; showVersion?: boolean }) {
  if (events.length === 0) {
    return (
      <p className="muted" data-testid="timeline">
        No stage changes recorded yet.
      </p>
    );
  }
  return (
    <ol className="timeline" data-testid="timeline">
      {events.map((e, i) => (
        <li key={i} className="timeline-item" data-testid="timeline-item">
          <div className="timeline-when muted small">
            <time dateTime={e.at}>{formatTime(e.at)}</time>
          </div>
          <div className="timeline-body">
            <div className="timeline-head">
              <span className={`kind kind-${e.kind}`}>{e.kind}</span>
              {showVersion ? <span className="strong mono">{e.version}</span> : null}
              <span className="timeline-move" aria-label={`from ${e.from ? STAGE_LABEL[e.from] : "nothing"} to ${STAGE_LABEL[e.to]}`}>
                {e.from ? <StageChip stage={e.from} /> : <span className="muted small">new</span>}
                <span aria-hidden="true" className="arrow">
                  →
                </span>
                <StageChip stage={e.to} />
              </span>
            </div>
            <div className="small">
              {e.reason ? <span>{e.reason}</span> : <span className="muted">No reason given</span>}
              <span className="muted"> · by {e.actor}</span>
            </div>
          </div>
        </li>
      ))}
    </ol>
  );
}
