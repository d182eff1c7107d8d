// Loads the core's fairness report for every group key a version's evidence has.
import type { FairnessReport } from "../../api/bindings";
import { api, toApiError } from "../../api/client";

/**
 * The group keys of a version's evidence. The core has no call that lists them before one is
 * named (`eval_fairness` needs a key), but its not-found answer names them; until it offers
 * one, ask with an empty key and read them from there. No per-group rows: an empty list.
 */
export async function fairnessKeys(model: string, version: string): Promise<string[]> {
  try {
    return (await api.evalFairness(model, version, "")).keys;
  } catch (e) {
    const err = toApiError(e);
    if (err.code !== "not_found") throw err;
    const listed = /its group keys are (.+)$/.exec(err.message);
    if (listed?.[1]) return listed[1].split(", ").map((k) => k.trim()).filter(Boolean);
    if (/no per-group evaluation rows/.test(err.message)) return [];
    throw err;
  }
}

/** One report per group key, in the core's key order. */
export async function loadFairness(model: string, version: string): Promise<FairnessReport[]> {
  const keys = await fairnessKeys(model, version);
  return Promise.all(keys.map((k) => api.evalFairness(model, version, k)));
}
