/// <reference types="vite/client" />
// Test code only: the evaluation commands of the fake core, replaying what the real core
// answered. src-tauri/tests/flow_evals.rs loads `steward demo` through the real commands (plus
// the flows' fraud-scorer@2.0.0-1, a version without evidence) and records into evals/recorded.json
// a state machine: for each state, the core's answers to the Evaluations screen's reads (runs,
// comparison, the fairness report of every key in the core's order, drift, every chart in both
// themes), and for each import the flows make (a 20 MB golden set, cancelled then imported; the
// demo's fairness CSV, refused without its kind, then imported) the core's answer, its progress
// events, its answer when cancelled and the state it leads to. Nothing is decided here: a call
// nobody recorded fails loudly. What stays is the shell's part: the save dialog and the file
// the shell writes where the user chose (export_pick, eval_chart_save, export_write).
import { emit } from "@tauri-apps/api/event";
import type { ApiError, ChartSvg, EvalChartRequest, Progress } from "../../src/api/bindings";
import { canonical, machine, replayProgress } from "./recorded";
import recordedJson from "./evals/recorded.json?raw";

/** The key a call is recorded under: the UI's operation id left out. */
function keyOf(cmd: string, args: Record<string, unknown>): string {
  return `${cmd} ${canonical({ ...args, operation: undefined })}`;
}

const RECORDED = machine(recordedJson, "src-tauri/tests/flow_evals.rs", keyOf);

/** A file written through export_pick + eval_chart_save / export_write. */
export type Exported = { path: string; bytes: number; head: number[] };

declare global {
  interface Window {
    /** Files the flows exported, in order. */
    __exported?: Exported[];
    /** Drops files onto the window as Tauri's webview drag-drop event would. */
    __dropFiles?: (paths: string[]) => Promise<void>;
  }
}

export type EvalFake = {
  handle: (cmd: string, a: Record<string, unknown>) => Promise<unknown> | undefined;
  exported: Exported[];
  /** Records a file the shell wrote to a path from export_pick (refused when not picked). */
  write: (path: string, bytes: number[]) => void;
};

function refuse(message: string): never {
  throw { code: "refused", message } satisfies ApiError;
}

export function installEvalFake(deps: {
  checkVersion: (model: string, version: string) => void;
  cancelled: (operation: string) => boolean;
}): EvalFake {
  let state = "demo";
  const granted = new Set<string>();
  let lastPick: string | null = null;
  const exported: Exported[] = [];

  const replay = async (cmd: string, args: Record<string, unknown>): Promise<unknown> => {
    const target = (args.req ?? args) as { model?: string; version?: string };
    if (target.model && target.version) deps.checkVersion(target.model, target.version);
    const hit = RECORDED.lookup(state, cmd, args);
    if (hit.progress)
      await replayProgress<Progress>(hit.progress, String(args.operation), deps.cancelled, () =>
        hit.cancelled ?? RECORDED.unrecorded(`${cmd} cancelled in state ${state}`),
      );
    if (hit.next !== undefined) state = hit.next;
    if (hit.err) throw hit.err;
    return hit.ok;
  };

  const write = (path: string, bytes: number[]) => {
    if (!granted.delete(path)) refuse(`${path} was not chosen in a save dialog; export again and pick where to save`);
    exported.push({ path, bytes: bytes.length, head: bytes.slice(0, 8) });
  };

  const handle = (cmd: string, a: Record<string, unknown>): Promise<unknown> | undefined => {
    if (RECORDED.commands.has(cmd)) return replay(cmd, a);
    switch (cmd) {
      case "eval_chart_save":
        // The shell writes the chart the core draws for the request where the user chose.
        return replay("eval_chart", { req: a.req as EvalChartRequest }).then((chart) => {
          write(a.path as string, [...new TextEncoder().encode((chart as ChartSvg).svg)]);
          return chart;
        });
      case "export_pick":
        return Promise.resolve().then(() => {
          const path = `/home/ana/exports/${a.name as string}`;
          granted.add(path);
          lastPick = path;
          return path;
        });
      case "export_write":
        // The real command reads its path from a header, which the mock IPC does not pass:
        // the fake writes where the last save dialog answered.
        return Promise.resolve().then(() => {
          if (!(a instanceof Uint8Array)) throw { code: "invalid_input", message: "export_write takes the bytes as the raw body" } satisfies ApiError;
          write(lastPick ?? "", [...a]);
          return null;
        });
      default:
        return undefined;
    }
  };
  window.__dropFiles = async (paths) => {
    await emit("tauri://drag-enter", { paths, position: { x: 40, y: 40 } });
    await emit("tauri://drag-drop", { paths, position: { x: 40, y: 40 } });
  };
  return { handle, exported, write };
}
