// Loads the core's fairness report for every group key a version's evidence has.
import type { FairnessReport } from "../../api/bindings";
import { api, toApiError } from "../../api/client";

/**
 * One report per group key, in the core's key order. Asked without a key, the core answers for
 * its default key and lists every key; a version without per-group rows answers not-found,
 * which here means "no fairness evidence": an empty list.
 */
export async function loadFairness(model: string, version: string): Promise<FairnessReport[]> {
  let first: FairnessReport;
  try {
    first = await api.evalFairness(model, version, null);
  } catch (e) {
    const err = toApiError(e);
    if (err.code === "not_found") return [];
    throw err;
  }
  const rest = await Promise.all(
    first.keys.filter((k) => k !== first.key).map((k) => api.evalFairness(model, version, k)),
  );
  const byKey = new Map(rest.map((r) => [r.key, r]));
  byKey.set(first.key, first);
  return first.keys.flatMap((k) => byKey.get(k) ?? []);
}
