// The identity that signs, from the core. "No identity yet" is a state of its own, not an
// error: the core answers code `keyring` with what to do, which the screens show in place.
import { useCallback, useEffect, useState } from "react";
import type { IdentityView } from "../api/bindings";
import { api, toApiError } from "../api/client";
import { useErrors } from "../errors";

export type IdentityState = {
  identity: IdentityView | null;
  /** The core's words when there is no usable identity (keyring errors). */
  missing: string | null;
  loading: boolean;
  set: (identity: IdentityView) => void;
};

export function useIdentity(): IdentityState {
  const { report } = useErrors();
  const [state, setState] = useState<{ identity: IdentityView | null; missing: string | null; loading: boolean }>({
    identity: null,
    missing: null,
    loading: true,
  });
  useEffect(() => {
    let live = true;
    api.keyShow().then(
      (identity) => live && setState({ identity, missing: null, loading: false }),
      (e: unknown) => {
        if (!live) return;
        const err = toApiError(e);
        if (err.code === "keyring") setState({ identity: null, missing: err.message, loading: false });
        else {
          report(err);
          setState({ identity: null, missing: null, loading: false });
        }
      },
    );
    return () => {
      live = false;
    };
  }, [report]);
  const set = useCallback((identity: IdentityView) => setState({ identity, missing: null, loading: false }), []);
  return { ...state, set };
}
