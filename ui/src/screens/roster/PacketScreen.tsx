// A review packet opened read-only: the subject, the documents at the reviewed revisions, the
// evaluation runs and the approvals so far, as the core read and checked them.
import { useState } from "react";
import type { Decision, ReviewPacket, Role } from "../../api/bindings";
import { api } from "../../api/client";
import { STAGE_LABEL } from "../../components/StageChip";
import { ROLE_LABEL, ROLES } from "../../components/trust";
import { useErrors } from "../../errors";
import { href } from "../../router";
import { useLoad } from "../../useLoad";
import { ApprovalEntry, DECISIONS } from "../approvals/ApprovalsPanel";

/** A reviewer without the workspace signs the packet's subject; the approval goes to a file. */
function SignPacket({ path, p }: { path: string; p: ReviewPacket }) {
  const { report } = useErrors();
  const [role, setRole] = useState<Role>(ROLES[0] as Role);
  const [comment, setComment] = useState("");
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const sign = async (decision: Decision) => {
    setBusy(true);
    try {
      const out = await api.exportPick("Save your approval", `${p.target.replace("@", "-")}-${role}.approval.json`, "json");
      if (!out) return;
      const c = await api.reviewSign(path, role, decision, comment, out);
      setNote(`Wrote ${out}: ${ROLE_LABEL[c.role]} signed by ${c.fingerprint}. Send it back; it is imported on the version's Approvals panel.`);
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="sign-form" aria-label="Sign this packet" onSubmit={(e) => e.preventDefault()}>
      <label className="field">
        <span className="field-label">Sign as</span>
        <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="packet-sign-role" disabled={busy}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABEL[r]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">Comment</span>
        <textarea value={comment} onChange={(e) => setComment(e.target.value)} data-testid="packet-sign-comment" disabled={busy} />
      </label>
      <div className="row">
        {DECISIONS.map((d) => (
          <button
            key={d.decision}
            type="button"
            className={d.primary ? "btn btn-primary" : "btn"}
            onClick={() => sign(d.decision)}
            disabled={busy}
            data-testid={`packet-sign-${d.decision}`}
          >
            {d.label}
          </button>
        ))}
      </div>
      {note ? (
        <p className="flag flag-ok" role="status" data-testid="packet-signed">
          {note}
        </p>
      ) : null}
    </form>
  );
}

function Packet({ p }: { p: ReviewPacket }) {
  return (
    <>
      <p>
        <span className="mono">{p.target}</span> for {STAGE_LABEL[p.target_stage]} · subject digest{" "}
        <span className="mono break small" data-testid="packet-digest">
          {p.subject_digest}
        </span>
      </p>
      {p.roster_root_fingerprint ? (
        <p className="small muted">
          Roster root <span className="mono">{p.roster_root_fingerprint}</span>
        </p>
      ) : null}
      <h2>Review subject</h2>
      <ul className="plain-list" data-testid="packet-items">
        {p.items.map((i) => (
          <li key={`${i.kind}:${i.name}`}>
            <strong>{i.kind}</strong> <span className="mono">{i.name}</span> <span className="mono small muted break">{i.digest}</span>
          </li>
        ))}
      </ul>
      <h2>Approvals so far</h2>
      {p.approvals.length === 0 ? <p className="muted">None.</p> : null}
      {p.approvals.map((a) => (
        <ApprovalEntry key={a.id} approval={a} />
      ))}
      <h2>Evaluation runs</h2>
      <ul className="plain-list" data-testid="packet-runs">
        {p.evaluations.map((r) => (
          <li key={r.id}>
            {r.kind_label} <span className="mono">{r.suite}</span> <span className="small muted">· {r.rows.toLocaleString()} rows · {r.file_name}</span>
          </li>
        ))}
      </ul>
      <h2>Documents</h2>
      {p.documents.map((d) => (
        <details key={`${d.kind}:${d.of ?? ""}`} data-testid={`packet-doc-${d.kind}`}>
          <summary>
            {d.kind}
            {d.of ? ` of ${d.of}` : ""} r{d.revision} <span className="mono small muted">{d.sha256}</span>
          </summary>
          <pre className="mono small break" style={{ whiteSpace: "pre-wrap" }}>
            {d.content}
          </pre>
        </details>
      ))}
    </>
  );
}

export function PacketScreen({ path }: { path: string }) {
  const packet = useLoad(`packet:${path}`, () => api.reviewOpen(path));
  return (
    <section className="screen" aria-labelledby="packet-title">
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href={href.roster()}>Roster</a> / <span aria-current="page">Review packet</span>
      </nav>
      <header className="screen-header">
        <div>
          <h1 id="packet-title">Review packet</h1>
          <p className="muted mono break small">{path}</p>
        </div>
      </header>
      <p className="small muted">
        Read-only: nothing in this packet is stored in the workspace. Signing writes an approval file to send back; the core
        signs with the key in your OS keyring.
      </p>
      {packet.data ? (
        <>
          <Packet p={packet.data} />
          <h2>Sign</h2>
          <SignPacket path={path} p={packet.data} />
        </>
      ) : (
        <p className="muted">{packet.failed ? "This packet was refused." : "Loading…"}</p>
      )}
    </section>
  );
}
