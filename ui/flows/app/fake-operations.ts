/// <reference types="vite/client" />
// Test code only: the Operations screen's commands of the fake core. Every answer is what the
// real core answered for `steward demo` (fixtures in ./operations, written by
// ./operations/generate.sh): the co-pilot's operations view, its guardrail charts (light), the
// one recorded label of the review queue and the view after it, and a model with none of it.
// Nothing here decides a breach, a bound or a label; anything not recorded is refused as such.
import type { ApiError, GuardrailChartSvg, OperationsView, QueueItemView, QueueLabelRequest } from "../../src/api/bindings";

const views = import.meta.glob<string>("./operations/view-*.json", { eager: true, query: "?raw", import: "default" });
const charts = import.meta.glob<string>("./operations/chart-*.json", { eager: true, query: "?raw", import: "default" });
const labels = import.meta.glob<string>("./operations/label-*.json", { eager: true, query: "?raw", import: "default" });

function notRecorded(what: string): never {
  throw {
    code: "internal",
    message: `the fake core has no recording of ${what}; add it to flows/app/operations/generate.sh`,
  } satisfies ApiError;
}

export type OperationsFake = {
  handle: (cmd: string, a: Record<string, unknown>) => Promise<unknown> | undefined;
};

export function installOperationsFake(): OperationsFake {
  // Models whose recorded label was made: their view is the one recorded after it.
  const after = new Set<string>();
  const handle = (cmd: string, a: Record<string, unknown>): Promise<unknown> | undefined => {
    const answer = (f: () => unknown) => Promise.resolve().then(f);
    switch (cmd) {
      case "operations_view":
        return answer(() => {
          const model = a.model as string;
          const text = views[`./operations/view-${model}${after.has(model) ? "-labelled" : ""}.json`];
          return text === undefined ? notRecorded(`the operations of ${model}`) : (JSON.parse(text) as OperationsView);
        });
      case "guardrail_chart":
        return answer(() => {
          const req = a.req as { model: string; rule: string; theme: string };
          const text = charts[`./operations/chart-${req.model}-${req.rule}-${req.theme}.json`];
          return text === undefined ? notRecorded(`the ${req.theme} chart of ${req.rule} for ${req.model}`) : (JSON.parse(text) as GuardrailChartSvg);
        });
      case "queue_label":
        return answer(() => {
          const req = a.req as QueueLabelRequest;
          const text = labels[`./operations/label-${req.item}-${req.label}.json`];
          if (text === undefined || req.note !== "") notRecorded(`labelling item ${req.item} ${req.label}${req.note ? ` with a note` : ""}`);
          const item = JSON.parse(text) as QueueItemView;
          after.add(item.model);
          return item;
        });
      default:
        return undefined;
    }
  };
  return { handle };
}
