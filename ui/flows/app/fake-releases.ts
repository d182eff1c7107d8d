/// <reference types="vite/client" />
// Test code only: the release commands of the fake core. Every answer is what the real core
// answered for `steward demo` (fixtures in ./releases, written by ./releases/generate.sh): the
// co-pilot's release records as the core verified them, the inbox of the demo's SRE (the
// person at the keyboard), and the SRE's rollback of production with the records and the model
// after it; each demo version's waivers. Nothing here verifies a record, moves a stage or decides who owes what; a model,
// version or snapshot of the flows' own (not the demo's) answers the core's recorded answer
// for one without records, waivers or reviews. Anything
// else is refused as not recorded.
import type {
  ApiError,
  DatasetReviewView,
  InboxView,
  ModelDetail,
  ReleaseList,
  RollbackRequest,
  RollbackResult,
  WaiverSignatureView,
} from "../../src/api/bindings";
import inboxTom from "./releases/inbox-tom.json?raw";
import inboxNotMember from "./releases/inbox-not-member.txt?raw";
import releasesBefore from "./releases/releases-summarize-copilot.json?raw";
import releasesAfter from "./releases/releases-summarize-copilot-rolled-back.json?raw";
import releasesNone from "./releases/releases-none.json?raw";
import rollbackJson from "./releases/rollback-summarize-copilot.json?raw";
import modelAfter from "./releases/model-summarize-copilot-rolled-back.json?raw";
import waiversNone from "./releases/waivers-none.json?raw";
import reviewsNone from "./releases/dataset-reviews-none.json?raw";

const waiverFiles = import.meta.glob<string>("./releases/waivers-*.json", { eager: true, query: "?raw", import: "default" });

const MODEL = "summarize-copilot";
export const RECORDED_INCIDENT = "INC-2041";
export const RECORDED_REASON = "p99 latency doubled after the 1.1 rollout";

function fail(code: ApiError["code"], message: string): never {
  throw { code, message } satisfies ApiError;
}

function notRecorded(what: string): never {
  return fail("internal", `the fake core has no recording of ${what}; add it to flows/app/releases/generate.sh`);
}

export type ReleasesFake = {
  handle: (cmd: string, a: Record<string, unknown>) => Promise<unknown> | undefined;
};

export function installReleasesFake(deps: {
  checkModel: (model: string) => void;
  checkVersion: (model: string, version: string) => void;
  checkDataset: (reference: string) => void;
  /** Who is at the keyboard: the demo's SRE, someone else (a new key), or nobody yet. */
  identity: () => "demo-sre" | "other" | "none";
  /** The core's words when there is no identity. */
  noIdentity: string;
}): ReleasesFake {
  const parse = <T,>(text: string) => JSON.parse(text) as T;
  let rolledBack = false;

  const handle = (cmd: string, a: Record<string, unknown>): Promise<unknown> | undefined => {
    const answer = (f: () => unknown) => Promise.resolve().then(f);
    switch (cmd) {
      case "release_list":
        return answer(() => {
          const model = a.model as string;
          deps.checkModel(model);
          if (model === MODEL) return parse<ReleaseList>(rolledBack ? releasesAfter : releasesBefore);
          return { ...parse<ReleaseList>(releasesNone), model };
        });
      case "rollback":
        return answer(() => {
          const req = a.req as RollbackRequest;
          if (req.model !== MODEL || req.incident !== RECORDED_INCIDENT || req.reason !== RECORDED_REASON || rolledBack)
            notRecorded(`the rollback ${JSON.stringify(req)}`);
          rolledBack = true;
          return parse<RollbackResult>(rollbackJson);
        });
      case "model_show":
        // After the recorded rollback, the model as the core showed it then.
        return a.name === MODEL && rolledBack ? answer(() => parse<ModelDetail>(modelAfter)) : undefined;
      case "waivers":
        return answer(() => {
          const model = a.model as string;
          const version = a.version as string;
          deps.checkVersion(model, version);
          const recorded = waiverFiles[`./releases/waivers-${model}_${version}.json`];
          if (model === MODEL && recorded === undefined) notRecorded(`the waivers of ${model}@${version}`);
          return parse<WaiverSignatureView[]>(recorded ?? waiversNone);
        });
      case "dataset_reviews":
        return answer(() => {
          deps.checkDataset(a.dataset as string);
          return parse<DatasetReviewView[]>(reviewsNone);
        });
      case "review_inbox":
        return answer(() => {
          const who = deps.identity();
          if (who === "none") fail("keyring", deps.noIdentity);
          if (who === "other") fail("untrusted", inboxNotMember.trim());
          return parse<InboxView>(inboxTom);
        });
      default:
        return undefined;
    }
  };
  return { handle };
}
