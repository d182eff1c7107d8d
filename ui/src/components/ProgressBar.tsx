import type { Progress } from "../api/bindings";
import { formatBytes } from "./format";

export function ProgressBar({ progress }: { progress: Progress | null }) {
  const total = progress?.total_bytes ?? 0;
  const done = progress?.done_bytes ?? 0;
  const pct = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  return (
    <div className="progress" data-testid="progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={progress ? pct : undefined}
        aria-label="Progress"
      >
        <div className="progress-fill" style={{ width: `${progress ? pct : 0}%` }} />
      </div>
      <div className="progress-text muted">
        {progress
          ? `${progress.phase}: ${progress.done_files} of ${progress.total_files} files, ${formatBytes(done)} of ${formatBytes(total)}`
          : "Starting…"}
      </div>
    </div>
  );
}
