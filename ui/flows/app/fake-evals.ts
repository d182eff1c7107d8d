/// <reference types="vite/client" />
// Test code only: the evaluation commands of the fake core. The demo candidate
// (summarize-copilot@1.3.0-15) answers with what the real core answered for the real demo
// (fixtures in ./evals, written by ./evals/generate.sh); other versions start with no evidence.
// Imports are recorded, not parsed: the run's kind and suite come from the request.
import { emit } from "@tauri-apps/api/event";
import type {
  ApiError,
  ChartKind,
  ChartSvg,
  DriftReport,
  EvalChartRequest,
  EvalComparison,
  EvalImport,
  EvalRunView,
  FairnessReport,
  ProgressEvent,
} from "../../src/api/bindings";
import listJson from "./evals/list.json?raw";
import compareJson from "./evals/compare.json?raw";
import driftJson from "./evals/drift.json?raw";
import fairnessLocale from "./evals/fairness-locale.json?raw";
import fairnessTier from "./evals/fairness-customer_tier.json?raw";
import fairnessSegment from "./evals/fairness-segment.json?raw";
import compareLight from "./evals/compare-light.svg?raw";
import compareDark from "./evals/compare-dark.svg?raw";
import fairnessLight from "./evals/fairness-light.svg?raw";
import fairnessDark from "./evals/fairness-dark.svg?raw";
import latencyLight from "./evals/latency-light.svg?raw";
import latencyDark from "./evals/latency-dark.svg?raw";
import kpiLight from "./evals/kpi-light.svg?raw";
import kpiDark from "./evals/kpi-dark.svg?raw";
import driftLight from "./evals/drift-light.svg?raw";
import driftDark from "./evals/drift-dark.svg?raw";

export const DEMO_MODEL = "summarize-copilot";
export const DEMO_CANDIDATE = "1.3.0-15";

const SVG: Record<ChartKind, { light: string; dark: string }> = {
  compare: { light: compareLight, dark: compareDark },
  fairness: { light: fairnessLight, dark: fairnessDark },
  latency: { light: latencyLight, dark: latencyDark },
  kpi: { light: kpiLight, dark: kpiDark },
  drift: { light: driftLight, dark: driftDark },
};
const TITLE: Record<ChartKind, string> = {
  compare: "summarize-copilot 1.3.0-15 vs production 1.1.0-8",
  fairness: "Acceptance rate by locale, summarize-copilot 1.3.0-15: locale=es fails the four-fifths rule and differs by more than 0.1",
  latency: "Latency percentiles vs p99 SLO, summarize-copilot 1.3.0-15",
  kpi: "Acceptance rate, canary vs production, summarize-copilot 1.3.0-15",
  drift: "Feature drift (PSI), summarize-copilot 1.3.0-15",
};
const FAIRNESS = [fairnessTier, fairnessLocale, fairnessSegment].map((t) => JSON.parse(t) as FairnessReport);
const list = JSON.parse(listJson) as EvalRunView[];
const compare = JSON.parse(compareJson) as EvalComparison;
const drift = JSON.parse(driftJson) as DriftReport;

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

function fail(code: ApiError["code"], message: string): never {
  throw { code, message } satisfies ApiError;
}

