import type { Progress } from "../api/bindings";
import { formatBytes } from "./format";

/** A progress track: `fraction` of 0–1 done (none while nothing is known yet) and the words under it. */
export function ProgressTrack({ fraction, text, label, testId, textTestId }: { fraction: number | null; text: string; label: string; testId: string; textTestId?: string }) {
  const pct = fraction === null ? 0 : Math.min(100, Math.round(fraction * 100));
  return (
    <div className="progress" data-testid={testId}>
      <div
        className="progress-track"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={fraction === null ? undefined : pct}
        aria-label={label}
      >
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <div className="progress-text muted" data-testid={textTestId}>
        {text}
      </div>
    </div>
  );
}

export function ProgressBar({ progress }: { progress: Progress | null }) {
  const total = progress?.total_bytes ?? 0;
  const done = progress?.done_bytes ?? 0;
  return (
    <ProgressTrack
      fraction={progress ? (total > 0 ? done / total : 0) : null}
      label="Progress"
      testId="progress"
      text={
        progress
          ? `${progress.phase}: ${progress.done_files} of ${progress.total_files} files, ${formatBytes(done)} of ${formatBytes(total)}`
          : "Starting…"
      }
    />
  );
}
