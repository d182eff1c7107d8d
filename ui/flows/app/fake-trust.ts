/// <reference types="vite/client" />
// Test code only: the trust commands of the fake core. Every answer is what the real core
// answered for the real demo (fixtures in ./trust, written by ./trust/generate.sh): nothing
// here decides a state, a role or a staleness. Writes move between recorded states: the SRE
// signing the canary, Hana's offline approval of the candidate being signed from its packet
// and imported, a newcomer's key file being exported and added to the roster. Anything not recorded is refused as such.
import type {
  ApiError,
  ApprovalCheck,
  KeyExportResult,
  ApprovalView,
  ApprovalsView,
  ApproveRequest,
  IdentityView,
  KeyInitResult,
  ReviewPacket,
  ReviewSubjectView,
  RosterEdit,
  RosterView,
  Stage,
} from "../../src/api/bindings";
import keyShowJson from "./trust/key-show.json?raw";
import keyShowNone from "./trust/key-show-none.txt?raw";
import keyInitJson from "./trust/key-init.json?raw";
import keyExportJson from "./trust/key-export.json?raw";
import rosterJson from "./trust/roster.json?raw";
import rosterAddedJson from "./trust/roster-added.json?raw";
import approvalsProduction from "./trust/approvals-1.1.0-8.json?raw";
import approvalsCanary from "./trust/approvals-1.2.0-12.json?raw";
import approvalsCanarySigned from "./trust/approvals-1.2.0-12-signed.json?raw";
import approvalsCandidate from "./trust/approvals-1.3.0-15.json?raw";
import approvalsCandidateImported from "./trust/approvals-1.3.0-15-imported.json?raw";
import approveCanary from "./trust/approve-1.2.0-12.json?raw";
import subjectProduction from "./trust/subject-1.1.0-8.json?raw";
import subjectCanary from "./trust/subject-1.2.0-12.json?raw";
import subjectCandidate from "./trust/subject-1.3.0-15.json?raw";
import packetCanary from "./trust/packet-1.2.0-12.json?raw";
import packetCandidate from "./trust/packet-1.3.0-15.json?raw";
import reviewSignJson from "./trust/review-sign.json?raw";
import importReplayed from "./trust/import-replayed.txt?raw";

const MODEL = "summarize-copilot";
const CANARY = "1.2.0-12";
const CANDIDATE = "1.3.0-15";

function fail(code: ApiError["code"], message: string): never {
  throw { code, message } satisfies ApiError;
}

function notRecorded(what: string): never {
  return fail("internal", `the fake core has no recording of ${what}; add it to flows/app/trust/generate.sh`);
}

export type TrustFake = {
  handle: (cmd: string, a: Record<string, unknown>) => Promise<unknown> | undefined;
  /** Who is at the keyboard: the demo's SRE (recorded), a key made in the flow, or nobody. */
  who: () => "demo-sre" | "other" | "none";
  /** The core's words when there is no identity. */
  noIdentity: string;
};

