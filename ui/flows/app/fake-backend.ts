// Test code only: the Rust core behind mockIPC, so the Chromium flows can drive the real UI.
// Never imported by src/. It decides and invents nothing about models, versions, datasets,
// stages or the audit log: src-tauri/tests/flow_models.rs builds real workspaces through the
// real command set (the seed's six models with their versions, stages and artifacts, two dataset
// snapshots of real files and their links; an empty workspace; the seed plus 10,000 models) and
// records into models/recorded.json a state machine: for each state the flows reach, the core's
// answers to the reads they make in it, and for each write they make (a promotion, a model
// created or refused, a version added, a snapshot taken or cancelled) the core's answer, the
// progress events it emitted and the state it leads to. This file looks a call up by (state,
// command, canonical arguments) and moves to the recorded next state; a call nobody recorded
// fails loudly. The other fakes replay their own recordings and ask this one whether a model,
// version or dataset exists, which it answers from the current state's recorded answers.
import { mockIPC, mockWindows } from "@tauri-apps/api/mocks";
import { installEvalFake } from "./fake-evals";
import { installComplianceFake } from "./fake-compliance";
import { installGovernanceFake } from "./fake-governance";
import { installOperationsFake } from "./fake-operations";
import { installReleasesFake } from "./fake-releases";
import { installTrustFake } from "./fake-trust";
import { installSyncFake, isSyncFakeState } from "./fake-sync";
import { fakeDocuments } from "./fake-documents";
import { canonical, machine, replayProgress } from "./recorded";
import modelsJson from "./models/recorded.json?raw";
import type { ApiError, DatasetDetail, DatasetSummary, ModelDetail, ModelPage, Progress, VersionDetail } from "../../src/api/bindings";

/** The size of the windowing flow's recorded workspace beyond the seed. */
const BULK_MODELS = 10_000;

/** The key a call is recorded under: the UI's operation id and a promotion's gate digest left out. */
function keyOf(cmd: string, args: Record<string, unknown>): string {
  const rest: Record<string, unknown> = { ...args, operation: undefined };
  if (cmd === "stage_set" && rest.req && typeof rest.req === "object") rest.req = { ...(rest.req as Record<string, unknown>), gate_digest: undefined };
  // canonical() leaves out keys whose value is undefined.
  return `${cmd} ${canonical(rest)}`;
}

const RECORDED = machine(modelsJson, "src-tauri/tests/flow_models.rs", keyOf);
const unrecorded = RECORDED.unrecorded;

export type FakeOptions = { bulkModels?: number; empty?: boolean; noIdentity?: boolean; sync?: string | null };

export type FakeControls = {
  /** The next call of `command` rejects with this error. */
  failNext: (command: string, error: ApiError) => void;
  /** From now on, the workspace is the recorded one whose audit row was edited behind the core's back. */
  breakChain: () => void;
  /** Commands called so far, in order. */
  calls: { cmd: string; args: unknown }[];
  /** Files the shell wrote for doc_export, by path. */
  written: Map<string, string>;
};

declare global {
  interface Window {
    __fake?: FakeControls;
  }
}

