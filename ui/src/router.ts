// A hash router: the app is served from files under a strict CSP, so routes live in the hash.
import { useSyncExternalStore } from "react";
import type { DocumentKind } from "./api/bindings";

const DOCUMENT_KINDS: readonly string[] = [
  "model-card",
  "data-sheet",
  "risk-assessment",
  "eval-report",
  "runbook",
  "rollout-plan",
  "ai-impact-assessment",
  "post-market-monitoring-plan",
  "declaration-of-conformity",
] satisfies DocumentKind[];

export type Route =
  | { name: "home" }
  | { name: "model"; model: string }
  | { name: "operations"; model: string }
  | { name: "version"; model: string; version: string }
  | { name: "approvals"; model: string; version: string }
  | { name: "evaluations"; model: string; version: string }
  | { name: "coverage"; model: string; version: string; pack: string | null }
  | { name: "dataset"; reference: string }
  | { name: "document"; target: string; kind: DocumentKind }
  | { name: "audit" }
  | { name: "settings" }
  | { name: "roster" }
  | { name: "policy" }
  | { name: "packet"; path: string }
  | { name: "sync" }
  | { name: "sync-conflicts" }
  | { name: "sync-ungoverned" }
  | { name: "sync-merge"; target: string; kind: DocumentKind }
  | { name: "not-found"; path: string };

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, "") || "/";
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const [a, b, c, d] = parts;
  if (parts.length === 0) return { name: "home" };
  if (a === "models" && b !== undefined && parts.length === 2) return { name: "model", model: b };
  if (a === "models" && b !== undefined && c === "operations" && parts.length === 3) return { name: "operations", model: b };
  if (a === "models" && b !== undefined && c === "versions" && d !== undefined && parts.length === 4)
    return { name: "version", model: b, version: d };
  if (a === "models" && b !== undefined && c === "versions" && d !== undefined && parts[4] === "approvals" && parts.length === 5)
    return { name: "approvals", model: b, version: d };
  if (a === "models" && b !== undefined && c === "versions" && d !== undefined && parts[4] === "evaluations" && parts.length === 5)
    return { name: "evaluations", model: b, version: d };
  if (a === "models" && b !== undefined && c === "versions" && d !== undefined && parts[4] === "coverage" && parts.length <= 6)
    return { name: "coverage", model: b, version: d, pack: parts[5] ?? null };
  if (a === "datasets" && b !== undefined && parts.length === 2) return { name: "dataset", reference: b };
  if (a === "documents" && b !== undefined && c !== undefined && parts.length === 3 && DOCUMENT_KINDS.includes(c))
    return { name: "document", target: b, kind: c as DocumentKind };
  if (a === "audit" && parts.length === 1) return { name: "audit" };
  if (a === "settings" && parts.length === 1) return { name: "settings" };
  if (a === "roster" && parts.length === 1) return { name: "roster" };
  if (a === "policy" && parts.length === 1) return { name: "policy" };
  if (a === "packets" && b !== undefined && parts.length === 2) return { name: "packet", path: b };
  if (a === "sync" && parts.length === 1) return { name: "sync" };
  if (a === "sync" && b === "conflicts" && parts.length === 2) return { name: "sync-conflicts" };
  if (a === "sync" && b === "ungoverned" && parts.length === 2) return { name: "sync-ungoverned" };
  if (a === "sync" && b === "merge" && c !== undefined && d !== undefined && parts.length === 4 && DOCUMENT_KINDS.includes(d))
    return { name: "sync-merge", target: c, kind: d as DocumentKind };
  return { name: "not-found", path };
}

const enc = encodeURIComponent;

export const href = {
  home: () => "#/",
  model: (model: string) => `#/models/${enc(model)}`,
  /** A model's operations after release: guardrails, traffic dial, incidents, feedback. */
  operations: (model: string) => `#/models/${enc(model)}/operations`,
  version: (model: string, version: string) => `#/models/${enc(model)}/versions/${enc(version)}`,
  /** The version screen, scrolled to its approvals. */
  approvals: (model: string, version: string) => `#/models/${enc(model)}/versions/${enc(version)}/approvals`,
  evaluations: (model: string, version: string) => `#/models/${enc(model)}/versions/${enc(version)}/evaluations`,
  /** A version's compliance coverage against a pack (by default the first the core lists). */
  coverage: (model: string, version: string, pack?: string) =>
    `#/models/${enc(model)}/versions/${enc(version)}/coverage${pack ? `/${enc(pack)}` : ""}`,
  dataset: (reference: string) => `#/datasets/${enc(reference)}`,
  /** A document: `target` is MODEL@VERSION, or NAME@VERSION of a dataset for a data sheet. */
  document: (target: string, kind: DocumentKind) => `#/documents/${enc(target)}/${kind}`,
  audit: () => "#/audit",
  settings: () => "#/settings",
  roster: () => "#/roster",
  /** The governance policy: in force, editor, history. */
  policy: () => "#/policy",
  /** A review packet opened read-only from a file. */
  packet: (path: string) => `#/packets/${enc(path)}`,
  /** Registry sync: what waits, the last sync, Sync now. */
  sync: () => "#/sync",
  syncConflicts: () => "#/sync/conflicts",
  syncUngoverned: () => "#/sync/ungoverned",
  /** The three-way merge of a document's two heads a sync found. */
  syncMerge: (target: string, kind: DocumentKind) => `#/sync/merge/${enc(target)}/${kind}`,
};

export function navigate(to: string): void {
  if (window.location.hash !== to) window.location.hash = to;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

function snapshot(): string {
  return window.location.hash;
}

/** The current route; re-renders on every hash change. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, snapshot, snapshot);
  return parseHash(hash);
}
