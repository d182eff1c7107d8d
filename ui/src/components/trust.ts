// Words for the trust layer's wire values. The states themselves are decided by the core on
// every read; this only names them (an unknown state is shown as the core spells it).
import type { Decision, Role } from "../api/bindings";
import { toApiError } from "../api/client";

export const ROLE_LABEL: Record<Role, string> = {
  "model-owner": "Model owner",
  "product-ux": "Product / UX",
  "security-privacy": "Security / privacy",
  "responsible-ai-legal": "Responsible AI / legal",
  sre: "SRE",
  "guardrail-service": "Guardrail service key",
};

/** The five review roles, in the seed's order (the service key's role is no review role). */
export const ROLES = (Object.keys(ROLE_LABEL) as Role[]).filter((r) => r !== "guardrail-service");

export const DECISION_LABEL: Record<Decision, string> = {
  approve: "Approved",
  "request-changes": "Requested changes",
  reject: "Rejected",
};

const STATE_LABEL: Record<string, string> = {
  current: "Current",
  stale: "Stale",
  "invalid-signature": "Invalid signature",
  "not-in-roster": "Signer not in roster",
  "role-not-granted": "Role not granted",
  "revoked-key": "Revoked key",
  "wrong-version": "Signed for another version",
};

export function stateLabel(state: string): string {
  return STATE_LABEL[state] ?? state;
}

/** A roster_show rejection meaning "this workspace has no roster yet": null, not an error. */
export function noRoster(e: unknown): null {
  const err = toApiError(e);
  if (err.code === "not_found") return null;
  throw err;
}
