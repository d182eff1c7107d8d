// Test code only: what the fakes that replay the real core's recorded answers share — the key
// a call is looked up by, and the loud failure for a call nobody recorded (logged too, so a
// flow's clean-console check fails even where the UI only shows the error).
import { emit } from "@tauri-apps/api/event";
import type { ApiError, Progress } from "../../src/api/bindings";

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

/** The pause between two replayed progress events, so a flow sees the bar move and can cancel. */
export const TICK_MS = 120;

/**
 * Replays a long operation's recorded progress events, paced, under the UI's operation id. When
 * the UI cancels on the way, throws the core's recorded answer to a cancelled operation.
 */
export async function replayProgress<P>(
  progress: P[],
  operation: string,
  isCancelled: (operation: string) => boolean,
  cancelledAnswer: () => ApiError,
): Promise<void> {
  for (const step of [...progress, null]) {
    await new Promise((r) => setTimeout(r, TICK_MS));
    if (isCancelled(operation)) throw cancelledAnswer();
    if (step) await emit("steward://progress", { operation, progress: step });
  }
}

/** One recorded call of a state machine (flow_models.rs, flow_evals.rs): its arguments as the
 * flows send them, the core's answer, and for a write the state it leads to, the progress the
 * core emitted and, for a long operation, the core's answer when it is cancelled. */
export type Answer = {
  cmd: string;
  args: Record<string, unknown>;
  ok?: unknown;
  err?: ApiError;
  next?: string;
  progress?: Progress[];
  cancelled?: ApiError;
};

/** A recorded state machine, indexed for lookup by (state, key of the call). */
export type Machine = {
  /** The commands it answers: those recorded in any state. */
  commands: Set<string>;
  /** The recorded answer to `cmd` with `args` in `state`; a call nobody recorded fails loudly. */
  lookup: (state: string, cmd: string, args: Record<string, unknown>) => Answer;
  /** Fails loudly, naming the recorder and its regenerate command. */
  unrecorded: (what: string) => never;
  /** The answers recorded in `state`. */
  answers: (state: string) => Answer[];
};

/** Reads a recording made by `recorder`, keying each call by `keyOf`. */
export function machine(json: string, recorder: string, keyOf: (cmd: string, args: Record<string, unknown>) => string): Machine {
  const recorded = JSON.parse(json) as { regenerate: string; states: Record<string, Answer[]> };
  const unrecorded = (what: string): never => notRecorded(`${what} (${recorder})`, recorded.regenerate);
  const index = new Map<string, Map<string, Answer>>(
    Object.entries(recorded.states).map(([state, answers]) => [state, new Map(answers.map((a) => [keyOf(a.cmd, a.args), a]))]),
  );
  const inState = (state: string) => index.get(state) ?? unrecorded(`the state ${state}`);
  return {
    commands: new Set(Object.values(recorded.states).flatMap((answers) => answers.map((a) => a.cmd))),
    lookup: (state, cmd, args) => {
      const key = keyOf(cmd, args);
      return inState(state).get(key) ?? unrecorded(`${key} in state ${state}`);
    },
    unrecorded,
    answers: (state) => [...inState(state).values()],
  };
}
