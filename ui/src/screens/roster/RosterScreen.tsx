// The workspace's trust roster as the core rebuilt it from its signed changes: the root
// fingerprint to compare with your team's, members and their roles, the history, and the
// changes an admin signs (add a member from their key file, grant or revoke a role).
import { useState } from "react";
import type { MemberView, Role, RosterEdit, RosterView } from "../../api/bindings";
import { api, pickFile } from "../../api/client";
import { formatTime } from "../../components/format";
import { noRoster, ROLE_LABEL, ROLES } from "../../components/trust";
import { useErrors } from "../../errors";
import { href, navigate } from "../../router";
import { useLoad } from "../../useLoad";

function MemberRow({ m, onEdit }: { m: MemberView; onEdit: (edit: RosterEdit) => void }) {
  const [role, setRole] = useState<Role | "">("");
  const missing = ROLES.filter((r) => !m.roles.includes(r));
  return (
    <tr data-testid={`member-${m.email}`} data-active={m.active}>
      <td>
        {m.name}
        <div className="small muted">{m.email}</div>
      </td>
      <td className="mono small">{m.fingerprint}</td>
      <td>
        {m.roles.length === 0 ? <span className="muted small">none</span> : null}
        {m.roles.map((r) => (
          <span key={r} className="row" data-testid={`member-role-${r}`}>
            {ROLE_LABEL[r]}
            {m.active ? (
              <button
                type="button"
                className="btn btn-quiet btn-small"
                onClick={() => onEdit({ op: "revoke", keyid: m.keyid, role: r })}
                aria-label={`Revoke ${ROLE_LABEL[r]} from ${m.name}`}
              >
                ✕
              </button>
            ) : null}
          </span>
        ))}
        {m.active && missing.length > 0 ? (
          <span className="row">
            <select value={role} onChange={(e) => setRole(e.target.value as Role | "")} aria-label={`Role to grant ${m.name}`} data-testid="grant-role">
              <option value="">Grant a role…</option>
              {missing.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABEL[r]}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="btn btn-small"
              disabled={role === ""}
              onClick={() => role !== "" && onEdit({ op: "grant", keyid: m.keyid, role })}
              data-testid="grant-submit"
            >
              Grant
            </button>
          </span>
        ) : null}
      </td>
      <td className="small">
        {m.admin ? "admin · " : ""}
        {m.active ? "active" : (m.retired ?? "retired")}
      </td>
    </tr>
  );
}

function Roster({ r, onEdit }: { r: RosterView; onEdit: (edit: RosterEdit) => void }) {
  return (
    <>
      <dl className="kv">
        <dt>Root fingerprint</dt>
        <dd className="mono" data-testid="roster-root">
          {r.root_fingerprint}
        </dd>
      </dl>
      <p className="small muted">Compare the root fingerprint with your team's before you trust anything signed here.</p>
      {r.problems.length > 0 ? (
        <ul className="flag flag-missing plain-list" data-testid="roster-problems">
          {r.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      <h2>Members</h2>
      <div className="table-wrap">
        <table className="table" data-testid="roster-members">
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Fingerprint</th>
              <th scope="col">Roles</th>
              <th scope="col">Standing</th>
            </tr>
          </thead>
          <tbody>
            {r.members.map((m) => (
              <MemberRow key={m.keyid} m={m} onEdit={onEdit} />
            ))}
          </tbody>
        </table>
      </div>
      <h2>History</h2>
      <ol className="plain-list" data-testid="roster-history">
        {[...r.history].reverse().map((c) => (
          <li key={c.seq}>
            <span className="mono small">#{c.seq}</span> {c.summary}{" "}
            <span className="small muted">
              · signed by {c.signer_name} · {formatTime(c.signed_at)}
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}

export function RosterScreen() {
  const { report } = useErrors();
  const roster = useLoad("roster", () => api.rosterShow().catch(noRoster));
  const [busy, setBusy] = useState(false);

  const change = async (run: () => Promise<RosterView>) => {
    setBusy(true);
    try {
      roster.set(await run());
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  };
  const addMember = async () => {
    try {
      const file = await pickFile("Choose the member's key file (steward key export)");
      if (file) await change(() => api.rosterEdit({ op: "add", file }));
    } catch (e) {
      report(e);
    }
  };
  const openPacket = async () => {
    try {
      const file = await pickFile("Open a review packet");
      if (file) navigate(href.packet(file));
    } catch (e) {
      report(e);
    }
  };

  return (
    <section className="screen" aria-labelledby="roster-title">
      <header className="screen-header">
        <h1 id="roster-title">Trust roster</h1>
        <div className="actions">
          <button type="button" className="btn" onClick={addMember} disabled={busy || !roster.data} data-testid="roster-add">
            Add a member from their key file…
          </button>
          <button type="button" className="btn" onClick={openPacket} data-testid="packet-open">
            Open a review packet…
          </button>
        </div>
      </header>
      {roster.data ? <Roster r={roster.data} onEdit={(edit) => change(() => api.rosterEdit(edit))} /> : null}
      {roster.loading ? <p className="muted">Loading…</p> : null}
      {!roster.loading && !roster.data && !roster.failed ? (
        <div data-testid="roster-none">
          <p>This workspace has no trust roster yet. Start one with your key as its root, then add your team from their key files.</p>
          <button type="button" className="btn btn-primary" onClick={() => change(() => api.rosterInit())} disabled={busy} data-testid="roster-init">
            Start the roster with my key
          </button>
          <p className="small muted">
            No key yet? <a href={href.settings()}>Create your identity in Settings.</a>
          </p>
        </div>
      ) : null}
    </section>
  );
}
