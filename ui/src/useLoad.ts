// Loads data for a key through the client; failures go to the error banner. No state is set
// synchronously inside the effect; stale data stays visible while the next key loads: "loading" is derived from which key the data belongs to.
import { useCallback, useEffect, useState } from "react";
import { useErrors } from "./errors";

type Loaded<T> = { key: string; data: T | null; failed: boolean };

export type LoadState<T> = {
  data: T | null;
  loading: boolean;
  failed: boolean;
  reload: () => void;
  /** Replaces the data for the current key (after a write that returned the new value). */
  set: (data: T) => void;
};

export function useLoad<T>(key: string, load: () => Promise<T>): LoadState<T> {
  const { report } = useErrors();
  const [state, setState] = useState<Loaded<T> | null>(null);
  const [generation, setGeneration] = useState(0);
  const fullKey = `${generation}\u0000${key}`;

  useEffect(() => {
    let live = true;
    load().then(
      (data) => {
        if (live) setState({ key: fullKey, data, failed: false });
      },
      (e: unknown) => {
        if (!live) return;
        report(e);
        setState({ key: fullKey, data: null, failed: true });
      },
    );
    return () => {
      live = false;
    };
    // `load` is a fresh closure each render; the key says when to load again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fullKey, report]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const set = useCallback((data: T) => setState({ key: fullKey, data, failed: false }), [fullKey]);

  const current = state?.key === fullKey ? state : null;
  // While the next key loads, keep showing the last data (no flash of an empty list).
  return {
    data: current ? current.data : (state?.data ?? null),
    loading: current === null,
    failed: current?.failed ?? false,
    reload,
    set,
  };
}
