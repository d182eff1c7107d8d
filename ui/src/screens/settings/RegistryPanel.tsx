// Settings → Registry: the workspace's MLflow registry URL (set or cleared), the credential
// (a token, or a user and password) logged in or out — the secret goes to the core once and is
// stored in the OS keyring; only its kind comes back — and "Test connection", which shows what
// `steward registry test` shows. Failures (unreachable, not MLflow, 401, 403) are the core's
// errors, shown by the error banner.
import { useState, type FormEvent } from "react";
import type { RegistrySettingsView, RegistryTestView } from "../../api/bindings";
import { api } from "../../api/client";
import { useErrors } from "../../errors";
import { href } from "../../router";
import { useLoad } from "../../useLoad";
import { useSync } from "../sync/SyncContext";
import "../sync/sync.css";

function TestResult({ t }: { t: RegistryTestView }) {
  return (
    <dl className="kv registry-test" data-testid="registry-test">
      <dt>Reachable</dt>
      <dd data-testid="registry-test-reachable">
        yes · <span className="mono">{t.url}</span>
      </dd>
      <dt>MLflow</dt>
      <dd data-testid="registry-test-version">
        {t.mlflow_version}{" "}
        {t.supported ? (
          <span className="flag flag-ok">supported</span>
        ) : (
          <span className="flag flag-missing">not a version Steward is tested with</span>
        )}
      </dd>
      <dt>Credential</dt>
      <dd data-testid="registry-test-credential">{t.credential ?? "none (anonymous)"}</dd>
      <dt>Read</dt>
      <dd data-testid="registry-test-read">{t.authenticated ? "ok" : "refused"}</dd>
      <dt>Permissions</dt>
      <dd data-testid="registry-test-permissions">{t.permissions}</dd>
    </dl>
  );
}

function UrlForm({ settings, onChanged }: { settings: RegistrySettingsView; onChanged: (s: RegistrySettingsView) => void }) {
  const { report } = useErrors();
  const [url, setUrl] = useState(settings.url ?? "");
  const [busy, setBusy] = useState(false);
  const act = async (f: () => Promise<RegistrySettingsView>) => {
    setBusy(true);
    try {
      const next = await f();
      setUrl(next.url ?? "");
      onChanged(next);
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void act(() => api.registrySet(url));
  };
  return (
    <form className="row" onSubmit={submit} aria-label="Registry URL" data-testid="registry-url-form">
      <label className="field field-grow">
        <span className="field-label">MLflow server URL</span>
        <input
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="http://mlflow.internal:5000"
          spellCheck={false}
          disabled={busy}
          data-testid="registry-url"
        />
      </label>
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="registry-url-set">
        Set registry
      </button>
      {settings.url ? (
        <button type="button" className="btn" disabled={busy} onClick={() => void act(() => api.registryClear())} data-testid="registry-url-clear">
          Clear
        </button>
      ) : null}
    </form>
  );
}

function Login({ settings, onChanged }: { settings: RegistrySettingsView; onChanged: (s: RegistrySettingsView) => void }) {
  const { report } = useErrors();
  const [how, setHow] = useState<"token" | "user">("token");
  const [user, setUser] = useState("");
  const [secret, setSecret] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const next = await api.registryLogin(how === "user" ? user : null, secret);
      onChanged(next);
    } catch (err) {
      report(err);
    } finally {
      // The secret is in the keyring now (or was refused): the window keeps no copy.
      setSecret("");
      setBusy(false);
    }
  };
  const logout = async () => {
    setBusy(true);
    try {
      onChanged(await api.registryLogout());
    } catch (err) {
      report(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <dl className="kv">
        <dt>Credential</dt>
        <dd data-testid="registry-credential">
          {settings.credential ?? "none (anonymous)"} <span className="small muted">· kept in the OS keyring ({settings.keyring})</span>
        </dd>
      </dl>
      {settings.credential ? (
        <button type="button" className="btn" onClick={() => void logout()} disabled={busy} data-testid="registry-logout">
          Log out
        </button>
      ) : null}
      <form className="form fieldset" onSubmit={submit} aria-label="Log in to the registry" data-testid="registry-login-form">
        <fieldset className="row" style={{ border: 0, padding: 0, margin: 0 }}>
          <legend className="field-label">Log in with</legend>
          <label className="field-inline">
            <input type="radio" name="registry-login-how" checked={how === "token"} onChange={() => setHow("token")} data-testid="registry-login-token" />
            a token
          </label>
          <label className="field-inline">
            <input type="radio" name="registry-login-how" checked={how === "user"} onChange={() => setHow("user")} data-testid="registry-login-user" />
            a user and password
          </label>
        </fieldset>
        <div className="row">
          {how === "user" ? (
            <label className="field field-grow">
              <span className="field-label">User</span>
              <input value={user} onChange={(e) => setUser(e.target.value)} required autoComplete="username" disabled={busy} data-testid="registry-user" />
            </label>
          ) : null}
          <label className="field field-grow">
            <span className="field-label">{how === "user" ? "Password" : "Token"}</span>
            <input
              type="password"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
              required
              autoComplete="off"
              disabled={busy}
              data-testid="registry-secret"
            />
          </label>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="registry-login">
            Log in
          </button>
        </div>
      </form>
    </>
  );
}

export function RegistryPanel() {
  const { report } = useErrors();
  const { reloadStatus } = useSync();
  const settings = useLoad("registry-settings", () => api.registrySettings());
  const [test, setTest] = useState<RegistryTestView | null>(null);
  const [testing, setTesting] = useState(false);
  const changed = (s: RegistrySettingsView) => {
    settings.set(s);
    setTest(null);
    reloadStatus();
  };
  const runTest = async () => {
    setTest(null);
    setTesting(true);
    try {
      setTest(await api.registryTest());
    } catch (e) {
      report(e);
    } finally {
      setTesting(false);
    }
  };
  const s = settings.data;
  if (!s) return <p className="muted">{settings.failed ? "No registry settings." : "Loading…"}</p>;
  return (
    <div data-testid="registry-panel">
      <p className="muted small">
        The central registry is an MLflow server; what waits for it is on the <a href={href.sync()}>Sync</a> screen.
      </p>
      <UrlForm key={s.url ?? ""} settings={s} onChanged={changed} />
      {s.url ? (
        <>
          <Login settings={s} onChanged={changed} />
          <div className="row">
            <button type="button" className="btn" onClick={() => void runTest()} disabled={testing} data-testid="registry-test-run">
              {testing ? "Testing…" : "Test connection"}
            </button>
          </div>
          {test ? <TestResult t={test} /> : null}
        </>
      ) : (
        <p className="muted small" data-testid="registry-unset">
          No registry is set: changes wait in the outbox until one is.
        </p>
      )}
    </div>
  );
}
