// The shell's registry-sync indicator, on every screen: the last sync's time and outcome, how
// many changes wait for the registry and how many conflicts the pulls found, or the running
// sync's progress. It opens the Sync screen.
import { formatTime } from "../../components/format";
import { href } from "../../router";
import { useSync } from "./SyncContext";
import { syncProgressText } from "./SyncProgressBar";
import "./sync.css";

export function SyncIndicator() {
  const { status, op } = useSync();
  if (!status) return null;
  const waiting = status.waiting.length;
  const last = status.last_sync;
  const conflicts = status.conflicts.length;
  return (
    <a
      href={href.sync()}
      className="sync-indicator"
      data-testid="sync-indicator"
      aria-label={`Registry sync: ${waiting} waiting${conflicts ? `, ${conflicts} conflicts` : ""}`}
    >
      <span className="sync-indicator-title">Registry sync</span>
      {op.running ? (
        <span className="small" data-testid="sync-indicator-running">
          {syncProgressText(op.progress)}
        </span>
      ) : !status.url ? (
        <span className="small muted" data-testid="sync-indicator-unset">
          No registry set
        </span>
      ) : last ? (
        <span className={`small ${last.error ? "sync-failed" : "muted"}`} data-testid="sync-indicator-last" data-outcome={last.error ? "failed" : "ok"}>
          {last.error ? "Last sync failed" : "Last sync"} {formatTime(last.at)}
        </span>
      ) : (
        <span className="small muted" data-testid="sync-indicator-last" data-outcome="never">
          Never synced
        </span>
      )}
      <span className="small">
        <span data-testid="sync-waiting-count">{waiting}</span> waiting
        {conflicts ? (
          <>
            {" · "}
            <span className="sync-failed" data-testid="sync-conflict-count">
              {conflicts}
            </span>{" "}
            {conflicts === 1 ? "conflict" : "conflicts"}
          </>
        ) : null}
      </span>
    </a>
  );
}
