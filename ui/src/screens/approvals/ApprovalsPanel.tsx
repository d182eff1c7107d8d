// The version screen's approvals: the five roles for one target stage, who signed what and
// when with the state the core decided (and its reasons), the review subject an approval
// signs, signing in the core, review packets out and approval files in.
import { useEffect, useState, type FormEvent } from "react";
import type { ApprovalView, ApprovalsView, Decision, ReviewSubjectView, Role, Stage, StageMove, SubjectItem } from "../../api/bindings";
import { api, pickFile, subscribeFileDrop, toApiError } from "../../api/client";
import { formatTime } from "../../components/format";
import { STAGE_LABEL } from "../../components/StageChip";
import { DECISION_LABEL, noRoster, ROLE_LABEL, ROLES, stateLabel } from "../../components/trust";
import { useIdentity } from "../../components/useIdentity";
import { useErrors } from "../../errors";
import { href } from "../../router";
import { useLoad } from "../../useLoad";
import "./approvals.css";

/**
 * Stages an approval here could be for: where the lifecycle would promote this version (the
 * core's moves), then any stage already signed for; else the version's own stage.
 */
export function reviewStages(stage: Stage, moves: StageMove[], approvals: ApprovalView[]): Stage[] {
  const out: Stage[] = [];
  const add = (s: Stage | null) => {
    if (s && !out.includes(s)) out.push(s);
  };
  for (const m of moves) if (m.kind === "promote") add(m.to);
  for (const a of [...approvals].reverse()) add(a.target_stage);
  add(stage);
  return out;
}

export function ApprovalMark({ approval }: { approval: ApprovalView }) {
  const tone = approval.state === "current" ? "current" : approval.state === "stale" ? "stale" : "bad";
  return (
    <span className={`mark mark-${tone}`} data-testid="approval-state" data-state={approval.state}>
      {stateLabel(approval.state)}
    </span>
  );
}

