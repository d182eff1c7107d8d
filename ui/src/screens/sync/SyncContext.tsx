// The registry sync the whole shell shares: the core's sync status (what waits, the last sync,
// the conflicts), reloaded on every navigation and every 15 s so the shell's indicator stays
// true from any screen, and the one sync the studio may run at a time, with its progress and
// Cancel, which keeps running while the person moves between screens.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { SyncProgress, SyncReport, SyncRequest, SyncStatusView } from "../../api/bindings";
import { api, subscribeSyncProgress } from "../../api/client";
import { useLongOperation, type LongOperation } from "../../components/useLongOperation";
import { useErrors } from "../../errors";

const POLL_MS = 15_000;

export type SyncState = {
  status: SyncStatusView | null;
  reloadStatus: () => void;
  op: LongOperation<SyncProgress>;
  /** The report of the newest sync run from this window, until the next one starts. */
  lastReport: SyncReport | null;
  /** Runs a sync; its failure goes to the error banner and the answer is null. */
  start: (req: SyncRequest) => Promise<SyncReport | null>;
  /** Bumped when a sync ends, so screens showing its findings load them again. */
  generation: number;
};

const SyncContext = createContext<SyncState | null>(null);

export function SyncProvider({ children }: { children: ReactNode }) {
  const { report } = useErrors();
  const [status, setStatus] = useState<SyncStatusView | null>(null);
  const [lastReport, setLastReport] = useState<SyncReport | null>(null);
  const [generation, setGeneration] = useState(0);
  const op = useLongOperation(subscribeSyncProgress);
  // A status that cannot be read is reported once, not every 15 s.
  const failing = useRef(false);

  const reloadStatus = useCallback(() => {
    api.syncStatus().then(
      (s) => {
        failing.current = false;
        setStatus(s);
      },
      (e: unknown) => {
        if (failing.current) return;
        failing.current = true;
        report(e);
      },
    );
  }, [report]);

  useEffect(() => {
    reloadStatus();
    const timer = window.setInterval(reloadStatus, POLL_MS);
    window.addEventListener("hashchange", reloadStatus);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener("hashchange", reloadStatus);
    };
  }, [reloadStatus]);

  const { run } = op;
  const start = useCallback(
    async (req: SyncRequest): Promise<SyncReport | null> => {
      setLastReport(null);
      try {
        const r = await run((operation) => api.syncRun(req, operation));
        setLastReport(r);
        return r;
      } catch (e) {
        report(e);
        return null;
      } finally {
        setGeneration((g) => g + 1);
        reloadStatus();
      }
    },
    [run, report, reloadStatus],
  );

  const value = useMemo(
    () => ({ status, reloadStatus, op, lastReport, start, generation }),
    [status, reloadStatus, op, lastReport, start, generation],
  );
  return <SyncContext.Provider value={value}>{children}</SyncContext.Provider>;
}

export function useSync(): SyncState {
  const value = useContext(SyncContext);
  if (!value) throw new Error("useSync outside SyncProvider");
  return value;
}