export function installTrustFake(deps: {
  /** No identity in the keyring until one is created (the first start). */
  noIdentity: boolean;
  checkVersion: (model: string, version: string) => void;
  write: (path: string, bytes: number[]) => void;
}): TrustFake {
  const parse = <T,>(text: string) => JSON.parse(text) as T;
  // The demo's SRE, Tom Becker, is at this laptop unless the flow starts without an identity.
  let identity: IdentityView | null = deps.noIdentity ? null : parse<IdentityView>(keyShowJson);
  let roster = parse<RosterView>(rosterJson);
  const approvals = new Map<string, ApprovalsView>([
    [`${MODEL}@1.1.0-8`, parse(approvalsProduction)],
    [`${MODEL}@${CANARY}`, parse(approvalsCanary)],
    [`${MODEL}@${CANDIDATE}`, parse(approvalsCandidate)],
  ]);
  const subjects = new Map<string, ReviewSubjectView>(
    [subjectProduction, subjectCanary, subjectCandidate].map((t) => {
      const s = parse<ReviewSubjectView>(t);
      return [`${s.target}>${s.target_stage}`, s];
    }),
  );

  const listOf = (model: string, version: string): ApprovalsView => {
    deps.checkVersion(model, version);
    return approvals.get(`${model}@${version}`) ?? { model, version, roster_root_fingerprint: roster.root_fingerprint, approvals: [] };
  };

  const sign = (req: ApproveRequest): ApprovalView => {
    if (!identity) fail("keyring", keyShowNone.trim());
    const recorded = parse<ApprovalView>(approveCanary);
    const same =
      `${req.model}@${req.version}` === `${MODEL}@${CANARY}` &&
      req.role === recorded.role && req.to === recorded.target_stage && req.decision === recorded.decision && req.comment.trim() === recorded.comment;
    if (!same) notRecorded(`signing ${JSON.stringify(req)}`);
    approvals.set(`${MODEL}@${CANARY}`, parse(approvalsCanarySigned));
    return recorded;
  };

  const importFile = (model: string, version: string): ApprovalView => {
    deps.checkVersion(model, version);
    if (model === MODEL && version === CANARY) fail("untrusted", importReplayed.trim());
    if (model !== MODEL || version !== CANDIDATE) notRecorded(`an approval import into ${model}@${version}`);
    const after = parse<ApprovalsView>(approvalsCandidateImported);
    approvals.set(`${MODEL}@${CANDIDATE}`, after);
    return after.approvals[after.approvals.length - 1] ?? notRecorded("the imported approval");
  };

  const handle = (cmd: string, a: Record<string, unknown>): Promise<unknown> | undefined => {
    const model = a.model as string;
    const version = a.version as string;
    const answer = (f: () => unknown) => Promise.resolve().then(f);
    switch (cmd) {
      case "key_show":
        return answer(() => identity ?? fail("keyring", keyShowNone.trim()));
      case "key_init":
        return answer(() => {
          const r = parse<KeyInitResult>(keyInitJson);
          identity = r.identity;
          return r;
        });
      case "roster_show":
        return answer(() => roster);
      case "roster_init":
        // The demo has a roster, so the screen never offers to start one; nothing recorded.
        return answer(() => notRecorded("roster_init on the demo, which has a roster"));
      case "roster_edit":
        return answer(() => {
          const edit = a.edit as RosterEdit;
          if (edit.op !== "add") notRecorded(`the roster change ${JSON.stringify(edit)}`);
          roster = parse<RosterView>(rosterAddedJson);
          return roster;
        });
      case "approval_list":
        return answer(() => listOf(model, version));
      case "approval_sign":
        return answer(() => sign(a.req as ApproveRequest));
      case "approval_import":
        return answer(() => importFile(model, version));
      case "review_subject":
        return answer(() => {
          deps.checkVersion(model, version);
          return subjects.get(`${model}@${version}>${a.to as Stage}`) ?? notRecorded(`the review subject of ${model}@${version} for ${String(a.to)}`);
        });
      case "review_export":
        return answer(() => {
          const packet = parse<ReviewPacket>(packetCanary);
          if (`${model}@${version}` !== packet.target || a.to !== packet.target_stage) notRecorded(`a review packet of ${model}@${version}`);
          deps.write(a.path as string, [...new TextEncoder().encode(packetCanary)]);
          return packet;
        });
      case "key_export":
        return answer(() => {
          const r = parse<KeyExportResult>(keyExportJson);
          if (!identity || identity.keyid !== r.keyid || a.path !== r.json_file) notRecorded(`a key export to ${String(a.path)}`);
          deps.write(a.path as string, [...new TextEncoder().encode(r.keyid)]);
          return r;
        });
      case "review_open":
        // The packet Hana signs offline (the candidate's, for canary).
        return answer(() => parse<ReviewPacket>(packetCandidate));
      case "review_sign":
        return answer(() => {
          const r = parse<ApprovalCheck>(reviewSignJson);
          if (a.role !== r.role || a.decision !== r.decision || a.comment !== "threat model reviewed" || r.against !== `packet ${String(a.packet)}`)
            notRecorded(`signing ${String(a.packet)} as ${String(a.role)}`);
          deps.write(a.path as string, [...new TextEncoder().encode(r.subject_digest)]);
          return r;
        });
      default:
        return undefined;
    }
  };
  const sre = parse<IdentityView>(keyShowJson).keyid;
  const who = () => (identity === null ? "none" : identity.keyid === sre ? "demo-sre" : "other");
  return { handle, who, noIdentity: keyShowNone.trim() };
}