export function ApprovalEntry({ approval }: { approval: ApprovalView }) {
  return (
    <div className="approval" data-testid={`approval-${approval.id}`} data-state={approval.state}>
      <div>
        <ApprovalMark approval={approval} />
        <strong>{approval.decision ? DECISION_LABEL[approval.decision] : "Unreadable"}</strong> by{" "}
        <span data-testid="approval-signer">{approval.signer_name}</span>{" "}
        <span className="mono small muted" title={approval.signer}>
          {approval.signer_fingerprint}
        </span>
        {approval.signed_at ? <span className="small muted"> · {formatTime(approval.signed_at)}</span> : null}
        {approval.imported ? <span className="small muted"> · imported from a file</span> : null}
      </div>
      {approval.comment ? <div className="small">“{approval.comment}”</div> : null}
      {approval.reasons.length > 0 ? (
        <ul className="approval-reasons small" data-testid="approval-reasons">
          {approval.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

const DOCUMENT_ITEM = /^([a-z-]+)(?: of (\S+))? r\d+$/;

function itemLink(item: SubjectItem, model: string, version: string): string | null {
  if (item.kind === "evidence") return href.evaluations(model, version);
  if (item.kind === "dataset") return href.dataset(item.name);
  const doc = item.kind === "document" ? DOCUMENT_ITEM.exec(item.name) : null;
  if (doc?.[1]) return `#/documents/${encodeURIComponent(doc[2] ?? `${model}@${version}`)}/${doc[1]}`;
  return null;
}

function SubjectList({ model, version, to }: { model: string; version: string; to: Stage }) {
  // Shown in place rather than in the error banner: a version the core cannot describe yet
  // (no bundle digest, say) is a state of this panel, and the core's words say what to do.
  const [answer, setAnswer] = useState<{ key: string; subject: ReviewSubjectView | null; error: string | null } | null>(null);
  const key = `${model}@${version}>${to}`;
  useEffect(() => {
    let live = true;
    api.reviewSubject(model, version, to).then(
      (subject) => live && setAnswer({ key, subject, error: null }),
      (e: unknown) => live && setAnswer({ key, subject: null, error: toApiError(e).message }),
    );
    return () => {
      live = false;
    };
  }, [key, model, version, to]);
  const current = answer?.key === key ? answer : null;
  if (current?.error) return <p className="flag flag-missing" data-testid="subject-error">{current.error}</p>;
  const s = current?.subject;
  if (!s) return <p className="muted">Loading…</p>;
  return (
    <>
      <p className="small">
        Subject digest <span className="mono break" data-testid="subject-digest">{s.subject_digest}</span>
      </p>
      <div className="table-wrap">
        <table className="table subject-items" data-testid="subject-items">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Item</th>
              <th scope="col">Digest</th>
            </tr>
          </thead>
          <tbody>
            {s.items.map((item) => {
              const link = itemLink(item, model, version);
              return (
                <tr key={`${item.kind}:${item.name}`}>
                  <td>{item.kind}</td>
                  <td className="mono">{link ? <a href={link}>{item.name}</a> : item.name}</td>
                  <td className="mono digest">{item.digest}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

export const DECISIONS: { decision: Decision; label: string; primary: boolean }[] = [
  { decision: "approve", label: "Approve", primary: true },
  { decision: "request-changes", label: "Request changes", primary: false },
  { decision: "reject", label: "Reject", primary: false },
];

function SignForm({ model, version, to, roles, onSigned }: {
  model: string;
  version: string;
  to: Stage;
  roles: Role[];
  onSigned: (a: ApprovalView) => void;
}) {
  const { report } = useErrors();
  const [role, setRole] = useState<Role | "">("");
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const chosen: Role | undefined = role === "" ? roles[0] ?? ROLES[0] : role;
  const sign = async (decision: Decision, e?: FormEvent) => {
    e?.preventDefault();
    if (!chosen) return;
    setBusy(true);
    try {
      const a = await api.approvalSign({ model, version, role: chosen, to, decision, comment });
      setComment("");
      onSigned(a);
    } catch (err) {
      report(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="sign-form" aria-label="Sign this review" onSubmit={(e) => sign("approve", e)}>
      <div className="row">
        <label className="field">
          <span className="field-label">Sign as</span>
          <select value={chosen} onChange={(e) => setRole(e.target.value as Role)} data-testid="sign-role" disabled={busy}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABEL[r]}
                {roles.includes(r) ? "" : " (not granted to you)"}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label className="field">
        <span className="field-label">Comment</span>
        <textarea value={comment} onChange={(e) => setComment(e.target.value)} data-testid="sign-comment" disabled={busy} />
      </label>
      <div className="row">
        {DECISIONS.map((d) => (
          <button
            key={d.decision}
            type={d.primary ? "submit" : "button"}
            className={d.primary ? "btn btn-primary" : "btn"}
            onClick={d.primary ? undefined : () => sign(d.decision)}
            disabled={busy}
            data-testid={`sign-${d.decision}`}
          >
            {d.label}
          </button>
        ))}
      </div>
      <p className="small muted">Steward signs in its core with the key in your OS keyring; this window never sees it.</p>
    </form>
  );
}

function PacketActions({ model, version, to, onImported }: {
  model: string;
  version: string;
  to: Stage;
  onImported: (a: ApprovalView) => void;
}) {
  const { report } = useErrors();
  const [note, setNote] = useState<string | null>(null);
  const [over, setOver] = useState(false);

  const importFile = async (file: string) => {
    try {
      const a = await api.approvalImport(model, version, file);
      setNote(`Imported ${file}: ${a.signer_name}, ${a.role ? ROLE_LABEL[a.role] : "no role"} (${stateLabel(a.state)}).`);
      onImported(a);
    } catch (e) {
      report(e);
    }
  };

  useEffect(() => {
    let unlisten: (() => void) | null = null;
    let live = true;
    subscribeFileDrop(
      (paths) => {
        const first = paths[0];
        if (first) void importFile(first);
      },
      setOver,
    ).then(
      (u) => (live ? (unlisten = u) : u()),
      // Without a webview (component tests) there is nothing to drop; the dialog still works.
      () => undefined,
    );
    return () => {
      live = false;
      unlisten?.();
    };
    // importFile closes over the version, which keys this panel.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const choose = async () => {
    try {
      const file = await pickFile("Choose an approval file to import");
      if (file) await importFile(file);
    } catch (e) {
      report(e);
    }
  };

  const exportPacket = async () => {
    try {
      const path = await api.exportPick("Save a review packet", `${model}-${version}-${to}.review.json`, "json");
      if (!path) return;
      const p = await api.reviewExport(model, version, to, path);
      setNote(`Wrote ${path}: ${p.documents.length} documents, ${p.evaluations.length} evaluation runs, ${p.approvals.length} approvals.`);
    } catch (e) {
      report(e);
    }
  };

  return (
    <div className={`drop-hint${over ? " is-over" : ""}`} data-testid="approval-drop">
      <div className="row">
        <button type="button" className="btn" onClick={exportPacket} data-testid="review-export">
          Export a review packet…
        </button>
        <button type="button" className="btn" onClick={choose} data-testid="approval-import">
          Import an approval file…
        </button>
      </div>
      <p className="small muted">{over ? "Drop to import this approval" : "Or drop an approval file anywhere on this window."}</p>
      {note ? (
        <p className="flag flag-ok" role="status" data-testid="approvals-note">
          {note}
        </p>
      ) : null}
    </div>
  );
}

function RoleRows({ view, to }: { view: ApprovalsView; to: Stage }) {
  const forStage = view.approvals.filter((a) => a.target_stage === to);
  const unreadable = view.approvals.filter((a) => a.role === null);
  return (
    <>
      <ul className="approval-roles" data-testid="approval-roles">
        {ROLES.map((role) => {
          const signed = forStage.filter((a) => a.role === role).reverse();
          return (
            <li key={role} className="approval-role" data-testid={`role-${role}`} data-signed={signed.length > 0}>
              <h3>{ROLE_LABEL[role]}</h3>
              {signed.length === 0 ? <p className="small muted">Not signed yet.</p> : null}
              {signed.map((a) => (
                <ApprovalEntry key={a.id} approval={a} />
              ))}
            </li>
          );
        })}
      </ul>
      {unreadable.length > 0 ? (
        <>
          <h3>Envelopes that name no role</h3>
          {unreadable.map((a) => (
            <ApprovalEntry key={a.id} approval={a} />
          ))}
        </>
      ) : null}
    </>
  );
}

export function ApprovalsPanel({ model, version, stage, moves }: { model: string; version: string; stage: Stage; moves: StageMove[] }) {
  const approvals = useLoad(`approvals:${model}@${version}`, () => api.approvalList(model, version));
  const roster = useLoad("roster", () => api.rosterShow().catch(noRoster));
  const identity = useIdentity();
  const [picked, setPicked] = useState<Stage | null>(null);
  const [generation, setGeneration] = useState(0);
  const view = approvals.data;
  if (!view) return <p className="muted">{approvals.failed ? "Approvals could not be loaded." : "Loading…"}</p>;

  const stages = reviewStages(stage, moves, view.approvals);
  const to = picked && stages.includes(picked) ? picked : (stages[0] as Stage);
  const counted = new Set(
    view.approvals.filter((a) => a.target_stage === to && a.counts && a.decision === "approve").map((a) => a.role),
  );
  const mine = roster.data?.members.find((m) => m.keyid === identity.identity?.keyid);
  const changed = () => {
    approvals.reload();
    setGeneration((g) => g + 1);
  };

  return (
    <div data-testid="approvals">
      <div className="row">
        <label className="field field-inline">
          <span className="field-label">For</span>
          <select value={to} onChange={(e) => setPicked(e.target.value as Stage)} data-testid="approvals-stage">
            {stages.map((s) => (
              <option key={s} value={s}>
                {STAGE_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        <span className="approvals-summary" data-testid="approvals-summary">
          {counted.size} of {ROLES.length} roles approved
        </span>
      </div>
      <p className="small muted" data-testid="approvals-root">
        {view.roster_root_fingerprint ? (
          <>
            Decided against the roster with root <span className="mono">{view.roster_root_fingerprint}</span>
          </>
        ) : (
          <>
            This workspace has no roster yet: <a href={href.roster()}>start one</a>.
          </>
        )}
      </p>
      <RoleRows view={view} to={to} />

      <h3>What an approval signs</h3>
      <SubjectList key={generation} model={model} version={version} to={to} />

      <h3>Sign</h3>
      {identity.identity ? (
        <SignForm model={model} version={version} to={to} roles={mine?.roles ?? []} onSigned={changed} />
      ) : identity.loading ? null : (
        <p className="small" data-testid="sign-no-identity">
          {identity.missing ?? "No identity."} <a href={href.settings()}>Create your identity in Settings.</a>
        </p>
      )}
      <PacketActions key={`${model}@${version}`} model={model} version={version} to={to} onImported={changed} />
    </div>
  );
}
