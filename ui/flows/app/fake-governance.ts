/// <reference types="vite/client" />
// Test code only: the governance commands of the fake core. Every answer is what the real core
// answered (fixtures in ./governance, written by ./governance/generate.sh): the demo's gates
// and checklists under the built-in default policy, the flows' invented models under a policy
// that only asks for a bundle. Nothing here evaluates a check or validates a policy: a text is
// checked only if it is one of the recorded texts, and setting the recorded edit moves to the
// recorded state after it. Anything not recorded is refused as such.
import type {
  ApiError,
  ChecklistView,
  GateReportView,
  GateRequest,
  PolicyCheck,
  PolicyCheckRequest,
  PolicyDiff,
  PolicyHistory,
  PolicySet,
  PolicySetResult,
  PolicyView,
} from "../../src/api/bindings";
import showJson from "./governance/policy-show.json?raw";
import showR1Json from "./governance/policy-show-r1.json?raw";
import historyJson from "./governance/policy-history.json?raw";
import historyR1Json from "./governance/policy-history-r1.json?raw";
import setJson from "./governance/policy-set.json?raw";
import diffJson from "./governance/policy-diff-0-1.json?raw";
import checkDefault from "./governance/check-default.json?raw";
import checkBroken from "./governance/check-broken.json?raw";
import checkEdited from "./governance/check-edited.json?raw";
import brokenText from "./governance/policy-broken.toml?raw";
import editedText from "./governance/policy-edited.toml?raw";

const gates = import.meta.glob<string>("./governance/gate-*.json", { eager: true, query: "?raw", import: "default" });
const checklists = import.meta.glob<string>("./governance/checklist-*.json", { eager: true, query: "?raw", import: "default" });

function notRecorded(what: string): never {
  throw {
    code: "internal",
    message: `the fake core has no recording of ${what}; add it to flows/app/governance/generate.sh`,
  } satisfies ApiError;
}

export type GovernanceFake = {
  handle: (cmd: string, a: Record<string, unknown>) => Promise<unknown> | undefined;
};

export function installGovernanceFake(deps: { checkVersion: (model: string, version: string) => void }): GovernanceFake {
  const parse = <T,>(text: string) => JSON.parse(text) as T;
  const byFile = <T,>(files: Record<string, string>, name: string): T | undefined => {
    const text = files[`./governance/${name}.json`];
    return text === undefined ? undefined : parse<T>(text);
  };
  let setR1 = false;
  const shown = () => parse<PolicyView>(setR1 ? showR1Json : showJson);
  const checks = new Map<string, string>([
    [parse<PolicyView>(showJson).text, checkDefault],
    [brokenText, checkBroken],
    [editedText, checkEdited],
  ]);

  const handle = (cmd: string, a: Record<string, unknown>): Promise<unknown> | undefined => {
    const answer = (f: () => unknown) => Promise.resolve().then(f);
    switch (cmd) {
      case "gate_evaluate":
        return answer(() => {
          const req = a.req as GateRequest;
          deps.checkVersion(req.model, req.version);
          return (
            byFile<GateReportView>(gates, `gate-${req.model}_${req.version}-${req.to}`) ??
            notRecorded(`the gate of ${req.model}@${req.version} for ${req.to}`)
          );
        });
      case "gate_checklist":
        return answer(() => {
          const model = a.model as string;
          const version = a.version as string;
          deps.checkVersion(model, version);
          return byFile<ChecklistView>(checklists, `checklist-${model}_${version}`) ?? notRecorded(`the checklist of ${model}@${version}`);
        });
      case "policy_show":
        return answer(shown);
      case "policy_history":
        return answer(() => parse<PolicyHistory>(setR1 ? historyR1Json : historyJson));
      case "policy_check":
        return answer(() => {
          const text = checks.get((a.req as PolicyCheckRequest).text);
          return text ? parse<PolicyCheck>(text) : notRecorded("a policy check of this text");
        });
      case "policy_set":
        return answer(() => {
          const req = a.req as PolicySet;
          if (req.text !== editedText || req.message !== "our own name for the policy") notRecorded(`setting the policy ${JSON.stringify(req.message)}`);
          setR1 = true;
          return parse<PolicySetResult>(setJson);
        });
      case "policy_diff":
        return answer(() => {
          if (!setR1 || a.from !== 0 || a.to !== 1) notRecorded(`the policy diff ${String(a.from)} → ${String(a.to)}`);
          return parse<PolicyDiff>(diffJson);
        });
      default:
        return undefined;
    }
  };
  return { handle };
}