export function installFakeBackend(options: FakeOptions = {}): FakeControls {
  const failures = new Map<string, ApiError>();
  const cancelled = new Set<string>();
  const bulk = options.bulkModels ?? 0;
  let state = options.empty ? "empty" : bulk === BULK_MODELS ? "bulk" : bulk === 0 ? "seed" : unrecorded(`a workspace of ${bulk} bulk models`);

  const lookup = (cmd: string, args: Record<string, unknown>) => RECORDED.lookup(state, cmd, args);
  /** The recorded answers of `cmd` in the current state that succeeded. */
  const recordedOk = <T>(cmd: string): T[] =>
    RECORDED.answers(state).filter((a) => a.cmd === cmd && a.ok !== undefined).map((a) => a.ok as T);

  // Whether the current state's recorded answers show the model, version or dataset: the other
  // fakes' check that what they are asked about exists in this workspace.
  const checkModel = (model: string) => {
    const shown = recordedOk<ModelDetail>("model_show").some((d) => d.model.name === model);
    const paged = recordedOk<ModelPage>("model_page").some((p) => p.models.some((m) => m.name === model));
    if (!shown && !paged) unrecorded(`whether model ${model} exists in state ${state}`);
  };
  const checkVersion = (model: string, version: string) => {
    const got = recordedOk<VersionDetail>("version_get").some((v) => v.model === model && v.version === version);
    const listed = recordedOk<ModelDetail>("model_show").some((d) => d.model.name === model && d.versions.some((v) => v.version === version));
    if (!got && !listed) unrecorded(`whether ${model}@${version} exists in state ${state}`);
  };
  const checkDataset = (reference: string) => {
    const listed = recordedOk<DatasetSummary[]>("dataset_list").some((l) => l.some((d) => `${d.name}@${d.version}` === reference));
    const shown = recordedOk<DatasetDetail>("dataset_show").some((d) => `${d.summary.name}@${d.summary.version}` === reference);
    if (!listed && !shown) unrecorded(`whether dataset ${reference} exists in state ${state}`);
  };

  const replay = async (cmd: string, args: Record<string, unknown>): Promise<unknown> => {
    const hit = lookup(cmd, args);
    if (hit.progress)
      await replayProgress<Progress>(hit.progress, String(args.operation), (op) => cancelled.has(op), () =>
        hit.cancelled ?? unrecorded(`${hit.cmd} cancelled in state ${state}`),
      );
    if (hit.next !== undefined) state = hit.next;
    if (hit.err) throw hit.err;
    return hit.ok;
  };

  // Release documents (issue 4): the real core's recorded answers, replayed (fake-documents).
  const documents = fakeDocuments();

  const controls: FakeControls = {
    failNext: (command, error) => failures.set(command, error),
    breakChain: () => {
      state = "broken";
    },
    calls: [],
    written: documents.written,
  };

  // Evaluation evidence (issue 5): its own fake, over this one's versions.
  const evals = installEvalFake({
    checkVersion,
    cancelled: (operation) => cancelled.has(operation),
  });
  // Identities, the roster and approvals (issue 9): recorded answers of the real core.
  const trust = installTrustFake({
    noIdentity: options.noIdentity ?? false,
    checkVersion,
    write: evals.write,
  });

  // Gates, checklists and the policy: recorded answers of the real core.
  const governance = installGovernanceFake({ checkVersion });

  // Release records, rollback and the review inbox: recorded answers of the real core.
  const releases = installReleasesFake({
    checkModel,
    checkVersion,
    checkDataset,
    identity: trust.who,
    noIdentity: trust.noIdentity,
  });

  // Packs, coverage and the Annex IV file: recorded answers of the real core.
  const compliance = installComplianceFake({
    checkVersion,
    write: evals.write,
  });

  // The Operations screen: recorded answers of the real core.
  const operations = installOperationsFake();
  // The registry URL, credential, sync status and findings: recorded answers of the real core.
  const syncState = options.sync ?? null;
  const sync = installSyncFake(isSyncFakeState(syncState) ? syncState : "demo");

  const handle = async (cmd: string, a: Record<string, unknown>): Promise<unknown> => {
    const operationsAnswer = operations.handle(cmd, a);
    if (operationsAnswer) return operationsAnswer;
    const syncAnswer = sync.handle(cmd, a);
    if (syncAnswer) return syncAnswer;
    const complianceAnswer = compliance.handle(cmd, a);
    if (complianceAnswer) return complianceAnswer;
    const releasesAnswer = releases.handle(cmd, a);
    if (releasesAnswer) return releasesAnswer;
    const governanceAnswer = governance.handle(cmd, a);
    if (governanceAnswer) return governanceAnswer;
    const evalAnswer = evals.handle(cmd, a);
    if (evalAnswer) return evalAnswer;
    const trustAnswer = trust.handle(cmd, a);
    if (trustAnswer) return trustAnswer;
    if (RECORDED.commands.has(cmd)) return replay(cmd, a);
    switch (cmd) {
      case "operation_cancel":
        // As the core's: the flag the running operation checks between chunks.
        cancelled.add(a.operation as string);
        return true;
      case "plugin:dialog|open": {
        const o = (a.options ?? {}) as { directory?: boolean; title?: string };
        if (o.title?.includes("review packet")) return "/home/ana/Downloads/summarize-copilot-1.3.0-15-canary.review.json";
        return o.directory ? "/home/ana/data/new-snapshot" : "/home/ana/models/bundle.tar.zst";
      }
      default: {
        const doc = documents.handle(cmd, a);
        if (doc.handled) return doc.value;
        throw { code: "internal", message: `the fake backend has no command '${cmd}'` } satisfies ApiError;
      }
    }
  };

  mockIPC(
    async (cmd, payload) => {
      const args = (payload ?? {}) as Record<string, unknown>;
      controls.calls.push({ cmd, args });
      const failure = failures.get(cmd);
      if (failure) {
        failures.delete(cmd);
        throw failure;
      }
      return handle(cmd, args);
    },
    { shouldMockEvents: true },
  );
  // The webview that drag-drop events come from (the window metadata of Tauri).
  mockWindows("main");
  window.__exported = evals.exported;
  window.__fake = controls;
  return controls;
}
