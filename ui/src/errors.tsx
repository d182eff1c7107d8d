// The app-wide error banner: every failure from the client lands here with its message.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";
import type { ApiError } from "./api/bindings";
import { toApiError } from "./api/client";

type Shown = ApiError & { id: number };

type ErrorsValue = {
  errors: Shown[];
  report: (error: unknown) => void;
  dismiss: (id: number) => void;
};

const ErrorsContext = createContext<ErrorsValue | null>(null);

export function ErrorsProvider({ children }: { children: ReactNode }) {
  const [errors, setErrors] = useState<Shown[]>([]);
  const nextId = useRef(1);
  const report = useCallback((error: unknown) => {
    const e = toApiError(error);
    const id = nextId.current++;
    setErrors((list) => {
      // The same message twice in a row is one banner, not a stack.
      const last = list[list.length - 1];
      if (last && last.code === e.code && last.message === e.message) return list;
      return [...list, { ...e, id }];
    });
  }, []);
  const dismiss = useCallback((id: number) => setErrors((list) => list.filter((e) => e.id !== id)), []);
  const value = useMemo(() => ({ errors, report, dismiss }), [errors, report, dismiss]);
  return <ErrorsContext.Provider value={value}>{children}</ErrorsContext.Provider>;
}

export function useErrors(): ErrorsValue {
  const value = useContext(ErrorsContext);
  if (!value) throw new Error("useErrors outside ErrorsProvider");
  return value;
}

const CODE_LABEL: Record<ApiError["code"], string> = {
  invalid_input: "Invalid input",
  not_found: "Not found",
  conflict: "Conflict",
  refused: "Refused",
  io: "File error",
  cancelled: "Cancelled",
  newer_schema: "Newer workspace",
  corrupt: "Workspace damaged",
  busy: "Workspace busy",
  keyring: "Keyring",
  untrusted: "Not trusted",
  registry: "Registry",
  internal: "Error",
};

export function ErrorBanner() {
  const { errors, dismiss } = useErrors();
  if (errors.length === 0) return null;
  return (
    <div className="error-stack">
      {errors.map((e) => (
        <div key={e.id} className="error-banner" role="alert" data-testid="error-banner">
          <span className="error-code">{CODE_LABEL[e.code]}</span>
          <span className="error-message" data-testid="error-message">
            {e.message}
          </span>
          <button
            type="button"
            className="btn btn-quiet"
            onClick={() => dismiss(e.id)}
            aria-label={`Dismiss: ${e.message}`}
            data-testid="error-dismiss"
          >
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
