// Runs a long core operation with progress events and a Cancel that calls operation_cancel.
import { useCallback, useRef, useState } from "react";
import type { Progress } from "../api/bindings";
import { api, newOperationId, subscribeProgress } from "../api/client";

export type LongOperation = {
  running: boolean;
  progress: Progress | null;
  run: <T>(start: (operation: string) => Promise<T>) => Promise<T>;
  cancel: () => Promise<void>;
};

export function useLongOperation(): LongOperation {
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const current = useRef<string | null>(null);

  const run = useCallback(async <T,>(start: (operation: string) => Promise<T>): Promise<T> => {
    const operation = newOperationId();
    current.current = operation;
    setProgress(null);
    setRunning(true);
    const unlisten = await subscribeProgress(operation, (e) => setProgress(e.progress));
    try {
      return await start(operation);
    } finally {
      unlisten();
      current.current = null;
      setRunning(false);
    }
  }, []);

  const cancel = useCallback(async () => {
    const operation = current.current;
    if (operation) await api.operationCancel(operation);
  }, []);

  return { running, progress, run, cancel };
}
