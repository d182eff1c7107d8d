// Test helper: answers invoke calls from a table of handlers and records every call.
import { mockIPC } from "@tauri-apps/api/mocks";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import type { ModelSummary, VersionDetail } from "../api/bindings";
import { ErrorBanner, ErrorsProvider } from "../errors";

export type Call = { cmd: string; args: Record<string, unknown> };
type Handler = (args: Record<string, unknown>) => unknown;

export function mockBackend(handlers: Record<string, Handler>): Call[] {
  const calls: Call[] = [];
  mockIPC(
    (cmd, payload) => {
      const args = (payload ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args });
      const h = handlers[cmd];
      if (!h) throw { code: "internal", message: `unexpected command ${cmd}` };
      return h(args);
    },
    { shouldMockEvents: true },
  );
  return calls;
}

export function renderWithErrors(ui: ReactElement) {
  return render(
    <ErrorsProvider>
      <ErrorBanner />
      {ui}
    </ErrorsProvider>,
  );
}

export function model(name: string, extra: Partial<ModelSummary> = {}): ModelSummary {
  return {
    name,
    title: name,
    owner: "team",
    description: "",
    risk_tier: "medium",
    versions: [],
    production: null,
    created_at: "2025-09-01T09:00:00Z",
    ...extra,
  };
}

export function versionDetail(extra: Partial<VersionDetail> = {}): VersionDetail {
  return {
    model: "fraud-scorer",
    version: "1.2.0-3",
    stage: "canary",
    artifacts: {
      bundle_digest: "sha256:" + "a".repeat(64),
      bundle_uri: "s3://b/bundle",
      code_commit: null,
      config_digest: null,
      config_uri: null,
      missing: ["commit", "config"],
    },
    datasets: [],
    moves: [
      { to: "production", allowed: true, kind: "promote", reason: "promote: becomes the default serving path" },
      { to: "candidate", allowed: true, kind: "demote", reason: "demote: withdraw the canary" },
      { to: "experiment", allowed: false, kind: null, reason: "a canary goes back one stage at a time" },
    ],
    history: [],
    created_at: "2025-09-01T09:00:00Z",
    ...extra,
  };
}

/** Trust answers for screens whose tests are about something else: no approvals, no waivers, no roster. */
export function noApprovals(model = "fraud-scorer", version = "1.2.0-3"): Record<string, Handler> {
  return {
    approval_list: () => ({ model, version, roster_root_fingerprint: null, approvals: [] }),
    roster_show: () => {
      throw { code: "not_found", message: "this workspace has no trust roster" };
    },
    key_show: () => {
      throw { code: "keyring", message: "no identity in the OS keyring" };
    },
    waivers: () => [],
    review_subject: (a) => ({ target: `${model}@${version}`, target_stage: a.to, subject_digest: "sha256:" + "0".repeat(64), items: [] }),
  };
}
