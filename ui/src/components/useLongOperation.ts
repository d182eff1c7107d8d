// Runs a long core operation with progress events and a Cancel that calls operation_cancel.
// Hashing and imports report `Progress` on the progress event; a sync reports `SyncProgress`
// on its own event, through the subscription it is given.
import { useCallback, useRef, useState } from "react";
import type { UnlistenFn } from "@tauri-apps/api/event";
import type { Progress } from "../api/bindings";
import { api, newOperationId, subscribeProgress } from "../api/client";

export type LongOperation<P = Progress> = {
  running: boolean;
  progress: P | null;
  run: <T>(start: (operation: string) => Promise<T>) => Promise<T>;
  cancel: () => Promise<void>;
};

type Subscribe<P> = (operation: string, onProgress: (event: { progress: P }) => void) => Promise<UnlistenFn>;

export function useLongOperation(): LongOperation;
export function useLongOperation<P>(subscribe: Subscribe<P>): LongOperation<P>;
export function useLongOperation<P>(subscribe?: Subscribe<P>): LongOperation<P> {
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<P | null>(null);
  const current = useRef<string | null>(null);
  const subscribeTo = (subscribe ?? subscribeProgress) as Subscribe<P>;

  const run = useCallback(
    async <T,>(start: (operation: string) => Promise<T>): Promise<T> => {
      const operation = newOperationId();
      current.current = operation;
      setProgress(null);
      setRunning(true);
      const unlisten = await subscribeTo(operation, (e) => setProgress(e.progress));
      try {
        return await start(operation);
      } finally {
        unlisten();
        current.current = null;
        setRunning(false);
      }
    },
    [subscribeTo],
  );

  const cancel = useCallback(async () => {
    const operation = current.current;
    if (operation) await api.operationCancel(operation);
  }, []);

  return { running, progress, run, cancel };
}
