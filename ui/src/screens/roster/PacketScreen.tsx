// A review packet opened read-only: the subject, the documents at the reviewed revisions, the
// evaluation runs and the approvals so far, as the core read and checked them.
import type { ReviewPacket } from "../../api/bindings";
import { api } from "../../api/client";
import { STAGE_LABEL } from "../../components/StageChip";
import { href } from "../../router";
import { useLoad } from "../../useLoad";
import { ApprovalEntry } from "../approvals/ApprovalsPanel";

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
      <p className="small muted">Read-only: nothing in this packet is stored in the workspace.</p>
      {packet.data ? <Packet p={packet.data} /> : <p className="muted">{packet.failed ? "This packet was refused." : "Loading…"}</p>}
    </section>
  );
}
