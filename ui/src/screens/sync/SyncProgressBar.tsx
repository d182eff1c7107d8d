// How far a running sync has got, as the core reports it: connecting, then model by model,
// reading each and sending its operations.
import type { SyncProgress } from "../../api/bindings";
import { ProgressTrack } from "../../components/ProgressBar";

export function syncProgressText(p: SyncProgress | null): string {
  if (!p) return "Starting…";
  const of = p.models_total > 0 ? ` (model ${Math.min(p.models_done + 1, p.models_total)} of ${p.models_total})` : "";
  switch (p.phase) {
    case "connecting":
      return "Connecting to the registry…";
    case "reading":
      return `Reading ${p.model ?? "the next model"}${of}`;
    case "sending":
      return `Sending ${p.model ?? "a model"}: ${p.ops_done} of ${p.ops_total} operations${of}`;
    default:
      return `${p.phase}${p.model ? ` ${p.model}` : ""}${of}`;
  }
}

function fraction(p: SyncProgress | null): number | null {
  if (!p) return null;
  if (p.models_total === 0) return 0;
  const within = p.ops_total > 0 ? p.ops_done / p.ops_total : 0;
  return Math.min(1, (p.models_done + within) / p.models_total);
}

export function SyncProgressBar({ progress }: { progress: SyncProgress | null }) {
  return (
    <ProgressTrack
      fraction={fraction(progress)}
      text={syncProgressText(progress)}
      label="Sync progress"
      testId="sync-progress"
      textTestId="sync-progress-text"
    />
  );
}
