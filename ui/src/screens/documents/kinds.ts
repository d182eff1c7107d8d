// Display names of the document kinds (the core's `DocumentKind::label`, for screens that have
// only a kind in hand, such as the list of a version's documents).
import type { DocumentKind, RiskBand } from "../../api/bindings";

export const KIND_LABEL: Record<DocumentKind, string> = {
  "model-card": "Model card",
  "data-sheet": "Data sheet",
  "risk-assessment": "Risk assessment",
  "eval-report": "Evaluation report",
  runbook: "Runbook",
  "rollout-plan": "Rollout plan",
  "ai-impact-assessment": "AI impact assessment",
  "post-market-monitoring-plan": "Post-market monitoring plan",
  "declaration-of-conformity": "EU declaration of conformity",
};

export const BAND_LABEL: Record<RiskBand, string> = {
  low: "Low",
  medium: "Medium",
  high: "High",
  critical: "Critical",
};

/** "support@2" → the pieces of MODEL@VERSION or NAME@VERSION (the last @ splits). */
export function splitTarget(target: string): { name: string; version: string } | null {
  const at = target.lastIndexOf("@");
  if (at <= 0 || at === target.length - 1) return null;
  return { name: target.slice(0, at), version: target.slice(at + 1) };
}

export function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}
