// Test code only: the release-document commands of the fake core, replayed from the real core's
// answers. src-tauri/tests/flow_documents.rs drives the real Tauri commands through the call
// sequences the flows make (on `steward demo` plus the flows' own models, created through the
// same commands) and writes every answer to documents/recorded.json, keyed by the command, its
// arguments and the state: the writes made so far (a document created, saved or restored, a
// draft kept or discarded). This file decides nothing — no template, completeness, risk band or
// rendering — it looks the call up, and a call nobody recorded fails loudly, so a flow can never
// pass on invented data. The state lives in sessionStorage, so a reload keeps what the core
// would have kept on disk, and a new page starts from the seed again.
import type { ApiError } from "../../src/api/bindings";
import recordedJson from "./documents/recorded.json?raw";
import { canonical, notRecorded } from "./recorded";

type Answer = {
  /** The state the call was made in; null for a call whose answer no write changes. */
  state: number | null;
  cmd: string;
  args: Record<string, unknown>;
  ok?: unknown;
  err?: ApiError;
  /** For a write: the state it leads to. */
  next?: number;
};
type Recorded = { regenerate: string; answers: Answer[] };

const RECORDED: Recorded = JSON.parse(recordedJson);
const STATE = "steward-fake-documents-state";

const BY_KEY = new Map<string, Answer>();
for (const a of RECORDED.answers) BY_KEY.set(`${a.state ?? "*"} ${a.cmd} ${canonical(a.args)}`, a);

export function fakeDocuments() {
  const written = new Map<string, string>();
  const state = () => Number(window.sessionStorage.getItem(STATE) ?? "0");

  const lookup = (cmd: string, args: Record<string, unknown>): Answer => {
    const key = canonical(args);
    const hit = BY_KEY.get(`${state()} ${cmd} ${key}`) ?? BY_KEY.get(`* ${cmd} ${key}`);
    return hit ?? notRecorded(`${cmd} ${key} in state ${state()} (src-tauri/tests/flow_documents.rs)`, RECORDED.regenerate);
  };

  const handle = (cmd: string, a: Record<string, unknown>): { handled: boolean; value?: unknown } => {
    if (!cmd.startsWith("doc_")) return { handled: false };
    // With a path, doc_export also has the shell write the core's text where the save dialog
    // answered; the core's answer is the same, and the shell's write is what `written` stands
    // for (the recorder cannot write to the flows' /home/ana).
    const path = cmd === "doc_export" && typeof a.path === "string" ? a.path : null;
    const hit = lookup(cmd, path === null ? a : { ...a, path: null });
    if (hit.next !== undefined) window.sessionStorage.setItem(STATE, String(hit.next));
    if (hit.err) throw hit.err;
    if (path !== null) written.set(path, (hit.ok as { content: string }).content);
    return { handled: true, value: hit.ok };
  };

  return { handle, written };
}
