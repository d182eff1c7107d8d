/// <reference types="vite/client" />
// Test code only: the registry-sync commands of the fake core. Every answer is what the real
// core answered the studio's sync commands for `steward demo` (fixtures in ./sync, written by
// ./sync/generate.sh against a closed port and a real MLflow server). Nothing here decides an
// outcome: calls move between recorded states (a URL set, a token logged in, a sync run, a
// restore), a sync replays the progress reports the core sent, and anything not recorded is
// refused as such.
import { emit } from "@tauri-apps/api/event";
import type {
  ApiError,
  DocumentMergeCompose,
  DocumentMergeSave,
  DocumentMergeView,
  DocumentRef,
  DocumentSaveResult,
  RegistrySettingsView,
  RegistryTestView,
  RemoteRecordView,
  SyncConflictView,
  SyncFindingsView,
  SyncProgress,
  SyncProgressEvent,
  SyncReport,
  SyncRequest,
  SyncStatusView,
} from "../../src/api/bindings";

const recorded = import.meta.glob<string>("./sync/*.json", { eager: true, query: "?raw", import: "default" });

function notRecorded(what: string): never {
  throw {
    code: "internal",
    message: `the fake core has no recording of ${what}; add it to flows/app/sync/generate.sh`,
  } satisfies ApiError;
}

function rec<T>(name: string): T {
  const text = recorded[`./sync/${name}.json`];
  return text === undefined ? notRecorded(name) : (JSON.parse(text) as T);
}

/** Where the fake stands; each names the recordings it answers with. */
export type SyncFakeState =
  | "demo"
  | "closed"
  | "closed-synced"
  | "online"
  | "online-login"
  | "online-synced"
  | "ungoverned"
  | "restored"
  | "conflict"
  | "merged"
  | "resolved";

const ANSWERS: Record<SyncFakeState, { settings: string; status: string; findings: string }> = {
  demo: { settings: "demo-settings", status: "demo-status", findings: "demo-findings" },
  closed: { settings: "closed-settings", status: "closed-status-set", findings: "demo-findings" },
  "closed-synced": { settings: "closed-settings", status: "closed-status", findings: "closed-findings" },
  online: { settings: "online-settings", status: "online-status-set", findings: "closed-findings" },
  "online-login": { settings: "online-login", status: "online-status-set", findings: "closed-findings" },
  "online-synced": { settings: "online-login", status: "online-status", findings: "online-findings" },
  ungoverned: { settings: "ungoverned-settings", status: "ungoverned-status", findings: "ungoverned-findings" },
  restored: { settings: "ungoverned-settings", status: "restored-status", findings: "restored-findings" },
  conflict: { settings: "conflict-settings", status: "conflict-status", findings: "conflict-findings" },
  merged: { settings: "conflict-settings", status: "merged-status", findings: "merged-findings" },
  resolved: { settings: "conflict-settings", status: "resolved-status", findings: "resolved-findings" },
};

const LOGGED_IN: SyncFakeState[] = ["online-login", "online-synced", "ungoverned", "restored", "conflict", "merged", "resolved"];

type RecordedSync = { progress: SyncProgress[]; report?: SyncReport; error?: ApiError };

export type SyncFake = {
  handle: (cmd: string, a: Record<string, unknown>) => Promise<unknown> | undefined;
};

export function isSyncFakeState(s: string | null): s is SyncFakeState {
  return s !== null && s in ANSWERS;
}

