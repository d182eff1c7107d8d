/// <reference types="vite/client" />
// Test code only: the compliance commands of the fake core. Every answer is what the real core
// answered for `steward demo` (fixtures in ./compliance, written by ./compliance/generate.sh and
// kept fresh by a journey test): the packs in force, recorded coverages and the production
// version's Annex IV file. Nothing here decides a status or finds evidence; anything not
// recorded is refused as such.
import type { ApiError, CoverageView, DossierExport, PackSummary } from "../../src/api/bindings";
import packsJson from "./compliance/packs.json?raw";
import annexHtmlJson from "./compliance/annex-iv-summarize-copilot_1.1.0-8-html.json?raw";
import annexHtml from "./compliance/annex-iv-summarize-copilot_1.1.0-8.html?raw";

const coverages = import.meta.glob<string>("./compliance/coverage-*.json", { eager: true, query: "?raw", import: "default" });

function notRecorded(what: string): never {
  throw {
    code: "internal",
    message: `the fake core has no recording of ${what}; add it to flows/app/compliance/generate.sh`,
  } satisfies ApiError;
}

export type ComplianceFake = {
  handle: (cmd: string, a: Record<string, unknown>) => Promise<unknown> | undefined;
};

export function installComplianceFake(deps: {
  checkVersion: (model: string, version: string) => void;
  /** Writes bytes to a path picked in the save dialog (refused when not picked). */
  write: (path: string, bytes: number[]) => void;
}): ComplianceFake {
  const handle = (cmd: string, a: Record<string, unknown>): Promise<unknown> | undefined => {
    const answer = (f: () => unknown) => Promise.resolve().then(f);
    switch (cmd) {
      case "pack_list":
        return answer(() => JSON.parse(packsJson) as PackSummary[]);
      case "coverage":
        return answer(() => {
          const model = a.model as string;
          const version = a.version as string;
          const pack = a.pack as string;
          deps.checkVersion(model, version);
          const text = coverages[`./compliance/coverage-${model}_${version}-${pack}.json`];
          return text === undefined ? notRecorded(`the coverage of ${model}@${version} against ${pack}`) : (JSON.parse(text) as CoverageView);
        });
      case "dossier_annex_iv":
        return answer(() => {
          const model = a.model as string;
          const version = a.version as string;
          deps.checkVersion(model, version);
          if (model !== "summarize-copilot" || version !== "1.1.0-8" || a.format !== "html")
            notRecorded(`the Annex IV ${String(a.format)} file of ${model}@${version}`);
          const path = a.path as string;
          deps.write(path, [...new TextEncoder().encode(annexHtml)]);
          const recorded = JSON.parse(annexHtmlJson) as DossierExport;
          return { ...recorded, file: path } satisfies DossierExport;
        });
      default:
        return undefined;
    }
  };
  return { handle };
}
