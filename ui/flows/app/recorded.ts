// Test code only: what the fakes that replay the real core's recorded answers share — the key
// a call is looked up by, and the loud failure for a call nobody recorded (logged too, so a
// flow's clean-console check fails even where the UI only shows the error).
import type { ApiError } from "../../src/api/bindings";

/** JSON with object keys sorted, so a call matches its recording whatever the key order. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/** Refuses a call with no recorded answer, naming it and the command that records it. */
export function notRecorded(what: string, regenerate: string): never {
  const message = `no recorded answer for ${what}: add it to the recorder and run ${regenerate}`;
  console.error(message);
  throw { code: "internal", message } satisfies ApiError;
}
