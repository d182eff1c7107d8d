// First start: create your signing identity (the key is made and kept in the OS keyring by
// the core); afterwards, who you are and the fingerprint to read aloud to your team.
import { useState, type FormEvent } from "react";
import type { IdentityView } from "../../api/bindings";
import { api } from "../../api/client";
import { useIdentity } from "../../components/useIdentity";
import { useErrors } from "../../errors";
import { href } from "../../router";

function ExportKey({ identity }: { identity: IdentityView }) {
  const { report } = useErrors();
  const [note, setNote] = useState<string | null>(null);
  const exportKey = async () => {
    try {
      const path = await api.exportPick("Save your public key", `${identity.email}.key.json`, "json");
      if (!path) return;
      const r = await api.keyExport(path);
      setNote(`Wrote ${r.json_file} (and ${r.pem_file}). Send it to a roster admin; they add it on the Roster screen.`);
    } catch (e) {
      report(e);
    }
  };
  return (
    <>
      <button type="button" className="btn" onClick={exportKey} data-testid="identity-export">
        Export my public key…
      </button>
      {note ? (
        <p className="flag flag-ok" role="status" data-testid="identity-exported">
          {note}
        </p>
      ) : null}
    </>
  );
}

function IdentityDetails({ identity }: { identity: IdentityView }) {
  return (
    <dl className="kv" data-testid="identity">
      <dt>Name</dt>
      <dd data-testid="identity-name">
        {identity.name} <span className="muted">&lt;{identity.email}&gt;</span>
      </dd>
      <dt>Fingerprint</dt>
      <dd className="mono" data-testid="identity-fingerprint">
        {identity.fingerprint}
      </dd>
      <dt>Key id</dt>
      <dd className="mono break small" data-testid="identity-keyid">
        {identity.keyid}
      </dd>
      <dt>Keyring</dt>
      <dd className="small">
        {identity.backend} · service <span className="mono">{identity.keyring_service}</span>
      </dd>
    </dl>
  );
}

function CreateIdentity({ why, onCreated }: { why: string | null; onCreated: (identity: IdentityView) => void }) {
  const { report } = useErrors();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const r = await api.keyInit({ name, email, replace: false });
      onCreated(r.identity);
    } catch (err) {
      report(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} aria-label="Create your identity" data-testid="identity-create">
      <p>
        Approvals are signed with a key of your own, kept in your operating system's keyring. Create it once; your
        reviewers will know it by its fingerprint.
      </p>
      {why ? (
        <p className="small muted" data-testid="identity-missing">
          {why}
        </p>
      ) : null}
      <div className="row">
        <label className="field field-grow">
          <span className="field-label">Your name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required data-testid="identity-name-input" disabled={busy} />
        </label>
        <label className="field field-grow">
          <span className="field-label">Your email</span>
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required data-testid="identity-email-input" disabled={busy} />
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="identity-submit">
          Create my identity
        </button>
      </div>
    </form>
  );
}

export function IdentityPanel() {
  const state = useIdentity();
  const [created, setCreated] = useState(false);
  if (state.loading) return <p className="muted">Loading…</p>;
  if (!state.identity) {
    return (
      <CreateIdentity
        why={state.missing}
        onCreated={(identity) => {
          state.set(identity);
          setCreated(true);
        }}
      />
    );
  }
  return (
    <>
      {created ? (
        <p className="flag flag-ok" role="status" data-testid="identity-created">
          Your key was created in the OS keyring. Send your fingerprint to a roster admin so they can add you.
        </p>
      ) : null}
      <IdentityDetails identity={state.identity} />
      <ExportKey identity={state.identity} />
      <p className="small muted">
        Roster membership and roles: <a href={href.roster()}>Roster</a>.
      </p>
    </>
  );
}