export function installSyncFake(start: SyncFakeState): SyncFake {
  let state: SyncFakeState = start;
  const same = (url: unknown, name: string) => {
    const want = rec<RegistrySettingsView>(name).url;
    return typeof url === "string" && (url === want || `${url}/` === want);
  };
  const replay = async (name: string, operation: string): Promise<SyncReport> => {
    const r = rec<RecordedSync>(name);
    for (const progress of r.progress) {
      await new Promise((done) => setTimeout(done, 80));
      await emit("steward://sync-progress", { operation, progress } satisfies SyncProgressEvent);
    }
    if (r.error) throw r.error;
    return r.report ?? notRecorded(`the report of ${name}`);
  };
  const handle = (cmd: string, a: Record<string, unknown>): Promise<unknown> | undefined => {
    const answer = (f: () => unknown) => Promise.resolve().then(f);
    switch (cmd) {
      case "registry_settings":
        return answer(() => rec<RegistrySettingsView>(ANSWERS[state].settings));
      case "sync_status":
        return answer(() => rec<SyncStatusView>(ANSWERS[state].status));
      case "sync_findings":
        return answer(() => rec<SyncFindingsView>(ANSWERS[state].findings));
      case "registry_set":
        return answer(() => {
          if (same(a.url, "closed-settings")) state = "closed";
          else if (same(a.url, "online-settings")) state = "online";
          else notRecorded(`setting the registry to ${String(a.url)}`);
          return rec<RegistrySettingsView>(ANSWERS[state].settings);
        });
      case "registry_login":
        return answer(() => {
          if (state !== "online" || a.user !== null) notRecorded(`logging in as ${String(a.user)} in state ${state}`);
          state = "online-login";
          return rec<RegistrySettingsView>("online-login");
        });
      case "registry_logout":
        return answer(() => {
          if (state !== "online-login") notRecorded(`logging out in state ${state}`);
          state = "online";
          return rec<RegistrySettingsView>("online-settings");
        });
      case "registry_test":
        return answer(() => {
          if (state === "closed" || state === "closed-synced") throw rec<ApiError>("closed-test");
          if (LOGGED_IN.includes(state)) return rec<RegistryTestView>("online-test");
          return notRecorded(`the connection test in state ${state}`);
        });
      case "sync_conflict_remote":
        return answer(() => {
          const r = rec<RemoteRecordView>("conflict-remote");
          if (state !== "conflict" || a.digest !== r.digest) notRecorded(`the registry's record ${String(a.digest)} in state ${state}`);
          return r;
        });
      case "sync_conflict_resolve":
        return answer(() => {
          const settled = rec<SyncConflictView[]>("resolve-theirs");
          const same = settled[0]?.model === a.model && settled[0]?.version === a.version;
          if (state !== "merged" || !same || a.keepOurs !== false) notRecorded(`settling ${String(a.model)}@${String(a.version)} (keep ours: ${String(a.keepOurs)}) in state ${state}`);
          state = "resolved";
          return settled;
        });
      case "doc_merge":
        return answer(() => {
          const view = rec<DocumentMergeView>("merge-view");
          const doc = a.doc as DocumentRef;
          if (state !== "conflict" || doc.target !== view.target || doc.kind !== view.kind) notRecorded(`the merge of ${doc.target} ${doc.kind} in state ${state}`);
          return view;
        });
      case "doc_merge_compose":
        return answer(() => {
          const req = a.req as DocumentMergeCompose;
          if (state !== "conflict" || req.choices.some((c) => c !== "theirs")) notRecorded(`composing the merge with ${JSON.stringify(req.choices)} in state ${state}`);
          return rec<string>("merge-compose-theirs");
        });
      case "doc_merge_save":
        return answer(() => {
          const req = a.req as DocumentMergeSave;
          if (state !== "conflict" || req.text !== rec<string>("merge-compose-theirs")) notRecorded(`saving a merge of this text in state ${state}`);
          state = "merged";
          return rec<DocumentSaveResult>("merge-save");
        });
      case "sync_run": {
        const req = a.req as SyncRequest;
        const operation = a.operation as string;
        const both = !req.push && !req.pull;
        if ((state === "closed" || state === "closed-synced") && both && !req.restore)
          return replay("closed-sync", operation).finally(() => (state = "closed-synced"));
        if (state === "online-login" && both && !req.restore)
          return replay("online-sync", operation).then((r) => ((state = "online-synced"), r));
        if (state === "ungoverned" && both && req.restore)
          return replay("restored-sync", operation).then((r) => ((state = "restored"), r));
        return answer(() => notRecorded(`a sync ${JSON.stringify(req)} in state ${state}`));
      }
      default:
        return undefined;
    }
  };
  return { handle };
}