/** A stand-in sha256 for an imported file (imports are not read): a hash of its path. */
function hashOf(seed: string): string {
  let h = 2166136261;
  let out = "";
  for (let round = 0; out.length < 64; round++) {
    for (const c of `${seed}:${round}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(16).padStart(8, "0");
  }
  return out.slice(0, 64);
}

let clock = Date.parse("2025-09-01T09:00:00Z");
/** The time an import is stamped with: a clock that moves 37 minutes a call. */
function now(): string {
  clock += 37 * 60 * 1000;
  return new Date(clock).toISOString();
}

export function installEvalFake(deps: {
  checkVersion: (model: string, version: string) => void;
  cancelled: (operation: string) => boolean;
}): EvalFake {
  const runs = new Map<string, EvalRunView[]>();
  runs.set(`${DEMO_MODEL}@${DEMO_CANDIDATE}`, list.map((r) => ({ ...r })));
  let nextId = 100;
  const granted = new Set<string>();
  let lastPick: string | null = null;
  const exported: Exported[] = [];
  const demo = (model: string, version: string) => model === DEMO_MODEL && version === DEMO_CANDIDATE;

  const runsOf = (model: string, version: string): EvalRunView[] => {
    deps.checkVersion(model, version);
    const key = `${model}@${version}`;
    if (!runs.has(key)) runs.set(key, []);
    return runs.get(key) as EvalRunView[];
  };

  const write = (path: string, bytes: number[]) => {
    if (!granted.delete(path)) fail("refused", `${path} was not chosen in a save dialog; export again and pick where to save`);
    exported.push({ path, bytes: bytes.length, head: bytes.slice(0, 8) });
  };

  const chart = (req: EvalChartRequest): ChartSvg => {
    runsOf(req.model, req.version);
    if (!demo(req.model, req.version))
      fail("not_found", `${req.model}@${req.version} has no evidence to chart; import it with \`steward eval import ${req.model}@${req.version} FILE\``);
    return { kind: req.kind, title: TITLE[req.kind], svg: SVG[req.kind][req.theme] };
  };

  const importFile = async (req: EvalImport, operation: string): Promise<EvalRunView> => {
    const list = runsOf(req.model, req.version);
    const name = req.file.split("/").pop() ?? req.file;
    const csv = name.endsWith(".csv");
    if (csv && (!req.kind || !req.suite))
      fail("invalid_input", `${name}: the file does not name the dataset or suite it ran on; pass --suite NAME@VERSION`);
    const digest = `sha256:${hashOf(req.file)}`;
    if (list.some((r) => r.file_digest === digest))
      fail("conflict", `${name} was already imported for ${req.model}@${req.version} (same sha256); nothing was added`);
    const total = 48 * 1024 * 1024;
    for (let i = 1; i <= 6; i++) {
      await new Promise((r) => setTimeout(r, 150));
      if (deps.cancelled(operation)) fail("cancelled", "the import was cancelled; nothing was stored");
      const event: ProgressEvent = {
        operation,
        progress: { phase: "importing", done_files: 0, total_files: 1, done_bytes: Math.round((total * i) / 6), total_bytes: total },
      };
      await emit("steward://progress", event);
    }
    const kind = req.kind ?? "golden-set";
    const run: EvalRunView = {
      id: nextId++,
      model: req.model,
      version: req.version,
      kind,
      kind_label: { "golden-set": "Offline golden set", "scenario-suite": "Scenario suite", "red-team": "Red-team suite", "fairness-audit": "Fairness audit", "load-test": "Load test", "online-kpis": "Online KPIs" }[kind],
      suite: req.suite ?? "support-golden@2026-11",
      run_at: null,
      imported_at: now(),
      file_name: name,
      file_digest: digest,
      file_bytes: total,
      format: csv ? "csv" : "json",
      rows: 1_000_000,
    };
    list.push(run);
    return run;
  };

  const handle = (cmd: string, a: Record<string, unknown>): Promise<unknown> | undefined => {
    const model = a.model as string;
    const version = a.version as string;
    switch (cmd) {
      case "eval_list":
        return Promise.resolve(runsOf(model, version));
      case "eval_import":
        return importFile(a.req as EvalImport, a.operation as string);
      case "eval_compare":
        return Promise.resolve().then(() => {
          runsOf(model, version);
          if (demo(model, version)) return compare;
          return { model, candidate: version, baseline: null, baseline_stage: null, metrics: [], note: `${model}@${version} has no evidence to compare yet` } satisfies EvalComparison;
        });
      case "eval_fairness":
        return Promise.resolve().then(() => {
          runsOf(model, version);
          if (!demo(model, version))
            fail("not_found", `${model}@${version} has no per-group evaluation rows; import a fairness audit first (\`steward eval import ${model}@${version} FILE --kind fairness-audit\`)`);
          // Like the core: without a key, the first key with a failing metric, else the first.
          const key = (a.key as string | null) ?? (FAIRNESS.find((r) => r.failures.length > 0) ?? FAIRNESS[0])?.key;
          const hit = FAIRNESS.find((r) => r.key === key);
          if (!hit) fail("not_found", `${model}@${version} has no rows grouped by ${JSON.stringify(a.key)}; its group keys are customer_tier, locale, segment`);
          return hit;
        });
      case "eval_drift":
        return Promise.resolve().then(() => {
          runsOf(model, version);
          return demo(model, version) ? drift : ({ model, version, convention: drift.convention, features: [] } satisfies DriftReport);
        });
      case "eval_chart":
        return Promise.resolve().then(() => chart(a.req as EvalChartRequest));
      case "eval_chart_save":
        return Promise.resolve().then(() => {
          const c = chart(a.req as EvalChartRequest);
          write(a.path as string, [...new TextEncoder().encode(c.svg)]);
          return c;
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
          if (!(a instanceof Uint8Array)) throw { code: "invalid_input", message: "export_write takes the bytes as the raw body" };
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
